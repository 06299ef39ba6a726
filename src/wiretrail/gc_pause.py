"""Work that allocates many long-lived objects runs with Python's cyclic garbage collector paused.

The collector runs a full collection after enough allocations, and a full collection walks
every object of the process: ~330,000 once spaCy and the rest of wiretrail are imported, more
while a batch's caches are full. Three kinds of work pay for this without making any cycles of
their own:

- reports: a cold briefing allocates ~130,000 objects that all live on (a ukraine-2022
  timeline: ~70,000 for its ~10,000 events, their reports and rows), enough for one or two
  full collections (~0.25 s each on this machine). Paused, the objects it made are looked at
  by the next collection after it; a one-shot command (`wiretrail brief`) exits first.
- a fresh load (`batch.merge.write_fresh`, the batch's serial assembly): collections walked
  the story state; paused, with the young generations collected after each story pass, the
  assembly of 10,000 generated documents took 122.6 s instead of 146.0, the same stories.
- a batch dedup task (`batch.dedup.decide`): collections walked the documents read so far and
  the provenance caches, a fifth of the task; paused, with a full collection after each batch
  of owners, a 10,000-member task took 160 s instead of 256-270, the same links.

Paused work nests (the briefing builds the timeline) and runs on several threads (the API's
background recomputes): the collector is paused while any of it runs, and enabled again only
if the first of it found it enabled.
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
