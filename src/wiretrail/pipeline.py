"""Per-document work and the streaming ingest that drives it.

Per-document work (`analyze_batch`) is a pure function of its inputs plus read-only resources
(the spaCy model): it runs in this process, in a process pool, or later on Dask workers
unchanged. `ingest` streams inputs through it in batches and writes each batch to the store in
one transaction, so memory stays flat however large the corpus is.

    inputs -> 1. read (ingest/) -> 2. skip known ids -> 3. clean -> 4. segment
           -> 5. sentences (spaCy) -> 6. fingerprints -> 7. write batch (store/)
           -> 8. match against the stored index, update links (provenance/)
"""

from __future__ import annotations

import logging
import os
import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from itertools import islice
from pathlib import Path
from time import perf_counter

from . import nlp
from .clean import clean_text
from .clean.boilerplate import is_furniture_line
from .extract.document import extract_document
from .errors import ConfigError
from .ids import content_hash, document_id
from .ingest import iter_inputs
from .language import detect_language, is_analysed
from .model import AnalyzedDocument, Document, Failure, RawDocument, Segment, SegmentKind, Sentence, Timestamp
from .provenance import update_provenance
from .provenance.fingerprints import fingerprint_sentences, passage_keys, passage_tokens
from .provenance.meaning import document_terms, terms_settings
from .segment import segment_document
from .segment.stamps import parse_stamp_line
from .settings import Settings
from .thresholds import Thresholds, only_thresholds, stored_values, thresholds, using
from .stories.features import segment_features
from .stories.update import resume_stories, update_stories
from .store.base import Store

log = logging.getLogger(__name__)

RESUME_BATCH = 64  # documents matched per transaction when resuming a stopped ingest
IN_FLIGHT_PER_WORKER = 2  # batches queued per worker: keeps both cores busy, memory bounded


@dataclass(slots=True)
class IngestReport:
    """What an ingest did; `failures` name each bad input and the reason."""

    inputs: int = 0
    added: int = 0
    existing: int = 0
    segments: int = 0
    sentences: int = 0
    removed_lines: int = 0
    words: int = 0
    links: int = 0  # document links written or rewritten by this ingest
    failures: list[Failure] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # stored, but something was dropped (a future date)

    @property
    def ok(self) -> bool:
        return not self.failures


ProgressCallback = Callable[[IngestReport], None]


@dataclass(slots=True)
class _Clock:
    """Seconds spent per stage in one batch, for the INFO lines `--verbose` shows."""

    clean: float = 0.0
    segment: float = 0.0
    parse: float = 0.0
    extract: float = 0.0


# -- per-document work ------------------------------------------------------------------------


def raw_document_id(raw: RawDocument) -> str:
    return document_id(raw.content_sha or content_hash(raw.text), raw.url)


@dataclass(frozen=True, slots=True)
class _Prepared:
    """A cleaned, segmented document waiting for its sentences."""

    document: Document
    segments: tuple[Segment, ...]
    paragraphs: tuple[tuple[int, int, int], ...]  # (segment index, start, end) of each text line
    warnings: tuple[str, ...] = ()  # what the user should hear about (a rejected date)


# Breaks a sentence never crosses: a line break, and a rule of underscores, which wire copy
# flattened onto one line uses between the story and its notes ('___ Follow AP's coverage ...').
PARAGRAPH_BREAK = re.compile(r"\n|_{3,}")


def _paragraphs(text: str, segments: Sequence[Segment]) -> tuple[tuple[int, int, int], ...]:
    """Paragraphs of each segment: a sentence never crosses a break or a segment boundary."""
    out = []
    for seg in segments:
        pos = seg.start
        for piece in PARAGRAPH_BREAK.split(text[seg.start : seg.end]):
            stripped = piece.strip()
            if stripped and not _is_structure_line(stripped, seg):
                lead = len(piece) - len(piece.lstrip())
                out.extend((seg.index, a, b) for a, b in _bounded(text, pos + lead, pos + lead + len(stripped)))
            pos += len(piece)
            pos += len(m.group()) if (m := PARAGRAPH_BREAK.match(text, pos)) else 0
    return tuple(out)


# The longest paragraph handed to spaCy in one piece. spaCy refuses texts over 1,000,000 characters
# (E088: a 1 MB single line stopped the whole ingest) and its models need about 1 GB of temporary
# memory per 100,000; news paragraphs stay under 5,000 characters and a CSV row holding a whole
# article on one line under ~60,000. Longer paragraphs are cut at a sentence end (else a space)
# before this length, so the work per document is bounded by its size. tests/test_hostile_inputs.py
MAX_PARAGRAPH_CHARS = 100_000


def _bounded(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """(start, end) pieces of one paragraph, each at most MAX_PARAGRAPH_CHARS, blanks trimmed."""
    pieces = []
    while end - start > MAX_PARAGRAPH_CHARS:
        limit = start + MAX_PARAGRAPH_CHARS
        cut = text.rfind(". ", start + MAX_PARAGRAPH_CHARS // 2, limit) + 1 or text.rfind(" ", start + 1, limit)
        cut = cut if cut > start else limit
        stop = cut
        while stop > start and text[stop - 1].isspace():
            stop -= 1
        pieces.append((start, stop))
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if end > start:
        pieces.append((start, end))
    return pieces


def _is_structure_line(line: str, seg: Segment) -> bool:
    """A live-blog stamp line or a lone list bullet is structure, not a sentence of reporting."""
    if line in {"-", "•", "*"}:
        return True
    return seg.kind is SegmentKind.ENTRY and parse_stamp_line(line) is not None


# A date up to `ingest_future_date_tolerance_hours` past the fetch time is still believed: a
# day-precision date is midnight, and a zone-less time may be up to 14 h ahead of UTC.


def future_date_warning(raw: RawDocument, published: Timestamp | None, fetched: datetime) -> str | None:
    """Why `published` cannot be believed, or None: a date later than the fetch (or ingest) time
    is wrong — a template's copyright year, a scheduled event, a misread stamp — and is dropped
    with a warning rather than put a story in the future."""
    if published is None:
        return None
    value = published.value if published.value.tzinfo else published.value.replace(tzinfo=timezone.utc)
    fetched = fetched if fetched.tzinfo else fetched.replace(tzinfo=timezone.utc)
    if value <= fetched + timedelta(hours=thresholds().ingest_future_date_tolerance_hours):
        return None
    return (
        f"{raw.source}: publication date {published.isoformat()} ({published.origin.value}) is later "
        f"than the fetch time {fetched.isoformat(timespec='minutes')}; dropped, the document is undated"
    )


def prepare_document(raw: RawDocument, clock: _Clock | None = None) -> _Prepared:
    started = perf_counter()
    cleaned = clean_text(raw)
    doc_id = raw_document_id(raw)
    now = datetime.now(timezone.utc)
    warning = future_date_warning(raw, cleaned.published, raw.fetched_at or now)
    if warning:
        log.warning("%s", warning)
        cleaned = replace(cleaned, published=None)
    cleaned_at = perf_counter()
    segmentation = segment_document(
        doc_id, cleaned.text, published=cleaned.published, title=cleaned.title
    )
    if clock is not None:
        clock.clean += cleaned_at - started
        clock.segment += perf_counter() - cleaned_at
    document = Document(
        id=doc_id,
        source=raw.source,
        language=detect_language(cleaned.text),
        text=cleaned.text,
        url=raw.url,
        title=cleaned.title,
        published=cleaned.published,
        updated=cleaned.updated,
        kind=segmentation.kind,
        outlet=cleaned.outlet,
        republisher=cleaned.republisher,
        credits=cleaned.credits,
        authors=cleaned.authors,
        truncated=cleaned.truncated,
        content_hash=raw.content_sha or content_hash(raw.text),
        removed_lines=len(cleaned.removed_lines),
        fetched_at=raw.fetched_at,
        ingested_at=now,
    )
    segments = segmentation.segments
    return _Prepared(document, segments, _paragraphs(cleaned.text, segments), (warning,) if warning else ())


def analyze_batch(
    raws: Sequence[RawDocument], *, model: str = "auto", extract: bool = True, thresholds: Thresholds | None = None
) -> list[AnalyzedDocument | Failure]:
    """Clean, segment, parse, extract and fingerprint; one result per input, in order.

    A document that fails at any stage becomes a `Failure` naming its source; the rest of the
    batch goes on. `thresholds` travel with the work (to a pool or Dask worker); None keeps
    those in effect here.
    """
    if thresholds is not None:
        with using(thresholds):
            return _analyze_batch(raws, model=model, extract=extract)
    return _analyze_batch(raws, model=model, extract=extract)


def _analyze_batch(raws: Sequence[RawDocument], *, model: str, extract: bool) -> list[AnalyzedDocument | Failure]:
    prepared: list[_Prepared | Failure] = []
    clock = _Clock()
    for raw in raws:
        try:
            prepared.append(prepare_document(raw, clock))
        except Exception as exc:  # a bad document must not stop the batch
            log.debug("cleaning %s failed", raw.source, exc_info=True)
            prepared.append(Failure(raw.source, "clean", f"{type(exc).__name__}: {exc}"))

    # 2. sentences, and entities when extracting (a document in a language extraction has no
    #    models for goes through the same parse - one model in memory - but is not extracted)
    ready = [p for p in prepared if isinstance(p, _Prepared)]
    log.info("clean: %d documents (%d failed) in %.2fs", len(ready), len(prepared) - len(ready), clock.clean)
    log.info("segment: %d documents -> %d segments in %.2fs", len(ready), sum(len(p.segments) for p in ready), clock.segment)
    texts = _paragraph_texts(ready)
    parsed = nlp.parse_texts(texts, model=model) if extract else None
    spans = nlp.sentence_spans(texts, model=model) if not extract else None
    results: list[AnalyzedDocument | Failure] = []
    for item in prepared:
        if isinstance(item, Failure):
            results.append(item)
            continue
        sentences: list[Sentence] = []
        doc_id = item.document.id
        ner: list[tuple[int, int, str]] = []
        for seg_index, start, _end in item.paragraphs:
            parse_started = perf_counter()  # spaCy runs lazily, inside next()
            if parsed is not None:
                parse = next(parsed)
                sentence_spans = parse.sentences
                ner.extend((start + s, start + e, label) for s, e, label in parse.entities)
            else:
                sentence_spans = next(spans)
            clock.parse += perf_counter() - parse_started
            for s_start, s_end in sentence_spans:
                sentences.append(Sentence(doc_id, seg_index, len(sentences), start + s_start, start + s_end))
        texts = [item.document.text[s.start : s.end] for s in sentences]
        furniture = [is_furniture_line(t) for t in texts]
        extraction = None
        if parsed is not None and is_analysed(item.document.language):
            extract_started = perf_counter()
            try:
                extraction = extract_document(item.document, item.segments, sentences, ner)
            except Exception as exc:  # a bad document must not stop the batch
                log.debug("extracting %s failed", item.document.source, exc_info=True)
                results.append(Failure(item.document.source, "extract", f"{type(exc).__name__}: {exc}"))
                continue
            finally:
                clock.extract += perf_counter() - extract_started
        salient, claims = document_terms(texts)
        analyzed = AnalyzedDocument(
            item.document,
            item.segments,
            tuple(sentences),
            tuple(fingerprint_sentences(texts, furniture=furniture)),
            salient,
            tuple(passage_keys(passage_tokens(texts, furniture))),
            extraction,
            warnings=item.warnings,
            claim_terms=claims,
            terms_settings=terms_settings(),
        )
        if extraction is not None:  # story features are per-document work too: built here, in the worker
            analyzed = replace(analyzed, story_features=tuple(segment_features(analyzed)))
        results.append(analyzed)
    done = [r for r in results if isinstance(r, AnalyzedDocument)]
    log.info("parse: %d paragraphs -> %d sentences in %.2fs", len(texts), sum(len(d.sentences) for d in done), clock.parse)
    if parsed is not None:
        extracted = [d.extraction for d in done if d.extraction is not None]
        log.info(
            "extract: %d documents analysed (%d not: language), %d failed in %.2fs",
            len(extracted), len(done) - len(extracted), sum(isinstance(r, Failure) and r.stage == "extract" for r in results), clock.extract,
        )  # fmt: skip
    return results


def _paragraph_texts(prepared: Sequence[_Prepared]) -> list[str]:
    return [p.document.text[start:end] for p in prepared for _, start, end in p.paragraphs]


def _init_worker(model: str, extract: bool) -> None:
    # once per worker process, not once per batch
    nlp.load_pipeline(model) if extract else nlp.load_sentence_pipeline(model)


# -- streaming ingest -------------------------------------------------------------------------


def _batches(items: Iterator, size: int) -> Iterator[list]:
    while True:
        started = perf_counter()
        batch = list(islice(items, size))
        if not batch:
            return
        failed = sum(isinstance(item, Failure) for item in batch)
        log.info("read: %d inputs (%d failed) in %.2fs", len(batch), failed, perf_counter() - started)
        yield batch


def ingest(
    store: Store,
    inputs: Iterable[str | Path | RawDocument],
    *,
    settings: Settings = Settings(),
    progress: ProgressCallback | None = None,
) -> IngestReport:
    """Read, clean, segment and store every input; bad inputs are recorded, never fatal.

    Paths (files or folders) are read by the readers in `wiretrail.ingest`; `RawDocument`s
    are taken as they are (the API and fetchers build those). Idempotent: a document whose id
    the store already holds is skipped before any work is done on it.
    """
    with using(settings):
        pin_stored_thresholds(store, settings)
        return _ingest(store, inputs, settings, progress)


def pin_stored_thresholds(store: Store, values: Thresholds) -> None:
    """Record the thresholds that shape stored rows on a store's first ingest; refuse an ingest
    under other values, whose fingerprints could not be compared with the stored ones."""
    pin_stored_values(store, stored_values(values))


def pin_stored_values(store: Store, wanted: dict[str, str]) -> None:
    """`pin_stored_thresholds` for values already in stored form (a batch result records them)."""
    pinned = store.pinned_settings()
    for name, value in wanted.items():
        if name in pinned and pinned[name] != value:
            raise ConfigError(
                f"setting {name}={value} differs from {pinned[name]}, the value store {getattr(store, 'name', '')} "
                f"was built with: its fingerprints would not match the new ones. Set {name}={pinned[name]} "
                "(or WIRETRAIL_" + name.upper() + f"={pinned[name]}), or ingest into a new store"
            )
    missing = {k: v for k, v in wanted.items() if k not in pinned}
    if missing:
        store.pin_settings(missing)


def _ingest(
    store: Store, inputs: Iterable[str | Path | RawDocument], settings: Settings, progress: ProgressCallback | None
) -> IngestReport:
    report = IngestReport()
    resume_provenance(store, report)
    resume_stories(store)
    stream = _raw_stream(inputs, max_bytes=settings.max_input_bytes)
    head = list(islice(stream, settings.parallel_threshold))
    workers = min(settings.workers, os.cpu_count() or 1)
    parallel = workers > 1 and len(head) >= settings.parallel_threshold
    stream = _chain(head, stream)
    batches = _batches(stream, settings.batch_size)
    if not parallel:
        for batch in batches:
            todo, failures = _triage(store, batch, report)
            results = analyze_batch(todo, model=settings.spacy_model, extract=settings.extract) if todo else []  # in `using`
            store_results(store, results, failures, report, progress)
        return report

    with ProcessPoolExecutor(
        max_workers=workers, initializer=_init_worker, initargs=(settings.spacy_model, settings.extract)
    ) as pool:
        sent = only_thresholds(settings)  # the workers' own values: no store address, no token
        pending: deque[tuple[Future, list[Failure]]] = deque()
        for batch in batches:
            todo, failures = _triage(store, batch, report)
            job = pool.submit(analyze_batch, todo, model=settings.spacy_model, extract=settings.extract, thresholds=sent)
            pending.append((job, failures))
            while len(pending) >= workers * IN_FLIGHT_PER_WORKER:
                future, fails = pending.popleft()
                store_results(store, future.result(), fails, report, progress)
        while pending:
            future, fails = pending.popleft()
            store_results(store, future.result(), fails, report, progress)
    return report


def resume_provenance(store: Store, report: IngestReport) -> None:
    """Match documents a stopped ingest stored but did not get to link."""
    pending = store.pending_provenance()
    for i in range(0, len(pending), RESUME_BATCH):
        report.links += len(update_provenance(store, pending[i : i + RESUME_BATCH]).links)


def _raw_stream(inputs: Iterable[str | Path | RawDocument], *, max_bytes: int) -> Iterator[RawDocument | Failure]:
    paths: list[str | Path] = []
    for item in inputs:
        if isinstance(item, RawDocument):
            if paths:
                yield from iter_inputs(paths, max_bytes=max_bytes)
                paths = []
            yield item
        else:
            paths.append(item)
    if paths:
        yield from iter_inputs(paths, max_bytes=max_bytes)


def _chain(head: list, tail: Iterator) -> Iterator:
    yield from head
    yield from tail


def _triage(
    store: Store, batch: list[RawDocument | Failure], report: IngestReport
) -> tuple[list[RawDocument], list[Failure]]:
    """Split a batch into work to do and failures; drop documents already stored or repeated."""
    failures = [item for item in batch if isinstance(item, Failure)]
    raws = [item for item in batch if isinstance(item, RawDocument)]
    report.inputs += len(batch)
    ids = [raw_document_id(raw) for raw in raws]
    known = store.known_ids(ids)
    todo, seen = [], set()
    for raw, doc_id in zip(raws, ids):
        if doc_id in known or doc_id in seen:
            report.existing += 1
            continue
        seen.add(doc_id)
        todo.append(raw)
    return todo, failures


def store_results(
    store: Store,
    results: list[AnalyzedDocument | Failure],
    failures: list[Failure],
    report: IngestReport,
    progress: ProgressCallback | None,
) -> None:
    """Write analysed documents, then run the corpus stages (provenance, stories) on those new
    to the store; also the entry point for results analysed elsewhere (`wiretrail load`)."""
    docs = [r for r in results if isinstance(r, AnalyzedDocument)]
    failures = failures + [r for r in results if isinstance(r, Failure)]
    started = perf_counter()
    written = store.write_batch(docs, failures)
    log.info(
        "store: %d documents added (%d already stored), %d segments, %d sentences, %d failures in %.2fs",
        written.added, written.existing, written.segments, written.sentences, len(failures), perf_counter() - started,
    )  # fmt: skip
    if written.added_ids:
        started = perf_counter()
        links = len(update_provenance(store, written.added_ids).links)
        report.links += links
        log.info("provenance: %d documents matched, %d links in %.2fs", len(written.added_ids), links, perf_counter() - started)
        added = set(written.added_ids)
        started = perf_counter()
        units = update_stories(store, [d for d in docs if d.document.id in added])
        log.info("stories: %d segments clustered in %.2fs", units, perf_counter() - started)
    report.added += written.added
    report.existing += written.existing
    report.segments += written.segments
    report.sentences += written.sentences
    report.removed_lines += sum(d.document.removed_lines for d in docs)
    report.words += sum(len(d.document.text.split()) for d in docs)
    report.failures.extend(failures)
    report.warnings.extend(w for d in docs if d.document.id in set(written.added_ids) for w in d.warnings)
    for failure in failures:
        log.warning("%s: %s", failure.source, failure.error)
    if progress is not None:
        progress(report)
