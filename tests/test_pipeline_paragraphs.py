"""Where sentences may not run: line breaks, underscore rules, segment ends, stamp lines."""

from __future__ import annotations

from datetime import datetime

from wiretrail.clean.boilerplate import is_furniture_line
from wiretrail.model import DateOrigin, DatePrecision, Segment, SegmentKind, Timestamp
from wiretrail.pipeline import _paragraphs


def test_wire_notes_after_an_underscore_rule_are_their_own_paragraphs():
    text = "Crews cleared the road. ___ Follow EP's coverage of the flood at https://example.org/flood ___ Ana Ruiz contributed.\nNext."
    pieces = [text[a:b] for _, a, b in _paragraphs(text, [Segment("d", 0, 0, len(text))])]
    assert pieces == ["Crews cleared the road.", "Follow EP's coverage of the flood at https://example.org/flood", "Ana Ruiz contributed.", "Next."]
    assert is_furniture_line(pieces[1]) and not is_furniture_line(pieces[0])


def test_stamp_lines_and_bullets_of_an_entry_are_not_paragraphs():
    text = "Dam gates open\n09:14 , Mira Kovac\n-\nWater rose fast."
    stamp = Timestamp(datetime(2026, 3, 4, 9, 14), DatePrecision.MINUTE, DateOrigin.LIVEBLOG_STAMP)
    entry = Segment("d", 0, 0, len(text), SegmentKind.ENTRY, "Dam gates open", stamp, "Mira Kovac")
    assert [text[a:b] for _, a, b in _paragraphs(text, [entry])] == ["Dam gates open", "Water rose fast."]
