"""The story clusterer's state in the store (both backends): document frequencies and stories
kept row by row, each pass writing only the rows it changed, read back as the clusterer left
it; a store that kept the whole state as one JSON value (before migration 17) moves it into the
tables on its next pass and clusters on exactly as before."""

from __future__ import annotations

import json

import pytest

from wiretrail.pipeline import ingest
from wiretrail.settings import Settings
from wiretrail.stories import update
from wiretrail.stories.cluster import ClusterState
from wiretrail.store import open_store

ONE_AT_A_TIME = Settings(workers=1, batch_size=1)  # a story pass per document


@pytest.fixture(autouse=True)
def _fresh_clusterers():
    update._LIVE.clear()
    yield
    update._LIVE.clear()


def _live(store) -> dict:
    """The state of the clusterer this process keeps for `store`, as the store should hold it."""
    state = update._LIVE[id(store)].state.to_dict()
    state["members"] = {}  # memberships are kept in story_units, not in the state
    return state


def _saved(store) -> dict:
    return ClusterState.from_dict(store.story_tables.state()).to_dict()


def _memberships(store) -> set[tuple[str, str]]:
    return {(unit, story) for unit, _doc, story in store.story_tables.units()}


def test_the_saved_state_is_the_clusterers(store_db, seed_path):
    with open_store(store_db) as store:
        ingest(store, [seed_path("000"), seed_path("001"), seed_path("004")], settings=ONE_AT_A_TIME)
        ingest(store, [seed_path("002"), seed_path("003")], settings=ONE_AT_A_TIME)
        live = _live(store)
        assert len(live["stories"]) > 1 and live["df"]
        saved = _saved(store)
        assert saved == live
        assert [s["id"] for s in saved["stories"]] == [s["id"] for s in live["stories"]]  # opening order


def test_a_pass_writes_only_what_it_changed(store_db, seed_path):
    written = []
    with open_store(store_db) as store:
        write = store.write_stories

        def spy(u):
            written.append(u)
            write(u)

        store.write_stories = spy
        ingest(store, [seed_path("000"), seed_path("001"), seed_path("002"), seed_path("003")], settings=ONE_AT_A_TIME)
        state = update._LIVE[id(store)].state
        last = written[-1]
        assert "df" not in last.state and "stories" not in last.state
        touched = {row.id for row in last.stories}
        assert {sid for sid, _ in last.story_states} | set(last.gone) <= touched | {old for old, _ in last.merged}
        assert 0 < len(last.story_states) < len(state.stories)
        assert 0 < len(last.df) < len(state.df)
        # every count a pass wrote is the count the clusterer had then: the last write of each holds
        final = {}
        for u in written:
            final.update(dict(u.df))
        assert final == state.df


def test_a_state_kept_whole_moves_into_the_tables_and_clusters_on_alike(store_db, seed_path, raw_sql, tmp_path):
    first = [seed_path("000"), seed_path("001"), seed_path("004")]
    later = [seed_path("002"), seed_path("003")]
    with open_store(tmp_path / "reference.db") as reference:
        ingest(reference, first, settings=ONE_AT_A_TIME)
        ingest(reference, later, settings=ONE_AT_A_TIME)
        want_state, want_units = _live(reference), _memberships(reference)
    update._LIVE.clear()
    with open_store(store_db) as store:
        ingest(store, first, settings=ONE_AT_A_TIME)
        whole = json.dumps(_live(store), separators=(",", ":")).replace("'", "''")
    # as a store made before migration 17 holds it: one JSON value, nothing in the tables
    raw_sql(store_db, "DELETE FROM cluster_df")
    raw_sql(store_db, "DELETE FROM cluster_stories")
    raw_sql(store_db, f"UPDATE cluster_state SET state = '{whole}', layout = 1")
    update._LIVE.clear()  # a new process
    with open_store(store_db) as store:
        assert not store.story_tables.state_in_tables()
        ingest(store, later, settings=ONE_AT_A_TIME)
        assert store.story_tables.state_in_tables()
        assert _live(store) == want_state and _saved(store) == want_state
        assert _memberships(store) == want_units
