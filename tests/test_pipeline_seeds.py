"""End to end on the real seed corpus: what an analyst expects after `wiretrail ingest`."""

from __future__ import annotations

from datetime import datetime

import pytest

from wiretrail.model import DocumentKind, SegmentKind
from wiretrail.pipeline import ingest
from wiretrail.settings import Settings
from wiretrail.store import open_store

ONE_PROCESS = Settings(workers=1)


@pytest.fixture(scope="module")
def seeded(seeds_dir, tmp_path_factory):
    db = tmp_path_factory.mktemp("seeds") / "wiretrail.db"
    store = open_store(db)
    report = ingest(store, [seeds_dir], settings=ONE_PROCESS)
    yield store, report
    store.close()


def _doc(store, seeds_dir, prefix):
    (path,) = sorted(seeds_dir.glob(f"{prefix}*"))
    (doc,) = [d for d in store.documents() if d.source == str(path)]
    return doc


def test_all_five_seeds_are_stored_without_failures(seeded):
    store, report = seeded
    assert report.failures == []
    assert (report.added, store.counts().documents) == (5, 5)
    assert report.removed_lines >= 10


def test_ingesting_again_adds_nothing(seeded, seeds_dir):
    store, _ = seeded
    before = store.counts()
    again = ingest(store, [seeds_dir], settings=ONE_PROCESS)
    assert (again.added, again.existing) == (0, 5)
    assert store.counts() == before


def test_document_metadata_matches_the_gold(seeded, seeds_dir, gold):
    store, _ = seeded
    for entry in gold["document"]:
        doc = _doc(store, seeds_dir, entry["file"][:3])
        if "title" in entry:
            assert doc.title == entry["title"], entry["file"]
        if entry.get("published"):
            assert doc.published.isoformat()[:10] == entry["published"], entry["file"]
        if "updated" in entry:
            assert doc.updated.isoformat()[:10] == entry["updated"]
        if "credits" in entry:
            assert list(doc.credits) == entry["credits"], entry["file"]
        if "outlet" in entry:
            assert doc.outlet == entry["outlet"], entry["file"]
        if "republisher" in entry:
            assert doc.republisher == entry["republisher"]
        assert doc.truncated == entry.get("truncated", False), entry["file"]
        if entry.get("kind") in ("live-blog", "live-updates", "article"):
            assert doc.kind.value == entry["kind"], entry["file"]


def test_boilerplate_is_gone_and_reporting_kept(seeded, seeds_dir, gold):
    store, _ = seeded
    for file, prefixes in gold["boilerplate"].items():
        text = _doc(store, seeds_dir, file[:3]).text
        for prefix in prefixes:
            assert not any(line.startswith(prefix) for line in text.split("\n")), (file, prefix)
    text_000 = _doc(store, seeds_dir, "000").text
    assert "He is already serving a seven-year prison sentence for public criticism of the invasion." in text_000


def test_live_blog_entries_resolve_to_the_minute(seeded, seeds_dir, gold):
    store, _ = seeded
    doc = _doc(store, seeds_dir, "004")
    assert doc.kind is DocumentKind.LIVE_BLOG
    entries = [s for s in store.segments(doc.id) if s.kind is SegmentKind.ENTRY]
    (gold_doc,) = [d for d in gold["document"] if d["file"].startswith("004")]
    assert len(entries) == gold_doc["entries"]
    by_headline = {}
    for e in entries:
        by_headline.setdefault(e.headline, []).append(e)
    for key in ("first_entry", "entry_at_0100", "first_dated_entry", "last_entry"):
        want = gold_doc[key]
        (got,) = [e for e in by_headline[want["headline"]] if e.posted_at.value == datetime.fromisoformat(want["at"])]
        assert got.author == want["author"]
    assert entries[0].headline == gold_doc["first_entry"]["headline"]
    assert entries[-1].headline == gold_doc["last_entry"]["headline"]


def test_sections_of_a_page_without_stamps(seeded, seeds_dir, gold):
    store, _ = seeded
    doc = _doc(store, seeds_dir, "000")
    (gold_doc,) = [d for d in gold["document"] if d["file"].startswith("000")]
    segments = list(store.segments(doc.id))
    assert len(segments) == gold_doc["sections"]
    assert all(s.reference_date.isoformat() == "2024-11-29" for s in segments)


def test_sentences_stay_inside_lines_and_segments(seeded):
    store, _ = seeded
    for doc in store.documents():
        segments = {s.index: s for s in store.segments(doc.id)}
        sentences = store.sentences(doc.id)
        assert sentences, doc.source
        for sent in sentences:
            seg = segments[sent.segment_index]
            assert seg.start <= sent.start < sent.end <= seg.end
            piece = doc.text[sent.start : sent.end]
            assert "\n" not in piece and piece == piece.strip()
        assert [s.index for s in sentences] == list(range(len(sentences)))


def test_live_blog_stamp_lines_are_not_sentences(seeded, seeds_dir):
    store, _ = seeded
    doc = _doc(store, seeds_dir, "004")
    texts = {doc.text[s.start : s.end] for s in store.sentences(doc.id)}
    assert "09:01 , Jabed Ahmed" not in texts
    assert "Tuesday 3 December 2024 23:59 , Jabed Ahmed" not in texts
    assert "Novorossiisk is one of Russia’s most important oil export gateways." in texts


def test_a_stop_between_a_batch_and_its_links_is_resumed(seeds_dir, tmp_path, monkeypatch):
    """Documents are written, then linked in a second transaction: if the process dies in
    between, the next ingest links them (nothing else would: their ids are already stored)."""
    from wiretrail import pipeline

    store = open_store(tmp_path / "w.db")

    def die(*args, **kwargs):
        raise KeyboardInterrupt  # the process stops right after the batch committed

    monkeypatch.setattr(pipeline, "update_provenance", die)
    with pytest.raises(KeyboardInterrupt):
        ingest(store, [seeds_dir], settings=ONE_PROCESS)
    assert store.counts().documents == 5 and store.links() == []
    assert len(store.pending_provenance()) == 5
    monkeypatch.undo()
    report = ingest(store, [seeds_dir], settings=ONE_PROCESS)
    assert report.added == 0 and report.links == 2
    assert store.pending_provenance() == [] and len(store.links()) == 2
    store.close()
