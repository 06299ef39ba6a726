"""The fetcher on httpx.MockTransport (no network at all): canonical URLs, the address guard,
conditional requests, retries, redirects, robots.txt, the size cap, politeness."""

from __future__ import annotations

import httpx
import pytest

from wiretrail.fetch import FetchConfig, Fetcher, Validators, canonical_url
from wiretrail.fetch.errors import FetchError, FetchRefused, FetchTooLarge, HTTPStatusError, RedirectError
from wiretrail.fetch.guard import internal_reason
from wiretrail.fetch.politeness import HostThrottle

PUBLIC = "93.184.215.14"  # any global unicast address: the fake resolver answers with it
FAST = FetchConfig(host_delay_s=0, backoff_s=0, timeout_s=1)


def public(host: str, port: int) -> list[str]:
    return [PUBLIC]


def fetcher(handler, config: FetchConfig = FAST, resolver=public, sleeps: list | None = None) -> Fetcher:
    waits = sleeps if sleeps is not None else []
    return Fetcher(config, transport=httpx.MockTransport(handler), resolver=resolver, sleep=waits.append)


def no_robots(request: httpx.Request) -> httpx.Response | None:
    return httpx.Response(404) if request.url.path == "/robots.txt" else None


# -- canonical URLs -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "canonical"),
    [
        ("HTTP://Example.ORG:80/world/story?utm_source=x&id=7&fbclid=abc#comments", "http://example.org/world/story?id=7"),
        ("https://example.org:443/a?gclid=1&utm_medium=rss", "https://example.org/a"),
        ("https://example.org:8443/a?b=2&a=1", "https://example.org:8443/a?b=2&a=1"),
        ("https://example.org", "https://example.org/"),
        ("https://EXAMPLE.org./x%2Fy?mc_cid=5&ref=home", "https://example.org/x%2Fy?ref=home"),
    ],
)
def test_canonical_url_drops_tracking_fragment_default_port(given, canonical):
    assert canonical_url(given) == canonical


@pytest.mark.parametrize("bad", ["ftp://example.org/x", "file:///etc/passwd", "example.org/x", "http:///nohost"])
def test_canonical_url_refuses_what_is_not_http(bad):
    with pytest.raises(FetchRefused, match="http"):
        canonical_url(bad)


# -- the address guard ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "reason"),
    [("127.0.0.1", "loopback"), ("::1", "loopback"), ("10.1.2.3", "private"), ("192.168.0.9", "private"),
     ("169.254.169.254", "link-local"), ("fe80::1", "link-local"), ("::ffff:10.0.0.1", "private"), (PUBLIC, None)],
)  # fmt: skip
def test_internal_addresses_are_named(address, reason):
    assert internal_reason(address, allow_loopback=False, allow_private=False) == reason


def test_loopback_allowance_does_not_open_private_ranges():
    assert internal_reason("127.0.0.1", allow_loopback=True, allow_private=False) is None
    assert internal_reason("10.0.0.1", allow_loopback=True, allow_private=False) == "private"
    assert internal_reason("10.0.0.1", allow_loopback=False, allow_private=True) is None


def test_a_host_with_any_private_address_is_refused_before_any_request():
    asked = []
    f = fetcher(lambda r: asked.append(r) or httpx.Response(200), resolver=lambda h, p: [PUBLIC, "10.0.0.5"])
    with pytest.raises(FetchRefused, match=r"http://intranet\.example/.*10\.0\.0\.5, a private address"):
        f.fetch("http://intranet.example/")
    assert asked == []


def test_a_redirect_to_the_metadata_address_is_refused():
    def handler(request):
        return no_robots(request) or httpx.Response(302, headers={"Location": "http://169.254.169.254/latest/meta-data"})

    def resolver(host, port):
        return ["169.254.169.254"] if host == "169.254.169.254" else [PUBLIC]

    with pytest.raises(FetchRefused, match="link-local"):
        fetcher(handler, resolver=resolver).fetch("http://example.org/story")


# -- conditional requests, redirects, retries -------------------------------------------------------


def test_validators_are_sent_and_304_is_not_modified():
    seen = {}

    def handler(request):
        if robots := no_robots(request):
            return robots
        seen.update(request.headers)
        if request.headers.get("if-none-match") == '"v1"':
            return httpx.Response(304)
        return httpx.Response(200, text="<p>x</p>", headers={"ETag": '"v1"', "Last-Modified": "Tue, 03 Dec 2024 10:00:00 GMT"})

    f = fetcher(handler)
    first = f.fetch("http://example.org/live")
    assert first.status == 200 and first.validators == Validators('"v1"', "Tue, 03 Dec 2024 10:00:00 GMT")
    second = f.fetch("http://example.org/live", first.validators)
    assert second.not_modified and second.body == b""
    assert seen["if-modified-since"] == "Tue, 03 Dec 2024 10:00:00 GMT"
    assert seen["user-agent"].startswith("wiretrail/")


def test_redirects_are_followed_to_a_canonical_final_url():
    def handler(request):
        if robots := no_robots(request):
            return robots
        if request.url.path == "/old":
            return httpx.Response(301, headers={"Location": "/new?utm_source=feed"})
        return httpx.Response(200, text="ok", headers={"Content-Type": "text/html; charset=ISO-8859-1"})

    result = fetcher(handler).fetch("http://example.org/old")
    assert result.final_url == "http://example.org/new"
    assert result.redirects == ("http://example.org/old",)
    assert (result.content_type, result.charset) == ("text/html", "ISO-8859-1")


def test_a_redirect_loop_is_refused_naming_the_hops():
    def handler(request):
        target = "/b" if request.url.path == "/a" else "/a"
        return no_robots(request) or httpx.Response(302, headers={"Location": target})

    with pytest.raises(RedirectError, match=r"redirect loop: http://example.org/a -> http://example.org/b -> http://example.org/a"):
        fetcher(handler).fetch("http://example.org/a")


def test_too_many_redirects():
    def handler(request):
        if robots := no_robots(request):
            return robots
        return httpx.Response(302, headers={"Location": f"/{int(request.url.path.strip('/')) + 1}"})

    with pytest.raises(RedirectError, match="more than 5 redirects"):
        fetcher(handler).fetch("http://example.org/0")


def test_server_errors_are_retried_with_growing_backoff_then_fail():
    calls = []

    def handler(request):
        if robots := no_robots(request):
            return robots
        calls.append(1)
        return httpx.Response(503)

    sleeps: list[float] = []
    config = FetchConfig(host_delay_s=0, backoff_s=0.5, attempts=3)
    with pytest.raises(HTTPStatusError, match=r"http://example.org/x: HTTP 503") as info:
        fetcher(handler, config, sleeps=sleeps).fetch("http://example.org/x")
    assert info.value.status == 503 and len(calls) == 3
    assert sleeps == [0.5, 1.0]


def test_a_client_error_is_not_retried():
    calls = []

    def handler(request):
        return no_robots(request) or (calls.append(1) or httpx.Response(404))

    with pytest.raises(HTTPStatusError, match="HTTP 404"):
        fetcher(handler).fetch("http://example.org/gone")
    assert len(calls) == 1


def test_timeouts_are_retried_and_reported():
    def handler(request):
        if robots := no_robots(request):
            return robots
        raise httpx.ReadTimeout("slow", request=request)

    with pytest.raises(FetchError, match=r"http://example.org/slow: timed out .* 3 attempts"):
        fetcher(handler).fetch("http://example.org/slow")


# -- robots.txt, size cap, politeness -------------------------------------------------------------


def test_robots_disallow_is_respected_and_cached():
    asked = []

    def handler(request):
        asked.append(request.url.path)
        if request.url.path == "/robots.txt":
            return httpx.Response(200, text="User-agent: wiretrail\nDisallow: /private/\n")
        return httpx.Response(200, text="fine")

    f = fetcher(handler)
    assert f.fetch("http://example.org/public").status == 200
    with pytest.raises(FetchRefused, match="robots.txt disallows"):
        f.fetch("http://example.org/private/page")
    assert asked == ["/robots.txt", "/public"]


def test_an_unreachable_robots_txt_disallows_for_now():
    def handler(request):
        return httpx.Response(503) if request.url.path == "/robots.txt" else httpx.Response(200, text="x")

    with pytest.raises(FetchRefused, match="robots.txt"):
        fetcher(handler, FetchConfig(host_delay_s=0, backoff_s=0, attempts=1)).fetch("http://example.org/a")


def test_a_declared_length_over_the_cap_is_refused_before_reading():
    def handler(request):
        return no_robots(request) or httpx.Response(200, headers={"Content-Length": str(10**9)}, content=b"x")

    with pytest.raises(FetchTooLarge, match="1,000,000,000 bytes is over the 1,000-byte cap"):
        fetcher(handler, FetchConfig(host_delay_s=0, max_bytes=1000)).fetch("http://example.org/big")


def test_a_streamed_body_is_cut_off_at_the_cap():
    produced = []

    def endless():
        for _ in range(10**6):
            produced.append(1)
            yield b"x" * 65536

    def handler(request):
        return no_robots(request) or httpx.Response(200, content=endless())

    with pytest.raises(FetchTooLarge, match="cut off"):
        fetcher(handler, FetchConfig(host_delay_s=0, max_bytes=200_000)).fetch("http://example.org/huge")
    assert len(produced) <= 5


def test_host_throttle_spaces_requests_to_one_host_only():
    now = [0.0]
    waits: list[float] = []
    throttle = HostThrottle(1.0, clock=lambda: now[0], sleep=waits.append)
    throttle.wait("a.example")
    throttle.wait("b.example")
    now[0] = 0.25
    throttle.wait("a.example")
    assert waits == [0.75]
