"""The timeline: one row per event, dated by when it happened, with its earliest report and
every later source.

Events are read per sentence, so one happening arrives many times: a live blog reposting its
own entry, wire copy republished, a rewrite restating it. Reports are merged into one row when
they share the type, the day (or both are undated), the place (or one names none), and either an
actor or most of their content words. Copies of one text (linked `duplicate` or
`shares-passages`) count as one independent source.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
import threading
from functools import lru_cache

from ..model import DatePrecision, Event, Timestamp
from ..provenance.meaning import Terms, sentence_terms
from ..store.base import Store
from ..store.facts import FactQuery
from ..thresholds import Thresholds, thresholds
from .cache import REPORTS, thresholds_key
from ..gc_pause import without_collection

# When two reports are one event is decided by the `report_*` settings (wiretrail/thresholds.py).
# A sentence's terms are a pure function of its text, so they are kept across timelines (the API
# answers many) and can never be stale: about 6 corpora of ukraine-2022's ~8,000 distinct event
# sentences, a few MB.
TERMS_CACHE_SENTENCES = 1 << 16
TIMELINE = "timeline"  # the report cache's names for these results
COPY_GROUPS = "copy-groups"


@dataclass(slots=True)
class Report:
    """One event as one document reported it, with the time of that report."""

    event: Event
    reported_at: Timestamp | None
    _terms: dict[str, float] | None = None
    _total: float = 0.0  # the sum of the terms' weights: dice's denominator, summed once

    def __post_init__(self) -> None:
        if self._terms is not None:
            self.share(self._terms)

    @property
    def terms(self) -> dict[str, float]:
        """Content words of the report's sentence, computed when first compared."""
        if self._terms is None:
            self.share(_sentence_terms(self.event.summary, terms_generation()))
        return self._terms  # type: ignore[return-value]

    def share(self, terms: Terms) -> None:
        """Take terms already computed for the same sentence (a repost, or one sentence that
        reports two events): the terms of one text are computed once, not per report."""
        self._terms = terms
        self._total = sum(terms.values())


@lru_cache(maxsize=TERMS_CACHE_SENTENCES)
def _sentence_terms(text: str, generation: int) -> Terms:
    """`sentence_terms` once per distinct sentence and thresholds (`terms_generation`); shared:
    callers must not change the dict."""
    return sentence_terms(text)


_GENERATIONS: dict[Thresholds, int] = {}
_GENERATIONS_LOCK = threading.Lock()


def terms_generation() -> int:
    """A small number for the thresholds in effect (stems and weights of terms are settings):
    the terms cache's key, cheaper to hash per sentence than the thresholds themselves."""
    values = thresholds_key()
    with _GENERATIONS_LOCK:
        return _GENERATIONS.setdefault(values, len(_GENERATIONS))


def _with_terms(report: Report, generation: int) -> Report:
    """The report, its terms computed the first time a comparison needs them."""
    if report._terms is None:
        report.share(_sentence_terms(report.event.summary, generation))
    return report


@dataclass(slots=True)
class TimelineRow:
    """One happening: when, what, where, who, and every report of it (earliest first)."""

    date: date | None
    date_precision: DatePrecision | None
    type: str
    place: str | None
    summary: str
    actors: tuple[str, ...]
    reports: list[Report] = field(default_factory=list)
    independent_sources: int = 0

    @property
    def first(self) -> Report:
        return self.reports[0]

    @property
    def sources(self) -> list[str]:
        out: list[str] = []
        for r in self.reports:
            if r.event.doc_id not in out:
                out.append(r.event.doc_id)
        return out


@dataclass(frozen=True, slots=True)
class TimelineQuery:
    since: date | None = None
    until: date | None = None
    type: str | None = None
    entity: str | None = None  # an actor, target or word of the sentence contains this
    place: str | None = None
    doc_ids: frozenset[str] | None = None  # e.g. the documents of one story
    limit: int | None = None


def timeline(store: Store, query: TimelineQuery = TimelineQuery()) -> list[TimelineRow]:
    """Events merged across reports, ordered by the day they happened; undated ones last.

    Computed once per state of the store's data (`cache.REPORTS`); the rows are shared with
    other callers and must not be changed."""
    rows = REPORTS.fresh(store, TIMELINE, replace(query, limit=None), lambda s: build_timeline(s, replace(query, limit=None)))
    return rows[: query.limit] if query.limit is not None else list(rows)


@without_collection
def build_timeline(store: Store, query: TimelineQuery = TimelineQuery()) -> list[TimelineRow]:
    """`timeline` computed from the store, not cached."""
    generation = terms_generation()
    events = store.facts.events(FactQuery(since=query.since, until=query.until, type=query.type), ordered=False)  # sorted below
    events = [e for e in events if _wanted(e, query)]
    times = store.facts.report_times()
    reports = [Report(e, _time_of(times, e)) for e in events]
    sortable = _Sortable()  # a few thousand report times, each shared by many events
    reports.sort(key=lambda r: (sortable(r.reported_at), r.event.doc_id or "", r.event.id))
    rows: list[TimelineRow] = []
    by_day: dict[tuple[str, date | None], list[TimelineRow]] = {}  # the rows a report can join
    by_text: dict[tuple[str, str], TimelineRow] = {}  # a reposted sentence joins its first post's row
    t = thresholds()
    similarity, compared, copy_days = t.report_same_event_similarity, t.report_compared_reports, t.report_copy_max_days
    for report in reports:
        e = report.event
        text_key = (e.type, " ".join(e.summary.lower().split()))
        row = by_text.get(text_key)
        if row is not None and not _near(row.date, e.date, copy_days):
            row = None
        if row is None:
            row = _same_event(by_day.get((e.type, e.date), ()), report, generation, similarity, compared)
        if row is None:
            row = TimelineRow(e.date, e.date_precision, e.type, e.place, e.summary, e.actors, [report])
            rows.append(row)
            by_day.setdefault((e.type, e.date), []).append(row)
        else:
            row.reports.append(report)
            row.actors = tuple(dict.fromkeys(row.actors + e.actors))
            row.place = row.place or e.place
        by_text.setdefault(text_key, row)
    groups = copy_groups(store)
    for row in rows:
        row.independent_sources = len({groups.get(doc, doc) for doc in row.sources})
    rows.sort(key=lambda r: (r.date is None, r.date or date.min, sortable(r.first.reported_at)))
    return rows[: query.limit] if query.limit is not None else rows


def _near(a: date | None, b: date | None, days: int) -> bool:
    """A copy of a report joins its row when posted within `days` (`report_copy_max_days`) of it."""
    if a is None or b is None:
        return a is b
    return abs((a - b).days) <= days


def _wanted(event: Event, query: TimelineQuery) -> bool:
    if query.doc_ids is not None and event.doc_id not in query.doc_ids:
        return False
    if query.place and query.place.lower() not in (event.place or "").lower():
        return False
    if query.entity:
        needle = query.entity.lower()
        names = " ".join(event.actors + event.targets).lower()
        if needle not in names and needle not in event.summary.lower():
            return False
    return True


def _same_event(rows: list[TimelineRow], report: Report, generation: int, similarity: float, compared: int) -> TimelineRow | None:
    """The first of `rows` (the rows of the report's type and day) that `report` joins: at the
    same place (or one names none) and sharing an actor, or restating one of the row's first
    `compared` (`report_compared_reports`) reports (`report_same_event_similarity`)."""
    e = report.event
    place, actors = e.place, e.actors
    for row in rows:
        if row.place and place and row.place != place:
            continue
        if (row.place or place) and actors and not set(row.actors).isdisjoint(actors):
            return row
        # against the row's first reports only: later ones are copies of them or of each other
        if report._terms is None:
            _with_terms(report, generation)
        for r in row.reports[:compared]:
            if r._terms is None:
                _with_terms(r, generation)
            if _dice(r, report) >= similarity:
                return row
    return None


def _dice(a: Report, b: Report) -> float:
    """`provenance.meaning.dice` with the denominators summed once per report (the same value:
    term weights are 1, 1.5 and 2, whose sums are exact in any order)."""
    if not a._terms or not b._terms:
        return 0.0
    small, large = (a._terms, b._terms) if len(a._terms) <= len(b._terms) else (b._terms, a._terms)
    shared = 0.0  # the shared weights in `small`'s order, as `dice` sums them
    for k, w in small.items():
        v = large.get(k)
        if v is not None:
            shared += w if w < v else v
    return 2 * shared / (a._total + b._total)


def _time_of(times: dict, event: Event) -> Timestamp | None:
    published, segments = times.get(event.doc_id, (None, []))
    start = event.evidence[0].start if event.evidence else -1
    for seg_start, seg_end, posted in segments:
        if seg_start <= start < seg_end:
            return posted
    return published


def _sortable(ts: Timestamp | None) -> tuple[int, str]:
    if ts is None:
        return (1, "")
    value = ts.value.replace(tzinfo=None) if isinstance(ts.value, datetime) else ts.value
    return (0, value.isoformat())


class _Sortable(dict):
    """`_sortable` once per report time: the times are shared objects (one per document or
    stamped segment), alive while a timeline is built, so they are told apart by identity."""

    def __call__(self, ts: Timestamp | None) -> tuple[int, str]:
        key = self.get(id(ts))
        if key is None:
            key = self[id(ts)] = _sortable(ts)
        return key


def copy_groups(store: Store) -> dict[str, str]:
    """Each document's copy group: documents joined by `duplicate`/`shares-passages` links are one
    source (union-find over the links). Cached per data version: stories and the timeline both
    need it; shared, do not change it."""
    return REPORTS.fresh(store, COPY_GROUPS, None, build_copy_groups)


def build_copy_groups(store: Store) -> dict[str, str]:
    """`copy_groups` computed from the links, not cached."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.get(x, x) != x:
            parent[x] = parent.get(parent[x], parent[x])
            x = parent[x]
        return x

    for link in store.links():
        if link.relation.value in ("duplicate", "shares-passages"):
            a, b = find(link.from_doc), find(link.to_doc)
            if a != b:
                parent[max(a, b)] = min(a, b)
    return {doc: find(doc) for doc in parent}


def rows_to_records(rows: Sequence[TimelineRow]) -> list[dict]:
    return [
        {
            "date": r.date.isoformat() if r.date else None,
            "date_precision": r.date_precision.value if r.date_precision else None,
            "type": r.type,
            "place": r.place,
            "actors": list(r.actors),
            "summary": r.summary,
            "first_report": {
                "doc_id": r.first.event.doc_id,
                "at": r.first.reported_at.isoformat() if r.first.reported_at else None,
                "evidence": [{"doc_id": v.doc_id, "start": v.start, "end": v.end} for v in r.first.event.evidence],
            },
            "sources": r.sources,
            "reports": len(r.reports),
            "independent_sources": r.independent_sources,
        }
        for r in rows
    ]
