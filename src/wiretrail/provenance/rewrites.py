"""Rewrite detection: one document restating another sentence by sentence in other words.

    1. candidates: documents sharing many salient terms (names, figures) with the new one,
       plus those it already shares passages with
    2. align: each sentence of one document to its best restatement in the other (`meaning`)
    3. decide: the source is the document most of whose sentences are restated in the other;
       the rewrite is the other one, which adds what its source does not say (padding)
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model import Link, Relation
from .fingerprints import MIN_MATCH_TOKENS
from .matching import TextCache
from .meaning import ALIGN_SIMILARITY, Terms, best_alignment, sentence_terms

REWRITE_MIN_SHARED_TERMS = 10  # of 40 salient terms: documents on the same events
REWRITE_MAX_CANDIDATES = 25  # most-related documents verified per new document
REWRITE_SOURCE_COVERAGE = 0.4  # this share of the source's sentences restated in the rewrite
# (seeds: 000 restated by 001 at 0.64; unrelated pairs on the same war at most 0.06)
REWRITE_MIN_ALIGNED = 4  # a rewrite restates several sentences, not one shared fact
SYNDICATION_COVERAGE = 0.5  # above this lexical coverage, a copy is syndication, not a rewrite


@dataclass(frozen=True, slots=True)
class Alignment:
    """How much of each document the other restates."""

    coverage_a: float  # share of a's sentences restated in b
    coverage_b: float
    aligned_a: int
    aligned_b: int


def document_terms(cache: TextCache, doc_id: str) -> list[Terms]:
    """Content terms of each sentence long enough to carry a claim (others empty)."""
    doc, sentences, _ = cache.get(doc_id)
    out = []
    for s in sentences:
        text = doc.text[s.start : s.end]
        out.append(sentence_terms(text) if len(text.split()) >= MIN_MATCH_TOKENS else {})
    return out


def align(terms_a: list[Terms], terms_b: list[Terms]) -> Alignment:
    def covered(src: list[Terms], other: list[Terms]) -> tuple[int, int]:
        counted = [t for t in src if t]
        hits = sum(1 for t in counted if best_alignment(t, other)[1] >= ALIGN_SIMILARITY)
        return hits, len(counted)

    hits_a, n_a = covered(terms_a, terms_b)
    hits_b, n_b = covered(terms_b, terms_a)
    return Alignment(hits_a / max(1, n_a), hits_b / max(1, n_b), hits_a, hits_b)


def rewrite_link(a: str, b: str, alignment: Alignment, first: str | None) -> Link | None:
    """`rewrite-of` from the rewrite to its source, or None when neither restates the other."""
    if alignment.coverage_a >= alignment.coverage_b:
        source, rewrite, coverage, aligned = a, b, alignment.coverage_a, alignment.aligned_a
    else:
        source, rewrite, coverage, aligned = b, a, alignment.coverage_b, alignment.aligned_b
    if coverage < REWRITE_SOURCE_COVERAGE or aligned < REWRITE_MIN_ALIGNED:
        return None
    return Link(rewrite, source, Relation.REWRITE_OF, round(coverage, 4), first)
