"""Who published the text, when the text says so itself.

An outlet names itself in its appeals ('The Independent is on the ground ...', 'support The
Guardian') and in its reporting caveats ('The Independent could not verify this claim'). A site
that republishes other outlets' copy names itself in its disclaimer ('EMEA Tribune is not
involved in this news article'). Only 'verify' caveats count: 'Moscow has not confirmed' names a
government, not the outlet. A news agency in the caveat ('Reuters could not verify') is a
credit, not the outlet: agencies' copy is carried by many outlets.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from .credits import canonical_agency

# A proper name of one to four capitalised words, optionally opened by 'The'.
_NAME = r"(?P<name>(?:The\s+)?[A-Z][\w&'’.-]*(?:\s+(?:[A-Z][\w&'’.-]*|of|on|and|&)){0,3})"
_CLAUSE_START = r"(?:^|[.,;:!?]\s+|\b(?:and|but)\s+)"
_SENTENCE_START = r"(?:^|[.;:!?]\s+)"
# Sentence-initial words that a capitalised-name pattern would otherwise take for a name.
_NOT_NAMES = frozenset(
    {"It", "We", "He", "She", "They", "This", "That", "But", "And", "Officials", "Police"}
)

# In an appeal, a name as the subject of a clause is the outlet ('The Gazette is there ...'),
# and so is the name readers are asked to support ('support The Gazette today').
_APPEAL_SUBJECT = re.compile(
    rf"{_CLAUSE_START}{_NAME}\s+(?:is|are|was|has|have|relies|needs|depends|brings|sends|puts)\b"
)
_SUPPORT_NAME = re.compile(
    rf"\b(?i:support|subscribe\s+to|donate\s+to)\s+(?:the\s+)?{_NAME}"
    r"(?=\s*(?:[.,;!–—-]|$|\s+(?:today|now)\b))"
)
# Sign-up and follow prompts name the outlet too ('Follow the Eastbridge Post on social media').
_PROMPT_NAME = re.compile(
    rf"(?i:\b(?:follow|sign\s+up\s+(?:to|for)|subscribe\s+to))\s+(?:the\s+)?{_NAME}"
    r"(?=\s+(?i:on\s|morning|evening|daily|weekly|newsletter|briefing|app\b))"
)
_CAVEAT = re.compile(
    rf"{_SENTENCE_START}{_NAME}\s+(?:could\s+not|cannot|can\s+not|was\s+unable\s+to"
    r"|has\s+not\s+been\s+able\s+to)\s+(?:independently\s+)?verify\b"
)
_REPUBLISHER = re.compile(
    rf"{_SENTENCE_START}{_NAME}\s+(?:is|was)\s+not\s+(?:involved\s+in|responsible\s+for)"
    r"\s+(?:the\s+content\s+of\s+)?this\s+(?:news\s+)?(?:article|story|content)"
)


@dataclass(frozen=True, slots=True)
class Publisher:
    outlet: str | None = None
    republisher: str | None = None
    agencies: tuple[str, ...] = ()  # agencies named in a verification caveat: credits


def find_publisher(
    lines: Sequence[str], *, appeals: Sequence[str] = (), prompts: Sequence[str] = ()
) -> Publisher:
    """Read the outlet from appeals and caveats, the republisher from its disclaimer.

    `appeals` are the lines cleaning found to be donation appeals, `prompts` the other furniture
    lines: only there does a name as the subject ('... is on the ground') or the object of
    'follow' mean the outlet, where in reporting it would be anyone.
    Appeals are read first: they name the outlet on purpose, where a caveat may belong to
    quoted copy from another outlet.
    """
    republisher = _first(_REPUBLISHER, lines)
    agencies: list[str] = []
    outlet = (
        _first(_APPEAL_SUBJECT, appeals)
        or _first(_SUPPORT_NAME, appeals)
        or _first(_PROMPT_NAME, prompts)
    )
    for line in lines:
        for match in _CAVEAT.finditer(line):
            name = _clean_name(match.group("name"))
            if name is None:
                continue
            agency = canonical_agency(name)
            if agency is not None:
                agencies.append(agency)
            elif outlet is None and name != republisher:
                outlet = name
    return Publisher(_with_article(outlet, lines), republisher, tuple(dict.fromkeys(agencies)))


def _with_article(name: str | None, lines: Sequence[str]) -> str | None:
    """'Castavel Herald' read after a lowercase 'the' is 'The Castavel Herald' when the text
    writes it so elsewhere; 'the BBC' written nowhere as 'The BBC' stays 'BBC'."""
    if name is None or name.startswith("The "):
        return name
    spelled = re.compile(rf"\bThe\s+{re.escape(name)}\b")
    return f"The {name}" if any(spelled.search(line) for line in lines) else name


def _first(pattern: re.Pattern[str], lines: Sequence[str]) -> str | None:
    for line in lines:
        for match in pattern.finditer(line):
            name = _clean_name(match.group("name"))
            if name is not None:
                return name
    return None


def _clean_name(name: str) -> str | None:
    name = name.strip(" .")
    if not name or name.split()[0] in _NOT_NAMES:
        return None
    return name
