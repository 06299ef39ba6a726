"""Provenance: which copy came first, who copied whom, and what a copy added.

The corpus stage that runs after each batch is stored:

    1. lexical: new documents' sentences matched against the stored index (`matching`)
    2. links: every document pair the matches touch is re-decided from all its matches (`links`)
    3. passages: runs of 10+ shared words inside differently worded sentences (`passages`)
    4. meaning: related documents that share few sentences are checked for a rewrite (`rewrites`)

Running it twice on the same input changes nothing, and the result does not depend on the
order documents were ingested in.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from time import perf_counter

from ..model import Link, Relation, SentenceMatch, SharedSpan
from .links import group_by_pair, link_pair
from .matching import TextCache, match_document
from .passages import passage_link, passage_seeds
from .rewrites import align, rewrite_link
from ..thresholds import thresholds

__all__ = ["ProvenanceUpdate", "update_provenance"]


@dataclass(frozen=True, slots=True)
class ProvenanceUpdate:
    matches: int
    links: tuple[Link, ...]
    seconds: tuple[tuple[str, float], ...] = ()  # wall time of each stage, in order: match, links, passages, rewrites, write


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)


def update_provenance(store, doc_ids: Sequence[str]) -> ProvenanceUpdate:
    """Match `doc_ids` against the store and rewrite the links of the pairs they touch."""
    cache = TextCache(store)
    clock = _StageClock()
    # 1. lexical matches
    new = []
    for doc_id in doc_ids:
        new.extend(match_document(store, doc_id, cache))
    new = sorted(set(new), key=lambda m: (m.doc_a, m.sent_a, m.doc_b, m.sent_b))
    clock.lap("match")
    # 2. links from all matches of each touched pair (every pair has a new document on one
    # side, so the stored matches of the new documents are all the stored matches of the pairs)
    groups = group_by_pair(new)
    stored: dict[tuple[str, str], set[SentenceMatch]] = defaultdict(set)
    for doc_id in doc_ids:
        for m in store.sentence_matches(doc_id):
            stored[_pair(m.doc_a, m.doc_b)].add(m)
    cache.prefetch(d for pair in groups for d in pair)
    cache.prefetch_stock(a for a, _ in groups)
    by_pair: dict[tuple[str, str], Link | None] = {}
    for (a, b), pair_new in sorted(groups.items()):
        every = stored.get((a, b), set()) | set(pair_new)
        by_pair[(a, b)] = link_pair(store, a, b, sorted(every, key=lambda m: (m.doc_a, m.sent_a, m.doc_b, m.sent_b)), cache)
    clock.lap("links")
    # links stored before this batch (this function writes its own only at the end)
    stored_links = {doc_id: store.links(doc_id) for doc_id in doc_ids}
    # 3. passages reused inside differently worded sentences, for pairs sentences did not link
    for doc_id in doc_ids:
        linked = {d for link in stored_links[doc_id] for d in (link.from_doc, link.to_doc)}
        for other, seeds in sorted(passage_seeds(store, doc_id).items()):
            key = _pair(doc_id, other)
            if by_pair.get(key) is not None or (key not in by_pair and other in linked):
                continue
            by_pair[key] = passage_link(cache, doc_id, other, seeds)
    clock.lap("passages")
    # 4. rewrites among related documents
    t = thresholds()
    for doc_id in doc_ids:
        related = {other for other, _ in store.related_by_terms(doc_id, min_shared=t.provenance_rewrite_min_shared_terms, limit=t.provenance_rewrite_max_candidates)}
        related |= {b if a == doc_id else a for a, b in by_pair if doc_id in (a, b)}
        for other in sorted(related):
            key = _pair(doc_id, other)
            lexical = by_pair.get(key)
            if key not in by_pair:
                existing = [link for link in stored_links[doc_id] if other in (link.from_doc, link.to_doc)]
                lexical = existing[0] if existing else None
            if lexical is not None and (lexical.relation is not Relation.SHARES_PASSAGES or lexical.score >= t.provenance_syndication_coverage):
                continue
            alignment = align(cache, *key, pivot=doc_id)
            rewrite = rewrite_link(key[0], key[1], alignment, lexical.first if lexical else _first(cache, *key))
            if rewrite is not None:
                if lexical is not None:
                    shared = lexical.shared
                    if lexical.from_doc != rewrite.from_doc:
                        shared = tuple(SharedSpan(s.to_start, s.to_end, s.from_start, s.from_end) for s in shared)
                    rewrite = Link(rewrite.from_doc, rewrite.to_doc, rewrite.relation, rewrite.score, rewrite.first, shared)
                by_pair[key] = rewrite
    clock.lap("rewrites")
    links = [link for link in by_pair.values() if link is not None]
    store.write_provenance(new, links, by_pair.keys(), done=doc_ids)
    clock.lap("write")
    return ProvenanceUpdate(len(new), tuple(links), tuple(clock.laps))


class _StageClock:
    """Wall time of each stage, so a benchmark can tell matching from the rest."""

    def __init__(self) -> None:
        self.laps: list[tuple[str, float]] = []
        self._last = perf_counter()

    def lap(self, stage: str) -> None:
        now = perf_counter()
        self.laps.append((stage, now - self._last))
        self._last = now


def _first(cache: TextCache, a: str, b: str) -> str | None:
    """The earlier of two documents by publication date, None when either is undated or a tie."""
    pa, pb = cache.get(a)[0].published, cache.get(b)[0].published
    if pa is None or pb is None or pa.value.date() == pb.value.date():
        return None
    return a if pa.value.date() < pb.value.date() else b
