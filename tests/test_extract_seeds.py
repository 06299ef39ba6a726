"""Extraction on the real seed corpus, held to the analyst's gold (../shared/gold/seeds.toml)."""

from __future__ import annotations

import math
import re
from datetime import date, timedelta

import pytest

from wiretrail.extract.names import fold
from wiretrail.store.facts import FactQuery, role_key

KM_PER_DEGREE = 111.2
MAX_KM = 161  # the geoparsing convention: within 100 miles counts as right


@pytest.fixture(scope="module")
def seeded(seeded_store):
    return seeded_store


@pytest.fixture(scope="module")
def corpus_text(seeds_dir) -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(seeds_dir.iterdir()))


def _km(lat1, lon1, lat2, lon2) -> float:
    dlat = math.radians(lat2 - lat1)
    dlon = math.radians(lon2 - lon1)
    a = math.sin(dlat / 2) ** 2 + math.cos(math.radians(lat1)) * math.cos(math.radians(lat2)) * math.sin(dlon / 2) ** 2
    return 6371 * 2 * math.asin(math.sqrt(a))


def _written(alias: str, text: str) -> bool:
    return alias[:1].isupper() and re.search(rf"(?<!\w){re.escape(alias)}(?!\w)", text) is not None


HONORIFIC = re.compile(r"^(?:Mr|Mrs|Ms|Dr)\.? ")


def test_gold_entities_gather_every_spelling_the_seeds_use(seeded, gold, corpus_text):
    entities = seeded.facts.entities()
    for want in gold["entity"]:
        # 'Mr Zelensky' is the mention 'Zelensky' with an honorific before it
        aliases = {HONORIFIC.sub("", a) for a in [want["name"], *want.get("aliases", [])]}
        spellings = sorted(a for a in aliases if _written(a, corpus_text))
        holders = {e.id for e in entities for a in spellings if a in e.aliases and e.type == want["type"]}
        assert len(holders) == 1, f"{want['name']}: spellings {spellings} spread over {len(holders)} entities"
        (entity,) = [e for e in entities if e.id in holders]
        missing = [a for a in spellings if a not in entity.aliases and a != want["name"]]
        assert not missing, f"{want['name']}: {missing} not gathered"
        if want.get("roles"):
            assert {role_key(r) for r in want["roles"]} & {role_key(r) for r in entity.roles}, (want, entity.roles)


def test_the_city_of_vladimir_is_not_vladimir_putin(seeded):
    (putin,) = [e for e in seeded.facts.entities(FactQuery(type="PERSON")) if "Putin" in e.aliases]
    assert "Vladimir" not in putin.aliases
    cities = [e for e in seeded.facts.entities(FactQuery(type="PLACE")) if "Vladimir" in e.aliases]
    assert cities and _km(cities[0].lat, cities[0].lon, 56.13, 40.41) < MAX_KM


def test_gold_places_resolve_within_161_km(seeded, gold):
    places = seeded.facts.entities(FactQuery(type="PLACE"))
    for want in gold["place"]:
        found = [p for p in places if p.lat is not None and any(fold(want["name"]) == fold(a) for a in p.aliases)]
        assert found, f"{want['name']} not resolved"
        best = min(_km(p.lat, p.lon, want["lat"], want["lon"]) for p in found)
        assert best < MAX_KM, f"{want['name']} resolved {best:.0f} km away"


def test_gold_quotes_with_their_speakers(seeded, gold):
    quotes = seeded.facts.quotes()
    people = {e.id: e for e in seeded.facts.entities(FactQuery(type="PERSON"))}
    for want in gold["quote"]:
        found = [q for q in quotes if fold(want["text"])[:40] in fold(q.text)]
        assert found, f"quote not found: {want['text']}"
        surname = fold(want["speaker"].split()[-1])
        named = [q for q in found if q.speaker and surname in fold(q.speaker)
                 or (q.speaker_entity_id in people and surname in fold(people[q.speaker_entity_id].name))]
        assert named, f"{want['text']}: speakers {[q.speaker for q in found]}"


def _value(want) -> tuple[float, float]:
    v = want["value"]
    return (v[0], v[1]) if isinstance(v, list) else (v, v)


def test_gold_figures_with_value_unit_and_source(seeded, gold):
    figures = seeded.facts.figures()
    for want in gold["figure"]:
        low, high = _value(want)
        found = [
            f for f in figures
            if (f.value_low == low or (low == 0 and f.value_low in (0, None))) and f.value_high in (high, None)
            and (f.unit or None) == want.get("unit")
        ]  # fmt: skip
        assert found, f"figure not found: {want['subject']} = {want['value']}"


def _stems(text: str) -> set[str]:
    return {fold(w)[:5] for w in re.findall(r"\w{4,}", text)}


def test_gold_events_are_on_the_timeline(seeded, gold):
    events = seeded.facts.events()
    for want in gold["event"]:
        words = _stems(want["what"])  # at least two words in common, compared by their first 5 letters
        about = [e for e in events if len(words & _stems(e.summary)) >= 2]
        if want["where"]:
            about = [e for e in about if e.place and fold(want["where"])[:5] in fold(e.place)]
        if want["date"]:
            day = date.fromisoformat(want["date"])
            about = [e for e in about if e.date and abs(e.date - day) <= timedelta(days=1)]
        else:
            about = [e for e in about if e.date is None]
        assert about, f"event missing: {want['date'] or 'undated'} {want['what']} ({want['where']})"
