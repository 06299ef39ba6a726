"""Numbers, money and measures as news writes them: '10,000', '2.5%', '$725m', '725 million
dollars', 'two million', '1,000-km', 'between 10,000-12,000', 'up to 100', 'thousands of'.

Text rules only: this runs on every sentence of every document, so it must stay far cheaper than
spaCy. It finds amounts; deciding which amounts are figures (not dates, ages, times, names) and
what they count is `figures.py`'s job.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# --- lexicons ---------------------------------------------------------------------------------

SMALL_NUMBERS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
SCALE_WORDS = {
    "hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000,
    "trillion": 1_000_000_000_000,
}  # fmt: skip
# Attached abbreviations ('$725m', '£263bn', '5k'); 'b' and 'tn' are rarer but seen in headlines.
SCALE_SUFFIXES = {
    "k": 1_000, "m": 1_000_000, "mn": 1_000_000, "mln": 1_000_000, "b": 1_000_000_000,
    "bn": 1_000_000_000, "tn": 1_000_000_000_000, "trn": 1_000_000_000_000,
}  # fmt: skip

CURRENCY_SYMBOLS = {
    "us$": "USD", "$": "USD", "c$": "CAD", "a$": "AUD", "au$": "AUD", "£": "GBP", "€": "EUR",
    "₴": "UAH", "₽": "RUB", "¥": "JPY",
}  # fmt: skip
# A bare '$' is read as USD: the corpus is English-language news where it nearly always is.
CURRENCY_WORDS = {
    "dollars": "USD", "dollar": "USD", "us dollars": "USD", "euros": "EUR", "euro": "EUR",
    "pounds": "GBP", "pounds sterling": "GBP", "sterling": "GBP", "roubles": "RUB",
    "rubles": "RUB", "hryvnias": "UAH", "hryvnia": "UAH", "hryvnas": "UAH", "yuan": "CNY",
    "yen": "JPY", "rupees": "INR", "francs": "CHF",
}  # fmt: skip
CURRENCY_CODES = ("USD", "EUR", "GBP", "UAH", "RUB", "CHF", "CNY", "JPY", "CAD", "AUD", "INR")

# Units of measure, spelled as news spells them -> one canonical name.
UNITS = {
    "km": "km", "kms": "km", "kilometres": "km", "kilometers": "km", "kilometre": "km",
    "kilometer": "km", "miles": "miles", "mile": "miles", "metres": "m", "meters": "m",
    "metre": "m", "meter": "m", "tonnes": "tonnes", "tonne": "tonnes", "tons": "tonnes",
    "ton": "tonnes", "kg": "kg", "kilograms": "kg", "kilogrammes": "kg", "hectares": "ha",
    "hectare": "ha", "acres": "acres", "acre": "acres", "sq km": "km2", "square kilometres": "km2",
    "square kilometers": "km2", "square miles": "sq miles", "km2": "km2", "litres": "litres",
    "liters": "litres", "barrels": "barrels", "bcm": "bcm", "mw": "MW", "gw": "GW",
    "megawatts": "MW", "gigawatts": "GW", "mph": "mph", "km/h": "km/h", "kph": "km/h",
}  # fmt: skip

# Vague amounts and the range each implies. A convention, not a measurement: 'thousands' is
# read as 2,000-9,999 (two or more thousands, fewer than ten). Longest phrases first.
VAGUE_AMOUNTS = {
    "hundreds of thousands": (200_000, 999_999), "tens of thousands": (20_000, 99_999),
    "hundreds of millions": (200_000_000, 999_999_999), "tens of millions": (20_000_000, 99_999_999),
    "dozens": (24, 99), "scores": (40, 99), "hundreds": (200, 999), "thousands": (2_000, 9_999),
    "millions": (2_000_000, 9_999_999), "billions": (2_000_000_000, 9_999_999_999),
}  # fmt: skip
# 'several hundred' / 'a few thousand': the multiplier range each quantifier implies.
VAGUE_MULTIPLIERS = {"several": (3, 9), "a few": (2, 5), "a couple of": (2, 2), "many": (2, 9)}

# Words before a number that bound it ('more than 2,000' -> low 2000, high None).
LOWER_BOUNDS = (
    "more than", "over", "at least", "in excess of", "upwards of", "above", "exceeding",
    "exceeds", "exceeded", "no fewer than", "no less than", "a minimum of", "just over",
)  # fmt: skip
UPPER_BOUNDS = (
    "up to", "as many as", "at most", "fewer than", "less than", "under", "below",
    "no more than", "a maximum of", "just under",
)  # fmt: skip
APPROXIMATE = (
    "about", "around", "approximately", "roughly", "some", "nearly", "almost", "close to",
    "an estimated", "estimated", "circa", "approx.", "about some",
)  # fmt: skip

# --- patterns ---------------------------------------------------------------------------------


def _alt(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_SMALL = _alt(SMALL_NUMBERS)
_SCALE = _alt(SCALE_WORDS)
_WORD = rf"(?:{_SMALL}|{_SCALE})"
SPELLED = (
    rf"(?:(?:{_SMALL})|a\s+(?:{_SCALE}|dozen)|half\s+a\s+(?:{_SCALE}))"
    rf"(?:(?:\s+and\s+|[\s-]+){_WORD}(?![\w]))*"
)
ATOM_RE = re.compile(
    rf"(?P<cur>(?:US|AU|[CA])?\$|[£€₴₽¥]|\b(?:{'|'.join(CURRENCY_CODES)})\s?)?"
    rf"(?<![\w.,])(?P<num>{DIGITS}|(?i:{SPELLED})\b)"
    rf"(?:(?P<suf>{_alt(SCALE_SUFFIXES)})\b|\s(?P<scale>(?i:{_SCALE}))\b)?"
    rf"(?P<unit>\s?%|\s+(?i:per\s?cent|percent)\b"
    rf"|[\s-]?(?i:{_alt(UNITS)})(?![\w/])"
    rf"|\s+(?i:{_alt(CURRENCY_WORDS)})\b|\s(?:{'|'.join(CURRENCY_CODES)})\b)?"
)
VAGUE_RE = re.compile(
    rf"\b(?:(?P<mult>{_alt(VAGUE_MULTIPLIERS)})\s+(?P<mscale>(?i:{_SCALE}))\b"
    rf"|(?:many\s+)?(?P<vague>(?i:{_alt(VAGUE_AMOUNTS)}))\s+of\b)",
    re.IGNORECASE,
)
MOD_RE = re.compile(
    rf"\b(?P<mod>{_alt(LOWER_BOUNDS + UPPER_BOUNDS + APPROXIMATE)}|between|from)\s+$",
    re.IGNORECASE,
)
RANGE_SEP_RE = re.compile(r"\s*(?:-|–|—|to|or|and)\s*$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Amount:
    """One amount in a sentence, offsets relative to the string searched. `raw_start` is where
    the number itself begins (after any bound or currency words); `bound` is the word that bounds
    or hedges it ('up to', 'about', 'between'), if any."""

    start: int
    end: int
    raw_start: int
    low: float | None
    high: float | None
    unit: str | None = None
    vague: bool = False
    bound: str | None = None
    spelled: bool = False
    year_like: bool = False  # a bare 4-digit 1800-2099: read as a year unless context says no


def parse_number(text: str) -> float | None:
    """'10,000' -> 10000.0, '2.5' -> 2.5, 'two million' -> 2000000.0, 'a dozen' -> 12.0."""
    text = text.strip().lower()
    if not text:
        return None
    if text[0].isdigit():
        try:
            return float(text.replace(",", ""))
        except ValueError:
            return None
    return _parse_spelled(text)


def _parse_spelled(text: str) -> float | None:
    words = [w for w in re.split(r"[\s-]+", text) if w and w != "and"]
    if words[:2] == ["half", "a"] and len(words) >= 3 and words[2] in SCALE_WORDS:
        return SCALE_WORDS[words[2]] / 2
    total, current = 0, 0
    for word in words:
        if word == "a":
            current = 1
        elif word == "dozen":
            current = (current or 1) * 12
        elif word in SMALL_NUMBERS:
            current += SMALL_NUMBERS[word]
        elif word == "hundred":
            current = (current or 1) * 100
        elif word in SCALE_WORDS:
            total += (current or 1) * SCALE_WORDS[word]
            current = 0
        else:
            return None
    return float(total + current)


def _atom_value(m: re.Match) -> tuple[float | None, str | None]:
    value = parse_number(m["num"])
    if value is None:
        return None, None
    if m["suf"]:
        value *= SCALE_SUFFIXES[m["suf"]]
    elif m["scale"]:
        value *= SCALE_WORDS[m["scale"].lower()]
    unit = None
    if m["cur"]:
        unit = CURRENCY_SYMBOLS.get(m["cur"].strip().lower()) or m["cur"].strip().upper()
    if m["unit"]:
        word = m["unit"].strip(" -").lower()
        if word == "%" or "cent" in word:
            unit = "percent"
        elif word.upper() in CURRENCY_CODES:
            unit = word.upper()
        elif re.sub(r"\s+", " ", word) in CURRENCY_WORDS:
            unit = CURRENCY_WORDS[re.sub(r"\s+", " ", word)]
        else:
            unit = UNITS.get(re.sub(r"\s+", " ", word), word)
    return value, unit


def _bounded(low: float, high: float, bound: str | None) -> tuple[float | None, float | None, bool]:
    """Apply a bounding word: (low, high, vague)."""
    if bound is None or bound in ("between", "from"):
        return low, high, False
    if bound in LOWER_BOUNDS:
        return low, None, False
    if bound in UPPER_BOUNDS:
        return 0.0, high, False
    return low, high, True  # an approximation: the value as given, marked vague


def find_amounts(text: str) -> list[Amount]:
    """Every amount in `text`, ranges joined, in order. No judgement about what is a figure."""
    atoms = [m for m in ATOM_RE.finditer(text) if m["num"]]
    amounts: list[Amount] = []
    i = 0
    while i < len(atoms):
        m = atoms[i]
        value, unit = _atom_value(m)
        if value is None:
            i += 1
            continue
        start = m.start()
        mod = MOD_RE.search(text, 0, start)
        bound = mod["mod"].lower() if mod else None
        low = high = value
        end = m.end()
        # 1. a range: 'between 10,000-12,000', '10 to 12 million', 'two or three'
        if i + 1 < len(atoms):
            n = atoms[i + 1]
            gap = text[end : n.start()]
            sep = RANGE_SEP_RE.match(gap) if len(gap) <= 5 else None
            sep_word = gap.strip().lower()
            joinable = sep is not None and (
                (sep_word == "and" and bound == "between")
                or (sep_word == "to" and bound != "from")
                or sep_word in ("-", "–", "—", "or")
            )
            if joinable:
                value2, unit2 = _atom_value(n)
                if value2 is not None:
                    if (n["suf"] or n["scale"]) and not (m["suf"] or m["scale"]):
                        mult = SCALE_SUFFIXES.get(n["suf"] or "", 0) or SCALE_WORDS.get(
                            (n["scale"] or "").lower(), 1
                        )
                        if value * mult <= value2:
                            value *= mult
                    low, high = min(value, value2), max(value, value2)
                    unit = unit or unit2
                    end = n.end()
                    i += 1
        low_b, high_b, vague = _bounded(low, high, bound)
        num = m["num"]
        amounts.append(
            Amount(
                start=mod.start() if mod and bound != "from" else start,
                end=end,
                raw_start=m.start("num") if not m["cur"] else m.start(),
                low=low_b,
                high=high_b,
                unit=unit,
                vague=vague,
                bound=bound,
                spelled=not num[0].isdigit(),
                year_like=(
                    re.fullmatch(r"(18|19|20)\d\d", num) is not None
                    and not (m["cur"] or m["suf"] or m["scale"] or m["unit"])
                    and end == m.end()
                ),
            )
        )
        i += 1
    amounts.extend(_vague_amounts(text, amounts))
    amounts.sort(key=lambda a: a.start)
    return amounts


def _vague_amounts(text: str, exact: list[Amount]) -> list[Amount]:
    found = []
    for m in VAGUE_RE.finditer(text):
        if any(a.start < m.end() and m.start() < a.end for a in exact):
            # 'several hundred': the atom regex read 'hundred' alone; the vague reading wins
            if not m["mult"]:
                continue
            exact[:] = [a for a in exact if not (a.start < m.end() and m.start() < a.end)]
        if m["mult"]:
            lo, hi = VAGUE_MULTIPLIERS[m["mult"].lower()]
            scale = SCALE_WORDS[m["mscale"].lower()]
            low, high, end = float(lo * scale), float(hi * scale), m.end()
        else:
            lo, hi = VAGUE_AMOUNTS[m["vague"].lower()]
            low, high, end = float(lo), float(hi), m.end("vague")
        mod = MOD_RE.search(text, 0, m.start())
        bound = mod["mod"].lower() if mod else None
        low_b, high_b, _ = _bounded(low, high, bound)
        if bound in LOWER_BOUNDS:
            high_b = None
        found.append(
            Amount(
                start=mod.start() if mod and bound != "from" else m.start(),
                end=end,
                raw_start=m.start(),
                low=low_b if bound not in UPPER_BOUNDS else 0.0,
                high=high_b if bound not in LOWER_BOUNDS else None,
                vague=True,
                bound=bound,
                spelled=True,
            )
        )
    return found
