"""One polling cycle: fetch, parse, ingest, record versions, raise alerts.

    1. fetch every URL (a few at a time; each host at its own polite pace), sending the stored
       ETag / Last-Modified; a 304 ends that URL's work
    then, for each URL as soon as its fetch is done (while the others are still fetching):
    2. parse: a feed gives its entries, a page gives itself; canonical URLs, text-based ids
    3. skip pages whose text has not changed since the last fetch
    4. ingest what is left through the ordinary pipeline
    5. record each page's new version and which of its entries were added, edited or removed
    6. detect alerts on what is new (new documents, new and edited entries), store and deliver

Steps 2-6 run per source, not once per cycle, so an item's alert waits for its own source's
fetch and ingest (and those of the sources that finished just before it), never for the whole
cycle: with 200 feeds, the first alerts go out seconds into a cycle that takes minutes. The
price is smaller ingest batches (a source's items, not the cycle's), so a cycle over many
small feeds uses less of a process pool than one big ingest would.

A failed fetch or a bad body is recorded (store failures, the source's error count) and never
stops the cycle.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field, fields

import httpx

from ..alerts import Edit, Fresh, deliver_alerts, detect_alerts
from ..alerts.rules import NEW_STORY
from ..errors import WiretrailError
from ..model import Failure, RawDocument
from ..pipeline import IngestReport, ingest, raw_document_id
from ..settings import Settings
from ..store.base import Store
from ..store.sources import Alert, EntryChange, SourceTables
from .client import Fetcher, FetchResult, Validators
from .config import FetchConfig
from .documents import parse_fetched
from .urls import canonical_url
from .versions import diff_entries, entry_states

log = logging.getLogger(__name__)

FETCH_CONCURRENCY = 8  # requests in flight per cycle: 200 feeds on different hosts in ~25 rounds


@dataclass(slots=True)
class PollResult:
    """What polling one URL did. `documents` are new documents or new versions of pages."""

    url: str
    status: str  # ok | not-modified | error | skipped (a stop was asked for before its turn)
    documents: list[str] = field(default_factory=list)
    changes: list[EntryChange] = field(default_factory=list)
    error: str | None = None


@dataclass(slots=True)
class CycleReport:
    results: list[PollResult] = field(default_factory=list)
    alerts: list[Alert] = field(default_factory=list)
    ingest: IngestReport | None = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return all(r.status != "error" for r in self.results)


def source_tables(store: Store) -> SourceTables:
    tables = getattr(store, "sources", None)
    if tables is None:
        raise WiretrailError(f"store {type(store).__name__} does not keep sources (schema 11 is needed)")
    return tables


class Poller:
    """Polls URLs into one store. Keeps its fetcher (robots.txt cache, per-host clock) between
    cycles; close it when done."""

    def __init__(
        self,
        store: Store,
        *,
        settings: Settings = Settings(),
        fetcher: Fetcher | None = None,
        webhook_transport: httpx.BaseTransport | None = None,
        concurrency: int = FETCH_CONCURRENCY,
    ) -> None:
        self.store = store
        self.settings = settings
        self.tables = source_tables(store)
        self.fetcher = fetcher or Fetcher(FetchConfig.from_settings(settings))
        self.webhook_transport = webhook_transport
        self.concurrency = concurrency

    def close(self) -> None:
        self.fetcher.close()

    def __enter__(self) -> Poller:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- cycles -------------------------------------------------------------------------------

    def poll_sources(self, *, stop: threading.Event | None = None) -> CycleReport:
        """One cycle over every stored source; each source's status and counts are updated."""
        sources = self.tables.sources()
        report = self.poll([s.url for s in sources], stop=stop)
        by_url = {r.url: r for r in report.results}
        for source in sources:
            result = by_url.get(source.url)
            if result is not None and result.status != "skipped":
                self.tables.record_poll(source.id, status=result.status, items=len(result.documents), error=result.error)
        return report

    def poll(self, urls: Sequence[str], *, stop: threading.Event | None = None) -> CycleReport:
        """Fetch `urls` (pages or feeds) now and bring what changed into the store; each URL's
        new items are ingested, and their alerts delivered, as soon as its fetch is done."""
        started = time.monotonic()
        report = CycleReport()
        stories: set[str] | None = None  # story ids so far, read only when a rule wants new stories
        # 1. fetch (2-6 run for each URL as its fetch ends)
        for url, outcome in self._fetch_each(urls, stop):
            if isinstance(outcome, PollResult):
                report.results.append(outcome)
                continue
            result = PollResult(url, "not-modified" if outcome.not_modified else "ok")
            report.results.append(result)
            if not outcome.not_modified:
                stories = self._bring_in(result, outcome, report, stories)
            # validators are kept only once what they vouch for is stored: else a 304 would
            # hide a page that failed to ingest for ever
            if result.status in ("ok", "not-modified"):
                self.tables.save_validators(outcome.url, outcome.validators.etag, outcome.validators.last_modified)
        order = {url: i for i, url in enumerate(dict.fromkeys(urls))}
        report.results.sort(key=lambda r: order.get(r.url, len(order)))
        report.seconds = time.monotonic() - started
        return report

    # -- steps --------------------------------------------------------------------------------

    def _bring_in(self, result: PollResult, outcome: FetchResult, report: CycleReport, stories: set[str] | None) -> set[str] | None:
        """Steps 2-6 for one fetched URL. Returns the story ids known after it (None: not needed)."""
        # 2. parse
        parsed = parse_fetched(outcome)
        if parsed.failures:
            self.store.write_batch([], parsed.failures)
            if not parsed.documents:
                result.status, result.error = "error", parsed.failures[0].error
        # 3. skip unchanged pages
        todo = self._changed([(result, raw, parsed.is_feed) for raw in parsed.documents])
        if not todo:
            return stories
        rules = self.tables.rules()
        wants_stories = any(NEW_STORY in r.kinds for r in rules)
        if wants_stories and stories is None:
            stories = {s.id for s in self.store.story_tables.stories()}
        # 4. ingest
        report.ingest = _merged(report.ingest, ingest(self.store, [raw for _, raw in todo], settings=self.settings))
        # 5. versions
        fresh = self._record_versions(todo)
        # 6. alerts
        new_stories: set[str] = set()
        if wants_stories and stories is not None:
            now = {s.id for s in self.store.story_tables.stories()}
            new_stories, stories = now - stories, now
        report.alerts += self._alerts(fresh, new_stories)
        return stories

    def _fetch_each(self, urls: Sequence[str], stop: threading.Event | None) -> Iterator[tuple[str, FetchResult | PollResult]]:
        """Each URL's fetch result as soon as it is there (a few fetches in flight meanwhile)."""
        jobs = []
        for url in dict.fromkeys(urls):
            try:
                canonical = canonical_url(url)
            except WiretrailError as exc:
                jobs.append((url, None, PollResult(url, "error", error=str(exc))))
                continue
            jobs.append((url, Validators(*self.tables.validators(canonical)), None))

        def one(job: tuple) -> tuple[str, FetchResult | PollResult]:
            url, validators, done = job
            if done is not None:
                return url, done
            if stop is not None and stop.is_set():
                return url, PollResult(url, "skipped")  # stopping: the rest waits for the next run
            try:
                return url, self.fetcher.fetch(url, validators)
            except WiretrailError as exc:
                log.warning("%s", exc)
                return url, PollResult(url, "error", error=str(exc))

        def recorded(item: tuple[str, FetchResult | PollResult]) -> tuple[str, FetchResult | PollResult]:
            # recorded here, not in the fetching threads: the store's connection is not shared
            url, outcome = item
            if isinstance(outcome, PollResult) and outcome.status == "error":
                self.store.write_batch([], [Failure(url, "fetch", outcome.error or "")])
            return item

        if len(jobs) <= 1:
            for job in jobs:
                yield recorded(one(job))
            return
        pool = ThreadPoolExecutor(max_workers=self.concurrency)
        try:
            for future in as_completed([pool.submit(one, job) for job in jobs]):
                yield recorded(future.result())
        finally:
            pool.shutdown(wait=True, cancel_futures=True)  # an ingest error: fetches not started are dropped

    def _changed(self, pages: list[tuple[PollResult, RawDocument, bool]]) -> list[tuple[PollResult, RawDocument]]:
        """Pages whose text differs from their stored current version, each text once.

        A feed entry whose text is an earlier version of its page is skipped too: two feeds
        carrying one article with different summaries keep both, as two versions, instead of
        flipping the page between them every cycle. (A page fetched itself that reverts to an
        earlier text is a new version: the revert is news.)"""
        todo, seen = [], set()
        for result, raw, from_feed in pages:
            page, doc_id = raw.url or raw.source, raw_document_id(raw)
            if (page, doc_id) in seen:
                continue
            seen.add((page, doc_id))
            current = self.tables.page_doc(page)
            if current is not None and (current[0] == doc_id or (from_feed and self.tables.has_version(page, doc_id))):
                self.tables.touch_page(page)
                continue
            todo.append((result, raw))
        return todo

    def _record_versions(self, todo: list[tuple[PollResult, RawDocument]]) -> list[Fresh]:
        ids = {raw_document_id(raw) for _, raw in todo}
        stored = self.store.known_ids(ids)
        fresh = []
        for result, raw in todo:
            doc_id = raw_document_id(raw)
            if doc_id not in stored:  # the pipeline recorded why (store failures)
                result.status, result.error = "error", f"{raw.source}: not stored; see `wiretrail failures`"
                continue
            page = raw.url or raw.source
            document = self.store.document(doc_id)
            segments = list(self.store.segments(doc_id))
            previous = self.tables.current_entries(page)
            changes = diff_entries(previous, entry_states(document.text, segments), doc_id)
            self.tables.record_version(page, doc_id, raw.fetched_at or document.ingested_at, changes)
            result.documents.append(doc_id)
            result.changes += changes
            fresh.append(self._fresh(doc_id, segments, previous, changes))
        return fresh

    def _fresh(self, doc_id: str, segments: list, previous: dict[str, EntryChange], changes: list[EntryChange]) -> Fresh:
        if not previous:
            return Fresh(doc_id)
        by_index = {s.index: s for s in segments}
        spans, edits = [], []
        for change in changes:
            if change.segment_index is None:
                continue
            seg = by_index[change.segment_index]
            spans.append((seg.start, seg.end))
            before = previous.get(change.entry_key)
            if change.change == "edited" and before is not None and before.segment_index is not None:
                old = next((s for s in self.store.segments(before.doc_id) if s.index == before.segment_index), None)
                if old is not None:
                    edits.append(Edit((before.doc_id, old.start, old.end), (doc_id, seg.start, seg.end)))
        return Fresh(doc_id, tuple(spans), tuple(edits))

    def _alerts(self, fresh: list[Fresh], new_stories: set[str]) -> list[Alert]:
        rules = self.tables.rules()
        if not rules or not fresh:
            return []
        found = detect_alerts(self.store, fresh, rules, new_stories=new_stories)
        return deliver_alerts(self.tables, found, rules, transport=self.webhook_transport,
                              user_agent=self.fetcher.config.user_agent)  # fmt: skip


def _merged(total: IngestReport | None, more: IngestReport) -> IngestReport:
    """Two ingest reports as one: counts added, failures and warnings joined."""
    if total is None:
        return more
    for f in fields(IngestReport):
        value = getattr(total, f.name)
        setattr(total, f.name, value + getattr(more, f.name))
    return total


def watch(
    poller: Poller,
    *,
    every_s: float,
    stop: threading.Event,
    on_cycle: Callable[[CycleReport], None] = lambda report: None,
    max_cycles: int | None = None,
) -> int:
    """Poll every source each `every_s` seconds until `stop` is set (a signal handler sets it);
    the cycle under way finishes its fetches and its ingest first. Returns the cycles run."""
    cycles = 0
    while not stop.is_set():
        started = time.monotonic()
        try:
            on_cycle(poller.poll_sources(stop=stop))
        except WiretrailError as exc:  # a store or ingest error: this cycle is lost, the next may work
            log.error("polling cycle failed: %s", exc)
        cycles += 1
        if max_cycles is not None and cycles >= max_cycles:
            break
        stop.wait(max(0.0, every_s - (time.monotonic() - started)))
    return cycles
