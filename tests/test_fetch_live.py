"""Polling against a real local HTTP server (127.0.0.1 only): feeds, a live blog that grows and
is edited between polls, 304s, slow, failing, looping and huge responses, robots.txt. Asserts
what the store holds afterwards."""

from __future__ import annotations

import time
from http.server import BaseHTTPRequestHandler

import pytest

import test_fetch_server
from test_fetch_server import slow
from wiretrail.fetch import FetchConfig, Fetcher, Poller
from wiretrail.fetch.errors import FetchRefused
from wiretrail.settings import Settings
from wiretrail.store import open_store

LOOPBACK = FetchConfig(allow_loopback=True, host_delay_s=0, backoff_s=0.01, timeout_s=1.0, attempts=2)
SETTINGS = Settings(workers=1)

local_server = test_fetch_server.local_server  # the fixture, shared


def live_blog(entries: list[tuple[str, str]], title: str = "Ukraine war live: latest updates") -> str:
    """A live-blog page: (stamp line, body) per entry, newest first."""
    items = "".join(f"<div class='entry'><p>{stamp}</p><p>{body}</p></div>" for stamp, body in entries)
    return (f"<html><head><title>{title}</title></head><body><main><h1>{title}</h1>"
            f"{items}</main></body></html>")  # fmt: skip


def rss(items: list[tuple[str, str, str]], title: str = "Example World") -> str:
    """An RSS feed of (title, link, description) items."""
    body = "".join(
        f"<item><title>{t}</title><link>{link}</link><description>{d}</description>"
        "<pubDate>Tue, 03 Dec 2024 10:00:00 GMT</pubDate></item>"
        for t, link, d in items
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>{title}</title>{body}</channel></rss>'


ENTRY_TALKS = ("Tuesday 3 December 2024 10:15 , Jo Roe", "The talks in Geneva ended without an agreement after six hours.")
ENTRY_SIRENS = ("Tuesday 3 December 2024 09:01 , Ana Li", "Air raid sirens sounded across the capital for an hour overnight.")
ENTRY_NEW = ("Tuesday 3 December 2024 11:40 , Ana Li", "A convoy of aid lorries crossed the border at noon, officials said.")


@pytest.fixture()
def store(tmp_path):
    with open_store(tmp_path / "wiretrail.db") as s:
        yield s


@pytest.fixture()
def poller(store):
    with Poller(store, settings=SETTINGS, fetcher=Fetcher(LOOPBACK)) as p:
        yield p


def doc_ids(store) -> set[str]:
    return {d.id for d in store.documents()}


# -- feeds and canonical URLs -------------------------------------------------------------------------


def test_the_same_article_from_two_feeds_is_one_document(local_server, poller, store):
    article = local_server.url("/world/rescue")
    local_server.page("/a.rss", rss([("Rescue in the mountains", article + "?utm_source=rss_a",
                                      "Rescuers reached the stranded climbers after two days on the ridge."),
                                     ("Storm closes ports", local_server.url("/world/storm"),
                                      "A storm closed three ports on the northern coast on Tuesday.")]),
                      content_type="application/rss+xml")  # fmt: skip
    local_server.page("/b.xml", rss([("Rescue in the mountains", article + "#top",
                                      "Rescuers reached the stranded climbers after two days on the ridge.")],
                                    title="Other Outlet"), content_type="text/xml")  # fmt: skip
    report = poller.poll([local_server.url("/a.rss"), local_server.url("/b.xml")])
    assert [r.status for r in report.results] == ["ok", "ok"]
    docs = list(store.documents())
    assert len(docs) == 2
    assert {d.url for d in docs} == {article, local_server.url("/world/storm")}
    assert store.sources.page_doc(article)[1] == 1  # one page, one version
    # polled again: nothing new
    again = poller.poll([local_server.url("/a.rss"), local_server.url("/b.xml")])
    assert [r.documents for r in again.results] == [[], []] and len(doc_ids(store)) == 2


def test_two_feeds_with_different_summaries_do_not_flip_the_page(local_server, poller, store):
    article = local_server.url("/world/rescue")
    local_server.page("/a.rss", rss([("Rescue", article, "Rescuers reached the climbers after two days on the ridge.")]))
    local_server.page("/b.rss", rss([("Rescue", article, "Climbers stranded on a ridge were reached by rescuers.")]))
    feeds = [local_server.url("/a.rss"), local_server.url("/b.rss")]
    added = [sum(len(r.documents) for r in poller.poll(feeds).results) for _ in range(3)]
    assert added == [2, 0, 0]  # each summary once, as two versions of one page, then nothing
    assert len(store.sources.versions(article)) == 2


def test_sources_are_polled_and_their_status_counted(local_server, poller, store):
    local_server.page("/feed", rss([("Bridge reopens", local_server.url("/bridge"),
                                     "The bridge reopened to traffic after repairs that took a month.")]))  # fmt: skip
    store.sources.add_source("Local feed", local_server.url("/feed"))
    store.sources.add_source("Broken", local_server.url("/missing"))
    poller.poll_sources()
    by_name = {s.name: s for s in store.sources.sources()}
    assert (by_name["Local feed"].last_status, by_name["Local feed"].items, by_name["Local feed"].errors) == ("ok", 1, 0)
    assert by_name["Broken"].last_status == "error" and by_name["Broken"].errors == 1
    assert "HTTP 404" in by_name["Broken"].last_error and "/missing" in by_name["Broken"].last_error
    assert by_name["Local feed"].last_fetch_at is not None


# -- a live blog, polled three times --------------------------------------------------------------


def test_a_live_blog_is_updated_in_place_and_nothing_is_lost(local_server, poller, store):
    url = local_server.url("/live")
    local_server.page("/live", live_blog([ENTRY_TALKS, ENTRY_SIRENS]))
    first = poller.poll([url]).results[0]
    assert first.status == "ok" and len(first.documents) == 1
    assert sorted(c.change for c in first.changes) == ["added", "added"]
    v1 = first.documents[0]

    # the blog grows, one entry is edited, one is taken down
    edited = (ENTRY_TALKS[0], "The talks in Geneva ended without an agreement after nine hours.")
    local_server.page("/live", live_blog([ENTRY_NEW, edited]))
    second = poller.poll([url]).results[0]
    v2 = second.documents[0]
    assert v2 != v1
    changes = {c.entry_key: c.change for c in second.changes}
    assert sorted(changes.values()) == ["added", "edited", "removed"]
    assert changes["entry|2024-12-03T11:40|Ana Li"] == "added"
    assert changes["entry|2024-12-03T10:15|Jo Roe"] == "edited"
    assert changes["entry|2024-12-03T09:01|Ana Li"] == "removed"

    # the page points at the new version; the old text is still there
    assert store.sources.page_doc(url) == (v2, 2)
    assert [v.doc_id for v in store.sources.versions(url)] == [v1, v2]
    history = store.sources.entry_changes(url, "entry|2024-12-03T10:15|Jo Roe")
    assert [(h.version, h.change) for h in history] == [(1, "added"), (2, "edited")]
    old_seg = next(s for s in store.segments(v1) if s.index == history[0].segment_index)
    new_seg = next(s for s in store.segments(v2) if s.index == history[1].segment_index)
    assert "six hours" in store.document(v1).text[old_seg.start : old_seg.end]
    assert "nine hours" in store.document(v2).text[new_seg.start : new_seg.end]
    assert "sirens" in store.document(v1).text.lower() and "sirens" not in store.document(v2).text.lower()

    # the removed entry comes back: restored, not added
    local_server.page("/live", live_blog([ENTRY_NEW, edited, ENTRY_SIRENS]))
    third = poller.poll([url]).results[0]
    assert [(c.entry_key, c.change) for c in third.changes] == [("entry|2024-12-03T09:01|Ana Li", "restored")]

    # fetched again unchanged: no new version
    fourth = poller.poll([url]).results[0]
    assert fourth.status == "ok" and fourth.documents == [] and store.sources.page_doc(url)[1] == 3


def test_markup_changes_without_text_changes_make_no_version(local_server, poller, store):
    url = local_server.url("/live")
    local_server.page("/live", live_blog([ENTRY_TALKS]))
    poller.poll([url])
    local_server.page("/live", live_blog([ENTRY_TALKS]).replace("<main>", "<main data-token='x81f'><!-- ad slot 7 -->"))
    assert poller.poll([url]).results[0].documents == []
    assert store.sources.page_doc(url)[1] == 1


def test_second_poll_sends_the_etag_and_gets_304(local_server, poller, store):
    local_server.page("/live", live_blog([ENTRY_TALKS]), etag='"abc"')
    url = local_server.url("/live")
    assert poller.poll([url]).results[0].status == "ok"
    second = poller.poll([url]).results[0]
    assert second.status == "not-modified" and second.documents == []
    page_hits = [h for h in local_server.hits if h.path == "/live"]
    assert "If-None-Match" not in page_hits[0].headers and page_hits[1].headers["If-None-Match"] == '"abc"'
    assert len(doc_ids(store)) == 1


# -- failures -----------------------------------------------------------------------------------------


def test_a_slow_page_times_out_and_is_recorded(local_server, poller, store):
    local_server.routes["/slow"] = slow(3.0)
    started = time.monotonic()
    result = poller.poll([local_server.url("/slow")]).results[0]
    assert result.status == "error" and "timed out" in result.error and "/slow" in result.error
    assert time.monotonic() - started < 3.0 * LOOPBACK.attempts  # gave up at the timeout, twice
    assert any("/slow" in f.source and f.stage == "fetch" for f in store.failures())
    assert doc_ids(store) == set()


def test_a_failing_page_is_retried_then_succeeds(local_server, poller, store):
    body = live_blog([ENTRY_TALKS]).encode()

    def ok(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)

    local_server.status("/flaky", [503], then=ok)
    local_server.status("/down", [500])
    report = poller.poll([local_server.url("/flaky"), local_server.url("/down")])
    flaky, down = report.results
    assert flaky.status == "ok" and len(flaky.documents) == 1
    assert down.status == "error" and "HTTP 500" in down.error
    assert local_server.paths().count("/down") == LOOPBACK.attempts
    assert local_server.paths().count("/flaky") == 2


def test_a_redirect_loop_is_an_error(local_server, poller, store):
    local_server.redirect("/a", "/b")
    local_server.redirect("/b", "/a")
    result = poller.poll([local_server.url("/a")]).results[0]
    assert result.status == "error" and "redirect loop" in result.error
    assert local_server.paths().count("/a") == 1 and local_server.paths().count("/b") == 1


def test_a_1_gb_body_is_cut_off_at_the_cap_and_nothing_is_stored(local_server, store):
    sent = []
    claimed = 1024**3

    def huge(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.end_headers()  # no length: the body streams until the connection closes
        chunk = b"<p>" + b"x" * 65530 + b"</p>"
        for _ in range(claimed // len(chunk)):
            h.wfile.write(chunk)
            sent.append(len(chunk))

    local_server.routes["/huge"] = huge
    cap = 1_000_000
    config = FetchConfig(allow_loopback=True, host_delay_s=0, timeout_s=2.0, attempts=1, max_bytes=cap)
    with Poller(store, settings=SETTINGS, fetcher=Fetcher(config)) as poller:
        result = poller.poll([local_server.url("/huge")]).results[0]
    assert result.status == "error" and "cap" in result.error
    time.sleep(0.2)  # let the server notice the closed connection
    assert sum(sent) < claimed / 100  # the server was stopped early: far from 1 GB went out
    assert doc_ids(store) == set() and store.sources.page_doc(local_server.url("/huge")) is None


def test_robots_txt_disallow_is_respected(local_server, poller, store):
    local_server.page("/robots.txt", "User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    local_server.page("/private/live", live_blog([ENTRY_TALKS]))
    result = poller.poll([local_server.url("/private/live")]).results[0]
    assert result.status == "error" and "robots.txt" in result.error
    assert "/private/live" not in local_server.paths() and doc_ids(store) == set()


def test_loopback_is_refused_unless_allowed(local_server, store):
    local_server.page("/live", live_blog([ENTRY_TALKS]))
    with Fetcher(FetchConfig(host_delay_s=0)) as fetcher:
        with pytest.raises(FetchRefused, match=r"127\.0\.0\.1, a loopback address"):
            fetcher.fetch(local_server.url("/live"))
    assert local_server.hits == []


def test_a_page_that_cannot_be_read_keeps_no_etag(local_server, poller, store):
    local_server.page("/empty", "<html><body><script>var x = 1;</script></body></html>", etag='"e1"')
    url = local_server.url("/empty")
    first = poller.poll([url]).results[0]
    assert first.status == "error" and "no text" in first.error
    poller.poll([url])
    hits = [h for h in local_server.hits if h.path == "/empty"]
    assert len(hits) == 2 and "If-None-Match" not in hits[1].headers  # fetched in full again
    assert any(f.source == url and "no text" in f.error for f in store.failures())


def test_a_stop_before_a_fetch_skips_it_without_counting_an_error(local_server, poller, store):
    import threading

    local_server.page("/live", live_blog([ENTRY_TALKS]))
    store.sources.add_source("Live", local_server.url("/live"))
    stop = threading.Event()
    stop.set()
    report = poller.poll_sources(stop=stop)
    assert [r.status for r in report.results] == ["skipped"] and local_server.hits == []
    (source,) = store.sources.sources()
    assert (source.last_fetch_at, source.errors) == (None, 0) and store.failures() == []
