"""Reading per-document results back from a batch directory, in the single-machine ingest order.

Results are pickled `AnalyzedDocument`s (the same objects `ingest` hands its process pool's
results in): read only batch directories you produced yourself.
"""

from __future__ import annotations

import pickle
from dataclasses import replace
from collections.abc import Iterator, Sequence
from pathlib import Path

import pyarrow.parquet as pq

from ..model import AnalyzedDocument
from .analyze import analyzed_path


def read_partition_results(
    work: Path, part_id: str, doc_ids: set[str] | None = None, *, extraction: bool = True
) -> list[tuple[int, AnalyzedDocument]]:
    """(seq, result) of one partition, optionally only those documents; without `extraction`,
    results come without their extraction and story features (unread: provenance needs neither)."""
    filters = [("doc_id", "in", sorted(doc_ids))] if doc_ids else None
    columns = ["seq", "blob", "extra"] if extraction else ["seq", "blob"]
    table = pq.read_table(analyzed_path(work, part_id), columns=columns, filters=filters)
    seqs, blobs = table["seq"].to_pylist(), table["blob"].to_pylist()
    if not extraction:
        return [(seq, pickle.loads(blob)) for seq, blob in zip(seqs, blobs)]
    out = []
    for seq, blob, extra in zip(seqs, blobs, table["extra"].to_pylist()):
        found, features = pickle.loads(extra)
        out.append((seq, replace(pickle.loads(blob), extraction=found, story_features=features)))
    return out


def document_order(work: Path, part_ids: Sequence[str]) -> Iterator[tuple[str, str, int]]:
    """(part id, doc id, seq) of each distinct document, first occurrence only, in input order.

    `part_ids` come in input order (file, then range), so this is the order `wiretrail ingest`
    would have met them in; a repeated document counts once, as ingest skips it."""
    seen: set[str] = set()
    for part_id in part_ids:
        table = pq.read_table(analyzed_path(work, part_id), columns=["seq", "doc_id"])
        for seq, doc_id in zip(table["seq"].to_pylist(), table["doc_id"].to_pylist()):
            if doc_id not in seen:
                seen.add(doc_id)
                yield part_id, doc_id, seq


def ordered_results(work: Path, part_ids: Sequence[str]) -> Iterator[AnalyzedDocument]:
    """Every distinct document's result in input order, one partition in memory at a time."""
    seen: set[str] = set()
    for part_id in part_ids:
        for _, analyzed in read_partition_results(work, part_id):
            if analyzed.document.id not in seen:
                seen.add(analyzed.document.id)
                yield analyzed
