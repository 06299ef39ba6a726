"""Properties of the text parsers on generated input: headers and cleaning, stamp lines, live
blogs and segmenting, amounts, dates in sentences, figures.

For any text: no exception (these parsers have no bad input, only text they find nothing in),
every offset inside the text, the same answer twice, bounded CPU time. WIRETRAIL_SLOW=1 raises
the example counts.
"""

from __future__ import annotations

import os
import re
import time
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wiretrail.clean import clean_text
from wiretrail.clean.header import parse_header, split_published
from wiretrail.extract.figures import find_figures
from wiretrail.extract.numbers import find_amounts, parse_number
from wiretrail.extract.when import find_when
from wiretrail.model import DateOrigin, EntitySpan, RawDocument, SegmentKind, Timestamp
from wiretrail.segment import segment_document
from wiretrail.segment.liveblog import resolve_days
from wiretrail.segment.stamps import parse_stamp_line, stamp_datetime

SLOW = os.environ.get("WIRETRAIL_SLOW") == "1"
EXAMPLES = 400 if SLOW else 40
MAX_CPU_S_PER_INPUT = 5.0  # a generated text is < 3 KB and takes < 50 ms; margin for a loaded machine
PROPERTY = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])

_WORDS = [
    "the", "Kyiv", "said", "10,000", "troops", "on", "Friday", "3", "December", "2024", "09:01", "9.01am",
    "GMT", "BST", "+02:00", ",", ".", "-", "|", "By", "Jane", "Roe", "Published", "Updated", "last", "date",
    "2024-11-29", "$725m", "up", "to", "between", "and", "thousands", "of", "million", "two", "per", "cent",
    "%", "km", "yesterday", "overnight", "Monday", '"', "“", "”", "according", "é", "Ж", "مرحبا", "🙂",
    "\u200f", "\x00", "\n", "\n", "\n\n", "  ",
]  # fmt: skip
news_text = st.lists(st.sampled_from(_WORDS), max_size=120).map(" ".join) | st.text(max_size=500)


@st.composite
def live_blog(draw) -> str:
    """Entries with headlines, stamps in several styles, bodies; sometimes shuffled or broken."""
    lines = [draw(news_text)]
    for _ in range(draw(st.integers(0, 12))):
        hour, minute = draw(st.integers(0, 25)), draw(st.integers(0, 61))
        stamp = draw(st.sampled_from([
            f"{hour:02d}:{minute:02d}", f"{hour}.{minute:02d}am", f"{hour:02d}:{minute:02d} GMT , Jane Roe",
            f"{draw(st.integers(0, 32))} December 2024 {hour:02d}:{minute:02d}", f"Updated at {hour:02d}:{minute:02d} BST",
            f"By Jo Doe - {hour:02d}:{minute:02d}", "3h ago",
        ]))  # fmt: skip
        lines += [draw(st.sampled_from(["Strikes hit the city", "", "Breaking"])), stamp, draw(news_text)]
    return "\n".join(lines)


def _cpu(call):
    start = time.process_time()
    result = call()
    return result, time.process_time() - start


# -- headers and cleaning ---------------------------------------------------------------------


@PROPERTY
@given(news_text | st.builds(lambda d, t: f" date {d} {t}", st.dates().map(str), news_text))
def test_header_and_cleaning(text):
    lines = text.split("\n")
    header, cpu = _cpu(lambda: parse_header(lines))
    assert cpu < MAX_CPU_S_PER_INPUT
    assert header == parse_header(lines)
    assert header.line is None or 0 <= header.line < len(lines)
    split_published(lines[0])
    cleaned, cpu = _cpu(lambda: clean_text(RawDocument(source="generated", text=text)))
    assert cpu < MAX_CPU_S_PER_INPUT
    assert cleaned == clean_text(RawDocument(source="generated", text=text))
    # lines are kept or dropped, never edited (but for NULs): every clean line is an input line
    given_lines = {line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "").split("\n")}
    assert all(line in given_lines for line in cleaned.text.split("\n") if line)


@PROPERTY
@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31)), news_text.filter(lambda t: "\n" not in t))
def test_a_header_date_is_read_back(day, title):
    header = parse_header([f" date {day.isoformat()} {title}", "Body."])
    assert header.line == 0
    assert header.published is not None and header.published.day == day


# -- stamps and live blogs --------------------------------------------------------------------


@PROPERTY
@given(news_text)
def test_stamp_lines(line):
    stamp, cpu = _cpu(lambda: parse_stamp_line(line))
    assert cpu < MAX_CPU_S_PER_INPUT
    assert stamp == parse_stamp_line(line)
    if stamp is not None and stamp.day is not None:
        value = stamp_datetime(stamp.day, stamp.clock, stamp.zone)  # a zone the line names is one we know
        assert value.date() in (stamp.day - timedelta(days=1), stamp.day, stamp.day + timedelta(days=1))


@PROPERTY
@given(live_blog() | news_text, st.none() | st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 1, 1)))
def test_segments_cover_the_text_in_order(text, day):
    published = Timestamp.from_date(day, DateOrigin.HEADER) if day else None
    result, cpu = _cpu(lambda: segment_document("d", text, published=published))
    assert cpu < MAX_CPU_S_PER_INPUT
    assert result == segment_document("d", text, published=published)
    end = 0
    for n, seg in enumerate(result.segments):
        assert seg.index == n
        assert end <= seg.start <= seg.end <= len(text), f"segment {n} ({seg.start}, {seg.end}) of {len(text)}"
        assert not text[end : seg.start].strip(), f"text before segment {n} belongs to no segment"
        end = seg.end
    assert not text[end:].strip() or not result.segments
    if text.strip():
        assert result.segments, "a text with words has no segment"
    entries = [s for s in result.segments if s.kind is SegmentKind.ENTRY]
    if day is not None and entries:
        assert all(s.posted_at is not None for s in entries), "an anchored blog left an entry undated"


@PROPERTY
@given(st.lists(st.tuples(st.integers(0, 23), st.integers(0, 59)), min_size=1, max_size=40), st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 1, 1)))
def test_resolved_days_stay_near_the_anchor(clocks, anchor):
    """Every bare time falls within as many days of the anchor as there are entries."""
    from datetime import time as clock

    from wiretrail.segment.stamps import Stamp

    stamps = [Stamp(clock(h, m)) for h, m in clocks]
    days = resolve_days(stamps, anchor=anchor)
    assert days == resolve_days(stamps, anchor=anchor) and len(days) == len(stamps)
    assert all(d is not None and abs((d - anchor).days) <= len(stamps) for d in days)


# -- numbers, dates, figures -------------------------------------------------------------------


@PROPERTY
@given(news_text)
def test_amounts(text):
    amounts, cpu = _cpu(lambda: find_amounts(text))
    assert cpu < MAX_CPU_S_PER_INPUT
    assert amounts == find_amounts(text)
    for a in amounts:
        assert 0 <= a.start <= a.raw_start <= a.end <= len(text), a
        assert a.low is None or a.high is None or a.low <= a.high, a
    assert [a.start for a in amounts] == sorted(a.start for a in amounts)
    parse_number(text)


@PROPERTY
@given(st.integers(0, 10**15))
def test_written_numbers_are_read_back(n):
    text = f"{n:,}"
    (amount,) = find_amounts(f"There were {text} of them")
    assert amount.low == amount.high == n


@PROPERTY
@given(news_text, st.none() | st.dates(min_value=date(1, 2, 1), max_value=date(9999, 11, 30)))
def test_when(sentence, reference):
    found, cpu = _cpu(lambda: find_when(sentence, reference))
    assert cpu < MAX_CPU_S_PER_INPUT
    assert found == find_when(sentence, reference)
    if found is not None:
        assert 0 <= found.start <= found.end <= len(sentence)
        assert (found.day is None) == (found.precision is None)
        if reference is None:
            assert found.day is None or not found.relative, "a relative date resolved without a reference"


_NAME = re.compile(r"\b[A-Z][a-z]+ [A-Z][a-z]+\b")


@PROPERTY
@given(news_text)
def test_figures(text):
    sentences, pos = [], 0
    for line in text.split("\n"):
        if line.strip():
            sentences.append((pos, pos + len(line)))
        pos += len(line) + 1
    entities = [EntitySpan(m.start(), m.end(), m.group(), "PERSON") for m in _NAME.finditer(text)]
    figures, cpu = _cpu(lambda: find_figures(text, sentences, entities))
    assert cpu < MAX_CPU_S_PER_INPUT
    assert figures == find_figures(text, sentences, entities)
    for f in figures:
        assert 0 <= f.sentence_start <= f.start <= f.end <= f.sentence_end <= len(text), f
        assert text[f.start : f.end] == f.text
