"""Reports are built with Python's cyclic garbage collector paused.

A report allocates tens of thousands of objects that all live on (a ukraine-2022 timeline:
~70,000 for its ~10,000 events, their reports and rows; a cold briefing ~130,000), which is what
makes the collector run a full collection: and a full collection walks every object of the
process, ~330,000 once spaCy and the rest of wiretrail are imported, ~0.25 s on this machine,
once or twice per cold briefing.
Paused, a report allocates at full speed; the objects it made are looked at by the next
collection after it. Reports make no reference cycles of their own, so nothing piles up
meanwhile; a one-shot command (`wiretrail brief`) exits before the next collection is due.

Builds nest (the briefing builds the timeline) and run on several threads (the API's
background recomputes): the collector is paused while any build runs, and enabled again only
if a build found it enabled.
"""

from __future__ import annotations

import functools
import gc
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")

_lock = threading.Lock()
_running = 0  # builds in progress, across threads
_paused_by_us = False  # whether the first of them disabled the collector (and the last enables it)


@contextmanager
def collection_paused() -> Iterator[None]:
    """The block runs with the cyclic collector disabled (unless something else disabled it)."""
    global _running, _paused_by_us
    with _lock:
        _running += 1
        if _running == 1 and gc.isenabled():
            gc.disable()
            _paused_by_us = True
    try:
        yield
    finally:
        with _lock:
            _running -= 1
            if _running == 0 and _paused_by_us:
                _paused_by_us = False
                gc.enable()


def without_collection(fn: Callable[P, T]) -> Callable[P, T]:
    """`fn` run under `collection_paused`."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        with collection_paused():
            return fn(*args, **kwargs)

    return wrapper
