"""Full-text search over segments (the store's own index: SQLite FTS5, PostgreSQL tsvector)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from ..params import Page, page, store_of
from ..problems import ApiError

router = APIRouter(tags=["search"])


@router.get("/api/search", summary="Segments matching a full-text query, best first")
def search(
    request: Request,
    q: Annotated[str, Query(min_length=1, max_length=500, description="Words to find.")],
    p: Page = Depends(page),
) -> dict:
    if not q.strip():
        raise ApiError(422, "q: the query has no words")
    with store_of(request) as store:
        if not callable(getattr(store, "search", None)):
            raise ApiError(501, f"{type(store).__name__} cannot search yet: full-text search is not in this version of the store")
        hits = store.search(q, limit=p.limit + 1, offset=p.offset)
        titles = store.document_titles({h.doc_id for h in hits})
    rows = [
        {
            "doc_id": h.doc_id, "segment_index": h.segment_index, "segment_id": h.segment_id, "start": h.start,
            "end": h.end, "snippet": h.snippet, "score": h.score, "title": titles.get(h.doc_id),
        }
        for h in hits
    ]  # fmt: skip
    return p.envelope(rows[: p.limit], more=len(rows) > p.limit, query=q)
