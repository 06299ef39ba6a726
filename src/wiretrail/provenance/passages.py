"""Passages reused inside differently worded sentences, found through winnowed 8-gram keys.

    1. candidates: stored documents sharing a passage key with the new one
    2. runs: each shared key is extended word by word in both texts to the whole common run
    3. link: runs of at least PASSAGE_MIN_WORDS words make a `shares-passages` link

Sentence matching (`matching`) stays the main evidence; this finds what it cannot see, such as
'12,500 sponsorship visas had been issued from 43,600 applications' quoted inside two otherwise
different sentences of two regional pages.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from ..clean.boilerplate import is_furniture_line
from ..model import Link, Relation, SharedSpan
from .fingerprints import token_spans
from .links import first_and_direction
from .matching import TextCache
from ..thresholds import thresholds


@dataclass(frozen=True, slots=True)
class DocTokens:
    words: list[str]
    spans: list[tuple[int, int]]  # character offsets of each word in the document text
    sentence: list[int]  # the sentence each word belongs to


def document_tokens(cache: TextCache, doc_id: str) -> DocTokens:
    """The same token sequence the passage keys were computed on (see `passage_tokens`)."""
    if doc_id not in cache.words:
        cache.words[doc_id] = _document_tokens(cache, doc_id)
    return cache.words[doc_id]


def _document_tokens(cache: TextCache, doc_id: str) -> DocTokens:
    doc, sentences, _ = cache.get(doc_id)
    words, spans, owner = [], [], []
    for s in sentences:
        text = doc.text[s.start : s.end]
        if is_furniture_line(text):
            continue
        for word, start, end in token_spans(text):
            words.append(word)
            spans.append((s.start + start, s.start + end))
            owner.append(s.index)
    return DocTokens(words, spans, owner)


def passage_seeds(store, doc_id: str) -> dict[str, list[tuple[int, int]]]:
    """For each other document, the (my position, its position) of every shared passage key."""
    mine: dict[int, list[int]] = defaultdict(list)
    for key, pos in store.passage_keys(doc_id):
        mine[key].append(pos)
    max_docs = thresholds().provenance_max_docs_per_key
    # keys in more than max_docs other documents (stock wording) or cut short by the store
    # (3 * max_docs rows) are left out by the store
    rows = store.passage_seed_rows(list(mine), doc_id, per_key=3 * max_docs, max_docs=max_docs)
    by_key: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for key, other, pos in rows:
        by_key[key].append((other, pos))
    seeds: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for key, hits in by_key.items():
        for other, pos in hits:
            for my_pos in mine[key]:
                seeds[other].append((my_pos, pos))
    return seeds


def common_runs(a: DocTokens, b: DocTokens, seeds: list[tuple[int, int]]) -> list[tuple[int, int, int, int]]:
    """Maximal common word runs through the seeds: (a_start, a_end, b_start, b_end) token indices."""
    runs: list[tuple[int, int, int, int]] = []
    for i, j in sorted(seeds):
        if i >= len(a.words) or j >= len(b.words) or a.words[i] != b.words[j]:
            continue  # a stale or colliding key
        if any(r[0] <= i < r[1] and i - r[0] == j - r[2] for r in runs):
            continue
        a0, b0 = i, j
        while a0 > 0 and b0 > 0 and a.words[a0 - 1] == b.words[b0 - 1]:
            a0, b0 = a0 - 1, b0 - 1
        a1, b1 = i, j
        while a1 < len(a.words) and b1 < len(b.words) and a.words[a1] == b.words[b1]:
            a1, b1 = a1 + 1, b1 + 1
        if a1 - a0 >= thresholds().provenance_passage_min_words:
            runs.append((a0, a1, b0, b1))
    return runs


def passage_link(cache: TextCache, a: str, b: str, seeds: list[tuple[int, int]]) -> Link | None:
    """A `shares-passages` link from the common runs of a and b (seeds: a position, b position)."""
    ta, tb = document_tokens(cache, a), document_tokens(cache, b)
    runs = common_runs(ta, tb, seeds)
    if not runs:
        return None
    shared_a = sum(r[1] - r[0] for r in runs)
    score = round(max(shared_a / max(1, len(ta.words)), shared_a / max(1, len(tb.words))), 4)
    sentences_a = [ta.sentence[r[0]] for r in runs]
    sentences_b = [tb.sentence[r[2]] for r in runs]
    first, a_is_source = first_and_direction(cache, a, sentences_a, b, sentences_b)
    spans = [
        (ta.spans[r[0]][0], ta.spans[r[1] - 1][1], tb.spans[r[2]][0], tb.spans[r[3] - 1][1]) for r in runs
    ]
    if a_is_source:
        return Link(b, a, Relation.SHARES_PASSAGES, score, first, tuple(SharedSpan(s[2], s[3], s[0], s[1]) for s in spans))
    return Link(a, b, Relation.SHARES_PASSAGES, score, first, tuple(SharedSpan(*s) for s in spans))
