"""The store on both backends (SQLite and PostgreSQL: the `store_db` fixture): round trips,
idempotence, all-or-nothing batches, migrations."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from wiretrail.errors import SchemaVersionError, StoreError
from wiretrail.model import (
    AnalyzedDocument,
    DateOrigin,
    DatePrecision,
    Document,
    DocumentKind,
    Failure,
    Link,
    Relation,
    Segment,
    SegmentKind,
    Sentence,
    SharedSpan,
    Timestamp,
)
from wiretrail.store import DocumentQuery, SQLiteStore, open_store
from wiretrail.store.sqlite import SCRATCH_CACHE_MB
from wiretrail.store.migrations import LATEST_VERSION
from wiretrail.store.story_rows import StoryUpdate

TEXT = "Flood barrier fails\n09:14 , Mira Kovac\nWater reached the old town at dawn. Crews worked all night."


def _analyzed(doc_id: str = "d1", text: str = TEXT, published: datetime | None = datetime(2026, 3, 4)) -> AnalyzedDocument:
    doc = Document(
        id=doc_id,
        source=f"/tmp/{doc_id}.txt",
        text=text,
        title="Flood live",
        published=Timestamp(published, DatePrecision.DAY, DateOrigin.HEADER) if published else None,
        kind=DocumentKind.LIVE_BLOG,
        credits=("MP", "Reuters"),
        truncated=True,
        content_hash="abc",
        removed_lines=3,
        ingested_at=datetime(2026, 3, 5, 10, 0),
    )
    seg = Segment(
        doc_id, 0, 0, len(text), SegmentKind.ENTRY, "Flood barrier fails",
        Timestamp(datetime(2026, 3, 4, 9, 14), DatePrecision.MINUTE, DateOrigin.LIVEBLOG_STAMP),
        "Mira Kovac", date(2026, 3, 4),
    )  # fmt: skip
    first = text.index("Water")
    sents = (Sentence(doc_id, 0, 0, first, text.index(" Crews")), Sentence(doc_id, 0, 1, text.index("Crews"), len(text)))
    return AnalyzedDocument(doc, (seg,), sents)


def _broken() -> AnalyzedDocument:
    """A document whose two sentences share an index: it violates the primary key half way
    through a batch."""
    bad = _analyzed("broken")
    return AnalyzedDocument(bad.document, bad.segments, (bad.sentences[0], bad.sentences[0]))


def test_round_trip_keeps_every_field(store_db):
    original = _analyzed()
    with open_store(store_db) as store:
        result = store.write_batch([original], [Failure("bad.txt", "read", "empty")])
        assert (result.added, result.existing, result.segments, result.sentences, result.failures) == (1, 0, 1, 2, 1)
    with open_store(store_db) as store:  # reopened
        assert store.document("d1") == original.document
        assert list(store.segments("d1")) == list(original.segments)
        assert store.sentences("d1") == list(original.sentences)
        assert [f.source for f in store.failures()] == ["bad.txt"]
        assert store.counts().documents == 1
        assert store.integrity_errors() == []


def test_same_document_twice_changes_nothing(store_db):
    with open_store(store_db) as store:
        store.write_batch([_analyzed()])
        again = store.write_batch([_analyzed()])
        assert (again.added, again.existing) == (0, 1)
        assert store.counts().segments == 1 and store.counts().sentences == 2


def test_a_failing_batch_leaves_the_store_as_it_was(store_db):
    with open_store(store_db) as store:
        store.write_batch([_analyzed("keep")])
        with pytest.raises(StoreError, match="nothing changed"):
            store.write_batch([_analyzed("new"), _broken()], [Failure("x", "read", "y")])
        assert store.known_ids(["keep", "new", "broken"]) == {"keep"}
        assert store.counts().failures == 0 and store.counts().sentences == 2


def test_a_scratch_store_writes_no_journal_file_and_still_rolls_back_a_failed_batch(tmp_path):
    path = tmp_path / "scratch.db"
    with SQLiteStore(path, scratch=True) as store:
        assert store._conn.execute("PRAGMA journal_mode").fetchone()[0] == "memory"
        assert store._conn.execute("PRAGMA cache_size").fetchone()[0] == -SCRATCH_CACHE_MB * 1024
        store.write_batch([_analyzed("keep")])
        with pytest.raises(StoreError, match="nothing changed"):
            store.write_batch([_analyzed("new"), _broken()])
        assert store.known_ids(["keep", "new", "broken"]) == {"keep"}
        assert store.sentences("keep") == list(_analyzed("keep").sentences)
        assert not list(tmp_path.glob("scratch.db-*"))  # no -wal, -shm or -journal beside it


def test_documents_filter_by_date_and_kind(store_db):
    with open_store(store_db) as store:
        store.write_batch([_analyzed("a", published=datetime(2026, 3, 1)), _analyzed("b", published=datetime(2026, 3, 9)), _analyzed("c", published=None)])
        since = [d.id for d in store.documents(DocumentQuery(since=datetime(2026, 3, 5)))]
        assert since == ["b"]
        assert [d.id for d in store.documents()] == ["a", "b", "c"]  # undated last
        assert list(store.documents(DocumentQuery(kind="article"))) == []
        assert [d.id for d in store.documents(DocumentQuery(limit=1, offset=1))] == ["b"]


def test_id_prefix_lookup_treats_wildcards_literally(store_db):
    with open_store(store_db) as store:
        store.write_batch([_analyzed("ab12"), _analyzed("ab34")])
        assert store.resolve_id("ab") == ["ab12", "ab34"]
        assert store.resolve_id("ab1") == ["ab12"]
        assert store.resolve_id("%") == [] and store.resolve_id("a_") == []


def test_schema_is_versioned_and_a_newer_store_is_refused(store_db, raw_sql):
    with open_store(store_db) as store:
        assert store.schema_version() == LATEST_VERSION
    raw_sql(store_db, f"INSERT INTO schema_migrations VALUES ({LATEST_VERSION + 1}, 'from the future', '2030-01-01')")
    with pytest.raises(SchemaVersionError, match="upgrade wiretrail"):
        open_store(store_db)


def test_not_a_database_gives_a_clear_error(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("this is not sqlite\n" * 100)
    with pytest.raises(StoreError, match="cannot open store"):
        open_store(path)
    with pytest.raises(StoreError, match="does not exist"):
        open_store(tmp_path / "missing" / "x.db")


def test_scores_and_saved_state_come_back_exactly(store_db):
    """8-byte floats and JSON in the order it was written, on both backends (PostgreSQL's REAL
    would round the score; JSONB would reorder the clusterer's state)."""
    score = 0.123456789012345
    state = {"units": 2, "zeta": [3, 1], "alpha": {"b": 1, "a": 0.1 + 0.2}}
    with open_store(store_db) as store:
        store.write_batch([_analyzed("a"), _analyzed("b")])
        link = Link("b", "a", Relation.DUPLICATE, score, "a", (SharedSpan(0, 5, 0, 5),))
        store.write_provenance([], [link], [("a", "b")])
        store.write_stories(StoryUpdate(units=[], merged=[], stories=[], state=state))
        assert store.links() == [link]
        saved = store.story_tables.state()
        # (document frequencies and stories come from tables of their own: none written here)
        assert saved == {**state, "df": {}, "stories": []} and list(saved)[:3] == list(state) and list(saved["alpha"]) == ["b", "a"]
        assert store.story_tables.state_units() == 2
