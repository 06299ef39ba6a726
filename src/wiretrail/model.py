"""The records every stage of wiretrail shares.

Readers produce `RawDocument`s; cleaning and segmenting turn each into a `Document` with its
`Segment`s and `Sentence`s (an `AnalyzedDocument`); the store keeps them. Every derived fact
points back into `Document.text` by character offsets, so a report can always show its source.

This module does no I/O and imports nothing else of wiretrail.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timezone


ANALYSED_LANGUAGES = frozenset({"en"})  # languages extraction has models for (see language.py)

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
    language: str | None = None  # ISO 639-1, detected from the text; None: too little to tell

    @property
    def flags(self) -> tuple[str, ...]:
        out = []
        if self.truncated:
            out.append("truncated")
        if self.published is None:
            out.append("undated")
        if self.republisher:
            out.append("republished")
        if self.language is not None and self.language not in ANALYSED_LANGUAGES:
            out.append(f"not analysed ({self.language})")
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


def segment_at(segments: Sequence[Segment], pos: int) -> Segment | None:
    """The segment holding character `pos` of its document, or None."""
    for seg in segments:
        if seg.start <= pos < seg.end:
            return seg
    return None


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
    extraction: Extraction | None = None  # None when extraction was switched off
    story_features: tuple = ()  # one `stories.StoryFeatures` per segment, built beside extraction
    warnings: tuple[str, ...] = ()  # e.g. a publication date after the fetch time, dropped
    claim_terms: tuple[dict[str, float], ...] = ()  # per sentence: content terms rewrite alignment compares
    terms_settings: str = ""  # the settings `claim_terms` were computed under (`meaning.terms_settings`)


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


# -- extraction -------------------------------------------------------------------------------


class EntityType(str, enum.Enum):
    """What kind of thing a mention names. spaCy's GPE/LOC/FAC become PLACE; NORP is GROUP."""

    PERSON = "PERSON"
    ORG = "ORG"
    PLACE = "PLACE"
    GROUP = "GROUP"  # nationalities, religious and political groups ('North Korean', 'Russians')


@dataclass(frozen=True, slots=True)
class EntitySpan:
    """A named-entity span in a document's text, as NER found it and context corrected it.

    `label` is an `EntityType` value; `ner_label` keeps what spaCy said, for debugging."""

    start: int
    end: int
    text: str
    label: str
    ner_label: str = ""
    key: str = ""  # the name key shared by every spelling of the entity ('PERSON|zelenski|v')


@dataclass(frozen=True, slots=True)
class EntityRole:
    """A title or apposition naming what a person is ('German Foreign Minister')."""

    key: str
    role: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class PlaceMatch:
    """A place mention resolved against the gazetteer.

    `approximate` marks a mention resolved to a larger area than it names (a village missing from
    the gazetteer resolved to the region the text puts it in). `lat`/`lon` are None when nothing
    matched: the mention is listed as unresolved, never dropped."""

    start: int
    end: int
    text: str
    name: str  # the gazetteer's name for the place ('Kursk Oblast', 'Georgia')
    lat: float | None = None
    lon: float | None = None
    country: str | None = None  # ISO 3166-1 alpha-2
    feature: str = ""  # country | region | city | sea | other
    gazetteer_id: str | None = None  # 'geonames:498817', 'iso3166:GE', ...
    approximate: bool = False
    score: float = 0.0  # how sure the resolver is, 0..1


@dataclass(frozen=True, slots=True)
class QuoteMatch:
    """A direct quote (text in quotation marks) with its speaker as the text names them.

    `start`/`end` cover the quoted words without the quotation marks; a quote running over
    several paragraphs is one match. `speaker_start`/`speaker_end` point at the name the
    speaker was resolved to (for a pronoun: the last named speaker before it)."""

    start: int
    end: int
    text: str
    speaker: str | None = None
    speaker_start: int | None = None
    speaker_end: int | None = None
    cue: str | None = None  # 'said', 'told', 'according to', ...


@dataclass(frozen=True, slots=True)
class FigureMatch:
    """A number with what it counts. `value_low == value_high` for a single value; `up to N`
    is (0, N); a vague amount ('thousands') sets `vague` and the range it implies."""

    start: int  # the span of the number expression
    end: int
    text: str
    subject: str  # what is counted, in words from the text ('North Korean troops')
    value_low: float | None
    value_high: float | None
    unit: str | None = None  # 'USD', 'EUR', 'GBP', 'percent', 'km', ... or None for a count
    vague: bool = False
    attributed_to: str | None = None  # who says so, as the text names them
    sentence_start: int = 0  # the sentence the figure was read from (its evidence)
    sentence_end: int = 0


@dataclass(frozen=True, slots=True)
class Mention:
    doc_id: str
    start: int
    end: int
    text: str
    label: str
    entity_id: str | None = None


@dataclass(frozen=True, slots=True)
class Entity:
    """A canonical entity across documents: one person, organisation, group or place."""

    id: str
    name: str
    type: str
    aliases: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    lat: float | None = None
    lon: float | None = None
    country: str | None = None
    gazetteer_id: str | None = None
    approximate: bool = False
    feature: str | None = None
    mentions: int = 0  # how often the store's documents name it
    documents: int = 0


@dataclass(frozen=True, slots=True)
class Evidence:
    doc_id: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Quote:
    id: str
    doc_id: str
    start: int
    end: int
    text: str
    speaker: str | None = None
    speaker_entity_id: str | None = None
    cue: str | None = None
    said_at: Timestamp | None = None  # the segment's time


@dataclass(frozen=True, slots=True)
class Figure:
    id: str
    doc_id: str
    start: int
    end: int
    text: str
    subject: str
    value_low: float | None
    value_high: float | None
    unit: str | None = None
    vague: bool = False
    attributed_to: str | None = None
    as_of: date | None = None  # the day of the segment that reports it
    sentence_start: int = 0  # the sentence it was read from
    sentence_end: int = 0


@dataclass(frozen=True, slots=True)
class Event:
    """Who did what to whom, where and when. `date` is when it happened (resolved from 'on
    Friday' against the segment's date), None when the text does not say and nothing dates it."""

    id: str
    type: str
    date: date | None
    date_precision: DatePrecision | None
    summary: str
    actors: tuple[str, ...] = ()
    targets: tuple[str, ...] = ()
    place: str | None = None
    place_entity_id: str | None = None
    evidence: tuple[Evidence, ...] = ()
    doc_id: str | None = None  # the document it was read from


@dataclass(frozen=True, slots=True)
class Extraction:
    """Everything extraction read out of one document (per-document work: no entity ids yet
    beyond the document; canonical entities are decided when the store merges documents)."""

    entities: tuple[EntitySpan, ...] = ()
    roles: tuple[EntityRole, ...] = ()
    places: tuple[PlaceMatch, ...] = ()
    quotes: tuple[QuoteMatch, ...] = ()
    figures: tuple[FigureMatch, ...] = ()
    events: tuple[Event, ...] = ()
