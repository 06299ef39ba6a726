"""Lines of a cleaned text with their offsets, and the tests both splitters share."""

from __future__ import annotations

import re
from dataclasses import dataclass

_CLOSERS = "\"'”’»)]*"  # closing quotes and brackets that may follow a sentence's final mark
_FINAL = ".,;:!…"  # a line ending in one of these is running text; '?' ends question headlines too
_ELLIPSIS = re.compile(r"\.\.\.$")


@dataclass(frozen=True, slots=True)
class Line:
    """One line: `text` without surrounding blanks, `start`/`end` its offsets in the document."""

    text: str
    start: int
    end: int


def split_lines(text: str) -> list[Line]:
    out = []
    pos = 0
    for raw in text.split("\n"):
        stripped = raw.strip()
        lead = len(raw) - len(raw.lstrip())
        out.append(Line(stripped, pos + lead, pos + lead + len(stripped)))
        pos += len(raw) + 1
    return out


def is_closed_sentence(text: str) -> bool:
    """Does the line end like a sentence of running text ('...war.', '...it."', '...said:')?

    A closing quote after a letter does not count: British headlines end in scare quotes
    ("Putin 'not interested in peace'").
    """
    core = text.rstrip(_CLOSERS + " ")
    return bool(core) and (core[-1] in _FINAL or bool(_ELLIPSIS.search(core)))
