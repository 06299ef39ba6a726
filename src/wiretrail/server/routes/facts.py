"""Extracted facts: entities, places, mentions, quotes, figures (and their conflicts), events."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from ...model import EntityType
from ...report.export import entity_record, event_record, figure_record, mention_record, quote_record
from ...report.figure_table import FIGURE_TABLE, build_figure_table, group_records
from ...store.facts import FactQuery
from ..params import DocFilter, Page, Since, StoryFilter, Until, page, resolve_document, served_page, store_of, story_documents
from .stories import EventType

router = APIRouter(tags=["facts"])


@router.get("/api/entities", summary="Canonical people, organisations, groups and places, most mentioned first")
def list_entities(
    request: Request,
    type: Annotated[EntityType | None, Query(description="Only this type.")] = None,
    q: Annotated[str | None, Query(description="Only entities with a spelling containing this.")] = None,
    doc_id: DocFilter = None,
    p: Page = Depends(page),
) -> dict:
    with store_of(request) as store:
        doc = resolve_document(store, doc_id) if doc_id else None
        found = store.facts.entities(FactQuery(doc_id=doc, type=type.value if type else None, text=q))
    return p.envelope([entity_record(e) for e in found])


@router.get("/api/places", summary="Places with coordinates and country, most mentioned first")
def list_places(
    request: Request,
    q: Annotated[str | None, Query(description="Only places with a spelling containing this.")] = None,
    resolved: Annotated[bool | None, Query(description="true: only placed ones; false: only those the gazetteer could not place.")] = None,
    doc_id: DocFilter = None,
    p: Page = Depends(page),
) -> dict:
    with store_of(request) as store:
        doc = resolve_document(store, doc_id) if doc_id else None
        found = store.facts.entities(FactQuery(doc_id=doc, type="PLACE", text=q))
    return p.envelope([entity_record(e) for e in found if resolved is None or (e.lat is not None) == resolved])


@router.get("/api/mentions", summary="Where an entity is named: document and character offsets")
def list_mentions(
    request: Request,
    entity: Annotated[str | None, Query(description="Only mentions of this entity id.")] = None,
    doc_id: DocFilter = None,
    p: Page = Depends(page),
) -> dict:
    with store_of(request) as store:
        doc = resolve_document(store, doc_id) if doc_id else None
        found = store.facts.mentions(doc) if doc else store.facts.all_mentions()
        rows = [mention_record(m) for m in found if entity is None or m.entity_id == entity]
    return p.envelope(rows)


@router.get("/api/quotes", summary="Direct quotes with their speakers, in the order they were said")
def list_quotes(
    request: Request,
    speaker: Annotated[str | None, Query(description="Only quotes by a speaker whose name contains this.")] = None,
    doc_id: DocFilter = None,
    since: Since = None,
    until: Until = None,
    story: StoryFilter = None,
    p: Page = Depends(page),
) -> dict:
    with store_of(request) as store:
        doc = resolve_document(store, doc_id) if doc_id else None
        docs = story_documents(store, story)
        found = store.facts.quotes(FactQuery(doc_id=doc, text=speaker, since=since, until=until))
    return p.envelope([quote_record(q) for q in found if docs is None or q.doc_id in docs])


@router.get("/api/figures", summary="Numbers: what they count, value or range, unit, who says so, as of when")
def list_figures(
    request: Request,
    about: Annotated[str | None, Query(description="Only figures whose subject contains this.")] = None,
    doc_id: DocFilter = None,
    since: Since = None,
    until: Until = None,
    story: StoryFilter = None,
    p: Page = Depends(page),
) -> dict:
    with store_of(request) as store:
        doc = resolve_document(store, doc_id) if doc_id else None
        docs = story_documents(store, story)
        found = store.facts.figures(FactQuery(doc_id=doc, text=about, since=since, until=until))
    return p.envelope([figure_record(f) for f in found if docs is None or f.doc_id in docs])


@router.get("/api/figures/conflicts", summary="Figures about the same thing side by side, and why they differ (time, scope, disagree)")
def figure_conflicts(
    request: Request,
    about: Annotated[str | None, Query(description="Only groups whose figures' subject contains this.")] = None,
    include_agreeing: Annotated[bool, Query(description="Also groups whose figures agree (the whole figure table).")] = False,
    p: Page = Depends(page),
) -> dict:
    conflicts_only = not include_agreeing
    with store_of(request) as store:
        compute = lambda s: build_figure_table(s, about=about, conflicts_only=conflicts_only)  # noqa: E731
        return served_page(request, store, FIGURE_TABLE, (about, conflicts_only), compute, p, group_records)


@router.get("/api/events", summary="Who did what to whom, where and when; undated events last")
def list_events(
    request: Request,
    since: Since = None,
    until: Until = None,
    type: Annotated[EventType | None, Query(description="Only events of this type.")] = None,  # type: ignore[valid-type]
    q: Annotated[str | None, Query(description="Only events whose sentence or place contains this.")] = None,
    entity: Annotated[str | None, Query(description="Only events with an actor or target whose name contains this.")] = None,
    place: Annotated[str | None, Query(description="Only events at a place whose name contains this.")] = None,
    doc_id: DocFilter = None,
    story: StoryFilter = None,
    p: Page = Depends(page),
) -> dict:
    with store_of(request) as store:
        doc = resolve_document(store, doc_id) if doc_id else None
        docs = story_documents(store, story)
        found = store.facts.events(FactQuery(doc_id=doc, type=type.value if type else None, text=q, since=since, until=until))
    found = [
        e for e in found
        if (docs is None or e.doc_id in docs)
        and (not place or place.lower() in (e.place or "").lower())
        and (not entity or entity.lower() in " ".join(e.actors + e.targets).lower())
    ]  # fmt: skip
    return p.envelope([event_record(e) for e in found])
