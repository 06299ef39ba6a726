"""Pages without time stamps: sections start at their headlines.

A headline is a short, title-like line that does not end like a sentence, directly followed by
a body paragraph. The "directly followed" test is what keeps a kicker ('What you need to know'),
a title over its subtitle, and runs of embed or link titles from being taken for section starts:
in a run of headline-like lines only the last, the one over the body, opens a section.
Quotes and short body lines end in a period or a closing quote after one, so they stay body.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from ..model import Segment, SegmentKind
from .lines import Line, is_closed_sentence, split_lines
from ..thresholds import thresholds

_OPENERS = "\"'“‘«("
_REPORTED = re.compile(r"\b(?:said|told|added|wrote)\b", re.IGNORECASE)


def headline_lines(lines: Sequence[Line], *, title: str | None = None) -> list[int]:
    """Indexes of the lines that open a section."""
    out = []
    title_key = _key(title) if title else None
    for i, line in enumerate(lines):
        if not is_headline_like(line.text) or (title_key and _key(line.text) == title_key):
            continue
        nxt = next((other.text for other in lines[i + 1 :] if other.text), None)
        if nxt is not None and is_body_paragraph(nxt):
            out.append(i)
    return out


def is_headline_like(text: str) -> bool:
    words = text.split()
    if not thresholds().segment_min_headline_words <= len(words) <= thresholds().segment_max_headline_words or len(text) > thresholds().segment_max_headline_chars:
        return False
    first = text.lstrip(_OPENERS)[:1]
    if not (first.isupper() or first.isdigit()) or is_closed_sentence(text):
        return False
    # a line ending in a quotation is body ('...the mayor said "enough"'); British headlines
    # end in scare quotes ("Putin 'not interested in peace'") but report in the present tense
    if text[-1] in "\"”»":
        return False
    return not (text[-1] in "'’" and _REPORTED.search(text))


def is_body_paragraph(text: str) -> bool:
    """A finished sentence, or a line too long to be a headline."""
    return is_closed_sentence(text) or len(text.split()) > thresholds().segment_max_headline_words


def split_sections(
    doc_id: str, text: str, *, reference_date: date | None = None, title: str | None = None
) -> tuple[Segment, ...] | None:
    """A lead (if any text precedes the first headline) and one segment per section, or None
    when the page has fewer than `MIN_SECTIONS` headlines."""
    lines = split_lines(text)
    starts = headline_lines(lines, title=title)
    if len(starts) < thresholds().segment_min_sections:
        return None
    segments: list[Segment] = []
    if any(line.text for line in lines[: starts[0]]):
        start, end = _span(lines, 0, starts[0])
        segments.append(Segment(doc_id, 0, start, end, SegmentKind.LEAD, reference_date=reference_date))
    for n, first in enumerate(starts):
        stop = starts[n + 1] if n + 1 < len(starts) else len(lines)
        start, end = _span(lines, first, stop)
        segments.append(
            Segment(
                doc_id,
                len(segments),
                start,
                end,
                SegmentKind.SECTION,
                headline=lines[first].text,
                reference_date=reference_date,
            )
        )
    return tuple(segments)


def _span(lines: Sequence[Line], first: int, stop: int) -> tuple[int, int]:
    used = [line for line in lines[first:stop] if line.text]
    return used[0].start, used[-1].end


def _key(text: str) -> str:
    return " ".join(text.casefold().split())
