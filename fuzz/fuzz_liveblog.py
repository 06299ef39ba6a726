"""Fuzz target: live blogs and segmenting (wiretrail.segment). Run: .venv/bin/python fuzz/fuzz_liveblog.py -max_total_time=180"""

from datetime import date

import atheris

with atheris.instrument_imports(include=["wiretrail"]):
    from wiretrail.model import DateOrigin, Timestamp
    from wiretrail.segment import segment_document
    from wiretrail.segment.liveblog import split_live_blog

from _harness import run, text_of


def check(data: bytes) -> None:
    published = None
    if data[:1] == b"P":  # half the inputs carry a publication day: the resolver's other branch
        published = Timestamp.from_date(date(2024, 12, 3), DateOrigin.HEADER)
    text = text_of(data[1:])
    blog = split_live_blog("d", text, published=published.day if published else None)
    result = segment_document("d", text, published=published, title=None)
    assert segment_document("d", text, published=published, title=None) == result, "not deterministic"
    previous_end = 0
    for n, seg in enumerate(result.segments):
        assert seg.index == n, f"segment index {seg.index} at position {n}"
        assert previous_end <= seg.start <= seg.end <= len(text), f"segment {n} ({seg.start}, {seg.end}) overlaps or leaves the text"
        assert not text[previous_end : seg.start].strip(), f"text before segment {n} is in no segment"
        previous_end = seg.end
    assert not result.segments or not text[previous_end:].strip(), "text after the last segment is in no segment"
    if blog is not None:
        assert len([s for s in blog if s.kind.value == "entry"]) >= 2


SEEDS = [
    b"PLead text\n\nFirst headline here\n09:01 , Jane Roe\nBody one.\n\nSecond headline here\n08:40\nBody two.",
    b"x3 December 2024 23:59\nOne.\n00:10\nTwo.\n23:50\nThree.",
]

if __name__ == "__main__":
    run("liveblog", check, SEEDS)
