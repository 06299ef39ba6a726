"""The app factory: routes, error handlers, security headers, size limit, the page."""

from __future__ import annotations

import gc
import json
import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import anyio.to_thread
from fastapi import Depends, FastAPI, Response

from .. import __version__
from ..errors import ConfigError
from ..settings import Settings
from ..store.base import Store
from ..thresholds import only_thresholds
from .access import MAX_OPEN_STORES, StorePool
from .auth import require_read
from .fastpath import BatchRunner, FastReads
from .ingest_worker import IngestWorker
from .middleware import BodyLimit, RefuseNul, SecurityHeaders, UseThresholds
from .problems import install_handlers
from .ratelimit import RateLimit
from .routes import alerts, documents, facts, ingest, links, search, stories
from .web import mount_static
from .web import router as web_router

log = logging.getLogger(__name__)

OPENAPI_URL = "/api/openapi.json"
READ_ROUTERS = (documents.router, stories.router, facts.router, links.router, search.router, alerts.router)
API_ROUTERS = (*READ_ROUTERS, ingest.router)  # every JSON endpoint (the OpenAPI test walks these)


def _serve_openapi_once(app: FastAPI) -> None:
    body: list[bytes] = []

    @app.get(OPENAPI_URL, include_in_schema=False)
    async def openapi_json() -> Response:  # no store, nothing blocking: no worker thread
        if not body:
            body.append(json.dumps(app.openapi(), ensure_ascii=False, separators=(",", ":")).encode())
        return Response(body[0], media_type="application/json")


_frozen = threading.Lock()  # held for good once the process's start-up objects are frozen


def _freeze_imported() -> None:
    """Move what the process holds at start-up (spaCy and the rest of wiretrail imported:
    ~350,000 objects) out of the cyclic collector's sight, once per process. Otherwise every
    full collection walks them all, ~0.1-0.6 s with the interpreter held, in which every request
    waits: measured under load, the longest stalls of the server. What the server makes while
    serving (report results, pages) is still collected."""
    if _frozen.acquire(blocking=False):
        gc.collect()
        gc.freeze()


def create_app(store_or_db: Store | str | Path, *, settings: Settings = Settings()) -> FastAPI:
    """A FastAPI app over a store object (shared by all requests, one at a time; the caller
    closes it) or a store path/URL (a pool of connections, closed at shutdown)."""
    if settings.read_token_required and not settings.token:
        raise ConfigError("read_token_required is on but no token is set: set the token setting (env WIRETRAIL_TOKEN)")
    stores = StorePool(store_or_db)
    worker = IngestWorker(stores.db, settings) if stores.db else None
    reads = BatchRunner()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Request threads beyond the store connections would only wait for one, and each one
        # more contending for the interpreter costs every request time (anyio's default is 40).
        anyio.to_thread.current_default_thread_limiter().total_tokens = MAX_OPEN_STORES
        _freeze_imported()
        yield
        reads.close()
        if worker is not None:
            worker.close()
        stores.close()

    app = FastAPI(
        title="wiretrail",
        version=__version__,
        description="One sourced, deduplicated record of a developing story: documents, stories, timeline, "
        "facts, provenance and search. Every fact carries (doc_id, start, end) offsets into its document's text.",
        openapi_url=None,  # served below, encoded once: FastAPI's own route encodes it per request
        docs_url=None,  # Swagger UI and ReDoc load scripts from a CDN: not offline, not under our CSP
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.stores = stores
    app.state.ingest_worker = worker
    app.state.fast_reads = reads
    for router in READ_ROUTERS:
        app.include_router(router, dependencies=[Depends(require_read)])
    app.include_router(ingest.router)
    _serve_openapi_once(app)
    app.include_router(web_router)
    mount_static(app)
    install_handlers(app)
    # innermost: the plain forms of the busiest reads, after every check below (fastpath.py)
    app.add_middleware(FastReads, settings=settings, stores=stores, runner=reads)
    # the thresholds alone: the report cache keys on them, and would extract them per request
    app.add_middleware(UseThresholds, settings=only_thresholds(settings))
    app.add_middleware(RefuseNul)
    app.add_middleware(BodyLimit, max_bytes=settings.max_request_bytes)
    # outside the body limit: a refused client costs no body read
    app.add_middleware(RateLimit, per_minute=settings.rate_limit_per_minute, writes_per_minute=settings.write_rate_limit_per_minute)
    app.add_middleware(SecurityHeaders)  # added last: outermost, so even a 413 carries the headers
    return app
