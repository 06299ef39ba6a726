"""Story clustering: features, incremental assignment, order, state round trip, later years,
splits, copies, ECB+ floor, bounded work."""

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


# -- two events of one kind, years apart; splits; copies ----------------------------------------


ACEH = [place("Aceh", "geonames:1215638")]
FIRST_QUAKE = [  # 2004: the first event
    "Quake and tsunami devastate Aceh\nA magnitude 9.1 earthquake struck off Aceh on December 26, 2004, and the tsunami it raised killed thousands along the coast.",
    "Tsunami death toll rises in Aceh\nThe death toll from the 2004 earthquake and tsunami in Aceh rose again as rescuers reached coastal villages.",
    "Aceh reels after tsunami\nSurvivors of the earthquake and tsunami that hit Aceh in 2004 searched for relatives in flattened coastal towns.",
]
# 2013: a second quake there, whose report names the first in passing
SECOND_QUAKE = "Earthquake kills 24 in Aceh\nA magnitude 6.1 earthquake struck Aceh in 2013, killing 24 people, in a region devastated by the 2004 tsunami."


def quake(key: str, text: str) -> StoryFeatures:
    return build_features(key, text, places=ACEH)


def test_a_report_of_a_later_year_scores_lower_with_an_earlier_story():
    from wiretrail.thresholds import Thresholds, thresholds, using

    c = StoryClusterer()
    c.assign_all(UNITS)  # other stories first: words shared by every quake report are not rare
    c.assign_all([quake(f"first-{i}", t) for i, t in enumerate(FIRST_QUAKE)])
    story = c.state.stories[c.story_of("first-0")]
    second = quake("second", SECOND_QUAKE)
    with using(Thresholds(stories_later_year_penalty=0.0)):
        plain = c.score(second, story)
    assert c.score(second, story) == pytest.approx(plain - thresholds().stories_later_year_penalty)
    assert plain >= c.join_threshold  # it would have joined
    assert c.assign(second) != c.story_of("first-0")
    # a year later is one story running over New Year: no penalty
    late = quake("first-late", FIRST_QUAKE[1].replace("2004", "2005"))
    with using(Thresholds(stories_later_year_penalty=0.0)):
        plain = c.score(late, story)
    assert c.score(late, story) == pytest.approx(plain)


def _mixed(n: int = 4) -> list[StoryFeatures]:
    """Reid and Lohan reports, alternating."""
    return [unit(f"{key}-{k}", text, day) for k in range(n) for events in (REID, LOHAN) for key, text, day in [events[k % 3]]]


# join at any score, never split: the state a wrong early join leaves behind
JOIN_ALL = {"stories_join_threshold": -99.0, "stories_split_ratio": -99.0}


def test_a_story_of_two_separate_groups_splits_and_reports_what_moved():
    from wiretrail.thresholds import Thresholds, using

    with using(Thresholds(**JOIN_ALL)):
        c = StoryClusterer()
        c.assign_all(_mixed())
    assert len(c.clusters()) == 1
    (sid,) = c.clusters()
    c._split_check(sid)  # with the default ratio
    groups = {frozenset(k.split("-")[0] for k in keys) for keys in c.clusters().values()}
    assert groups == {frozenset({"reid"}), frozenset({"lohan"})}
    assert c.moved and all(c.story_of(k) == s for k, s in c.moved.items())
    (new,) = c.split_from
    assert c.split_from[new] == sid and sid in c.state.stories
    # the story that left holds exactly its members' names and places; the other lost them
    left, stayed = c.state.stories[new], c.state.stories[sid]
    who = next(iter(c.moved)).split("-")[0]
    assert set(left.entities) == {e.key for e in ENTITIES[who]} and set(left.places) == {p.gazetteer_id for p in PLACES[who]}
    assert not set(stayed.entities) & set(left.entities)
    assert left.size == stayed.size == 4 and left.title and stayed.title


def test_one_event_does_not_split():
    c = StoryClusterer()
    c.assign_all([unit(f"{key}-{k}", text, day) for k in range(4) for key, text, day in REID])
    assert len(c.clusters()) == 1 and not c.moved


def test_a_copy_joins_the_story_of_its_original():
    from wiretrail.stories.cluster import _unit_features

    c = StoryClusterer()
    c.assign_all(UNITS)
    stories = sorted(c.state.stories)
    copy = unit("lohan-copy", LOHAN[1][1], LOHAN[1][2])
    assert c._copied(_unit_features(copy), stories) == c.story_of("lohan-2")
    assert c._copied(_unit_features(quake("quake", SECOND_QUAKE)), stories) is None
    assert c.assign(copy) == c.story_of("lohan-2")


def test_remembered_members_round_trip_and_stay_bounded():
    from wiretrail.thresholds import thresholds

    c = StoryClusterer()
    c.assign_all([unit(f"{key}-{k}", text, day) for k in range(12) for key, text, day in REID])
    state = ClusterState.from_dict(json.loads(json.dumps(c.state.to_dict())))
    assert state.to_dict() == c.state.to_dict()
    (remembered,) = state.recent.values()
    assert len(remembered) == thresholds().stories_split_members
    assert [m.key for m in remembered][-1] == "reid-3-11"
    assert sum(f[0] == "w" for f in remembered[-1].raw) <= thresholds().stories_member_words


def test_assign_units_writes_the_memberships_a_split_moved():
    from wiretrail.stories import update
    from wiretrail.thresholds import Thresholds, using

    class FakeStore:
        def __init__(self):
            self.written = []
            self.story_tables = self

        def state_units(self):
            return self.written[-1].state["units"] if self.written else 0

        def state(self):
            return self.written[-1].state if self.written else None

        def state_in_tables(self):
            return True

        def write_stories(self, u):
            self.written.append(u)

    store = FakeStore()
    update._LIVE.clear()
    try:
        with using(Thresholds(**JOIN_ALL)):
            update.assign_units(store, _mixed())
        clusterer = update._LIVE[id(store)]
        (sid,) = clusterer.clusters()
        clusterer._split_check(sid)  # as a later unit's split check would
        moved = dict(clusterer.moved)
        assert moved
        update.assign_units(store, [unit("reid-x", REID[0][1], REID[0][2])])
        last = store.written[-1]
        rows = {key: story for key, _doc, story in last.units}
        assert {k: rows[k] for k in moved} == {k: clusterer.story_of(k) for k in moved}
        assert {r.id for r in last.stories} >= {sid, *moved.values()}
        assert not clusterer.moved and not clusterer.split_from
    finally:
        update._LIVE.clear()


# -- evaluation floor on ECB+ ------------------------------------------------------------------

ECB = Path(__file__).resolve().parents[2] / "shared" / "eval" / "clustering"
# Measured on the first 4 odd topics (1, 3, 5, 7; 103 documents), natural order: F1 0.949
# (was 0.823 before the split check and the later-year rule; shuffled orders 0.93-0.95); the
# floor leaves 0.05 for noise. Raise it when clustering improves.
ECB_FLOOR_TOPICS = 4
ECB_FLOOR_F1 = 0.90


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
    per_unit, pairs = [], []
    for i in range(900):
        before = (c.cost.stories_scored, c.cost.postings_read, c.cost.pairs_scored)
        c.assign(_blog_entry(i))
        per_unit.append((c.cost.stories_scored - before[0], c.cost.postings_read - before[1]))
        pairs.append(c.cost.pairs_scored - before[2])
    # lookups read at most MAX_POSTINGS entries per feature and score a bounded number of stories,
    # however many stories and units came before (merges each add one more bounded lookup)
    merges = len(c.state.merged)
    lookup_cap = t.stories_candidate_features * t.stories_max_postings
    assert max(p for _, p in per_unit) <= lookup_cap * (2 + merges)
    assert sum(s for s, _ in per_unit[-200:]) / 200 <= t.stories_max_candidate_stories + 2 * t.stories_merge_candidate_stories
    assert sum(p for _, p in per_unit[-200:]) <= 2 * lookup_cap * 200
    # the split check and member merges score pairs of remembered members: the story's own
    # and those of its merge candidates, at most (each pair once until idf drifts)
    k = t.stories_split_members
    assert max(pairs) <= (1 + 2 * t.stories_merge_candidate_stories) * k * k
    assert sum(pairs[-200:]) / 200 <= 2 * k
    assert len(c.state.recent) <= t.stories_split_active_stories
    assert all(len(ms) <= k for ms in c.state.recent.values())
    # every story's centroid is bounded, even the one most entries joined
    for s in c.state.stories.values():
        assert len(s.terms) <= 2 * t.stories_centroid_terms and len(s.lead_terms) <= 2 * t.stories_centroid_terms
        for attr in ("entities", "numbers", "years", "places", "lead_entities", "event_types"):
            assert len(getattr(s, attr)) <= (2 * t.stories_centroid_keys), attr
    assert max(s.size for s in c.state.stories.values()) > (2 * t.stories_centroid_keys) // 4
