"""Shingle F1 against the big5-05 human gold: the measure both extraction evaluations share.

Lowercased `\\w+` words, 5-word shingles counted as multisets, precision/recall/F1 per page
(averaged over pages by the callers), as in the Scrapinghub article-extraction benchmark.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "eval" / "boilerplate" / "big5-05"
SHINGLE = 5  # words per shingle: the size the shared README's target is stated for
_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class Score:
    precision: float
    recall: float
    f1: float


def shingles(text: str) -> Counter:
    words = _WORD.findall(text.lower())
    return Counter(tuple(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1))


def score(candidate: str, gold: str) -> Score:
    got, want = shingles(candidate), shingles(gold)
    common = sum((got & want).values())
    p = common / sum(got.values()) if got else 0.0
    r = common / sum(want.values()) if want else 0.0
    return Score(p, r, 2 * p * r / (p + r) if p + r else 0.0)


def pages() -> list[tuple[Path, bytes, str]]:
    """(page path, page bytes, gold main text) for every page that has a gold file (cp1252)."""
    out = []
    for page in sorted((DATA / "html").glob("*.htm*")):
        gold = DATA / "gold" / f"{page.stem}.txt"
        if gold.exists():
            out.append((page, page.read_bytes(), gold.read_bytes().decode("cp1252", "replace")))
    return out
