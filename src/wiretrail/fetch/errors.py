"""Why a fetch failed, as part of wiretrail's one exception tree (`wiretrail.errors`).

    WiretrailError
    └── FetchError            a URL could not be fetched; names the URL and the reason
        ├── FetchRefused      we will not fetch it: a private address, robots.txt, a bad scheme
        ├── FetchTooLarge     the body passed the size cap (cut off while streaming)
        ├── RedirectError     too many redirects, or a redirect loop
        └── HTTPStatusError   the server answered with an error status (after retries)

Timeouts and connection errors that outlast the retries are raised as `FetchError`.
"""

from __future__ import annotations

from ..errors import WiretrailError


class FetchError(WiretrailError):
    """A URL could not be fetched. `url` names it; the message says why."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason


class FetchRefused(FetchError):
    pass


class FetchTooLarge(FetchError):
    pass


class RedirectError(FetchError):
    pass


class HTTPStatusError(FetchError):
    def __init__(self, url: str, status: int, reason: str) -> None:
        super().__init__(url, reason)
        self.status = status
