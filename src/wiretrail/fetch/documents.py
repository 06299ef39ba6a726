"""A fetched body to `RawDocument`s: a feed gives one per entry, a page gives one.

Ids are made from the canonical URL and the extracted text, not the raw bytes: the same
article linked from two feeds (with different tracking parameters) is one document, and a page
whose markup changes (an ad, a token) while its text does not is no new version.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..errors import InputError
from ..ids import content_hash
from ..ingest.feeds import iter_feed
from ..ingest.html import read_html
from ..ingest.text import as_failure, record_hash
from ..model import Failure, RawDocument
from .client import FetchResult
from .errors import FetchError
from .urls import canonical_url

FEED_TYPES = frozenset(
    {"application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/xml", "text/xml", "application/feed+json"}
)
FEED_SNIFF_BYTES = 1024  # a feed says so in its first element; pages served as text/plain are rare
_FEED_ROOTS = (b"<rss", b"<feed", b"<rdf:rdf")


@dataclass(frozen=True, slots=True)
class Parsed:
    is_feed: bool
    documents: list[RawDocument]
    failures: list[Failure]


def is_feed(result: FetchResult) -> bool:
    if result.content_type in FEED_TYPES:
        return True
    head = result.body[:FEED_SNIFF_BYTES].lstrip().lower()
    return any(root in head for root in _FEED_ROOTS)


def parse_fetched(result: FetchResult) -> Parsed:
    """Feed entries or the page, with canonical URLs; a bad body is one Failure naming the URL."""
    try:
        if is_feed(result):
            return _feed(result)
        raw = read_html(result.body, source=result.final_url, url=result.final_url, charset=result.charset)
    except InputError as exc:
        return Parsed(False, [], [as_failure(exc)])
    raw = replace(raw, content_sha=content_hash(raw.text), fetched_at=result.fetched_at)
    return Parsed(False, [raw], [])


def _feed(result: FetchResult) -> Parsed:
    docs, failures = [], []
    for item in iter_feed(result.body, source=result.final_url):
        if isinstance(item, Failure):
            failures.append(item)
            continue
        url = item.url
        if url:
            try:
                url = canonical_url(url)
            except FetchError:
                url = item.url  # a feed may link to a non-http page; keep what it says
        docs.append(
            replace(item, url=url, source=url or item.source, fetched_at=result.fetched_at,
                    content_sha=record_hash(url, item.title, item.text))
        )  # fmt: skip
    return Parsed(True, docs, failures)
