"""The fetcher: one GET with every safeguard a polling crawler needs.

    1. canonical URL; scheme and address checked (private addresses refused), and the checked
       address pinned: the connection goes to it, never to a second DNS answer
    2. robots.txt of the origin (cached)
    3. politeness: wait for the host's turn
    4. GET with the stored ETag / Last-Modified; 304 means unchanged
    5. redirects followed by hand, each hop checked again (1-3), loops refused
    6. the body streamed and cut off past the size cap
    7. timeouts, connection errors, 429 and 5xx retried with exponential backoff

HTTP goes through an httpx transport, so tests hand in `httpx.MockTransport`; the address check
goes through a resolver, so unit tests never look up a real name.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

import httpx

from .config import MAX_BACKOFF_S, FetchConfig
from .errors import FetchError, FetchRefused, FetchTooLarge, HTTPStatusError, RedirectError
from .guard import Resolver, resolve
from .pinning import PinnedBackend, pinned_transport
from .politeness import HostThrottle
from .robots import ROBOTS_MAX_BYTES, RobotsCache
from .urls import DEFAULT_PORTS, canonical_url, origin

log = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
CHUNK_BYTES = 64 * 1024


@dataclass(frozen=True, slots=True)
class Validators:
    """What the server said identifies this version: sent back to ask "changed since?"."""

    etag: str | None = None
    last_modified: str | None = None

    def headers(self) -> dict[str, str]:
        out = {}
        if self.etag:
            out["If-None-Match"] = self.etag
        if self.last_modified:
            out["If-Modified-Since"] = self.last_modified
        return out


@dataclass(frozen=True, slots=True)
class FetchResult:
    url: str  # the canonical URL asked for
    final_url: str  # after redirects (canonical)
    status: int
    body: bytes = b""
    content_type: str = ""
    charset: str | None = None
    validators: Validators = Validators()
    fetched_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    redirects: tuple[str, ...] = ()

    @property
    def not_modified(self) -> bool:
        return self.status == 304


class Fetcher:
    """Fetches URLs politely and safely; one per polling loop (it keeps robots.txt and the
    per-host clock). Close it, or use it as a context manager."""

    def __init__(
        self,
        config: FetchConfig = FetchConfig(),
        *,
        transport: httpx.BaseTransport | None = None,
        resolver: Resolver = resolve,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.config = config
        self._sleep = sleep
        # the guard's resolution is the one connected to (DNS rebinding); a test's transport
        # makes no connections, so only the pre-flight check applies to it
        self._pins = PinnedBackend(resolver=resolver, allow_loopback=config.allow_loopback, allow_private=config.allow_private)
        self._client = httpx.Client(
            transport=transport or pinned_transport(self._pins),
            timeout=httpx.Timeout(config.timeout_s),
            follow_redirects=False,  # every hop is checked by hand
            headers={"User-Agent": config.user_agent, "Accept-Encoding": "gzip, deflate"},
            trust_env=False,  # a proxy from the environment would bypass the address check
        )
        self.throttle = HostThrottle(config.host_delay_s, sleep=sleep)
        self.robots = RobotsCache(config.user_agent, self._get_robots)

    # -- public -------------------------------------------------------------------------------

    def fetch(self, url: str, validators: Validators = Validators()) -> FetchResult:
        """GET `url` (following redirects); raises a `FetchError` naming the URL and the reason."""
        start = canonical_url(url)
        current, hops, seen = start, [], {start}
        while True:
            self._check(current)
            if self.config.respect_robots and not self.robots.allowed(origin(current), current):
                raise FetchRefused(current, "robots.txt disallows it for our user agent")
            response = self._request(current, validators if current == start else Validators())
            status, location, body, headers = response
            if status in REDIRECT_STATUSES and location:
                target = canonical_url(urljoin(current, location))
                if target in seen:
                    raise RedirectError(start, f"redirect loop: {' -> '.join([*hops, current, target])}")
                if len(hops) >= self.config.max_redirects:
                    raise RedirectError(start, f"more than {self.config.max_redirects} redirects (last to {target})")
                hops.append(current)
                seen.add(target)
                current = target
                continue
            if status == 304:
                return FetchResult(start, current, status, validators=validators, redirects=tuple(hops))
            if status >= 400:
                raise HTTPStatusError(current, status, f"HTTP {status}")
            content_type, charset = _content_type(headers.get("content-type", ""))
            return FetchResult(
                start, current, status, body, content_type, charset,
                Validators(headers.get("etag"), headers.get("last-modified")), redirects=tuple(hops),
            )  # fmt: skip

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- steps --------------------------------------------------------------------------------

    def _check(self, url: str) -> None:
        parts = urlsplit(url)
        self._pins.check_and_pin(url, parts.hostname or "", parts.port or DEFAULT_PORTS[parts.scheme])

    def _request(self, url: str, validators: Validators) -> tuple[int, str | None, bytes, httpx.Headers]:
        """One request with retries: (status, Location, body, headers)."""
        attempts = max(1, self.config.attempts)
        for attempt in range(1, attempts + 1):
            self.throttle.wait(urlsplit(url).netloc)
            try:
                with self._client.stream("GET", url, headers=validators.headers()) as response:
                    status = response.status_code
                    if status in RETRY_STATUSES and attempt < attempts:
                        wait = _retry_after(response.headers.get("retry-after"))
                        self._backoff(url, attempt, f"HTTP {status}", wait)
                        continue
                    if status in REDIRECT_STATUSES or status == 304 or status >= 400:
                        return status, response.headers.get("location"), b"", response.headers
                    body = read_capped(response, url, self.config.max_bytes)
                    return status, None, body, response.headers
            except httpx.TimeoutException as exc:
                reason = f"timed out after {self.config.timeout_s:g} s ({type(exc).__name__})"
            except httpx.TransportError as exc:
                reason = f"connection failed: {type(exc).__name__}: {exc}"
            if attempt == attempts:
                raise FetchError(url, f"{reason}, {attempts} attempts")
            self._backoff(url, attempt, reason, None)
        raise AssertionError("unreachable")  # the loop returns or raises

    def _backoff(self, url: str, attempt: int, reason: str, retry_after: float | None) -> None:
        wait = min(MAX_BACKOFF_S, retry_after if retry_after is not None else self.config.backoff_s * 2 ** (attempt - 1))
        log.info("%s: %s; attempt %d, retrying in %.1f s", url, reason, attempt, wait)
        self._sleep(wait)

    def _get_robots(self, site: str) -> tuple[int, bytes] | None:
        url = f"{site}/robots.txt"
        try:
            self._check(url)
            self.throttle.wait(urlsplit(url).netloc)
            with self._client.stream("GET", url, follow_redirects=True) as response:
                if response.status_code >= 300:
                    return response.status_code, b""
                return response.status_code, read_capped(response, url, ROBOTS_MAX_BYTES)
        except (httpx.HTTPError, FetchError) as exc:
            log.info("%s: %s", url, exc)
            return None


def read_capped(response: httpx.Response, url: str, cap: int) -> bytes:
    """The (decoded) body, refusing it as soon as it passes `cap`: a 1 GB body is never read whole."""
    declared = response.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > cap:
        raise FetchTooLarge(url, f"body of {int(declared):,} bytes is over the {cap:,}-byte cap (fetch_max_bytes)")
    chunks, size = [], 0
    for chunk in response.iter_bytes(CHUNK_BYTES):
        size += len(chunk)
        if size > cap:
            raise FetchTooLarge(url, f"body passed the {cap:,}-byte cap (fetch_max_bytes); cut off at {size:,} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _content_type(header: str) -> tuple[str, str | None]:
    kind, _, params = header.partition(";")
    charset = None
    for param in params.split(";"):
        name, _, value = param.strip().partition("=")
        if name.lower() == "charset" and value:
            charset = value.strip("\"' ")
    return kind.strip().lower(), charset


def _retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (a number or an HTTP date)."""
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())
