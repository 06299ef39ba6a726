"""The per-partition task a Dask worker runs: read, then `pipeline.analyze_batch` — the same
per-document work `wiretrail ingest` does — then write the results and index keys to Parquet."""

from __future__ import annotations

import pickle
import time
from dataclasses import dataclass, field, replace
from itertools import islice
from pathlib import Path

import pyarrow as pa

from ..model import AnalyzedDocument, Failure
from ..pipeline import analyze_batch
from .partitions import Partition, read_partition
from .rss import peak_rss_mb
from .tables import ANALYZED, KEYS, write_atomic
from ..thresholds import DEFAULT, Thresholds, thresholds, using

PICKLE_PROTOCOL = 5


@dataclass(frozen=True, slots=True)
class AnalyzeOptions:
    model: str = "auto"
    extract: bool = True
    max_bytes: int = 50 * 1024 * 1024
    batch_size: int = 64  # documents per spaCy batch, as in ingest
    thresholds: Thresholds = DEFAULT  # the run's, sent to every worker


@dataclass(slots=True)
class PartitionSummary:
    """What a finished partition reports back to the client (small: no text)."""

    id: str
    path: str
    documents: int = 0
    words: int = 0
    failures: list[tuple[str, str, str]] = field(default_factory=list)  # (source, stage, error)
    seconds: float = 0.0
    peak_rss_mb: float = 0.0  # of the worker process, so far


def analyzed_path(work: Path, part_id: str) -> Path:
    return work / "analyzed" / f"{part_id}.parquet"


def keys_path(work: Path, part_id: str) -> Path:
    return work / "keys" / f"{part_id}.parquet"


def text_keys(analyzed: AnalyzedDocument) -> set[int]:
    """The keys the store indexes for this document's text and that matching looks up: exact
    and LSH band keys of sentences long enough to match, and passage keys. Two documents that
    share none of them can have no lexical link. (The key files also carry the salient terms,
    flagged: rewrites are looked for among documents sharing many of them.)"""
    keys: set[int] = set()
    for f in analyzed.fingerprints:
        if f.n_tokens >= thresholds().provenance_min_match_tokens:
            keys.add(f.exact)
            keys.update(f.bands)
    keys.update(key for key, _ in analyzed.passages)
    return keys


def analyze_partition(part: Partition, work_dir: str, options: AnalyzeOptions) -> PartitionSummary:
    """Analyse one partition and write its files; bad documents become failures, not errors."""
    with using(options.thresholds):
        return _analyze_partition(part, work_dir, options)


def _analyze_partition(part: Partition, work_dir: str, options: AnalyzeOptions) -> PartitionSummary:
    began = time.perf_counter()
    work = Path(work_dir)
    summary = PartitionSummary(part.id, part.path)
    seqs, ids, blobs, extras, key_rows, key_docs, key_terms = [], [], [], [], [], [], []
    items = read_partition(part, max_bytes=options.max_bytes)
    while chunk := list(islice(items, options.batch_size)):
        todo = [(seq, item) for seq, item in chunk if not isinstance(item, Failure)]
        summary.failures += [(f.source, f.stage, f.error) for _, f in chunk if isinstance(f, Failure)]
        results = analyze_batch([raw for _, raw in todo], model=options.model, extract=options.extract)
        for (seq, _), result in zip(todo, results):
            if isinstance(result, Failure):
                summary.failures.append((result.source, result.stage, result.error))
                continue
            doc_id = result.document.id
            seqs.append(seq)
            ids.append(doc_id)
            blobs.append(pickle.dumps(replace(result, extraction=None, story_features=()), protocol=PICKLE_PROTOCOL))
            extras.append(pickle.dumps((result.extraction, result.story_features), protocol=PICKLE_PROTOCOL))
            lexical = text_keys(result)
            for key in lexical | set(result.terms):
                key_rows.append(key)
                key_docs.append(doc_id)
                key_terms.append(key not in lexical)
            summary.documents += 1
            summary.words += len(result.document.text.split())
    write_atomic(pa.table({"key": key_rows, "doc_id": key_docs, "term": key_terms}, schema=KEYS), keys_path(work, part.id))
    # the results last: their file is what marks the partition done
    write_atomic(pa.table({"seq": seqs, "doc_id": ids, "blob": blobs, "extra": extras}, schema=ANALYZED), analyzed_path(work, part.id))
    summary.seconds = time.perf_counter() - began
    summary.peak_rss_mb = peak_rss_mb()
    return summary
