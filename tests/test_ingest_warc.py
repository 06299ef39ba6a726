"""WARC archives, built byte by byte here: responses to documents, damage to Failures."""

from __future__ import annotations

import gzip
from datetime import datetime, timezone

from wiretrail.ingest import iter_inputs
from wiretrail.model import Failure, RawDocument

PARAGRAPHS = "".join(
    f"<p>Paragraph {n}: the harbour bridge reopened after repairs, and the ferry will stop on Friday.</p>"
    for n in range(4)
)


def _record(kind: str, uri: str, block: bytes, *, date: str = "2024-12-02T10:15:00Z", extra: str = "") -> bytes:
    head = (
        f"WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {uri}\r\nWARC-Date: {date}\r\n"
        f"WARC-Record-ID: <urn:uuid:{abs(hash((kind, uri))):032x}>\r\n{extra}Content-Length: {len(block)}\r\n\r\n"
    )
    return head.encode() + block + b"\r\n\r\n"


def _response(uri: str, body: bytes, *, content_type: str = "text/html", status: str = "200 OK", headers: str = "") -> bytes:
    http = f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\n{headers}Content-Length: {len(body)}\r\n\r\n"
    return _record("response", uri, http.encode() + body, extra="Content-Type: application/http; msgtype=response\r\n")


def _archive() -> list[bytes]:
    french = f"<html><body><p>{'Le maire a déclaré que le pont rouvrira après les réparations. ' * 4}</p></body></html>"
    return [
        _record("warcinfo", "", b"software: handmade\r\n"),
        _record("request", "https://courier.example/a", b"GET /a HTTP/1.1\r\nHost: courier.example\r\n\r\n"),
        _response("https://courier.example/a", f"<html><head><title>Bridge</title></head><body>{PARAGRAPHS}</body></html>".encode()),
        _response("https://courier.example/logo.png", b"\x89PNG\r\n\x1a\n\x00\x00", content_type="image/png"),
        _response("https://courier.example/gone", b"<html><body>Not found</body></html>", status="404 Not Found"),
        _response("https://courier.example/fr", french.encode("cp1252"), content_type="text/html; charset=windows-1252"),
        _response("https://courier.example/notes.txt", b"Plain notes from the council meeting.\n", content_type="text/plain; charset=utf-8"),
        _response("https://courier.example/gz", gzip.compress(PARAGRAPHS.encode()), headers="Content-Encoding: gzip\r\n"),
    ]


def _docs(items):
    return [i for i in items if isinstance(i, RawDocument)]


def test_responses_become_documents(tmp_path):
    path = tmp_path / "crawl.warc"
    path.write_bytes(b"".join(_archive()))
    items = list(iter_inputs([path]))
    assert not [i for i in items if isinstance(i, Failure)]
    assert [d.url for d in items] == [
        "https://courier.example/a",
        "https://courier.example/fr",
        "https://courier.example/notes.txt",
        "https://courier.example/gz",
    ]
    page, french, notes, gz = items
    assert page.source == page.url and page.title == "Bridge" and page.media_type == "text/html"
    assert page.text.split("\n")[0].startswith("Paragraph 0: the harbour bridge")
    assert page.fetched_at == datetime(2024, 12, 2, 10, 15, tzinfo=timezone.utc)
    assert "déclaré" in french.text and french.encoding == "cp1252"  # the HTTP charset honoured
    assert notes.text == "Plain notes from the council meeting.\n" and notes.media_type == "text/plain"
    assert gz.text == page.text  # Content-Encoding undone


def test_gzipped_warc(tmp_path):
    path = tmp_path / "crawl.warc.gz"
    path.write_bytes(b"".join(gzip.compress(record) for record in _archive()))  # a member per record
    assert len(_docs(iter_inputs([path]))) == 4


def test_truncated_warc_keeps_the_records_before_the_damage(tmp_path):
    data = b"".join(_archive())
    path = tmp_path / "cut.warc"
    path.write_bytes(data[: len(data) - 60])  # inside the last record's payload
    items = list(iter_inputs([path]))
    assert len(_docs(items)) == 3
    assert isinstance(items[-1], Failure) and "truncated WARC record" in items[-1].error
    assert items[-1].source == "https://courier.example/gz"


def test_truncated_gzipped_warc(tmp_path):
    data = b"".join(gzip.compress(record) for record in _archive())
    path = tmp_path / "cut.warc.gz"
    path.write_bytes(data[: len(data) - 40])
    items = list(iter_inputs([path]))
    assert len(_docs(items)) == 3
    assert isinstance(items[-1], Failure)


def test_a_record_over_the_limit_is_reported_and_skipped(tmp_path):
    big = _response("https://courier.example/big", b"<html><body><p>" + b"x " * 20_000 + b"</p></body></html>")
    path = tmp_path / "big.warc"
    path.write_bytes(big + b"".join(_archive()))
    items = list(iter_inputs([path], max_bytes=10_000))
    assert isinstance(items[0], Failure) and items[0].source == "https://courier.example/big"
    assert "over the limit of 10000 bytes" in items[0].error
    assert len(_docs(items)) == 4


def test_not_a_warc(tmp_path):
    (tmp_path / "junk.warc").write_bytes(b"this is not an archive\n" * 10)
    (failure,) = iter_inputs([tmp_path / "junk.warc"])
    assert isinstance(failure, Failure) and "not a WARC archive" in failure.error


def test_an_archive_without_pages_is_reported(tmp_path):
    (tmp_path / "img.warc").write_bytes(_archive()[3])
    (failure,) = iter_inputs([tmp_path / "img.warc"])
    assert "no HTML or plain-text responses" in failure.error


def test_extensionless_warc_is_sniffed(tmp_path):
    (tmp_path / "crawl").write_bytes(b"".join(_archive()))
    assert len(_docs(iter_inputs([tmp_path / "crawl"]))) == 4
