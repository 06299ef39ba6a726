"""`wiretrail batch`: the whole run, top to bottom.

    1. plan: input files listed in ingest order; big tables and dumps split into ranges
    2. analyze: one Dask task per partition (`analyze.analyze_partition`), retried on failure;
       partitions a previous run finished are skipped (`manifest`)
    3. dedup: keys shuffled by key into each document's neighbours; tasks of consecutive
       documents decide the pairs whose later document they own (`dedup`)
    4. assemble: a scratch store filled the way `wiretrail load` fills an empty store, so that
       entities are made canonical and stories assigned by the store's own code, in input order
       (with the decided links; the sentence matches stay in the dedup step's files)
    5. export: every export table written as partitioned Parquet (`tables`)
"""

from __future__ import annotations

import logging
import os
import resource
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..model import AnalyzedDocument, Failure
from ..report.export import tables as export_tables
from ..settings import Settings
from ..thresholds import only_thresholds, stored_values, thresholds, using
from ..store import SQLiteStore
from . import manifest
from .analyze import AnalyzeOptions, PartitionSummary, analyze_partition, keys_path
from .cluster import close_client, open_client, owns_workers, preload_spacy, restart_without_spacy
from .dedup import OWNER_DOCS, clear_decided, decide, decided_links, index_keys_in, neighbour_rows, plan_tasks
from .merge import write_fresh
from .partitions import SPLIT_BYTES, Partition, count_documents, list_files, needs_count, split
from .results import document_order, ordered_results
from .rss import peak_rss_mb
from .tables import write_table

log = logging.getLogger(__name__)

RETRIES = 2  # a partition whose task fails (a worker killed, out of memory) is tried this much again


@dataclass(slots=True)
class BatchReport:
    partitions: int = 0
    skipped: int = 0  # finished by an earlier run
    documents: int = 0  # distinct documents in the result
    words: int = 0
    links: int = 0
    failures: list[Failure] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)  # per stage: analyze, dedup, assemble, export
    dedup_tasks: int = 0  # decision tasks, each deciding the pairs of its consecutive owners
    largest_task: int = 0  # documents (owners and their neighbours) in the biggest task's scratch store
    tables: dict[str, int] = field(default_factory=dict)  # rows per exported table
    # (worker name, process id) -> (peak RSS MB, CPU seconds) when last asked: a worker
    # restarted after analysis is two processes under one name
    processes: dict[tuple[str, int], tuple[float, float]] = field(default_factory=dict)
    # the largest worker peak when each stage ended (analyze; neighbours, the key shuffle that
    # starts the dedup; dedup): which stage set the peak. After a restart (`restarted`) the
    # peaks are the new processes': the neighbours' and dedup's exclude analysis
    peak_rss_mb_by_stage: dict[str, float] = field(default_factory=dict)
    restarted: bool = False  # the workers were restarted between analysis and dedup

    @property
    def ok(self) -> bool:
        return not self.failures

    @property
    def worker_peak_rss_mb(self) -> dict[str, float]:
        """Each worker's largest peak over its processes."""
        peaks: dict[str, float] = {}
        for (name, _), (peak, _) in self.processes.items():
            peaks[name] = max(peak, peaks.get(name, 0.0))
        return peaks

    @property
    def worker_cpu_s(self) -> dict[str, float]:
        """Each worker's CPU seconds, summed over its processes."""
        cpu: dict[str, float] = {}
        for (name, _), (_, seconds) in self.processes.items():
            cpu[name] = cpu.get(name, 0.0) + seconds
        return cpu


# (stage, done, total): stage is analyze | dedup | assemble | export
BatchProgress = Callable[[str, int, int], None]


def run_batch(
    inputs: Iterable[str | Path],
    out: str | Path,
    *,
    client=None,
    scheduler: str | None = None,
    local_workers: int = 2,
    settings: Settings = Settings(),
    progress: BatchProgress | None = None,
    split_bytes: int = SPLIT_BYTES,
    owner_docs: int = OWNER_DOCS,
) -> BatchReport:
    """Process `inputs` on a Dask cluster into a Parquet result in `out`; bad inputs are
    reported in the result, never fatal. Pass a `distributed.Client`, or a scheduler address,
    or get a local cluster of `local_workers` processes."""
    own_client = client is None
    if own_client:
        client = open_client(scheduler=scheduler, local_workers=local_workers)
    try:
        with using(settings):  # the client's own share of the work (assembling the result)
            return _run(client, list(inputs), Path(out), settings, progress or (lambda *_: None), split_bytes, owner_docs)
    finally:
        if own_client:
            close_client(client)


def _run(client, inputs, out: Path, settings: Settings, progress: BatchProgress, split_bytes: int, owner_docs: int) -> BatchReport:
    from distributed import as_completed

    report = BatchReport()
    work = out / "_work"
    work.mkdir(parents=True, exist_ok=True)
    (out / manifest.RESULT).unlink(missing_ok=True)  # until this run finishes, there is no result to load

    # 1. plan
    began = time.perf_counter()
    files, report.failures = list_files(inputs)
    big = [f for f in files if needs_count(f, split_bytes)]
    counts = client.gather(client.map(count_documents, [f.path for f in big], max_bytes=settings.max_input_bytes, pure=False))
    by_path = dict(zip((f.path for f in big), counts))
    parts: list[Partition] = []
    for f in files:
        parts.extend(split(f, by_path[f.path], split_bytes) if f.path in by_path else [f])
    report.partitions = len(parts)

    # 2. analyze
    done = manifest.finished(out)
    summaries: dict[str, PartitionSummary] = {p.id: done[p.id] for p in parts if p.id in done}
    report.skipped = len(summaries)
    todo = [p for p in parts if p.id not in done]
    options = AnalyzeOptions(settings.spacy_model, settings.extract, settings.max_input_bytes, settings.batch_size, only_thresholds(settings))
    progress("analyze", len(summaries), len(parts))
    if todo:
        preload_spacy(client, model=settings.spacy_model, extract=settings.extract)
    futures = client.map(analyze_partition, todo, work_dir=str(work), options=options, retries=RETRIES, pure=False)
    index = {f.key: p for f, p in zip(futures, todo)}
    for future in as_completed(futures):
        part = index[future.key]
        try:
            summary = future.result()
        except Exception as exc:  # failed after its retries: report it, finish the rest
            rng = "" if part.stop is None else f" (documents {part.start}-{part.stop - 1})"
            report.failures.append(Failure(part.path, "batch", f"partition{rng} failed after {RETRIES} retries: {type(exc).__name__}: {exc}"))
            continue
        manifest.record(out, summary)
        summaries[part.id] = summary
        progress("analyze", len(summaries), len(parts))
    finished_ids = [p.id for p in parts if p.id in summaries]
    for p in parts:
        if p.id in summaries:
            report.failures.extend(Failure(*f) for f in summaries[p.id].failures)
    report.words = sum(s.words for s in summaries.values())
    report.peak_rss_mb_by_stage["analyze"] = _sample_workers(client, report)
    report.seconds["analyze"] = time.perf_counter() - began
    if todo and owns_workers(client):
        began = time.perf_counter()
        restart_without_spacy(client)
        report.restarted = True
        report.seconds["restart"] = time.perf_counter() - began

    # 3. dedup
    began = time.perf_counter()
    located = list(document_order(work, finished_ids))
    report.documents = len(located)
    clear_decided(work)
    _dedup(client, work, located, finished_ids, settings.batch_size, owner_docs, report, progress)
    report.seconds["dedup"] = time.perf_counter() - began
    report.peak_rss_mb_by_stage["dedup"] = _sample_workers(client, report)

    # 4. assemble, 5. export
    began = time.perf_counter()
    scratch = work / "assemble.db"
    for stale in work.glob("assemble.db*"):
        stale.unlink()
    store = SQLiteStore(scratch, scratch=True)  # read here only, deleted after the export
    try:
        # no sentence matches: no export table reads them (`wiretrail load` reads the dedup
        # step's files), and writing them was a sixth of this serial stage (4.9M rows, 77 s
        # of 432 at 20,000 generated documents)
        assembled = write_fresh(
            store, _without_index(ordered_results(work, finished_ids)), report.failures, (), decided_links(work),
            batch_size=settings.batch_size, progress=lambda r: progress("assemble", r.added + r.existing, len(located)),
        )  # fmt: skip
        report.links = assembled.links
        report.seconds["assemble"] = time.perf_counter() - began
        began = time.perf_counter()
        tables = export_tables(store)
        for i, (name, records) in enumerate(tables.items()):
            report.tables[name] = write_table(out, name, records)
            progress("export", i + 1, len(tables) + 1)
        report.tables["failures"] = write_table(out, "failures", (_failure_record(f) for f in store.failures()))
    finally:
        store.close()
    for used in work.glob("assemble.db*"):  # the scratch store is as big as the corpus
        used.unlink()
    report.seconds["export"] = time.perf_counter() - began
    _sample_workers(client, report)
    manifest.write_result(out, {"pinned": stored_values(settings), "partitions": finished_ids, "documents": report.documents, "links": report.links, "tables": report.tables})
    return report


def _dedup(client, work: Path, located, finished_ids, batch_size: int, owner_docs: int, report: BatchReport, progress) -> None:
    """Run the decision tasks; each writes its matches and links to its own files (a task's
    result is only its counts: raised here if the task failed after its retries)."""
    from distributed import as_completed

    if not located:
        return
    ranks = {doc_id: rank for rank, (_, doc_id, _) in enumerate(located)}
    key_files = [str(keys_path(work, pid)) for pid in finished_ids]
    neighbours = neighbour_rows(client, key_files, ranks, batch_size=batch_size, owner_docs=owner_docs)
    report.peak_rss_mb_by_stage["neighbours"] = _sample_workers(client, report)
    # biggest first: a task's neighbours precede its owners, so the last tasks are the biggest,
    # and one of them started last kept a worker busy alone at the end
    planned = plan_tasks(located, neighbours, owner_docs=owner_docs)
    order = sorted(range(len(planned)), key=lambda t: len(planned[t]), reverse=True)
    report.dedup_tasks = len(planned)
    report.largest_task = max(len(t) for t in planned)
    progress("dedup", 0, len(planned))
    futures = client.map(
        decide, [planned[t] for t in order], order, work_dir=str(work), docs_per_batch=batch_size,
        thresholds=only_thresholds(thresholds()), retries=RETRIES, pure=False,
    )  # fmt: skip
    done = as_completed(futures)
    del futures  # a result stays in its worker's memory while a future points at it
    for i, future in enumerate(done, 1):
        future.result()
        future.release()
        progress("dedup", i, len(planned))


def _sample_workers(client, report: BatchReport) -> float:
    """Each worker process's peak RSS and CPU time so far, kept in the report under its
    worker's name (which a restarted worker keeps, not its address); returns the largest peak."""
    now = client.run(_process_usage).values()
    for name, pid, peak, cpu in now:
        report.processes[(name, pid)] = (peak, cpu)
    return max((peak for _, _, peak, _ in now), default=0.0)


def _process_usage(dask_worker) -> tuple[str, int, float, float]:
    """(worker name, process id, peak RSS MB, CPU seconds) of the worker process it runs in."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return str(dask_worker.name), os.getpid(), peak_rss_mb(), usage.ru_utime + usage.ru_stime


def _without_index(results: Iterable[AnalyzedDocument]) -> Iterator[AnalyzedDocument]:
    """Results as the scratch store needs them: it is read only by the export, never matched
    against (the dedup step decided the provenance), so the index keys (LSH bands, passages,
    salient and claim terms: most of the rows a document writes) are left out."""
    for analyzed in results:
        yield replace(index_keys_in(analyzed, ()), claim_terms=())


def _failure_record(failure: Failure) -> dict:
    return {"source": failure.source, "stage": failure.stage, "error": failure.error, "at": failure.at.isoformat()}

