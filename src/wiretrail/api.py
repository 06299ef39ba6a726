"""The Python API: `wt.open(db)` gives a handle whose methods are what the CLI calls."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime
from pathlib import Path

from .model import Document, Entity, Event, Failure, Figure, Quote, RawDocument, Segment, Sentence
from .pipeline import IngestReport, ProgressCallback, ingest
from .report.export import export
from .settings import Settings, load_settings
from .store import DocumentQuery, Store, open_store
from .store.facts import FactQuery


class Wiretrail:
    """One store plus the settings the pipeline runs with."""

    def __init__(self, store: Store, settings: Settings) -> None:
        self.store = store
        self.settings = settings

    def ingest(
        self, inputs: Iterable[str | Path | RawDocument] | str | Path, *, progress: ProgressCallback | None = None
    ) -> IngestReport:
        """Ingest files, folders or `RawDocument`s; see `wiretrail.pipeline.ingest`."""
        if isinstance(inputs, (str, Path)):
            inputs = [inputs]
        return ingest(self.store, inputs, settings=self.settings, progress=progress)

    def documents(
        self, *, since: datetime | None = None, until: datetime | None = None, kind: str | None = None, limit: int | None = None
    ) -> Iterator[Document]:
        return self.store.documents(DocumentQuery(since=since, until=until, kind=kind, limit=limit))

    def document(self, doc_id: str) -> Document | None:
        return self.store.document(doc_id)

    def segments(self, doc_id: str | None = None) -> Iterator[Segment]:
        return self.store.segments(doc_id)

    def sentences(self, doc_id: str) -> list[Sentence]:
        return self.store.sentences(doc_id)

    def failures(self, *, limit: int | None = None) -> list[Failure]:
        return self.store.failures(limit=limit)

    def entities(
        self, *, type: str | None = None, query: str | None = None, doc_id: str | None = None, limit: int | None = None
    ) -> list[Entity]:
        """Canonical entities, most mentioned first; `query` matches any spelling."""
        return self.store.facts.entities(FactQuery(type=type, text=query, doc_id=doc_id, limit=limit))

    def places(self, *, limit: int | None = None) -> list[Entity]:
        return self.entities(type="PLACE", limit=limit)

    def quotes(
        self, *, speaker: str | None = None, doc_id: str | None = None, since: date | None = None, limit: int | None = None
    ) -> list[Quote]:
        return self.store.facts.quotes(FactQuery(text=speaker, doc_id=doc_id, since=since, limit=limit))

    def figures(
        self, *, about: str | None = None, doc_id: str | None = None, since: date | None = None, limit: int | None = None
    ) -> list[Figure]:
        return self.store.facts.figures(FactQuery(text=about, doc_id=doc_id, since=since, limit=limit))

    def events(
        self, *, since: date | None = None, until: date | None = None, type: str | None = None,
        doc_id: str | None = None, limit: int | None = None,
    ) -> list[Event]:
        """Events by the day they happened; undated ones last."""
        return self.store.facts.events(FactQuery(since=since, until=until, type=type, doc_id=doc_id, limit=limit))

    def export(self, out_dir: str | Path, *, format: str = "jsonl") -> dict[str, int]:
        return export(self.store, out_dir, format=format)

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Wiretrail:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open(db: str | Path | None = None, *, config: str | Path | None = None, **overrides: object) -> Wiretrail:  # noqa: A001
    """Open a store (created if missing) with the effective settings.

    >>> import wiretrail as wt
    >>> with wt.open("wiretrail.db") as record:
    ...     record.ingest("examples/")
    """
    settings = load_settings(config=config, overrides={"db": str(db) if db else None, **overrides})
    return Wiretrail(open_store(settings.db), settings)
