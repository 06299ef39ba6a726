"""Following sources live: fetch feeds and pages politely and safely, keep pages' versions.

    urls.py        canonical URLs (tracking parameters, fragments, default ports dropped)
    guard.py       private, loopback and link-local addresses refused
    pinning.py     connections go to the address the guard checked (DNS rebinding)
    robots.py      robots.txt per origin; politeness.py: a delay per host
    client.py      the fetcher: conditional GET, retries, redirects, size cap (httpx transport seam)
    documents.py   a fetched body -> RawDocuments (feed entries or the page)
    versions.py    which entries of a page were added, edited, removed
    poll.py        one polling cycle, and `watch` that repeats it until stopped
"""

from .client import Fetcher, FetchResult, Validators
from .config import FetchConfig
from .errors import FetchError, FetchRefused, FetchTooLarge, HTTPStatusError, RedirectError
from .poll import CycleReport, Poller, PollResult, watch
from .urls import canonical_url

__all__ = [
    "CycleReport", "FetchConfig", "FetchError", "FetchRefused", "FetchResult", "FetchTooLarge", "Fetcher",
    "HTTPStatusError", "Poller", "PollResult", "RedirectError", "Validators", "canonical_url", "watch",
]  # fmt: skip
