"""RSS and Atom feeds: a document per entry; malformed and hostile feeds."""

from __future__ import annotations

import time
import tracemalloc
from datetime import datetime, timezone
from pathlib import Path

from wiretrail.ingest import iter_inputs
from wiretrail.model import DateOrigin, DatePrecision, Failure, RawDocument

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>&lol9;</title>
<item><title>&lol9;</title><link>https://x.example/1</link><description>Text &lol9; here</description></item>
</channel></rss>
"""


def test_rss_entries():
    items = list(iter_inputs([FIXTURES / "feed.rss"]))
    first, second, empty = items
    assert isinstance(first, RawDocument) and isinstance(second, RawDocument)
    assert first.source == first.url == "https://courier.example/news/harbour-bridge-reopens"
    assert first.title == "Harbour bridge reopens after storm repairs"
    assert first.outlet == "The Lakeside Courier"
    assert first.authors == ("Mara Jovic",)
    assert first.updated is None  # the feed gives none (feedparser would answer with pubDate)
    assert first.published.value == datetime(2024, 12, 2, 9, 30, tzinfo=timezone.utc)
    assert (first.published.precision, first.published.origin) == (DatePrecision.MINUTE, DateOrigin.FEED)
    # full content preferred over the summary, HTML made text, one line per paragraph, no script
    assert first.text == (
        "The harbour bridge reopened to traffic on Monday morning after three weeks of repairs.\n"
        "Buses return to their usual routes from Tuesday."
    )
    assert second.text == "The town library will stay open until nine in the evening from December."
    assert isinstance(empty, Failure)
    assert (empty.source, empty.error) == ("https://courier.example/news/empty", "feed entry has no text")


def test_atom_entry():
    (entry,) = iter_inputs([FIXTURES / "feed.atom"])
    assert entry.title == "Ferry service to end on Friday"
    assert entry.authors == ("Tomas Brandt", "Ilse Marten")
    assert entry.published.value == datetime(2024, 12, 3, 7, 15, tzinfo=timezone.utc)
    assert entry.updated.value == datetime(2024, 12, 3, 10, 0, tzinfo=timezone.utc)
    assert entry.text.split("\n") == [
        "The temporary ferry will make its last crossing on Friday.",
        "Tickets bought in advance will be refunded.",
    ]
    assert entry.media_type == "text/html"


def test_xml_and_extensionless_feeds_are_sniffed(tmp_path):
    data = (FIXTURES / "feed.atom").read_bytes()
    (tmp_path / "wire.xml").write_bytes(data)
    (tmp_path / "wire").write_bytes(data)
    titles = [doc.title for doc in iter_inputs([tmp_path / "wire.xml", tmp_path / "wire"])]
    assert titles == ["Ferry service to end on Friday"] * 2


def test_entries_without_links_are_named_by_position(tmp_path):
    path = tmp_path / "f.rss"
    path.write_text('<rss version="2.0"><channel><title>T</title><item><description>Only text.</description></item></channel></rss>')
    (doc,) = iter_inputs([path])
    assert doc.source == f"{path}#entry=1" and doc.url is None


def test_a_date_without_time_is_day_precision(tmp_path):
    path = tmp_path / "f.atom"
    path.write_text(
        '<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title><entry><title>E</title>'
        "<published>2024-12-03</published><summary>Some text.</summary></entry></feed>"
    )
    (doc,) = iter_inputs([path])
    assert doc.published.isoformat() == "2024-12-03" and doc.published.precision is DatePrecision.DAY


def test_broken_and_empty_feeds_are_failures(tmp_path):
    (tmp_path / "broken.rss").write_text("<rss><channel><item><title>Unclosed")
    (tmp_path / "empty.rss").write_text('<rss version="2.0"><channel><title>Nothing yet</title></channel></rss>')
    broken, empty = iter_inputs([tmp_path / "broken.rss", tmp_path / "empty.rss"])
    assert isinstance(broken, Failure) and isinstance(empty, Failure)
    assert "no entries" in empty.error


def test_billion_laughs_is_neither_expanded_nor_slow(tmp_path):
    path = tmp_path / "lol.rss"
    path.write_text(BILLION_LAUGHS)
    tracemalloc.start()
    start = time.perf_counter()
    items = list(iter_inputs([path]))
    seconds = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert seconds < 2.0
    assert peak < 20 * 1024 * 1024  # expanded, lol9 alone is 3 GB
    for item in items:
        if isinstance(item, RawDocument):
            assert len(item.text) < 1_000 and len(item.title or "") < 1_000
