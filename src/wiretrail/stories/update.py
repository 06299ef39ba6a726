"""Corpus stage: newly stored documents join existing stories or open new ones.

Reads the clusterer's state from the store, assigns each new unit (segment), and writes the
memberships, merges, touched stories and the new state back in one transaction. Incremental: a
batch costs its own units plus the candidate stories they are compared with, never a
re-clustering of the corpus.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..model import AnalyzedDocument
from ..store.base import Store
from ..store.story_rows import StoryRow, StoryUpdate
from .cluster import ClusterState, StoryClusterer
from .features import StoryFeatures, segment_features


# The clusterer of the last store this process updated, kept between batches so that its caches
# (story vectors, the inverted index) survive; reused only while the store's saved state is the
# one it wrote (same unit count), else reloaded.
_LIVE: dict[int, StoryClusterer] = {}


def _clusterer(store: Store) -> StoryClusterer:
    live = _LIVE.get(id(store))
    if live is not None and live.state.units == store.story_tables.state_units():
        return live
    saved = store.story_tables.state()
    clusterer = StoryClusterer(ClusterState.from_dict(saved) if saved else ClusterState())
    if not store.story_tables.state_in_tables():
        clusterer.mark_all_changed()  # the next pass moves the whole state into the tables
    _LIVE.clear()
    _LIVE[id(store)] = clusterer
    return clusterer


def update_stories(store: Store, documents: Sequence[AnalyzedDocument]) -> int:
    """Cluster the segments of `documents` (those with extraction); returns units assigned."""
    return assign_units(store, story_units(documents))


def story_units(documents: Sequence[AnalyzedDocument]) -> list[StoryFeatures]:
    """The units `update_stories` clusters: a segment of each document with extraction."""
    return [f for doc in documents if doc.extraction is not None for f in (doc.story_features or segment_features(doc))]


def resume_stories(store: Store) -> int:
    """Cluster units a stopped ingest stored but did not get to cluster."""
    return assign_units(store, [StoryFeatures.from_dict(d) for d in store.story_tables.pending()])


def assign_units(store: Store, units: Sequence[StoryFeatures]) -> int:
    if not units:
        return 0
    clusterer = _clusterer(store)
    state = clusterer.state
    merged_before = set(state.merged)
    assigned = [(f.key, clusterer.assign(f)) for f in units]
    merged = [(old, state.resolve(old)) for old in state.merged if old not in merged_before]
    # a split moves remembered members, maybe of earlier batches, to a new story: their rows
    # change, and so does the story they left
    moved = dict(clusterer.moved)
    clusterer.moved.clear()
    final = {key: state.resolve(moved.get(key) or sid) for key, sid in assigned}
    final.update({key: state.resolve(sid) for key, sid in moved.items()})
    touched = set(final.values()) | {new for _, new in merged} | {state.resolve(sid) for sid in clusterer.split_from.values()}
    clusterer.split_from.clear()
    rows = [
        StoryRow(s.id, s.title, s.first_day, s.last_day, s.size)
        for sid in sorted(touched)
        if (s := state.stories.get(sid)) is not None
    ]
    memberships = [(key, _doc_of(key), sid) for key, sid in final.items()]
    saved_state = state.core_dict()
    saved_state["members"] = {}  # memberships live in story_units: the state stays corpus-size-free
    # only what this pass changed: rewriting the whole state each batch grew with the corpus
    changed = clusterer.changed_stories
    update = StoryUpdate(
        memberships, merged, rows, saved_state,
        df=[(f, state.df[f]) for f in sorted(clusterer.changed_df)],
        # in the order the stories were opened: the store gives them back in that order
        story_states=[(sid, s.to_dict()) for sid, s in state.stories.items() if sid in changed],
        gone=sorted(sid for sid in changed if sid not in state.stories),
    )  # fmt: skip
    try:
        store.write_stories(update)
    except Exception:
        _LIVE.clear()  # the saved state did not move: the next batch reloads it
        raise
    clusterer.changed_stories.clear()
    clusterer.changed_df.clear()
    return len(assigned)


def _doc_of(unit_key: str) -> str:
    return unit_key.split(":", 1)[0]
