"""Export the store as JSON Lines tables that other tools and evaluations read.

The field names are a public schema (documented in the README): keep them, add freely.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from .. import plugins
from ..errors import ConfigError
from ..model import Document, Entity, Event, Failure, Figure, Link, Mention, Quote, Relation, Segment, SharedSpan, Timestamp
from ..store.base import DocumentQuery, Store
from .stories import stories, story_record
from .timeline import rows_to_records as timeline_records, timeline



class _FormatNames(Sequence[str]):
    """The export formats installed now - the built-ins and every plugin - read at each use, so
    a check written as `format in EXPORT_FORMATS` sees plugins too."""

    def _names(self) -> tuple[str, ...]:
        return plugins.exporters.names()

    def __getitem__(self, index):  # type: ignore[override]
        return self._names()[index]

    def __len__(self) -> int:
        return len(self._names())

    def __contains__(self, name: object) -> bool:
        return name in self._names()

    def __repr__(self) -> str:
        return repr(self._names())


EXPORT_FORMATS: Sequence[str] = _FormatNames()


def _iso(ts: Timestamp | None) -> str | None:
    return ts.isoformat() if ts else None


def document_record(doc: Document) -> dict[str, Any]:
    return {
        "id": doc.id,
        "source": doc.source,
        "url": doc.url,
        "title": doc.title,
        "published": _iso(doc.published),
        "published_origin": doc.published.origin.value if doc.published else None,
        "published_precision": doc.published.precision.value if doc.published else None,
        "updated": _iso(doc.updated),
        "updated_origin": doc.updated.origin.value if doc.updated else None,
        "kind": doc.kind.value,
        "outlet": doc.outlet,
        "republisher": doc.republisher,
        "credits": list(doc.credits),
        "authors": list(doc.authors),
        "truncated": doc.truncated,
        "removed_lines": doc.removed_lines,
        "language": doc.language,
        "text": doc.text,
    }


def failure_record(failure: Failure) -> dict[str, Any]:
    """An input that could not be ingested, and why (`wiretrail failures`, the Python API)."""
    return {"at": failure.at.isoformat(timespec="seconds"), "source": failure.source, "stage": failure.stage, "error": failure.error}


def segment_record(seg: Segment) -> dict[str, Any]:
    return {
        "id": seg.id,
        "doc_id": seg.doc_id,
        "index": seg.index,
        "kind": seg.kind.value,
        "headline": seg.headline,
        "posted_at": _iso(seg.posted_at),
        "author": seg.author,
        "reference_date": seg.reference_date.isoformat() if seg.reference_date else None,
        "start": seg.start,
        "end": seg.end,
    }


def link_record(link: Link) -> dict[str, Any]:
    return {
        "from_doc": link.from_doc,
        "to_doc": link.to_doc,
        "relation": link.relation.value,
        "score": link.score,
        "first": link.first,
        "shared": [
            {"from_start": s.from_start, "from_end": s.from_end, "to_start": s.to_start, "to_end": s.to_end}
            for s in link.shared
        ],
    }


def link_from_record(row: Mapping[str, Any]) -> Link:
    """The link a `link_record` row (a links.jsonl line, a links Parquet row) describes."""
    shared = tuple(SharedSpan(s["from_start"], s["from_end"], s["to_start"], s["to_end"]) for s in row["shared"])
    return Link(row["from_doc"], row["to_doc"], Relation(row["relation"]), row["score"], row["first"], shared)


def entity_record(entity: Entity) -> dict[str, Any]:
    return {
        "id": entity.id,
        "name": entity.name,
        "type": entity.type,
        "aliases": list(entity.aliases),
        "roles": list(entity.roles),
        "lat": entity.lat,
        "lon": entity.lon,
        "country": entity.country,
        "feature": entity.feature,
        "approximate": entity.approximate,
        "gazetteer_id": entity.gazetteer_id,
        "mentions": entity.mentions,
        "documents": entity.documents,
    }


def mention_record(mention: Mention) -> dict[str, Any]:
    return {
        "doc_id": mention.doc_id,
        "start": mention.start,
        "end": mention.end,
        "text": mention.text,
        "label": mention.label,
        "entity_id": mention.entity_id,
    }


def quote_record(quote: Quote) -> dict[str, Any]:
    return {
        "id": quote.id,
        "doc_id": quote.doc_id,
        "start": quote.start,
        "end": quote.end,
        "text": quote.text,
        "speaker": quote.speaker,
        "speaker_entity_id": quote.speaker_entity_id,
        "cue": quote.cue,
        "said_at": _iso(quote.said_at),
    }


def figure_record(figure: Figure) -> dict[str, Any]:
    return {
        "id": figure.id,
        "doc_id": figure.doc_id,
        "start": figure.start,
        "end": figure.end,
        "text": figure.text,
        "subject": figure.subject,
        "value_low": figure.value_low,
        "value_high": figure.value_high,
        "unit": figure.unit,
        "vague": figure.vague,
        "attributed_to": figure.attributed_to,
        "as_of": figure.as_of.isoformat() if figure.as_of else None,
    }


def event_record(event: Event) -> dict[str, Any]:
    return {
        "id": event.id,
        "type": event.type,
        "date": event.date.isoformat() if event.date else None,
        "date_precision": event.date_precision.value if event.date_precision else None,
        "place": event.place,
        "place_entity_id": event.place_entity_id,
        "actors": list(event.actors),
        "targets": list(event.targets),
        "summary": event.summary,
        "evidence": [{"doc_id": e.doc_id, "start": e.start, "end": e.end} for e in event.evidence],
    }


def _tables(store: Store) -> dict[str, Iterator[dict[str, Any]]]:
    facts = store.facts
    return {
        "documents": (document_record(d) for d in store.documents(DocumentQuery())),
        "segments": (segment_record(s) for s in store.segments()),
        "links": (link_record(link) for link in store.links()),
        "entities": (entity_record(e) for e in facts.entities()),
        "mentions": (mention_record(m) for m in facts.all_mentions()),
        "quotes": (quote_record(q) for q in facts.quotes()),
        "figures": (figure_record(f) for f in facts.figures()),
        "events": (event_record(e) for e in facts.events()),
        "stories": (story_record(s) for s in stories(store)),
        "timeline": iter(timeline_records(timeline(store))),
    }


def tables(store: Store) -> dict[str, Iterator[dict[str, Any]]]:
    """Every export table as a stream of records, for writers of other formats (the batch
    command's Parquet)."""
    return _tables(store)


def export(store: Store, out_dir: str | Path, *, format: str = "jsonl") -> dict[str, int]:
    """Write one file per table into `out_dir`; returns rows written per table.

    `jsonl`: one JSON object per line. `csv`: one header row, then a row per record; lists and
    objects (aliases, evidence, shared spans) are written as JSON in their cell. Other formats
    come from plugins (`wiretrail.exporters`); an unknown one is a `ConfigError` naming those
    available (ConfigError is a ValueError too, as this raised before plugins).
    """
    try:
        exporter = plugins.exporters.get(format)
    except ConfigError as exc:
        raise UnknownFormat(str(exc)) from None
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    return exporter.write(_tables(store), out)


class UnknownFormat(ConfigError, ValueError):
    """An export format no installed exporter provides."""


@dataclass(frozen=True, slots=True)
class FileExporter:
    """A built-in format: one `<table>.<name>` file per table, replaced whole (a reader never
    sees a half-written table)."""

    name: str

    def write(self, tables: Mapping[str, Iterator[dict[str, Any]]], out_dir: Path) -> dict[str, int]:
        counts: dict[str, int] = {}
        for table, records in tables.items():
            path = out_dir / f"{table}.{self.name}"
            tmp = path.with_suffix(f".{self.name}.tmp")
            with tmp.open("w", encoding="utf-8", newline="") as fh:
                counts[table] = _WRITERS[self.name](fh, records)
            tmp.replace(path)
        return counts


def _write_jsonl(fh: TextIO, records: Iterator[dict[str, Any]]) -> int:
    n = 0
    for record in records:
        fh.write(json.dumps(record, ensure_ascii=False) + "\n")
        n += 1
    return n


def _write_csv(fh: TextIO, records: Iterator[dict[str, Any]]) -> int:
    writer = None
    n = 0
    for record in records:
        if writer is None:
            writer = csv.DictWriter(fh, fieldnames=list(record))
            writer.writeheader()
        writer.writerow({k: json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else v for k, v in record.items()})
        n += 1
    return n


_WRITERS = {"jsonl": _write_jsonl, "csv": _write_csv}
JSONL_EXPORTER = FileExporter("jsonl")
CSV_EXPORTER = FileExporter("csv")
