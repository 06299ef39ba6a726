"""Events: who did what to whom, where and when, read off the dependency parse.

A small ontology after PLOVER's categories (documented in the README): each type has trigger
words, matched on lower-cased tokens (the tagger and lemmatizer are not run, for speed, so
triggers list their inflections as prefixes). A trigger counts only as a clause's verb or as the
head noun of a phrase ('a drone attack on Novorossiisk'). Actors are the trigger's subject,
targets its object; the place is a place mention inside the clause, else in the sentence; the
date comes from the sentence's own time words resolved against its segment's day, else the
segment's day itself.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from ..model import DatePrecision, EntitySpan, EntityType, Event, Evidence, PlaceMatch
from .when import find_when

EVENT_TRIGGERS: dict[str, tuple[str, ...]] = {
    "ATTACK": ("attack", "strike", "struck", "striking", "shell", "bomb", "pound", "raid",
               "shot down", "shoot down", "shooting down", "killed", "kill", "hit", "target"),
    "DEPLOY": ("deploy", "dispatch", "station", "sent troops", "send troops", "sending troops"),
    "VISIT": ("visit", "arrive", "arriving", "travel"),
    "MEET": ("met", "meet", "talks", "hosted", "hosts", "summit"),
    "AID": ("aid", "pledg", "deliver", "donat", "supplied", "supply", "supplies", "package"),
    "AGREE": ("sign", "agree", "agreement", "treaty", "deal", "ceasefire"),
    "SANCTION": ("sanction", "embargo", "ban"),
    "ACCUSE": ("accus", "blame", "condemn"),
    "THREATEN": ("threat", "warn"),
    "CAPTURE": ("captur", "seiz", "took control", "taken control", "take control", "gained control",
                "gain control", "gaining control", "liberat",
                "occupied", "overran"),
    "PROTEST": ("protest", "rally", "rallies", "demonstrat", "march"),
    "LEGAL": ("sentenc", "verdict", "convict", "jail", "arrest", "charged", "indict", "detain", "warrant",
              "prosecut", "ruled", "court"),
    "EXERCISE": ("drill", "exercise", "manoeuvre", "maneuver", "test-fire", "test fire"),
}
# Dependency roles a verb trigger may have: a clause of its own (reported speech included).
VERB_DEPS = frozenset({"ROOT", "conj", "ccomp", "advcl", "xcomp", "relcl", "pcomp", "parataxis"})
# Roles a noun trigger may have: the head of a phrase that is an argument or stands alone.
NOUN_DEPS = frozenset({"nsubj", "nsubjpass", "dobj", "pobj", "ROOT", "appos", "attr", "conj"})
NOUN_TRIGGERS = frozenset({"attack", "strike", "raid", "visit", "talks", "aid", "package", "agreement",
                           "treaty", "deal", "ceasefire", "sanctions", "protests", "drills", "exercises",
                           "arrest", "summit", "sentence", "verdict"})
# Words that make 'announce'/'said' sentences about aid an AID event rather than talk.
MAX_EVENTS_PER_SENTENCE = 2
SUMMARY_MAX_CHARS = 320  # a long news sentence whole; longer ones are cut at a word


@dataclass(frozen=True, slots=True)
class SegmentDay:
    """The stretch of text a segment covers and the day it was written (None when undated)."""

    start: int
    end: int
    day: object  # datetime.date | None


def find_events(
    doc_id: str,
    text: str,
    parses: Sequence[tuple[int, object]],
    entities: Sequence[EntitySpan],
    places: Sequence[PlaceMatch],
    segments: Sequence[SegmentDay],
) -> list[Event]:
    """Events of one document; `parses` are (offset, spaCy Doc) per paragraph of `text`."""
    events: list[Event] = []
    seen: set[tuple[int, str]] = set()
    for offset, doc in parses:
        for sent in doc.sents:
            s_start, s_end = offset + sent.start_char, offset + sent.end_char
            found = 0
            for token in sent:
                kind = _trigger_type(token)
                if kind is None or (s_start, kind) in seen:
                    continue
                seen.add((s_start, kind))
                day = _segment_day(segments, s_start)
                event = _event(doc_id, text, offset, token, kind, (s_start, s_end), entities, places, day)
                if event is not None:
                    events.append(event)
                    found += 1
                if found >= MAX_EVENTS_PER_SENTENCE:
                    break
    return events


def _trigger_type(token) -> str | None:
    word = token.lower_
    if not word[:1].isalpha():
        return None
    is_verb_slot = token.dep_ in VERB_DEPS
    is_noun_slot = token.dep_ in NOUN_DEPS and word in NOUN_TRIGGERS
    if not (is_verb_slot or is_noun_slot):
        return None
    two = f"{word} {token.nbor().lower_}" if token.i + 1 < len(token.doc) else word
    for kind, triggers in EVENT_TRIGGERS.items():
        for trig in triggers:
            if " " in trig:
                if two.startswith(trig):
                    return kind
            elif word.startswith(trig):
                return kind
    return None


def _segment_day(segments: Sequence[SegmentDay], pos: int):
    for seg in segments:
        if seg.start <= pos < seg.end:
            return seg.day
    return None


def _event(doc_id, text, offset, token, kind, sentence, entities, places, day) -> Event | None:
    s_start, s_end = sentence
    clause = _clause(token)
    c_start, c_end = offset + clause[0], offset + clause[1]
    actors = _names_in(entities, _subject_range(token, offset), exclude=EntityType.PLACE.value)
    targets = _names_in(entities, _object_range(token, offset), exclude=None)
    place = _place_in(places, c_start, c_end) or _place_in(places, s_start, s_end)
    if not (actors or targets or place):
        return None  # 'the attack' with nobody and nowhere: not an event an analyst can place
    when = find_when(text[s_start:s_end], day)
    if when is not None:
        date, precision = when.day, when.precision
    else:
        date, precision = day, DatePrecision.DAY if day else None
    summary = _summary(text, s_start, s_end)  # the whole sentence: a clause alone loses who
    digest = hashlib.sha256(f"{doc_id}:{s_start}:{kind}".encode()).hexdigest()[:16]
    return Event(
        id=digest,
        type=kind,
        date=date,
        date_precision=precision,
        summary=summary,
        actors=tuple(actors),
        targets=tuple(t for t in targets if t not in actors),
        place=place.name if place else None,
        place_entity_id=None,
        evidence=(Evidence(doc_id, s_start, s_end),),
    )


def _clause(token) -> tuple[int, int]:
    sub = list(token.subtree)
    return sub[0].idx, sub[-1].idx + len(sub[-1].text)


def _subject_range(token, offset: int) -> tuple[int, int] | None:
    """A verb's subject (or its head verb's, for 'went to visit'); a noun's modifiers
    ('Ukrainian drone attack')."""
    if token.dep_ in NOUN_DEPS and token.lower_ in NOUN_TRIGGERS:
        mods = [c for c in token.lefts if c.dep_ in ("compound", "amod", "poss", "nmod")]
        if mods:
            first = list(mods[0].subtree)[0]
            return offset + first.idx, offset + token.idx
        if token.dep_ in ("dobj", "attr") and token.head is not token:
            token = token.head  # 'a court ... handed him the new sentence': the verb's subject
    head = token
    for _ in range(3):
        for child in head.children:
            if child.dep_ in ("nsubj", "agent"):
                sub = list(child.subtree)
                return offset + sub[0].idx, offset + sub[-1].idx + len(sub[-1].text)
        if head.dep_ not in ("xcomp", "conj", "advcl") or head.head is head:
            break
        head = head.head
    return None


def _object_range(token, offset: int) -> tuple[int, int] | None:
    for child in token.children:
        if child.dep_ in ("dobj", "nsubjpass", "attr", "prep"):
            if child.dep_ == "prep" and child.lower_ not in ("on", "against", "with", "to"):
                continue
            sub = list(child.subtree)
            return offset + sub[0].idx, offset + sub[-1].idx + len(sub[-1].text)
    return None


def _names_in(entities: Sequence[EntitySpan], span, *, exclude: str | None) -> list[str]:
    if span is None:
        return []
    start, end = span
    out = []
    for e in entities:
        if start <= e.start and e.end <= end and e.label != exclude and e.text not in out:
            out.append(e.text)
    return out


def _place_in(places: Sequence[PlaceMatch], start: int, end: int) -> PlaceMatch | None:
    for p in places:
        if start <= p.start and p.end <= end and p.lat is not None:
            return p
    return None


def _summary(text: str, start: int, end: int) -> str:
    piece = " ".join(text[start:end].split())
    if len(piece) <= SUMMARY_MAX_CHARS:
        return piece
    cut = piece[:SUMMARY_MAX_CHARS].rsplit(" ", 1)[0]
    return cut + " …"
