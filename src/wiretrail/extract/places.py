"""Place mentions found in a text and resolved against the gazetteer (geoparsing).

    1. mentions     spaCy GPE/LOC/FAC spans; spans NER mislabelled (PERSON 'Kyiv', PRODUCT
                    'Kursk') that the gazetteer knows and the context calls places; toponyms
                    NER missed, found by lookup behind a place cue ('the city of Vladimir');
                    set forms: the dateline, a legislator's district ('R-Westfield'), county
                    lists ('Clay and Wilkin counties'); local set phrases at any town size: the
                    institution after a town ('Carthage Police Chief', 'the Oakdale Fire
                    Department'), a county by name, where a person lives ('Jane Doe of
                    Jeannette,'); small towns inside organisation or person names that lie near
                    another name's reading ('The Zionsville Education Foundation' with 'Boone
                    County')
    2. candidates   exact and other names, then spelling variants (Novorossiisk/Novorossiysk),
                    then fuzzy matching for NER-labelled spans only
    3. context      countries and states the text names, qualifiers right after a mention
                    ('Alexandria, La.', 'Romanivka in ... Donetsk region')
    4. resolution   two passes: the first by population, feature and named context; then towns
                    of the home region NER called people or organisations join ('Corsicana
                    Police Department'); the second pass adds nearness to the places the first
                    resolved and to other names' readings ('Paris' with 'Henry County': Tennessee);
                    a text that shows no home region of its own takes the caller's (`home=`,
                    e.g. its outlet's, pooled from the outlet's other texts by `common_home`)

Every weight below was tuned on LGL (`evals/geoparsing.py`); rerun it after changing one.
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from ..model import PlaceMatch
from . import gazetteer as gz
from .gazetteer import Place
from ..thresholds import thresholds

PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
MISLABEL_LABELS = frozenset({"PERSON", "ORG", "PRODUCT", "WORK_OF_ART", "EVENT"})

# scoring weights (LGL-tuned)
FEATURE_PRIOR = {"country": 2.5, "region": 1.0, "county": -0.2, "sea": 2.0, "other": 2.0, "city": 0.0}
_DATELINE = re.compile(
    r"(?:^|[.!?\"”]\s+|\d{4}\s+)((?:[A-Z][A-Z.'’-]+\s+){0,3}[A-Z][A-Z.'’-]+)(?=(?:,\s*[A-Z][A-Za-z.]+"
    r"(?:\s[A-Z][a-z.]+)?)?\s*(?:\([A-Za-z ]+\))?\s*(?:—|--|-|:|\x97|–)\s)"
)
_AFFILIATION = re.compile(r"\b[RDI]-((?:[A-Z]\.){2}|[A-Z][a-z]+\.?(?:\s[A-Z][a-z]+)?)(?=[,);])")  # 'R-Elbow Lake,'
_COUNTY_NAME = r"(?:[A-Z][\w.'’]*\s)?[A-Z][\w'’]+"
_COUNTY_LIST = re.compile(rf"((?:{_COUNTY_NAME},\s+)*{_COUNTY_NAME},?\s+(?:and|or)\s+{_COUNTY_NAME})\s+[Cc]ounties\b")
_LOCAL_AFTER = re.compile(r"\s+(?:resident|residents|man|woman|police|mayor|city|town|township|area)\b")

_REGION_WORDS = r"(?:region|oblast|province|krai|kray|governorate)"
_REGION_AFTER = re.compile(rf"\s+{_REGION_WORDS}\b", re.I)
_REGION_IN_SPAN = re.compile(rf"\s+{_REGION_WORDS}$", re.I)
_REGION_BEFORE = re.compile(rf"\b{_REGION_WORDS}\s+of\s+$", re.I)
_CUE_BEFORE = re.compile(
    r"(?:\b(?:in|at|near|from|to|into|outside|around|across|visited|visit|visiting|toward|towards"
    r"|city of|town of|village of|region of|port of|capital of|district of|province of)\s+(?:the\s+)?)$",
    re.I,
)
# Nouns that make the name before them a town: 'Gainesville residents', 'Berea police', 'an
# Alexandria woman'. Strong cues: a town of any size counts (the gazetteer still has to know it).
_STRONG_CUE_AFTER = re.compile(
    r"(?:['’]s)?\s+(?:residents?|police|officials|man|woman|boy|girl|teens?|couple|parents|family|families"
    r"|homeowners?|mayor|city council|town council|city hall|voters|native|fire department|firefighters"
    r"|neighbou?rhoods?|suburbs?)\b",
    re.I,
)
# A capital or a city of a million speaking for its government: 'Tbilisi announced ...'
_SPEAKS_AFTER = re.compile(r"\s+(?:says|said|announced|accused|denied|warned|insisted|claimed|rejected|responded)\b")
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
_COUNTY_WORD = re.compile(r"\s(?:County|Parish|Borough)$")  # a name that says it is a county
_NESTED_NAME = re.compile(rf"{_CAPITALISED.pattern}|\b(?:[A-Z]\.){{2,3}}")
# A local institution named after its town: 'the Oakdale Fire Department', 'Carthage Police Chief
# Chris McKenzie', 'the DeKalb City Council', 'Prince William Circuit Court'. NER tags these as
# organisations or people, or not at all; the name before the noun is the town (or county).
_INSTITUTION_AFTER = re.compile(
    r"(?<=[\w'’])(?:['’]s)?\s+(?:Police|Fire\s(?:Department|Dept|Rescue|Chief|District|Company)|Volunteer\sFire|Sheriff['’]s"
    r"|(?:City|Town|Village|Borough|Township)\s(?:Council|Hall|Commission|Manager|Administrator|Attorney|Clerk|Office|Board)"
    r"|County\s(?:Jail|Commission|Sheriff|Clerk|Courthouse|Board)|Board\sof\s(?:Aldermen|Selectmen)"
    r"|(?:Circuit|Superior|District|Municipal)\sCourt|Chamber\sof\sCommerce|Mayor|Selectmen|Aldermen"
    r"|Parks\sand\sRecreation|Public\sLibrary|Planning\s(?:Commission|Board))\b"
)
_INSTITUTION_NAME = re.compile(r"\b(?:[A-Z][\w'’.-]*\s){0,2}[A-Z][\w'’-]*(?:['’]s)?$")  # the words right before
_COUNTY_NAMED = re.compile(r"\b(?:[A-Z][\w'’.-]*\s){1,3}(?:County|Parish)\b")  # 'Kanawha County'
# 'Theresa Pilkington of Jeannette, ...', 'Robert Kochuk, 19, of East Hampton.'
_RESIDENCE = re.compile(
    r"(?:,\s*\d{1,3},)?\s+(?:of|from)\s+((?:[A-Z][\w'’.-]*\s){0,2}[A-Z][\w'’-]*)(?=\s*[,.;)]|\s+(?:and|was|is|who|were|has|had)\b)"
)
# A town and the state or country it lies in: 'Post Falls, Idaho', 'Thackerville, Okla.'
_TOWN_COMMA = re.compile(
    r"\b((?:[A-Z][\w'’.-]*\s){0,2}[A-Z][\w'’-]*),\s+((?:[A-Z][a-z]{1,4}\.)|(?:[A-Z]\.\s?[A-Z]\.)|[A-Z]{2}\b"
    r"|[A-Z][a-z]+(?:\s[A-Z][a-z]+)?)"
)
_NOT_ON_EARTH = frozenset({"earth", "the earth", "moon", "the moon", "mars", "the sun", "space", "outer space"})
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
    source: str  # ner | mislabel | lookup | demonym | nested | dateline | affiliation | county | local | institution | residence | coherent
    region: bool = False  # 'Kursk region', 'region of Kursk'
    candidates: list[Place] = field(default_factory=list)
    own_name: set[int] = field(default_factory=set)  # ids of candidates matched on their own name
    qualifiers: list[_Mention] = field(default_factory=list)
    qualifies: list[_Mention] = field(default_factory=list)
    qualifier_state: str | None = None  # from ', Ga.'
    key: str = ""  # the surface normalised, set with the candidates
    support: dict[int, int] = field(default_factory=dict)  # candidate id -> other names read near it
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
    home: tuple[str, str] | None = None,
) -> list[PlaceMatch]:
    """One `PlaceMatch` per place mention in `text`, sorted by start.

    `entities` are spaCy's NER spans over `text`. With `demonyms`, adjectives of countries
    ('Russian', 'Israeli') tagged NORP are mentions of their country too; with `nested`, so are
    prominent places inside organisation names ('the Georgia Bureau of Investigation'). Both
    are off by default (they say who, not where) and on in the LGL evaluation, which counts them.
    `home` is the region (country code, admin1 name) the source covers when the caller knows it,
    e.g. from `common_home` over the outlet's other texts: it stands in for the text's own home
    region when the text names too few places to show one ('Athens residents' in a Tennessee
    paper)."""
    # 1-2. mentions and their candidates
    mentions = _mentions_with_candidates(text, entities, demonyms, nested)
    # 3. context: qualifiers and the countries and states the text names
    _link_qualifiers(text, mentions, sentences)
    # 4. resolution, twice
    adjectives = _demonym_countries(text, entities)
    named = _named_context(text, mentions, adjectives)
    named.home = _home_region(mentions) or home
    for m in mentions:
        _resolve(m, named, points=())
    # local towns NER called people or organisations, kept when they lie in the home region
    own = _home_region(mentions) or home
    if own is not None:
        extra = _local_mentions(text, entities, mentions, own)
        if extra:
            mentions = sorted(mentions + extra, key=lambda m: m.start)
            _link_qualifiers(text, mentions, sentences)
    cells = _reading_cells(mentions)
    for m in mentions:
        m.support = {id(p): _support(m, p, cells) for p in m.candidates if p.feature in ("city", "county")}
    points = [(m, m.choice) for m in mentions if m.choice is not None and m.score > 0]
    named = _named_context(text, mentions, adjectives)
    named.home = _home_region(mentions) or home
    for m in mentions:
        others = list({(p.lat, p.lon) for o, p in points if o is not m and p.feature in ("city", "county")})
        _resolve(m, named, points=others)
    _one_sense_per_text(mentions)
    return [_to_match(text, m) for m in mentions if m.choice is not None or m.source == "ner"]


def home_region(
    text: str, entities: Sequence[tuple[int, int, str]], *, demonyms: bool = False, nested: bool = False
) -> tuple[str, str] | None:
    """The region (country code, admin1 name) most of the text's place names can lie in, or
    None when they show none: what `find_places` infers for itself, for callers that pool it
    over an outlet's texts (`common_home`)."""
    return _home_region(_mentions_with_candidates(text, entities, demonyms, nested))


def common_home(homes: Iterable[tuple[str, str] | None]) -> tuple[str, str] | None:
    """The home region shared by a source's texts: the commonest of their own home regions
    when at least OUTLET_HOME_MIN_TEXTS texts show it and it is the majority of those that show
    one. A local paper's texts mostly lie in its state; a wire feed's do not, and get None."""
    counts = Counter(h for h in homes if h is not None)
    if not counts:
        return None
    best, n = max(counts.items(), key=lambda kv: (kv[1], kv[0]))
    if n < thresholds().places_outlet_home_min_texts or n < thresholds().places_outlet_home_min_share * sum(counts.values()):
        return None
    return best


def _mentions_with_candidates(
    text: str, entities: Sequence[tuple[int, int, str]], demonyms: bool, nested: bool
) -> list[_Mention]:
    # 1. mentions
    mentions = _ner_mentions(text, entities, demonyms)
    if nested:
        mentions += _nested_mentions(text, entities)
    mentions += _institution_mentions(text, entities, mentions, nested)
    mentions += _unlabelled_mentions(text, entities, mentions)
    mentions = _with_written_forms(text, mentions)
    mentions.sort(key=lambda m: m.start)
    # 2. candidates
    for m in mentions:
        _find_candidates(m)
    # small towns named inside organisations or taken for people, where another name can lie near
    extra = _coherent_mentions(text, entities, mentions, nested)
    return sorted(mentions + extra, key=lambda m: m.start) if extra else mentions


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
    """Countries, states, counties and big cities named inside ORG/FAC spans: 'the Walker County
    Fairgrounds', 'the University of Nebraska-Lincoln', 'Concrete Products of Wallingford'."""
    out: list[_Mention] = []
    for start, end, label in entities:
        if label not in ("ORG", "FAC"):
            continue
        for match in _NESTED_NAME.finditer(text, start, end):
            s, e = match.span()
            after_of = text[max(start, s - 4) : s] == " of "  # '... Association of Western Pennsylvania'
            for s2, e2 in _name_windows(text, s, e):
                name = text[s2:e2]
                if name.lower() in _COMPASS:  # 'the Western Pennsylvania Kennel Association': not Ghana's Western region
                    continue
                if gz.demonym_country(name):  # 'American Red Cross'
                    out.append(_Mention(s2, e2, name, "demonym"))
                    break
                if "." in name and gz.us_state_for_abbreviation(name):  # 'The S.C. Highway Patrol'
                    out.append(_Mention(s2, e2, name, "nested"))
                    break
                cands = gz.lookup(name, alternates=False) + [
                    p for p in gz.lookup(name) if p.feature in ("country", "region")
                ]
                least = thresholds().places_nested_of_min_population if after_of else thresholds().places_nested_min_population
                county = _COUNTY_WORD.search(name) is not None and any(p.feature == "county" for p in cands)
                if county or any(_prominent(p, False, least) for p in cands):
                    out.append(_Mention(s2, e2, name, "nested"))
                    break
    return out


def _institution_mentions(
    text: str, entities: Sequence[tuple[int, int, str]], found: list[_Mention], nested: bool
) -> list[_Mention]:
    """Towns and counties local news names in set phrases NER tags as organisations, people or
    nothing: the local institution after a town ('the Oakdale Fire Department', 'Carthage
    Police Chief ...'), a county by its name ('a Kanawha County Family Court judge'), where a
    person lives ('Theresa Pilkington of Jeannette,'). Inside organisation names only with
    `nested`. Any town the gazetteer lists by that name counts, however small: the phrase says
    it is a place, and resolution picks which one."""
    taken = _taken(text, [(m.start, m.end) for m in found])
    orgs = _taken(text, [(s, e) for s, e, label in entities if label in ("ORG", "FAC")]) if not nested else None
    out: list[_Mention] = []

    def add(s: int, e: int, source: str, windows: list[tuple[int, int]]) -> None:
        if taken.find(1, s, e) >= 0 or orgs is not None and orgs.find(1, s, e) >= 0:
            return
        for ws, we in windows:
            name = text[ws:we]
            if name.lower() in _NOT_PLACE_WORDS or name.lower() in _COMPASS:
                continue
            cands = [p for p in _own_name_places(name) if p.feature in ("city", "county")]
            if any(p.population >= thresholds().places_institution_min_population or p.feature == "county" for p in cands):
                out.append(_Mention(ws, we, name, source))
                taken[ws:we] = b"\x01" * (we - ws)
                return

    def ending_at(s: int, e: int) -> list[tuple[int, int]]:  # the longest name ending at e first
        return [(s + w.start(), e) for w in re.finditer(r"\S+", text[s:e])]

    for inst in _INSTITUTION_AFTER.finditer(text):
        e = inst.start()
        name_run = _INSTITUTION_NAME.search(text, max(0, e - 60), e)
        if name_run is not None:
            add(name_run.start(), e, "institution", ending_at(name_run.start(), e))
    for county in _COUNTY_NAMED.finditer(text) if "County" in text or "Parish" in text else ():
        add(county.start(), county.end(), "county", ending_at(county.start(), county.end()))
    for qualified in _TOWN_COMMA.finditer(text):  # 'Post Falls, Idaho', 'Thackerville, Okla.'
        s, e = qualified.span(1)
        areas = _areas_named(qualified.group(2))
        if areas:
            windows = [w for w in ending_at(s, e) if any(_holds(a, p) for a in areas for p in _own_name_places(text[w[0] : w[1]]))]
            add(s, e, "qualified", windows)
    for start, end, label in entities:
        if label != "PERSON":
            continue
        home = _RESIDENCE.match(text, end)
        if home is not None:
            s, e = home.span(1)
            words = [w.span() for w in re.finditer(r"\S+", text[s:e])]
            add(s, e, "residence", [(s, s + words[k - 1][1]) for k in range(len(words), 0, -1)])
    return out


def _areas_named(name: str) -> list[Place]:
    """The US state an abbreviation names ('Okla.', 'N.Y.'), else the countries and regions
    named so."""
    state = gz.us_state_for_abbreviation(name) if "." in name or name.isupper() else None
    if state:
        r = gz.region("US", state)
        return [r] if r is not None else []
    return [p for p in gz.lookup(name, alternates=False) if p.feature in ("country", "region")]


def _name_windows(text: str, s: int, e: int) -> list[tuple[int, int]]:
    """The longest leading word runs first, then the other runs, longest first, then the parts of a
    hyphenated word: 'New Mexico State' -> 'New Mexico State', 'New Mexico', 'New', 'Mexico State',
    'Mexico', 'State'; 'Nebraska-Lincoln' -> 'Nebraska-Lincoln', 'Nebraska', 'Lincoln'. A
    possessive's ending is dropped ('Tennessee's Methamphetamine Task Force')."""
    words = [(m.start() + s, m.end() + s - _possessive_length(text[m.start() + s : m.end() + s])) for m in re.finditer(r"\S+", text[s:e])]
    leading = [(words[0][0], words[k - 1][1]) for k in range(len(words), 0, -1)]
    inner = [  # the rest, longest first: 'Museum for East Texas Culture' -> ... 'Texas'
        (words[i][0], words[j][1])
        for n in range(len(words) - 1, 0, -1)
        for i in range(1, len(words) - n + 1)
        for j in (i + n - 1,)
    ]
    parts = [
        (ws + p.start(), ws + p.end())
        for ws, we in words
        if "-" in text[ws:we]
        for p in re.finditer(r"[^-]+", text[ws:we])
    ]
    return leading + inner + parts


def _possessive_length(word: str) -> int:
    return 2 if word.endswith(("'s", "’s")) else 0


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
    if surface.lower() in _NOT_ON_EARTH:
        return None
    region = False
    in_span = _REGION_IN_SPAN.search(surface)
    if in_span and in_span.start() > 0 and not gz.is_place_name(surface):
        surface, region = surface[: in_span.start()], True
    elif _REGION_AFTER.match(text, end) or _REGION_BEFORE.search(text[max(0, start - 20) : start]):
        region = True
    return _Mention(start, end, surface, source, region=region)


def _mislabel_is_place(text: str, m: _Mention) -> bool:
    before = text[max(0, m.start - 25) : m.start]
    strong = m.region or bool(_STRONG_CUE_BEFORE.search(before)) or bool(_STRONG_CUE_AFTER.match(text, m.end))
    if " " not in m.surface and _SPEAKS_AFTER.match(text, m.end):
        return any(p.population >= thresholds().places_metonym_min_population for p in gz.lookup(m.surface, alternates=False))
    cue = strong or bool(_CUE_BEFORE.search(before))
    if not cue or " " in m.surface and not strong and not gz.is_place_name(m.surface):
        return False
    return any(_prominent(p, strong) for p in gz.lookup(m.surface))


def _prominent(p: Place, strong: bool, min_population: int | None = None) -> bool:
    min_population = thresholds().places_mislabel_min_population if min_population is None else min_population
    return p.feature in ("country", "region", "sea") or strong or p.population >= min_population


def _taken(text: str, spans: Sequence[tuple[int, int]]) -> bytearray:
    """A mask of the characters `spans` cover: overlap tests in constant time."""
    mask = bytearray(len(text))
    for s, e in spans:
        mask[s:e] = b"\x01" * (e - s)
    return mask


def _unlabelled_mentions(text: str, entities: Sequence[tuple[int, int, str]], found: list[_Mention]) -> list[_Mention]:
    """Capitalised words NER tagged as nothing, behind a place cue, that the gazetteer knows."""
    taken = _taken(text, [(s, e) for s, e, _ in entities] + [(m.start, m.end) for m in found])
    out: list[_Mention] = []
    for match in _CAPITALISED.finditer(text):
        s, e = match.span()
        if taken.find(1, s, e) >= 0:
            continue
        before = text[max(0, s - 25) : s]
        strong = bool(_STRONG_CUE_BEFORE.search(before)) or bool(_REGION_AFTER.match(text, e)) or bool(_STRONG_CUE_AFTER.match(text, e))
        if not strong and not _CUE_BEFORE.search(before):
            continue
        name = match.group()
        if name.lower() in _NOT_PLACE_WORDS:
            continue
        m = _mention(text, s, e, "lookup")
        if m is None:
            continue
        strong = strong or m.region
        if any(_prominent(p, strong, thresholds().places_unlabelled_min_population) for p in gz.lookup(m.surface)):
            out.append(m)
    return out


def _coherent_mentions(
    text: str, entities: Sequence[tuple[int, int, str]], found: list[_Mention], nested: bool
) -> list[_Mention]:
    """Towns too small to be taken from an organisation's or a person's name on their own
    ('The Zionsville Education Foundation', a 'Lindsay' NER called a person) that lie within
    COHERE_KM of a reading of another name in the text ('Boone County'): a local paper names
    its own towns together. Only names with few readings, so a coincidence is unlikely."""
    cells = _reading_cells(found)
    taken = _taken(text, [(m.start, m.end) for m in found])
    # names a person of the text goes by ('Pinner' after 'Shaun Pinner'): that person, not a town
    surnames = {text[s:e].split()[-1] for s, e, label in entities if label == "PERSON" and " " in text[s:e].strip()}
    out: list[_Mention] = []
    for start, end, label in entities:
        if label in ("ORG", "FAC") and nested:
            windows = [w for match in _NESTED_NAME.finditer(text, start, end) for w in _name_windows(text, *match.span())]
        elif label == "PERSON" and text[start:end].strip() not in surnames:
            windows = [_trim(text, start, end)]
        else:
            continue
        for s, e in windows:
            s, e = _trim(text, s, e)  # 'The Zionsville' -> 'Zionsville'
            name = text[s:e]
            if e <= s or taken.find(1, s, e) >= 0 or name.lower() in _NOT_PLACE_WORDS or name.lower() in _COMPASS:
                continue
            cands = [p for p in _own_name_places(name) if p.feature in ("city", "county")]
            if not cands or len(cands) > thresholds().places_coherent_max_readings:
                continue
            m = _Mention(s, e, name, "coherent", key=gz.normalize(name))
            if any(_support(m, p, cells) for p in cands):
                _find_candidates(m)
                out.append(m)
                taken[s:e] = b"\x01" * (e - s)
                break
    return out


def _with_written_forms(text: str, found: list[_Mention]) -> list[_Mention]:
    """Places news writes in set forms NER tags unevenly: the dateline ('NEWARK --',
    'CHARLESTON, W.Va. (AP) --'), a legislator's district ('Rep. Jane Doe, R-Westfield') and
    county lists ('Barrow, Jackson and Madison counties', each a county)."""
    forms: list[_Mention] = []
    match = _DATELINE.search(text, 0, thresholds().places_dateline_window)
    if match and match.group(1).lower() not in _NOT_PLACE_WORDS and gz.lookup(match.group(1)):
        forms.append(_Mention(match.start(1), match.end(1), match.group(1), "dateline"))
    for match in _AFFILIATION.finditer(text):
        name = match.group(1)
        if gz.lookup(name) or gz.us_state_for_abbreviation(name):
            forms.append(_Mention(match.start(1), match.end(1), name, "affiliation"))
    for match in _COUNTY_LIST.finditer(text) if "ounties" in text else ():
        for name in re.finditer(_COUNTY_NAME, match.group(1)):
            if name.group().lower() in ("and", "or"):
                continue
            s = match.start(1) + name.start()
            forms.append(_Mention(s, s + len(name.group()), name.group() + " County", "county"))
    forms = [f for f in forms if f.source != "county" or gz.lookup(f.surface)]
    out = []
    for m in found:
        same = next((f for f in forms if f.start < m.end and m.start < f.end), None)
        if same is None:
            out.append(m)
        elif same.source == "dateline" and m.source == "ner":
            m.source = "dateline"  # NER's span, the dateline's weight
            forms.remove(same)
            out.append(m)
    return out + forms


def _local_mentions(
    text: str, entities: Sequence[tuple[int, int, str]], found: list[_Mention], home: tuple[str, str]
) -> list[_Mention]:
    """Towns and counties of the text's home region that NER tagged as people or organisations
    ('Corsicana Police Department', 'Laurel County Clerk Dean Johnson', 'a Gainesville
    resident'), or did not tag at all behind a place cue: a local paper's own towns."""
    taken = _taken(text, [(m.start, m.end) for m in found])
    places = {m.key for m in found if m.choice is not None}
    out: list[_Mention] = []

    def local(name: str) -> list[Place]:
        return [p for p in _own_name_places(name) if p.feature in ("city", "county") and (p.country, p.admin1) == home]

    def add(s: int, e: int, name: str) -> bool:
        if taken.find(1, s, e) >= 0 or name.lower() in _NOT_PLACE_WORDS:
            return False
        cands = local(name)
        key = gz.normalize(name)
        if not cands or not (key in places or key.endswith(" county") or any(p.population >= thresholds().places_local_min_population for p in cands)):
            return False
        m = _Mention(s, e, name, "local")
        _find_candidates(m)
        out.append(m)
        taken[s:e] = b"\x01" * (e - s)
        return True

    for start, end, label in entities:
        if label not in MISLABEL_LABELS:
            continue
        start, end = _trim(text, start, end)
        for match in _NESTED_NAME.finditer(text, start, end):
            windows = _name_windows(text, *match.span())
            if label == "PERSON":  # the whole name ('Sulphur Springs'), or a county ('Laurel County Clerk
                # Dean Johnson'), never a person's first name ('Vladimir' of 'Vladimir Putin')
                windows = [w for w in windows if w == (start, end) or text[w[0] : w[1]].endswith(" County")]
            if any(add(s, e, text[s:e]) for s, e in windows):
                break
            if label == "PERSON":
                break  # only a person's leading words can be a place
    for match in _CAPITALISED.finditer(text):
        s, e = match.span()
        before = text[max(0, s - 25) : s]
        if _CUE_BEFORE.search(before) or _LOCAL_AFTER.match(text, e):
            for s2, e2 in _name_windows(text, s, e):
                if add(s2, e2, text[s2:e2]):
                    break
    return out


@functools.lru_cache(maxsize=8192)
def _own_name_places(name: str) -> tuple[Place, ...]:
    return tuple(gz.lookup(name, alternates=False))


# ---------------------------------------------------------------- 2. candidates


def _find_candidates(m: _Mention) -> None:
    _find_readings(m)
    m.key = gz.normalize(m.surface)


def _find_readings(m: _Mention) -> None:
    if m.source == "demonym":
        iso = gz.demonym_country(m.surface) or gz.demonym_country(m.surface.rstrip("s"))
        place = gz.country(iso) if iso else None
        m.candidates = [place] if place else []
        m.own_name = {id(place)}
        return
    demonym = gz.demonym_country(m.surface) if m.source == "ner" else None
    if demonym and not any(p.feature == "country" for p in gz.lookup(m.surface)):  # NER tags 'Ukrainian' GPE now and then
        m.source, m.surface = "demonym", m.surface
        _find_readings(m)
        return
    state = (
        gz.us_state_for_abbreviation(m.surface) or gz.us_state_for_abbreviation(m.surface + ".")  # 'N.Y'
        if "." in m.surface or m.surface.isupper()
        else None
    )
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
    if not cands:
        cands = _generic_name_readings(m.surface)
    if m.region:
        cands = _as_regions(cands) or cands
    elif m.source == "dateline":  # a dateline names a town: 'WASHINGTON --' is the capital, not the state
        cands = [p for p in cands if p.feature == "city"] or cands
    else:  # a city-region ('Tbilisi', 'Moscow') is its city unless the text says 'region'
        cands = [p for p in cands if not _city_region(p, cands)] or cands
    m.candidates = cands


# Set forms around a place's name: 'the Town of Groton', 'the Las Vegas Valley', 'Metro
# Vancouver'. Tried only when the whole name is unknown; the place the name holds is meant.
_GENERIC_PREFIX = re.compile(r"^(?:(?:Town|City|Village|Township|Borough|County|Province|State|Commonwealth|Port|Metro|Greater|Downtown|Upstate|Downstate)\s+(?:of\s+)?)")
_PREFIX_FEATURE = {  # what the set form says the place is
    "province": "region", "state": "region", "commonwealth": "region", "county": "county",
    "town": "city", "city": "city", "village": "city", "township": "city", "borough": "city",
}  # fmt: skip
_GENERIC_SUFFIX = re.compile(r"\s+(?:Valley|Metro|Metroplex|Township|Area|Region|Downtown|[Cc]ity)$")
_WATER_SUFFIX = re.compile(r"\s+(?:River|Harbou?r|Bay|Waterfront)$")
_ABBREVIATED = {"d.c.": "Washington", "l.a.": "Los Angeles", "n.y.c.": "New York City", "nyc": "New York City", "s.f.": "San Francisco"}


def _generic_name_readings(surface: str) -> list[Place]:
    if (full := _ABBREVIATED.get(surface.lower())) is not None:
        return [max((p for p in gz.lookup(full) if p.country == "US"), key=lambda p: p.population)]
    prefix = _GENERIC_PREFIX.match(surface)
    bare = _GENERIC_SUFFIX.sub("", surface[prefix.end() :] if prefix else surface)
    if bare != surface and bare[:1].isupper() and (found := gz.lookup(bare)):
        feature = _PREFIX_FEATURE.get(prefix.group().split()[0].lower()) if prefix else None
        return [p for p in found if p.feature == feature] if feature else found
    # water named after its town: 'Boston Harbor', 'the Sacramento River' (only a sizeable town:
    # 'James River' is not in James)
    water = _WATER_SUFFIX.sub("", surface)
    if water != surface and (found := [p for p in gz.lookup(water) if p.population >= thresholds().places_water_town_min_population]):
        return found
    # a place's name leading a facility NER took whole: 'Prince William County Circuit Court'
    words = surface.split()
    for k in range(len(words) - 1, 0, -1):
        head = " ".join(words[:k])
        if _COUNTY_WORD.search(head) and (found := [p for p in gz.lookup(head) if p.feature == "county"]):
            return found
    return []


def _city_region(p: Place, cands: list[Place]) -> bool:
    return p.feature == "region" and any(
        c.feature == "city" and (c.country, c.admin1) == (p.country, p.admin1) and c.population >= thresholds().places_city_region_share * p.population
        for c in cands
    )


def _fuzzy(name: str) -> list[Place]:
    if len(name) < 5:
        return []
    best = _fuzzy_name(gz.normalize(name))
    return [p for p in gz.lookup(best) if p.feature in ("city", "region")] if best else []


def _fuzzy_name(key: str) -> str | None:
    return _fuzzy_name_at(key, thresholds().places_fuzzy_min_score)


@functools.lru_cache(maxsize=4096)
def _fuzzy_name_at(key: str, min_score: float) -> str | None:
    """The spelled name closest to `key`, sharing its first letter (a scan of all ~45k names
    per span was most of find_places' time)."""
    from rapidfuzz import fuzz, process

    best = process.extractOne(key, _spelled_names().get(key[0], ()), scorer=fuzz.ratio, score_cutoff=min_score)
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
        if p.feature == "city" and p.admin1 and p.population >= thresholds().places_region_seat_min_population:
            r = gz.region(p.country, p.admin1)
            if r is not None and r not in out:
                out.append(r)
    return out


# ---------------------------------------------------------------- 3. context


def _link_qualifiers(text: str, mentions: list[_Mention], sentences: Sequence[tuple[int, int]]) -> None:
    for m in mentions:
        m.qualifiers, m.qualifies = [], []
    for i, m in enumerate(mentions):
        abbreviation = _STATE_ABBREVIATION.match(text, m.end)
        if abbreviation:
            m.qualifier_state = gz.us_state_for_abbreviation(abbreviation.group(1).replace(" ", ""))
        last = m.end
        for q in mentions[i + 1 :]:
            if q.start - m.end > thresholds().places_qualifier_window:
                break
            if not _QUALIFIER_GAP.match(text[last : q.start]):
                break
            m.qualifiers.append(q)
            q.qualifies.append(m)
            last = q.end


@dataclass(slots=True)
class _Named:
    """Countries and regions the text names, each with the names that say so ('' for an
    adjective or a ', Ga.'): a mention's own name is no evidence for its own reading."""

    countries: dict[str, set[str]]
    regions: dict[tuple[str, str], set[str]]
    held_countries: dict[str, set[str]] = field(default_factory=dict)  # countries of resolved cities
    held_regions: dict[tuple[str, str], set[str]] = field(default_factory=dict)  # regions of resolved cities
    home: tuple[str, str] | None = None  # the region most of the text's places can lie in


def _by_other(support: dict, key, name: str) -> bool:
    names = support.get(key)
    return bool(names) and (len(names) > 1 or name not in names)


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
    """Countries and regions the text names, or that its resolved places lie in. Before any
    mention is resolved, a name whose likeliest reading out of context is a country or region
    ('Texas', not Texas City) names it."""
    countries: dict[str, set[str]] = {iso: {""} for iso in adjectives}
    regions: dict[tuple[str, str], set[str]] = {}
    held_countries: dict[str, set[str]] = {}
    held_regions: dict[tuple[str, str], set[str]] = {}
    for m in mentions:
        p = m.choice
        if p is None and m.candidates:
            p = max(m.candidates, key=_prior)
            if p.feature not in ("country", "region") and len(m.candidates) > 1:
                continue
        if p is None:
            continue
        key = m.key
        if p.country:
            countries.setdefault(p.country, set()).add(key)
        if p.feature == "region":
            regions.setdefault((p.country, p.admin1), set()).add(key)
        elif m.choice is not None and p.feature in ("city", "county") and not m.approximate:
            held_countries.setdefault(p.country, set()).add(key)
            if p.admin1:
                held_regions.setdefault((p.country, p.admin1), set()).add(key)
    for abbreviation in re.findall(r"(?<=, )(?:[A-Z][a-z]{1,4}\.|[A-Z]\.[A-Z]\.)", text):
        state = gz.us_state_for_abbreviation(abbreviation)
        if state:
            regions.setdefault(("US", state), set()).add("")
            countries.setdefault("US", set()).add("")
    return _Named(countries, regions, held_countries, held_regions)


def _prior(p: Place) -> float:
    """A reading's weight out of context: its kind and size."""
    population = p.population if p.feature in ("city", "region", "county") else 0
    return FEATURE_PRIOR.get(p.feature, 0.0) + thresholds().places_weight_population * math.log10(max(population, 1))


def _home_region(mentions: list[_Mention]) -> tuple[str, str] | None:
    """The region (state, oblast) most of the text's names can be read as lying in: each name
    splits one vote among the regions of its readings, so unambiguous names weigh most, and a
    name counts once however often it recurs (a resolved reading would vote for itself). A
    qualified mention ('Paris, Tenn.') votes for its reading alone; the dateline counts double.
    A local paper's 'Paris' and 'Anderson County' are the ones in its own state."""
    votes: dict[tuple[str, str], float] = {}
    ballots: dict[str, tuple[set[tuple[str, str]], float]] = {}
    for m in mentions:
        if m.source == "demonym":
            continue
        qualified = [p for p in m.candidates if _qualified(m, p)]
        cands = qualified or m.candidates
        regions = {(p.country, p.admin1) for p in cands if p.admin1 and p.feature in ("city", "county", "region")}
        if not regions or len(regions) > thresholds().places_home_max_readings:
            continue
        key = m.key
        weight = thresholds().places_home_dateline_votes if m.source == "dateline" else 1.0
        if any(p.feature == "country" for p in cands):
            weight *= thresholds().places_home_country_name_votes
        held = ballots.get(key)
        if held is None or len(regions) < len(held[0]) or weight > held[1]:
            ballots[key] = (regions, max(weight, held[1] if held else 0.0))
    for regions, weight in ballots.values():
        for r in sorted(regions):  # insertion order breaks ties: keep it independent of str hashing
            votes[r] = votes.get(r, 0.0) + weight / len(regions)
    if not votes:
        return None
    best = max(votes, key=votes.__getitem__)
    if votes[best] < thresholds().places_home_min_votes or votes[best] < thresholds().places_home_min_share * sum(votes.values()):
        return None
    return best


def _reading_cells(mentions: list[_Mention]) -> dict[tuple[int, int], list[tuple[str, float, float]]]:
    """Every town and county reading of every name with few readings, by 1-degree cell."""
    cells: dict[tuple[int, int], list[tuple[str, float, float]]] = {}
    seen: set[str] = set()
    for m in mentions:
        if m.key in seen or m.source == "demonym" or len(m.candidates) > thresholds().places_cohere_max_readings:
            continue
        seen.add(m.key)
        for p in m.candidates:
            if p.feature in ("city", "county"):
                cells.setdefault((math.floor(p.lat), math.floor(p.lon)), []).append((m.key, p.lat, p.lon))
    return cells


def _support(m: _Mention, p: Place, cells: dict[tuple[int, int], list[tuple[str, float, float]]]) -> int:
    """How many other names have a reading within COHERE_KM of `p` (at most COHERE_MAX_NAMES):
    'Paris' with 'Henry County' is Paris, Tennessee, whichever Henry County was chosen first."""
    names: set[str] = set()
    la, lo = math.floor(p.lat), math.floor(p.lon)
    for cell in ((la + i, lo + j) for i in (-1, 0, 1) for j in (-1, 0, 1)):
        for key, lat, lon in cells.get(cell, ()):
            if key != m.key and key not in names and gz.distance_km(p.lat, p.lon, lat, lon) <= thresholds().places_cohere_km:
                names.add(key)
    return min(len(names), thresholds().places_cohere_max_names)


# ---------------------------------------------------------------- 4. resolution


def _score(m: _Mention, p: Place, named: _Named, points: Sequence[tuple[float, float]]) -> float:
    s = _prior(p)
    key = m.key
    if id(p) in m.own_name:
        s += thresholds().places_weight_own_name
    elif p.feature == "county":
        s += thresholds().places_weight_bare_county
    if p.country and _by_other(named.countries, p.country, key):
        s += thresholds().places_weight_country_named
    if p.admin1 and p.feature != "region" and _by_other(named.regions, (p.country, p.admin1), key):
        s += thresholds().places_weight_region_named
    if named.home and p.feature in ("city", "county") and (p.country, p.admin1) == named.home:
        s += thresholds().places_weight_home
    if _qualified(m, p):
        s += thresholds().places_weight_qualified
    elif m.qualifies and any(_holds(p, c) for o in m.qualifies for c in o.candidates):
        s += thresholds().places_weight_qualified / 2  # 'Georgia' in 'Atlanta, Georgia' is the state Atlanta is in
    s += thresholds().places_weight_cohere * m.support.get(id(p), 0)
    if p.feature in ("city", "county") and not _qualified(m, p) and _shadowed(m, p):
        s += thresholds().places_weight_shadowed
    if points and p.feature in ("city", "county"):
        nearest = min(gz.distance_km(p.lat, p.lon, lat, lon) for lat, lon in points)
        s += thresholds().places_weight_near * math.exp(-nearest / thresholds().places_near_km)
    if p.feature == "region" and _by_other(named.held_regions, (p.country, p.admin1), key):
        s += thresholds().places_weight_contains
    elif p.feature == "country" and _by_other(named.held_countries, p.country, key):
        s += thresholds().places_weight_contains
    return s


def _shadowed(m: _Mention, p: Place) -> bool:
    """A town named after a state ('California, Md.') is meant only when the text says so:
    unqualified, the name is the state's. (Not so for countries: LGL's local news means its
    Jordans and Lebanons, and the score fell when they were shadowed too.)"""
    return any(
        c.feature == "region" and id(c) in m.own_name and c.population >= thresholds().places_shadow_ratio * max(p.population, 1)
        for c in m.candidates
    )


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
