"""Split a cleaned document into segments: live-blog entries, headlined sections, or one body.

    1. live blog   at least two stamped entries (`liveblog`): entries with resolved times
    2. sections    at least three headlines over body paragraphs (`sections`)
    3. body        anything else is one BODY segment

Segments cover the text in order without overlapping; only whitespace lies between them.
The document kind follows the structure, with the title as a hint: a page of sections is a
live blog when its title says 'live' or 'latest' (its stamps were lost in flattening), live
updates when it says 'updates' or is a dated page of many sections, else an article with sections.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import DocumentKind, Segment, SegmentKind, Timestamp
from .liveblog import resolve_days, split_live_blog
from .sections import split_sections
from .stamps import Stamp, parse_stamp_line
from ..thresholds import thresholds

__all__ = ["Segmentation", "Stamp", "parse_stamp_line", "resolve_days", "segment_document"]

_LIVE_TITLE = re.compile(r"\b(?:live|latest)\b", re.IGNORECASE)
_UPDATES_TITLE = re.compile(r"\bupdates\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Segmentation:
    kind: DocumentKind
    segments: tuple[Segment, ...]  # in text order; offsets index the `text` that was segmented


def segment_document(
    doc_id: str, text: str, *, published: Timestamp | None = None, title: str | None = None
) -> Segmentation:
    """Segments of a cleaned text, and the document kind its structure shows.

    `published` dates sections and anchors a live blog whose stamps carry no date (taken as the
    day the blog started); `title` hints the kind and is never a section headline.
    """
    day = published.day if published is not None else None
    if not text.strip():
        return Segmentation(DocumentKind.ARTICLE, ())
    # 1. live blog
    entries = split_live_blog(doc_id, text, published=day)
    if entries is not None:
        return Segmentation(DocumentKind.LIVE_BLOG, entries)
    # 2. sections
    sections = split_sections(doc_id, text, reference_date=day, title=title)
    if sections is not None:
        if title and _LIVE_TITLE.search(title):
            kind = DocumentKind.LIVE_BLOG
        elif (title and _UPDATES_TITLE.search(title)) or (
            day is not None and len(sections) >= thresholds().segment_live_updates_min_sections
        ):
            kind = DocumentKind.LIVE_UPDATES
        else:
            kind = DocumentKind.ARTICLE
        return Segmentation(kind, sections)
    # 3. one body
    start = len(text) - len(text.lstrip())
    end = len(text.rstrip())
    body = Segment(doc_id, 0, start, end, SegmentKind.BODY, headline=title, reference_date=day)
    return Segmentation(DocumentKind.ARTICLE, (body,))
