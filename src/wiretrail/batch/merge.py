"""Bringing a batch result into a store (`wiretrail load`), through the `Store` protocol only.

    - an empty store takes the result as the batch decided it: documents written in input
      order, their segments assigned to stories in input order in passes of STORY_PASS_UNITS
      (ingest makes a pass per batch: the same stories), then the matches and links
      the global dedup decided, streamed from its files in chunks
    - a store that already holds documents gets the new ones the way ingest adds them
      (`pipeline.store_results`): each batch matched against everything stored, links and
      stories updated, so old and new documents are linked to each other

Either way a document the store holds is skipped, so loading twice changes nothing.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice
from pathlib import Path

from ..gc_pause import without_collection
from ..model import AnalyzedDocument, Failure, Link, SentenceMatch
from ..report.export import link_from_record
from ..pipeline import IngestReport, pin_stored_values, resume_provenance, store_results
from ..stories.features import StoryFeatures
from ..stories.update import assign_units, resume_stories, story_units
from .dedup import decided_matches
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


PROVENANCE_ROWS = 50_000  # matches or links written per transaction: a batch's provenance is
# streamed from its files, never held whole (millions of matches at 20,000 documents)
STORY_PASS_UNITS = 1_000  # story units assigned per pass when a result is written fresh: a
# pass writes every story it changed, and the big stories change in every pass (units are
# assigned one by one in input order, so the stories are the same for any pass size)


@without_collection
def write_fresh(
    store,
    results: Iterable[AnalyzedDocument],
    failures: Sequence[Failure],
    matches: Iterable[SentenceMatch],
    links: Iterable[Link],
    *,
    batch_size: int,
    progress: LoadProgress | None = None,
) -> LoadReport:
    """Write a batch's documents and its decided provenance into a store that holds none of
    them; stories are assigned in input order, as ingest assigns them (in passes of
    STORY_PASS_UNITS units: the same stories as ingest's passes of a batch each). Matches
    and links are written in chunks; the documents leave the pending list only with the last,
    so a load stopped halfway leaves them pending and the next load matches them again.

    Runs with the cyclic collector paused (`gc_pause`): full collections walked the story
    state and the batch in hand: 146.0 -> 122.6 s for 10,000 generated documents paused;
    young objects are collected after each story pass instead."""
    report = LoadReport(failures=list(failures))
    added: list[str] = []
    pending_failures = list(failures)
    units: list[StoryFeatures] = []  # written, waiting in the store's queue for the next pass
    for chunk in _chunks(results, batch_size):
        written = store.write_batch(chunk, pending_failures)
        pending_failures = []
        new = set(written.added_ids)
        added.extend(written.added_ids)
        units.extend(story_units([d for d in chunk if d.document.id in new]))
        if len(units) >= STORY_PASS_UNITS:
            assign_units(store, units)
            units = []
            gc.collect(1)
        report.added += written.added
        report.existing += written.existing
        if progress:
            progress(report)
    assign_units(store, units)
    if pending_failures:
        store.write_batch([], pending_failures)
    for chunk in _chunks(matches, PROVENANCE_ROWS):
        store.write_provenance(chunk, [], [])
    for chunk in _chunks(links, PROVENANCE_ROWS):
        pairs = {(a, b) if a < b else (b, a) for a, b in ((l.from_doc, l.to_doc) for l in chunk)}
        store.write_provenance([], chunk, sorted(pairs))
        report.links += len(chunk)
    store.write_provenance([], [], [], done=added)
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
        links = (link_from_record(r) for r in read_rows(out / "links"))
        return write_fresh(store, ordered_results(work, parts), failures, decided_matches(work), links, batch_size=batch_size, progress=progress)

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
