"""Properties of every reader on generated input: decoding, HTML, CSV/TSV, JSON Lines, feeds, WARC.

For any input a reader either returns documents and Failures or raises one of the documented
`WiretrailError`s (errors.py) -- never anything else; the same input gives the same result; and
one small input costs bounded CPU time. Example counts are kept small so the default run stays
fast; WIRETRAIL_SLOW=1 multiplies them (the fuzz targets in fuzz/ go much further).
"""

from __future__ import annotations

import gzip
import io
import os
import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wiretrail.errors import BinaryInput, EmptyInput, InputError, WiretrailError
from wiretrail.ingest.decode import decode_bytes
from wiretrail.ingest.feeds import iter_feed
from wiretrail.ingest.html import html_fragment_to_text, read_html
from wiretrail.ingest.tables import iter_csv, iter_jsonl
from wiretrail.ingest.warc import iter_warc
from wiretrail.model import Failure, RawDocument

SLOW = os.environ.get("WIRETRAIL_SLOW") == "1"
EXAMPLES = 400 if SLOW else 30  # per property; the slow run is the one to use after changing a reader
HTML_EXAMPLES = 100 if SLOW else 12  # trafilatura costs ~50 ms a page
# CPU seconds one generated input (< 4 KB) may take. Honest inputs take < 0.1 s; the margin is for
# a loaded machine. CPU time, not wall time, so other processes do not make it flaky.
MAX_CPU_S_PER_INPUT = 5.0
ROW_LIMIT = 2048  # bytes per CSV/JSON line in these tests, so the over-limit path is generated too

PROPERTY = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
HTML_PROPERTY = settings(max_examples=HTML_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _timed(call):
    """Run `call`, returning (result or the WiretrailError it raised, CPU seconds)."""
    start = time.process_time()
    try:
        result = call()
    except WiretrailError as err:
        result = err
    return result, time.process_time() - start


def _comparable(result):
    """A reader's output with each Failure's wall-clock `at` left out."""
    if isinstance(result, WiretrailError):
        return (type(result), str(result))
    return [(r.source, r.stage, r.error) if isinstance(r, Failure) else r for r in result]


def _check_reader_output(result) -> None:
    if isinstance(result, WiretrailError):
        assert isinstance(result, InputError), f"a reader raised {result!r}, not an InputError"
        assert result.source, "the error does not name its input"
        return
    for item in result:
        assert isinstance(item, (RawDocument, Failure)), f"a reader yielded {item!r}"
        if isinstance(item, RawDocument):
            assert item.text.strip(), f"{item.source}: a document without text"
        else:
            assert item.source and item.error, f"a Failure that does not say what failed: {item!r}"


# -- generators ---------------------------------------------------------------------------------

# Text that looks like news more often than random bytes do: words, numbers, punctuation, dates.
_TOKENS = st.sampled_from(
    ["the", "Kyiv", "said", "10,000", "troops", "on", "Friday", "3", "December", "2024", "09:01", ",", ".",
     '"', "“", "’", "\n", "\n\n", " ", "\t", "é", "ß", "Ж", "مرحبا", "🙂", "\x00", "\r\n", "\u200f", "<", ">", "&"]
)
news_text = st.lists(_TOKENS, max_size=60).map(" ".join) | st.text(max_size=400)
_TAGS = st.sampled_from(["p", "div", "span", "b", "table", "tr", "td", "h1", "article", "script", "style", "br", "html", "body", "head", "title", "meta"])


@st.composite
def markup(draw) -> str:
    """Tag soup: nested, unclosed and stray tags around news-like text."""
    parts = []
    for _ in range(draw(st.integers(0, 25))):
        tag = draw(_TAGS)
        kind = draw(st.integers(0, 3))
        parts.append(f"<{tag}>" if kind == 0 else f"</{tag}>" if kind == 1 else draw(news_text) if kind == 2 else f"<{tag} class='x' charset=\"{draw(st.sampled_from(['utf-8', 'latin-1', 'bogus']))}\">")
    return "".join(parts)


@st.composite
def csv_bytes(draw) -> bytes:
    header = draw(st.lists(st.sampled_from(["Date", "URL", "Title", "Text", "body", "", "x,y", '"q"']), max_size=5))
    rows = draw(st.lists(st.lists(news_text, max_size=5), max_size=6))
    lines = [",".join(header)] + [",".join(f'"{c}"' if draw(st.booleans()) else c for c in row) for row in rows]
    text = "\n".join(lines)
    encoding = draw(st.sampled_from(["utf-8", "utf-16", "cp1252"]))
    return text.encode(encoding, errors="replace")


@st.composite
def jsonl_bytes(draw) -> bytes:
    values = st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | news_text,
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(["text", "title", "url", "date", "authors", "x"]), inner, max_size=4),
        max_leaves=10,
    )
    import json

    lines = [json.dumps(draw(values)) if draw(st.booleans()) else draw(news_text) for _ in range(draw(st.integers(0, 6)))]
    return "\n".join(lines).encode("utf-8", errors="surrogatepass")


@st.composite
def feed_bytes(draw) -> bytes:
    items = "".join(
        f"<item><title>{draw(news_text)}</title><link>{draw(st.sampled_from(['https://e.x/a', '', 'javascript:x']))}</link>"
        f"<description>{draw(st.sampled_from(['', '<![CDATA[', '&lt;p&gt;']))}{draw(markup())}</description>"
        f"<pubDate>{draw(st.sampled_from(['Tue, 03 Dec 2024 10:00:00 GMT', '2024-12-03', 'never', '']))}</pubDate></item>"
        for _ in range(draw(st.integers(0, 3)))
    )
    root = draw(st.sampled_from(["rss", "feed", "rdf:RDF"]))
    cut = draw(st.sampled_from([None, 0.5, 0.9]))
    data = f'<?xml version="1.0"?><{root}><channel><title>Out</title>{items}</channel></{root}>'.encode("utf-8", "replace")
    return data[: int(len(data) * cut)] if cut else data


def _warc_record(uri: str, body: bytes, content_type: str, declared: int | None) -> bytes:
    http = f"HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nContent-Length: {len(body)}\r\n\r\n".encode() + body
    length = len(http) if declared is None else declared
    head = (
        f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: {uri}\r\nWARC-Date: 2024-12-02T10:15:00Z\r\n"
        f"WARC-Record-ID: <urn:uuid:{len(body):032x}>\r\nContent-Type: application/http; msgtype=response\r\n"
        f"Content-Length: {length}\r\n\r\n"
    )
    return head.encode() + http + b"\r\n\r\n"


@st.composite
def warc_bytes(draw) -> bytes:
    records = b"".join(
        _warc_record(
            "https://e.x/" + draw(st.text("abc", max_size=3)),
            draw(markup()).encode("utf-8", "replace") if draw(st.booleans()) else draw(st.binary(max_size=200)),
            draw(st.sampled_from(["text/html", "text/plain; charset=utf-8", "image/png", "text/html; charset=bogus"])),
            draw(st.sampled_from([None, None, 0, 10**6, 5])),
        )
        for _ in range(draw(st.integers(0, 3)))
    )
    cut = draw(st.sampled_from([None, None, 0.3, 0.95]))
    return records[: int(len(records) * cut)] if cut else records


# -- properties -------------------------------------------------------------------------------


@PROPERTY
@given(st.binary(max_size=2048) | news_text.map(lambda t: t.encode("utf-8", "surrogatepass")) | news_text.map(lambda t: t.encode("cp1252", "replace")))
def test_decode_gives_text_or_binary_input(data):
    result, cpu = _timed(lambda: decode_bytes(data, source="generated"))
    assert cpu < MAX_CPU_S_PER_INPUT
    if isinstance(result, WiretrailError):
        assert isinstance(result, BinaryInput), result
        return
    assert "\r" not in result.text
    again, _ = _timed(lambda: decode_bytes(data, source="generated"))
    assert again == result


@PROPERTY
@given(st.text(max_size=600))
def test_decoding_utf8_returns_the_text(text):
    """Valid UTF-8 is read back exactly (newlines normalised), unless it holds an early NUL."""
    data = text.encode("utf-8", "surrogatepass")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:  # lone surrogates: not UTF-8
        return
    result, _ = _timed(lambda: decode_bytes(data, source="generated"))
    if "\x00" in text[:1024] or text.startswith(("\ufeff", "\ufffe")):
        return  # binary by rule 2, or a BOM-like start
    assert not isinstance(result, WiretrailError), result
    assert result.text == text.replace("\r\n", "\n").replace("\r", "\n")


@HTML_PROPERTY
@given(markup() | st.binary(max_size=1024).map(lambda b: b.decode("latin-1")))
def test_read_html_gives_text_or_a_clear_error(page):
    data = page.encode("utf-8", "surrogatepass")
    result, cpu = _timed(lambda: read_html(data, source="generated.html"))
    assert cpu < MAX_CPU_S_PER_INPUT
    if isinstance(result, WiretrailError):
        assert isinstance(result, (EmptyInput, BinaryInput)), result
        assert "generated.html" in str(result)
        return
    assert result.text.strip() and "\r" not in result.text
    again, _ = _timed(lambda: read_html(data, source="generated.html"))
    assert again == result


@PROPERTY
@given(markup() | st.text(max_size=300))
def test_html_fragments_never_raise(fragment):
    first = html_fragment_to_text(fragment)
    assert html_fragment_to_text(fragment) == first
    assert first == first.strip()


@PROPERTY
@given(csv_bytes() | st.binary(max_size=1024), st.sampled_from([",", "\t"]))
def test_csv_rows_are_documents_or_failures(data, delimiter):
    read = lambda: list(iter_csv(io.BytesIO(data), source="generated.csv", max_bytes=ROW_LIMIT, delimiter=delimiter))  # noqa: E731
    result, cpu = _timed(read)
    assert cpu < MAX_CPU_S_PER_INPUT
    _check_reader_output(result)
    assert _comparable(_timed(read)[0]) == _comparable(result)


@PROPERTY
@given(jsonl_bytes() | st.binary(max_size=1024))
def test_jsonl_lines_are_documents_or_failures(data):
    read = lambda: list(iter_jsonl(io.BytesIO(data), source="generated.jsonl", max_bytes=ROW_LIMIT))  # noqa: E731
    result, cpu = _timed(read)
    assert cpu < MAX_CPU_S_PER_INPUT
    _check_reader_output(result)
    assert _comparable(_timed(read)[0]) == _comparable(result)
    for item in [] if isinstance(result, WiretrailError) else result:
        if isinstance(item, Failure):
            assert item.source.startswith("generated.jsonl"), f"a bad line not named by its row: {item}"


@PROPERTY
@given(feed_bytes() | st.binary(max_size=1024))
def test_feed_entries_are_documents_or_failures(data):
    read = lambda: list(iter_feed(data, source="generated.rss"))  # noqa: E731
    result, cpu = _timed(read)
    assert cpu < MAX_CPU_S_PER_INPUT
    _check_reader_output(result)
    assert _comparable(_timed(read)[0]) == _comparable(result)


@PROPERTY
@given(warc_bytes(), st.booleans())
def test_warc_records_are_documents_or_failures(data, compressed):
    stream_data = gzip.compress(data) if compressed else data

    def read():
        stream = gzip.GzipFile(fileobj=io.BytesIO(stream_data)) if compressed else io.BytesIO(stream_data)
        return list(iter_warc(stream, source="generated.warc", max_bytes=64 * 1024))

    result, cpu = _timed(read)
    assert cpu < MAX_CPU_S_PER_INPUT
    _check_reader_output(result)
    assert _comparable(_timed(read)[0]) == _comparable(result)
