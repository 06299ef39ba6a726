"""Fuzz target: WARC archives (wiretrail.ingest.warc). Run: .venv/bin/python fuzz/fuzz_warc.py -max_total_time=180"""

import gzip
import io

import atheris

with atheris.instrument_imports(include=["wiretrail"]):
    from wiretrail.errors import InputError
    from wiretrail.ingest.warc import iter_warc
    from wiretrail.model import Failure, RawDocument

from _harness import comparable, run

MAX_BYTES = 16 * 1024


def read(data: bytes) -> list:
    try:
        return list(iter_warc(io.BytesIO(data), source="fuzz", max_bytes=MAX_BYTES))
    except InputError as err:
        return [type(err).__name__]


def check(data: bytes) -> None:
    first = read(data)
    for item in first:
        assert isinstance(item, (RawDocument, Failure, str)), f"unexpected {item!r}"
    assert comparable(read(data)) == comparable(first), "iter_warc is not deterministic"


def _record(kind: str, uri: str, block: bytes, extra: str = "") -> bytes:
    head = (
        f"WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {uri}\r\nWARC-Date: 2024-12-02T10:15:00Z\r\n"
        f"WARC-Record-ID: <urn:uuid:{len(block):032x}>\r\n{extra}Content-Length: {len(block)}\r\n\r\n"
    )
    return head.encode() + block + b"\r\n\r\n"


def _response(uri: str, body: bytes, content_type: str = "text/html", headers: str = "") -> bytes:
    http = f"HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\n{headers}Content-Length: {len(body)}\r\n\r\n"
    return _record("response", uri, http.encode() + body, "Content-Type: application/http; msgtype=response\r\n")


PAGE = b"<html><body><p>The harbour bridge reopened after repairs, and the ferry will stop on Friday.</p></body></html>"
SEEDS = [
    _record("warcinfo", "", b"software: seed\r\n") + _response("https://e.x/a", PAGE),
    _response("https://e.x/t", b"Plain notes.\n", "text/plain; charset=utf-8"),
    _response("https://e.x/g", gzip.compress(PAGE), headers="Content-Encoding: gzip\r\n"),
]

if __name__ == "__main__":
    run("warc", check, SEEDS)
