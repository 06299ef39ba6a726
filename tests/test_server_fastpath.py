"""The read fast path (`server/fastpath.py`) answers exactly what the app would: same status,
headers and bytes, the same access checks, and nothing stale after a write."""

from __future__ import annotations

import sqlite3

import pytest

pytest.importorskip("fastapi", reason="the server extra is not installed: pip install 'wiretrail[server]'")

from fastapi.testclient import TestClient  # noqa: E402

from wiretrail.server import create_app  # noqa: E402
from wiretrail.server.fastpath import ExactCache, FastReads  # noqa: E402
from wiretrail.settings import Settings  # noqa: E402

TOKEN = "fast-token-71d2"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
NO_LIMITS = {"rate_limit_per_minute": 0, "write_rate_limit_per_minute": 0}
ODESA = (
    " date 2024-12-05 Drones hit Odesa port\n"
    "Russian drones struck the port of Odesa on Thursday, regional governor Oleh Kiper said.\n"
    "Two cargo ships were damaged and 4 people were injured, Kiper said on Telegram.\n"
)


def _copy(seeded_store, path):
    source, target = sqlite3.connect(seeded_store.path), sqlite3.connect(path)
    source.backup(target)
    source.close()
    target.close()
    return path


@pytest.fixture(scope="module")
def served(seeded_store, tmp_path_factory):
    db = _copy(seeded_store, tmp_path_factory.mktemp("fast") / "fast.db")
    app = create_app(db, settings=Settings(token=TOKEN, workers=1, **NO_LIMITS))
    with TestClient(app) as client:
        yield app, client


def _urls(client) -> list[str]:
    stories = client.get("/api/stories", params={"limit": 5}).json()["items"]
    docs = client.get("/api/documents", params={"limit": 5}).json()["items"]
    story, doc = stories[0]["id"], docs[0]["id"]
    return [
        # plain forms: answered by the fast path
        "/api/timeline", "/api/timeline?limit=20&offset=5", "/api/timeline?since=2022-02-24&until=2022-03-10",
        "/api/timeline?type=attack&limit=500", "/api/timeline?entity=Kyiv", "/api/timeline?place=Odesa",
        f"/api/timeline?story={story}", f"/api/timeline?story={story[:6]}", "/api/timeline?offset=100000",
        "/api/stories", "/api/stories?limit=2&offset=1", "/api/stories?since=2022-03-01",
        "/api/figures/conflicts", "/api/figures/conflicts?include_agreeing=true&limit=3", "/api/figures/conflicts?about=killed",
        "/api/search?q=Kyiv", "/api/search?q=Kyiv&limit=3&offset=2", '/api/search?q="nuclear%20power"', "/api/search?q=Zelensky%20-Putin",
        "/api/search?q=%C3%A9t%C3%A9", "/api/search?q=drone&limit=500",
        "/api/documents", "/api/documents?limit=3&offset=2", "/api/documents?offset=100000",
        f"/api/documents/{doc}", f"/api/documents/{doc[:8]}",
        # errors and other forms: the app answers (the fast path must not change them)
        "/api/timeline?type=nonsense", "/api/timeline?since=2022-2-1", "/api/timeline?since=", "/api/timeline?limit=0",
        "/api/timeline?limit=501", "/api/timeline?limit=050", "/api/timeline?limit=5&limit=6", "/api/timeline?story=zzzz",
        "/api/timeline?unknown=1", "/api/timeline/", "/api/stories?until=2022-13-01", "/api/figures/conflicts?include_agreeing=yes",
        "/api/search", "/api/search?q=", "/api/search?q=%20%20", "/api/search?q=" + "a" * 501, "/api/search?q=Kyiv&limit=-1",
        "/api/documents?kind=article", "/api/documents/zzzzzzzz", "/api/documents/0", f"/api/documents/{doc}?x=1",
        f"/api/documents/{doc}/audit", "/api/timeline?q=%00",
    ]  # fmt: skip


def _answer(client, url, headers=None):
    response = client.get(url, headers=headers)
    return response.status_code, response.headers.raw, response.content


def test_the_fast_path_answers_the_same_bytes_and_headers_as_the_app(served, monkeypatch):
    app, client = served
    urls = _urls(client)
    fast = [_answer(client, url) for url in urls]
    answered = app.state.fast_reads.answered
    assert answered >= 20, "the plain forms did not take the fast path"
    monkeypatch.setattr(FastReads, "enabled", False)
    slow = [_answer(client, url) for url in urls]
    assert app.state.fast_reads.answered == answered  # nothing went through it while off
    for url, a, b in zip(urls, fast, slow):
        assert a == b, url
    assert {status for status, _, _ in fast} >= {200, 404, 422}


def test_reading_with_a_token_required_is_checked_on_the_fast_path(seeded_store, tmp_path):
    db = _copy(seeded_store, tmp_path / "closed.db")
    app = create_app(db, settings=Settings(token=TOKEN, workers=1, read_token_required=True, **NO_LIMITS))
    with TestClient(app) as client:
        for url in ("/api/timeline", "/api/stories", "/api/search?q=Kyiv", "/api/documents", "/api/figures/conflicts"):
            assert client.get(url).status_code == 401
            assert client.get(url, headers={"Authorization": "Bearer wrong"}).status_code == 403
            assert client.get(url, headers={"Authorization": f"Basic {TOKEN}"}).status_code == 401
            assert client.get(url, headers={"Authorization": f"bearer  {TOKEN} "}).status_code == 200
            before = app.state.fast_reads.answered
            response = client.get(url, headers=AUTH)
            assert response.status_code == 200 and app.state.fast_reads.answered == before + 1
            assert response.headers["content-security-policy"] and response.headers["x-frame-options"] == "DENY"


def test_a_write_is_seen_at_once_by_search_the_document_listing_and_the_timeline_version(seeded_store, tmp_path):
    db = _copy(seeded_store, tmp_path / "write.db")
    app = create_app(db, settings=Settings(token=TOKEN, workers=1, **NO_LIMITS))
    with TestClient(app) as client:
        assert client.get("/api/search", params={"q": "Kiper"}).json()["items"] == []
        listing = client.get("/api/documents", params={"limit": 500}).json()
        timeline = client.get("/api/timeline")
        version = int(timeline.headers["x-wiretrail-data-version"])
        posted = client.post("/api/documents", content=ODESA.encode(), headers={**AUTH, "Content-Type": "text/plain"})
        assert posted.status_code == 201
        doc_id = posted.json()["id"]
        hits = client.get("/api/search", params={"q": "Kiper"}).json()["items"]
        assert {h["doc_id"] for h in hits} == {doc_id}
        after = client.get("/api/documents", params={"limit": 500}).json()
        assert after["total"] is None or after["total"] == listing["total"]  # the listing does not count
        assert doc_id in {d["id"] for d in after["items"]} and len(after["items"]) == len(listing["items"]) + 1
        assert client.get(f"/api/documents/{doc_id}").status_code == 200
        stale = client.get("/api/timeline")  # served at once, saying the store moved on
        assert int(stale.headers.get("x-wiretrail-data-latest", stale.headers["x-wiretrail-data-version"])) > version


def test_the_exact_cache_keeps_one_version_and_stays_within_its_bounds():
    cache = ExactCache(max_entries=3, max_bytes=100)
    answer = (200, [], b"x" * 40)
    cache.put("a", 1, answer)
    assert cache.get("a", 1) == answer and cache.get("a", 2) is None
    cache.put("a", 3, answer)
    cache.put("a", 2, (200, [], b"old"))  # an older answer landing late does not replace a newer one
    assert cache.get("a", 3) == answer
    cache.put("b", 1, answer)
    cache.put("c", 1, answer)  # 120 bytes: the least recently used goes
    assert len(cache) == 2 and cache.get("a", 3) is None


def test_the_document_listing_cut_from_its_kept_head_is_the_listing_the_store_cuts(served, monkeypatch):
    import wiretrail.server.routes.documents as routes
    from wiretrail.report.cache import REPORTS

    _, client = served
    monkeypatch.setattr(FastReads, "enabled", False)  # the route itself each time: no answer kept per version
    pages = [(1, 0), (2, 1), (3, 2), (50, 0), (4, 100000)]
    total = len(client.get("/api/documents", params={"limit": 500}).json()["items"])
    pages += [(2, total - 3), (2, total - 2), (3, total - 1), (1, total)]

    def listing():
        return [client.get("/api/documents", params={"limit": limit, "offset": offset}).content for limit, offset in pages]

    REPORTS.clear()
    monkeypatch.setattr(routes, "LISTING_HEAD", 3)  # most pages reach past the head: the store cuts them
    small = listing()
    REPORTS.clear()
    monkeypatch.setattr(routes, "LISTING_HEAD", 10_000)  # the whole listing is the head
    whole = listing()
    REPORTS.clear()
    monkeypatch.setattr(routes, "_listing_head", lambda store: ([], False))  # never the head
    assert small == whole == listing()


def test_requests_share_a_version_read_only_when_it_began_after_they_arrived():
    import time
    from contextlib import contextmanager

    from wiretrail.store.base import DataStamp

    reads = []

    class Store:
        def data_stamp(self):
            reads.append(time.monotonic())
            return DataStamp("s", len(reads))

    class Stores:
        @contextmanager
        def borrow(self):
            yield Store()

    fast = FastReads(lambda *a: None, settings=Settings(), stores=Stores())
    first = time.monotonic()
    assert fast._stamp_after(first).version == 1
    assert fast._stamp_after(first).version == 1  # arrived before that read began: shared
    time.sleep(0.001)
    later = time.monotonic()
    assert fast._stamp_after(later).version == 2  # arrived after it: a read of its own
    assert len(reads) == 2
    assert fast._stamp_after(time.monotonic(), Store()).version == 3  # through the store the caller holds
