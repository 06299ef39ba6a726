"""Events: who did what to whom, where and when, read off trigger words and entity spans.

A small ontology after PLOVER's categories (documented in the README): each type has trigger
words with their inflections. No dependency parse is run (it would cost as much as NER; see
`wiretrail.nlp`), so roles come from word order, which news sentences keep simple: actors are the
names before the trigger ('Ukrainian drones attacked'), or after 'by' in the passive; targets the
names after it; the place is a resolved place mention after the trigger ('in', 'at', 'on'), else
anywhere in the sentence. The date comes from the sentence's own time words resolved against its
segment's day, else the segment's day itself; an undated segment leaves relative dates undated.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

from ..model import DatePrecision, EntitySpan, Event, Evidence, PlaceMatch, Segment, segment_at
from .when import find_when
from ..thresholds import thresholds

EVENT_TRIGGERS: dict[str, str] = {
    "ATTACK": r"attack(?:s|ed|ing)?|strik(?:e|es|ing)|struck|shell(?:s|ed|ing)|bomb(?:s|ed|ing)|"
              r"pound(?:s|ed|ing)|raid(?:s|ed)?|sho(?:t|ot|oting) down|kill(?:s|ed|ing)|hit(?:s|ting)?|"
              r"target(?:s|ed|ing)",
    "DEPLOY": r"deploy(?:s|ed|ing|ment)?|dispatch(?:es|ed|ing)?|(?:sent|send(?:s|ing)?) (?:troops|soldiers|forces)",
    "VISIT": r"visit(?:s|ed|ing)?|arriv(?:e|es|ed|ing)|travel(?:s|led|ed|ling|ing)? to",
    "MEET": r"met|meet(?:s|ing)?|talks|host(?:s|ed|ing)|summit",
    "AID": r"aid|pledg(?:e|es|ed|ing)|deliver(?:s|ed|ing|ies|y)?|donat(?:e|es|ed|ing)|suppl(?:y|ies|ied|ying)|package",
    "AGREE": r"sign(?:s|ed|ing)?|agree(?:s|d|ing|ment)?|treaty|deal|ceasefire",
    "SANCTION": r"sanction(?:s|ed|ing)?|embargo(?:es)?",
    "ACCUSE": r"accus(?:e|es|ed|ing)|blam(?:e|es|ed|ing)|condemn(?:s|ed|ing)?",
    "THREATEN": r"threat(?:en|ens|ened|ening)?|warn(?:s|ed|ing)?",
    "CAPTURE": r"captur(?:e|es|ed|ing)|seiz(?:e|es|ed|ing)|(?:took|taken?|tak(?:es|ing)|gain(?:s|ed|ing)?) control|"
               r"liberat(?:e|es|ed|ing)|occupied|overr?an",
    "PROTEST": r"protest(?:s|ed|ing|ers)?|rall(?:y|ies|ied)|demonstrat(?:e|ed|ions?|ors)",
    "LEGAL": r"sentenc(?:e|es|ed|ing)|verdict|convict(?:s|ed|ion)?|jail(?:s|ed)?|arrest(?:s|ed|ing)?|"
             r"charged|indict(?:s|ed|ment)?|detain(?:s|ed)?|warrant|prosecut(?:e|es|ed|ing|ion)",
    "EXERCISE": r"drills?|exercises|manoeuvres|maneuvers|test-fir(?:e|ed|ing)",
}
TRIGGER_RE = {kind: re.compile(rf"(?<![\w-])(?:{pattern})(?![\w-])", re.I) for kind, pattern in EVENT_TRIGGERS.items()}
# Words right before a name that make it a place or circumstance, not the one who acts.
NOT_ACTOR_BEFORE = re.compile(r"(?:\bin|\bat|\bof|\bto|\bfrom|\bnear|\bacross|\bover|\bon)\s*$", re.I)
PASSIVE_BY = re.compile(r"^\W*(?:\w+\s+){0,3}?by\s+$", re.I)


def find_events(
    doc_id: str,
    text: str,
    sentences: Sequence[tuple[int, int]],
    entities: Sequence[EntitySpan],
    places: Sequence[PlaceMatch],
    segments: Sequence[Segment],
) -> list[Event]:
    """Events of one document, at most MAX_EVENTS_PER_SENTENCE per sentence."""
    events: list[Event] = []
    for s_start, s_end in sentences:
        sentence = text[s_start:s_end]
        found: list[tuple[int, int, str]] = []
        for kind, pattern in TRIGGER_RE.items():
            if m := pattern.search(sentence):
                found.append((s_start + m.start(), s_start + m.end(), kind))
        found.sort()
        segment = segment_at(segments, s_start)
        day = segment.reference_date if segment else None  # the day 'on Friday' counts back from
        kept = 0
        for t_start, t_end, kind in found:
            event = _event(doc_id, text, (t_start, t_end), kind, (s_start, s_end), entities, places, day)
            if event is not None:
                events.append(event)
                kept += 1
                if kept == thresholds().events_max_events_per_sentence:
                    break
    return events


def _event(doc_id, text, trigger, kind, sentence, entities, places, day) -> Event | None:
    s_start, s_end = sentence
    t_start, t_end = trigger
    inside = [e for e in entities if s_start <= e.start and e.end <= s_end]
    actors, targets = _roles(text, inside, t_start, t_end)
    place = _place(places, (t_end, s_end)) or _place(places, (s_start, s_end))
    if not (actors or targets or place):
        return None  # 'the attack' with nobody and nowhere: not an event an analyst can place
    when = find_when(text[s_start:s_end], day)
    if when is not None:
        day_found, precision = when.day, when.precision
    else:
        day_found, precision = day, DatePrecision.DAY if day else None
    digest = hashlib.sha256(f"{doc_id}:{s_start}:{kind}".encode()).hexdigest()[:16]
    return Event(
        id=digest,
        type=kind,
        date=day_found,
        date_precision=precision,
        summary=_summary(text, s_start, s_end),
        actors=tuple(actors),
        targets=tuple(t for t in targets if t not in actors and (place is None or t != place.text)),
        place=_place_name(place) if place else None,
        place_entity_id=None,
        evidence=(Evidence(doc_id, s_start, s_end),),
    )


def _roles(text: str, inside: Sequence[EntitySpan], t_start: int, t_end: int) -> tuple[list[str], list[str]]:
    """Actors before the trigger (or after 'by' in the passive), targets after it."""
    before = [e for e in inside if e.end <= t_start and not NOT_ACTOR_BEFORE.search(text[max(0, e.start - 8) : e.start])]
    after = [e for e in inside if e.start >= t_end and e.start - t_end <= thresholds().events_target_window]
    by = [e for e in after if PASSIVE_BY.match(text[t_end : e.start])]
    if by:
        return _names(by[:1]), _names(before[-thresholds().events_max_actors:])
    return _names(before[-thresholds().events_max_actors:]), _names(after[:thresholds().events_max_actors])


def _names(spans: Sequence[EntitySpan]) -> list[str]:
    out: list[str] = []
    for e in spans:
        if e.text not in out:
            out.append(e.text)
    return out


# Which place of a sentence an event happened at: the first one after the trigger that is not a
# whole country ('captured Romanivka in Ukraine's Donetsk region' happened at Romanivka, not in
# Ukraine); a country only when the sentence names nothing smaller.
SPECIFICITY = {"country": 1}


def _place(places: Sequence[PlaceMatch], span: tuple[int, int]) -> PlaceMatch | None:
    start, end = span
    found = [p for p in places if start <= p.start and p.end <= end and p.lat is not None]
    if not found:
        return None
    return min(found, key=lambda p: (0 if p.approximate else SPECIFICITY.get(p.feature, 0), p.start))


def _place_name(place: PlaceMatch) -> str:
    """A village placed at its region keeps its own name."""
    return place.text if place.approximate else place.name


def _summary(text: str, start: int, end: int) -> str:
    piece = " ".join(text[start:end].split())
    if len(piece) <= thresholds().events_summary_max_chars:
        return piece
    cut = piece[:thresholds().events_summary_max_chars].rsplit(" ", 1)[0]
    return cut + " …"
