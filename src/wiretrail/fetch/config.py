"""How the fetcher behaves: limits and manners, each with its reason."""

from __future__ import annotations

from dataclasses import dataclass

from .. import __version__ as _version
from ..settings import Settings

DEFAULT_USER_AGENT = f"wiretrail/{_version} (news monitoring for analysts; +https://github.com/wiretrail)"
MAX_BACKOFF_S = 60.0  # never wait longer than this between attempts, whatever Retry-After says


@dataclass(frozen=True, slots=True)
class FetchConfig:
    user_agent: str = DEFAULT_USER_AGENT
    timeout_s: float = 20.0
    """Connect, read and write timeout per request: a news page that has not answered in 20 s
    will not answer in a polling cycle either."""
    attempts: int = 3
    """Tries per request for timeouts, connection errors, 429 and 5xx; other statuses fail at once."""
    backoff_s: float = 1.0
    """Wait before the second try; doubled for each further one (1 s, 2 s, 4 s ...)."""
    host_delay_s: float = 1.0
    """At least this long between two requests to one host: polite to small sites, and a
    polling cycle over 200 feeds spreads across hosts anyway."""
    max_redirects: int = 5
    """Redirects followed per request (browsers allow ~20; news URLs need one or two)."""
    max_bytes: int = 10 * 1024 * 1024
    """A body is cut off past this size while streaming: the longest live blog page is a few MB."""
    allow_private: bool = False
    """Fetch from private, link-local and loopback addresses (an intranet deployment)."""
    allow_loopback: bool = False
    """Fetch from 127.0.0.0/8 and ::1 only (tests and a local mirror)."""
    respect_robots: bool = True

    @classmethod
    def from_settings(cls, settings: Settings) -> FetchConfig:
        return cls(
            user_agent=settings.fetch_user_agent or DEFAULT_USER_AGENT,
            timeout_s=float(settings.fetch_timeout_s),
            attempts=settings.fetch_attempts,
            host_delay_s=settings.fetch_host_delay_ms / 1000,
            max_redirects=settings.fetch_max_redirects,
            max_bytes=settings.fetch_max_bytes,
            allow_private=settings.fetch_allow_private,
            allow_loopback=settings.fetch_allow_loopback,
        )
