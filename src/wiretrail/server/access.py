"""Stores for request threads, and the one writer.

Requests run in a thread pool. A SQLite connection must not be used by two threads at once (one
thread's transaction would be another's), so each request borrows a store of its own: from a
pool of connections to `db` (WAL lets them read while an ingest writes), or, when the app was
given a store object, that one store, one request at a time. Ingests take `write_lock`, so two
POSTs never cluster stories against each other.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from ..store import open_store
from ..store.base import Store

MAX_OPEN_STORES = 8  # connections to a store file; more concurrent requests wait for one.
# Two cores serve at most a few requests at a time; 8 covers readers waiting on I/O.


class StorePool:
    def __init__(self, store_or_db: Store | str | Path, *, max_open: int = MAX_OPEN_STORES) -> None:
        self._idle: queue.LifoQueue[Store] = queue.LifoQueue()
        self._opened: list[Store] = []
        self._open: Callable[[], Store] | None
        self.db: str | None = None  # the path or URL, when the pool opens its own stores
        if isinstance(store_or_db, (str, Path)):
            db = self.db = str(store_or_db)
            self._open = lambda: open_store(db)
            self._slots = threading.BoundedSemaphore(max_open)
            first = self._open()  # fail at start-up, not on the first request
            self._opened.append(first)
            self._idle.put(first)
        else:
            self._open = None  # the caller's store: shared, never closed here
            self._slots = threading.BoundedSemaphore(1)
            self._idle.put(store_or_db)
        self._lock = threading.Lock()
        self.write_lock = threading.Lock()

    @contextmanager
    def borrow(self) -> Iterator[Store]:
        """A store no other request is using, for the length of the `with` block."""
        with self._slots:
            try:
                store = self._idle.get_nowait()
            except queue.Empty:
                assert self._open is not None  # one shared store: the semaphore lets one in
                store = self._open()
                with self._lock:
                    self._opened.append(store)
            try:
                yield store
            finally:
                self._idle.put(store)

    def close(self) -> None:
        with self._lock:
            opened, self._opened = self._opened, []
        for store in opened:
            store.close()
