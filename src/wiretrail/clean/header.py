"""The header: a leading ' date YYYY-MM-DD <title>' line, 'Published ...' stamps, the headline.

Flattened pages often carry their date and title in a first line that the flattener wrote
(` date 2024-11-29 Ukraine updates: ...`), sometimes with the page's own 'Published <date>last
updated <date>' glued to the title without a separator. That line is metadata, not text: it is
parsed and kept out of the clean text. A headline that opens the text itself stays in the text
(the segmenter may need it) and is only reported as the title.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from ..model import DateOrigin, DatePrecision, Timestamp
from ..thresholds import thresholds

# ' date 2024-11-29 Title ...' (the leading space is optional: editors strip it)
_HEADER = re.compile(r"^\s?date\s+(\d{4})-(\d{2})-(\d{2})\b[ \t]*(.*)$")
# 'Published <date>' / 'last updated <date>' / 'Updated <date>', possibly glued to the text
# before it ('North KoreaPublished November 29, 2024last updated November 29, 2024').
_PUBLISHED = re.compile(r"(?:(?<=[^\W\d_])|\s|^)Published:?\s+(?P<date>.+?)\s*$")
_UPDATED = re.compile(r"(?i)(?:last\s+)?updated:?\s+(?P<date>.+?)\s*$")
_STAMP_SPLIT = re.compile(r"(?i)(?<=\S)\s*(?=(?:last\s+)?updated:?\s)")
_STAMP_LINE = re.compile(r"(?i)(?:first\s+)?published\b|(?:last\s+)?updated\b")
_CLOCK = re.compile(r"\d{1,2}[:.]\d{2}")
_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")

# Settings that make dateparser read only what is written: absolute dates with day, month and
# year, never a guess relative to today ('yesterday', 'Friday') and no day invented. The fixed
# RELATIVE_BASE keeps the result independent of the clock should anything relative slip through.
_DATEPARSER_SETTINGS = {
    "STRICT_PARSING": True,
    "REQUIRE_PARTS": ["day", "month", "year"],
    "PARSERS": ["custom-formats", "absolute-time"],
    "PREFER_DAY_OF_MONTH": "first",
    "PREFER_DATES_FROM": "past",
    "RELATIVE_BASE": datetime(2000, 1, 1),
}

_TERMINAL = ".;,:"  # a headline may end in ? or ! or a quote, never in a full stop or comma


@dataclass(frozen=True, slots=True)
class Header:
    """What a header line said; `line` is its index, None when no line of its own held it."""

    line: int | None = None
    title: str | None = None
    published: Timestamp | None = None
    updated: Timestamp | None = None


def parse_header(lines: list[str]) -> Header:
    """Read a leading ' date YYYY-MM-DD <title>' line (the first non-blank line only)."""
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        return Header()
    match = _HEADER.match(lines[first])
    if match is None:
        return Header()
    year, month, day, rest = match.groups()
    try:
        header_day = date(int(year), int(month), int(day))
    except ValueError:
        return Header()
    published = Timestamp.from_date(header_day, DateOrigin.HEADER)
    stamped = split_published(rest)
    if stamped.published is not None and stamped.published.day == header_day:
        published = stamped.published  # the same day, perhaps with the time of day as well
    return Header(first, stamped.title, published, stamped.updated)


def split_published(text: str) -> Header:
    """Split 'Title Published <date> last updated <date>' into the title and its two dates.

    The split is taken only when the date parses, so a headline that merely contains the word
    ('Report Published Today ...') is left whole.
    """
    match = _PUBLISHED.search(text)
    if match is not None:
        published_part, *updated_part = _STAMP_SPLIT.split(match.group("date"), maxsplit=1)
        published = parse_date(published_part)
        if published is not None:
            upd = _UPDATED.match(updated_part[0].strip()) if updated_part else None
            updated = parse_date(upd.group("date")) if upd else None
            return Header(None, text[: match.start()].strip() or None, published, updated)
    upd = _UPDATED.search(text)
    updated = parse_date(upd.group("date")) if upd else None
    if upd is not None and updated is not None:
        return Header(None, text[: upd.start()].strip() or None, None, updated)
    return Header(None, text.strip() or None)


def parse_date(text: str) -> Timestamp | None:
    """An absolute date as written ('November 29, 2024', '3 Dec 2024 10:30 GMT'), else None."""
    text = text.strip(" ,|-–—")
    if not _YEAR.search(text):
        return None
    import dateparser  # imported here: loading its language data costs time most texts never need

    value = dateparser.parse(text, languages=["en"], settings=_DATEPARSER_SETTINGS)
    if value is None:
        return None
    if _CLOCK.search(text):
        return Timestamp(value, DatePrecision.MINUTE, DateOrigin.HEADER)
    return Timestamp(datetime(value.year, value.month, value.day), DatePrecision.DAY, DateOrigin.HEADER)


def find_published_line(lines: list[str], kept: list[int]) -> Header | None:
    """A standalone 'Published <date> [Updated <date>]' line near the top, with its dates."""
    for i in kept[:thresholds().clean_published_line_search]:
        line = lines[i].strip()
        if not _STAMP_LINE.match(line) or len(line.split()) > thresholds().clean_title_max_words:
            continue
        stamped = split_published(line)
        if stamped.title is None and (stamped.published or stamped.updated):
            return Header(i, None, stamped.published, stamped.updated)
    return None


def looks_like_headline(line: str) -> bool:
    """Short, capitalised, and not ending like a sentence or a clause: a headline."""
    text = line.strip()
    words = text.split()
    if not thresholds().clean_title_min_words <= len(words) <= thresholds().clean_title_max_words or len(text) > thresholds().clean_title_max_chars:
        return False
    if not text[0].isupper() and not text[0].isdigit() and text[0] not in "\"“‘'":
        return False
    if text[-1] in _TERMINAL or _CLOCK.fullmatch(words[0]):
        return False
    return sum(c.isalpha() for c in text) >= len(text) / 2  # not a row of figures or symbols


def guess_title(lines: list[str], kept: list[int]) -> str | None:
    """The first kept line, when it reads like a headline: it stays in the text."""
    for i in kept[:thresholds().clean_title_search_lines]:
        if lines[i].strip():
            return lines[i].strip() if looks_like_headline(lines[i]) else None
    return None
