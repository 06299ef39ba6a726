"""Per-sentence provenance: where a sentence first appeared, who carried it, how many sources.

Copies do not count as confirmation: documents joined by a link (duplicate, shared passages,
rewrite) form one source, so a wire story republished ten times is one independent source.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model import Timestamp
from .links import sentence_time
from .matching import TextCache


@dataclass(frozen=True, slots=True)
class Carrier:
    doc_id: str
    sentence_index: int
    when: Timestamp | None


@dataclass(frozen=True, slots=True)
class SentenceTrace:
    start: int
    end: int
    text: str
    segment_index: int
    copies: tuple[Carrier, ...]  # other sentences carrying the same text (this document included)
    first_seen: Carrier | None  # the earliest dated carrier, this sentence included; None if undated
    independent_sources: int


def _groups(store, doc_ids: set[str]) -> int:
    """Number of groups of documents once linked documents are merged (union-find)."""
    parent = {d: d for d in doc_ids}

    def find(d: str) -> str:
        while parent[d] != d:
            parent[d] = parent[parent[d]]
            d = parent[d]
        return d

    for d in doc_ids:
        for link in store.links(d):
            if link.from_doc in parent and link.to_doc in parent:
                parent[find(link.from_doc)] = find(link.to_doc)
    return len({find(d) for d in doc_ids})


def trace_document(store, doc_id: str, *, segment_index: int | None = None) -> list[SentenceTrace]:
    cache = TextCache(store)
    doc, sentences, _ = cache.get(doc_id)
    carriers: dict[int, list[Carrier]] = {}
    for m in store.sentence_matches(doc_id):
        for mine_doc, mine, other_doc, other in ((m.doc_a, m.sent_a, m.doc_b, m.sent_b), (m.doc_b, m.sent_b, m.doc_a, m.sent_a)):
            if mine_doc == doc_id:
                carriers.setdefault(mine, []).append(Carrier(other_doc, other, sentence_time(cache, other_doc, other)))
    out = []
    for s in sentences:
        if segment_index is not None and s.segment_index != segment_index:
            continue
        copies = tuple(sorted(carriers.get(s.index, ()), key=lambda c: (c.doc_id, c.sentence_index)))
        me = Carrier(doc_id, s.index, sentence_time(cache, doc_id, s.index))
        dated = [c for c in (me, *copies) if c.when is not None]
        first = min(dated, key=lambda c: c.when.value.replace(tzinfo=None)) if dated else None
        out.append(
            SentenceTrace(
                s.start, s.end, doc.text[s.start : s.end], s.segment_index, copies, first,
                _groups(store, {doc_id, *(c.doc_id for c in copies)}),
            )
        )  # fmt: skip
    return out


def trace_record(doc_id: str, t: SentenceTrace) -> dict:
    """One sentence's provenance as JSON (`wiretrail provenance --format json` and the API)."""
    return {
        "doc_id": doc_id, "start": t.start, "end": t.end, "text": t.text, "segment": t.segment_index,
        "first_seen": {"doc_id": t.first_seen.doc_id, "at": t.first_seen.when.isoformat()} if t.first_seen else None,
        "copies": [{"doc_id": c.doc_id, "sentence": c.sentence_index, "at": c.when.isoformat() if c.when else None} for c in t.copies],
        "independent_sources": t.independent_sources,
    }  # fmt: skip
