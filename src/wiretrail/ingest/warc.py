"""WARC archives through fastwarc: one RawDocument per HTML or plain-text response.

Each response record is checked against its own Content-Length, so a file cut off mid-record is
reported (the records before the damage are still yielded); HTTP transfer and content encodings
are undone by fastwarc. Compressed archives are decompressed by the caller (Python's gzip reports
a truncated stream, which fastwarc's own reader passes over silently); `_StopAtDamage` turns the
decompression error into an end of data, so that fastwarc still parses what came before it.
"""

from __future__ import annotations

import gzip
import io
import logging
import zlib
from collections.abc import Iterator
from dataclasses import replace
from typing import BinaryIO

from fastwarc.warc import ArchiveIterator, WarcRecord, WarcRecordType

from ..errors import InputError, MalformedInput
from ..ids import content_hash
from ..model import Failure, RawDocument
from .decode import decode_bytes
from .html import HTML_MEDIA_TYPES, read_html
from .text import as_failure, require_text

log = logging.getLogger(__name__)

TEXT_MEDIA_TYPES = frozenset({"text/plain"})


def iter_warc(stream: BinaryIO, *, source: str, max_bytes: int) -> Iterator[RawDocument | Failure]:
    """HTML and plain-text responses of one (uncompressed) WARC stream."""
    records = responses = 0
    reader = _StopAtDamage(stream)
    archive = iter(ArchiveIterator(reader, parse_http=False, stream_detect=False))
    while True:
        try:
            record = next(archive, None)
        except (OSError, ValueError) as err:  # fastwarc could not parse what follows
            if records == 0:
                raise MalformedInput(source, f"not a WARC archive ({err})") from None
            yield Failure(source, "read", f"damaged WARC after {records} records: {err}")
            return
        if record is None:
            break
        records += 1
        if record.record_type != WarcRecordType.response:
            continue
        uri = record.headers.get("WARC-Target-URI") or f"{source}#record={records}"
        declared = (record.headers.get("Content-Length") or "").strip()
        if not declared.isdigit():
            yield Failure(uri, "read", "WARC record without a valid Content-Length: damaged archive")
            return
        if int(declared) > max_bytes:
            yield Failure(uri, "read", f"WARC record is {declared} bytes, over the limit of {max_bytes} bytes")
            continue
        record.freeze()
        block_length = len(record.reader.read())
        if block_length < int(declared):
            error = f"truncated WARC record: {block_length} of {declared} bytes; the archive ends here"
            yield Failure(uri, "read", error)
            return
        record.reader.seek(0)
        document = _response(record, uri=uri)
        if document is not None:
            responses += 1
            yield document
    if reader.damage is not None:
        error = f"corrupt compressed data after {records} WARC records ({reader.damage})"
        yield Failure(source, "read", error)
    elif records == 0:
        raise MalformedInput(source, "no WARC records found")
    elif responses == 0:
        yield Failure(source, "read", f"no HTML or plain-text responses among {records} WARC records")


def _response(record: WarcRecord, *, uri: str) -> RawDocument | Failure | None:
    """The document in one response record; None for responses that hold no text (images, redirects)."""
    try:
        record.parse_http(auto_decode="all", quirks_mode=True)
    except OSError as err:
        return Failure(uri, "read", f"bad HTTP response in WARC record: {err}")
    status = record.http_headers.status_code if record.http_headers is not None else None
    media_type = (record.http_content_type or "").lower()
    if status is None or not 200 <= status < 300 or media_type not in HTML_MEDIA_TYPES | TEXT_MEDIA_TYPES:
        log.debug("%s: skipped (HTTP %s, %s)", uri, status, media_type or "no content type")
        return None
    payload = record.reader.read()
    fetched_at = record.record_date
    try:
        if media_type in HTML_MEDIA_TYPES:
            document = read_html(payload, source=uri, url=uri, charset=record.http_charset)
            return replace(document, fetched_at=fetched_at)
        decoded = decode_bytes(payload, source=uri, declared=record.http_charset)
        require_text(decoded.text, source=uri)
    except InputError as err:
        return as_failure(err)
    return RawDocument(
        source=uri,
        text=decoded.text,
        media_type="text/plain",
        url=uri,
        fetched_at=fetched_at,
        content_sha=content_hash(payload),
        byte_length=len(payload),
        encoding=decoded.encoding,
        ends_mid_character=decoded.ends_mid_character,
    )


class _StopAtDamage(io.RawIOBase):
    """A stream that ends where its source fails to decompress, remembering why.

    read1 returns what each decompression step yields, so no data before the damage is lost.
    """

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream
        self._position = 0
        self.damage: Exception | None = None

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def tell(self) -> int:  # fastwarc asks where a record starts
        return self._position

    def readinto(self, buffer) -> int:
        if self.damage is not None:
            return 0
        try:
            data = self._stream.read1(len(buffer))
        except (EOFError, gzip.BadGzipFile, zlib.error) as err:
            self.damage = err
            return 0
        buffer[: len(data)] = data
        self._position += len(data)
        return len(data)
