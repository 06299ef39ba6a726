"""Page furniture recognised by its language: appeals, widgets, calls to action, legal lines.

Rules describe kinds of furniture, not the strings of any one site, so that they carry over to
outlets we have not seen (the patterns are in `patterns.py`):

1. line rules: comment widgets; share/subscribe/cookie/newsletter calls to action; next/previous
   and pagination links; promotions; print and photo credit notes; markup a flattener let
   through; copyright and legal lines; republishers' disclaimers; related-links labels;
2. donation appeals: a run of lines in the outlet's own voice ('we', 'our', 'your support')
   holding at least one unmistakable appeal; reporting quotes people saying 'we' inside
   quotation marks, which the voice test ignores;
3.-5. pointers, related-link lists and teaser blocks, recognised by their shape (`teasers.py`).

Word limits keep each rule off reporting paragraphs; each says which case it guards.
"""

from __future__ import annotations

from dataclasses import dataclass

from .lines import outside_quotes
from .patterns import (
    APPEAL,
    CALLOUT,
    CALL_TO_ACTION,
    COOKIES,
    DISCLAIMER,
    IMPERATIVE_APPEAL,
    LEGAL,
    MARKUP,
    NAVIGATION,
    NEWSLETTER,
    NOTE,
    POINTER,
    PROMOTION,
    SENTENCE_END,
    VOICE,
    WIDGET,
)
from .teasers import is_related_label, pointer_targets, related_lists, teaser_blocks
from ..thresholds import thresholds


@dataclass(frozen=True, slots=True)
class Furniture:
    """Indices of furniture lines; `appeals` are the donation appeals among them, which name
    the outlet."""

    lines: frozenset[int]
    appeals: frozenset[int]


def find_furniture(lines: list[str], candidates: list[int]) -> Furniture:
    """Furniture among `candidates` (indices of non-blank lines, in text order)."""
    found = {i for i in candidates if is_furniture_line(lines[i])}
    appeals = _appeal_runs(lines, candidates)
    found |= appeals
    found |= pointer_targets(lines, candidates, found)
    found |= related_lists(lines, candidates)
    found |= teaser_blocks(lines, [i for i in candidates if i not in found])
    return Furniture(frozenset(found), frozenset(appeals))


def is_furniture_line(line: str) -> bool:
    """Furniture recognisable from the line alone (rule 1)."""
    text = line.strip()
    n = len(text.split())
    if n == 0:
        return False
    if n <= thresholds().clean_widget_max_words and WIDGET.match(text):
        return True
    if sum(len(m.group()) for m in MARKUP.finditer(text)) >= thresholds().clean_markup_min_share * len(text):
        return True
    if n <= thresholds().clean_cta_max_words and (
        CALL_TO_ACTION.match(text)
        or NAVIGATION.match(text)
        or PROMOTION.search(text)
        or NOTE.match(text)
        or NEWSLETTER.search(text)
        or COOKIES.search(text)
        or POINTER.match(text)
    ):
        return True
    if n <= thresholds().clean_callout_max_words and CALLOUT.match(text):
        return True
    if is_related_label(text):
        return True
    # A notice glued to the end of a one-line article ('... © 2022 BBC. The BBC is not
    # responsible for ...') must not take the article with it: the notice has to open the line.
    opening = _first_sentence(text)
    if n <= thresholds().clean_legal_max_words and LEGAL.search(opening):
        return True
    return n <= thresholds().clean_disclaimer_max_words and DISCLAIMER.search(opening) is not None


def is_appeal(line: str) -> bool:
    """An appeal in the writer's own voice; '"They do not support us," she said' is reporting."""
    own = outside_quotes(line)
    return _in_voice(line) and APPEAL.search(own) is not None


def _in_voice(line: str) -> bool:
    """The outlet speaking to its readers: 'we', 'our', 'you', or an imperative appeal."""
    if len(line.split()) > thresholds().clean_appeal_max_words:
        return False
    return VOICE.search(outside_quotes(line)) is not None or IMPERATIVE_APPEAL.match(line) is not None


def _appeal_runs(lines: list[str], candidates: list[int]) -> set[int]:
    """Rule 2: runs of lines in the outlet's voice that hold at least one clear appeal."""
    out: set[int] = set()
    run: list[int] = []
    for i in [*candidates, None]:
        if i is not None and _in_voice(lines[i]):
            run.append(i)
            continue
        if any(is_appeal(lines[j]) for j in run):
            out.update(run)
        run = []
    return out


def _first_sentence(text: str) -> str:
    match = SENTENCE_END.search(text)
    return text[: match.end()] if match else text
