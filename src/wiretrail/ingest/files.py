"""Paths to readers: walk folders, pick a reader by extension (or by the first bytes), guard sizes.

Two kinds of input, two kinds of size limit:
- documents (text, HTML, feeds) are read whole, so a file (or its decompressed content) over
  `max_bytes` is refused before it is read;
- containers (CSV/TSV, JSON Lines, WARC) are streamed, so the limit applies to each row, line or
  record instead, and a 1 GB export still reads in constant memory.
"""

from __future__ import annotations

import enum
import gzip
import io
import logging
import os
import stat
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from dataclasses import dataclass
from typing import BinaryIO

from .. import plugins
from ..errors import BinaryInput, EmptyInput, InputError, InputTooLarge, MalformedInput
from ..model import Failure, RawDocument
from .feeds import iter_feed
from .html import read_html
from .tables import iter_csv, iter_jsonl
from .text import as_failure, read_text
from .warc import iter_warc

log = logging.getLogger(__name__)

SNIFF_BYTES = 4096  # enough to see past an XML declaration, a doctype and a comment or two
READ_CHUNK_BYTES = 1 << 20  # whole documents are read in chunks, never with one read(max_bytes)


class Kind(str, enum.Enum):
    """Which reader a file goes to."""

    TEXT = "text"
    HTML = "html"
    FEED = "feed"
    CSV = "csv"
    TSV = "tsv"
    JSONL = "jsonl"
    WARC = "warc"


STREAMED = frozenset({Kind.CSV, Kind.TSV, Kind.JSONL, Kind.WARC})
EXTENSIONS = {
    ".txt": Kind.TEXT,
    ".text": Kind.TEXT,
    ".html": Kind.HTML,
    ".htm": Kind.HTML,
    ".xhtml": Kind.HTML,
    ".rss": Kind.FEED,
    ".atom": Kind.FEED,
    ".csv": Kind.CSV,
    ".tsv": Kind.TSV,
    ".jsonl": Kind.JSONL,
    ".ndjson": Kind.JSONL,
    ".warc": Kind.WARC,
}
_FEED_ROOTS = (b"<rss", b"<feed", b"<rdf:rdf")
_BINARY_MAGIC = {  # formats often found beside news text that no text decoder should guess at
    b"%PDF-": "PDF",
    b"PK\x03\x04": "ZIP (or DOCX/XLSX)",
    b"\x89PNG": "PNG",
    b"\xff\xd8\xff": "JPEG",
    b"GIF8": "GIF",
}


def iter_paths(paths: Iterable[str | Path]) -> Iterator[str | Failure]:
    """Files under `paths` in a deterministic order: folders recursively, sorted, hidden names and
    files that are not news (NOT_NEWS_EXTENSIONS: READMEs, configs, images) skipped.

    Each file is named as the caller spelled its folder, so sources stay recognisable.
    """
    for given in paths:
        path = os.fspath(given)
        if path == "-":  # standard input: read by the caller, see stdin.py
            yield path
            continue
        try:
            mode = os.stat(path).st_mode
        except FileNotFoundError:
            yield Failure(path, "read", "no such file or directory")
            continue
        except OSError as err:
            yield Failure(path, "read", _os_reason(err))
            continue
        if stat.S_ISDIR(mode):
            yield from _walk(path)
        else:
            yield path


def read_path(path: str, *, max_bytes: int) -> Iterator[RawDocument | Failure]:
    """Every document in one file; a bad file (or row, entry, record) yields a Failure."""
    try:
        yield from _read(path, max_bytes=max_bytes)
    except InputError as err:
        yield as_failure(err)
    except OSError as err:
        yield Failure(path, "read", _os_reason(err))


def _walk(folder: str) -> Iterator[str | Failure]:
    """Depth first in name order, as a sorted listing of every path reads; symlinked folders are
    not followed (no cycles)."""
    try:
        with os.scandir(folder) as listing:
            entries = sorted((e for e in listing if not e.name.startswith(".")), key=lambda e: e.name)
    except OSError as err:
        yield Failure(folder, "read", _os_reason(err))
        return
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):
            yield from _walk(entry.path)
        elif entry.is_file() and not _is_project_file(entry.name):
            yield entry.path


# Found beside a corpus (its README, a gold file, a script, a picture) but never a news copy:
# skipped when walking a folder; a file named on the command line is still read.
NOT_NEWS_EXTENSIONS = frozenset(
    ".md .rst .toml .yaml .yml .ini .cfg .json .py .sh .js .css .png .jpg .jpeg .gif .svg .pdf .zip"
    " .db .sqlite .sqlite3 .db-wal .db-shm .db-journal".split()  # a store kept beside its inputs
)


def _is_project_file(name: str) -> bool:
    return os.path.splitext(name.lower().removesuffix(".gz"))[1] in NOT_NEWS_EXTENSIONS


def _read(path: str, *, max_bytes: int) -> Iterator[RawDocument | Failure]:
    size = os.stat(path).st_size
    if size == 0:
        raise EmptyInput(path, "empty: the file has no bytes")
    compressed = path.lower().endswith(".gz")
    reader = _reader_for(path, compressed)
    if reader.streamed:
        with _open(path, compressed) as stream:
            yield from read_with(reader, stream, source=path, max_bytes=max_bytes)
        return
    if size > max_bytes:
        raise InputTooLarge(path, f"file is {size} bytes, over the limit of {max_bytes} bytes")
    with _open(path, compressed) as stream:
        data = read_capped(stream, max_bytes + 1, path=path)
    if len(data) > max_bytes:
        raise InputTooLarge(path, f"decompressed size exceeds {max_bytes} bytes")
    yield from read_with(reader, io.BytesIO(data), source=path, max_bytes=max_bytes)


def read_with(reader: plugins.Reader, stream: BinaryIO, *, source: str, max_bytes: int) -> Iterator[RawDocument | Failure]:
    """A plugin reader's bug becomes a Failure naming the reader; the built-ins' errors pass as they are."""
    if isinstance(reader, BuiltinReader):
        yield from reader.read(stream, source=source, max_bytes=max_bytes)
        return
    try:
        yield from reader.read(stream, source=source, max_bytes=max_bytes)
    except InputError:
        raise
    except Exception as exc:  # a plugin's bug must not stop the batch
        log.debug("reader %s failed on %s", reader.name, source, exc_info=True)
        yield Failure(source, "read", f"reader {reader.name!r} failed: {type(exc).__name__}: {exc}")


def _read_streamed(
    kind: Kind, stream: BinaryIO, *, source: str, max_bytes: int
) -> Iterator[RawDocument | Failure]:
    try:
        if kind is Kind.WARC:
            yield from iter_warc(stream, source=source, max_bytes=max_bytes)
        elif kind is Kind.JSONL:
            yield from iter_jsonl(stream, source=source, max_bytes=max_bytes)
        else:
            delimiter = "\t" if kind is Kind.TSV else ","
            yield from iter_csv(stream, source=source, max_bytes=max_bytes, delimiter=delimiter)
    except (EOFError, gzip.BadGzipFile, zlib.error) as err:
        reason = f"corrupt gzip data ({err}); records before the damage were read"
        raise MalformedInput(source, reason) from None


def _kind(path: str, compressed: bool) -> Kind:
    """By extension (under a .gz); by the first bytes when the extension is unknown, none or .xml."""
    extension = os.path.splitext(path.lower().removesuffix(".gz"))[1]
    if extension in EXTENSIONS:
        return EXTENSIONS[extension]
    with _open(path, compressed) as stream:
        sniffed = _sniff(read_capped(stream, SNIFF_BYTES, path=path))
    if extension == ".xml":  # a feed, unless it is XHTML
        return Kind.HTML if sniffed is Kind.HTML else Kind.FEED
    return sniffed


def _reader_for(path: str, compressed: bool) -> plugins.Reader:
    """Built-in extensions first, then plugins' extensions; with neither, the first bytes: the
    built-in cascade (WARC, feed, HTML), then plugins' sniffers, then plain text."""
    extension = os.path.splitext(path.lower().removesuffix(".gz"))[1]
    registry = plugins.readers.plugins()
    if extension in EXTENSIONS or extension == ".xml":
        return builtin_reader(_kind(path, compressed))
    for loaded in registry.values():
        if extension and extension in loaded.obj.extensions:
            return loaded.obj
    with _open(path, compressed) as stream:
        head = read_capped(stream, SNIFF_BYTES, path=path)
    return reader_for_head(head)


def reader_for_head(head: bytes) -> plugins.Reader:
    """The reader for input known only by its first bytes (a file without a telling extension,
    standard input): the built-in cascade (WARC, feed, HTML), then plugins' sniffers, then text."""
    kind = _sniff(head)
    if kind is Kind.TEXT:
        for loaded in plugins.readers.plugins().values():
            if not isinstance(loaded.obj, BuiltinReader) and _sniffs(loaded.obj, head):
                return loaded.obj
    return builtin_reader(kind)


def _sniffs(reader: plugins.Reader, head: bytes) -> bool:
    try:
        return bool(reader.sniff(head))
    except Exception:  # a plugin's broken predicate says "not mine"
        log.warning("reader %s: sniff raised; skipped", reader.name, exc_info=True)
        return False


def builtin_reader(kind: Kind) -> plugins.Reader:
    """The registered reader for a built-in kind (so an installed one is used as a plugin would be)."""
    found = plugins.readers.plugins().get(kind.value)
    return found.obj if found is not None else BUILTIN_READERS[kind]


def _sniff(head: bytes) -> Kind:
    """What a file without a telling extension holds, from its first bytes."""
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith(b"warc/1."):
        return Kind.WARC
    if start.startswith(_FEED_ROOTS):
        return Kind.FEED
    if start.startswith(b"<?xml"):  # XHTML, or else a feed
        return Kind.HTML if b"<html" in start and not any(r in start for r in _FEED_ROOTS) else Kind.FEED
    if start.startswith(b"<") and b"<html" in start:  # a doctype or a comment may come first
        return Kind.HTML
    return Kind.TEXT


def _refuse_known_binary(data: bytes, *, path: str) -> None:
    for magic, name in _BINARY_MAGIC.items():
        if data.startswith(magic):
            raise BinaryInput(path, f"binary content, not text ({name})")


@contextmanager
def _open(path: str, compressed: bool) -> Iterator[BinaryIO]:
    with open(path, "rb") as raw:
        if not compressed:
            yield raw
            return
        with gzip.GzipFile(fileobj=raw, mode="rb") as stream:
            yield stream


def read_capped(stream: BinaryIO, size: int, *, path: str) -> bytes:
    """At most `size` bytes, read in chunks: a decompression bomb stops here, not in memory
    (and a small file does not cost a buffer of the full limit, as read(size) would)."""
    chunks, total = [], 0
    try:
        while total < size and (chunk := stream.read(min(READ_CHUNK_BYTES, size - total))):
            chunks.append(chunk)
            total += len(chunk)
    except (EOFError, gzip.BadGzipFile, zlib.error) as err:
        raise MalformedInput(path, f"corrupt gzip data ({err})") from None
    return b"".join(chunks)


def _os_reason(err: OSError) -> str:
    return (err.strerror or str(err)).lower()


@dataclass(frozen=True, slots=True)
class BuiltinReader:
    """One of wiretrail's own formats, as a `plugins.Reader` (registered in pyproject.toml)."""

    kind: Kind

    @property
    def name(self) -> str:
        return self.kind.value

    @property
    def extensions(self) -> tuple[str, ...]:
        return tuple(ext for ext, kind in EXTENSIONS.items() if kind is self.kind)

    @property
    def streamed(self) -> bool:
        return self.kind in STREAMED

    def sniff(self, head: bytes) -> bool:
        return self.kind is not Kind.TEXT and _sniff(head) is self.kind  # text is the fallback, never sniffed

    def read(self, stream: BinaryIO, *, source: str, max_bytes: int) -> Iterator[RawDocument | Failure]:
        if self.streamed:
            yield from _read_streamed(self.kind, stream, source=source, max_bytes=max_bytes)
            return
        data = stream.read()
        if self.kind is Kind.TEXT:
            _refuse_known_binary(data, path=source)
            yield read_text(data, source=source)
        elif self.kind is Kind.HTML:
            yield read_html(data, source=source)
        else:
            yield from iter_feed(data, source=source)


TEXT_READER = BuiltinReader(Kind.TEXT)
HTML_READER = BuiltinReader(Kind.HTML)
FEED_READER = BuiltinReader(Kind.FEED)
CSV_READER = BuiltinReader(Kind.CSV)
TSV_READER = BuiltinReader(Kind.TSV)
JSONL_READER = BuiltinReader(Kind.JSONL)
WARC_READER = BuiltinReader(Kind.WARC)
BUILTIN_READERS = {r.kind: r for r in (TEXT_READER, HTML_READER, FEED_READER, CSV_READER, TSV_READER, JSONL_READER, WARC_READER)}
