"""API ingests in a process of their own.

The pipeline (spaCy, matching, clustering) holds the interpreter for a second or more per
article; run in the server's process it stalls every reader meanwhile, however light their
requests. A single worker process, started on the first POST, keeps spaCy loaded and its own
store connection, and writes through the same store (SQLite's WAL or PostgreSQL lets the server's
readers go on); the server's reports see the write through the store's data version.

Only for a store the app opened itself from a path or URL: a store object handed to `create_app`
cannot be shared with another process, so its ingests run in a request thread as before.
"""

from __future__ import annotations

import logging
import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from ..model import RawDocument
from ..pipeline import IngestReport, ingest
from ..settings import Settings
from ..store import open_store
from ..store.base import Store

log = logging.getLogger(__name__)

_store: Store | None = None  # in the worker process: its own connection, for its lifetime
_settings: Settings | None = None


def _start(db: str, settings: Settings) -> None:
    global _store, _settings
    _store, _settings = open_store(db), settings


def _ingest_one(raw: RawDocument) -> IngestReport:
    assert _store is not None and _settings is not None, "the worker was started without a store"
    return ingest(_store, [raw], settings=_settings)


class IngestWorker:
    """One process that runs API ingests, one at a time, started when first needed."""

    def __init__(self, db: str, settings: Settings) -> None:
        self.db = db
        # one document per ingest: the pipeline's own process pool would only add start-up time
        self.settings = settings.with_overrides("server", {"workers": 1})
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()

    def ingest(self, raw: RawDocument) -> IngestReport:
        """Ingest `raw` in the worker process and wait for its report. A worker that died (killed,
        out of memory) is replaced for the next call; the store keeps whole documents only, so
        the failed call's document is simply not there."""
        pool = self._running()
        try:
            return pool.submit(_ingest_one, raw).result()
        except BrokenProcessPool:
            with self._lock:
                if self._pool is pool:
                    self._pool = None
            log.error("the ingest worker process died; it is restarted for the next request")
            raise

    def _running(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._pool is None:
                # spawn, not fork: the server's process has threads (and their locks) to not copy
                self._pool = ProcessPoolExecutor(
                    max_workers=1, mp_context=multiprocessing.get_context("spawn"), initializer=_start, initargs=(self.db, self.settings)
                )
            return self._pool

    def close(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
