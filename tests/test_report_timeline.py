"""The timeline on the seeds: one row per happening, reposts folded in, undated kept undated."""

from __future__ import annotations

from datetime import datetime

import pytest

from wiretrail.report.timeline import TimelineQuery, timeline


@pytest.fixture(scope="module")
def store(seeded_store):
    return seeded_store


def _minute(ts) -> str:
    return ts.value.strftime("%Y-%m-%dT%H:%M")


def test_a_reposted_live_blog_entry_is_one_row_first_seen_earliest(store, gold):
    rows = timeline(store)
    segments = [seg for doc in store.documents() for seg in store.segments(doc.id) if seg.headline]
    for repost in _reposted(gold):
        posts = [seg for seg in segments if seg.headline == repost["headline"]]
        assert len(posts) == 2, repost["headline"]
        within = [
            row for row in rows
            if any(p.doc_id == rep.event.doc_id and p.start <= rep.event.evidence[0].start < p.end
                   for rep in row.reports for p in posts)
        ]  # fmt: skip
        assert within, f"no event read from {repost['headline']!r}"
        for row in within:  # every event of the entry: one row holding both posts, first the earlier
            times = sorted(_minute(rep.reported_at) for rep in row.reports if rep.reported_at)
            assert repost["at"][0] in times and repost["at"][1] in times, (repost["headline"], row.summary, times)
            assert _minute(row.first.reported_at) <= repost["at"][0]  # another outlet may have been earlier


def _reposted(gold) -> list[dict]:
    for value in gold.values():
        if isinstance(value, dict) and "reposted" in value:
            return value["reposted"]
        if isinstance(value, list):
            for item in value:
                if isinstance(item, dict) and "reposted" in item:
                    return item["reposted"]
    raise AssertionError("no reposted entries in the gold")


def test_events_of_an_undated_report_stay_undated(store, seed_path):
    (undated,) = [d for d in store.documents() if d.source == str(seed_path("003"))]
    assert undated.published is None
    rows = [r for r in timeline(store) if all(rep.event.doc_id == undated.id for rep in r.reports)]
    assert rows and all(r.date is None for r in rows)  # 'on Monday' of an undated report: no day guessed
    assert any("Baerbock" in r.summary and r.place == "Kyiv" for r in rows)


def test_filters_by_entity_place_and_day(store):
    since = datetime(2024, 12, 3).date()
    rows = timeline(store, TimelineQuery(since=since, place="Novoross"))
    assert rows and all(r.date >= since and "Novoross" in r.place for r in rows)
    assert timeline(store, TimelineQuery(entity="no such name anywhere")) == []


def test_copies_are_one_independent_source(store):
    rows = timeline(store)
    assert all(1 <= r.independent_sources <= len(r.sources) for r in rows)
