"""When a sentence says something happened, resolved against the day its segment was written.

News dates events relative to the report: 'on Friday', 'yesterday', 'overnight', '29 November'.
A weekday is the latest such day on or before the report (news reports what happened); a date
without a year takes the year that puts it closest before the report. Without a report date a
relative expression cannot be resolved, and the result says so instead of guessing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from ..model import DatePrecision
from ..thresholds import thresholds

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = {
    m: i + 1
    for i, names in enumerate(
        [("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
         ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
         ("october", "oct"), ("november", "nov"), ("december", "dec")]
    )
    for m in names
}
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
DAY_MONTH = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTH})\.?(?:\s+(\d{{4}}))?\b", re.I)
MONTH_DAY = re.compile(rf"\b({_MONTH})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(\d{{4}}))?", re.I)
WEEKDAY = re.compile(rf"\b(?:on|last|this|since|late on|early on)?\s*({'|'.join(WEEKDAYS)})\b", re.I)
RELATIVE = {
    "yesterday": -1,
    "overnight": 0,
    "last night": -1,
    "today": 0,
    "this morning": 0,
    "this afternoon": 0,
    "this evening": 0,
    "tonight": 0,
    "earlier today": 0,
    "tomorrow": 1,
}
RELATIVE_RE = re.compile(r"\b(" + "|".join(sorted(RELATIVE, key=len, reverse=True)) + r")\b", re.I)


@dataclass(frozen=True, slots=True)
class WhenFound:
    """A resolved day (None when it cannot be resolved), its precision, and the words."""

    day: date | None
    precision: DatePrecision | None
    start: int
    end: int
    relative: bool


def find_when(sentence: str, reference: date | None) -> WhenFound | None:
    """The first time expression of a sentence, resolved; None when it has none."""
    found: list[WhenFound] = []
    for m in DAY_MONTH.finditer(sentence):
        found.append(_dated(int(m.group(1)), m.group(2), m.group(3), reference, m))
    for m in MONTH_DAY.finditer(sentence):
        found.append(_dated(int(m.group(2)), m.group(1), m.group(3), reference, m))
    for m in WEEKDAY.finditer(sentence):
        found.append(_weekday(m.group(1).lower(), reference, m))
    for m in RELATIVE_RE.finditer(sentence):
        shift = RELATIVE[m.group(1).lower()]
        day = reference + timedelta(days=shift) if reference else None
        found.append(WhenFound(day, DatePrecision.DAY if day else None, m.start(), m.end(), True))
    found = [f for f in found if f is not None]
    return min(found, key=lambda f: f.start) if found else None


def _dated(day: int, month: str, year: str | None, reference: date | None, m: re.Match) -> WhenFound | None:
    month_no = MONTHS.get(month.lower().rstrip("."))
    if month_no is None or not 1 <= day <= 31:
        return None
    if year:
        candidates = [int(year)]
    elif reference:
        candidates = [reference.year, reference.year - 1]
    else:
        return WhenFound(None, None, m.start(), m.end(), True)
    for y in candidates:
        try:
            resolved = date(y, month_no, day)
        except ValueError:
            return None
        if year or reference is None or resolved <= reference + timedelta(days=thresholds().dates_future_slack_days):
            return WhenFound(resolved, DatePrecision.DAY, m.start(), m.end(), not year)
    return None


def _weekday(name: str, reference: date | None, m: re.Match) -> WhenFound:
    if reference is None:
        return WhenFound(None, None, m.start(), m.end(), True)
    back = (reference.weekday() - WEEKDAYS.index(name)) % 7
    return WhenFound(reference - timedelta(days=back), DatePrecision.DAY, m.start(), m.end(), True)
