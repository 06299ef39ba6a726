"""Live blogs: stamped entries, and the day each bare time falls on.

An entry is a headline line, a stamp line (see `stamps`), then body lines up to the next entry.
Blogs print a full date on some stamps only (The Independent dates entries older than today and
prints a bare time on today's), so the day of a bare time comes from the blog as a whole:

    1. order     newest first or oldest first: from the dated stamps, else the direction in
                 which the least time passes (ties: newest first, the common layout)
    2. anchor    the dated stamps; with none, `published`, taken as the day the blog started
    3. walk      in time order from the last dated stamp before an entry (backward from the
                 oldest dated one for entries older than all), a day passes each time the clock
                 wraps (the next entry's time is well before the previous one's), and where a
                 page that dates only older entries passes from its dated block to its bare
                 'today' block

The walk runs on the page's clock, then each entry is converted to UTC if the blog names a zone.
A blog that nothing dates (no dated stamp, no `published`) keeps its entries but leaves
`posted_at` and `reference_date` None: a time without a day is not a `Timestamp`. The stamp line
stays in the entry's text, so `stamps.parse_stamp_line` can still recover the clock time.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from ..model import DateOrigin, DatePrecision, Segment, SegmentKind, Timestamp
from .lines import Line, is_closed_sentence, split_lines
from .stamps import Stamp, parse_stamp_line, stamp_datetime
from ..thresholds import thresholds

log = logging.getLogger(__name__)

_RELATIVE_TIME = re.compile(
    r"^(?:\d+\s*(?:s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?)\s+ago|just now)$", re.IGNORECASE
)

MINUTES_PER_DAY = 24 * 60


@dataclass(frozen=True, slots=True)
class _Entry:
    first_line: int  # the headline line, or the stamp line when the entry has no headline
    stamp: Stamp
    headline: str | None


def split_live_blog(doc_id: str, text: str, *, published: date | None = None) -> tuple[Segment, ...] | None:
    """A lead (if any text precedes the first entry) and the entries with their times, or None
    when the text has fewer than `MIN_ENTRIES` stamped entries."""
    lines = split_lines(text)
    # 1. stamp lines; two adjacent stamps that agree are one stamp printed twice ('9.01am GMT' / '09:01')
    found: list[tuple[int, int, Stamp]] = []  # first line, last line, stamp
    for i, line in enumerate(lines):
        stamp = parse_stamp_line(line.text)
        if stamp is None or stamp.page_level:
            continue
        if found and found[-1][1] == i - 1 and _same_moment(found[-1][2], stamp):
            found[-1] = (found[-1][0], i, _merge(found[-1][2], stamp))
            continue
        found.append((i, i, stamp))
    if len(found) < thresholds().segment_min_entries:
        return None
    # a relative time printed beside a stamp ('3h ago') belongs to it, never to a headline
    found = [
        (first - _relative(lines, first - 1), last + _relative(lines, last + 1), stamp) for first, last, stamp in found
    ]
    # 2. headlines: above the stamp (the seeds' layout) or below it, whichever the blog uses
    entries = _entries(lines, found)
    # 3. days
    days = resolve_days([e.stamp for e in entries], anchor=published)
    zone = _blog_zone([e.stamp for e in entries])
    segments: list[Segment] = []
    lead_end = entries[0].first_line
    resolved = [d for d in days if d is not None]
    newest_day = max(resolved) if resolved else published
    if any(line.text for line in lines[:lead_end]):
        start, end = _span(lines, 0, lead_end)
        segments.append(Segment(doc_id, 0, start, end, SegmentKind.LEAD, reference_date=newest_day))
    for n, (entry, day) in enumerate(zip(entries, days)):
        stop = entries[n + 1].first_line if n + 1 < len(entries) else len(lines)
        start, end = _span(lines, entry.first_line, stop)
        posted = None
        if day is not None:
            value = stamp_datetime(day, entry.stamp.clock, entry.stamp.zone or zone)
            posted = Timestamp(value, DatePrecision.MINUTE, DateOrigin.LIVEBLOG_STAMP)
        segments.append(
            Segment(
                doc_id,
                len(segments),
                start,
                end,
                SegmentKind.ENTRY,
                headline=entry.headline,
                posted_at=posted,
                author=entry.stamp.author,
                reference_date=day,  # the writer's day, on the page's clock: what 'yesterday' means
            )
        )
    return tuple(segments)


def resolve_days(stamps: Sequence[Stamp], *, anchor: date | None = None) -> tuple[date | None, ...]:
    """The day of each stamp, in text order, on the page's own clock.

    `anchor` is the day the blog started (its publication date); it is used only when no stamp
    carries a date. Dated stamps always win over the walk.
    """
    n = len(stamps)
    if n == 0:
        return ()
    written = _written_days(stamps, anchor)
    order = list(range(n))
    if _newest_first(stamps, written):
        order.reverse()
    # walk in time order; the first anchor is a dated stamp, else `anchor` on the oldest entry
    days: list[date | None] = [None] * n
    anchored = [k for k, i in enumerate(order) if written[i] is not None]
    if anchored:
        first = anchored[0]
        start_day = written[order[first]]
    elif anchor is not None:
        first, start_day = 0, anchor
    else:
        return tuple(days)
    days[order[first]] = start_day
    # Pages that print a date only on entries older than the day they were rendered (The
    # Independent) end in a block of bare times from a later day than every dated one.
    dated_then_today = len(anchored) >= thresholds().segment_min_dated_for_today_block and anchored[-1] == len(anchored) - 1 < n - 1
    # 3a. forward in time from the first anchor
    current = start_day
    for k in range(first + 1, n):
        i, prev = order[k], order[k - 1]
        if written[i] is not None:
            current = written[i]
        elif dated_then_today and written[prev] is not None:
            current += timedelta(days=1)
        elif _wrapped(stamps[prev].minutes, stamps[i].minutes):
            current += timedelta(days=1)
        days[i] = current
    # 3b. backward in time from it, for entries older than the first dated one
    current = start_day
    for k in range(first - 1, -1, -1):
        i, newer = order[k], order[k + 1]
        if _wrapped(stamps[i].minutes, stamps[newer].minutes):
            current -= timedelta(days=1)
        days[i] = current
    return tuple(days)


def _wrapped(earlier: int, later: int) -> bool:
    """Did midnight pass between two consecutive entries, given their minutes of the day?"""
    return earlier - later > thresholds().segment_max_out_of_order_minutes


def _written_days(stamps: Sequence[Stamp], anchor: date | None) -> list[date | None]:
    """Dates written on the stamps; a year-less date takes the year that puts it nearest the
    anchor (or the blog's fully dated stamps)."""
    full = [s.day for s in stamps if s.day is not None]
    near = anchor or (full[0] if full else None)
    out: list[date | None] = []
    for s in stamps:
        if s.day is not None:
            out.append(s.day)
        elif s.month_day is not None and near is not None:
            month, day = s.month_day
            options = []
            for year in (near.year - 1, near.year, near.year + 1):
                try:
                    options.append(date(year, month, day))
                except ValueError:  # 29 February outside a leap year
                    continue
            out.append(min(options, key=lambda d: abs((d - near).days)) if options else None)
        else:
            out.append(None)
    return out


def _newest_first(stamps: Sequence[Stamp], written: Sequence[date | None]) -> bool:
    """Dated stamps decide when they differ; else the reading that needs less time to pass.

    Read in the wrong direction, every gap g between entries becomes a day minus g, so the true
    direction is the one whose gaps average under twelve hours. This weighs a ten-minute step
    above a wrap at midnight, where counting steps up and down would call a tie.
    """
    dated = [(written[i], s.minutes) for i, s in enumerate(stamps) if written[i] is not None]
    down = sum(a > b for a, b in zip(dated, dated[1:]))
    up = sum(a < b for a, b in zip(dated, dated[1:]))
    if down != up:
        return down > up
    minutes = [s.minutes for s in stamps]
    forward = sum(_elapsed(a, b) for a, b in zip(minutes, minutes[1:]))
    backward = sum(_elapsed(b, a) for a, b in zip(minutes, minutes[1:]))
    return backward <= forward


def _elapsed(earlier: int, later: int) -> int:
    """Minutes from one entry to the next in time order; a small step back costs its size."""
    if later >= earlier:
        return later - earlier
    if earlier - later <= thresholds().segment_max_out_of_order_minutes:
        return earlier - later
    return later - earlier + MINUTES_PER_DAY


def _blog_zone(stamps: Sequence[Stamp]) -> str | None:
    """A page has one clock: stamps that name no zone share the zone the others name."""
    zones = Counter(s.zone for s in stamps if s.zone)
    return zones.most_common(1)[0][0] if zones else None


def _relative(lines: Sequence[Line], i: int) -> bool:
    return 0 <= i < len(lines) and _RELATIVE_TIME.match(lines[i].text) is not None


def _same_moment(a: Stamp, b: Stamp) -> bool:
    return a.minutes == b.minutes and not (a.author and b.author and a.author != b.author)


def _merge(a: Stamp, b: Stamp) -> Stamp:
    return Stamp(
        a.clock, a.day or b.day, a.month_day or b.month_day, a.zone or b.zone, a.author or b.author, a.prefix or b.prefix
    )


def _entries(lines: Sequence[Line], found: Sequence[tuple[int, int, Stamp]]) -> list[_Entry]:
    taken = {i for first, last, _ in found for i in range(first, last + 1)}

    def above(first: int) -> int | None:
        j = first - 1
        return j if j >= 0 and j not in taken and _headline_like(lines[j].text) else None

    def below(last: int) -> int | None:
        j = last + 1
        return j if j < len(lines) and j not in taken and _headline_like(lines[j].text) else None

    n_above = sum(above(first) is not None for first, _, _ in found)
    n_below = sum(below(last) is not None for _, last, _ in found)
    layout = None
    if n_above >= thresholds().segment_headline_layout_min_share * len(found) and n_above >= n_below:
        layout = "above"
    elif n_below >= thresholds().segment_headline_layout_min_share * len(found):
        layout = "below"
    log.debug("live blog: %d stamps, headline layout %s", len(found), layout)
    entries = []
    for first, last, stamp in found:
        if layout == "above" and (j := above(first)) is not None:
            entries.append(_Entry(j, stamp, lines[j].text))
        elif layout == "below" and (j := below(last)) is not None:
            entries.append(_Entry(first, stamp, lines[j].text))
        else:
            entries.append(_Entry(first, stamp, None))
    return entries


def _headline_like(text: str) -> bool:
    """An entry headline: a short line that is not a finished sentence of running text."""
    return (
        len(text.split()) >= thresholds().segment_min_entry_headline_words
        and len(text) <= thresholds().segment_max_entry_headline_chars
        and not is_closed_sentence(text)
    )


def _span(lines: Sequence[Line], first: int, stop: int) -> tuple[int, int]:
    """Offsets from the first non-blank line in [first, stop) to the end of the last one."""
    used = [line for line in lines[first:stop] if line.text]
    return used[0].start, used[-1].end
