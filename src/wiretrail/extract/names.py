"""Name keys: the part of a name that survives transliteration and typography.

`Zelensky`, `Zelenskyy`, `Zelenskiy` and `Mr Zelensky's` share a key; so do `Nato` and `NATO`,
and `Stockholm International Peace Research Institute` and `SIPRI`. Keys decide which mentions
are one entity, within a document and across the store, so they are pure functions of the text.
"""

from __future__ import annotations

import re
import unicodedata
from ..thresholds import thresholds

# Honorifics and titles that NER sometimes includes in a PERSON span; they are not the name.
HONORIFICS = frozenset(
    "mr mrs ms miss dr sir dame lord lady prof president premier minister chancellor king queen "
    "prince princess general gen col colonel lt sgt pope st saint".split()
)
# Transliteration endings of Slavic surnames: Zelensky / Zelenskyy / Zelenskiy / Zelenskii.
SLAVIC_ENDING = re.compile(r"(?:iy|yy|yi|ii|ij|y)$")
POSSESSIVE = re.compile(r"(?:['’]s|['’])$")
ACRONYM = re.compile(r"^[A-Z][A-Za-z]?[A-Z0-9&]{1,6}$")  # NATO, ICBL, SIPRI, EU, UNHCR
ARTICLES = ("the ", "The ")


def fold(text: str) -> str:
    """Lower case, accents removed, letters and digits only."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if c.isalnum()).lower()


def clean_name(text: str) -> str:
    """The name as a person would write it in a list: no possessive, no leading article."""
    text = " ".join(text.split())
    text = POSSESSIVE.sub("", text).strip(" -,.;:'\"“”‘’")
    for article in ARTICLES:
        if text.startswith(article) and len(text) > len(article) + 2:
            text = text[len(article) :]
    return text


def person_parts(name: str) -> tuple[str, str]:
    """(first-name initial key, surname key) of a person's name; initial '' when not given."""
    words = [w for w in clean_name(name).replace(".", ". ").split() if w]
    while words and fold(words[0]) in HONORIFICS:
        words = words[1:]
    if not words:
        return "", ""
    surname = _surname_key(words[-1])
    first = fold(words[0])[:1] if len(words) > 1 else ""
    return first, surname


def _surname_key(word: str) -> str:
    key = fold(word)
    key = SLAVIC_ENDING.sub("i", key) if len(key) > 4 else key
    return re.sub(r"(.)\1+", r"\1", key)  # Zelenskyy / Zelensky after the ending fold; Rutte/Rute


def person_key(name: str) -> str:
    first, surname = person_parts(name)
    return f"PERSON|{surname}|{first}"


def initials(name: str, *, min_words: int | None = None) -> str:
    """Initials of the capitalised words ('International Campaign to Ban Landmines' -> 'icbl'),
    '' for names with fewer than `min_words` of them."""
    min_words = thresholds().names_initials_min_words if min_words is None else min_words
    words = [w for w in re.split(r"[\s-]+", clean_name(name)) if w[:1].isupper()]
    return "".join(w[0] for w in words).lower() if len(words) >= min_words else ""


def org_key(name: str) -> str:
    """Acronyms and the long names they abbreviate share a key: 'nato', 'sipri'."""
    name = clean_name(name)
    if ACRONYM.match(name):
        return f"ORG|{name.lower()}"
    return f"ORG|{initials(name) or fold(name)}"


def group_key(name: str) -> str:
    key = fold(clean_name(name))
    return f"GROUP|{key[:-1] if key.endswith('s') and len(key) > 4 else key}"


# Adjectives of the countries news names most, for matching roles ('Ukrainian President' is the
# 'President of Ukraine') and figures' subjects ('North Korean troops').
DEMONYMS = {
    "ukrainian": "ukraine", "russian": "russia", "german": "germany", "french": "france",
    "british": "uk", "american": "us", "us": "us", "u.s.": "us", "chinese": "china",
    "north korean": "north korea", "south korean": "south korea", "polish": "poland",
    "belarusian": "belarus", "turkish": "turkey", "iranian": "iran", "israeli": "israel",
    "georgian": "georgia", "hungarian": "hungary", "italian": "italy", "japanese": "japan",
    "dutch": "netherlands", "finnish": "finland", "swedish": "sweden", "estonian": "estonia",
    "latvian": "latvia", "lithuanian": "lithuania", "moldovan": "moldova", "romanian": "romania",
    "canadian": "canada", "australian": "australia", "indian": "india", "syrian": "syria",
}  # fmt: skip


def role_key(role: str) -> str:
    """'Ukrainian President' and 'President of Ukraine' are one role."""
    text = role.lower().replace("’s", "").replace("'s", "")
    for demonym in sorted(DEMONYMS, key=len, reverse=True):
        text = text.replace(demonym, DEMONYMS[demonym])
    words = sorted(fold(w) for w in text.replace("-", " ").split() if fold(w) not in {"of", "the", "a"})
    return " ".join(words)
