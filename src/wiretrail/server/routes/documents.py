"""Documents, their segments, and per-document provenance and audit."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request

from ...model import Document, DocumentKind
from ...provenance.audit import audit_document, audit_record
from ...provenance.trace import trace_document, trace_record
from ...report.cache import REPORTS
from ...report.export import document_record, segment_record
from ...store.base import DocumentQuery, Store
from ..params import DocFilter, Page, Since, StoryFilter, Until, page, resolve_document, resolve_story, store_of, story_documents
from ..problems import ApiError

router = APIRouter(tags=["documents"])
# The unfiltered listing's first rows are kept per data version (a page reads them, not the
# store): a few ms to read once per write, against ~1 ms for every page asked for.
LISTING = "api-documents"
LISTING_HEAD = 500
DocId = Annotated[str, Path(description="A document id, or its first characters.")]


def _start_of(day: date | None) -> datetime | None:
    return datetime(day.year, day.month, day.day) if day else None


@router.get("/api/documents", summary="Documents, earliest published first (undated last)")
def list_documents(
    request: Request,
    kind: Annotated[DocumentKind | None, Query(description="Only this kind of document.")] = None,
    since: Since = None,
    until: Until = None,
    story: StoryFilter = None,
    entity: Annotated[
        str | None, Query(description="Only documents mentioning this entity: its id, or text one of its spellings contains.")
    ] = None,
    place: Annotated[
        str | None, Query(description="Only documents mentioning this place: its id, or text one of its spellings contains.")
    ] = None,
    p: Page = Depends(page),
) -> dict:
    with store_of(request) as store:
        if story is None and kind is None and since is None and until is None and not entity and not place:
            head, whole = REPORTS.fresh(store, LISTING, LISTING_HEAD, _listing_head)
            if whole or p.offset + p.limit < len(head):  # the page and the row after it are in the head
                rows = head[p.offset : p.offset + p.limit + 1]
                return p.envelope(rows[: p.limit], total=None, more=len(rows) > p.limit)
        docs = story_documents(store, story)
        query = DocumentQuery(
            since=_start_of(since), until=_start_of(until), kind=kind.value if kind else None, entity=entity, place=place, text=False
        )
        if docs is None:  # let the store cut the page; one row more says whether there is another
            query = replace(query, limit=p.limit + 1, offset=p.offset)
        found = [d for d in store.documents(query) if docs is None or d.id in docs]
        shown = found if docs is None else found[p.offset : p.offset + p.limit + 1]
        counts = store.segment_counts(d.id for d in shown)
    rows = [_listed(doc, counts) for doc in shown]
    return p.envelope(rows[: p.limit], total=len(found) if docs is not None else None, more=len(rows) > p.limit)


def _listed(doc: Document, counts: dict[str, int]) -> dict:
    record = document_record(doc)
    record.pop("text")  # read without it: one document's text can be megabytes, ask for it by id
    record["segments"] = counts.get(doc.id, 0)
    return record


def _listing_head(store: Store) -> tuple[list[dict], bool]:
    """The unfiltered listing's first LISTING_HEAD rows, as the route shows them, and whether
    they are all there is: read once per data version (`REPORTS.fresh`, never stale) instead of
    once per page, while a page is cut from the same order the store's LIMIT/OFFSET cuts."""
    found = list(store.documents(DocumentQuery(text=False, limit=LISTING_HEAD + 1, offset=0)))
    counts = store.segment_counts(d.id for d in found[:LISTING_HEAD])
    return [_listed(doc, counts) for doc in found[:LISTING_HEAD]], len(found) <= LISTING_HEAD


@router.get("/api/documents/{doc_id}", summary="One document with its clean text (all offsets point into it) and segments")
def get_document(request: Request, doc_id: DocId) -> dict:
    with store_of(request) as store:
        resolved = resolve_document(store, doc_id)
        doc = store.document(resolved)
        segments = list(store.segments(resolved))
    assert doc is not None
    record = document_record(doc)
    record["flags"] = list(doc.flags)
    record["segments"] = [segment_record(s) for s in segments]
    return record


@router.get("/api/segments", summary="Segments (live-blog entries, sections, bodies)")
def list_segments(
    request: Request,
    doc_id: DocFilter = None,
    story: StoryFilter = None,
    since: Since = None,
    until: Until = None,
    p: Page = Depends(page),
) -> dict:
    with store_of(request) as store:
        doc = resolve_document(store, doc_id) if doc_id else None
        wanted = set(resolve_story(store, story).segment_ids) if story else None
        segments = [
            s for s in store.segments(doc)
            if (wanted is None or s.id in wanted) and _in_range(s.posted_at.day if s.posted_at else s.reference_date, since, until)
        ]  # fmt: skip
    return p.envelope([segment_record(s) for s in segments])


def _in_range(day: date | None, since: date | None, until: date | None) -> bool:
    if since is None and until is None:
        return True
    if day is None:
        return False  # a dated filter never matches what nothing dates
    return (since is None or day >= since) and (until is None or day < until)


@router.get("/api/documents/{doc_id}/provenance", summary="Each sentence: first seen where and when, its copies, independent sources")
def document_provenance(
    request: Request,
    doc_id: DocId,
    segment: Annotated[int | None, Query(ge=0, description="Only the sentences of this segment.")] = None,
    p: Page = Depends(page),
) -> dict:
    with store_of(request) as store:
        resolved = resolve_document(store, doc_id)
        if segment is not None and not any(s.index == segment for s in store.segments(resolved)):
            raise ApiError(404, f"document {resolved} has no segment {segment}")
        traces = trace_document(store, resolved, segment_index=segment)
    return p.envelope([trace_record(resolved, t) for t in traces])


@router.get("/api/documents/{doc_id}/audit", summary="Sentences and quotes of a document that none of its sources support")
def document_audit(request: Request, doc_id: DocId) -> dict:
    with store_of(request) as store:
        result = audit_document(store, resolve_document(store, doc_id))
    return audit_record(result)
