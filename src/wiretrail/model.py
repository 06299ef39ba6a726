"""The records every stage of wiretrail shares.

Readers produce `RawDocument`s; cleaning and segmenting turn each into a `Document` with its
`Segment`s and `Sentence`s (an `AnalyzedDocument`); the store keeps them. Every derived fact
points back into `Document.text` by character offsets, so a report can always show its source.

This module does no I/O and imports nothing else of wiretrail.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime, timezone


class DatePrecision(str, enum.Enum):
    """How much of a timestamp is known."""

    MINUTE = "minute"
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"


class DateOrigin(str, enum.Enum):
    """Where a date was found: analysts weigh a live-blog stamp above a guess from the text."""

    HEADER = "header"  # a leading ' date YYYY-MM-DD' line or a 'Published ...' line
    METADATA = "metadata"  # given by the source: HTML meta tags, CSV/JSONL column, WARC header
    FEED = "feed"  # an RSS/Atom entry date
    LIVEBLOG_STAMP = "liveblog-stamp"  # a live-blog entry's time stamp, day resolved by context
    TEXT = "text"  # found in running text
    FETCH = "fetch"  # when wiretrail fetched the page: an upper bound, never a publication date


@dataclass(frozen=True, slots=True)
class Timestamp:
    """A point in time with its precision and origin.

    `value` is timezone-aware when the zone is known (live blogs of UK outlets in December are
    UTC+0); a day-precision date is stored as midnight of that day.
    """

    value: datetime
    precision: DatePrecision = DatePrecision.DAY
    origin: DateOrigin = DateOrigin.METADATA

    def isoformat(self) -> str:
        """ISO 8601: a bare date for day precision, date and time to the minute otherwise."""
        if self.precision in (DatePrecision.MINUTE,):
            return self.value.isoformat(timespec="minutes")
        return self.value.date().isoformat()

    @property
    def day(self) -> date:
        return self.value.date()

    @classmethod
    def from_date(cls, day: date, origin: DateOrigin = DateOrigin.METADATA) -> Timestamp:
        return cls(datetime(day.year, day.month, day.day), DatePrecision.DAY, origin)


class DocumentKind(str, enum.Enum):
    ARTICLE = "article"
    LIVE_BLOG = "live-blog"  # timestamped entries
    LIVE_UPDATES = "live-updates"  # a running page of headlined sections without stamps
    FEED_ITEM = "feed-item"  # only a feed entry's summary was available


class SegmentKind(str, enum.Enum):
    ENTRY = "entry"  # a live-blog entry with its own time stamp
    SECTION = "section"  # a headlined section of a page without stamps
    LEAD = "lead"  # text before the first entry or section (summary, key points)
    BODY = "body"  # the whole text of a document that has no inner structure


@dataclass(frozen=True, slots=True)
class RawDocument:
    """One input as a reader found it: decoded text plus whatever metadata the source gave.

    Readers decode bytes (detecting the encoding) and run HTML through trafilatura, so cleaning
    always receives text; `media_type` records what the text came from ('text/plain' for text
    files, table cells and feeds without markup; 'text/html' when it was extracted from HTML).
    """

    source: str  # URL when the input gives one, else the file path (+ '#row=N' for table rows)
    text: str
    media_type: str = "text/plain"
    url: str | None = None
    title: str | None = None
    published: Timestamp | None = None
    updated: Timestamp | None = None
    authors: tuple[str, ...] = ()
    outlet: str | None = None
    fetched_at: datetime | None = None
    content_sha: str = ""  # hash of the input's bytes (or text), the basis of the document id
    byte_length: int | None = None  # size of the input as stored, before decoding
    encoding: str | None = None  # the detected encoding, when the input was bytes
    ends_mid_character: bool = False  # the bytes stop inside a multi-byte character: cut off


@dataclass(frozen=True, slots=True)
class Document:
    """A cleaned copy: `text` is what every offset in wiretrail points into."""

    id: str
    source: str
    text: str
    url: str | None = None
    title: str | None = None
    published: Timestamp | None = None
    updated: Timestamp | None = None
    kind: DocumentKind = DocumentKind.ARTICLE
    outlet: str | None = None
    republisher: str | None = None
    credits: tuple[str, ...] = ()  # news agencies credited, e.g. ('AFP', 'AP', 'dpa', 'Reuters')
    authors: tuple[str, ...] = ()
    truncated: bool = False
    content_hash: str = ""  # hash of the raw input: the same input twice is one document
    removed_lines: int = 0  # page-furniture lines cleaning dropped
    fetched_at: datetime | None = None
    ingested_at: datetime | None = None

    @property
    def flags(self) -> tuple[str, ...]:
        out = []
        if self.truncated:
            out.append("truncated")
        if self.published is None:
            out.append("undated")
        if self.republisher:
            out.append("republished")
        return tuple(out)


@dataclass(frozen=True, slots=True)
class Segment:
    """A live-blog entry or a headlined section: the unit stories and timelines work on.

    `reference_date` is the day the segment was written on, so that 'on Monday' or 'yesterday'
    in its text can be resolved later; it is None when nothing dates the segment.
    """

    doc_id: str
    index: int
    start: int
    end: int
    kind: SegmentKind = SegmentKind.BODY
    headline: str | None = None
    posted_at: Timestamp | None = None
    author: str | None = None
    reference_date: date | None = None

    @property
    def id(self) -> str:
        return f"{self.doc_id}:{self.index}"


@dataclass(frozen=True, slots=True)
class Sentence:
    doc_id: str
    segment_index: int
    index: int  # position within the document
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class SentenceFingerprint:
    """What the provenance index keeps of a sentence: enough to find its copies without
    re-reading old text. `bands` are MinHash LSH band keys, empty for sentences too short
    to match by chance-free evidence."""

    sentence_index: int
    n_tokens: int
    exact: int
    bands: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class AnalyzedDocument:
    """What per-document work produces and the store writes in one go."""

    document: Document
    segments: tuple[Segment, ...] = ()
    sentences: tuple[Sentence, ...] = ()
    fingerprints: tuple[SentenceFingerprint, ...] = ()
    terms: tuple[int, ...] = ()  # keys of the document's salient terms (names, numbers, rare words)
    passages: tuple[tuple[int, int], ...] = ()  # winnowed word 8-gram keys: (key, token position)


@dataclass(frozen=True, slots=True)
class Failure:
    """A bad input, recorded instead of silently dropped."""

    source: str
    stage: str  # read | decode | clean | segment | nlp | store
    error: str
    at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))


class Relation(str, enum.Enum):
    """How one document relates to another."""

    DUPLICATE = "duplicate"  # the same text, exact or near-exact
    SHARES_PASSAGES = "shares-passages"  # some passages reappear (syndication, reposts, wire copy)
    REWRITE_OF = "rewrite-of"  # restates the other section by section in other words


@dataclass(frozen=True, slots=True)
class SentenceMatch:
    """Two sentences that carry the same text. Stored with (doc_a, sent_a) < (doc_b, sent_b)
    so that matching in any ingest order gives the same rows."""

    doc_a: str
    sent_a: int
    doc_b: str
    sent_b: int
    similarity: float
    method: str  # exact | minhash | meaning


@dataclass(frozen=True, slots=True)
class SharedSpan:
    from_start: int
    from_end: int
    to_start: int
    to_end: int


@dataclass(frozen=True, slots=True)
class Link:
    """`from_doc` copies, repeats or rewrites `to_doc`. `first` is the document seen first, or
    None when the dates cannot tell (never guessed from ingest order)."""

    from_doc: str
    to_doc: str
    relation: Relation
    score: float
    first: str | None
    shared: tuple[SharedSpan, ...] = ()
