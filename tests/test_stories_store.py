"""Stories kept in the store during ingest (both backends): every unit in one story, copies
counted once."""

from __future__ import annotations

import pytest

from wiretrail.model import SegmentKind
from wiretrail.pipeline import ingest
from wiretrail.report.stories import stories
from wiretrail.report.timeline import TimelineQuery, timeline
from wiretrail.settings import Settings
from wiretrail.store import open_store

ONE_PROCESS = Settings(workers=1)


@pytest.fixture(scope="module")
def store(seeds_dir, module_store_db):
    record = open_store(module_store_db)
    ingest(record, [seeds_dir], settings=ONE_PROCESS)
    yield record
    record.close()


def test_every_segment_but_a_live_pages_lead_is_in_exactly_one_story(store):
    units = store.story_tables.units()
    keys = [u[0] for u in units]
    assert len(keys) == len(set(keys))
    segments = [s for d in store.documents() for s in store.segments(d.id)]
    expected = {s.id for s in segments if not (s.kind is SegmentKind.LEAD and s.index == 0 and len([x for x in segments if x.doc_id == s.doc_id]) > 1)}
    assert set(keys) == expected
    live = {s.id for s in stories(store)}
    assert {u[2] for u in units} <= live  # merged stories are redirected, never left dangling


def test_a_reposted_entry_joins_the_story_of_its_first_post(store, gold):
    reposted = next(d["reposted"] for d in gold["document"] if "reposted" in d)
    units = {key: story for key, _doc, story in store.story_tables.units()}
    segments = [s for d in store.documents() for s in store.segments(d.id) if s.headline]
    for repost in reposted:
        posts = [s for s in segments if s.headline == repost["headline"]]
        assert len({units[p.id] for p in posts}) == 1, repost["headline"]


def test_copies_do_not_make_a_story_bigger(store):
    for story in stories(store):
        assert 1 <= story.independent_sources <= story.documents <= story.segments
        assert story.title and len(story.title.split()) <= 40


def test_a_second_ingest_of_the_same_files_changes_no_story(store, seeds_dir):
    before = {(s.id, s.segments) for s in stories(store)}
    ingest(store, [seeds_dir], settings=ONE_PROCESS)
    assert {(s.id, s.segments) for s in stories(store)} == before


def test_the_timeline_of_one_story_holds_only_its_documents(store):
    story = stories(store)[0]
    rows = timeline(store, TimelineQuery(doc_ids=frozenset(story.doc_ids)))
    assert rows and all(set(r.sources) <= set(story.doc_ids) for r in rows)


def test_a_crash_before_the_story_pass_is_resumed_by_the_next_ingest(seeds_dir, store_db, monkeypatch):
    import wiretrail.pipeline as pipeline

    def crash(store, documents):
        raise KeyboardInterrupt("killed between the batch and its story pass")

    record = open_store(store_db)
    monkeypatch.setattr(pipeline, "update_stories", crash)
    with pytest.raises(KeyboardInterrupt):
        ingest(record, [seeds_dir], settings=ONE_PROCESS)
    assert record.counts().documents == 5 and record.story_tables.units() == []
    assert record.story_tables.pending()
    monkeypatch.undo()
    report = ingest(record, [seeds_dir], settings=ONE_PROCESS)
    assert report.added == 0 and record.story_tables.pending() == []
    clustered = {doc for _unit, doc, _story in record.story_tables.units()}
    assert clustered == {d.id for d in record.documents()}
    record.close()
