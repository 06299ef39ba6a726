"""The read fast path: the API's busiest GET requests answered without FastAPI's routing,
dependency solving and two thread hand-offs per request, with the same bytes and headers.

`FastReads` is plain ASGI and sits innermost among the app's middleware, so every request it
answers has passed the same security headers, rate limit, size limit, NUL check and
thresholds as any other. It takes only requests it can parse exactly as FastAPI would:

    GET /api/timeline, /api/stories, /api/figures/conflicts   a report page (`served_page`)
    GET /api/search?q=..., /api/documents, /api/documents/{id}  (no filters but the page)

with known parameters, each given once, in their plain form (`limit=50`, `since=2022-03-01`);
anything else (another parameter, a value FastAPI would refuse or coerce, a missing or wrong
token when reading needs one, a route raising an error) goes to the app unchanged, which
answers it as before. What it answers is computed by calling the route function itself and
encoding its result with the route's own response field, so the bytes are the app's.

Reads run on `BatchRunner`'s threads: requests that arrive while a thread is busy are run by
it together as one batch, one hand-off to and from the event loop per batch instead of two per
request. Requests that wait together share one read of the store's data version, begun after
each of them arrived (`params.READ_STAMP`; through the store a route already holds, never a
second one). Searches, the document listing and single documents are kept per store data version
(`ExactCache`): an answer is reused only while the store's version is the one read before it was
computed, and every write that changes documents, segments, links or stories bumps the version
(`Store.data_stamp`), so a reused answer is the one the route would give again.
"""

from __future__ import annotations

import asyncio
import contextvars
import hmac
import logging
import queue
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from contextlib import nullcontext
from datetime import date
from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from ..extract.events import EVENT_TRIGGERS
from ..store.base import DataStamp, Store
from .params import DEFAULT_PAGE, MAX_PAGE, READ_STAMP, Page
from .routes import documents as documents_routes
from .routes import facts as facts_routes
from .routes import search as search_routes
from .routes import stories as stories_routes

log = logging.getLogger(__name__)

BATCH_THREADS = 2  # threads running fast reads: one can wait on the store while the other works
# Answers done are handed back when nothing more is waiting, or once the oldest has waited this
# long: a batch holding a slow read (a search after a write) does not hold up the quick ones.
HAND_BACK_AFTER_S = 0.002
# Answers kept by `ExactCache`: a page of search hits or documents is tens of KB, a document
# with its text can be megabytes (kept only up to MAX_CACHED_BODY).
CACHE_ENTRIES = 1024
CACHE_BYTES = 64 << 20
MAX_CACHED_BODY = 1 << 20

Result = tuple[int, list[tuple[bytes, bytes]], bytes]  # status, raw headers, body
Job = Callable[[], Result | None]  # None: let the app answer

_INT = re.compile(r"0|[1-9][0-9]{0,8}")
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_EVENT_TYPES = frozenset(EVENT_TRIGGERS)


class _NotPlain(Exception):
    """A parameter this path does not parse exactly as FastAPI would: the app answers."""


# -- parameters -----------------------------------------------------------------------------------


def _query(scope: Scope, allowed: frozenset[str]) -> dict[str, str]:
    """The query's parameters as Starlette decodes them, each at most once, none empty, all known."""
    raw = scope.get("query_string", b"")
    if not raw:
        return {}
    values: dict[str, str] = {}
    for key, value in parse_qsl(raw.decode("latin-1"), keep_blank_values=True):
        if key not in allowed or key in values or value == "":
            raise _NotPlain
        values[key] = value
    return values


def _int(values: dict[str, str], name: str, default: int, low: int, high: int | None = None) -> int:
    text = values.get(name)
    if text is None:
        return default
    if not _INT.fullmatch(text):
        raise _NotPlain
    value = int(text)
    if value < low or (high is not None and value > high):
        raise _NotPlain  # the app's 422 names the parameter
    return value


def _page(values: dict[str, str]) -> Page:
    return Page(_int(values, "limit", DEFAULT_PAGE, 1, MAX_PAGE), _int(values, "offset", 0, 0))


def _day(values: dict[str, str], name: str) -> date | None:
    text = values.get(name)
    if text is None:
        return None
    if not _DAY.fullmatch(text):
        raise _NotPlain
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise _NotPlain from None


def _bool(values: dict[str, str], name: str) -> bool:
    text = values.get(name)
    if text is None:
        return False
    if text not in ("true", "false"):
        raise _NotPlain
    return text == "true"


PAGE_PARAMS = frozenset({"limit", "offset"})
TIMELINE_PARAMS = PAGE_PARAMS | {"since", "until", "type", "entity", "place", "story"}
STORIES_PARAMS = PAGE_PARAMS | {"since", "until"}
CONFLICTS_PARAMS = PAGE_PARAMS | {"about", "include_agreeing"}
SEARCH_PARAMS = PAGE_PARAMS | {"q"}


# -- answers --------------------------------------------------------------------------------------


def _sent(response: Response) -> Result:
    return response.status_code, response.raw_headers, bytes(response.body)


def _route(router: Any, path: str) -> Any:
    return next(r for r in router.routes if getattr(r, "path", None) == path and "GET" in r.methods)


class _DictRoute:
    """A route returning a dict, encoded as FastAPI encodes it: validated and dumped by the
    route's response field, with the route's response-model options."""

    def __init__(self, router: Any, path: str) -> None:
        route = _route(router, path)
        self.field = route.response_field
        self.status = route.status_code or 200
        self.options = {
            "include": route.response_model_include, "exclude": route.response_model_exclude,
            "by_alias": route.response_model_by_alias, "exclude_unset": route.response_model_exclude_unset,
            "exclude_defaults": route.response_model_exclude_defaults, "exclude_none": route.response_model_exclude_none,
        }  # fmt: skip

    def encode(self, content: Any) -> Result | None:
        if self.field is None:
            return None
        value, errors = self.field.validate(content, {}, loc=("response",))
        if errors:
            return None  # the app raises its response validation error
        body = self.field.serialize_json(value, **self.options)
        return _sent(Response(body, status_code=self.status, media_type="application/json"))


class ExactCache:
    """Answers by (store, request), each valid at exactly one data version, least recently used
    dropped first, bounded in entries and bytes. Used from the batch threads under a lock."""

    def __init__(self, *, max_entries: int = CACHE_ENTRIES, max_bytes: int = CACHE_BYTES) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._entries: OrderedDict[Hashable, tuple[int, Result]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: Hashable, version: int) -> Result | None:
        with self._lock:
            found = self._entries.get(key)
            if found is None or found[0] != version:
                return None
            self._entries.move_to_end(key)
            return found[1]

    def put(self, key: Hashable, version: int, result: Result) -> None:
        size = len(result[2])
        if size > MAX_CACHED_BODY:
            return
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= len(old[1][2])
                if old[0] > version:  # a newer answer landed first: keep it
                    self._entries[key] = old
                    self._bytes += len(old[1][2])
                    return
            self._entries[key] = (version, result)
            self._bytes += size
            while self._entries and (len(self._entries) > self.max_entries or self._bytes > self.max_bytes):
                _, (_, dropped) = self._entries.popitem(last=False)
                self._bytes -= len(dropped[2])

    def __len__(self) -> int:
        return len(self._entries)


# -- running reads in batches ---------------------------------------------------------------------


class BatchRunner:
    """Threads that run jobs handed over by the event loop. A thread runs the jobs waiting one
    after another and hands the results back together once none is left waiting (or the oldest
    has waited `HAND_BACK_AFTER_S`): under load one wake-up each way serves many requests. Each
    job runs in the context of its request (the thresholds in effect)."""

    def __init__(self, threads: int = BATCH_THREADS) -> None:
        self._jobs: queue.SimpleQueue = queue.SimpleQueue()
        self._threads: list[threading.Thread] = []
        self._wanted = threads
        self._lock = threading.Lock()
        self.answered = 0  # jobs that gave an answer (the rest went back to the app)

    def run(self, job: Job) -> asyncio.Future:
        future = asyncio.get_running_loop().create_future()
        if not self._threads:
            self._start()
        self._jobs.put((contextvars.copy_context(), job, future))
        return future

    def _start(self) -> None:
        with self._lock:
            if self._threads:
                return
            for n in range(self._wanted):
                thread = threading.Thread(target=self._work, name=f"wiretrail-read-{n}", daemon=True)
                thread.start()
                self._threads.append(thread)

    def _work(self) -> None:
        jobs = self._jobs
        done: dict[asyncio.AbstractEventLoop, list] = {}
        first_done = 0.0
        while True:
            try:
                item = jobs.get_nowait()
            except queue.Empty:  # nothing more waiting: hand back what is done, then sleep
                done = _hand_back(done)
                item = jobs.get()
            if item is None:
                _hand_back(done)
                return
            context, job, future = item
            result = None
            try:
                result = context.run(job)
            except Exception:  # the app answers it again, with its own error handling
                log.debug("fast read fell back to the app", exc_info=True)
            except BaseException:  # never leave the request waiting, whatever stops the thread
                _hand_back({**done, future.get_loop(): [*done.get(future.get_loop(), []), (future, None)]})
                raise
            else:
                self.answered += result is not None
            now = time.perf_counter()
            if not done:
                first_done = now
            done.setdefault(future.get_loop(), []).append((future, result))
            if now - first_done >= HAND_BACK_AFTER_S:  # a long batch: the first answers go now
                done = _hand_back(done)

    def close(self) -> None:
        """Stop the threads once they have run what was handed over (a later job starts new ones)."""
        with self._lock:
            threads, self._threads = self._threads, []
        for _ in threads:
            self._jobs.put(None)


def _hand_back(done: dict[asyncio.AbstractEventLoop, list]) -> dict:
    for loop, results in done.items():
        try:
            loop.call_soon_threadsafe(_deliver, results)
        except RuntimeError:  # the loop is closed: nobody is waiting
            pass
    return {}


def _deliver(done: list) -> None:
    for future, result in done:
        if not future.done():
            future.set_result(result)


# -- the middleware -------------------------------------------------------------------------------


class FastReads:
    """Answer the plain forms of the busiest GET requests (see the module's docstring); pass
    everything else, and anything that fails, to `app`."""

    enabled = True  # off: every request goes to the app (tests compare the two)

    def __init__(self, app: ASGIApp, *, settings: Any, stores: Any, runner: BatchRunner | None = None) -> None:
        self.app = app
        self.token = settings.token.encode() if settings.read_token_required and settings.token else None
        self.read_token_required = bool(settings.read_token_required)
        self.stores = stores
        self.runner = runner or BatchRunner()
        self.cache = ExactCache()
        self._memo: tuple[DataStamp, float] | None = None  # the last stamp read, and when the read began
        self.search_route = _DictRoute(search_routes.router, "/api/search")
        self.documents_route = _DictRoute(documents_routes.router, "/api/documents")
        self.document_route = _DictRoute(documents_routes.router, "/api/documents/{doc_id}")
        self.handlers: dict[str, Callable[[Scope], Job]] = {
            "/api/timeline": self._timeline,
            "/api/stories": self._stories,
            "/api/figures/conflicts": self._conflicts,
            "/api/search": self._search,
            "/api/documents": self._documents,
        }

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") != "GET" or not self.enabled or scope.get("root_path"):
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        handler = self.handlers.get(path)
        try:
            if handler is not None:
                job = handler(scope)
            elif path.startswith("/api/documents/") and "/" not in path[15:] and len(path) > 15:
                job = self._document(scope, path[15:])
            else:
                job = None
        except _NotPlain:
            job = None
        if job is None or (self.read_token_required and not self._authorized(scope)):
            await self.app(scope, receive, send)
            return
        arrived = time.monotonic()
        result = await self.runner.run(lambda: self._with_stamp(job, arrived))
        if result is None:
            await self.app(scope, receive, send)
            return
        status, headers, body = result
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    def _with_stamp(self, job: Job, arrived: float) -> Result | None:
        READ_STAMP.set(lambda store: self._stamp_after(arrived, store))
        return job()

    def _stamp_after(self, arrived: float, held: Store | None = None) -> DataStamp | None:
        """The store's data stamp as read after `arrived`: the last read when it began after
        then (requests waiting together share one read), else a new one, through `held` when
        the caller holds a store (borrowing a second could wait for ever: with one store, or
        with every store held by a caller doing the same). Exactly what reading it in the
        request would give, or newer."""
        memo = self._memo
        if memo is not None and memo[1] >= arrived:
            return memo[0]
        began = time.monotonic()
        with nullcontext(held) if held is not None else self.stores.borrow() as store:
            if not callable(getattr(store, "data_stamp", None)):
                return None
            stamp = store.data_stamp()
        memo = self._memo
        if memo is None or memo[1] < began:
            self._memo = (stamp, began)
        return stamp

    def _authorized(self, scope: Scope) -> bool:
        """What `auth.require_read` lets through: a bearer token equal to the setting (anything
        else goes to the app, which answers 401 or 403)."""
        if self.token is None:
            return False
        for name, value in scope.get("headers", ()):
            if name == b"authorization":
                scheme, _, credentials = value.decode("latin-1").partition(" ")
                credentials = credentials.strip()
                return bool(scheme and credentials) and scheme.lower() == "bearer" and hmac.compare_digest(credentials.encode(), self.token)
        return False

    # -- report pages: the route itself, from the report cache -----------------------------------

    def _timeline(self, scope: Scope) -> Job:
        values = _query(scope, TIMELINE_PARAMS)
        kind = values.get("type")
        if kind is not None and kind not in _EVENT_TYPES:
            raise _NotPlain
        args = {
            "since": _day(values, "since"), "until": _day(values, "until"),
            "type": stories_routes.EventType(kind) if kind is not None else None,
            "entity": values.get("entity"), "place": values.get("place"), "story": values.get("story"), "p": _page(values),
        }  # fmt: skip
        request = Request(scope)
        return lambda: _sent(stories_routes.get_timeline(request, **args))

    def _stories(self, scope: Scope) -> Job:
        values = _query(scope, STORIES_PARAMS)
        args = {"since": _day(values, "since"), "until": _day(values, "until"), "p": _page(values)}
        request = Request(scope)
        return lambda: _sent(stories_routes.list_stories(request, **args))

    def _conflicts(self, scope: Scope) -> Job:
        values = _query(scope, CONFLICTS_PARAMS)
        args = {"about": values.get("about"), "include_agreeing": _bool(values, "include_agreeing"), "p": _page(values)}
        request = Request(scope)
        return lambda: _sent(facts_routes.figure_conflicts(request, **args))

    # -- listings kept per data version ---------------------------------------------------------

    def _search(self, scope: Scope) -> Job:
        values = _query(scope, SEARCH_PARAMS)
        q = values.get("q")
        if q is None or len(q) > 500 or not q.strip():
            raise _NotPlain
        p = _page(values)
        request = Request(scope)
        return self._exact(("search", q, p.limit, p.offset), lambda: search_routes.search(request, q=q, p=p), self.search_route)

    def _documents(self, scope: Scope) -> Job:
        p = _page(_query(scope, PAGE_PARAMS))
        request = Request(scope)
        return self._exact(("documents", p.limit, p.offset), lambda: documents_routes.list_documents(
            request, kind=None, since=None, until=None, story=None, entity=None, place=None, p=p
        ), self.documents_route)  # fmt: skip

    def _document(self, scope: Scope, doc_id: str) -> Job | None:
        if scope.get("query_string"):
            return None
        request = Request(scope)
        return self._exact(("document", doc_id), lambda: documents_routes.get_document(request, doc_id), self.document_route)

    def _exact(self, key: tuple, compute: Callable[[], Any], route: _DictRoute) -> Job:
        def job() -> Result | None:
            stamp_after = READ_STAMP.get()
            stamp = stamp_after(None) if stamp_after is not None else None  # read before computing, as report/cache files it
            if stamp is None:
                return route.encode(compute())
            full_key = (stamp.store, *key)
            found = self.cache.get(full_key, stamp.version)
            if found is not None:
                return found
            result = route.encode(compute())
            if result is not None:
                self.cache.put(full_key, stamp.version, result)
            return result

        return job
