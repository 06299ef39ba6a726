"""RSS and Atom feeds through feedparser: one RawDocument per entry.

feedparser gets the bytes in a file object, never a string: given a string it would fetch a URL
or open a local file of that name. Entity-expansion bombs ("billion laughs") are refused by the
XML parser (expat's amplification limit), and before that a DOCTYPE's internal subset, where
such entities are declared, is dropped; tests/test_ingest_feeds.py and
tests/test_hostile_inputs.py check that such feeds come back small and fast.
"""

from __future__ import annotations

import calendar
import io
import logging
import re
import time
from collections.abc import Iterator
from datetime import datetime, timezone

import feedparser

from ..errors import EmptyInput, MalformedInput
from ..model import DateOrigin, DatePrecision, Failure, RawDocument, Timestamp
from .html import HTML_MEDIA_TYPES, html_fragment_to_text
from .text import record_hash

log = logging.getLogger(__name__)

# A DOCTYPE's internal subset declares entities, and expat expands them until its amplification
# limit trips, which it checks only past 8 MiB of output: a 1 KB billion-laughs feed cost ~4 s of
# CPU and ~60 MB (tests/test_hostile_inputs.py). Feeds have no use for one; it is dropped, so its
# entities stay unexpanded text and the work is bounded by the file's size.
_INTERNAL_SUBSET = re.compile(rb"(<!DOCTYPE[^\[>]*)\[.*?\]\s*>", re.IGNORECASE | re.DOTALL)


def iter_feed(data: bytes, *, source: str) -> Iterator[RawDocument | Failure]:
    """Entries of one feed document; an entry without text is a Failure named `source#entry=N`."""
    data = _INTERNAL_SUBSET.sub(rb"\1>", data, count=1)
    parsed = feedparser.parse(io.BytesIO(data), sanitize_html=True, resolve_relative_uris=True)
    if not parsed.entries:
        if parsed.bozo:
            raise MalformedInput(source, f"malformed feed: {parsed.get('bozo_exception')}")
        raise EmptyInput(source, "empty: the feed has no entries")
    if parsed.bozo:
        log.debug("%s: feed parsed leniently: %s", source, parsed.get("bozo_exception"))
    outlet = parsed.feed.get("title") or None
    for number, entry in enumerate(parsed.entries, 1):
        link = entry.get("link") or None
        text, media_type = _entry_text(entry)
        if not text.strip():
            yield Failure(link or f"{source}#entry={number}", "read", "feed entry has no text")
            continue
        title = (entry.get("title") or "").strip() or None
        yield RawDocument(
            source=link or f"{source}#entry={number}",
            text=text,
            media_type=media_type,
            url=link,
            title=title,
            published=_timestamp(entry, "published"),
            updated=_timestamp(entry, "updated"),
            authors=_authors(entry),
            outlet=outlet,
            content_sha=record_hash(link, title, text),
            encoding=parsed.get("encoding") or None,
        )


def _entry_text(entry: feedparser.FeedParserDict) -> tuple[str, str]:
    """The full content when the feed carries it, else the summary; HTML made plain text."""
    contents = [c for c in entry.get("content", []) if (c.get("value") or "").strip()]
    if contents:
        best = max(contents, key=lambda c: len(c["value"]))
        value, kind = best["value"], best.get("type", "text/plain")
    else:
        value = entry.get("summary") or ""
        kind = entry.get("summary_detail", {}).get("type", "text/plain")
    if kind in HTML_MEDIA_TYPES:
        return html_fragment_to_text(value), "text/html"
    return value.strip(), "text/plain"


def _timestamp(entry: feedparser.FeedParserDict, field: str) -> Timestamp | None:
    """feedparser's UTC struct_time; day precision when the feed's own string had no time.

    Read with dict.get: feedparser's own get() answers 'updated' with the published date.
    """
    parsed: time.struct_time | None = dict.get(entry, f"{field}_parsed")
    if not parsed:
        return None
    try:
        value = datetime.fromtimestamp(calendar.timegm(parsed), tz=timezone.utc)
    except (OverflowError, ValueError, OSError):  # a year no clock can hold
        return None
    if ":" not in (dict.get(entry, field) or ""):
        day = datetime(value.year, value.month, value.day)
        return Timestamp(day, DatePrecision.DAY, DateOrigin.FEED)
    return Timestamp(value, DatePrecision.MINUTE, DateOrigin.FEED)


def _authors(entry: feedparser.FeedParserDict) -> tuple[str, ...]:
    names = [a.get("name", "").strip() for a in entry.get("authors", []) if isinstance(a, dict)]
    names = [name for name in names if name]
    if not names and entry.get("author"):
        names = [entry["author"].strip()]
    return tuple(names)
