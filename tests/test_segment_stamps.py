"""Stamp lines: the styles live blogs print, lines that only mention a time, and properties."""

from __future__ import annotations

from datetime import date, datetime, time, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wiretrail.segment.stamps import Stamp, parse_stamp_line, stamp_datetime, zone_info


@pytest.mark.parametrize(
    ("line", "clock", "day", "zone", "author"),
    [
        ("09:01 , Jane Roe", time(9, 1), None, None, "Jane Roe"),
        ("Tuesday 3 December 2024 23:59 , Jane Roe", time(23, 59), date(2024, 12, 3), None, "Jane Roe"),
        ("9.01am", time(9, 1), None, None, None),
        ("9.01pm", time(21, 1), None, None, None),
        ("12.05am", time(0, 5), None, None, None),
        ("9:01 AM", time(9, 1), None, None, None),
        ("9:01 p.m. ET", time(21, 1), None, "ET", None),
        ("9am GMT", time(9, 0), None, "GMT", None),
        ("09:01 GMT", time(9, 1), None, "GMT", None),
        ("09:01 BST", time(9, 1), None, "BST", None),
        ("09:01 CET", time(9, 1), None, "CET", None),
        ("09:01 EST", time(9, 1), None, "EST", None),
        ("09:01 (GMT)", time(9, 1), None, "GMT", None),
        ("09:01 GMT+2", time(9, 1), None, "GMT+2", None),
        ("3 December 2024 23:59", time(23, 59), date(2024, 12, 3), None, None),
        ("Tue 3 Dec 2024 23.59 GMT", time(23, 59), date(2024, 12, 3), "GMT", None),
        ("Dec 3, 2024 11:59 PM", time(23, 59), date(2024, 12, 3), None, None),
        ("December 3, 2024 at 11:59 p.m. ET", time(23, 59), date(2024, 12, 3), "ET", None),
        ("2024-12-03 23:59", time(23, 59), date(2024, 12, 3), None, None),
        ("2024-12-03T23:59Z", time(23, 59), date(2024, 12, 3), "Z", None),
        ("2024-12-03 23:59+01:00", time(23, 59), date(2024, 12, 3), "UTC+01:00", None),
        ("09:01 GMT, 3 Dec 2024", time(9, 1), date(2024, 12, 3), "GMT", None),
        ("09:01", time(9, 1), None, None, None),
        ("09:01 - Jane Roe", time(9, 1), None, None, "Jane Roe"),
        ("09:01 – Jane Roe", time(9, 1), None, None, "Jane Roe"),
        ("09:01 | Jane Roe", time(9, 1), None, None, "Jane Roe"),
        ("09:01 By Jane Roe", time(9, 1), None, None, "Jane Roe"),
        ("By Jane Roe, 09:01", time(9, 1), None, None, "Jane Roe"),
        ("09:01 , Jane Roe and John Doe", time(9, 1), None, None, "Jane Roe and John Doe"),
        ("  09:01 ,  Jane   Roe ", time(9, 1), None, None, "Jane Roe"),
    ],
)
def test_stamp_styles(line, clock, day, zone, author):
    assert parse_stamp_line(line) == Stamp(clock, day, None, zone, author)


@pytest.mark.parametrize(
    ("line", "prefix", "page_level"),
    [
        ("Updated at 09:01", "updated", False),
        ("Posted: 09:01 BST", "posted", False),
        ("Published 3 December 2024 09:01 GMT", "published", True),
        ("Last updated: 3 Dec 2024 11:30", "last updated", True),
    ],
)
def test_prefixes_are_kept_and_page_dates_marked(line, prefix, page_level):
    stamp = parse_stamp_line(line)
    assert (stamp.prefix, stamp.page_level) == (prefix, page_level)


def test_a_date_without_a_year_is_kept_for_the_resolver():
    assert parse_stamp_line("3 December 09:01") == Stamp(time(9, 1), None, (12, 3))


@pytest.mark.parametrize(
    "line",
    [
        "at 09:01 the sirens sounded across the city.",
        "09:01 the sirens sounded",
        "09:01 - Sirens sound in the capital",
        "10.25 per cent of voters",
        "12.5",
        "2024",
        "3 December 2024",
        "23:61",
        "24:00",
        "13:00 pm",
        "31 February 2024 10:00",
        "09:01 XYZ",
        "The meeting starts at 09:01 , officials said",
        "",
        "Key Points",
    ],
)
def test_lines_that_are_not_stamps(line):
    assert parse_stamp_line(line) is None


def test_stamp_datetime_is_naive_without_a_zone_and_utc_with_one():
    assert stamp_datetime(date(2024, 12, 3), time(23, 59), None) == datetime(2024, 12, 3, 23, 59)
    assert stamp_datetime(date(2024, 12, 3), time(23, 30), "EST") == datetime(2024, 12, 4, 4, 30, tzinfo=timezone.utc)
    assert stamp_datetime(date(2024, 7, 1), time(9, 0), "BST") == datetime(2024, 7, 1, 8, 0, tzinfo=timezone.utc)
    # ET follows daylight saving: UTC-4 in July, UTC-5 in December
    assert stamp_datetime(date(2024, 7, 1), time(9, 0), "ET").hour == 13
    assert stamp_datetime(date(2024, 12, 1), time(9, 0), "ET").hour == 14


def test_unknown_zone_names_the_choices():
    with pytest.raises(ValueError, match="GMT"):
        zone_info("XYZ")


# -- properties ---------------------------------------------------------------------------------


@settings(max_examples=400)
@given(st.text(max_size=150))
def test_random_text_never_crashes(text):
    result = parse_stamp_line(text)
    assert result is None or isinstance(result, Stamp)


@settings(max_examples=200)
@given(st.text(alphabet="0123456789:. ,-apmAPMGTBSUCEdecDecTuesday", max_size=40))
def test_stamp_like_noise_never_crashes(text):
    parse_stamp_line(text)


_MONTHS = "January February March April May June July August September October November December".split()
_WEEKDAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
_NAMES = st.lists(st.sampled_from(["Jane", "Roe", "Ana", "Li", "O’Neill", "Müller", "Kovač"]), min_size=1, max_size=3)


@st.composite
def stamps(draw):
    clock = time(draw(st.integers(0, 23)), draw(st.integers(0, 59)))
    day = draw(st.none() | st.dates(date(1990, 1, 1), date(2060, 12, 31)))
    zone = draw(st.sampled_from([None, "GMT", "BST", "CET", "EST", "ET", "UTC"]))
    author = draw(st.none() | _NAMES.map(" ".join))
    h12 = clock.hour % 12 or 12
    ap = "am" if clock.hour < 12 else "pm"
    time_text = draw(
        st.sampled_from(
            [
                f"{clock.hour:02d}:{clock.minute:02d}",
                f"{clock.hour}.{clock.minute:02d}",
                f"{h12}:{clock.minute:02d} {ap.upper()}",
                f"{h12}.{clock.minute:02d}{ap}",
            ]
        )
    )
    if zone:
        time_text += f" {zone}"
    text = time_text
    if day is not None:
        style = draw(st.integers(0, 3))
        month = _MONTHS[day.month - 1]
        if style == 0:
            text = f"{_WEEKDAYS[day.weekday()]} {day.day} {month} {day.year} {time_text}"
        elif style == 1:
            text = f"{month[:3]} {day.day}, {day.year} {time_text}"
        elif style == 2:
            text = f"{day.isoformat()} {time_text}"
        else:
            text = f"{time_text}, {day.day} {month} {day.year}"
    prefix = draw(st.sampled_from([None, "updated", "posted", "last updated"]))
    if prefix:
        text = f"{prefix.capitalize()} at {text}"
    if author:
        text += draw(st.sampled_from([" , ", " - ", ", ", " By ", " | "])) + author
    return text, Stamp(clock, day, None, zone, author, prefix)


@settings(max_examples=500)
@given(stamps())
def test_generated_stamps_round_trip(case):
    text, want = case
    assert parse_stamp_line(text) == want
