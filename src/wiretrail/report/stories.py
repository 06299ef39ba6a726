"""Story listings: what each story is, when it was first and last reported, and by how many
documents and independent sources (copies of one text count once)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from ..store.base import Store
from .timeline import copy_groups


@dataclass(frozen=True, slots=True)
class StorySummary:
    id: str
    title: str | None
    first_day: date | None
    last_day: date | None
    segments: int
    documents: int
    independent_sources: int
    doc_ids: tuple[str, ...]


def stories(store: Store, *, since: date | None = None, until: date | None = None, min_documents: int = 1) -> list[StorySummary]:
    """Stories, biggest by independent sources first."""
    rows = store.story_tables.stories(since=since, until=until)
    members: dict[str, list[str]] = defaultdict(list)
    segments: dict[str, int] = defaultdict(int)
    for _unit, doc_id, story in store.story_tables.units():
        segments[story] += 1
        if doc_id not in members[story]:
            members[story].append(doc_id)
    groups = copy_groups(store)
    out = []
    for row in rows:
        docs = members.get(row.id, [])
        if len(docs) < min_documents:
            continue
        out.append(
            StorySummary(
                row.id, row.title, row.first_day, row.last_day, segments.get(row.id, 0), len(docs),
                len({groups.get(d, d) for d in docs}), tuple(docs),
            )
        )
    out.sort(key=lambda s: (-s.independent_sources, -s.segments, s.id))
    return out


def story_record(s: StorySummary) -> dict:
    return {
        "id": s.id,
        "title": s.title,
        "first_seen": s.first_day.isoformat() if s.first_day else None,
        "last_seen": s.last_day.isoformat() if s.last_day else None,
        "segments": s.segments,
        "documents": s.documents,
        "independent_sources": s.independent_sources,
        "doc_ids": list(s.doc_ids),
    }
