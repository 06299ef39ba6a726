"""robots.txt, read once per origin and kept for a while (urllib.robotparser).

Following RFC 9309: a robots.txt that does not exist (4xx) allows everything; one that cannot
be read (5xx, timeout, too large) disallows everything until the next try, since the site may
be saying "not now".
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.robotparser import RobotFileParser

log = logging.getLogger(__name__)

ROBOTS_TTL_S = 24 * 3600  # RFC 9309 lets crawlers cache robots.txt for up to 24 hours
ROBOTS_RETRY_S = 300  # an unreachable robots.txt is tried again after 5 minutes
ROBOTS_MAX_BYTES = 500 * 1024  # RFC 9309: crawlers must read at least 500 KiB


@dataclass(slots=True)
class _Entry:
    parser: RobotFileParser | None  # None: unreachable, everything disallowed for now
    allow_all: bool
    expires: float


# (origin) -> (status, body) or None when it could not be fetched at all
RobotsGetter = Callable[[str], "tuple[int, bytes] | None"]


class RobotsCache:
    def __init__(self, user_agent: str, get: RobotsGetter, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.user_agent = user_agent
        self._get = get
        self._clock = clock
        self._entries: dict[str, _Entry] = {}
        self._locks: dict[str, threading.Lock] = {}  # one per origin: each file is read once,
        self._locks_lock = threading.Lock()  # and a slow site does not hold up the others

    def allowed(self, origin: str, url: str) -> bool:
        with self._locks_lock:
            lock = self._locks.setdefault(origin, threading.Lock())
        with lock:
            entry = self._entries.get(origin)
            if entry is None or entry.expires <= self._clock():
                entry = self._load(origin)
                self._entries[origin] = entry
        if entry.allow_all:
            return True
        if entry.parser is None:
            return False
        return entry.parser.can_fetch(self.user_agent, url)

    def _load(self, origin: str) -> _Entry:
        now = self._clock()
        got = self._get(origin)
        if got is None:
            log.info("%s/robots.txt could not be read: disallowing for now", origin)
            return _Entry(None, False, now + ROBOTS_RETRY_S)
        status, body = got
        if 400 <= status < 500:
            return _Entry(None, True, now + ROBOTS_TTL_S)
        if status >= 500 or status < 200 or status >= 300:
            return _Entry(None, False, now + ROBOTS_RETRY_S)
        parser = RobotFileParser()
        parser.parse(body.decode("utf-8", "replace").splitlines())
        return _Entry(parser, False, now + ROBOTS_TTL_S)
