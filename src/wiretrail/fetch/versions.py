"""Which entries of a page changed between two fetches: added, edited, removed, restored.

An entry is known by a key that survives edits to its text: a live-blog entry by its time stamp
and author (the ordinal breaks ties between entries stamped the same minute), a headlined
section by its headline, the lead and an undivided body by their kind. Its text is compared
by a hash of its words, so re-flowed whitespace is no edit.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..model import Segment, SegmentKind
from ..store.sources import EntryChange

_SPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class EntryState:
    key: str
    segment_index: int
    text_hash: str


def entry_key(segment: Segment) -> str:
    if segment.kind is SegmentKind.ENTRY and segment.posted_at is not None:
        return f"entry|{segment.posted_at.value.isoformat(timespec='minutes')}|{segment.author or ''}"
    if segment.headline:
        return f"{segment.kind.value}|{_SPACE.sub(' ', segment.headline.strip().lower())}"
    if segment.kind in (SegmentKind.LEAD, SegmentKind.BODY):
        return segment.kind.value
    return f"{segment.kind.value}|#{segment.index}"


def entry_states(text: str, segments: Sequence[Segment]) -> list[EntryState]:
    """Each segment's key (made unique by an ordinal) and text hash, in page order."""
    seen: Counter[str] = Counter()
    out = []
    for seg in segments:
        base = entry_key(seg)
        seen[base] += 1
        key = base if seen[base] == 1 else f"{base}|{seen[base]}"
        words = _SPACE.sub(" ", text[seg.start : seg.end]).strip()
        out.append(EntryState(key, seg.index, hashlib.sha256(words.encode("utf-8")).hexdigest()[:16]))
    return out


def diff_entries(previous: Mapping[str, EntryChange], current: Sequence[EntryState], doc_id: str) -> list[EntryChange]:
    """Changes taking a page from `previous` (each entry's latest recorded state) to `current`
    (the entries of document `doc_id`). Unchanged entries produce no row."""
    changes = []
    for state in current:
        before = previous.get(state.key)
        if before is None:
            change = "added"
        elif before.change == "removed":
            change = "restored"
        elif before.text_hash != state.text_hash:
            change = "edited"
        else:
            continue
        changes.append(EntryChange(state.key, change, doc_id, state.segment_index, state.text_hash))
    present = {s.key for s in current}
    for key, before in previous.items():
        if key not in present and before.change != "removed":
            changes.append(EntryChange(key, "removed", doc_id, None, None))
    return changes
