"""Regression tests, one per fuzz finding (fuzz/): each input crashed its reader before the fix."""

from __future__ import annotations

import io
from datetime import date

from wiretrail.ingest.feeds import iter_feed
from wiretrail.ingest.html import html_fragment_to_text
from wiretrail.ingest.tables import iter_jsonl
from wiretrail.model import DateOrigin, RawDocument, SegmentKind, Timestamp
from wiretrail.segment import segment_document
from wiretrail.segment.stamps import parse_stamp_line


def _feed(description: str) -> bytes:
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Out</title><item><title>T</title>'
        f"<link>https://e.x/a</link><description>{description}</description></item></channel></rss>"
    ).encode()


def test_control_characters_in_a_feed_entry_are_dropped():
    """fuzz_feeds: lxml refused to set text holding C0 controls (ValueError out of iter_feed)."""
    assert html_fragment_to_text("<p>a\x01b</p>\x0c<p>c\x00d</p>") == "ab\ncd"
    (doc,) = iter_feed(_feed("&lt;p&gt;The bridge\x0b reopened.&lt;/p&gt;"), source="f.rss")
    assert isinstance(doc, RawDocument) and doc.text == "The bridge reopened."


def test_a_feed_entry_holding_a_whole_page_is_read():
    """fuzz_html: lxml's fragment parser asserts one <body> (AssertionError out of iter_feed)."""
    page = "<html><head><title>T</title></head><body><p>The bridge reopened.</p></body></html>"
    assert html_fragment_to_text(page) == "The bridge reopened."
    assert html_fragment_to_text("<p>a</p><body><p>b</p></body>") == "a\nb"
    (doc,) = iter_feed(_feed(page.replace("<", "&lt;").replace(">", "&gt;")), source="f.rss")
    assert doc.text.endswith("The bridge reopened.")  # feedparser's sanitiser keeps the <title> text


def test_a_date_with_an_impossible_year_is_ignored():
    """fuzz_jsonl: parsedate_to_datetime raised OverflowError for a 20-digit year."""
    line = b'{"text": "The bridge reopened.", "date": "Tue, 03 Dec 99999999999999999999 10:00:00 GMT"}\n'
    (doc,) = iter_jsonl(io.BytesIO(line), source="f.jsonl", max_bytes=1024)
    assert isinstance(doc, RawDocument) and doc.published is None and doc.text == "The bridge reopened."


def test_a_stamp_with_an_impossible_offset_is_no_stamp():
    """fuzz_stamps: 'GMT+99' parsed, then stamp_datetime raised ValueError and the blog failed."""
    for line in ("09:01 GMT+99", "3 December 2024 09:01 GMT+99", "09:01 ET+1", "2024-12-03 23:59+99:00"):
        assert parse_stamp_line(line) is None, line
    assert parse_stamp_line("09:01 GMT+2").zone == "GMT+2"
    blog = "Strikes hit the city\n3 December 2024 09:01 GMT+99\nText one.\n\nMore strikes\n08:40\nText two.\n\nLater\n08:10\nThree."
    result = segment_document("d", blog, published=Timestamp.from_date(date(2024, 12, 3), DateOrigin.HEADER))
    assert [s.kind for s in result.segments].count(SegmentKind.ENTRY) >= 2


def test_a_declared_charset_holding_a_nul_is_ignored():
    """fuzz_warc: codecs.lookup raised ValueError on an HTTP charset with a NUL in it."""
    from wiretrail.ingest.decode import decode_bytes, normalize_charset

    assert normalize_charset("utf\x00-8") is None
    assert decode_bytes("Zürich".encode("cp1252"), source="r", declared="latin\x001").text == "Zürich"
