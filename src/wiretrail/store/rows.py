"""Conversion between model records and table rows, shared by every backend."""

from __future__ import annotations

import json
from datetime import date, datetime, timezone
from typing import Any

from ..model import (
    DateOrigin,
    DatePrecision,
    Document,
    DocumentKind,
    Failure,
    Segment,
    SegmentKind,
    Sentence,
    Timestamp,
)

DOCUMENT_COLUMNS = (
    "id", "source", "url", "title",
    "published_at", "published_precision", "published_origin",
    "updated_at", "updated_precision", "updated_origin",
    "kind", "outlet", "republisher", "credits", "authors", "truncated", "content_hash",
    "removed_lines", "fetched_at", "ingested_at", "text", "language",
)  # fmt: skip
SEGMENT_COLUMNS = (
    "doc_id", "idx", "kind", "headline", "posted_at", "posted_precision", "posted_origin",
    "author", "reference_date", "start_char", "end_char",
)  # fmt: skip
SENTENCE_COLUMNS = ("doc_id", "idx", "segment_idx", "start_char", "end_char")
FAILURE_COLUMNS = ("source", "stage", "error", "at")


def _iso(value: datetime | date | None) -> str | None:
    return None if value is None else value.isoformat()


def _date(value: str | date | None) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value[:10])


def time_bound(moment: datetime) -> str:
    """A time filter's bound in the form stored times take (ISO text to the second; zone-less
    times as read, others with their offset), so that text comparison orders them: an aware
    bound is turned to UTC and written without a zone. Stored times written with an offset
    compare by their wall-clock time, at most that offset off."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    return moment.isoformat(timespec="seconds")


def _timestamp_columns(ts: Timestamp | None) -> tuple[str | None, str | None, str | None]:
    if ts is None:
        return None, None, None
    return ts.value.isoformat(), ts.precision.value, ts.origin.value


def _timestamp(value: str | None, precision: str | None, origin: str | None) -> Timestamp | None:
    if value is None:
        return None
    return Timestamp(
        datetime.fromisoformat(value),
        DatePrecision(precision or "day"),
        DateOrigin(origin or "metadata"),
    )


def document_row(doc: Document) -> tuple[Any, ...]:
    return (
        doc.id, doc.source, doc.url, doc.title,
        *_timestamp_columns(doc.published),
        *_timestamp_columns(doc.updated),
        doc.kind.value, doc.outlet, doc.republisher,
        json.dumps(list(doc.credits)), json.dumps(list(doc.authors)),
        bool(doc.truncated), doc.content_hash, doc.removed_lines,
        _iso(doc.fetched_at), _iso(doc.ingested_at), doc.text, doc.language,
    )  # fmt: skip


def _json_list(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = json.loads(value)
    return tuple(value or ())


def document_from_row(row: dict[str, Any]) -> Document:
    return Document(
        id=row["id"],
        source=row["source"],
        text=row["text"],
        url=row["url"],
        title=row["title"],
        published=_timestamp(row["published_at"], row["published_precision"], row["published_origin"]),
        updated=_timestamp(row["updated_at"], row["updated_precision"], row["updated_origin"]),
        kind=DocumentKind(row["kind"]),
        outlet=row["outlet"],
        republisher=row["republisher"],
        credits=_json_list(row["credits"]),
        authors=_json_list(row["authors"]),
        truncated=bool(row["truncated"]),
        content_hash=row["content_hash"],
        removed_lines=row["removed_lines"],
        fetched_at=datetime.fromisoformat(row["fetched_at"]) if row["fetched_at"] else None,
        ingested_at=datetime.fromisoformat(row["ingested_at"]) if row["ingested_at"] else None,
        language=row.get("language"),
    )


def segment_row(seg: Segment) -> tuple[Any, ...]:
    return (
        seg.doc_id, seg.index, seg.kind.value, seg.headline,
        *_timestamp_columns(seg.posted_at),
        seg.author, _iso(seg.reference_date), seg.start, seg.end,
    )  # fmt: skip


def segment_from_row(row: dict[str, Any]) -> Segment:
    ref = row["reference_date"]
    if isinstance(ref, str):
        ref = date.fromisoformat(ref)
    return Segment(
        doc_id=row["doc_id"],
        index=row["idx"],
        start=row["start_char"],
        end=row["end_char"],
        kind=SegmentKind(row["kind"]),
        headline=row["headline"],
        posted_at=_timestamp(row["posted_at"], row["posted_precision"], row["posted_origin"]),
        author=row["author"],
        reference_date=ref,
    )


def sentence_row(sent: Sentence) -> tuple[Any, ...]:
    return (sent.doc_id, sent.index, sent.segment_index, sent.start, sent.end)


def sentence_from_row(row: dict[str, Any]) -> Sentence:
    return Sentence(row["doc_id"], row["segment_idx"], row["idx"], row["start_char"], row["end_char"])


def failure_row(failure: Failure) -> tuple[Any, ...]:
    return (failure.source, failure.stage, failure.error, failure.at.isoformat())


def failure_from_row(row: dict[str, Any]) -> Failure:
    return Failure(row["source"], row["stage"], row["error"], datetime.fromisoformat(row["at"]))
