"""Per-client rate limits: a token bucket per client address, one for reads and one for writes.

A bucket holds `BURST_SECONDS` of allowance and refills at the configured rate, so a browser
opening a view (a handful of requests at once) is never held up while a script hammering the
server gets 429 with `Retry-After`. Writes (any method but GET, HEAD, OPTIONS) have their own,
stricter bucket: each runs the whole ingest pipeline. Requests count before authentication, so
the limit also slows token guessing.

The client is the socket's peer address: `X-Forwarded-For` is not trusted, since anyone can send
it. Behind a reverse proxy every user shares the proxy's bucket; raise the limits there (or set
them to 0 and limit at the proxy).

Plain ASGI, running on the event loop only (no locks needed).
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from starlette.types import ASGIApp, Receive, Scope, Send

BURST_SECONDS = 10  # a bucket holds this many seconds of allowance: a page load's burst passes
MAX_CLIENTS = 10_000  # buckets kept; past this, full (idle) buckets are dropped so memory stays bounded
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def clock() -> float:
    """Seconds on a monotonic clock; looked up at each request, so tests can replace it."""
    return time.monotonic()


@dataclass(slots=True)
class Bucket:
    tokens: float
    updated: float


class TokenBuckets:
    """Buckets of one kind (reads or writes), keyed by client address."""

    def __init__(self, per_minute: int, *, now: Callable[[], float] | None = None) -> None:
        self.rate = per_minute / 60.0  # tokens per second
        self.capacity = max(1.0, math.ceil(per_minute * BURST_SECONDS / 60))
        self.now = now or (lambda: clock())  # the module's clock, as it is at each request
        self.buckets: dict[str, Bucket] = {}

    def take(self, client: str) -> float:
        """0 when the request may go ahead (a token is spent), else the seconds to wait."""
        now = self.now()
        bucket = self.buckets.get(client)
        if bucket is None:
            if len(self.buckets) >= MAX_CLIENTS:
                self._prune(now)
            bucket = self.buckets[client] = Bucket(self.capacity, now)
        bucket.tokens = min(self.capacity, bucket.tokens + (now - bucket.updated) * self.rate)
        bucket.updated = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return 0.0
        return (1.0 - bucket.tokens) / self.rate

    def _prune(self, now: float) -> None:
        full_after = self.capacity / self.rate  # idle this long: the bucket is full, same as a new one
        self.buckets = {k: b for k, b in self.buckets.items() if now - b.updated < full_after}
        if len(self.buckets) >= MAX_CLIENTS:  # all busy: forget the oldest half rather than grow
            keep = sorted(self.buckets.items(), key=lambda kv: kv[1].updated)[MAX_CLIENTS // 2 :]
            self.buckets = dict(keep)


class RateLimit:
    """Answer 429 `{"error": ...}` with `Retry-After` (whole seconds) once a client's bucket is
    empty; a limit of 0 turns that kind of limit off."""

    def __init__(self, app: ASGIApp, *, per_minute: int, writes_per_minute: int) -> None:
        self.app = app
        self.reads = TokenBuckets(per_minute) if per_minute > 0 else None
        self.writes = TokenBuckets(writes_per_minute) if writes_per_minute > 0 else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        is_read = scope.get("method", "GET") in READ_METHODS
        buckets = self.reads if is_read else self.writes
        if buckets is not None:
            client = (scope.get("client") or ("unknown", 0))[0]
            wait = buckets.take(client)
            if wait > 0:
                await _refuse(send, wait, kind="requests" if is_read else "writes", per_minute=round(buckets.rate * 60))
                return
        await self.app(scope, receive, send)


async def _refuse(send: Send, wait: float, *, kind: str, per_minute: int) -> None:
    setting = "rate_limit_per_minute" if kind == "requests" else "write_rate_limit_per_minute"
    seconds = max(1, math.ceil(wait))
    message = f"too many {kind}: at most {per_minute} per minute per client (setting {setting}); retry in {seconds} s"
    body = json.dumps({"error": message}).encode()
    await send({"type": "http.response.start", "status": 429, "headers": [
        (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
        (b"retry-after", str(seconds).encode()),
    ]})  # fmt: skip
    await send({"type": "http.response.body", "body": body})
