"""Input readers: files, folders, tables, feeds and web archives to `RawDocument`s.

    paths -> files.py (walk, pick a reader, guard sizes)
          -> text.py | html.py | tables.py (CSV, JSON Lines) | feeds.py | warc.py
          -> decode.py (every byte string becomes text here)

Every bad input becomes a `Failure` in the stream instead of an exception, so one broken file
never stops an ingest; only programming errors propagate. `read_html` and `decode_bytes` are
public for callers that hold bytes already (a fetcher, the HTTP API).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..model import Failure, RawDocument
from .decode import DecodedText, decode_bytes
from .files import iter_paths, read_path
from .html import read_html
from .stdin import STDIN_NAME, read_stdin

__all__ = ["DEFAULT_MAX_BYTES", "DecodedText", "decode_bytes", "iter_inputs", "read_html"]

log = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 50 * 1024 * 1024  # matches Settings.max_input_bytes


def iter_inputs(
    paths: Iterable[str | Path], *, max_bytes: int = DEFAULT_MAX_BYTES
) -> Iterator[RawDocument | Failure]:
    """One RawDocument per document under `paths` (a file, a table row, a feed entry, a WARC
    response), or a Failure per bad input, streamed in a deterministic order. The path `-` is standard input."""
    if max_bytes < 1:
        raise ValueError(f"max_bytes must be at least 1, not {max_bytes}")
    for path in iter_paths(paths):
        if path == STDIN_NAME:
            yield from read_stdin(max_bytes=max_bytes)
            continue
        if isinstance(path, Failure):
            yield path
            continue
        yield from read_path(path, max_bytes=max_bytes)
