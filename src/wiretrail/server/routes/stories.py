"""Stories and the timeline."""

from __future__ import annotations

import enum
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request

from ...extract.events import EVENT_TRIGGERS
from ...report.export import segment_record
from ...report.stories import STORIES, build_stories, story_record
from ...report.timeline import TIMELINE, TimelineQuery, build_timeline, rows_to_records
from ..params import Page, Since, StoryFilter, Until, page, resolve_story, served_page, store_of, story_documents

router = APIRouter(tags=["stories"])

EventType = enum.Enum("EventType", {name: name for name in EVENT_TRIGGERS}, type=str)  # type: ignore[misc]
EXCERPT_CHARS = 240  # of each segment in a story's listing: enough to recognise it


@router.get("/api/stories", summary="Stories, most independent sources first")
def list_stories(request: Request, since: Since = None, until: Until = None, p: Page = Depends(page)) -> dict:
    with store_of(request) as store:
        compute = lambda s: build_stories(s, since=since, until=until)  # noqa: E731
        return served_page(request, store, STORIES, (since, until, 1), compute, p, lambda shown: [story_record(s) for s in shown])


@router.get("/api/stories/{story_id}", summary="One story with its segments, each with its document's title and an excerpt")
def get_story(request: Request, story_id: Annotated[str, Path(description="A story id, or its first characters.")]) -> dict:
    with store_of(request) as store:
        story = resolve_story(store, story_id)
        wanted = set(story.segment_ids)
        segments = []
        for doc_id in story.doc_ids:
            doc = store.document(doc_id)
            if doc is None:
                continue
            for seg in store.segments(doc_id):
                if seg.id in wanted:
                    record = segment_record(seg)
                    record["title"] = doc.title
                    record["outlet"] = doc.outlet
                    record["excerpt"] = doc.text[seg.start : min(seg.end, seg.start + EXCERPT_CHARS)]
                    segments.append(record)
    segments.sort(key=lambda r: (r["posted_at"] is None, r["posted_at"] or "", r["doc_id"], r["index"]))
    record = story_record(story)
    record["segment_details"] = segments
    return record


@router.get("/api/timeline", summary="One row per event, by when it happened, earliest report first")
def get_timeline(
    request: Request,
    since: Since = None,
    until: Until = None,
    type: Annotated[EventType | None, Query(description="Only events of this type.")] = None,  # type: ignore[valid-type]
    entity: Annotated[str | None, Query(description="Only events naming this actor, target or word.")] = None,
    place: Annotated[str | None, Query(description="Only events at a place whose name contains this.")] = None,
    story: StoryFilter = None,
    p: Page = Depends(page),
) -> dict:
    with store_of(request) as store:
        query = TimelineQuery(
            since=since, until=until, type=type.value if type else None, entity=entity, place=place,
            doc_ids=story_documents(store, story),
        )  # fmt: skip
        return served_page(request, store, TIMELINE, query, lambda s: build_timeline(s, query), p, rows_to_records)
