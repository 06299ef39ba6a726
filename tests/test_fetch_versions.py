"""Entry keys and the diff between two versions of a page (pure: no store, no network)."""

from __future__ import annotations

from datetime import datetime

from wiretrail.fetch.versions import diff_entries, entry_key, entry_states
from wiretrail.model import DatePrecision, DateOrigin, Segment, SegmentKind, Timestamp
from wiretrail.store.sources import EntryChange


def stamp(hour: int, minute: int) -> Timestamp:
    return Timestamp(datetime(2024, 12, 3, hour, minute), DatePrecision.MINUTE, DateOrigin.LIVEBLOG_STAMP)


def page(*entries: tuple[Timestamp | None, str, str | None]) -> tuple[str, list[Segment]]:
    """Text and ENTRY segments of (time, text, author) entries."""
    text, segments = "", []
    for i, (at, body, author) in enumerate(entries):
        start = len(text)
        text += body + "\n"
        segments.append(Segment("d", i, start, start + len(body), SegmentKind.ENTRY, posted_at=at, author=author))
    return text, segments


def test_keys_survive_edits_and_tie_break_by_order():
    text, segs = page((stamp(9, 1), "One.", "Ana Li"), (stamp(9, 1), "Two.", "Ana Li"), (None, "Three.", None))
    assert [s.key for s in entry_states(text, segs)] == [
        "entry|2024-12-03T09:01|Ana Li", "entry|2024-12-03T09:01|Ana Li|2", "entry|#2",
    ]  # fmt: skip
    headed = Segment("d", 0, 0, 4, SegmentKind.SECTION, headline="  Talks  END ")
    assert entry_key(headed) == "section|talks end"


def test_diff_names_each_change_and_ignores_reflowed_whitespace():
    old_text, old_segs = page((stamp(9, 1), "Sirens   sounded.", "A"), (stamp(10, 15), "Talks ended after six hours.", "B"))
    previous = {
        s.key: EntryChange(s.key, "added", "v1", s.segment_index, s.text_hash) for s in entry_states(old_text, old_segs)
    }
    new_text, new_segs = page((stamp(11, 40), "Convoy crossed.", "A"), (stamp(10, 15), "Talks ended after nine hours.", "B"))
    changes = diff_entries(previous, entry_states(new_text, new_segs), "v2")
    assert sorted((c.entry_key, c.change, c.segment_index) for c in changes) == [
        ("entry|2024-12-03T09:01|A", "removed", None),
        ("entry|2024-12-03T10:15|B", "edited", 1),
        ("entry|2024-12-03T11:40|A", "added", 0),
    ]
    reflowed, segs = page((stamp(9, 1), "Sirens sounded.", "A"), (stamp(10, 15), "Talks ended after six hours.", "B"))
    assert diff_entries(previous, entry_states(reflowed, segs), "v3") == []
