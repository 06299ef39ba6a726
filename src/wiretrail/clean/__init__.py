"""Cleaning: from a reader's text to the clean text every offset in wiretrail points into.

    raw text -> 1. header line    (' date YYYY-MM-DD <title>Published ...': metadata, leaves the text)
             -> 2. credit lines   ('sdi/zc (AFP, AP, dpa, Reuters)': leave; datelines stay)
             -> 3. furniture      (archive banner, appeals, widgets, calls to action, teasers: leave)
             -> 4. reporting      (plain text only: the prose region of a flattened page)
             -> 5. title, outlet, republisher, truncation

Lines are kept or dropped, never edited (only trailing whitespace, carriage returns and NULs go), so
every kept line reads exactly as in the input. The title comes from the ' date' header line
(which then is not part of the text), else from a headline that opens the text (which stays in
the text: the segmenter reads it as the lead's headline). Metadata a reader found (`raw.title`,
`raw.published`, ...) wins over guesses.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model import RawDocument, Timestamp
from .archive import find_archive_banner
from .boilerplate import find_furniture
from .credits import find_credits
from .density import select_reporting
from .header import find_published_line, guess_title, parse_header
from .outlet import find_publisher
from .truncation import is_truncated

__all__ = ["CleanedText", "clean_text"]


@dataclass(frozen=True, slots=True)
class CleanedText:
    """The clean text and what cleaning learnt about the document on the way."""

    text: str  # the kept lines joined by '\n': no header line, no furniture
    title: str | None
    published: Timestamp | None
    updated: Timestamp | None
    outlet: str | None  # where the text names it (e.g. 'The Independent')
    republisher: str | None  # e.g. 'EMEA Tribune', from a republisher's disclaimer
    credits: tuple[str, ...]  # agency credits, e.g. ('AFP', 'AP', 'dpa', 'Reuters')
    authors: tuple[str, ...]
    truncated: bool
    # every non-blank input line left out, in text order, except the ' date' header line:
    # furniture, credit lines, a 'Published ...' line, lines outside the reporting region
    removed_lines: tuple[str, ...]


def clean_text(raw: RawDocument, *, select_region: bool | None = None) -> CleanedText:
    """Clean one document's text.

    `select_region` keeps only the prose region of the text (step 4). By default it runs on
    plain text and not on text trafilatura extracted from HTML, which has chosen its region.
    """
    if select_region is None:
        select_region = raw.media_type != "text/html"
    # NUL characters go too: no text needs them, and SQLite's length() and C string functions stop
    # at them, so offsets past one looked out of range to the store's check (tests/test_hostile_inputs.py)
    text = raw.text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    lines = [line.rstrip() for line in text.split("\n")]

    # 1. header line
    header = parse_header(lines)
    body = [i for i, line in enumerate(lines) if line.strip() and i != header.line]

    # 2. credit lines
    credits = find_credits(lines, body)
    body = [i for i in body if i not in credits.furniture]

    # 3. furniture
    furniture = find_furniture(lines, body)
    dropped = find_archive_banner(lines, body) | furniture.lines
    body = [i for i in body if i not in dropped]

    # 4. reporting region
    outside = select_reporting(lines, body) if select_region else frozenset()
    body = [i for i in body if i not in outside]

    # 5. published line, title, outlet, truncation
    published, updated = header.published, header.updated
    stamp_line = find_published_line(lines, body) if header.line is None else None
    if stamp_line is not None:
        body = [i for i in body if i != stamp_line.line]
        published, updated = stamp_line.published, stamp_line.updated
    title = header.title or guess_title(lines, body)
    kept = set(body)
    removed = [i for i, line in enumerate(lines) if line.strip() and i not in kept and i != header.line]
    publisher = find_publisher(
        lines,
        appeals=[lines[i] for i in sorted(furniture.appeals)],
        prompts=[lines[i] for i in removed if i not in furniture.appeals],
    )
    return CleanedText(
        text=_join(lines, kept),
        title=raw.title or title,
        published=raw.published or published,
        updated=raw.updated or updated,
        outlet=raw.outlet or publisher.outlet,
        republisher=publisher.republisher,
        credits=tuple(dict.fromkeys(credits.agencies + publisher.agencies)),
        authors=raw.authors,
        truncated=is_truncated(raw),
        removed_lines=tuple(lines[i] for i in removed),
    )


def _join(lines: list[str], kept: set[int]) -> str:
    """Kept lines in order, with the blank lines just above each (paragraph breaks) but none
    at either end and none that only separated dropped lines."""
    out: list[str] = []
    blanks = 0
    for i, line in enumerate(lines):
        if not line.strip():
            blanks += 1
            continue
        if i in kept:
            if out:
                out.extend([""] * blanks)
            out.append(line)
        blanks = 0
    return "\n".join(out)
