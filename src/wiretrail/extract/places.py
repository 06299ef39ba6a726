"""Place mentions found in a text and resolved against the gazetteer (geoparsing).

    1. mentions     spaCy GPE/LOC/FAC spans; spans NER mislabelled (PERSON 'Kyiv', PRODUCT
                    'Kursk') that the gazetteer knows and the context calls places; toponyms
                    NER missed, found by lookup behind a place cue ('the city of Vladimir')
    2. candidates   exact and other names, then spelling variants (Novorossiisk/Novorossiysk),
                    then fuzzy matching for NER-labelled spans only
    3. context      countries and states the text names, qualifiers right after a mention
                    ('Alexandria, La.', 'Romanivka in ... Donetsk region')
    4. resolution   two passes: the first by population, feature and named context; the second
                    adds nearness to the places the first pass resolved

Every weight below was tuned on LGL (`evals/geoparsing.py`); rerun it after changing one.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..model import PlaceMatch
from . import gazetteer as gz
from .gazetteer import Place

PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
MISLABEL_LABELS = frozenset({"PERSON", "ORG", "PRODUCT", "WORK_OF_ART", "EVENT"})
MISLABEL_MIN_POPULATION = 100_000  # a non-place NER span is taken for a city only if the city
# is this big (or a cue like 'city of' says so): smaller towns share names with people
NESTED_MIN_POPULATION = 100_000  # a city named inside an organisation's name counts this big
UNLABELLED_MIN_POPULATION = 50_000  # the same for capitalised words NER did not tag at all
QUALIFIER_WINDOW = 60  # chars after a mention in which 'in Ukraine's eastern Donetsk region'
# or ', Ga.' qualifies it
FUZZY_MIN_SCORE = 90  # rapidfuzz ratio for a NER place span no spelling rule matched
NEAR_KM = 300.0  # nearness to the text's other places decays over this distance

# scoring weights (LGL-tuned)
W_POPULATION = 1 / 7  # log10(population) / 7: 1.0 for a city of 10 million
W_OWN_NAME = 0.2  # the place's own name, not one of its other names
W_COUNTRY_NAMED = 1.0  # the text names the candidate's country (or resolves places in it)
W_REGION_NAMED = 1.5  # the text names the candidate's state or region
W_QUALIFIED = 5.0  # the mention is qualified by the candidate's region or country
W_NEAR = 1.0  # times exp(-distance / NEAR_KM) to the nearest other resolved place
W_CONTAINS = 1.5  # a region or country holding places the text names ('Georgia' with Atlanta)
# added to log10(population) / 7; a region's population is the sum of its towns'
FEATURE_PRIOR = {"country": 2.5, "region": 1.0, "county": -0.2, "sea": 2.0, "other": 2.0, "city": 0.0}
W_BARE_COUNTY = -0.5  # 'Washington' alone is seldom Washington County
W_HOME = 1.0  # the candidate lies in the text's home region (see `_home_region`)
HOME_MIN_VOTES = 2.0  # a home region needs this many mentions' worth of support...
HOME_MIN_SHARE = 0.35  # ...and this share of all the votes: local news stays in one state
HOME_MAX_READINGS = 8  # names with more regions among their readings ('Washington') do not vote
REGION_SEAT_MIN_POPULATION = 50_000  # 'X region' is the region of city X when X is this big
# (Kursk, Donetsk); smaller namesakes ('Union State') are not regional capitals

_REGION_WORDS = r"(?:region|oblast|province|krai|kray|governorate)"
_REGION_AFTER = re.compile(rf"\s+{_REGION_WORDS}\b", re.I)
_REGION_IN_SPAN = re.compile(rf"\s+{_REGION_WORDS}$", re.I)
_REGION_BEFORE = re.compile(rf"\b{_REGION_WORDS}\s+of\s+$", re.I)
_CUE_BEFORE = re.compile(
    r"(?:\b(?:in|at|near|from|to|into|outside|around|across|visited|visit|visiting|toward|towards"
    r"|city of|town of|village of|region of|port of|capital of|district of|province of)\s+(?:the\s+)?)$",
    re.I,
)
_STRONG_CUE_BEFORE = re.compile(r"\b(?:city|town|village|region|port|capital|province|district)\s+of\s+$", re.I)
_CAPITALISED = re.compile(r"\b[A-Z][a-z]+(?:[-'’][A-Z]?[a-z]+)*(?:\s+[A-Z][a-z]+(?:[-'’][A-Z]?[a-z]+)*){0,2}")
_QUALIFIER_GAP = re.compile(
    r"^(?:['’]s)?\s*,?\s*(?:(?:in|near|outside|of)\s+)?(?:(?:the|its|eastern|western|southern|northern"
    r"|central|north|south|east|west|border|[A-Z][\w]*['’]s)\s+)*$",
    re.I,
)
_IN_REGION_AFTER = re.compile(
    rf",?\s+in\s+(?:[A-Z][\w]*['’]s\s+)?(?:(?:the|eastern|western|southern|northern|central)\s+)*"
    rf"[A-Z][\w-]+\s+{_REGION_WORDS}\b"
)  # 'Romanivka in Ukraine's eastern Donetsk region': a settlement, whatever NER said
_STATE_ABBREVIATION = re.compile(r",\s*((?:[A-Z][a-z]{1,4}\.)|(?:[A-Z]\.\s?[A-Z]\.)|(?:[A-Z]{2}\b))")
_TRIM_LEADING = re.compile(r"^(?:the\s+)", re.I)
_TRIM_TRAILING = re.compile(r"(?:['’]s?)$")
_COMPASS = frozenset(
    "north south east west northeast northwest southeast southwest northern southern eastern "
    "western central upper lower greater downtown".split()
)
_NESTED_NAME = re.compile(rf"{_CAPITALISED.pattern}|\b(?:[A-Z]\.){{2,3}}")
_NOT_PLACE_WORDS = frozenset(
    "january february march april may june july august september october november december "
    "monday tuesday wednesday thursday friday saturday sunday god christmas easter "
    "west east north south".split()
)


@dataclass(slots=True)
class _Mention:
    start: int
    end: int
    surface: str  # the name as looked up (trimmed of 'the', possessive, region word)
    source: str  # ner | mislabel | lookup | demonym
    region: bool = False  # 'Kursk region', 'region of Kursk'
    candidates: list[Place] = field(default_factory=list)
    own_name: set[int] = field(default_factory=set)  # ids of candidates matched on their own name
    qualifiers: list[_Mention] = field(default_factory=list)
    qualifies: list[_Mention] = field(default_factory=list)
    qualifier_state: str | None = None  # from ', Ga.'
    choice: Place | None = None
    approximate: bool = False
    score: float = 0.0


def find_places(
    text: str,
    entities: Sequence[tuple[int, int, str]],
    *,
    sentences: Sequence[tuple[int, int]] = (),
    demonyms: bool = False,
    nested: bool = False,
) -> list[PlaceMatch]:
    """One `PlaceMatch` per place mention in `text`, sorted by start.

    `entities` are spaCy's NER spans over `text`. With `demonyms`, adjectives of countries
    ('Russian', 'Israeli') tagged NORP are mentions of their country too; with `nested`, so are
    prominent places inside organisation names ('the Georgia Bureau of Investigation'). Both
    are off by default (they say who, not where) and on in the LGL evaluation, which counts them."""
    # 1. mentions
    mentions = _ner_mentions(text, entities, demonyms)
    if nested:
        mentions += _nested_mentions(text, entities)
    mentions += _unlabelled_mentions(text, entities, mentions)
    mentions.sort(key=lambda m: m.start)
    # 2. candidates
    for m in mentions:
        _find_candidates(m)
    # 3. context: qualifiers and the countries and states the text names
    _link_qualifiers(text, mentions, sentences)
    # 4. resolution, twice
    adjectives = _demonym_countries(text, entities)
    named = _named_context(text, mentions, adjectives)
    named.home = _home_region(mentions)
    for m in mentions:
        _resolve(m, named, points=())
    points = [(m, m.choice) for m in mentions if m.choice is not None and m.score > 0]
    named = _named_context(text, mentions, adjectives)
    named.home = _home_region(mentions)
    for m in mentions:
        others = [(p.lat, p.lon) for o, p in points if o is not m and p.feature in ("city", "county")]
        _resolve(m, named, points=others)
    _one_sense_per_text(mentions)
    return [_to_match(text, m) for m in mentions if m.choice is not None or m.source == "ner"]


# ---------------------------------------------------------------- 1. mentions


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    span = text[start:end]
    lead = _TRIM_LEADING.match(span)
    if lead:
        start += lead.end()
    tail = _TRIM_TRAILING.search(text[start:end])
    if tail and tail.start() > 0:
        end = start + tail.start()
    while end > start and text[end - 1] in " ,.;:":
        if text[end - 1] == "." and re.search(r"\b[A-Z]\.$|\b[A-Z][a-z]{1,4}\.$", text[start:end]):
            break  # 'U.S.', 'Ga.': the period is part of the name
        end -= 1
    return start, end


def _ner_mentions(text: str, entities: Sequence[tuple[int, int, str]], demonyms: bool) -> list[_Mention]:
    out: list[_Mention] = []
    weak: list[_Mention] = []  # mislabelled spans with no cue: places if NER tags the name elsewhere
    for start, end, label in entities:
        if label in PLACE_LABELS:
            for s, e in _split_commas(text, start, end):
                m = _mention(text, s, e, "ner")
                if m is not None:
                    out.append(m)
        elif label == "NORP" and demonyms:
            s, e = _trim(text, start, end)
            word = text[s:e]
            if gz.demonym_country(word) or gz.demonym_country(word.rstrip("s")):
                out.append(_Mention(s, e, word, "demonym"))
        elif label in MISLABEL_LABELS:
            m = _mention(text, *_trim(text, start, end), "mislabel")
            if m is not None and (_mislabel_is_place(text, m) or _IN_REGION_AFTER.match(text, m.end)):
                out.append(m)
            elif m is not None:
                weak.append(m)
    tagged = {gz.normalize(m.surface) for m in out if m.source == "ner"}
    out += [m for m in weak if gz.normalize(m.surface) in tagged]
    return out


def _nested_mentions(text: str, entities: Sequence[tuple[int, int, str]]) -> list[_Mention]:
    """Countries, states and big cities named inside ORG/FAC spans."""
    out: list[_Mention] = []
    for start, end, label in entities:
        if label not in ("ORG", "FAC"):
            continue
        for match in _NESTED_NAME.finditer(text, start, end):
            s, e = match.span()
            for s2, e2 in _name_windows(text, s, e):
                name = text[s2:e2]
                if gz.demonym_country(name):  # 'American Red Cross'
                    out.append(_Mention(s2, e2, name, "demonym"))
                    break
                cands = gz.lookup(name, alternates=False) + [
                    p for p in gz.lookup(name) if p.feature in ("country", "region")
                ]
                if any(_prominent(p, False, NESTED_MIN_POPULATION) for p in cands):
                    out.append(_Mention(s2, e2, name, "nested"))
                    break
    return out


def _name_windows(text: str, s: int, e: int) -> list[tuple[int, int]]:
    """The longest leading word runs first: 'New Mexico State' -> 'New Mexico State', 'New Mexico', 'New'."""
    words = [(m.start() + s, m.end() + s) for m in re.finditer(r"\S+", text[s:e])]
    return [(words[0][0], words[k - 1][1]) for k in range(len(words), 0, -1)]


def _split_commas(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """'Gainesville, Ga.' as NER sometimes tags it: two mentions, the second qualifying the first."""
    parts, s = [], start
    for match in re.finditer(r",\s*", text[start:end]):
        parts.append((s, start + match.start()))
        s = start + match.end()
    parts.append((s, end))
    return [_trim(text, a, b) for a, b in parts if b > a]


def _mention(text: str, start: int, end: int, source: str) -> _Mention | None:
    start, end = _trim(text, start, end)
    if end <= start:
        return None
    surface = text[start:end]
    region = False
    in_span = _REGION_IN_SPAN.search(surface)
    if in_span and in_span.start() > 0 and not gz.is_place_name(surface):
        surface, region = surface[: in_span.start()], True
    elif _REGION_AFTER.match(text, end) or _REGION_BEFORE.search(text[max(0, start - 20) : start]):
        region = True
    return _Mention(start, end, surface, source, region=region)


def _mislabel_is_place(text: str, m: _Mention) -> bool:
    before = text[max(0, m.start - 25) : m.start]
    strong = m.region or bool(_STRONG_CUE_BEFORE.search(before))
    cue = strong or bool(_CUE_BEFORE.search(before))
    if not cue or " " in m.surface and not strong and not gz.is_place_name(m.surface):
        return False
    return any(_prominent(p, strong) for p in gz.lookup(m.surface))


def _prominent(p: Place, strong: bool, min_population: int = MISLABEL_MIN_POPULATION) -> bool:
    return p.feature in ("country", "region", "sea") or strong or p.population >= min_population


def _unlabelled_mentions(text: str, entities: Sequence[tuple[int, int, str]], found: list[_Mention]) -> list[_Mention]:
    """Capitalised words NER tagged as nothing, behind a place cue, that the gazetteer knows."""
    taken = sorted([(s, e) for s, e, _ in entities] + [(m.start, m.end) for m in found])
    out: list[_Mention] = []
    for match in _CAPITALISED.finditer(text):
        s, e = match.span()
        if any(a < e and s < b for a, b in taken):
            continue
        before = text[max(0, s - 25) : s]
        strong = bool(_STRONG_CUE_BEFORE.search(before)) or bool(_REGION_AFTER.match(text, e))
        if not strong and not _CUE_BEFORE.search(before):
            continue
        name = match.group()
        if name.lower() in _NOT_PLACE_WORDS:
            continue
        m = _mention(text, s, e, "lookup")
        if m is None:
            continue
        strong = strong or m.region
        if any(_prominent(p, strong, UNLABELLED_MIN_POPULATION) for p in gz.lookup(m.surface)):
            out.append(m)
    return out


# ---------------------------------------------------------------- 2. candidates


def _find_candidates(m: _Mention) -> None:
    if m.source == "demonym":
        iso = gz.demonym_country(m.surface) or gz.demonym_country(m.surface.rstrip("s"))
        place = gz.country(iso) if iso else None
        m.candidates = [place] if place else []
        m.own_name = {id(place)}
        return
    demonym = gz.demonym_country(m.surface) if m.source == "ner" else None
    if demonym and not any(p.feature == "country" for p in gz.lookup(m.surface)):  # NER tags 'Ukrainian' GPE now and then
        m.source, m.surface = "demonym", m.surface
        _find_candidates(m)
        return
    state = gz.us_state_for_abbreviation(m.surface) if "." in m.surface or m.surface.isupper() else None
    if state:
        region = gz.region("US", state)
        m.candidates = [region] if region else []
        m.own_name = {id(region)}
        return
    first, _, rest = m.surface.partition(" ")
    if rest and (gz.demonym_country(first) or first.lower() in _COMPASS) and not gz.is_place_name(m.surface):
        m.surface = rest  # 'Russian Black Sea', 'Northeast Georgia'
    exact = gz.lookup(m.surface, alternates=False)
    m.own_name = {id(p) for p in exact}
    cands = gz.lookup(m.surface)
    if not cands and m.source == "ner":
        cands = gz.lookup(m.surface, spelling=True) or _fuzzy(m.surface)
    if m.region:
        cands = _as_regions(cands) or cands
    m.candidates = cands


def _fuzzy(name: str) -> list[Place]:
    if len(name) < 5:
        return []
    best = _fuzzy_name(gz.normalize(name))
    return [p for p in gz.lookup(best) if p.feature in ("city", "region")] if best else []


@functools.lru_cache(maxsize=4096)
def _fuzzy_name(key: str) -> str | None:
    """The spelled name closest to `key`, sharing its first letter (a scan of all ~45k names
    per span was most of find_places' time)."""
    from rapidfuzz import fuzz, process

    best = process.extractOne(key, _spelled_names().get(key[0], ()), scorer=fuzz.ratio, score_cutoff=FUZZY_MIN_SCORE)
    return best[0] if best else None


@functools.cache
def _spelled_names() -> dict[str, list[str]]:
    """Names fuzzy matching may return, by first letter: those of places big enough to have
    spelling variants."""
    out: dict[str, list[str]] = {}
    for name in gz.spelled_names():
        out.setdefault(name[:1], []).append(name)
    return out


def _as_regions(cands: list[Place]) -> list[Place]:
    """'Kursk region': the regions named so, else the regions of the cities named so."""
    out = [p for p in cands if p.feature == "region"]
    for p in cands:
        if p.feature == "city" and p.admin1 and p.population >= REGION_SEAT_MIN_POPULATION:
            r = gz.region(p.country, p.admin1)
            if r is not None and r not in out:
                out.append(r)
    return out


# ---------------------------------------------------------------- 3. context


def _link_qualifiers(text: str, mentions: list[_Mention], sentences: Sequence[tuple[int, int]]) -> None:
    for i, m in enumerate(mentions):
        abbreviation = _STATE_ABBREVIATION.match(text, m.end)
        if abbreviation:
            m.qualifier_state = gz.us_state_for_abbreviation(abbreviation.group(1).replace(" ", ""))
        last = m.end
        for q in mentions[i + 1 :]:
            if q.start - m.end > QUALIFIER_WINDOW:
                break
            if not _QUALIFIER_GAP.match(text[last : q.start]):
                break
            m.qualifiers.append(q)
            q.qualifies.append(m)
            last = q.end


@dataclass(slots=True)
class _Named:
    countries: set[str]
    regions: set[tuple[str, str]]
    held_countries: set[str] = field(default_factory=set)  # countries of resolved cities
    held_regions: set[tuple[str, str]] = field(default_factory=set)  # regions of resolved cities
    home: tuple[str, str] | None = None  # the region most of the text's places can lie in


def _demonym_countries(text: str, entities: Sequence[tuple[int, int, str]]) -> set[str]:
    """Countries the text names by adjective ('the Georgian capital'): context, not mentions."""
    out = set()
    for start, end, label in entities:
        if label == "NORP":
            word = text[start:end]
            iso = gz.demonym_country(word) or gz.demonym_country(word.rstrip("s"))
            if iso:
                out.add(iso)
    return out


def _named_context(text: str, mentions: list[_Mention], adjectives: set[str]) -> _Named:
    """Countries and regions the text names, or that its resolved places lie in."""
    countries: set[str] = set(adjectives)
    regions: set[tuple[str, str]] = set()
    held_countries: set[str] = set()
    held_regions: set[tuple[str, str]] = set()
    for m in mentions:
        p = m.choice
        if p is None and len(m.candidates) == 1:
            p = m.candidates[0]
        if p is None:
            continue
        if p.country:
            countries.add(p.country)
        if p.feature == "region":
            regions.add((p.country, p.admin1))
        elif m.choice is not None and p.feature in ("city", "county") and not m.approximate:
            held_countries.add(p.country)
            if p.admin1:
                held_regions.add((p.country, p.admin1))
    for abbreviation in re.findall(r"(?<=, )(?:[A-Z][a-z]{1,4}\.|[A-Z]\.[A-Z]\.)", text):
        state = gz.us_state_for_abbreviation(abbreviation)
        if state:
            regions.add(("US", state))
            countries.add("US")
    return _Named(countries, regions, held_countries, held_regions)


def _home_region(mentions: list[_Mention]) -> tuple[str, str] | None:
    """The region (state, oblast) most mentions can be read as lying in: each mention splits one
    vote among the regions of its readings, so unambiguous names weigh most. A local paper's
    'Paris' and 'Anderson County' are the ones in its own state."""
    votes: dict[tuple[str, str], float] = {}
    for m in mentions:
        if m.source == "demonym":
            continue
        cands = [m.choice] if m.choice is not None and m.score > 0 else m.candidates
        regions = {(p.country, p.admin1) for p in cands if p.admin1 and p.feature in ("city", "county", "region")}
        if not regions or len(regions) > HOME_MAX_READINGS:
            continue
        for r in regions:
            votes[r] = votes.get(r, 0.0) + 1.0 / len(regions)
    if not votes:
        return None
    best = max(votes, key=votes.__getitem__)
    if votes[best] < HOME_MIN_VOTES or votes[best] < HOME_MIN_SHARE * sum(votes.values()):
        return None
    return best


# ---------------------------------------------------------------- 4. resolution


def _score(m: _Mention, p: Place, named: _Named, points: Sequence[tuple[float, float]]) -> float:
    population = p.population if p.feature in ("city", "region", "county") else 0
    s = FEATURE_PRIOR.get(p.feature, 0.0) + W_POPULATION * math.log10(max(population, 1))
    if id(p) in m.own_name:
        s += W_OWN_NAME
    elif p.feature == "county":
        s += W_BARE_COUNTY
    if p.country and p.country in named.countries:
        s += W_COUNTRY_NAMED
    if p.admin1 and (p.country, p.admin1) in named.regions and p.feature != "region":
        s += W_REGION_NAMED
    if named.home and p.feature in ("city", "county") and (p.country, p.admin1) == named.home:
        s += W_HOME
    if _qualified(m, p):
        s += W_QUALIFIED
    elif m.qualifies and any(_holds(p, c) for o in m.qualifies for c in o.candidates):
        s += W_QUALIFIED / 2  # 'Georgia' in 'Atlanta, Georgia' is the state Atlanta is in
    if points and p.feature in ("city", "county"):
        nearest = min(gz.distance_km(p.lat, p.lon, lat, lon) for lat, lon in points)
        s += W_NEAR * math.exp(-nearest / NEAR_KM)
    if p.feature == "region" and (p.country, p.admin1) in named.held_regions:
        s += W_CONTAINS
    elif p.feature == "country" and p.country in named.held_countries:
        s += W_CONTAINS
    return s


def _qualified(m: _Mention, p: Place) -> bool:
    if m.qualifier_state and p.country == "US" and p.admin1 == m.qualifier_state:
        return True
    return any(_holds(c, p) for q in m.qualifiers for c in ([q.choice] if q.choice else q.candidates))


def _holds(area: Place, p: Place) -> bool:
    if area.feature == "country":
        return p.feature != "country" and p.country == area.country
    if area.feature == "region":
        return p.feature not in ("country", "region") and p.country == area.country and p.admin1 == area.admin1
    return False


def _resolve(m: _Mention, named: _Named, points: Sequence[tuple[float, float]]) -> None:
    if not m.candidates:
        m.choice, m.score = _region_from_qualifiers(m), 0.0
        m.approximate = m.choice is not None
        return
    scored = sorted(((_score(m, p, named, points), p) for p in m.candidates), key=lambda t: -t[0])
    best_score, best = scored[0]
    # a village the gazetteer knows only elsewhere, while the text says which region it is in
    region = _region_from_qualifiers(m)
    if region is not None and not _holds(region, best) and best.feature == "city":  # (its country may hold it)
        m.choice, m.score, m.approximate = region, 0.0, True
        return
    m.choice, m.score, m.approximate = best, best_score, False


def _one_sense_per_text(mentions: list[_Mention]) -> None:
    """A name means one place throughout a text: the best-supported reading wins, except where
    a qualifier says otherwise ('Paris, Texas' after 'Paris')."""
    best: dict[tuple[str, bool], _Mention] = {}
    for m in mentions:
        key = (gz.normalize(m.surface), m.region)
        if m.choice is not None and not m.approximate and (key not in best or m.score > best[key].score):
            best[key] = m
    for m in mentions:
        b = best.get((gz.normalize(m.surface), m.region))
        if b is None or b is m or m.approximate or (m.choice is not None and _qualified(m, m.choice)):
            continue
        if b.choice in m.candidates or m.choice is None:
            m.choice, m.score = b.choice, b.score


def _region_from_qualifiers(m: _Mention) -> Place | None:
    for q in m.qualifiers:
        c = q.choice or (q.candidates[0] if len(q.candidates) == 1 else None)
        if c is not None and c.feature == "region" and q.region:
            return c
    return None


def _to_match(text: str, m: _Mention) -> PlaceMatch:
    p = m.choice
    if p is None:
        return PlaceMatch(m.start, m.end, text[m.start : m.end], m.surface)
    feature = "region" if p.feature == "county" else p.feature if p.feature in ("country", "region", "city", "sea") else "other"
    confidence = 1.0 - math.exp(-max(m.score, 0.0) / 2.0)
    return PlaceMatch(
        m.start, m.end, text[m.start : m.end], p.name, p.lat, p.lon, p.country or None, feature,
        p.gazetteer_id or None, m.approximate, round(0.3 if m.approximate else confidence, 3),
    )  # fmt: skip
