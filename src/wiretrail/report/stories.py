"""Story listings: what each story is, when it was first and last reported, and by how many
documents and independent sources (copies of one text count once)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from ..store.base import Store
from .cache import REPORTS
from .timeline import copy_groups

STORIES = "stories"  # the report cache's name for these results


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
    segment_ids: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()  # the outlets (or, when unknown, the sources) of its documents


def stories(store: Store, *, since: date | None = None, until: date | None = None, min_documents: int = 1) -> list[StorySummary]:
    """Stories, biggest by independent sources first (computed once per state of the store's
    data: see `cache.REPORTS`)."""
    params = (since, until, min_documents)
    return list(REPORTS.fresh(store, STORIES, params, lambda s: build_stories(s, since=since, until=until, min_documents=min_documents)))


def build_stories(store: Store, *, since: date | None = None, until: date | None = None, min_documents: int = 1) -> list[StorySummary]:
    """`stories` computed from the store, not cached."""
    rows = store.story_tables.stories(since=since, until=until)
    members: dict[str, list[str]] = defaultdict(list)
    segments: dict[str, list[str]] = defaultdict(list)
    for unit, doc_id, story in store.story_tables.units():
        segments[story].append(unit)
        if doc_id not in members[story]:
            members[story].append(doc_id)
    # outlets from the documents' labels only: a story listing never reads an article's text
    labels = store.facts.document_labels([d for docs in members.values() for d in docs])
    outlets = {d.id: d.outlet or d.source for d in labels.values()}
    groups = copy_groups(store)
    out = []
    for row in rows:
        docs = members.get(row.id, [])
        if len(docs) < min_documents:
            continue
        out.append(
            StorySummary(
                row.id, row.title, row.first_day, row.last_day, len(segments.get(row.id, ())), len(docs),
                len({groups.get(d, d) for d in docs}), tuple(docs), tuple(segments.get(row.id, ())),
                tuple(dict.fromkeys(outlets.get(d, d) for d in docs)),
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
        "segment_ids": list(s.segment_ids),
        "sources": list(s.sources),
    }
