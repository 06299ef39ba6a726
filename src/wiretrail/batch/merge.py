"""Bringing a batch result into a store (`wiretrail load`), through the `Store` protocol only.

    - an empty store takes the result as the batch decided it: documents written in input
      order with the story pass after each batch (as ingest does), then the matches and links
      the global dedup decided, in one transaction
    - a store that already holds documents gets the new ones the way ingest adds them
      (`pipeline.store_results`): each batch matched against everything stored, links and
      stories updated, so old and new documents are linked to each other

Either way a document the store holds is skipped, so loading twice changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice
from pathlib import Path

from ..model import AnalyzedDocument, Failure, Link, Relation, SentenceMatch, SharedSpan
from ..pipeline import IngestReport, pin_stored_values, resume_provenance, store_results
from ..stories.update import resume_stories, update_stories
from .manifest import read_result
from .results import ordered_results
from .tables import read_rows


@dataclass(slots=True)
class LoadReport:
    added: int = 0
    existing: int = 0
    links: int = 0
    failures: list[Failure] = field(default_factory=list)  # inputs the batch could not read
    incremental: bool = False  # matched against documents the store held before


LoadProgress = Callable[[LoadReport], None]


def _chunks(items: Iterable, size: int) -> Iterator[list]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def write_fresh(
    store,
    results: Iterable[AnalyzedDocument],
    failures: Sequence[Failure],
    matches: Sequence[SentenceMatch],
    links: Sequence[Link],
    *,
    batch_size: int,
    progress: LoadProgress | None = None,
) -> LoadReport:
    """Write a batch's documents and its decided provenance into a store that holds none of
    them; stories are assigned batch by batch in input order, as ingest assigns them."""
    report = LoadReport(failures=list(failures))
    added: list[str] = []
    pending_failures = list(failures)
    for chunk in _chunks(results, batch_size):
        written = store.write_batch(chunk, pending_failures)
        pending_failures = []
        new = set(written.added_ids)
        added.extend(written.added_ids)
        update_stories(store, [d for d in chunk if d.document.id in new])
        report.added += written.added
        report.existing += written.existing
        if progress:
            progress(report)
    if pending_failures:
        store.write_batch([], pending_failures)
    pairs = {(a, b) if a < b else (b, a) for a, b in ((l.from_doc, l.to_doc) for l in links)}
    store.write_provenance(matches, links, sorted(pairs), done=added)
    report.links = len(links)
    return report


def load_batch(store, out: str | Path, *, batch_size: int = 64, progress: LoadProgress | None = None) -> LoadReport:
    """Merge the batch result in `out` into `store`; idempotent."""
    out = Path(out)
    description = read_result(out)
    # the result's fingerprints were made under these: refuse a store built under others
    pin_stored_values(store, description.get("pinned", {}))
    work = out / "_work"
    parts = description["partitions"]
    failures = [Failure(r["source"], r["stage"], r["error"], datetime.fromisoformat(r["at"])) for r in read_rows(out / "failures")]
    if store.counts().documents == 0:
        matches = [SentenceMatch(**r) for r in read_rows(work / "matches")]
        links = [_link(r) for r in read_rows(out / "links")]
        return write_fresh(store, ordered_results(work, parts), failures, matches, links, batch_size=batch_size, progress=progress)

    report = LoadReport(incremental=True)
    ingest_report = IngestReport()
    resume_provenance(store, ingest_report)  # documents a stopped load or ingest left unmatched
    resume_stories(store)
    known_failures = {(f.source, f.stage, f.error) for f in store.failures()}
    new_failures = [f for f in failures if (f.source, f.stage, f.error) not in known_failures]
    report.failures = failures
    for chunk in _chunks(ordered_results(work, parts), batch_size):
        known = store.known_ids([d.document.id for d in chunk])
        todo = [d for d in chunk if d.document.id not in known]
        report.existing += len(chunk) - len(todo)
        if todo or new_failures:
            store_results(store, todo, new_failures, ingest_report, None)
            new_failures = []
        report.added = ingest_report.added
        if progress:
            progress(report)
    if new_failures:
        store_results(store, [], new_failures, ingest_report, None)
    report.links = ingest_report.links
    return report


def _link(row: dict) -> Link:
    shared = tuple(SharedSpan(s["from_start"], s["from_end"], s["to_start"], s["to_end"]) for s in row["shared"])
    return Link(row["from_doc"], row["to_doc"], Relation(row["relation"]), row["score"], row["first"], shared)
