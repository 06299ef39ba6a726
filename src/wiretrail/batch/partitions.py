"""Inputs cut into partitions: the unit of work a Dask task does, retries and skips on a rerun.

A file is one partition; a table or JSON Lines dump bigger than SPLIT_BYTES is cut into ranges
of its documents, so one big dump still spreads over the workers. WARC files stay whole (a
range would re-run HTML extraction on the records before it; archives come as many ~1 GB files).
"""

from __future__ import annotations

import hashlib
import math
import os
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from itertools import islice
from pathlib import Path

from ..ingest import iter_inputs
from ..ingest.files import iter_paths
from ..model import Failure, RawDocument

SPLIT_BYTES = 8 * 1024 * 1024  # a table or dump bigger than this is split: ~1,500 articles, a
# few minutes of one worker, short enough that a retry or a rerun loses little
SPLITTABLE = (".csv", ".tsv", ".jsonl", ".ndjson")  # row formats: a range is cheap to skip to
SEQ_FILE_SHIFT = 32  # seq = file ordinal << 32 | document index: the single-machine ingest order


@dataclass(frozen=True, slots=True)
class Partition:
    """Documents [start, stop) of one input file (stop None: to its end)."""

    ordinal: int  # the file's place in the input order
    path: str
    start: int = 0
    stop: int | None = None
    size: int = 0
    mtime_ns: int = 0

    @property
    def id(self) -> str:
        """Changes when the file or the range does, so a rerun redoes exactly what changed."""
        key = f"{self.path}\0{self.size}\0{self.mtime_ns}\0{self.start}\0{self.stop}"
        return f"{self.ordinal:06d}-" + hashlib.blake2b(key.encode(), digest_size=6).hexdigest()

    def to_dict(self) -> dict:
        return asdict(self)


def list_files(inputs: Iterable[str | Path]) -> tuple[list[Partition], list[Failure]]:
    """One whole-file partition per input file (folders searched recursively, in the order
    `wiretrail ingest` reads them), and a Failure per path that cannot be read."""
    files: list[Partition] = []
    failures: list[Failure] = []
    for item in iter_paths([str(p) for p in inputs]):
        if isinstance(item, Failure):
            failures.append(item)
        elif item == "-":
            failures.append(Failure("-", "read", "standard input cannot be partitioned; save it to a file"))
        else:
            st = os.stat(item)
            files.append(Partition(len(files), item, size=st.st_size, mtime_ns=st.st_mtime_ns))
    return files, failures


def needs_count(part: Partition, split_bytes: int = SPLIT_BYTES) -> bool:
    return part.size > split_bytes and part.path.lower().endswith(SPLITTABLE)


def count_documents(path: str, *, max_bytes: int) -> int:
    """Documents (and failed rows) a file yields: what a split is cut from. Runs on a worker."""
    return sum(1 for _ in iter_inputs([path], max_bytes=max_bytes))


def split(part: Partition, count: int, split_bytes: int = SPLIT_BYTES) -> list[Partition]:
    """`part` cut into about size / split_bytes ranges of equal document counts."""
    pieces = max(1, min(count, math.ceil(part.size / split_bytes)))
    per = math.ceil(count / pieces) if count else 1
    return [
        Partition(part.ordinal, part.path, start, min(start + per, count), part.size, part.mtime_ns)
        for start in range(0, max(count, 1), per)
    ]


def read_partition(part: Partition, *, max_bytes: int) -> Iterator[tuple[int, RawDocument | Failure]]:
    """(seq, document or failure) for each document of the partition, in input order."""
    items = iter_inputs([part.path], max_bytes=max_bytes)
    for index, item in enumerate(islice(items, part.start, part.stop), start=part.start):
        yield (part.ordinal << SEQ_FILE_SHIFT) | index, item
