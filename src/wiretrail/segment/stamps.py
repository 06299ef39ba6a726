"""Live-blog time-stamp lines: `09:01 , Jabed Ahmed`, `Tuesday 3 December 2024 23:59`, `9.01am GMT`.

A stamp line is short and stands alone: an optional prefix (`Updated at`), an optional date, a
clock time, an optional zone, an optional date after the time, and an optional author after a
separator (` , `, ` - `, ` | `) or `By`. Anything else on the line makes it not a stamp, so
"09:01 the sirens sounded" or a paragraph that mentions a time is never taken for one.

Only what the line says is parsed here; which day a bare time falls on is decided by
`liveblog.resolve_days`, which sees the whole blog. Not supported: relative stamps (`3h ago`),
weekday-only stamps (`Tuesday 09:01`: the weekday is ignored), numeric dates with slashes
(`03/12/2024` is day-first in the UK and month-first in the US).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo
from ..thresholds import thresholds


_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip

# Fixed offsets for abbreviations that name one side of daylight saving; the generic US names
# (ET, CT, ...) follow the calendar, so they go through the tz database.
_FIXED_ZONES = {
    "GMT": 0, "UTC": 0, "Z": 0, "WET": 0, "BST": 60, "IST": 60, "WEST": 60, "CET": 60,
    "CEST": 120, "EET": 120, "EEST": 180, "MSK": 180, "EST": -300, "EDT": -240, "CST": -360,
    "CDT": -300, "MST": -420, "MDT": -360, "PST": -480, "PDT": -420, "KST": 540, "JST": 540,
    "AEST": 600, "AEDT": 660,
}  # fmt: skip
_CALENDAR_ZONES = {
    "ET": "America/New_York", "CT": "America/Chicago", "MT": "America/Denver",
    "PT": "America/Los_Angeles",
}  # fmt: skip
ZONES = frozenset(_FIXED_ZONES) | frozenset(_CALENDAR_ZONES)

_WEEKDAY = r"(?:mon|tue|wed|thu|fri|sat|sun)[a-z]{0,6}\.?,?"
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]{0,6}\.?"
_ORD = r"(?:st|nd|rd|th)?"


def _date_pattern(p: str) -> str:
    """A written date; group names carry the prefix `p` so the pattern can appear twice."""
    return (
        rf"(?:(?P<{p}d>\d{{1,2}}){_ORD}\s+(?:of\s+)?(?P<{p}mon>{_MONTH})(?:,?\s+(?P<{p}y>\d{{4}}))?"
        rf"|(?P<{p}mon2>{_MONTH})\s+(?P<{p}d2>\d{{1,2}}){_ORD}(?:,?\s+(?P<{p}y2>\d{{4}}))?"
        rf"|(?P<{p}iy>\d{{4}})-(?P<{p}im>\d{{2}})-(?P<{p}id>\d{{2}}))"
    )


_TIME = (
    r"(?:(?P<h>\d{1,2})[:.](?P<m>[0-5]\d)(?::[0-5]\d)?|(?P<h12>\d{1,2})(?=\s*[ap]\.?\s?m))"
    r"(?:\s*(?P<ap>[ap])\.?\s?m\.?(?![a-z]))?"
)
_ZONE_NAMES = "|".join(sorted(ZONES, key=len, reverse=True))
_ZONE = (
    rf"\(?(?-i:(?P<zone>{_ZONE_NAMES}))(?P<off>[+-]\d{{1,2}}(?::?\d{{2}})?)?\)?(?![A-Za-z])"
    r"|(?P<isooff>[+-]\d{2}:?\d{2})"
)
_PREFIX = r"(?:(?P<prefix>(?:last\s+|first\s+)?(?:updated|posted|published|added|modified))(?:\s+(?:at|on))?:?\s+)"
# 'Published 3 December 2024 09:01' heads a page: it dates the page, not an entry of a blog
PAGE_PREFIXES = frozenset({"published", "first published", "last updated", "last modified", "modified"})
_SEP = r"[,|•·–—-]"

_STAMP = re.compile(
    rf"""^{_PREFIX}?
    (?:{_WEEKDAY}\s+)?
    (?:{_date_pattern("a")}(?:T|\s*(?:{_SEP}|at)?\s*))?
    {_TIME}
    (?:\s*(?:{_ZONE}))?
    (?:(?:\s*{_SEP}|\s+on)?\s+(?:{_WEEKDAY}\s+)?{_date_pattern("b")})?
    (?P<rest>.*)$""",
    re.IGNORECASE | re.VERBOSE,
)
_BYLINE_FIRST = re.compile(rf"^by\s+(?P<author>[^,|•·–—]+?)\s*{_SEP}\s*(?P<stamp>.+)$", re.IGNORECASE)
_AUTHOR_REST = re.compile(rf"^\s*(?:(?:{_SEP}+\s*)(?:by\s+)?|by\s+)(?P<name>.+?)\s*$", re.IGNORECASE)
_NAME_PARTICLES = frozenset("and & de da di du del der den van von bin al el la le y".split())
_NOT_IN_NAMES = re.compile(r"[\d:;!?\"“”()\[\]/@#]")


@dataclass(frozen=True, slots=True)
class Stamp:
    """What one stamp line says: the clock time as written, and the date if the line gives one.

    `clock` is on the page's own clock (`zone`, when the line names one, says which);
    `month_day` holds a date written without a year, for the resolver to complete.
    """

    clock: time
    day: date | None = None
    month_day: tuple[int, int] | None = None
    zone: str | None = None
    author: str | None = None
    prefix: str | None = None  # 'updated', 'posted', 'last updated', ...: lowercased

    @property
    def page_level(self) -> bool:
        """A 'Published ...' or 'Last updated ...' line: the page's date, not an entry's."""
        return self.prefix in PAGE_PREFIXES

    @property
    def minutes(self) -> int:
        return self.clock.hour * 60 + self.clock.minute


def parse_stamp_line(line: str) -> Stamp | None:
    """The stamp a standalone line carries, or None when the line is anything else."""
    line = " ".join(line.split())
    if not line or len(line) > thresholds().segment_max_stamp_line_chars or not any(c.isdigit() for c in line):
        return None
    byline = _BYLINE_FIRST.match(line)
    if byline and _looks_like_name(byline["author"]):
        inner = _parse(byline["stamp"])
        if inner is not None and inner.author is None:
            return Stamp(inner.clock, inner.day, inner.month_day, inner.zone, byline["author"], inner.prefix)
    return _parse(line)


def _parse(line: str) -> Stamp | None:
    m = _STAMP.match(line)
    if m is None:
        return None
    clock = _clock(m)
    if clock is None:
        return None
    author = None
    rest = m["rest"].strip()
    if rest:
        named = _AUTHOR_REST.match(rest)
        if named is None or not _looks_like_name(named["name"]):
            return None
        author = named["name"]
    zone = _zone(m)
    if zone is _BAD:
        return None
    written = _written_date(m, "a")
    after = _written_date(m, "b")
    if written is _BAD or after is _BAD or (written and after):
        return None
    written = written or after
    day = written if isinstance(written, date) else None
    month_day = written if isinstance(written, tuple) else None
    prefix = " ".join(m["prefix"].lower().split()) if m["prefix"] else None
    return Stamp(clock, day, month_day, zone, author, prefix)


_BAD = object()  # a part that is present but impossible (31 February, zone 'XYZ')


def _clock(m: re.Match) -> time | None:
    hour = int(m["h"] if m["h"] is not None else m["h12"])
    minute = int(m["m"] or 0)
    if m["ap"]:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if m["ap"].lower() == "p" else 0)
    if hour > 23:
        return None
    return time(hour, minute)


def _zone(m: re.Match) -> str | None | object:
    """A zone key for `zone_info`: an abbreviation, optionally with an offset ('GMT+1')."""
    if m["isooff"]:
        key = "UTC" + m["isooff"]
    elif not m["zone"]:
        return None
    else:
        name = m["zone"].upper()
        if name not in ZONES:
            return _BAD
        key = name + (m["off"] or "")
    try:  # 'GMT+99' (a day and more) or 'ET+1' (a calendar zone with an offset) names no clock
        zone_info(key)
    except ValueError:  # found by fuzz/fuzz_stamps.py: stamp_datetime raised on such a stamp
        return _BAD
    return key


def _written_date(m: re.Match, p: str):
    """A `date`, a (month, day) pair when the year is missing, None, or _BAD."""
    if m[f"{p}iy"]:
        year, month, day = int(m[f"{p}iy"]), int(m[f"{p}im"]), int(m[f"{p}id"])
    elif m[f"{p}mon"] or m[f"{p}mon2"]:
        word = (m[f"{p}mon"] or m[f"{p}mon2"]).lower().rstrip(".")
        month = _MONTHS.get(word[:3])
        if month is None or not _is_month_word(word):
            return _BAD
        day = int(m[f"{p}d"] or m[f"{p}d2"])
        year_text = m[f"{p}y"] or m[f"{p}y2"]
        if year_text is None:
            try:
                date(2024, month, day)  # a leap year: 29 February is a valid year-less date
            except ValueError:
                return _BAD
            return (month, day)
        year = int(year_text)
    else:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return _BAD


_MONTH_NAMES = (
    "january february march april may june july august september october november december"
).split()


def _is_month_word(word: str) -> bool:
    """'Dec', 'December', 'Sept' are months; 'Decision' is not."""
    return any(full.startswith(word) for full in _MONTH_NAMES) or word == "sept"


def _looks_like_name(text: str) -> bool:
    """A byline: a few capitalised words, possibly several names joined by 'and' or commas."""
    if len(text) > thresholds().segment_max_stamp_line_chars or _NOT_IN_NAMES.search(text):
        return False
    for name in re.split(r"\s*,\s*", text.strip()):
        words = name.split()
        if not words or len(words) > thresholds().segment_max_author_words:
            return False
        if words[0].lower() in ("and", "&") or words[-1].lower() in _NAME_PARTICLES:
            return False
        for word in words:
            if word.lower() in _NAME_PARTICLES or word.lower().startswith(("al-", "el-")):
                continue
            if not word[0].isupper():
                return False
    return True


def zone_info(zone: str) -> tzinfo:
    """The tzinfo a zone key names: 'GMT', 'BST', 'ET', 'GMT+1', 'UTC+02:00'."""
    m = re.fullmatch(r"([A-Z]{1,4})(?:([+-])(\d{1,2})(?::?(\d{2}))?)?", zone)
    if m is None:
        raise ValueError(f"unknown zone {zone!r}; known: {', '.join(sorted(ZONES))}")
    name, sign, hours, minutes = m.groups()
    if name in _CALENDAR_ZONES and not sign:
        return ZoneInfo(_CALENDAR_ZONES[name])
    if name not in _FIXED_ZONES:
        raise ValueError(f"unknown zone {zone!r}; known: {', '.join(sorted(ZONES))}")
    offset = _FIXED_ZONES[name]
    if sign:
        offset += (1 if sign == "+" else -1) * (int(hours) * 60 + int(minutes or 0))
    return timezone(timedelta(minutes=offset))


def stamp_datetime(day: date, clock: time, zone: str | None) -> datetime:
    """Naive on the page's own clock when no zone is known; in UTC when one is."""
    local = datetime.combine(day, clock)
    if zone is None:
        return local
    return local.replace(tzinfo=zone_info(zone)).astimezone(timezone.utc)
