"""The report cache: one computation per state of a store's data, never another store's result,
and the HTTP API's stale-while-revalidate. Structural only: no test times anything."""

from __future__ import annotations

import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest
from typer.testing import CliRunner

from wiretrail.cli import app as cli
from wiretrail.pipeline import ingest
from wiretrail.report.cache import REPORTS, ReportCache
from wiretrail.report.stories import stories
from wiretrail.report.timeline import TimelineQuery, rows_to_records, timeline
from wiretrail.settings import Settings
from wiretrail.store import SQLiteStore, open_store
from wiretrail.store.base import DataStamp

ODESA = (
    " date 2024-12-05 Drones hit Odesa port\n"
    "Russian drones struck the port of Odesa on Thursday, regional governor Oleh Kiper said.\n"
    "Two cargo ships were damaged and 4 people were injured, Kiper said on Telegram.\n"
)
SETTINGS = Settings(workers=1)


def _copy(store: SQLiteStore, path: Path) -> SQLiteStore:
    """A byte-for-byte copy: the same store id and data version, at another path."""
    source, target = sqlite3.connect(store.path), sqlite3.connect(path)
    source.backup(target)
    source.close()
    target.close()
    return SQLiteStore(path)


def _odesa(tmp_path: Path) -> Path:
    path = tmp_path / "odesa.txt"
    path.write_text(ODESA, encoding="utf-8")
    return path


class _Fake:
    """A store as the cache sees it: a stamp, and how many times a report was computed on it."""

    def __init__(self, name: str, version: int = 0) -> None:
        self.name, self.version, self.computed = name, version, 0

    def data_stamp(self) -> DataStamp:
        return DataStamp(self.name, self.version)

    def compute(self, _store: object) -> tuple[str, int]:
        self.computed += 1
        return (self.name, self.version)


# -- the cache on its own ---------------------------------------------------------------------


def test_a_hit_is_the_computed_result_and_a_new_version_computes_again():
    cache, store = ReportCache(), _Fake("a")
    first = cache.fresh(store, "r", (), store.compute)
    assert cache.fresh(store, "r", (), store.compute) is first and store.computed == 1
    store.version = 1
    assert cache.fresh(store, "r", (), store.compute) == ("a", 1) and store.computed == 2


def test_two_stores_at_one_version_never_share_an_entry():
    cache, a, b = ReportCache(), _Fake("a"), _Fake("b")
    assert cache.fresh(a, "r", (), a.compute) == ("a", 0)
    assert cache.fresh(b, "r", (), b.compute) == ("b", 0)
    assert (a.computed, b.computed) == (1, 1)


def test_the_cache_is_bounded_least_recently_used_first():
    cache, store = ReportCache(max_entries=2), _Fake("a")
    for query in (1, 2, 1, 3):  # 1 is used again before 3 arrives: 2 goes
        cache.fresh(store, "r", query, store.compute)
    assert len(cache) == 2 and store.computed == 3
    cache.fresh(store, "r", 1, store.compute)
    assert store.computed == 3
    cache.fresh(store, "r", 2, store.compute)
    assert store.computed == 4


def test_concurrent_readers_of_one_key_share_one_computation():
    cache, store, started, release = ReportCache(), _Fake("a"), threading.Event(), threading.Event()

    def slow(s: object) -> tuple[str, int]:
        started.set()
        release.wait(10)
        return store.compute(s)

    results: list[object] = []
    first = threading.Thread(target=lambda: results.append(cache.fresh(store, "r", (), slow)))
    first.start()
    started.wait(10)
    second = threading.Thread(target=lambda: results.append(cache.fresh(store, "r", (), slow)))
    second.start()
    release.set()
    first.join(10)
    second.join(10)
    assert results == [("a", 0), ("a", 0)] and store.computed == 1


def test_served_is_stale_while_one_background_recompute_runs():
    cache, store, release = ReportCache(), _Fake("a"), threading.Event()
    borrowed: list[object] = []

    @contextmanager
    def borrow():
        borrowed.append(store)
        yield store

    def gated(s: object) -> tuple[str, int]:
        if store.computed:  # every recompute after the first waits for the test
            release.wait(10)
        return store.compute(s)

    first = cache.served(store, "r", (), gated, borrow=borrow)  # the first request computes
    assert (first.value, first.version, first.stale) == (("a", 0), 0, False) and not borrowed
    store.version = 3
    for _ in range(3):  # while the recompute waits, readers get the last result at once
        stale = cache.served(store, "r", (), gated, borrow=borrow)
        assert (stale.value, stale.version, stale.latest, stale.stale) == (("a", 0), 0, 3, True)
    release.set()
    cache.wait(10)
    assert len(borrowed) == 1 and store.computed == 2  # one recompute, on a borrowed store
    now = cache.served(store, "r", (), gated, borrow=borrow)
    assert (now.value, now.version, now.stale) == (("a", 3), 3, False)


def test_recomputes_are_paced_so_a_stream_of_writes_cannot_keep_a_core_busy(monkeypatch):
    """After a write, a stale result is recomputed only once `min_refresh_s` and twice the last
    computation's cost have passed since it landed; meanwhile readers get it as it was."""
    import wiretrail.report.cache as cache_module

    clock = [100.0]
    monkeypatch.setattr(cache_module.time, "monotonic", lambda: clock[0])
    cache, store = ReportCache(), _Fake("a")

    @contextmanager
    def borrow():
        yield store

    def slow(s: object) -> tuple[str, int]:
        clock[0] += 3.0  # the computation "takes" 3 s: the next waits at least 6 s
        return store.compute(s)

    cache.served(store, "r", (), slow, borrow=borrow)
    store.version = 1
    clock[0] += 5.0  # 5 s after the result landed: under 2 x 3 s
    assert cache.served(store, "r", (), slow, borrow=borrow, min_refresh_s=1.0).stale
    cache.wait(10)
    assert store.computed == 1
    clock[0] += 1.5  # 6.5 s: due
    cache.served(store, "r", (), slow, borrow=borrow, min_refresh_s=1.0)
    cache.wait(10)
    assert store.computed == 2
    store.version = 2
    clock[0] += 30.0  # long after, but min_refresh_s is longer still
    cache.served(store, "r", (), slow, borrow=borrow, min_refresh_s=60.0)
    cache.wait(10)
    assert store.computed == 2


# -- stores: the data version -----------------------------------------------------------------


def test_writes_bump_the_data_version_in_their_transaction(store_db, tmp_path):
    store = open_store(store_db)
    try:
        before = store.data_stamp()
        assert before.version == store.data_version() == 0
        store.write_batch([], [])  # nothing written: reports are unchanged
        assert store.data_version() == 0
        ingest(store, [_odesa(tmp_path)], settings=SETTINGS)  # documents, links, stories
        after = store.data_stamp()
        assert after.version > before.version and after.store == before.store
        again = open_store(store_db)  # another connection (process) sees the same counter
        assert again.data_stamp() == after
        again.close()
    finally:
        store.close()


def test_a_write_is_seen_by_the_next_cli_call(store_db, tmp_path):
    """CLI calls in one process share the cache: the second timeline must not be the first."""
    runner = CliRunner()
    store = open_store(store_db)
    store.close()

    def timeline_json() -> str:
        result = runner.invoke(cli, ["--db", store_db, "timeline", "--format", "json"])
        return result.output

    assert "Odesa" not in timeline_json()
    result = runner.invoke(cli, ["--db", store_db, "--quiet", "ingest", str(_odesa(tmp_path))])
    assert result.exit_code == 0, result.output
    assert "Odesa" in timeline_json()


def test_cached_reports_are_identical_to_computed_ones(seeded_store):
    from wiretrail.report.stories import build_stories, story_record
    from wiretrail.report.timeline import build_timeline

    first, second = timeline(seeded_store), timeline(seeded_store)
    assert first == second and first[0] is second[0]  # the second is the first, not recomputed
    assert rows_to_records(second) == rows_to_records(build_timeline(seeded_store))
    assert [story_record(s) for s in stories(seeded_store)] == [story_record(s) for s in build_stories(seeded_store)]
    limited = timeline(seeded_store, TimelineQuery(limit=3))
    assert limited == first[:3]


def test_a_copy_of_a_store_never_reads_the_original_s_results(seeded_store, tmp_path):
    copy = _copy(seeded_store, tmp_path / "copy.db")
    try:
        assert copy.data_version() == seeded_store.data_version()  # same counter, another store
        assert copy.data_stamp() != seeded_store.data_stamp()
        original = rows_to_records(timeline(seeded_store))
        assert rows_to_records(timeline(copy)) == original
        ingest(copy, [_odesa(tmp_path)], settings=SETTINGS)
        assert any("Odesa" in r["summary"] for r in rows_to_records(timeline(copy)))
        assert rows_to_records(timeline(seeded_store)) == original
    finally:
        copy.close()


# -- the HTTP API: stale while revalidating ---------------------------------------------------


def test_the_server_serves_the_last_timeline_while_recomputing_then_the_new_one(seeded_store, tmp_path, monkeypatch):
    pytest.importorskip("fastapi", reason="the server extra is not installed: pip install 'wiretrail[server]'")
    from fastapi.testclient import TestClient

    import wiretrail.server.routes.stories as routes
    from wiretrail.server import create_app
    from wiretrail.server.params import DATA_VERSION_HEADER, LATEST_VERSION_HEADER

    copy = _copy(seeded_store, tmp_path / "served.db")
    copy.close()
    real, release, calls = routes.build_timeline, threading.Event(), []

    def gated(store, query):  # the recompute after the write waits for the test: a slow compute
        calls.append(store.data_version())
        if len(calls) > 1:
            release.wait(30)
        return real(store, query)

    monkeypatch.setattr(routes, "build_timeline", gated)
    params = {"limit": 500}
    # pacing has its own test: here a stale read must start its recompute at once
    import wiretrail.report.cache as cache_module

    monkeypatch.setattr(cache_module, "REFRESH_PACE", 0)
    unpaced = Settings(token="t", workers=1, api_refresh_min_s=0.0)
    with TestClient(create_app(tmp_path / "served.db", settings=unpaced)) as client:
        first = client.get("/api/timeline", params=params)
        version = int(first.headers[DATA_VERSION_HEADER])
        assert LATEST_VERSION_HEADER not in first.headers and len(calls) == 1
        writer = open_store(tmp_path / "served.db")
        ingest(writer, [_odesa(tmp_path)], settings=SETTINGS)
        latest = writer.data_version()
        writer.close()
        assert latest > version
        for _ in range(2):
            stale = client.get("/api/timeline", params=params)
            assert stale.json() == first.json()
            assert int(stale.headers[DATA_VERSION_HEADER]) == version
            assert int(stale.headers[LATEST_VERSION_HEADER]) == latest
        release.set()
        REPORTS.wait(30)
        assert calls == [version, latest]  # one recompute for the two stale reads
        fresh = client.get("/api/timeline", params=params)
        assert int(fresh.headers[DATA_VERSION_HEADER]) == latest and LATEST_VERSION_HEADER not in fresh.headers
        assert any("Odesa" in r["summary"] for r in fresh.json()["items"])
