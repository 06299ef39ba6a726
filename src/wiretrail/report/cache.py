"""Computed reports kept per (store, data version, query), so a report is computed once per
state of the data instead of once per request.

A store's `data_stamp()` names the store and counts the writes reports read (documents, links,
stories): a result computed at one version is exact until the next. Two ways to read:

    1. `fresh`: the result for the store's current version, computed now if missing. The CLI
       and the Python API read this way, so a write is always seen by the next call.
    2. `served`: for the HTTP API, stale-while-revalidate. The first request for a key computes
       while it waits; after a write, readers get the last result at once (its version says how
       old) while one background recompute per key runs on a store of its own.

Both share the entries, and one computation per (key, version) runs at a time: readers asking
for what is being computed wait for it instead of computing it again. Values are shared between
callers and must not be changed. The thresholds in effect (`thresholds.using`) are part of the
key, and a background recompute runs in the requesting context, so results computed under other
settings are never served.
"""

from __future__ import annotations

import contextvars
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from ..store.base import DataStamp, Store
from ..thresholds import Thresholds, only_thresholds, thresholds

log = logging.getLogger(__name__)

T = TypeVar("T")

# Results kept, least recently used dropped first. A whole timeline of ukraine-2022 is ~10 MB of
# rows; the API's common keys (timeline, stories, figure table, a few filters) fit many times.
MAX_ENTRIES = 32
# Background recomputes at once, across keys: on two shared cores more would only slow readers.
REFRESH_WORKERS = 1
# Under a stream of writes a report could be recomputed back to back, taking a core from the
# readers for good. After a recompute that took t seconds the next waits at least this many t
# (and at least `min_refresh_s`): recomputes take at most a third of a core, whatever the size.
REFRESH_PACE = 2
# Encoded pages kept per result (the web page asks for a few; a crawler walking every offset
# only makes this forget and encode again).
PAGES_PER_ENTRY = 64

Key = tuple[str, str, Hashable, Thresholds]  # (store, report kind, parameters, thresholds)
Borrow = Callable[[], AbstractContextManager[Store]]  # a store of its own for a background recompute


@dataclass(frozen=True, slots=True)
class Served(Generic[T]):
    """A result and the data version it was computed at; `latest` is the store's version when
    asked (larger while a recompute runs). `pages` is the result's own memo for what callers
    derive from it (the API's encoded pages), dropped with the result."""

    value: T
    version: int
    latest: int
    pages: dict = field(default_factory=dict, compare=False)

    @property
    def stale(self) -> bool:
        return self.version < self.latest


@dataclass(slots=True)
class _Entry:
    version: int
    value: Any
    ready_at: float = 0.0  # time.monotonic() when stored
    cost: float = 0.0  # seconds the computation took
    pages: dict = field(default_factory=dict)


class ReportCache:
    """A bounded map from (store, kind, parameters) to the latest computed result."""

    def __init__(self, *, max_entries: int = MAX_ENTRIES, refresh_workers: int = REFRESH_WORKERS) -> None:
        self.max_entries = max_entries
        self._refresh_workers = refresh_workers
        self._entries: OrderedDict[Key, _Entry] = OrderedDict()
        self._running: dict[tuple[Key, int], Future] = {}  # computations in flight, by version
        self._refreshing: dict[Key, Future] = {}  # background recomputes, one per key
        self._executor: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()

    # -- reading --------------------------------------------------------------------------------

    def fresh(self, store: Store, kind: str, params: Hashable, compute: Callable[[Store], T]) -> T:
        """The result for the store's current data: cached, or computed now."""
        stamp = _stamp(store)
        if stamp is None:  # a store without versions (a test double): nothing can be cached
            return compute(store)
        key = (stamp.store, kind, params, thresholds_key())
        entry = self._get(key)
        if entry is not None and entry.version == stamp.version:
            return entry.value
        return self._compute(key, stamp.version, lambda: compute(store))

    def served(
        self, store: Store, kind: str, params: Hashable, compute: Callable[[Store], T], *, borrow: Borrow, min_refresh_s: float = 0.0
    ) -> Served[T]:
        """The latest result at once, recomputing in the background when the data moved on; only
        the first request for a key waits. `borrow` lends the recompute a store of its own.
        Recomputes are paced: not before `min_refresh_s`, nor before `REFRESH_PACE` times the
        last computation's cost, have passed since the last result landed."""
        stamp = _stamp(store)
        if stamp is None:
            return Served(compute(store), 0, 0)
        key = (stamp.store, kind, params, thresholds_key())
        entry = self._get(key)
        if entry is None:
            value = self._compute(key, stamp.version, lambda: compute(store))
            entry = self._get(key)
            pages = entry.pages if entry is not None and entry.value is value else {}
            return Served(value, stamp.version, stamp.version, pages)
        if entry.version < stamp.version:
            wait = max(min_refresh_s, REFRESH_PACE * entry.cost)
            if time.monotonic() - entry.ready_at >= wait:
                self._refresh(key, compute, borrow)
        return Served(entry.value, entry.version, max(stamp.version, entry.version), entry.pages)

    # -- housekeeping ---------------------------------------------------------------------------

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def wait(self, timeout: float | None = None) -> None:
        """Until the background recomputes started so far are done (for tests and shutdown)."""
        with self._lock:
            pending = list(self._refreshing.values())
        for future in pending:
            future.exception(timeout)

    def __len__(self) -> int:
        return len(self._entries)

    # -- internals ------------------------------------------------------------------------------

    def _get(self, key: Key) -> _Entry | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
            return entry

    def _put(self, key: Key, version: int, value: Any, cost: float = 0.0) -> None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and entry.version > version:
                return  # a newer result landed first: keep it
            self._entries[key] = _Entry(version, value, time.monotonic(), cost)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def _compute(self, key: Key, version: int, compute: Callable[[], T]) -> T:
        """Compute once per (key, version): concurrent callers wait for the first one's result.
        The result is filed under the version read before computing; a write that lands
        meanwhile makes the next call compute again, so nothing stale is kept as current."""
        with self._lock:
            running = self._running.get((key, version))
            owner = running is None
            if owner:
                running = self._running[(key, version)] = Future()
        assert running is not None
        if not owner:
            return running.result()
        began = time.monotonic()
        try:
            value = compute()
        except BaseException as exc:
            running.set_exception(exc)
            raise
        else:
            self._put(key, version, value, time.monotonic() - began)
            running.set_result(value)
            return value
        finally:
            with self._lock:
                self._running.pop((key, version), None)

    def _refresh(self, key: Key, compute: Callable[[Store], Any], borrow: Borrow) -> None:
        with self._lock:
            if key in self._refreshing:
                return
            if self._executor is None:
                self._executor = ThreadPoolExecutor(self._refresh_workers, thread_name_prefix="wiretrail-report")
            context = contextvars.copy_context()  # the request's thresholds, for the recompute
            self._refreshing[key] = self._executor.submit(context.run, self._recompute, key, compute, borrow)

    def _recompute(self, key: Key, compute: Callable[[Store], Any], borrow: Borrow) -> None:
        try:
            with borrow() as store:
                stamp = _stamp(store)
                if stamp is None or stamp.store != key[0]:
                    return  # the pool now opens another store (its file was replaced)
                entry = self._get(key)
                if entry is None or entry.version < stamp.version:
                    self._compute(key, stamp.version, lambda: compute(store))
        except Exception:
            log.exception("report %s: background recompute failed; serving the last result", key[1])
        finally:
            with self._lock:
                self._refreshing.pop(key, None)


def thresholds_key() -> Thresholds:
    """The thresholds in effect, without the rest of a `Settings` installed as them (paths and
    tokens change no report, and may not hash)."""
    values = thresholds()
    return values if type(values) is Thresholds else only_thresholds(values)


def _stamp(store: Store) -> DataStamp | None:
    stamp = getattr(store, "data_stamp", None)
    return stamp() if stamp is not None else None


REPORTS = ReportCache()  # the process's cache: keyed by store, so every store and app can share it
