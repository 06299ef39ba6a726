"""Standard input as an input: `wiretrail ingest -`, so `curl ... | wiretrail ingest -` works.

A pipe has no name and no extension, so what it holds is read off its first bytes: JSON Lines
(one object per line, as `jq -c` writes), a WARC, a feed, HTML, or else plain text. Containers
stream in constant memory as files do; a single document is read whole under the size limit.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from typing import BinaryIO

from ..errors import EmptyInput, InputError, InputTooLarge
from ..model import Failure, RawDocument
from .feeds import iter_feed
from .files import SNIFF_BYTES, Kind, _read_capped, _read_streamed, _refuse_known_binary, _sniff
from .html import read_html
from .text import as_failure, read_text

STDIN_NAME = "-"  # the argument that means standard input, as for cat and curl
STDIN_SOURCE = "<stdin>"  # how documents read from it are named in reports and the store


def read_stream(stream: BinaryIO, *, source: str = STDIN_SOURCE, max_bytes: int) -> Iterator[RawDocument | Failure]:
    """Every document in an unnamed byte stream; a bad one yields a Failure, as files do."""
    try:
        yield from _read(stream if isinstance(stream, io.BufferedReader) else io.BufferedReader(stream), source, max_bytes)
    except InputError as err:
        yield as_failure(err)


def read_stdin(*, max_bytes: int) -> Iterator[RawDocument | Failure]:
    return read_stream(sys.stdin.buffer, max_bytes=max_bytes)


def _read(stream: io.BufferedReader, source: str, max_bytes: int) -> Iterator[RawDocument | Failure]:
    head = stream.peek(SNIFF_BYTES)[:SNIFF_BYTES]
    if not head:
        raise EmptyInput(source, "empty: nothing was written to standard input")
    kind = Kind.JSONL if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{") else _sniff(head)
    if kind in (Kind.JSONL, Kind.WARC):
        yield from _read_streamed(kind, stream, source=source, max_bytes=max_bytes)
        return
    data = _read_capped(stream, max_bytes + 1, path=source)
    if len(data) > max_bytes:
        raise InputTooLarge(source, f"more than {max_bytes} bytes; raise max_input_bytes or split the input")
    if kind is Kind.HTML:
        yield read_html(data, source=source)
    elif kind is Kind.FEED:
        yield from iter_feed(data, source=source)
    else:
        _refuse_known_binary(data, path=source)
        yield read_text(data, source=source)
