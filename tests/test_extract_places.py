"""Place detection and resolution: the gazetteer, find_places on short made-up sentences (entity
spans given by hand, so these do not depend on the NER model), and the seed gold."""

from __future__ import annotations

from pathlib import Path

import pytest

from wiretrail.extract import gazetteer as gz
from wiretrail.extract.places import common_home, find_places, home_region

RIGHT_KM = 161.0


def near(match, lat: float, lon: float) -> bool:
    return match.lat is not None and gz.distance_km(match.lat, match.lon, lat, lon) <= RIGHT_KM


def ents(text: str, *spans: tuple[str, str]) -> list[tuple[int, int, str]]:
    """(surface, label) pairs -> NER spans at the surface's first occurrence after the last one."""
    out, pos = [], 0
    for surface, label in spans:
        start = text.index(surface, pos)
        out.append((start, start + len(surface), label))
        pos = start + len(surface)
    return out


def only(matches, surface: str):
    found = [m for m in matches if m.text == surface]
    assert len(found) == 1, matches
    return found[0]


# ---------------------------------------------------------------- gazetteer


def test_place_names_and_other_spellings():
    assert gz.is_place_name("Kyiv") and gz.is_place_name("Kiev") and gz.is_place_name("Stuttgart")
    assert not gz.is_place_name("Blorptown Heights")
    (kharkiv,) = [p for p in gz.lookup("Kharkov") if p.feature == "city"]
    assert kharkiv.name == "Kharkiv" and abs(kharkiv.lat - 49.98) < 0.1


def test_transliterations_share_a_spelling_skeleton():
    assert not gz.lookup("Novorosiisk", spelling=False)
    (city,) = gz.lookup("Novorosiisk", spelling=True)
    assert city.country == "RU" and abs(city.lat - 44.72) < 0.1 and abs(city.lon - 37.77) < 0.1


def test_countries_regions_and_abbreviations():
    us = gz.country("US")
    assert us is not None and gz.distance_km(us.lat, us.lon, 39.76, -98.5) < 10
    texas = gz.region("US", "Texas")
    assert texas is not None and gz.distance_km(texas.lat, texas.lon, 31.25, -99.25) < RIGHT_KM
    assert gz.us_state_for_abbreviation("Ga.") == "Georgia" and gz.us_state_for_abbreviation("TX") == "Texas"
    assert gz.demonym_country("Israeli") == "IL" and gz.demonym_country("Table") is None


# ---------------------------------------------------------------- find_places


def test_mislabelled_spans_that_are_places():
    text = "The envoy visited Kyiv on Tuesday. Officials said troops are gathering in Kursk region."
    found = find_places(text, ents(text, ("Kyiv", "PERSON"), ("Tuesday", "DATE"), ("Kursk", "PRODUCT")))
    assert near(only(found, "Kyiv"), 50.45, 30.52)
    kursk = only(found, "Kursk")
    assert kursk.feature == "region" and near(kursk, 51.73, 36.19)


def test_vladimir_the_city_and_vladimir_the_man():
    text = "A judge in the city of Vladimir sentenced him. Vladimir Putin did not comment."
    found = find_places(text, ents(text, ("Vladimir", "PERSON"), ("Vladimir Putin", "PERSON")))
    assert [m.text for m in found] == ["Vladimir"]
    assert found[0].start == text.index("Vladimir") and near(found[0], 56.13, 40.41)


def test_toponym_ner_missed_is_found_behind_a_cue():
    text = "A judge in the city of Vladimir sentenced him on Friday."
    (m,) = find_places(text, [])
    assert m.text == "Vladimir" and near(m, 56.13, 40.41)


def test_common_words_that_are_towns_do_not_fire():
    text = "Hope is not a plan, and Friendship matters. Said the mayor: Liberty will prevail."
    assert find_places(text, []) == []


def test_georgia_the_country_next_to_tbilisi():
    text = "Protesters filled the streets of Tbilisi as Georgia suspended its talks with Brussels."
    found = find_places(text, ents(text, ("Tbilisi", "GPE"), ("Georgia", "GPE"), ("Brussels", "GPE")))
    georgia = only(found, "Georgia")
    assert georgia.feature == "country" and georgia.country == "GE" and near(georgia, 42.3, 43.4)


def test_georgia_the_state_next_to_atlanta():
    text = "The company moved from Atlanta, Georgia, to a smaller office."
    found = find_places(text, ents(text, ("Atlanta", "GPE"), ("Georgia", "GPE")))
    assert only(found, "Georgia").country == "US" and near(only(found, "Georgia"), 32.75, -83.5)
    assert near(only(found, "Atlanta"), 33.75, -84.39)


def test_a_state_abbreviation_qualifies_a_town():
    text = "The festival in Paris, Tex., drew a large crowd; Paris police closed two roads."
    found = find_places(text, ents(text, ("Paris", "GPE"), ("Paris", "GPE")))
    assert len(found) == 2 and all(near(m, 33.66, -95.56) for m in found)


def test_a_village_missing_from_the_gazetteer_resolves_to_its_region():
    text = "Troops took Zhovtoprylivka in Ukraine's eastern Donetsk region on Sunday."
    found = find_places(text, ents(text, ("Zhovtoprylivka", "ORG"), ("Ukraine", "GPE"), ("Donetsk", "GPE")))
    village = only(found, "Zhovtoprylivka")
    assert village.approximate and village.feature == "region" and near(village, 48.0, 37.8)
    assert only(found, "Donetsk").feature == "region"


def test_unresolvable_place_spans_are_listed_not_dropped():
    text = "Refugees reached Qwzxland late on Monday, then Berlin."
    found = find_places(text, ents(text, ("Qwzxland", "GPE"), ("Berlin", "GPE")))
    assert [m.text for m in found] == ["Qwzxland", "Berlin"]
    assert found[0].lat is None and found[0].lon is None and near(found[1], 52.52, 13.40)


def test_seas_demonyms_and_nested_names_are_options():
    text = "Russian ships left the Black Sea for the port, said the Texas Forest Service."
    spans = ents(text, ("Russian", "NORP"), ("the Black Sea", "LOC"), ("the Texas Forest Service", "ORG"))
    plain = find_places(text, spans)
    assert [m.text for m in plain] == ["Black Sea"] and plain[0].feature == "sea"
    rich = find_places(text, spans, demonyms=True, nested=True)
    assert [m.text for m in rich] == ["Russian", "Black Sea", "Texas"]
    assert rich[0].country == "RU" and rich[2].country == "US"


def test_datelines_districts_and_county_lists():
    text = ("Fire chief retires. HURRICANE, W.Va. -- Sen. Ann Roe, D-Nitro, praised crews from "
            "Cabell, Putnam and Kanawha counties.")
    found = find_places(text, ents(text, ("Ann Roe", "PERSON")))
    assert near(only(found, "HURRICANE"), 38.43, -82.02)
    assert near(only(found, "Nitro"), 38.41, -81.84)
    assert only(found, "Putnam").name == "Putnam County" and near(only(found, "Putnam"), 38.51, -81.91)


def test_home_region_towns_ner_called_organisations_are_places():
    text = ("A Corsicana woman was sentenced in Navarro County. Investigators from the Corsicana Police "
            "Department said she lived in Texas.")
    spans = ents(text, ("Navarro County", "GPE"), ("the Corsicana Police Department", "ORG"), ("Texas", "GPE"))
    found = find_places(text, spans)
    assert any(m.text == "Corsicana" and near(m, 32.10, -96.47) for m in found)


def test_names_read_near_each_other_resolve_together():
    text = "All residents of Paris and Henry County will receive a letter from the rescue squad."
    found = find_places(text, ents(text, ("Paris", "GPE"), ("Henry County", "GPE")))
    assert near(only(found, "Paris"), 36.30, -88.33) and near(only(found, "Henry County"), 36.33, -88.30)


def test_local_set_phrases_name_towns_of_any_size():
    text = ("Jane Roe, 41, of Grovetown, was charged. Carthage Police Chief Ann Poe said a Kanawha County "
            "Family Court judge had seen the cleanup crew from Post Falls, Idaho.")
    found = find_places(text, ents(text, ("Jane Roe", "PERSON"), ("Ann Poe", "PERSON")))
    assert near(only(found, "Grovetown"), 33.45, -82.20)  # where a person lives
    assert only(found, "Carthage").lat is not None  # the town a police force is named after
    assert near(only(found, "Kanawha County"), 38.34, -81.53)
    assert near(only(found, "Post Falls"), 47.72, -116.95)  # 'Town, State'


def test_a_dateline_names_a_town_not_a_state():
    text = "WASHINGTON -- The Senate voted on Tuesday."
    assert near(only(find_places(text, []), "WASHINGTON"), 38.90, -77.04)


def test_small_towns_in_organisation_names_that_lie_near_other_places():
    text = "The Zionsville Education Foundation gave $5,000 to schools in Boone County."
    spans = ents(text, ("The Zionsville Education Foundation", "ORG"), ("Boone County", "GPE"))
    found = find_places(text, spans, nested=True)
    assert near(only(found, "Zionsville"), 39.95, -86.26) and near(only(found, "Boone County"), 40.05, -86.47)
    person = "Shaun Pinner spoke in London. Later Pinner met officials in London."
    spans = ents(person, ("Shaun Pinner", "PERSON"), ("London", "GPE"), ("Pinner", "PERSON"), ("London", "GPE"))
    assert not [m for m in find_places(person, spans) if "Pinner" in m.text]  # a person's surname, not the town near London


def test_an_outlets_home_region_stands_in_for_a_text_that_shows_none():
    tennessee, georgia = ("US", "Tennessee"), ("US", "Georgia")
    assert common_home([tennessee, tennessee, None, georgia]) == tennessee
    assert common_home([tennessee]) is None  # one text is no pattern
    assert common_home([tennessee, georgia, ("US", "Ohio"), ("US", "Ohio"), ("US", "Iowa")]) is None  # no majority: a wire feed
    other = "Police in Cleveland and Athens, Tenn., and Bradley County met."
    assert home_region(other, ents(other, ("Cleveland", "GPE"), ("Athens", "GPE"), ("Tenn.", "GPE"), ("Bradley County", "GPE"))) == tennessee
    text = "Athens residents will vote on Tuesday."
    found = find_places(text, ents(text, ("Athens", "GPE")), home=tennessee)
    assert near(only(found, "Athens"), 35.44, -84.59)


# ---------------------------------------------------------------- seeds


def _seed_places(seeds_dir: Path):
    from wiretrail.nlp import parse_lines

    out = []
    for path in sorted(seeds_dir.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        (parsed,) = parse_lines([text])
        out += find_places(text, parsed.entities)
    return out


@pytest.fixture(scope="module")
def seed_places(seeds_dir: Path):
    return _seed_places(seeds_dir)


def test_seed_places_resolve_within_161_km(gold: dict, seed_places):
    assert gold["place"], "the seed gold lists no places"
    for place in gold["place"]:
        named = [m for m in seed_places if m.text == place["name"]]
        assert named, f"{place['name']} was not found in the seeds"
        right = [m for m in named if near(m, place["lat"], place["lon"])]
        assert right, f"{place['name']}: {[(m.name, m.lat, m.lon) for m in named]}"


def test_seed_georgia_is_never_the_us_state(seed_places):
    georgias = [m for m in seed_places if m.text == "Georgia"]
    assert georgias and all(m.country == "GE" for m in georgias)


# ---------------------------------------------------------------- the cache


def test_the_cache_round_trips_and_a_corrupt_file_is_ignored(tmp_path: Path):
    g = gz.load()
    path = tmp_path / "gazetteer-test.marshal"
    gz._write_cache(path, g)
    again = gz._read_cache(path)
    assert again is not None and len(again) == len(g) and again.names == g.names
    i = g.countries["GE"]
    assert again.place(i) == g.place(i)
    path.write_bytes(path.read_bytes()[:1000])  # a writer killed mid-file (or a stray edit)
    assert gz._read_cache(path) is None
    assert gz._read_cache(tmp_path / "missing.marshal") is None


# ---------------------------------------------------------------- names inside names, set forms


def test_counties_and_towns_inside_organisation_names():
    text = "Deputies of the Walker County Sheriff's Office and staff of the University of Nebraska-Lincoln met."
    found = find_places(text, ents(text, ("the Walker County Sheriff's Office", "ORG"), ("the University of Nebraska-Lincoln", "ORG")), nested=True)
    walker = only(found, "Walker County")
    assert walker.lat is not None and walker.country == "US"
    nebraska = only(found, "Nebraska")
    assert near(nebraska, 41.5, -99.8)  # the state, from the hyphenated name
    plain = find_places(text, ents(text, ("the Walker County Sheriff's Office", "ORG")))
    assert plain == []  # without `nested`, an organisation's name says who, not where


def test_set_forms_around_a_place_name():
    text = "Taxes rose across the Province of Ontario. Ships waited in Boston Harbor and the Las Vegas Valley grew."
    found = find_places(text, ents(text, ("the Province of Ontario", "GPE"), ("Boston Harbor", "LOC"), ("the Las Vegas Valley", "LOC")))
    ontario = only(found, "Province of Ontario")
    assert (ontario.country, ontario.feature) == ("CA", "region")  # not Ontario, California
    assert near(only(found, "Boston Harbor"), 42.36, -71.06)
    assert near(only(found, "Las Vegas Valley"), 36.17, -115.14)


def test_towns_ner_called_people_behind_a_telling_noun():
    text = "About 55 Gainesville residents marched on Friday. Earlier Tbilisi announced talks."
    found = find_places(text, ents(text, ("Gainesville", "PERSON"), ("Tbilisi", "PERSON")))
    assert only(found, "Gainesville").country == "US"
    assert near(only(found, "Tbilisi"), 41.69, 44.83)  # a capital speaking for its government
    quiet = "Gainesville wrote a letter."  # no telling noun, no verb of saying: a person
    assert find_places(quiet, ents(quiet, ("Gainesville", "PERSON"))) == []


def test_a_state_name_is_the_state_not_a_small_town_of_that_name():
    text = "Officials in Richmond, Virginia and in Maryland said the launch was seen from a base in California."
    found = find_places(text, ents(text, ("Richmond", "GPE"), ("Virginia", "GPE"), ("Maryland", "GPE"), ("California", "GPE")))
    california = only(found, "California")
    assert california.feature == "region" and near(california, 37.25, -119.75)
