"""Story clustering: features, incremental assignment, order, state round trip, ECB+ floor."""

from __future__ import annotations

import json
import random
import sys
from datetime import date
from pathlib import Path

import pytest

from wiretrail.model import EntitySpan, PlaceMatch
from wiretrail.stories import ClusterState, StoryClusterer, StoryFeatures, build_features, story_id
from wiretrail.stories.features import lead_sentence, numbers_and_years, written_days


def person(text: str, key: str) -> EntitySpan:
    return EntitySpan(0, len(text), text, "PERSON", "PERSON", key)


def place(text: str, gid: str) -> PlaceMatch:
    return PlaceMatch(0, len(text), text, text, gazetteer_id=gid)


# Two events of one kind: an actor checking into rehab, different people, places and years.
REID = [
    ("reid-1", "Tara Reid checks into Promises rehab in Malibu\nActress Tara Reid checked herself into the Promises Treatment Center in Malibu on Friday, her representative Jack Ketsoyan said. Reid, 33, asked for privacy in 2008.", "2008-12-12"),
    ("reid-2", "Tara Reid enters rehab at Promises\nTara Reid has entered the Promises Treatment Center in Malibu, her spokesman Jack Ketsoyan confirmed. The 33-year-old actress checked in on Friday.", "2008-12-13"),
    ("reid-3", "Reid in rehab again\nThe actress Tara Reid is back in rehab at Promises in Malibu, Ketsoyan told People magazine, asking fans to respect her privacy.", "2008-12-13"),
]
LOHAN = [
    ("lohan-1", "Lindsay Lohan checks into Betty Ford Center\nLindsay Lohan checked into the Betty Ford Center in Rancho Mirage on Thursday to begin a 90-day court-ordered rehab stay, her lawyer Mark Heller said in 2013.", "2013-05-03"),
    ("lohan-2", "Lohan enters Betty Ford rehab\nActress Lindsay Lohan entered the Betty Ford Center in Rancho Mirage for a 90-day rehab stay ordered by a court, attorney Mark Heller said.", "2013-05-03"),
    ("lohan-3", "Lindsay Lohan in rehab at Betty Ford\nLindsay Lohan has started her 90-day stay at the Betty Ford Center in Rancho Mirage, lawyer Mark Heller confirmed after the actress checked in.", "2013-05-04"),
]
ENTITIES = {
    "reid": [person("Tara Reid", "PERSON|reid|t"), person("Tara Reid", "PERSON|reid|t"), person("Jack Ketsoyan", "PERSON|ketsoyan|j")],
    "lohan": [person("Lindsay Lohan", "PERSON|lohan|l"), person("Lindsay Lohan", "PERSON|lohan|l"), person("Mark Heller", "PERSON|heller|m")],
}
PLACES = {"reid": [place("Malibu", "geonames:5369906")], "lohan": [place("Rancho Mirage", "geonames:5386015")]}


def unit(key: str, text: str, day: str):
    who = key.split("-")[0]
    return build_features(key, text, entities=ENTITIES[who], places=PLACES[who], day=date.fromisoformat(day))


UNITS = [unit(*u) for u in REID + LOHAN]


def grouping(clusterer: StoryClusterer) -> set[frozenset[str]]:
    return {frozenset(keys) for keys in clusterer.clusters().values()}


EXPECTED = {frozenset(k for k, _, _ in REID), frozenset(k for k, _, _ in LOHAN)}


def test_features_read_names_numbers_dates_and_title():
    f = UNITS[3]
    assert dict(f.entities)["PERSON|lohan|l"] == 2
    assert dict(f.places) == {"geonames:5386015": 1}
    assert "PERSON|lohan|l" in f.lead_entities
    assert f.day == date(2013, 5, 3) and f.first_day == f.last_day == f.day
    assert f.title == "Lindsay Lohan checks into Betty Ford Center"
    assert "rehab" in f.term_weights and "said" not in f.term_weights
    assert numbers_and_years("A 7.3 quake killed 1,500 people and 3 dogs in 2008") == (("1500", "7.3"), (2008,))
    assert written_days("Updated Saturday, December 05, 2009 8:28 PM") == [date(2009, 12, 5)]
    assert lead_sentence("http://x.com/a\nMay 03, 2013\nA long enough lead. Then more.") == "A long enough lead."


def test_two_events_of_one_kind_stay_apart():
    c = StoryClusterer()
    c.assign_all(UNITS)
    assert grouping(c) == EXPECTED


def test_copies_join_their_story_and_reassigning_is_a_no_op():
    c = StoryClusterer()
    ids = c.assign_all(UNITS)
    copy = unit("lohan-copy", LOHAN[1][1], LOHAN[1][2])
    assert c.assign(copy) == c.story_of("lohan-2")
    size = c.state.stories[c.story_of("lohan-2")].size
    assert c.assign(copy) == c.story_of("lohan-2")  # the same key again changes nothing
    assert c.state.stories[c.story_of("lohan-2")].size == size
    assert ids[0] == story_id("reid-1")  # named after the unit that opened it: deterministic


@pytest.mark.parametrize("seed", range(6))
def test_ingest_order_does_not_change_the_stories(seed):
    units = UNITS[:]
    random.Random(seed).shuffle(units)
    c = StoryClusterer()
    c.assign_all(units)
    assert grouping(c) == EXPECTED


def test_titles_are_member_headlines():
    c = StoryClusterer()
    c.assign_all(UNITS)
    titles = {s.title for s in c.state.stories.values()}
    heads = {text.split("\n")[0] for _, text, _ in REID + LOHAN}
    assert titles <= heads and len(titles) == 2


def test_state_round_trips_through_json_and_goes_on():
    a = StoryClusterer()
    a.assign_all(UNITS[:4])
    state = ClusterState.from_dict(json.loads(json.dumps(a.state.to_dict())))
    b = StoryClusterer(state)
    a.assign_all(UNITS[4:])
    b.assign_all(UNITS[4:])
    assert a.state.to_dict() == b.state.to_dict()
    assert grouping(b) == EXPECTED


def test_unrelated_text_opens_a_new_story():
    c = StoryClusterer()
    c.assign_all(UNITS)
    other = build_features("quake", "A magnitude 7.3 earthquake struck off the coast of Papua, killing four.", day=date(2009, 1, 4))
    sid = c.assign(other)
    assert sid == story_id("quake") and len(c.state.stories) == 3


# -- evaluation floor on ECB+ ------------------------------------------------------------------

ECB = Path(__file__).resolve().parents[2] / "shared" / "eval" / "clustering"
# Measured on the first 4 odd topics (1, 3, 5, 7; 103 documents), natural order: F1 0.823
# (shuffled orders 0.89-0.93); the floor leaves 0.04 for noise. Raise it when clustering improves.
ECB_FLOOR_TOPICS = 4
ECB_FLOOR_F1 = 0.78


@pytest.mark.skipif(not ECB.exists(), reason=f"ECB+ clustering data not found at {ECB}")
def test_ecb_plus_floor():
    import importlib.util

    spec = importlib.util.spec_from_file_location("eval_clustering", Path(__file__).resolve().parents[1] / "evals" / "clustering.py")
    ev = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = ev  # dataclasses look their module up while the file runs
    spec.loader.exec_module(ev)
    docs = ev.read_corpus(ECB, ECB_FLOOR_TOPICS)
    ner = ev.cached_ner(docs)
    from wiretrail.stories import features_from_text

    feats = [features_from_text(d.name, d.text, ner=ner[d.name]) for d in docs]
    predicted, _, _ = ev.run_incremental(feats, list(range(len(feats))))
    score = ev.bcubed(predicted, {d.name: d.gold for d in docs})
    assert score.f1 >= ECB_FLOOR_F1, score


# -- cost stays bounded as the corpus grows (structural, not timed) -----------------------------


def _blog_entry(i: int) -> StoryFeatures:
    """An entry of a long synthetic live blog: even entries follow one running story (the same
    commander, new numbers each time), odd ones each report something of their own."""
    if i % 2 == 0:
        text = (f"Commander Oleksandr Syrskyi said Kupiansk held overnight; {1000 + i} drones and "
                f"{20000 + 7 * i} shells were counted, and unit {300 + i} was rotated.")
        who = [person("Oleksandr Syrskyi", "PERSON|syrskyi|o")] * 2 + [person(f"Ivan{i} Bondar", f"PERSON|bondar{i}|i")]
    else:
        text = f"Shelling reported: topic{i} wordA{i} wordB{i} wordC{i} happened, officials from town{i} said."
        who = [person(f"Petro{i} Kovalenko", f"PERSON|kovalenko{i}|p")]
    return build_features(f"blog:{i}", text, entities=who, day=date(2022, 3, 1))


def test_work_per_unit_and_story_size_stay_bounded_on_a_long_live_blog():
    from wiretrail.thresholds import thresholds

    t = thresholds()

    c = StoryClusterer()
    per_unit = []
    for i in range(900):
        before = (c.cost.stories_scored, c.cost.postings_read)
        c.assign(_blog_entry(i))
        per_unit.append((c.cost.stories_scored - before[0], c.cost.postings_read - before[1]))
    # lookups read at most MAX_POSTINGS entries per feature and score a bounded number of stories,
    # however many stories and units came before (merges each add one more bounded lookup)
    merges = len(c.state.merged)
    lookup_cap = t.stories_candidate_features * t.stories_max_postings
    assert max(p for _, p in per_unit) <= lookup_cap * (2 + merges)
    assert sum(s for s, _ in per_unit[-200:]) / 200 <= t.stories_max_candidate_stories + 2 * t.stories_merge_candidate_stories
    assert sum(p for _, p in per_unit[-200:]) <= 2 * lookup_cap * 200
    # every story's centroid is bounded, even the one most entries joined
    for s in c.state.stories.values():
        assert len(s.terms) <= 2 * t.stories_centroid_terms and len(s.lead_terms) <= 2 * t.stories_centroid_terms
        for attr in ("entities", "numbers", "years", "places", "lead_entities", "event_types"):
            assert len(getattr(s, attr)) <= (2 * t.stories_centroid_keys), attr
    assert max(s.size for s in c.state.stories.values()) > (2 * t.stories_centroid_keys) // 4
