"""Entity spans: spaCy's NER, corrected by the gazetteer and by context, keyed by name.

The small English model mislabels news names (it tags 'Kyiv' PERSON, 'Kursk' PRODUCT and
'Zelenskiy' ORG). Three corrections, in order:

    1. places: any span the place resolver recognises is a PLACE, whatever NER said
    2. people: an ORG/other span whose surname a PERSON span of the same document carries, or
       that a title precedes ('President Zelenskiy'), is a PERSON
    3. keys: short mentions ('Zelensky', 'Mr Zelensky') take the first-name initial of the full
       name the document gives, so that every spelling of one person shares a key
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..model import EntityRole, EntitySpan, EntityType, PlaceMatch
from . import names
from ..thresholds import thresholds

NER_TYPES = {
    "PERSON": EntityType.PERSON,
    "ORG": EntityType.ORG,
    "GPE": EntityType.PLACE,
    "LOC": EntityType.PLACE,
    "FAC": EntityType.PLACE,
    "NORP": EntityType.GROUP,
}
PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
# Labels spaCy sm gives names it does not recognise; such a span can still be a person.
MISLABELS = frozenset({"ORG", "PRODUCT", "WORK_OF_ART", "EVENT", "LAW", "NORP", "GPE"})

ROLE_HEADS = frozenset(
    """president minister chancellor secretary general spokesperson spokesman spokeswoman chief
    commander leader premier envoy ambassador governor mayor head director adviser advisor
    official officer prosecutor judge senator lawmaker mp deputy chair chairman chairwoman
    ombudsman commissioner king queen prince foreign defence defense interior""".split()
)
# Words of a title written before a name ('German Foreign Minister Annalena Baerbock').
TITLE_WORD = r"(?:[A-Z][\w’'.-]*|secretary|general|minister|president|foreign|defen[cs]e|chief|of|the)"
TITLE_BEFORE = re.compile(rf"((?:{TITLE_WORD}[ ]){{1,5}})$")
# An apposition after a name: 'Mark Rutte, NATO's secretary general,'
APPOSITION = re.compile(r"^,\s+(?:the\s+|a\s+)?([^,;:\"“”()]{4,70}?)(?=,|\.|;| said| told| says)")


JOINABLE_LABELS = frozenset({"PERSON", "ORG", "WORK_OF_ART", "PRODUCT", "EVENT"})
JOINED = re.compile(r"^(?P<name>[A-Z][\w’'.-]*(?: [A-Z][\w’'.-]*)*) (?:in|at|from) (?P<place>[A-Z][\w’'.-]*(?: [A-Z][\w’'.-]*)*)$")


def split_joined_names(text: str, ner: Sequence[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """'Baerbock in Kyiv' tagged as one PERSON: the name, and the place as a GPE span for the
    place resolver to judge."""
    out: list[tuple[int, int, str]] = []
    for start, end, label in ner:
        m = JOINED.match(text[start:end]) if label in JOINABLE_LABELS else None
        if m is None:
            out.append((start, end, label))
            continue
        out.append((start, start + m.end("name"), label))
        out.append((start + m.start("place"), start + m.end("place"), "GPE"))
    return out


def entity_spans(
    text: str, ner: Sequence[tuple[int, int, str]], places: Sequence[PlaceMatch]
) -> list[EntitySpan]:
    """Named-entity spans of one document with corrected labels and shared keys."""
    people = {names.person_parts(text[s:e])[1] for s, e, label in ner if label == "PERSON"}
    places = [p for p in places if not _false_place(text, p, people)]
    spans = _from_places(places)
    taken = [(p.start, p.end) for p in places]
    raw: list[tuple[int, int, str]] = []
    for start, end, label in ner:
        overlap = [s for s, e in taken if s < end and start < e]
        if overlap:
            # 'Baerbock in Kyiv' tagged as one PERSON: keep the name before the place
            end = _before_place(text, start, min(overlap))
            if end is None:
                continue
        start, end = _trim(text, start, end)
        if end > start:
            raw.append((start, end, label))
    raw += _acronyms(text, raw)
    for start, end, label in raw:
        if label in PLACE_LABELS:
            continue  # the place resolver saw it and judged it no place ('The' tagged GPE)
        kind = _corrected_type(text, start, end, label, people)
        if kind is not None:
            spans.append(EntitySpan(start, end, text[start:end], kind.value, label))
    spans.sort(key=lambda s: s.start)
    return _keyed(spans, places)


ACRONYM_WORD = re.compile(r"(?<![\w-])([A-Z]{3,6})(?![\w-])")
# All-caps words that are not organisations even after 'the'.
NOT_ACRONYMS = frozenset({"CEO", "GDP", "TV", "USD", "EUR", "GBP", "AM", "PM", "BBC", "WATCH", "LIVE", "UPDATE", "NEW"})


def _acronyms(text: str, ner: Sequence[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """All-caps words NER missed that name organisations: the initials of an organisation the
    document names ('International Campaign to Ban Landmines' ... 'the ICBL'), or written
    after 'the' ('the ICBL hoped')."""
    known = {(s, e) for s, e, _ in ner}
    initials = {names.initials(text[s:e], min_words=1) for s, e, label in ner if label == "ORG"}
    found = []
    for m in ACRONYM_WORD.finditer(text):
        word = m.group(1)
        if word in NOT_ACRONYMS or any(s <= m.start() < e for s, e in known):
            continue
        after_the = text[max(0, m.start() - 4) : m.start()].lower() == "the "
        if word.lower() in initials or after_the:
            found.append((m.start(), m.end(), "ORG"))
    return found


def _false_place(text: str, place: PlaceMatch, people: set[str]) -> bool:
    """An unresolved 'place' that is a person's surname ('Scholz' tagged GPE) or a common word
    the text also writes in lower case ('War', 'The')."""
    if place.lat is not None:
        return False
    if names.person_parts(place.text)[1] in people:
        return True
    word = place.text.strip()
    return " " not in word and re.search(rf"(?<!\w){re.escape(word.lower())}(?!\w)", text) is not None


def _from_places(places: Sequence[PlaceMatch]) -> list[EntitySpan]:
    return [EntitySpan(p.start, p.end, p.text, EntityType.PLACE.value, "gazetteer") for p in places]


def _before_place(text: str, start: int, place_start: int) -> int | None:
    head = text[start:place_start]
    m = re.match(r"^(.*?[A-Za-z])(?:\s+(?:in|of|at|from|to))?\s*$", head)
    if not m or not m.group(1)[:1].isupper():
        return None
    return start + len(m.group(1))


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop a possessive and a leading article from a span."""
    piece = text[start:end]
    if m := names.POSSESSIVE.search(piece):
        end -= len(m.group())
    if piece.startswith(("the ", "The ")) and end - start > 6:
        start += 4
    return start, end


def _corrected_type(
    text: str, start: int, end: int, label: str, people: set[str]
) -> EntityType | None:
    words = text[start:end].split()
    if names.ACRONYM.match(text[start:end]) and text[start:end].isupper():
        # 'UN', 'IAEA': never a person, even when a person's surname folds the same ('Kim Jong Un')
        return EntityType.ORG if label in ("PERSON", "ORG") else NER_TYPES.get(label)
    if label != "PERSON" and label in MISLABELS and 1 <= len(words) <= 3 and words[0][:1].isupper():
        if names.person_parts(text[start:end])[1] in people or _titled(text, start):
            return EntityType.PERSON
    return NER_TYPES.get(label)


def _titled(text: str, start: int) -> bool:
    before = text[max(0, start - 40) : start].split()
    return bool(before) and names.fold(before[-1]) in {"president", "mr", "mrs", "ms", "chancellor"}


def _keyed(spans: list[EntitySpan], places: Sequence[PlaceMatch]) -> list[EntitySpan]:
    """Give every span its key; short person mentions borrow the document's full name."""
    # a village resolved to its region is its own place, with the region's coordinates
    place_ids = {
        (p.start, p.end): (f"{p.gazetteer_id}~{names.fold(p.text)}" if p.approximate else p.gazetteer_id)
        for p in places
    }
    initials_by_surname: dict[str, str] = {}
    for span in spans:
        if span.label == EntityType.PERSON.value:
            first, surname = names.person_parts(span.text)
            if first and surname not in initials_by_surname:
                initials_by_surname[surname] = first
    out = []
    for span in spans:
        if span.label == EntityType.PERSON.value:
            first, surname = names.person_parts(span.text)
            if not surname:
                continue
            key = f"PERSON|{surname}|{first or initials_by_surname.get(surname, '')}"
        elif span.label == EntityType.ORG.value:
            key = names.org_key(span.text)
        elif span.label == EntityType.GROUP.value:
            key = names.group_key(span.text)
        else:
            gid = place_ids.get((span.start, span.end))
            key = f"PLACE|{gid}" if gid else f"PLACE|{names.fold(names.clean_name(span.text))}"
        out.append(_with_key(span, key))
    return _acronyms_joined(out)


def _with_key(span: EntitySpan, key: str) -> EntitySpan:
    return EntitySpan(span.start, span.end, span.text, span.label, span.ner_label, key)


def _acronyms_joined(spans: list[EntitySpan]) -> list[EntitySpan]:
    """'Kyiv School of Economics (KSE)': a long name written with its acronym takes the
    acronym's key even when it has too few words for the initials rule."""
    out = list(spans)
    for i, span in enumerate(spans[:-1]):
        nxt = spans[i + 1]
        if span.label == nxt.label == EntityType.ORG.value and 0 < nxt.start - span.end <= 2:
            if names.ACRONYM.match(nxt.text) and names.fold(nxt.text) == names.initials(span.text, min_words=1):
                out[i] = _with_key(span, names.org_key(nxt.text))
    return out


def person_roles(text: str, spans: Sequence[EntitySpan]) -> list[EntityRole]:
    """Titles before a person's name and appositions after it."""
    roles = []
    for span in spans:
        if span.label != EntityType.PERSON.value:
            continue
        before = text[max(0, span.start - 80) : span.start]
        cut = max(before.rfind("\n"), before.rfind(". "), before.rfind(": "), before.rfind("? ")) + 1
        if m := TITLE_BEFORE.search(before[cut:].lstrip()):
            role = _role_words(m.group(1))
            if role:
                roles.append(EntityRole(span.key, role, span.start - len(m.group(1)), span.start))
        after = text[span.end : span.end + 90]
        if m := APPOSITION.match(after):
            role = _role_words(m.group(1))
            if role:
                roles.append(EntityRole(span.key, role, span.end + m.start(1), span.end + m.end(1)))
    return roles


def _role_words(phrase: str) -> str | None:
    """The role in a title phrase, or None when it holds no role word ('On Monday')."""
    words = phrase.replace("’s", "").replace("'s", "").split()
    while words and names.fold(words[0]) in {"the", "a", "of", "former"}:
        words = words[1:]
    while words and names.fold(words[-1]) in {"the", "a", "of"}:
        words = words[:-1]
    if not words or len(words) > thresholds().entities_max_role_words:
        return None
    if not any(names.fold(w) in ROLE_HEADS for w in words):
        return None
    if names.fold(words[-1]) in {"foreign", "defence", "defense", "interior"}:
        return None
    return " ".join(w if w.isupper() else w[:1].upper() + w[1:] for w in words)
