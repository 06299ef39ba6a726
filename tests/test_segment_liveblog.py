"""Live blogs: entries, headlines, authors, and the day each bare time falls on."""

from __future__ import annotations

from datetime import date, datetime, time, timezone

import pytest

from wiretrail.model import DocumentKind, SegmentKind, Timestamp
from wiretrail.segment import Segmentation, segment_document
from wiretrail.segment.liveblog import resolve_days
from wiretrail.segment.stamps import Stamp

DEC_3 = Timestamp.from_date(date(2024, 12, 3))


def assert_covers(text: str, result: Segmentation) -> None:
    """Segments in order, not overlapping, indexed from 0, with only whitespace between them."""
    pos = 0
    for n, seg in enumerate(result.segments):
        assert seg.index == n
        assert pos <= seg.start < seg.end <= len(text)
        assert not text[pos : seg.start].strip(), text[pos : seg.start]
        if seg.headline is not None:  # the stamp may come first in a stamp-first blog
            assert seg.headline in text[seg.start : seg.end].split("\n")[:3]
        pos = seg.end
    assert not text[pos:].strip()


def blog(*entries: tuple[str | None, str, str]) -> str:
    """Entries as (headline, stamp line, body) in the order given; None: no headline."""
    out = ["Summary of the day so far.", "Key Points"]
    for headline, stamp, body in entries:
        if headline:
            out.append(headline)
        out += [stamp, body]
    return "\n".join(out)


def entries(result: Segmentation):
    return [s for s in result.segments if s.kind is SegmentKind.ENTRY]


def times(result: Segmentation) -> list[str | None]:
    return [s.posted_at.isoformat() if s.posted_at else None for s in entries(result)]


def test_newest_first_with_dated_older_entries_like_the_independent():
    text = blog(
        ("Minister speaks in Brussels", "09:01 , Ana Li", "The minister said more is needed."),
        ("Sirens in the capital overnight", "01:00 , Ana Li", "Sirens sounded for an hour."),
        ("Talks end without a deal", "Tuesday 3 December 2024 23:59 , Ana Li", "The talks ended late."),
        ("Talks begin in the morning", "Tuesday 3 December 2024 09:56 , Jo Roe", "Delegations arrived."),
    )
    result = segment_document("d", text)
    assert result.kind is DocumentKind.LIVE_BLOG
    assert times(result) == ["2024-12-04T09:01", "2024-12-04T01:00", "2024-12-03T23:59", "2024-12-03T09:56"]
    assert [e.author for e in entries(result)] == ["Ana Li", "Ana Li", "Ana Li", "Jo Roe"]
    assert entries(result)[0].headline == "Minister speaks in Brussels"
    assert entries(result)[0].reference_date == date(2024, 12, 4)
    lead = result.segments[0]
    assert lead.kind is SegmentKind.LEAD and lead.reference_date == date(2024, 12, 4)
    assert_covers(text, result)


def test_oldest_first_without_dates_spans_three_days_from_published():
    text = blog(
        ("First", "18:00", "One."),
        ("Second", "22:30", "Two."),
        ("Third", "07:15", "Three."),
        ("Fourth", "21:00", "Four."),
        ("Fifth", "08:00", "Five."),
    )
    result = segment_document("d", text, published=DEC_3)
    assert times(result) == [
        "2024-12-03T18:00",
        "2024-12-03T22:30",
        "2024-12-04T07:15",
        "2024-12-04T21:00",
        "2024-12-05T08:00",
    ]


def test_newest_first_without_dates_puts_the_bottom_entry_on_published():
    text = blog(
        ("Fifth", "08:00", "Five."),
        ("Fourth", "21:00", "Four."),
        ("Third", "07:15", "Three."),
        ("Second", "22:30", "Two."),
        ("First", "18:00", "One."),
    )
    result = segment_document("d", text, published=DEC_3)
    assert times(result) == [
        "2024-12-05T08:00",
        "2024-12-04T21:00",
        "2024-12-04T07:15",
        "2024-12-03T22:30",
        "2024-12-03T18:00",
    ]


def test_several_dated_stamps_reset_the_walk():
    text = blog(
        ("D", "10:00", "d."),
        ("C", "5 December 2024 08:00", "c."),
        ("B", "23:00", "b."),
        ("A", "3 December 2024 22:00", "a."),
    )
    # B is newer than A (3 Dec 22:00) and shows 23:00: the same day, not the next
    assert times(segment_document("d", text)) == [
        "2024-12-05T10:00",
        "2024-12-05T08:00",
        "2024-12-03T23:00",
        "2024-12-03T22:00",
    ]


def test_a_blog_nothing_dates_keeps_its_entries_undated():
    text = blog(("B", "10:00 , Ana Li", "b."), ("A", "09:00 , Ana Li", "a."))
    result = segment_document("d", text)
    assert result.kind is DocumentKind.LIVE_BLOG
    assert times(result) == [None, None]
    assert all(e.reference_date is None and e.author == "Ana Li" for e in entries(result))


def test_zoned_stamps_are_converted_to_utc_and_the_day_stays_the_writers():
    text = blog(
        ("Late news", "00:30 EST", "b."),
        ("Evening news", "Tuesday 3 December 2024 23:30 EST", "a."),
    )
    result = segment_document("d", text)
    late, evening = entries(result)
    assert evening.posted_at.value == datetime(2024, 12, 4, 4, 30, tzinfo=timezone.utc)
    assert late.posted_at.value == datetime(2024, 12, 4, 5, 30, tzinfo=timezone.utc)
    assert (late.reference_date, evening.reference_date) == (date(2024, 12, 4), date(2024, 12, 3))


def test_stamps_without_a_zone_take_the_zone_the_blog_names():
    text = blog(("B", "10:00", "b."), ("A", "3 December 2024 09:00 BST", "a."))
    assert times(segment_document("d", text)) == ["2024-12-03T09:00+00:00", "2024-12-03T08:00+00:00"]


def test_twelve_hour_stamps_and_a_time_in_running_text():
    text = blog(
        ("Evening", "9.15pm", "At 9.01 sirens sounded, officials said.\n10:00 was the deadline they set."),
        ("Afternoon", "2:30 PM", "Talks went on."),
        ("Morning", "9.01am", "Markets opened."),
    )
    result = segment_document("d", text, published=DEC_3)
    assert times(result) == ["2024-12-03T21:15", "2024-12-03T14:30", "2024-12-03T09:01"]


def test_entries_without_headlines_start_at_their_stamp():
    text = "\n".join(["Lead paragraph.", "10:05", "Second update.", "More on it.", "09:40", "First update."])
    result = segment_document("d", text, published=DEC_3)
    assert [e.headline for e in entries(result)] == [None, None]
    assert text[entries(result)[0].start :].startswith("10:05")
    assert_covers(text, result)


def test_stamp_first_layout_takes_the_headline_below():
    text = "\n".join(
        ["9.05am GMT", "Talks resume", "Delegates met again.", "8.40am GMT", "Talks stall", "No progress."]
    )
    result = segment_document("d", text, published=DEC_3)
    assert [e.headline for e in entries(result)] == ["Talks resume", "Talks stall"]
    assert result.segments[0].kind is SegmentKind.ENTRY  # nothing precedes the first stamp
    assert text[entries(result)[1].start :].startswith("8.40am GMT")
    assert_covers(text, result)


def test_a_relative_time_beside_the_stamp_is_part_of_it():
    text = "\n".join(
        ["Key events", "Show key events only", "3h ago", "09.01 GMT", "Talks resume", "Delegates met.",
         "4h ago", "08.15 GMT", "Talks stall", "No progress."]
    )  # fmt: skip
    result = segment_document("d", text, published=DEC_3)
    assert [e.headline for e in entries(result)] == ["Talks resume", "Talks stall"]
    assert text[result.segments[0].start : result.segments[0].end] == "Key events\nShow key events only"
    assert text[entries(result)[1].start :].startswith("4h ago")


def test_a_stamp_printed_twice_is_one_entry():
    text = "\n".join(["9.05am GMT", "09:05", "Talks resume", "Delegates met.", "8.40am GMT", "08:40", "Talks stall", "No."])
    result = segment_document("d", text, published=DEC_3)
    assert times(result) == ["2024-12-03T09:05+00:00", "2024-12-03T08:40+00:00"]
    assert [e.headline for e in entries(result)] == ["Talks resume", "Talks stall"]


def test_an_entry_slightly_out_of_order_is_not_a_new_day():
    text = blog(("C", "11:00", "c."), ("B", "10:20", "b."), ("A2", "10:30", "a."), ("A1", "09:00", "a."))
    assert times(segment_document("d", text, published=DEC_3)) == [
        "2024-12-03T11:00",
        "2024-12-03T10:20",
        "2024-12-03T10:30",
        "2024-12-03T09:00",
    ]


def test_a_date_without_a_year_takes_the_nearest_year():
    text = blog(("B", "01:10", "b."), ("A", "31 December 23:50", "a."))
    published = Timestamp.from_date(date(2025, 1, 1))
    assert times(segment_document("d", text, published=published)) == ["2025-01-01T01:10", "2024-12-31T23:50"]


def test_one_stamp_is_not_a_blog():
    text = "Headline of a story\n09:01 , Ana Li\nThe story has one paragraph."
    assert segment_document("d", text).kind is DocumentKind.ARTICLE


def test_an_articles_published_and_updated_lines_are_not_entries():
    text = "Storm hits the coast\nPublished 3 December 2024 09:01 GMT\nLast updated 3 December 2024 11:30 GMT\nIt rained."
    result = segment_document("d", text)
    assert result.kind is DocumentKind.ARTICLE and len(result.segments) == 1


def test_updated_at_stamps_are_entries():
    text = blog(("B", "Updated at 10:00", "b."), ("A", "Updated at 09:00", "a."))
    assert times(segment_document("d", text, published=DEC_3)) == ["2024-12-03T10:00", "2024-12-03T09:00"]


@pytest.mark.parametrize("newest_first", [True, False])
def test_resolve_days_direction_from_bare_times(newest_first):
    clocks = [time(20), time(23), time(2), time(6), time(22), time(3)]
    want = [date(2024, 12, d) for d in (3, 3, 4, 4, 4, 5)]
    stamps = [Stamp(c) for c in clocks]
    if newest_first:
        stamps.reverse()
        want.reverse()
    assert resolve_days(stamps, anchor=date(2024, 12, 3)) == tuple(want)


def test_resolve_days_without_anything_to_anchor_on():
    assert resolve_days([Stamp(time(9)), Stamp(time(8))]) == (None, None)
    assert resolve_days([]) == ()


# -- the real live blog of the seed corpus --------------------------------------------------------


@pytest.fixture(scope="module")
def seed_004(seed_path, gold):
    """Seed 004 as the cleaner would hand it over: the republisher's disclaimer removed."""
    path = seed_path("004")
    furniture = gold["boilerplate"][path.name]
    lines = [x for x in path.read_text(encoding="utf-8").split("\n") if not x.startswith(tuple(furniture))]
    text = "\n".join(lines)
    (want,) = [d for d in gold["document"] if d["file"] == path.name]
    return text, segment_document("004", text), want


def test_seed_004_entries_match_the_gold(seed_004):
    text, result, want = seed_004
    assert result.kind is DocumentKind.LIVE_BLOG
    got = entries(result)
    assert len(got) == want["entries"]
    for key in ("first_entry", "entry_at_0100", "first_dated_entry", "last_entry"):
        matches = [
            e for e in got if e.headline == want[key]["headline"] and e.posted_at.value == datetime.fromisoformat(want[key]["at"])
        ]
        assert len(matches) == 1, key
        assert matches[0].author == want[key]["author"]
        assert matches[0].posted_at.precision.value == "minute"
        assert matches[0].posted_at.origin.value == "liveblog-stamp"
    assert got[0].headline == want["first_entry"]["headline"]
    assert got[-1].headline == want["last_entry"]["headline"]
    for repost in want["reposted"]:
        at = sorted(e.posted_at.isoformat() for e in got if e.headline == repost["headline"])
        assert at == sorted(repost["at"]), repost["headline"]


def test_seed_004_entries_are_complete_and_newest_first(seed_004):
    text, result, _ = seed_004
    got = entries(result)
    assert all(e.headline and e.author for e in got)
    assert all(e.reference_date == e.posted_at.day for e in got)
    values = [e.posted_at.value for e in got]
    assert all(a >= b for a, b in zip(values, values[1:]))
    assert result.segments[0].kind is SegmentKind.LEAD
    assert text[result.segments[0].start :].startswith("Russia took children")
    assert "Key Points" in text[result.segments[0].start : result.segments[0].end]
    assert not text[got[-1].end :].strip()
    assert_covers(text, result)
