"""Per-host politeness: at least `delay` between two requests to one host."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class HostThrottle:
    """Remembers when each host was last asked and makes the caller wait its turn.

    `clock` and `sleep` are injectable so tests can check the waits without waiting."""

    def __init__(
        self, delay_s: float, *, clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep
    ) -> None:
        self.delay_s = delay_s
        self._clock = clock
        self._sleep = sleep
        self._next: dict[str, float] = {}
        self._lock = threading.Lock()

    def wait(self, host: str) -> float:
        """Block until `host` may be asked again; returns the seconds waited."""
        with self._lock:
            now = self._clock()
            ready = self._next.get(host, now)
            wait = max(0.0, ready - now)
            self._next[host] = max(now, ready) + self.delay_s
        if wait > 0:
            self._sleep(wait)
        return wait
