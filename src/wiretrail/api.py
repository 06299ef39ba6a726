"""The Python API: `wt.open(db)` gives a handle whose methods are what the CLI calls.

Listings return `Results`: iterate them (lazily), or call `.to_pandas()` / `.to_arrow()` /
`.to_records()`. Ids may be given as unique prefixes, as on the command line.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import asdict
from datetime import date, datetime
from pathlib import Path

from . import lookup
from .model import Document, Entity, Event, Failure, Figure, Link, Quote, RawDocument, Segment, Sentence
from .pipeline import IngestReport, ProgressCallback, ingest
from .provenance.audit import Audit, audit_document
from .provenance.trace import SentenceTrace, trace_document, trace_record
from .report.briefing import build_briefing, to_html as briefing_html, to_markdown as briefing_markdown
from .report.export import (
    document_record,
    entity_record,
    event_record,
    export,
    failure_record,
    figure_record,
    link_record,
    quote_record,
    segment_record,
)
from .report.figure_table import FigureGroup, figure_table, group_records
from .report.stories import StorySummary, stories as list_stories, story_record
from .report.timeline import TimelineQuery, TimelineRow, rows_to_records, timeline as run_timeline
from .results import Results
from .settings import Settings, load_settings
from .thresholds import using
from .store import DocumentQuery, Store, open_store
from .store.base import SearchHit
from .store.facts import FactQuery

TEXT_SOURCE = "<text>"  # how a text passed to `ingest` directly is named in the store


class Wiretrail:
    """One store plus the settings the pipeline runs with."""

    def __init__(self, store: Store, settings: Settings) -> None:
        self.store = store
        self.settings = settings

    # -- writing ------------------------------------------------------------------------------

    def ingest(
        self,
        inputs: Iterable[str | Path | RawDocument] | str | Path | RawDocument,
        *,
        progress: ProgressCallback | None = None,
    ) -> IngestReport:
        """Ingest files, folders, texts or `RawDocument`s.

        A `Path`, or a string naming an existing file or folder (or `-` for standard input), is
        read as a path; any other string is taken as the text of a document."""
        if isinstance(inputs, (str, Path, RawDocument)):
            inputs = [inputs]
        return ingest(self.store, [_as_input(i) for i in inputs], settings=self.settings, progress=progress)

    # -- documents ----------------------------------------------------------------------------

    def documents(
        self, *, since: datetime | None = None, until: datetime | None = None, kind: str | None = None,
        language: str | None = None, entity: str | None = None, place: str | None = None, limit: int | None = None,
    ) -> Results[Document]:
        """Documents, earliest published first; `entity` / `place`: only those mentioning it (an
        entity id, or text one of its spellings contains)."""
        query = DocumentQuery(since=since, until=until, kind=kind, language=language, entity=entity, place=place, limit=limit)
        return Results(lambda: self.store.documents(query), _document_row)

    def document(self, doc_id: str) -> Document:
        """The document whose id is (or starts with) `doc_id`."""
        found = self.store.document(self.resolve(doc_id))
        assert found is not None  # resolve() found it
        return found

    def resolve(self, doc_id: str) -> str:
        """The one stored document id starting with `doc_id`; NotFound if none or several."""
        return lookup.document_id(self.store, doc_id)

    def segments(self, doc_id: str | None = None) -> Results[Segment]:
        resolved = self.resolve(doc_id) if doc_id else None
        return Results(lambda: self.store.segments(resolved), segment_record)

    def sentences(self, doc_id: str) -> list[Sentence]:
        return self.store.sentences(self.resolve(doc_id))

    def failures(self, *, limit: int | None = None) -> Results[Failure]:
        return Results(lambda: self.store.failures(limit=limit), failure_record)

    def search(self, query: str, *, limit: int = 20, offset: int = 0) -> Results[SearchHit]:
        """Segments matching a full-text query, best first."""
        return Results(lambda: self.store.search(query, limit=limit, offset=offset), asdict)

    # -- provenance ---------------------------------------------------------------------------

    def links(self, doc_id: str | None = None, *, relation: str | None = None) -> Results[Link]:
        resolved = self.resolve(doc_id) if doc_id else None
        return Results(lambda: self.store.links(resolved, relation=relation), link_record)

    def provenance(self, doc_id: str, *, segment: int | None = None) -> Results[SentenceTrace]:
        """Each sentence: where and when it was first seen, its copies, its independent sources."""
        resolved = self.resolve(doc_id)
        return Results(lambda: trace_document(self.store, resolved, segment_index=segment), lambda t: trace_record(resolved, t))

    def audit(self, doc_id: str, *, embeddings: bool | None = None) -> Audit:
        """Sentences and quotes of a document that none of its sources support."""
        with using(self.settings):
            return audit_document(self.store, self.resolve(doc_id), embeddings=embeddings)

    # -- extracted facts ----------------------------------------------------------------------

    def entities(
        self, *, type: str | None = None, query: str | None = None, doc_id: str | None = None, limit: int | None = None
    ) -> Results[Entity]:
        """Canonical entities, most mentioned first; `query` matches any spelling."""
        q = FactQuery(type=type, text=query, doc_id=self.resolve(doc_id) if doc_id else None, limit=limit)
        return Results(lambda: self.store.facts.entities(q), entity_record)

    def places(self, *, limit: int | None = None) -> Results[Entity]:
        return self.entities(type="PLACE", limit=limit)

    def quotes(
        self, *, speaker: str | None = None, doc_id: str | None = None, since: date | None = None,
        until: date | None = None, limit: int | None = None,
    ) -> Results[Quote]:
        q = FactQuery(text=speaker, doc_id=self.resolve(doc_id) if doc_id else None, since=since, until=until, limit=limit)
        return Results(lambda: self.store.facts.quotes(q), quote_record)

    def figures(
        self, *, about: str | None = None, doc_id: str | None = None, since: date | None = None,
        until: date | None = None, limit: int | None = None,
    ) -> Results[Figure]:
        q = FactQuery(text=about, doc_id=self.resolve(doc_id) if doc_id else None, since=since, until=until, limit=limit)
        return Results(lambda: self.store.facts.figures(q), figure_record)

    def events(
        self, *, since: date | None = None, until: date | None = None, type: str | None = None,
        doc_id: str | None = None, limit: int | None = None,
    ) -> Results[Event]:
        """Events by the day they happened; undated ones last."""
        q = FactQuery(since=since, until=until, type=type, doc_id=self.resolve(doc_id) if doc_id else None, limit=limit)
        return Results(lambda: self.store.facts.events(q), event_record)

    # -- reports ------------------------------------------------------------------------------
    # Computed once per state of the store's data (`report.cache.REPORTS`): asking again is
    # free until a write, and a write (from any process) is seen by the next call.

    def stories(self, *, since: date | None = None, until: date | None = None, limit: int | None = None) -> Results[StorySummary]:
        """Stories, biggest by independent sources first."""
        return Results(lambda: list_stories(self.store, since=since, until=until)[:limit], story_record)

    def story(self, story_id: str) -> StorySummary:
        """The story whose id is (or starts with) `story_id`."""
        return lookup.story(self.store, story_id)

    def timeline(
        self, *, since: date | None = None, until: date | None = None, type: str | None = None,
        entity: str | None = None, place: str | None = None, story: str | None = None, limit: int | None = None,
    ) -> Results[TimelineRow]:
        """One row per event, dated by when it happened, earliest report first."""
        docs = frozenset(self.story(story).doc_ids) if story else None
        query = TimelineQuery(since=since, until=until, type=type, entity=entity, place=place, doc_ids=docs, limit=limit)
        return Results(lambda: run_timeline(self.store, query), lambda row: rows_to_records([row])[0])

    def figure_table(self, *, about: str | None = None, conflicts_only: bool = False) -> Results[FigureGroup]:
        """Figures grouped by what they count, with why values differ (time, scope, disagreement)."""
        return Results(lambda: figure_table(self.store, about=about, conflicts_only=conflicts_only), lambda g: group_records([g])[0])

    def brief(self, *, story: str | None = None, since: date | None = None, until: date | None = None, format: str = "md") -> str:
        """A one-page briefing, every line citing its sources, as Markdown (`md`) or `html`."""
        if format not in ("md", "html"):
            raise ValueError(f"unknown briefing format {format!r}; choose md or html")
        result = build_briefing(self.store, story=self.story(story).id if story else None, since=since, until=until)
        return briefing_html(result) if format == "html" else briefing_markdown(result)

    def export(self, out_dir: str | Path, *, format: str = "jsonl") -> dict[str, int]:
        return export(self.store, out_dir, format=format)

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Wiretrail:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _as_input(item: str | Path | RawDocument) -> str | Path | RawDocument:
    if isinstance(item, (Path, RawDocument)) or item == "-" or os.path.exists(item):
        return item
    return RawDocument(source=TEXT_SOURCE, text=item)


def _document_row(doc: Document) -> dict:
    record = document_record(doc)
    record["flags"] = list(doc.flags)
    return record


def open(db: str | Path | None = None, *, config: str | Path | None = None, **overrides: object) -> Wiretrail:  # noqa: A001
    """Open a store (created if missing) with the effective settings.

    >>> import wiretrail as wt
    >>> with wt.open("wiretrail.db") as record:
    ...     record.ingest("examples/")
    """
    settings = load_settings(config=config, overrides={"db": str(db) if db else None, **overrides})
    return Wiretrail(open_store(settings.db), settings)
