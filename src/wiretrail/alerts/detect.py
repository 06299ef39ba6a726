"""New facts of one source's fetch -> alerts, each citing the passages that triggered it.

The poller calls this once per fetched source (as soon as its items are stored, so an alert does
not wait for the rest of the cycle). Only what the fetch brought in can raise an alert: whole new documents, and in a new version of
a page the entries that were added, edited or restored (`Fresh.spans`). Rules are evaluated in
this order, each giving at most one alert per trigger:

    1. new-story        stories that did not exist before the fetch's ingest
    2. figure-conflict  new figures the figure table says disagree with earlier ones (one alert
                        per figure group)
    3. entity           a new quote by, or mention of, a rule's entity (one alert per document)
    4. figure-edit      an edited entry whose figures differ from the text it replaced
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone

from ..model import Figure
from ..report.figure_table import figure_table
from ..store.base import Store
from ..store.facts import FactQuery
from ..store.sources import Alert, AlertRule, Passage
from .rules import ENTITY, FIGURE_CONFLICT, FIGURE_EDIT, NEW_STORY

PASSAGE_CHARS = 400  # a cited segment is cut here: enough to recognise it, short enough for a chat message
MAX_CITED = 5  # earlier figures or mentions cited per alert; the store has the rest
CONFLICT_REASONS = frozenset({"disagree"})  # figure-table verdicts that alert; time and scope explain a difference

Span = tuple[str, int, int]  # (doc_id, start, end)


@dataclass(frozen=True, slots=True)
class Edit:
    """An entry whose text changed: where its previous text is, and where its new text is."""

    old: Span
    new: Span


@dataclass(frozen=True, slots=True)
class Fresh:
    """What a cycle brought in for one document: all of it (`spans` None) or some entries."""

    doc_id: str
    spans: tuple[tuple[int, int], ...] | None = None
    edits: tuple[Edit, ...] = ()

    def covers(self, start: int, end: int) -> bool:
        if self.spans is None:
            return True
        return any(s <= start and end <= e for s, e in self.spans)


def detect_alerts(
    store: Store,
    fresh: Sequence[Fresh],
    rules: Sequence[AlertRule],
    *,
    new_stories: Iterable[str] = (),
    now: datetime | None = None,
) -> list[Alert]:
    """Alerts for every rule that the cycle's fresh material triggers."""
    at = now or datetime.now(timezone.utc)
    found: list[Alert] = []
    kinds = {k for r in rules for k in r.kinds}
    candidates: dict[str, list[tuple[str, list[Span]]]] = {}
    # 1. new stories
    if NEW_STORY in kinds:
        candidates[NEW_STORY] = _new_stories(store, list(new_stories))
    # 2. figure conflicts
    if FIGURE_CONFLICT in kinds:
        candidates[FIGURE_CONFLICT] = _figure_conflicts(store, fresh)
    # 4. figure edits
    if FIGURE_EDIT in kinds:
        candidates[FIGURE_EDIT] = _figure_edits(store, fresh)
    for rule in rules:
        for kind in rule.kinds:
            if kind == ENTITY:  # 3. entities: each rule names its own
                hits = [hit for name in rule.entities for hit in _entity_hits(store, fresh, name)]
            else:
                hits = candidates.get(kind, [])
            found += [_alert(store, rule, kind, summary, spans, at) for summary, spans in hits]
    return found


def _alert(store: Store, rule: AlertRule, kind: str, summary: str, spans: list[Span], at: datetime) -> Alert:
    texts = store.facts.text_spans(spans)
    passages = tuple(Passage(d, s, e, texts.get((d, s, e), "")) for d, s, e in spans)
    key = f"{rule.id}|{kind}|" + ";".join(f"{d}:{s}:{e}" for d, s, e in spans)
    return Alert(hashlib.sha256(key.encode()).hexdigest()[:16], kind, summary, passages, at, rule.id)


def _carried_over(store: Store, item: Fresh, start: int, end: int, text: str) -> bool:
    """A fact inside an edited entry whose words were already in the entry before the edit is
    not new: an edit elsewhere in the entry must not raise it again."""
    for edit in item.edits:
        if edit.new[1] <= start and end <= edit.new[2]:
            old = store.facts.text_spans([edit.old]).get(edit.old, "")
            return text in old
    return False


# -- 1. new stories -------------------------------------------------------------------------------


def _new_stories(store: Store, story_ids: list[str]) -> list[tuple[str, list[Span]]]:
    if not story_ids:
        return []
    tables = store.story_tables
    titles = {s.id: s.title for s in tables.stories()}
    out = []
    for story_id in sorted(story_ids):
        spans = []
        for unit_key, doc_id, _ in tables.units(story_id)[:MAX_CITED]:
            index = int(unit_key.rsplit(":", 1)[1]) if ":" in unit_key else None
            seg = next((s for s in store.segments(doc_id) if s.index == index), None) if index is not None else None
            start, end = (seg.start, seg.end) if seg else (0, PASSAGE_CHARS)
            spans.append((doc_id, start, min(end, start + PASSAGE_CHARS)))
        if spans:
            out.append((f"new story: {titles.get(story_id) or story_id}", spans))
    return out


# -- 2. figure conflicts --------------------------------------------------------------------------


def _evidence(f: Figure) -> Span:
    """A figure is cited by its sentence when extraction kept it, else by the number itself."""
    if f.sentence_end > f.sentence_start:
        return (f.doc_id, f.sentence_start, f.sentence_end)
    return (f.doc_id, f.start, f.end)


def _fresh_figures(store: Store, fresh: Sequence[Fresh]) -> list[Figure]:
    out = []
    for item in fresh:
        out += [
            f for f in store.facts.figures(FactQuery(doc_id=item.doc_id))
            if item.covers(f.start, f.end) and not _carried_over(store, item, f.start, f.end, f.text)
        ]  # fmt: skip
    return out


def _figure_conflicts(store: Store, fresh: Sequence[Fresh]) -> list[tuple[str, list[Span]]]:
    new = {f.id: f for f in _fresh_figures(store, fresh)}
    if not new:
        return []
    replaced = [e.old for item in fresh for e in item.edits]  # an edit's old text is figure-edit's business

    def was_replaced(f: Figure) -> bool:
        return any(d == f.doc_id and s <= f.start and f.end <= e for d, s, e in replaced)

    out = []
    for group in figure_table(store, conflicts_only=True):
        # one alert per figure group and source fetch, however many new figures it got: a busy
        # subject must not flood the webhook
        mine: dict[str, Figure] = {}
        earlier: dict[tuple, Figure] = {}
        for i, j, why in group.differences:
            if why not in CONFLICT_REASONS:
                continue
            a, b = group.rows[i].figure, group.rows[j].figure
            for new_fig, other in ((a, b), (b, a)):
                if new_fig.id in new and other.id not in new and not was_replaced(other):
                    mine.setdefault(new_fig.id, new_fig)
                    # copies of one earlier figure (a live blog's versions) are cited once
                    earlier.setdefault((other.value_low, other.value_high, other.text), other)
        if not mine:
            continue
        news = sorted(mine.values(), key=lambda f: (f.doc_id, f.start))[:MAX_CITED]
        olds = list(earlier.values())[:MAX_CITED]
        out.append((f"figure conflict on {group.subject!r}: {', '.join(f.text for f in news)} against earlier "
                    f"{', '.join(f.text for f in olds)}",
                    [_evidence(f) for f in news] + [_evidence(f) for f in olds]))  # fmt: skip
    return out


# -- 3. entities ----------------------------------------------------------------------------------


def _entity_hits(store: Store, fresh: Sequence[Fresh], name: str) -> list[tuple[str, list[Span]]]:
    wanted = name.strip().lower()
    ids = {e.id for e in store.facts.entities(FactQuery(text=wanted))}
    out = []
    for item in fresh:
        quotes = [
            q for q in store.facts.quotes(FactQuery(doc_id=item.doc_id))
            if item.covers(q.start, q.end) and (q.speaker_entity_id in ids or wanted in (q.speaker or "").lower())
            and not _carried_over(store, item, q.start, q.end, q.text)
        ]  # fmt: skip
        mentions = [
            m for m in store.facts.mentions(item.doc_id)
            if item.covers(m.start, m.end) and (m.entity_id in ids or wanted in m.text.lower())
            and not _carried_over(store, item, m.start, m.end, _sentence_text(store, item.doc_id, m.start, m.end))
        ]  # fmt: skip
        if not quotes and not mentions:
            continue
        spans: list[Span] = [(item.doc_id, q.start, q.end) for q in quotes]
        sentences = store.sentences(item.doc_id)
        for m in mentions:
            sent = next((s for s in sentences if s.start <= m.start and m.end <= s.end), None)
            span = (item.doc_id, sent.start, sent.end) if sent else (item.doc_id, m.start, m.end)
            if not any(d == span[0] and s <= span[1] and span[2] <= e for d, s, e in spans):
                spans.append(span)
        what = f"quoted {len(quotes)} time(s)" if quotes else f"mentioned {len(mentions)} time(s)"
        out.append((f"{name}: {what}", spans[:MAX_CITED]))
    return out


def _sentence_text(store: Store, doc_id: str, start: int, end: int) -> str:
    """The sentence holding a span: a mention is new when its sentence is."""
    sent = next((s for s in store.sentences(doc_id) if s.start <= start and end <= s.end), None)
    span = (doc_id, sent.start, sent.end) if sent else (doc_id, start, end)
    return store.facts.text_spans([span])[span]


# -- 4. figure edits ------------------------------------------------------------------------------


def _figures_in(store: Store, span: Span) -> list[Figure]:
    doc_id, start, end = span
    return [f for f in store.facts.figures(FactQuery(doc_id=doc_id)) if start <= f.start and f.end <= end]


def _figure_edits(store: Store, fresh: Sequence[Fresh]) -> list[tuple[str, list[Span]]]:
    out = []
    for item in fresh:
        for edit in item.edits:
            before, after = _figures_in(store, edit.old), _figures_in(store, edit.new)
            values = lambda figs: Counter((f.value_low, f.value_high, f.unit) for f in figs)  # noqa: E731
            if (before or after) and values(before) != values(after):
                gone = [f for f in before if (f.value_low, f.value_high, f.unit) not in values(after)]
                came = [f for f in after if (f.value_low, f.value_high, f.unit) not in values(before)]
                shown = f"{', '.join(f.text for f in gone) or 'nothing'} -> {', '.join(f.text for f in came) or 'nothing'}"
                spans = list(dict.fromkeys([_evidence(f) for f in gone] + [_evidence(f) for f in came]))
                out.append((f"figure changed in an edit: {shown}", spans or [edit.old, edit.new]))
    return out
