"""Provenance: which copy came first, who copied whom, and what a copy added.

The corpus stage that runs after each batch is stored: new documents are matched against the
index in the store, and the links of every document pair they touch are recomputed from all
the matches between the pair. Running it twice on the same input changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..model import Link
from .links import group_by_pair, link_pair
from .matching import TextCache, match_document

__all__ = ["ProvenanceUpdate", "update_provenance"]


@dataclass(frozen=True, slots=True)
class ProvenanceUpdate:
    matches: int
    links: tuple[Link, ...]


def update_provenance(store, doc_ids: Sequence[str]) -> ProvenanceUpdate:
    """Match `doc_ids` against the store and rewrite the links of the pairs they touch."""
    cache = TextCache(store)
    new = []
    for doc_id in doc_ids:
        new.extend(match_document(store, doc_id, cache))
    new = sorted(set(new), key=lambda m: (m.doc_a, m.sent_a, m.doc_b, m.sent_b))
    links: list[Link] = []
    touched = group_by_pair(new)
    for (a, b), pair_new in sorted(touched.items()):
        every = set(store.sentence_matches(a, b)) | set(pair_new)
        link = link_pair(store, a, b, sorted(every, key=lambda m: (m.doc_a, m.sent_a, m.doc_b, m.sent_b)), cache)
        if link is not None:
            links.append(link)
    store.write_provenance(new, links, touched.keys())
    return ProvenanceUpdate(len(new), tuple(links))
