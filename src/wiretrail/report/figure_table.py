"""The figure table: figures about the same thing side by side, and whether they disagree.

Figures are grouped by what they count: the head noun of their subject ('troops' of 'North
Korean troops in Russia'), the unit, and compatible qualifiers (a nationality named by both must
be the same). A figure whose subject is only a place phrase ('11,000 in Kursk region') takes the
head noun its sentence shares with other figures. Within a group, two values that do not overlap
differ because of time (reported on different days, or the sentence says 'earlier', 'initially'),
because of scope (the sentences name different places or say 'more', 'additional'), or they
disagree.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from ..extract.names import DEMONYMS
from ..extract.names import fold as _fold_text
from ..model import Figure
from ..store.base import Store
from ..store.facts import FactQuery
from ..thresholds import thresholds
from .cache import REPORTS
from ..gc_pause import without_collection

FIGURE_TABLE = "figure-table"  # the report cache's name for these results
PREPOSITIONS = frozenset("in at to from of on for into near".split())
STOP = frozenset("the a an more than some about over up new other additional".split())
TIME_WORDS = re.compile(r"\b(earlier|previous(?:ly)?|initial(?:ly)?|last (?:week|month|year)|had been|at first|until)\b", re.I)
SCOPE_WORDS = re.compile(r"\b(more|additional|another|further|extra|also)\b", re.I)
PLACE_PHRASE = re.compile(r"\b(?:in|to|into|inside|across)\s+((?:the\s+)?[A-Z][\w’'-]+(?:\s+[A-Z][\w’'-]+)*(?:\s+region)?)")


# Words are folded (accents, case) thousands of times per table, mostly the same few thousand
# words: folding each distinct word once makes that cost linear in the vocabulary.
FOLD_CACHE_WORDS = 1 << 16
fold = lru_cache(maxsize=FOLD_CACHE_WORDS)(_fold_text)



@dataclass(slots=True)
class FigureRow:
    figure: Figure
    sentence: str
    context: str  # the sentence with the text before it
    near: str  # the words right around the number
    places: frozenset[str]
    nationality: str | None
    time_words: bool = False  # the sentence says 'earlier', 'initially', ...
    scope_near: bool = False  # 'more', 'additional' right by the number
    qualifiers: frozenset[str] = frozenset()


@dataclass(slots=True)
class FigureGroup:
    """Figures counting the same thing; `differences` explains each pair that does not agree."""

    head: str
    unit: str | None
    rows: list[FigureRow] = field(default_factory=list)
    differences: list[tuple[int, int, str]] = field(default_factory=list)  # (row i, row j, time|scope|disagree)

    @property
    def conflicting(self) -> bool:
        return bool(self.differences)

    @property
    def subject(self) -> str:
        return Counter(r.figure.subject for r in self.rows).most_common(1)[0][0]


def figure_table(store: Store, *, about: str | None = None, conflicts_only: bool = False) -> list[FigureGroup]:
    """Groups of figures about one thing (two or more figures, or any figure when `about` is
    given); computed once per state of the store's data (`cache.REPORTS`), shared: do not change."""
    compute = lambda s: build_figure_table(s, about=about, conflicts_only=conflicts_only)  # noqa: E731
    return list(REPORTS.fresh(store, FIGURE_TABLE, (about, conflicts_only), compute))


@without_collection
def build_figure_table(store: Store, *, about: str | None = None, conflicts_only: bool = False) -> list[FigureGroup]:
    """`figure_table` computed from the store, not cached."""
    groups = _groups(store)
    described = _Described()
    out = []
    for group in groups:
        if about and not any(about.lower() in r.figure.subject.lower() or about.lower() == group.head for r in group.rows):
            continue
        if len(group.rows) < 2 and not about:
            continue
        _explain(group, described)
        if conflicts_only and not group.conflicting:
            continue
        out.append(group)
    out.sort(key=lambda g: (-len(g.differences), -len(g.rows), g.head))
    return out


@without_collection
def top_conflicts(store: Store, n: int) -> list[FigureGroup]:
    """`figure_table(store, conflicts_only=True)[:n]`, the same groups, for the briefing: the
    order needs only how many pairs of each group differ, so only the `n` groups shown are read
    for places, time and scope words, and their differences explained."""
    counted = [(group, _count_differences(group.rows)) for group in _groups(store) if len(group.rows) >= 2]
    counted = [(group, count) for group, count in counted if count]
    counted.sort(key=lambda gc: (-gc[1], -len(gc[0].rows), gc[0].head))
    described = _Described()
    out = []
    for group, _ in counted[:n]:
        _explain(group, described)
        out.append(group)
    return out


def _explain(group: FigureGroup, described: _Described) -> None:
    """A group's rows described and its differences explained."""
    for row in group.rows:
        described(row)
    group.differences = _differences(group.rows)


def _groups(store: Store) -> list[FigureGroup]:
    """Every figure in its group (groups in order of their first figure), its row read for what
    grouping needs: places, time and scope words and qualifiers are `_Described` later."""
    figures = store.facts.figures(FactQuery(text=None))
    t = thresholds()
    context_chars, near_chars = t.report_figure_context_chars, t.report_figure_near_chars
    # the stretch of text each figure is read from: its sentence with the text before it
    stretch = {f.id: (f.doc_id, max(0, min(f.sentence_start, f.start) - context_chars), max(f.sentence_end, f.end + near_chars)) for f in figures}
    texts = store.facts.text_spans(list(stretch.values()))
    rows = []
    for f in figures:
        span = stretch[f.id]
        text, base = texts[span], span[1]
        if f.sentence_end:
            sentence = text[max(0, f.sentence_start - base) : max(0, f.sentence_end - base)]
            context = text[max(0, f.sentence_start - context_chars - base) : max(0, f.sentence_end - base)]
        else:
            sentence = context = f.subject
        near = text[max(0, f.start - near_chars - base) : max(0, f.end + near_chars - base)]
        rows.append(FigureRow(f, sentence, context, near, frozenset(), _nationality(f.subject)))
    heads = Counter(h for r in rows if (h := _head(r.figure.subject)))
    groups: dict[tuple, FigureGroup] = {}
    for row in rows:
        head = _head(row.figure.subject) or _head_from_sentence(row.context, heads)
        if head is None:
            continue
        # percentages of different things share head nouns ('increase'): only the same subject groups
        qualifier = fold(row.figure.subject) if row.figure.unit == "percent" else row.nationality
        key = (head, row.figure.unit, qualifier)
        groups.setdefault(key, FigureGroup(head, row.figure.unit)).rows.append(row)
    _fold_unqualified(groups)
    return list(groups.values())


class _Described(dict):
    """Fills a row's places, time words, scope words and qualifiers: what explains a difference.
    Places and time words are read once per distinct sentence (figures share sentences)."""

    def __call__(self, row: FigureRow) -> None:
        found = self.get(row.sentence)
        if found is None:
            found = self[row.sentence] = (_places(row.sentence), bool(TIME_WORDS.search(row.sentence)))
        row.places, row.time_words = found
        row.scope_near = bool(SCOPE_WORDS.search(row.near))
        row.qualifiers = _qualifiers(row)


@lru_cache(maxsize=FOLD_CACHE_WORDS)
def _head(subject: str) -> str | None:
    """The head noun of a subject (cached: one subject is asked for three times per figure, and
    many figures share a subject)."""
    words = [w for w in re.findall(r"[A-Za-z][\w'-]*", subject)]
    if not words or fold(words[0]) in PREPOSITIONS:
        return None
    # the head noun: the last word before a preposition ('troops' of 'troops in Russia')
    for i, w in enumerate(words):
        if i > 0 and fold(w) in PREPOSITIONS:
            words = words[:i]
            break
    content = [w for w in words if fold(w) not in STOP and not w[:1].isupper()]
    if not content:
        return None
    word = fold(content[-1])
    return word[:-1] if word.endswith("s") and len(word) > 3 else word


def _head_from_sentence(sentence: str, heads: Counter) -> str | None:
    """The most used head noun the text around a figure contains (singular or plural)."""
    words = {fold(w) for w in re.findall(r"[A-Za-z][\w'-]*", sentence)}
    # the heads among the words, or among the words less a plural 's': looked up word by word,
    # not head by head (thousands of heads, dozens of words)
    found = {w for w in words if w in heads} | {w[:-1] for w in words if w.endswith("s") and w[:-1] in heads}
    return max(found, key=lambda h: (heads[h], h)) if found else None


def _places(sentence: str) -> frozenset[str]:
    return frozenset(fold(m.group(1).replace("the ", "")) for m in PLACE_PHRASE.finditer(sentence))


NATIONALITY = re.compile(r"\b(" + "|".join(re.escape(d) for d in sorted(DEMONYMS, key=len, reverse=True)) + r")\b")


def _nationality(text: str) -> str | None:
    found = NATIONALITY.search(text.lower())
    return DEMONYMS[found.group(1)] if found else None


def _fold_unqualified(groups: dict[tuple, FigureGroup]) -> None:
    """A group without a nationality joins the one qualified group of the same head and unit
    ('10,000-12,000 troops' dispatched by Pyongyang joins the North Korean troops)."""
    qualified_by: dict[tuple, list[tuple]] = defaultdict(list)  # (head, unit) -> qualified keys, in order
    for k in groups:
        if k[2] is not None:
            qualified_by[k[:2]].append(k)
    for key in [k for k in groups if k[2] is None]:
        qualified = qualified_by.get(key[:2], [])
        kept = []
        for row in groups[key].rows:
            named = [k for k in qualified if _names_country(row.context, k[2])]
            target = named if len(named) == 1 else (qualified if len(qualified) == 1 else [])
            if target and not row.figure.vague:  # 'tens of thousands' compares with nothing
                groups[target[0]].rows.append(row)
            else:
                kept.append(row)
        groups[key].rows = kept
        if not kept:
            del groups[key]


# Capitals stand for their governments in news ('Pyongyang is said to have dispatched ...').
CAPITALS = {
    "pyongyang": "north korea", "kyiv": "ukraine", "moscow": "russia", "kremlin": "russia",
    "beijing": "china", "washington": "us", "london": "uk", "paris": "france", "berlin": "germany",
    "minsk": "belarus", "tehran": "iran", "seoul": "south korea",
}  # fmt: skip


def _names_country(context: str, country: str) -> bool:
    lowered = context.lower()
    if country in lowered:
        return True
    pattern = _country_words(country)
    return bool(pattern and pattern.search(lowered))


@lru_cache(maxsize=None)
def _country_words(country: str) -> re.Pattern | None:
    """One pattern for the demonyms and capitals standing for a country (as written in the
    tables: 'u.s.' is a pattern there too)."""
    words = [d for d, c in (*DEMONYMS.items(), *CAPITALS.items()) if c == country]
    return re.compile(r"\b(?:" + "|".join(words) + r")\b") if words else None


def _overlap(a: Figure, b: Figure) -> bool:
    lo_a, hi_a = a.value_low or 0, a.value_high if a.value_high is not None else float("inf")
    lo_b, hi_b = b.value_low or 0, b.value_high if b.value_high is not None else float("inf")
    return lo_a <= hi_b and lo_b <= hi_a


def _differences(rows: Sequence[FigureRow]) -> list[tuple[int, int, str]]:
    """Every pair of rows whose values do not overlap (the bounds of `_overlap`, read once)."""
    bounds = [_bounds(r.figure) for r in rows]
    out = []
    for i, (lo_a, hi_a) in enumerate(bounds):
        for j in range(i + 1, len(rows)):
            lo_b, hi_b = bounds[j]
            if lo_a <= hi_b and lo_b <= hi_a:
                continue
            out.append((i, j, _why(rows[i], rows[j])))
    return out


def _count_differences(rows: Sequence[FigureRow]) -> int:
    """`len(_differences(rows))` without explaining them: when every low bound is at most its
    high bound, two values differ when one's high lies below the other's low, so each row
    counts the highs below its low (at most one of two rows can)."""
    bounds = [_bounds(r.figure) for r in rows]
    if any(lo > hi for lo, hi in bounds):
        return sum(1 for i, (lo_a, hi_a) in enumerate(bounds) for lo_b, hi_b in bounds[i + 1 :] if not (lo_a <= hi_b and lo_b <= hi_a))
    highs = sorted(hi for _, hi in bounds)
    return sum(bisect_left(highs, lo) for lo, _ in bounds)


def _bounds(f: Figure) -> tuple[float, float]:
    return f.value_low or 0, f.value_high if f.value_high is not None else float("inf")


def _why(a: FigureRow, b: FigureRow) -> str:
    """time: an earlier figure or a later day; scope: more of it, or a different place or part
    of the thing; else a real disagreement."""
    if a.scope_near or b.scope_near:
        return "scope"
    if a.time_words or b.time_words:
        return "time"
    if a.figure.as_of and b.figure.as_of and a.figure.as_of != b.figure.as_of:
        return "time"
    if a.places and b.places and not (a.places & b.places):
        return "scope"
    if a.qualifiers ^ b.qualifiers and a.qualifiers and b.qualifiers:
        return "scope"
    return "disagree"


def _qualifiers(row: FigureRow) -> frozenset[str]:
    """Words of the subject beyond its head and nationality ('top', 'arms', 'companies')."""
    return _subject_qualifiers(row.figure.subject, row.nationality)


@lru_cache(maxsize=FOLD_CACHE_WORDS)
def _subject_qualifiers(subject: str, nationality_name: str | None) -> frozenset[str]:
    head = _head(subject) or ""
    words = {fold(w) for w in re.findall(r"[A-Za-z][\w'-]*", subject)}
    nationality = set(fold(nationality_name or "").split())
    return frozenset(w for w in words - STOP - PREPOSITIONS - nationality if not w.startswith(head[:5]) and len(w) > 2)


def group_records(groups: Sequence[FigureGroup]) -> list[dict]:
    return [
        {
            "subject": g.subject,
            "counts": g.head,
            "unit": g.unit,
            "conflicting": g.conflicting,
            "figures": [
                {
                    "id": r.figure.id, "doc_id": r.figure.doc_id, "start": r.figure.start, "end": r.figure.end,
                    "text": r.figure.text, "subject": r.figure.subject, "value_low": r.figure.value_low,
                    "value_high": r.figure.value_high, "vague": r.figure.vague,
                    "attributed_to": r.figure.attributed_to,
                    "as_of": r.figure.as_of.isoformat() if r.figure.as_of else None,
                    "places": sorted(r.places),
                }
                for r in g.rows
            ],
            "differences": [{"a": i, "b": j, "why": why} for i, j, why in g.differences],
        }
        for g in groups
    ]  # fmt: skip
