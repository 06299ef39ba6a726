"""DNS rebinding: the fetcher connects to the address the guard checked, never to a second DNS
answer. A fake resolver names hosts that exist nowhere else (`*.rebind.test`); the local server
(127.0.0.1) stands in for the checked address."""

from __future__ import annotations

import httpcore
import pytest

import test_fetch_server
from wiretrail.fetch import FetchConfig, Fetcher
from wiretrail.fetch.errors import FetchRefused
from wiretrail.fetch.pinning import PinnedBackend

local_server = test_fetch_server.local_server  # the fixture, shared

LOOPBACK_ONLY = FetchConfig(allow_loopback=True, host_delay_s=0, backoff_s=0, timeout_s=5, attempts=1)
NO_ROBOTS = FetchConfig(allow_loopback=True, host_delay_s=0, backoff_s=0, timeout_s=5, attempts=1, respect_robots=False)


class Rebinding:
    """Answers with each address in turn, then the last for ever: what a hostile DNS server does."""

    def __init__(self, *answers: str) -> None:
        self.answers, self.asked = list(answers), []

    def __call__(self, host: str, port: int) -> list[str]:
        self.asked.append(host)
        return [self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]]


def test_the_connection_goes_to_the_checked_address_not_a_second_answer(local_server):
    local_server.page("/story", "<html><body><p>Checked address.</p></body></html>")
    resolver = Rebinding("127.0.0.1", "10.0.0.7")  # checked: loopback (allowed here); then private
    with Fetcher(NO_ROBOTS, resolver=resolver) as fetcher:
        result = fetcher.fetch(f"http://www.rebind.test:{local_server.port}/story")
        assert result.status == 200 and b"Checked address." in result.body
        assert resolver.asked == ["www.rebind.test"]  # one resolution, and the system resolver never asked
        # the next fetch resolves again, and the private answer is refused before any request
        with pytest.raises(FetchRefused, match="resolves to 10.0.0.7, a private address"):
            fetcher.fetch(f"http://www.rebind.test:{local_server.port}/story")
    assert [h.headers["Host"] for h in local_server.hits] == [f"www.rebind.test:{local_server.port}"]


def test_a_host_nobody_checked_is_checked_when_connecting():
    backend = PinnedBackend(resolver=Rebinding("10.0.0.7"), allow_loopback=True, allow_private=False)
    with pytest.raises(httpcore.ConnectError, match="resolves to 10.0.0.7, a private address"):
        backend.connect_tcp("internal.rebind.test", 80, timeout=1)
    assert backend.pinned("internal.rebind.test") is None


def test_a_robots_redirect_to_an_internal_host_is_not_followed_there(local_server):
    local_server.redirect("/robots.txt", f"http://internal.rebind.test:{local_server.port}/robots.txt")
    local_server.page("/story", "<html><body><p>Never served.</p></body></html>")
    answers, asked = {"www.rebind.test": "127.0.0.1", "internal.rebind.test": "10.0.0.9"}, []
    with Fetcher(LOOPBACK_ONLY, resolver=lambda host, port: asked.append(host) or [answers[host]]) as fetcher:
        with pytest.raises(FetchRefused, match="robots.txt"):  # unreachable robots.txt: not allowed for now
            fetcher.fetch(f"http://www.rebind.test:{local_server.port}/story")
    assert local_server.paths() == ["/robots.txt"]  # the redirect target was never connected to
    assert "internal.rebind.test" in asked  # refused by the check at connect time, not by a DNS failure
