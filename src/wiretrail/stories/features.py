"""What story clustering needs to know about one unit of text (a live-blog entry, a section, an
article body): a pure function of the text and whatever extraction already found in it.

Bag-of-words alone cannot keep apart two stories of the same kind (two rehab check-ins, two
earthquakes, two acquisitions): they share almost every content word. What tells them apart is
*who* (entity keys), *where* (gazetteer ids), *how many* (numbers), and *when* (dates, years).
So a `StoryFeatures` carries those separately from the words, and the clusterer weighs them
above ordinary words.

    1. words: lowercase, stop words out, light stemming, sublinear tf, L2-normalised
    2. names: entity keys (`PERSON|lohan|l`) from extraction; places by gazetteer id
    3. numbers and years written in the text ('7.3', '33-year-old', '2008')
    4. dates: the unit's own date (publication, live-blog stamp) else the first full date written
       in it; event dates from extraction widen the range
    5. a title candidate: the headline when there is one, else the lead sentence

Everything here is per-unit and picklable, so it runs in ingest workers beside extraction.
`features_from_text` runs spaCy and the pipeline's own place and entity extractors itself, for
text that did not come through the pipeline (the ECB+ evaluation).
"""

from __future__ import annotations

import importlib.util
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ..extract.when import MONTHS
from ..model import AnalyzedDocument, EntitySpan, Event, Extraction, PlaceMatch, Segment, SegmentKind
from ..thresholds import thresholds

# Stop words: scikit-learn's English list plus news reporting verbs and furniture, which every
# story has and which therefore only blur the centroids.
NEWS_STOP_WORDS = frozenset(
    """said says say told tells according reported report reports reporting news told statement
    year years day days week weeks month months time times just like new old people percent
    mr mrs ms dr am pm http https www com html htm updated update published copyright reserved
    rights reuters ap afp associated press monday tuesday wednesday thursday friday saturday sunday
    january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec""".split()
)


def _sklearn_stop_words() -> frozenset[str]:
    """scikit-learn's English stop list, read from its own module file: importing it the usual
    way runs scikit-learn's package import (SciPy included, ~90 MB and ~0.5 s per process) for a
    list of 318 words."""
    spec = importlib.util.find_spec("sklearn")
    if spec is None or not spec.submodule_search_locations:  # pragma: no cover - sklearn missing
        return frozenset()  # a smaller list still works
    path = Path(next(iter(spec.submodule_search_locations))) / "feature_extraction" / "_stop_words.py"
    module_spec = importlib.util.spec_from_file_location("_wiretrail_sklearn_stop_words", path)
    if module_spec is None or module_spec.loader is None or not path.is_file():  # pragma: no cover
        return frozenset()
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    return frozenset(module.ENGLISH_STOP_WORDS)


STOP_WORDS = _sklearn_stop_words() | NEWS_STOP_WORDS

WORD = re.compile(r"[^\W\d_][\w'’-]*[^\W_]|[^\W\d_]")
NUMBER = re.compile(r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?![\d])")
# An explicit day: 'May 03, 2013', '3 May 2013', '2013-05-03'.
_MONTHS = MONTHS  # month names and abbreviations, shared with relative-date resolution
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
MONTH_DAY_YEAR = re.compile(rf"\b({_MONTH})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\s*,?\s+((?:19|20)\d\d)\b", re.I)
DAY_MONTH_YEAR = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTH})\.?,?\s+((?:19|20)\d\d)\b", re.I)
ISO_DAY = re.compile(r"\b((?:19|20)\d\d)-(\d\d)-(\d\d)\b")
YEAR = re.compile(r"(?<![\w.,-])((?:19|20)\d\d)(?![\w-])")
# Entity types whose keys say who a story is about (places come by gazetteer id instead).
NAME_TYPES = frozenset({"PERSON", "ORG", "GROUP"})


@dataclass(frozen=True, slots=True)
class StoryFeatures:
    """One unit's evidence for story clustering; every mapping is a sorted tuple of pairs so
    the record stays frozen, hashable and picklable."""

    key: str  # the unit's id: a segment id ('docid:3') or a document id
    terms: tuple[tuple[str, float], ...] = ()  # word -> weight (sublinear tf, L2-normalised)
    lead_terms: tuple[tuple[str, float], ...] = ()  # the same for the title and lead: what happened
    entities: tuple[tuple[str, int], ...] = ()  # entity key -> mentions
    lead_entities: tuple[str, ...] = ()  # keys of the names in the title and lead: who it is about
    places: tuple[tuple[str, int], ...] = ()  # gazetteer id -> mentions
    numbers: tuple[str, ...] = ()  # numbers written in the text, normalised ('7.3', '1500')
    years: tuple[int, ...] = ()  # years written in the text
    day: date | None = None  # the unit's own date: when it was published or posted
    first_day: date | None = None  # earliest day the unit reports on (event dates, else `day`)
    last_day: date | None = None
    title: str | None = None  # what a person would call it: a headline or the lead sentence
    event_types: tuple[str, ...] = ()  # extraction's event types ('ATTACK', 'LEGAL')

    @property
    def term_weights(self) -> dict[str, float]:
        return dict(self.terms)

    def to_dict(self) -> dict:
        """JSON-ready: kept in the store until the unit is clustered (a crash in between is resumed)."""
        out: dict = {}
        for name in self.__slots__:
            value = getattr(self, name)
            out[name] = value.isoformat() if isinstance(value, date) else value
        return out

    @classmethod
    def from_dict(cls, d: dict) -> StoryFeatures:
        def pairs(v):
            return tuple(tuple(p) for p in v)

        def day(v):
            return date.fromisoformat(v) if v else None

        return cls(
            key=d["key"], terms=pairs(d["terms"]), lead_terms=pairs(d["lead_terms"]), entities=pairs(d["entities"]),
            lead_entities=tuple(d["lead_entities"]), places=pairs(d["places"]), numbers=tuple(d["numbers"]),
            years=tuple(d["years"]), day=day(d["day"]), first_day=day(d["first_day"]), last_day=day(d["last_day"]),
            title=d["title"], event_types=tuple(d["event_types"]),
        )  # fmt: skip


# -- 1. words ---------------------------------------------------------------------------------


def stem(word: str) -> str:
    """Plural and possessive endings only: enough to join 'quake'/'quakes' without the damage
    a full stemmer does to names."""
    word = word.replace("’", "'")
    if word.endswith("'s"):
        word = word[:-2]
    word = word.strip("'-")
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def words(text: str) -> list[str]:
    """Content words of `text`, lowercased and stemmed, stop words out."""
    out = []
    for m in WORD.finditer(text):
        w = stem(m.group().lower())
        if len(w) >= thresholds().stories_min_word_chars and w not in STOP_WORDS:
            out.append(w)
    return out


def weigh_terms(tokens: Iterable[str], *, limit: int | None = None) -> tuple[tuple[str, float], ...]:
    """Sublinear term frequency, the `limit` heaviest kept, L2-normalised, sorted by term."""
    limit = thresholds().stories_max_terms if limit is None else limit
    counts = Counter(tokens)
    weighted = sorted(((1.0 + math.log(c), t) for t, c in counts.items()), reverse=True)[:limit]
    norm = math.sqrt(sum(w * w for w, _ in weighted)) or 1.0
    return tuple(sorted((t, round(w / norm, 6)) for w, t in weighted))


# -- 3. numbers and years ---------------------------------------------------------------------


def numbers_and_years(text: str) -> tuple[tuple[str, ...], tuple[int, ...]]:
    years = sorted({int(m.group(1)) for m in YEAR.finditer(text)})
    nums = set()
    for m in NUMBER.finditer(text):
        raw = m.group(1).replace(",", "")
        value = float(raw)
        if "." not in raw and (value < thresholds().stories_min_number or int(value) in years):
            continue
        nums.add(raw.rstrip("0").rstrip(".") if "." in raw else raw)
    return tuple(sorted(nums)), tuple(years)


# -- 4. dates ---------------------------------------------------------------------------------


def written_days(text: str) -> list[date]:
    """Full dates written in the text, in the order they appear."""
    found: list[tuple[int, date]] = []
    for m in MONTH_DAY_YEAR.finditer(text):
        found.append((m.start(), _day(int(m.group(3)), _MONTHS[m.group(1).lower()], int(m.group(2)))))
    for m in DAY_MONTH_YEAR.finditer(text):
        found.append((m.start(), _day(int(m.group(3)), _MONTHS[m.group(2).lower()], int(m.group(1)))))
    for m in ISO_DAY.finditer(text):
        found.append((m.start(), _day(int(m.group(1)), int(m.group(2)), int(m.group(3)))))
    return [d for _, d in sorted(found) if d is not None]


def _day(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


# -- 5. title ---------------------------------------------------------------------------------


def lead_lines(text: str, n: int | None = None) -> list[str]:
    """The first `n` lines that read as sentences (not URLs, not datelines)."""
    n = thresholds().stories_lead_lines if n is None else n
    out = []
    for line in text.splitlines():
        line = line.strip()
        if len(line.split()) >= 4 and not line.lower().startswith("http") and not _dateline(line):
            out.append(line)
            if len(out) == n:
                break
    return out


def lead_sentence(text: str) -> str | None:
    """The first line long enough to be a sentence, cut to TITLE_MAX_WORDS words."""
    for line in text.splitlines():
        line = line.strip()
        if len(line.split()) >= 4 and not line.lower().startswith("http") and not _dateline(line):
            first = re.split(r"(?<=[.!?])\s+(?=[A-Z\"“])", line, maxsplit=1)[0]
            return cut_title(first)
    stripped = text.strip()
    return cut_title(stripped) if stripped else None


def _dateline(line: str) -> bool:
    """'Updated Saturday, December 05, 2009 8:28 PM': a date with little else is no title."""
    return bool(written_days(line)) and len(line.split()) < thresholds().stories_dateline_max_words


def cut_title(s: str) -> str:
    parts = s.split()
    if len(parts) <= thresholds().stories_title_max_words:
        return " ".join(parts)
    return " ".join(parts[:thresholds().stories_title_max_words]) + " …"


# -- the record -------------------------------------------------------------------------------


def _named_in(lead: str, entities: Sequence[EntitySpan]) -> tuple[str, ...]:
    """Keys of the entities whose words appear in the lead (a headline may be outside the
    text: matching the surface form finds its names anyway)."""
    return tuple(sorted({e.key for e in entities if e.key and e.label in NAME_TYPES and e.text in lead}))


def build_features(
    key: str,
    text: str,
    *,
    entities: Sequence[EntitySpan] = (),
    places: Sequence[PlaceMatch] = (),
    events: Sequence[Event] = (),
    title: str | None = None,
    day: date | None = None,
) -> StoryFeatures:
    """Features of one unit. `entities`, `places` and `events` are extraction records for this
    unit (offsets are not used); `day` is its own date when the source gave one, else the
    first full date written in the text stands in for it."""
    # 1. words
    terms = weigh_terms(words(text))
    # 2. names and places
    names = Counter(e.key for e in entities if e.key and e.label in NAME_TYPES)
    where = Counter(p.gazetteer_id for p in places if p.gazetteer_id)
    # 3. numbers and years
    numbers, years = numbers_and_years(text)
    # 4. dates
    written = written_days(text)
    own = day or (written[0] if written else None)
    event_days = sorted(e.date for e in events if e.date is not None)
    span = sorted(([own] if own else []) + event_days)
    # 5. title and lead
    given = title.strip() if title and title.strip() else None
    lead = lead_lines(text)
    if given and (not lead or given not in lead[0]):
        lead = [given] + lead[: thresholds().stories_lead_lines - 1]
    title = cut_title(given) if given else lead_sentence(text)
    return StoryFeatures(
        key=key,
        terms=terms,
        lead_terms=weigh_terms(words(" ".join(lead))),
        lead_entities=_named_in(" ".join(lead), entities),
        entities=tuple(sorted(names.items())),
        places=tuple(sorted(where.items())),
        numbers=numbers,
        years=years,
        day=own,
        first_day=span[0] if span else None,
        last_day=span[-1] if span else None,
        title=title,
        event_types=tuple(sorted({e.type for e in events})),
    )


def features_from_extraction(
    key: str, text: str, extraction: Extraction | None, *, title: str | None = None, day: date | None = None,
    start: int = 0, end: int | None = None,
) -> StoryFeatures:
    """Features of the stretch `text[start:end]` of a document whose extraction is given in
    document offsets: only the records inside the stretch count."""
    end = len(text) if end is None else end
    ex = extraction or Extraction()
    inside = lambda s, e: start <= s and e <= end  # noqa: E731
    return build_features(
        key,
        text[start:end],
        entities=[e for e in ex.entities if inside(e.start, e.end)],
        places=[p for p in ex.places if inside(p.start, p.end)],
        events=[ev for ev in ex.events if ev.evidence and inside(ev.evidence[0].start, ev.evidence[0].end)],
        title=title,
        day=day,
    )


def segment_features(analyzed: AnalyzedDocument) -> list[StoryFeatures]:
    """One `StoryFeatures` per segment of an analysed document (a live-blog entry is its own
    unit; an article is one body). A live page's lead (summary, key points) is left out: it
    restates many stories at once."""
    doc = analyzed.document
    segments: Sequence[Segment] = analyzed.segments or (Segment(doc.id, 0, 0, len(doc.text)),)
    out = []
    for seg in segments:
        if seg.kind is SegmentKind.LEAD and len(segments) > 1:
            continue
        whole = seg.kind is SegmentKind.BODY or len(segments) == 1
        title = seg.headline or (doc.title if whole else None)
        when = seg.posted_at or doc.published
        day = when.day if when else seg.reference_date
        out.append(
            features_from_extraction(
                seg.id, doc.text, analyzed.extraction, title=title, day=day, start=seg.start, end=seg.end
            )
        )
    return out


def parse_for_features(texts: Sequence[str], *, model: str = "auto") -> list[list[tuple[int, int, str]]]:
    """spaCy NER spans for each text, in the text's own offsets; each text is parsed line by
    line, as the pipeline parses paragraphs. Separate from `features_from_text` so a caller can
    cache it (the evaluation does)."""
    from .. import nlp

    return [parsed.entities for parsed in nlp.parse_lines(texts, model=model)]


def features_from_text(
    key: str, text: str, *, ner: Sequence[tuple[int, int, str]] | None = None,
    title: str | None = None, day: date | None = None, model: str = "auto",
) -> StoryFeatures:
    """Features of raw text, extracted as the pipeline extracts them: spaCy NER (run here
    unless `ner` is given), then the gazetteer's places and the corrected, keyed entity spans."""
    from ..extract.entities import entity_spans
    from ..extract.places import find_places

    if ner is None:
        ner = parse_for_features([text], model=model)[0]
    groups = {(s, e) for s, e, label in ner if label == "NORP"}
    places = [p for p in find_places(text, ner) if (p.start, p.end) not in groups]
    entities = entity_spans(text, ner, places)
    return build_features(key, text, entities=entities, places=places, title=title, day=day)
