"""The figure table on the seeds: the North Korean troop numbers side by side, differences explained."""

from __future__ import annotations

import pytest

from wiretrail.report.figure_table import figure_table


@pytest.fixture(scope="module")
def store(seeded_store):
    return seeded_store


def _values(group) -> set[tuple]:
    return {(r.figure.value_low, r.figure.value_high) for r in group.rows}


def test_the_troop_figures_of_every_seed_are_one_conflicting_group(store, gold):
    gold_troops = [f for f in gold["figure"] if "troops" in f["subject"]]
    groups = [g for g in figure_table(store, conflicts_only=True) if g.head == "troop"]
    wanted = {tuple(f["value"]) if isinstance(f["value"], list) else (f["value"], f["value"]) for f in gold_troops}
    best = max(groups, key=lambda g: len(_values(g) & wanted))
    assert wanted <= _values(best), wanted - _values(best)
    assert best.conflicting and len({r.figure.doc_id for r in best.rows}) >= 3


def test_differences_are_explained_by_time_or_scope(store):
    (group,) = [g for g in figure_table(store, conflicts_only=True) if g.head == "troop" and any(r.figure.value_low == 8000 for r in g.rows)]
    by_value = {r.figure.value_low: i for i, r in enumerate(group.rows)}
    why = {frozenset((i, j)): w for i, j, w in group.differences}
    # '2,000 more' is more of the same deployment; 8,000 was the earlier U.S. assessment
    assert why[frozenset((by_value[2000], by_value[8000]))] == "scope"
    assert why[frozenset((by_value[8000], by_value[11000]))] == "time"


def test_agreeing_figures_make_no_conflict(store):
    aid = [g for g in figure_table(store) if g.unit == "USD" and any(r.figure.value_low == 725_000_000 for r in g.rows)]
    assert aid and not any(g.conflicting for g in aid)
