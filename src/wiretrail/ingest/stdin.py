"""Standard input as an input: `wiretrail ingest -`, so `curl ... | wiretrail ingest -` works.

A pipe has no name and no extension, so what it holds is read off its first bytes: JSON Lines
(one object per line, as `jq -c` writes), or else what a file without a telling extension
would be read as (WARC, feed, HTML, a plugin's format, plain text), by the same readers. Containers
stream in constant memory as files do; a single document is read whole under the size limit.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from typing import BinaryIO

from ..errors import EmptyInput, InputError, InputTooLarge
from ..model import Failure, RawDocument
from .files import SNIFF_BYTES, Kind, read_capped, builtin_reader, read_with, reader_for_head
from .text import as_failure

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
    # `jq -c` output: JSON Lines, which a file would announce by its extension
    json_lines = head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{")
    reader = builtin_reader(Kind.JSONL) if json_lines else reader_for_head(head)
    if not reader.streamed:
        data = read_capped(stream, max_bytes + 1, path=source)
        if len(data) > max_bytes:
            raise InputTooLarge(source, f"more than {max_bytes} bytes; raise max_input_bytes or split the input")
        stream = io.BytesIO(data)
    yield from read_with(reader, stream, source=source, max_bytes=max_bytes)
