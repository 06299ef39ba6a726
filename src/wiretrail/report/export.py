"""Export the store as JSON Lines tables that other tools and evaluations read.

The field names are a public schema (documented in the README): keep them, add freely.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..model import Document, Link, Segment, Timestamp
from ..store.base import DocumentQuery, Store

EXPORT_FORMATS = ("jsonl",)


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
        "updated": _iso(doc.updated),
        "kind": doc.kind.value,
        "outlet": doc.outlet,
        "republisher": doc.republisher,
        "credits": list(doc.credits),
        "authors": list(doc.authors),
        "truncated": doc.truncated,
        "removed_lines": doc.removed_lines,
        "text": doc.text,
    }


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


def _tables(store: Store) -> dict[str, Iterator[dict[str, Any]]]:
    return {
        "documents": (document_record(d) for d in store.documents(DocumentQuery())),
        "segments": (segment_record(s) for s in store.segments()),
        "links": (link_record(link) for link in store.links()),
    }


def export(store: Store, out_dir: str | Path, *, format: str = "jsonl") -> dict[str, int]:
    """Write one file per table into `out_dir`; returns rows written per table."""
    if format not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format {format!r}; available: {', '.join(EXPORT_FORMATS)}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    for name, records in _tables(store).items():
        path = out / f"{name}.jsonl"
        tmp = path.with_suffix(".jsonl.tmp")
        n = 0
        with tmp.open("w", encoding="utf-8") as fh:
            for record in records:
                fh.write(json.dumps(record, ensure_ascii=False) + "\n")
                n += 1
        tmp.replace(path)  # a reader never sees a half-written table
        counts[name] = n
    return counts
