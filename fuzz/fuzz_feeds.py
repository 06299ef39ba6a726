"""Fuzz target: RSS and Atom feeds (wiretrail.ingest.feeds). Run: .venv/bin/python fuzz/fuzz_feeds.py -max_total_time=180"""

import atheris

with atheris.instrument_imports(include=["wiretrail"]):
    from wiretrail.errors import InputError
    from wiretrail.ingest.feeds import iter_feed
    from wiretrail.model import Failure, RawDocument

from _harness import comparable, run


def read(data: bytes) -> list:
    try:
        return list(iter_feed(data, source="fuzz"))
    except InputError as err:
        return [type(err).__name__]


def check(data: bytes) -> None:
    first = read(data)
    for item in first:
        assert isinstance(item, (RawDocument, Failure, str)), f"unexpected {item!r}"
        if isinstance(item, RawDocument):
            assert item.text.strip(), "an entry without text became a document"
    assert comparable(read(data)) == comparable(first), "iter_feed is not deterministic"


SEEDS = [
    b'<?xml version="1.0"?><rss version="2.0"><channel><title>Out</title><item><title>T</title>'
    b"<link>https://e.x/a</link><description>&lt;p&gt;Body&lt;/p&gt;</description>"
    b"<pubDate>Tue, 03 Dec 2024 10:00:00 GMT</pubDate></item></channel></rss>",
    b'<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>A</title><content type="html">x</content>'
    b"<updated>2024-12-03</updated></entry></feed>",
]

if __name__ == "__main__":
    run("feeds", check, SEEDS)
