"""A one-page briefing in which every sentence cites its sources.

Extractive on purpose: each line of "What happened" is the earliest report's own sentence, so
nothing is said that a source did not say; it cites that report and every later one, and says how
many independent sources (copies counted once) confirm it. A claim that only a rewrite makes, in a
sentence the audit finds no source for, is flagged. Figures that disagree are listed value by
value, each with its source; quotes carry their speaker and source.

    1. events: the timeline, one row per happening
    2. stories: each row goes to the story of its earliest report; the best-confirmed row of each
       story first, so the page covers many stories before it details any
    3. figures: groups whose values differ, with why (time, scope, disagreement)
    4. sources: numbered, with outlet or title and time
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import date

from ..model import Quote, Relation
from ..provenance.audit import audit_document
from ..store.base import Store
from ..store.facts import FactQuery
from ..thresholds import thresholds
from .cache import REPORTS
from .figure_table import FigureGroup, top_conflicts
from ..gc_pause import without_collection
from .stories import stories
from .timeline import TimelineQuery, TimelineRow, timeline

BRIEFING = "briefing"  # the report cache's name for these results
# Teasers and questions are page furniture, not reports of what happened.
TEASER = re.compile(r"^(?:watch|pictured|explained|photos?|video|analysis|opinion|live)\s*:|\?$", re.I)
# What makes a row worth a line: independent sources most, then a concrete place (a town or a
# region, not a whole country), then named actors: the `report_brief_*` settings.
CONCRETE_PLACES = frozenset({"city", "region"})


@dataclass(slots=True)
class Citation:
    number: int
    doc_id: str
    label: str  # outlet or title
    at: str | None
    source: str


@dataclass(slots=True)
class Briefing:
    title: str
    events: list[tuple[TimelineRow, list[int], bool]] = field(default_factory=list)  # row, citations, flagged
    figures: list[tuple[FigureGroup, list[int]]] = field(default_factory=list)
    quotes: list[tuple[str, str, int]] = field(default_factory=list)  # text, speaker, citation
    citations: list[Citation] = field(default_factory=list)


def build_briefing(store: Store, *, story: str | None = None, since: date | None = None, until: date | None = None) -> Briefing:
    """The briefing, computed once per state of the store's data (`cache.REPORTS`); shared: do
    not change it."""
    compute = lambda s: compose_briefing(s, story=story, since=since, until=until)  # noqa: E731
    return REPORTS.fresh(store, BRIEFING, (story, since, until), compute)


@without_collection
def compose_briefing(store: Store, *, story: str | None = None, since: date | None = None, until: date | None = None) -> Briefing:
    """`build_briefing` computed from the store, not cached."""
    docs = None
    title = "Briefing"
    if story is not None:
        (chosen,) = [s for s in stories(store) if s.id == story]
        docs = frozenset(chosen.doc_ids)
        title = f"Briefing: {chosen.title}"
    elif since or until:
        title = f"Briefing: {since.isoformat() if since else '…'} to {until.isoformat() if until else 'now'}"
    rows = timeline(store, TimelineQuery(since=since, until=until, doc_ids=docs))
    brief = Briefing(title)
    cite = _Citer(store, brief)
    unsupported = _RewriteAudit(store)
    rows = [r for r in rows if not TEASER.search(r.summary.strip())]
    said: set[str] = set()
    for row in _ranked(store, rows):
        if row.summary in said:  # one sentence can report two events ('signs off ... as officials visit')
            continue
        said.add(row.summary)
        if len(brief.events) == thresholds().report_brief_max_events:
            break
        numbers = [cite(r.event.doc_id, r.reported_at) for r in row.reports]
        flagged = row.independent_sources == 1 and all(
            any(s <= r.event.evidence[0].start < e for s, e in unsupported.spans(r.event.doc_id)) for r in row.reports
        )
        brief.events.append((row, sorted(set(numbers)), flagged))
    doc_filter = docs
    for group in top_conflicts(store, thresholds().report_brief_max_figure_groups * 3):
        rows_in = [r for r in group.rows if doc_filter is None or r.figure.doc_id in doc_filter]
        if len(rows_in) < 2:
            continue
        brief.figures.append((group, [cite(r.figure.doc_id, None) for r in group.rows]))
        if len(brief.figures) == thresholds().report_brief_max_figure_groups:
            break
    for text, speaker, doc_id, said_at in _quotes(store, doc_filter, unsupported):
        brief.quotes.append((text, speaker, cite(doc_id, said_at)))
    cite.finish()
    return brief


def _quotes(store: Store, docs: frozenset[str] | None, audit: _RewriteAudit, *, page: int = 256) -> list[tuple]:
    """The quotes the page shows (text, speaker, doc_id, time): earliest first, one per speaker,
    none from a rewrite. Read from the earliest `page` quotes first (the page needs a handful),
    and from every quote only when those do not fill it."""
    first = store.facts.quotes(FactQuery(limit=page))
    picked = _pick_quotes(first, docs, audit)
    if len(picked) != thresholds().report_brief_max_quotes and len(first) == page:  # not filled: read on
        picked = _pick_quotes(store.facts.quotes(), docs, audit)
    return picked


def _pick_quotes(quotes: list[Quote], docs: frozenset[str] | None, audit: _RewriteAudit) -> list[tuple]:
    speakers: set[str] = set()
    picked: list[tuple] = []
    for quote in quotes:  # earliest first; one per speaker; none a rewrite made up
        if docs is not None and quote.doc_id not in docs:
            continue
        if audit.is_rewrite(quote.doc_id):
            continue
        who = quote.speaker_entity_id or quote.speaker
        if quote.speaker and who not in speakers and len(quote.text.split()) >= thresholds().report_brief_min_quote_words:
            speakers.add(who)
            picked.append((quote.text.strip(" ,"), quote.speaker, quote.doc_id, quote.said_at))
        if len(picked) == thresholds().report_brief_max_quotes:
            break
    return picked


class _Citer:
    """Numbers sources in order of first citation; `finish` lists them, reading every cited
    document's label in one query (not its text)."""

    def __init__(self, store: Store, brief: Briefing) -> None:
        self.store = store
        self.brief = brief
        self.numbers: dict[str, int] = {}
        self.cited: list[tuple[int, str | None, object]] = []  # number, doc_id, time of the report

    def __call__(self, doc_id: str | None, at) -> int:
        if doc_id in self.numbers:
            return self.numbers[doc_id]
        number = len(self.numbers) + 1
        self.numbers[doc_id] = number
        self.cited.append((number, doc_id, at))
        return number

    def finish(self) -> None:
        labels = self.store.facts.document_labels([d for _, d, _ in self.cited if d])
        for number, doc_id, at in self.cited:
            doc = labels.get(doc_id) if doc_id else None
            label = (doc.outlet or doc.title or doc.source) if doc else str(doc_id)
            when = at or (doc.published if doc else None)
            self.brief.citations.append(
                Citation(number, doc_id or "", label, when.isoformat() if when else None, (doc.url or doc.source) if doc else "")
            )


def _ranked(store: Store, rows: list[TimelineRow]) -> list[TimelineRow]:
    """Rows in the order the page shows them: best confirmed and most concrete first (a town or
    region named, actors named), one row per place before any place gets a second."""
    features = store.facts.place_features()
    t = thresholds()
    sources, concrete_weight, actors = t.report_brief_source_weight, t.report_brief_concrete_weight, t.report_brief_actor_weight

    def score(row: TimelineRow) -> tuple:
        concrete = features.get(row.place or "", None) in CONCRETE_PLACES
        return (-(sources * row.independent_sources + len(row.reports) + concrete_weight * concrete
                  + actors * bool(row.actors)), row.date is None, row.date or date.min)

    ranked = sorted(rows, key=score)
    seen: set[str] = set()
    first, rest = [], []
    for row in ranked:
        key = row.place or f"none:{id(row)}"
        (rest if key in seen else first).append(row)
        seen.add(key)
    return first + rest


class _RewriteAudit:
    """Sentences of rewrites that none of their sources support, audited only for the documents
    the page is about to cite (an audit costs ~0.1 s)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.rewrites = {link.from_doc for link in store.links(relation=Relation.REWRITE_OF.value)}
        self.cache: dict[str, list[tuple[int, int]]] = {}

    def is_rewrite(self, doc_id: str | None) -> bool:
        return doc_id in self.rewrites

    def spans(self, doc_id: str | None) -> list[tuple[int, int]]:
        if doc_id not in self.rewrites:
            return []
        if doc_id not in self.cache:
            self.cache[doc_id] = [(s.start, s.end) for s in audit_document(self.store, doc_id).unsupported]
        return self.cache[doc_id]


def _refs(numbers: list[int]) -> str:
    return "".join(f"[{n}]" for n in numbers)


def to_markdown(brief: Briefing) -> str:
    lines = [f"# {brief.title}", "", "## What happened", ""]
    for row, numbers, flagged in brief.events:
        when = row.date.isoformat() if row.date else "undated"
        confirm = f"{row.independent_sources} independent source{'s' if row.independent_sources != 1 else ''}"
        flag = " **Only in a rewrite that no source supports.**" if flagged else ""
        lines.append(f"- {when}, {row.place or 'place not given'}: {row.summary} {_refs(numbers)} ({confirm}){flag}")
    if brief.figures:
        lines += ["", "## Figures that differ", ""]
        for group, numbers in brief.figures:
            why = sorted({w for _, _, w in group.differences})
            values = "; ".join(
                f"{_value(r.figure)} ({r.figure.attributed_to or 'unattributed'}"
                f"{', ' + r.figure.as_of.isoformat() if r.figure.as_of else ''}) [{n}]"
                for r, n in zip(group.rows, numbers)
            )
            lines.append(f"- {group.subject}: {values}. Differences: {', '.join(why)}.")
    if brief.quotes:
        lines += ["", "## Quotes", ""]
        for text, speaker, n in brief.quotes:
            lines.append(f"- “{text}” — {speaker} [{n}]")
    lines += ["", "## Sources", ""]
    for c in brief.citations:
        lines.append(f"{c.number}. {c.label}{', ' + c.at if c.at else ''} — {c.source}")
    return "\n".join(lines) + "\n"


def _value(f) -> str:
    if f.value_low == f.value_high:
        text = f"{f.value_low:,.0f}"
    elif f.value_high is None:
        text = f"more than {f.value_low:,.0f}"
    elif not f.value_low:
        text = f"up to {f.value_high:,.0f}"
    else:
        text = f"{f.value_low:,.0f}-{f.value_high:,.0f}"
    unit = "" if not f.unit else (" USD" if f.unit == "USD" else f" {f.unit}")
    return ("about " if f.vague else "") + text + unit


def to_html(brief: Briefing) -> str:
    """The same page as HTML; all text from articles is escaped."""
    e = html.escape
    parts = [f"<!doctype html><meta charset='utf-8'><title>{e(brief.title)}</title>", f"<h1>{e(brief.title)}</h1>"]
    parts.append("<h2>What happened</h2><ul>")
    for row, numbers, flagged in brief.events:
        refs = "".join(f"<a href='#src{n}'>[{n}]</a>" for n in numbers)
        flag = " <strong>Only in a rewrite that no source supports.</strong>" if flagged else ""
        when = row.date.isoformat() if row.date else "undated"
        parts.append(
            f"<li>{e(when)}, {e(row.place or 'place not given')}: {e(row.summary)} {refs} "
            f"({row.independent_sources} independent sources){flag}</li>"
        )
    parts.append("</ul>")
    if brief.figures:
        parts.append("<h2>Figures that differ</h2><ul>")
        for group, numbers in brief.figures:
            values = "; ".join(
                f"{e(_value(r.figure))} ({e(r.figure.attributed_to or 'unattributed')}) <a href='#src{n}'>[{n}]</a>"
                for r, n in zip(group.rows, numbers)
            )
            parts.append(f"<li>{e(group.subject)}: {values}</li>")
        parts.append("</ul>")
    if brief.quotes:
        parts.append("<h2>Quotes</h2><ul>")
        for text, speaker, n in brief.quotes:
            parts.append(f"<li>“{e(text)}” — {e(speaker)} <a href='#src{n}'>[{n}]</a></li>")
        parts.append("</ul>")
    parts.append("<h2>Sources</h2><ol>")
    for c in brief.citations:
        parts.append(f"<li id='src{c.number}'>{e(c.label)}{', ' + e(c.at) if c.at else ''} — {e(c.source)}</li>")
    parts.append("</ol>")
    return "\n".join(parts) + "\n"
