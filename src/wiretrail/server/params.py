"""What read routes share: pagination, the store of the request, document ids."""

from __future__ import annotations

import json
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, TypeVar

from fastapi import Query, Request, Response
from fastapi.encoders import jsonable_encoder

from .. import lookup
from ..errors import NotFound
from ..report.cache import PAGES_PER_ENTRY, REPORTS
from ..report.stories import StorySummary
from ..store.base import DataStamp, Store
from .problems import ApiError

MAX_PAGE = 500  # rows per page: a timeline of the whole ukraine-2022 corpus in a few requests
DEFAULT_PAGE = 50
# Cached reports (timeline, stories, figure table) say the data version they were computed at;
# while a newer one is being computed, the second header gives the store's latest version.
DATA_VERSION_HEADER = "X-Wiretrail-Data-Version"
LATEST_VERSION_HEADER = "X-Wiretrail-Data-Latest"

T = TypeVar("T")

# Set by the fast path (`fastpath.py`) for the request it runs: the store's data stamp, read
# after the request arrived, shared by the requests that arrived before the same read.
# Given the store the caller holds (or None: it borrows one), so a caller never waits for a second.
READ_STAMP: ContextVar[Callable[[Store | None], DataStamp | None] | None] = ContextVar("wiretrail_read_stamp", default=None)


@dataclass(frozen=True, slots=True)
class _Stamped:
    """What `ReportCache.served` asks a store for, already read."""

    stamp: DataStamp

    def data_stamp(self) -> DataStamp:
        return self.stamp


@dataclass(frozen=True, slots=True)
class Page:
    limit: int
    offset: int

    def envelope(self, items: Sequence[Any], *, total: int | None = None, more: bool | None = None, **extra: Any) -> dict:
        """One page of `items` (already cut when `more` is given, else cut here) with what a
        client needs to ask for the next one."""
        if more is None:
            total = len(items) if total is None else total
            more = self.offset + self.limit < total
            items = items[self.offset : self.offset + self.limit]
        return {
            "items": list(items), "limit": self.limit, "offset": self.offset, "total": total,
            "next_offset": self.offset + self.limit if more else None, **extra,
        }  # fmt: skip


def page(
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE, description="At most this many items.")] = DEFAULT_PAGE,
    offset: Annotated[int, Query(ge=0, description="Skip this many items first.")] = 0,
) -> Page:
    return Page(limit, offset)


def served_page(
    request: Request,
    store: Store,
    kind: str,
    params: Hashable,
    compute: Callable[[Store], Sequence[T]],
    p: Page,
    records: Callable[[Sequence[T]], list[dict]],
) -> Response:
    """One page of a report from the process's cache, stale-while-revalidate (`report.cache`):
    after a write, readers get the last result at once while one background recompute runs.
    Each page is encoded once per result and then only sent. The response says which data
    version it serves (and, while a recompute runs, the store's latest)."""
    settings = request.app.state.settings
    stamp_after = READ_STAMP.get()
    stamp = stamp_after(store) if stamp_after is not None else None
    if stamp is None:
        served = REPORTS.served(store, kind, params, compute, borrow=request.app.state.stores.borrow, min_refresh_s=settings.api_refresh_min_s)
    else:  # the fast path read the version after this request arrived: the cache uses that read
        read = _Stamped(stamp)
        served = REPORTS.served(
            read, kind, params, lambda s: compute(store if s is read else s), borrow=request.app.state.stores.borrow,
            min_refresh_s=settings.api_refresh_min_s,
        )  # fmt: skip
    body = served.pages.get((p.offset, p.limit))
    if body is None:
        rows = served.value
        envelope = p.envelope(records(rows[p.offset : p.offset + p.limit]), total=len(rows), more=p.offset + p.limit < len(rows))
        # encoded as FastAPI's JSONResponse would, once
        body = json.dumps(jsonable_encoder(envelope), ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode()
        if len(served.pages) >= PAGES_PER_ENTRY:
            served.pages.clear()
        served.pages[(p.offset, p.limit)] = body
    headers = {DATA_VERSION_HEADER: str(served.version)}
    if served.stale:
        headers[LATEST_VERSION_HEADER] = str(served.latest)
    return Response(body, media_type="application/json", headers=headers)


@contextmanager
def store_of(request: Request) -> Iterator[Store]:
    """The store this request may use (see `access.StorePool`)."""
    with request.app.state.stores.borrow() as store:
        yield store


def document_summaries(store: Store, doc_ids: Iterable[str]) -> dict[str, dict]:
    """Title, outlet and date of each stored document in `doc_ids`: what a listing that names
    documents (links, alerts) shows beside its rows, so the page needs no request per name."""
    summaries = {}
    for doc_id in sorted(set(doc_ids)):
        doc = store.document(doc_id)
        if doc is not None:
            summaries[doc_id] = {
                "title": doc.title, "outlet": doc.outlet or doc.source,
                "published": doc.published.isoformat() if doc.published else None,
            }  # fmt: skip
    return summaries


def resolve_document(store: Store, doc_id: str) -> str:
    """The stored id `doc_id` names: the whole id, or a prefix only one id starts with."""
    try:
        return lookup.document_id(store, doc_id)
    except NotFound as exc:
        raise ApiError(400 if exc.matches else 404, str(exc)) from None


def resolve_story(store: Store, story: str) -> StorySummary:
    """The one story whose id starts with `story` (a whole id is a prefix of itself)."""
    try:
        return lookup.story(store, story)
    except NotFound as exc:
        raise ApiError(400 if exc.matches else 404, str(exc)) from None


def story_documents(store: Store, story: str | None) -> frozenset[str] | None:
    """The documents of a story filter, or None when there is no filter."""
    return frozenset(resolve_story(store, story).doc_ids) if story else None


Since = Annotated[date | None, Query(description="Only on or after this day (YYYY-MM-DD).")]
Until = Annotated[date | None, Query(description="Only before this day (YYYY-MM-DD).")]
StoryFilter = Annotated[str | None, Query(description="Only what belongs to this story (an id prefix works).")]
DocFilter = Annotated[str | None, Query(alias="doc", description="Only this document (an id prefix works).")]
