"""News-agency credits: who the copy came from.

Two shapes are read. A credit line, such as DW's closing 'sdi/zc (AFP, AP, dpa, Reuters)' (the
editors' initials, then the agencies), 'With AFP' or 'Reporting by ...; Editing by ...', is furniture and
leaves the text. A dateline credit ('KYIV (AP) —', '(Reuters) -', 'Reuters: ...') opens a
reporting sentence, so the line stays as it is and only the credit is recorded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from ..thresholds import thresholds

# canonical name -> how copy spells it; canonical names follow the agencies' own styling
AGENCIES: dict[str, tuple[str, ...]] = {
    "AFP": ("AFP", "Agence France-Presse", "Agence France Presse"),
    "AP": ("AP", "Associated Press", "The Associated Press"),
    "Reuters": ("Reuters", "Thomson Reuters"),
    "dpa": ("dpa", "DPA", "Deutsche Presse-Agentur"),
    "EFE": ("EFE",),
    "ANSA": ("ANSA",),
    "Kyodo": ("Kyodo", "Kyodo News"),
    "Xinhua": ("Xinhua",),
    "TASS": ("TASS", "Tass"),
    "Interfax": ("Interfax",),
    "Ukrinform": ("Ukrinform",),
    "PA": ("PA", "PA Media", "Press Association"),
    "Bloomberg": ("Bloomberg",),
    "UPI": ("UPI", "United Press International"),
    "AAP": ("AAP", "Australian Associated Press"),
    "Yonhap": ("Yonhap",),
    "KNA": ("KNA",),
    "epd": ("epd",),
    "CP": ("The Canadian Press", "Canadian Press"),
    "PTI": ("PTI", "Press Trust of India"),
    "ANI": ("ANI",),
    "IANS": ("IANS",),
    "Anadolu": ("Anadolu", "Anadolu Agency"),
}

_CANONICAL = {alias: name for name, aliases in AGENCIES.items() for alias in aliases}
_ALIAS = "|".join(sorted(map(re.escape, _CANONICAL), key=len, reverse=True))

# 'sdi/zc (AFP, AP, dpa, Reuters)', '(AFP)', 'jsi/rm (Reuters, dpa)' as a line of its own
_CREDIT_LINE = re.compile(
    r"^\s*(?:(?P<initials>[a-z]{1,4}(?:/[a-z]{1,4})*)\s*)?\((?P<list>[^()]{2,120})\)\s*$"
)
_ACRONYM = re.compile(r"[A-Z]{2,6}")  # an agency's initials: 'MP', 'AFP', 'ANSA'
# 'With Agence France-Presse', 'Source: Reuters, AP', '— AFP' as a line of its own
_WITH_LINE = re.compile(
    r"(?i)^\s*(?:with|via|source:|sources:|[-—–])\s*(?P<list>[^()]{2,120}?)\.?\s*$"
)
# 'Reporting by Jane Doe; Editing by John Roe', 'Associated Press writers X and Y contributed ...'
_TRAILER = re.compile(
    r"(?i)^\s*(?:\(?(?:additional\s+)?reporting\s+by\b.{0,200}?(?:;\s*|\s+)(?:writing|editing)\s+by\b.*"
    r"|.{0,200}\bcontributed\s+to\s+this\s+(?:report|story|article)\.?\)?)$"
)
# 'KYIV, Ukraine (AP) —', '(Reuters) -', 'LONDON, Dec 3 (Reuters) -' at the start of a line
_DATELINE = re.compile(rf"^\s*(?:[A-Z][\w .,'’/-]{{0,60}}?\s)?\((?P<agency>{_ALIAS})\)\s*[-—–:]")
# 'Reuters: Ukrainian Foreign Minister ...' (the agency as a label before a sentence)
_LABEL = re.compile(rf"^\s*(?P<agency>{_ALIAS})\s*[:—–]\s+[A-Z“\"‘']")
_NAMED = re.compile(rf"\b(?P<agency>{_ALIAS})\b")
_SEPARATORS = re.compile(r"\s*(?:,|/|;|\band\b|&)\s*")


@dataclass(frozen=True, slots=True)
class Credits:
    """Agencies in order of first mention, and the credit lines that leave the text."""

    agencies: tuple[str, ...] = ()
    furniture: frozenset[int] = frozenset()


def canonical_agency(name: str) -> str | None:
    """'The AP' -> 'AP', 'Agence France-Presse' -> 'AFP'; None for a name that is no agency."""
    name = name.strip()
    return _CANONICAL.get(name) or _CANONICAL.get(name.removeprefix("The "))


def parse_credit_line(line: str) -> tuple[str, ...] | None:
    """The agencies of a 'sdi/zc (AFP, AP, dpa, Reuters)' or 'With AFP' line, else None.

    Every name must be a known agency, except in the editors' closing form ('jk/ts (MP,
    Reuters)'): there the initials mark the line as a credit, so an acronym we do not know
    ('MP') is taken as an agency too.
    """
    closing = _CREDIT_LINE.match(line)
    match = closing or _WITH_LINE.match(line)
    if match is None:
        return None
    names = [n for n in _SEPARATORS.split(match.group("list").strip()) if n and n.lower() != "the"]
    signed = closing is not None and "/" in (closing.group("initials") or "")
    agencies = [canonical_agency(n) or (n if signed and _ACRONYM.fullmatch(n) else None) for n in names]
    if not agencies or None in agencies:
        return None  # '(file photo)', '(in Russian)': parentheses that name no agency
    return tuple(a for a in agencies if a)


def find_credits(lines: list[str], candidates: list[int]) -> Credits:
    """Scan the candidate lines for credit lines (dropped) and dateline credits (kept)."""
    found: list[str] = []
    furniture: set[int] = set()
    for i in candidates:
        line = lines[i]
        listed = parse_credit_line(line)
        if listed is not None:
            found.extend(listed)
            furniture.add(i)
            continue
        if _TRAILER.match(line) and len(line.split()) <= thresholds().clean_trailer_max_words:
            found.extend(_canonical(m.group("agency")) for m in _NAMED.finditer(line))
            furniture.add(i)
            continue
        match = _DATELINE.match(line) or _LABEL.match(line)
        if match is not None:
            found.append(_canonical(match.group("agency")))
    return Credits(tuple(dict.fromkeys(found)), frozenset(furniture))


def _canonical(alias: str) -> str:
    return _CANONICAL[alias]
