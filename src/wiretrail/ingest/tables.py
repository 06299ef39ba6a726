"""CSV/TSV and JSON Lines: one RawDocument per row, streamed.

A table is never read whole: a 1 GB export streams row by row, so the size limit applies to each
line (and CSV field) instead of the file. A bad row is a Failure named `path#row=N` (N counts data
rows from 1; for JSON Lines it is the line number) and the rows after it are still read; a line
over the limit ends the file (a decompression bomb is one endless line).
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import logging
from collections.abc import Iterator, Mapping
from typing import BinaryIO

from ..errors import EmptyInput, InputTooLarge, MalformedInput
from ..model import DateOrigin, Failure, RawDocument
from .decode import CP1252_FALLBACK, MIXED_ENCODING, decode_bytes
from .text import parse_timestamp, record_hash

log = logging.getLogger(__name__)

ENCODING_SNIFF_BYTES = 64 * 1024  # the head the encoding of a streamed table is detected on

# Column (or JSON field) names for each field, matched case-insensitively, first match wins.
FIELDS = {
    "text": ("text", "body", "content", "article"),
    "title": ("title", "headline"),
    "url": ("url", "link"),
    "date": ("date", "published", "published_at", "pubdate", "datetime"),
}
AUTHOR_FIELDS = ("author", "authors", "byline")  # JSON Lines only: a string or a list of names

# Codecs that consume the byte-order mark the detector saw, when the stream is read again.
_BOM_CODECS = {
    "utf-8": "utf-8-sig",
    "utf-16-le": "utf-16",
    "utf-16-be": "utf-16",
    "utf-32-le": "utf-32",
    "utf-32-be": "utf-32",
}


class _LineTooLong(Exception):
    """Internal: a CSV line over the limit; the file cannot be resynchronised after it."""


def iter_csv(
    stream: BinaryIO, *, source: str, max_bytes: int, delimiter: str = ","
) -> Iterator[RawDocument | Failure]:
    """Rows of a CSV (or TSV) with a header naming a text column; `stream` must be seekable."""
    encoding = _sniff_encoding(stream, source=source)
    if encoding == MIXED_ENCODING:  # UTF-8 with windows-1252 stretches: read as decode_bytes did
        text_stream = io.TextIOWrapper(stream, encoding="utf-8", errors=CP1252_FALLBACK, newline="")
    else:
        text_stream = io.TextIOWrapper(stream, encoding=_BOM_CODECS.get(encoding, encoding), newline="")
    csv.field_size_limit(max_bytes)  # process-wide; the default 128 KiB cuts long articles
    reader = csv.reader(_capped_lines(text_stream, max_bytes), delimiter=delimiter)
    row_number = 0
    try:
        try:
            header = next(reader, None)
        except csv.Error as err:
            raise MalformedInput(source, f"malformed CSV header: {err}") from None
        if header is None:
            raise EmptyInput(source, "empty: no header row")
        columns = _columns(header, source=source)
        while True:
            try:
                row = next(reader)
            except StopIteration:
                if row_number == 0:
                    raise EmptyInput(source, "empty: a header and no rows") from None
                return
            except csv.Error as err:
                row_number += 1
                yield Failure(f"{source}#row={row_number}", "read", f"malformed CSV row: {err}")
                continue
            if not row:  # a blank line between rows
                continue
            row_number += 1
            if len(row) != len(header):
                error = f"expected {len(header)} columns, found {len(row)}"
                yield Failure(f"{source}#row={row_number}", "read", error)
                continue
            fields = {name: row[index] for name, index in columns.items()}
            yield _record(fields, source=source, row=row_number, encoding=encoding)
    except _LineTooLong:
        reason = f"a line after row {row_number} exceeds {max_bytes} bytes; rows after it not read"
        raise InputTooLarge(source, reason) from None
    except UnicodeDecodeError as err:
        reason = f"not {encoding} after row {row_number} ({err.reason}); rows after it not read"
        raise MalformedInput(source, reason) from None


def iter_jsonl(stream: BinaryIO, *, source: str, max_bytes: int) -> Iterator[RawDocument | Failure]:
    """Objects of a JSON Lines file (UTF-8, as the format requires), one per line."""
    line_number = rows = 0
    while True:
        line = stream.readline(max_bytes + 1)
        if not line:
            if rows == 0:
                raise EmptyInput(source, "empty: no JSON lines")
            return
        line_number += 1
        row = f"{source}#row={line_number}"
        if len(line) > max_bytes and not line.endswith(b"\n"):  # no resync: it may be a bomb
            yield Failure(row, "read", f"line exceeds {max_bytes} bytes; lines after it not read")
            return
        if line_number == 1:
            line = line.removeprefix(codecs.BOM_UTF8)
        if not line.strip():
            continue
        rows += 1
        try:
            value = json.loads(line)
        except UnicodeDecodeError as err:
            yield Failure(row, "decode", f"not UTF-8 ({err.reason})")
            continue
        except json.JSONDecodeError as err:
            yield Failure(row, "read", f"invalid JSON ({err})")
            continue
        if not isinstance(value, dict):
            yield Failure(row, "read", f"expected a JSON object, found {type(value).__name__}")
            continue
        lowered = {str(key).lower(): item for key, item in value.items()}
        fields = {field: _first(lowered, names) for field, names in FIELDS.items()}
        bad = [name for name, item in fields.items() if item is not None and not isinstance(item, str)]
        if bad:
            yield Failure(row, "read", f"{', '.join(bad)} must be a string")
            continue
        authors = _authors(_first(lowered, AUTHOR_FIELDS))
        yield _record(fields, source=source, row=line_number, encoding="utf-8", authors=authors)


def _sniff_encoding(stream: BinaryIO, *, source: str) -> str:
    head = stream.read(ENCODING_SNIFF_BYTES)
    stream.seek(0)
    if not head.strip():
        raise EmptyInput(source, "empty: nothing but whitespace")
    return decode_bytes(head, source=source).encoding


def _capped_lines(stream: io.TextIOBase, max_bytes: int) -> Iterator[str]:
    """Lines of `stream`, each read with a bound: a file without newlines is not read whole."""
    while line := stream.readline(max_bytes + 1):
        if len(line) > max_bytes and not line.endswith(("\n", "\r")):
            raise _LineTooLong
        yield line


def _columns(header: list[str], *, source: str) -> dict[str, int]:
    """Which column holds text, title, url and date; unnamed columns (an index) are ignored."""
    names = [name.strip().lower() for name in header]
    found: dict[str, int] = {}
    for field, candidates in FIELDS.items():
        for candidate in candidates:
            if candidate in names:
                found[field] = names.index(candidate)
                break
    if "text" not in found:
        present = ", ".join(name for name in header if name.strip()) or "none"
        expected = ", ".join(FIELDS["text"])
        raise MalformedInput(source, f"no text column: found columns {present}; expected one of {expected}")
    return found


def _record(
    fields: Mapping[str, str | None],
    *,
    source: str,
    row: int,
    encoding: str,
    authors: tuple[str, ...] = (),
) -> RawDocument | Failure:
    text = (fields.get("text") or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        return Failure(f"{source}#row={row}", "read", "empty text")
    url = (fields.get("url") or "").strip() or None
    title = (fields.get("title") or "").strip() or None
    return RawDocument(
        source=url or f"{source}#row={row}",
        text=text,
        media_type="text/plain",
        url=url,
        title=title,
        published=parse_timestamp(fields.get("date"), origin=DateOrigin.METADATA),
        authors=authors,
        content_sha=record_hash(url, title, text),
        encoding=encoding,
    )


def _first(mapping: Mapping[str, object], names: tuple[str, ...]) -> object:
    for name in names:
        if mapping.get(name) is not None:
            return mapping[name]
    return None


def _authors(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        value = value.split(";")
    if not isinstance(value, list):
        return ()
    return tuple(name.strip() for name in value if isinstance(name, str) and name.strip())
