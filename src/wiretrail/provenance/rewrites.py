"""Rewrite detection: one document restating another sentence by sentence in other words.

    1. candidates: documents sharing many salient terms (names, figures) with the new one,
       plus those it already shares passages with
    2. align: each sentence of one document to its best restatement in the other (`meaning`)
    3. decide: the source is the document most of whose sentences are restated in the other;
       the rewrite is the other one, which adds what its source does not say (padding)
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

from ..model import Link, Relation
from .matching import TextCache
from .meaning import Terms, TermIndex, sentence_terms, terms_settings
from ..thresholds import Thresholds, thresholds


@dataclass(frozen=True, slots=True)
class Alignment:
    """How much of each document the other restates."""

    coverage_a: float  # share of a's sentences restated in b
    coverage_b: float
    aligned_a: int
    aligned_b: int


TERMS_CACHE_DOCUMENTS = 1024  # documents whose sentence terms stay in memory between batches
# (~60 MB on ukraine-2022; the same related documents come up batch after batch)
_terms_cache: OrderedDict[str, tuple[list[Terms], TermIndex | None]] = OrderedDict()


def _entry(cache: TextCache, doc_id: str) -> tuple[list[Terms], TermIndex | None]:
    """A document's kept terms and index (None until asked for). Documents never change once
    stored (an id is a content hash), so both are kept across batches."""
    if doc_id in _terms_cache:
        _terms_cache.move_to_end(doc_id)
        return _terms_cache[doc_id]
    entry = _terms_cache[doc_id] = (_compute_terms(cache, doc_id), None)
    if len(_terms_cache) > TERMS_CACHE_DOCUMENTS:
        _terms_cache.popitem(last=False)
    return entry


def _cached(cache: TextCache, doc_id: str) -> tuple[list[Terms], TermIndex]:
    """Terms and term index of a document, the index built on first use."""
    terms, index = _entry(cache, doc_id)
    if index is None:
        index = TermIndex(terms)
        _terms_cache[doc_id] = (terms, index)
    return terms, index


def document_index(cache: TextCache, doc_id: str) -> TermIndex:
    return _cached(cache, doc_id)[1]


def _terms_of(cache: TextCache, doc_id: str) -> list[Terms]:
    """A document's sentence terms, without building its index."""
    return _entry(cache, doc_id)[0]


TERMS_CACHE_SENTENCES = 32_768  # sentence texts whose terms stay in memory (~30 MB): copies of
# one text share most sentences word for word, so a related copy's terms are mostly looked up
_sentence_terms: OrderedDict[str, Terms] = OrderedDict()
_sentence_terms_of: list[Thresholds] = []  # the thresholds those terms were computed under


def _stored_terms(cache: TextCache, doc_id: str, n_sentences: int) -> list[Terms] | None:
    """The claim terms ingest stored for the document, when they were computed under the
    settings in force (else None: they are recomputed)."""
    found = cache.store.claim_terms([doc_id]).get(doc_id)
    if found is None or found[0] != terms_settings() or len(found[1]) != n_sentences:
        return None
    return found[1]


def _compute_terms(cache: TextCache, doc_id: str) -> list[Terms]:
    """Content terms of each sentence long enough to carry a claim (others empty): read from
    the store where ingest kept them, computed otherwise."""
    t = thresholds()
    if not _sentence_terms_of or (_sentence_terms_of[0] is not t and _sentence_terms_of[0] != t):
        _sentence_terms.clear()  # other settings (another ingest's): other terms
        _sentence_terms_of[:] = [t]
    min_tokens = t.provenance_min_match_tokens
    doc, sentences, _ = cache.get(doc_id)
    stored = _stored_terms(cache, doc_id, len(sentences))
    out = []
    for i, s in enumerate(sentences):
        text = doc.text[s.start : s.end]
        if len(text.split()) < min_tokens:
            out.append({})
            continue
        terms = _sentence_terms.get(text)
        if terms is None:  # the same dict may serve several documents: terms are never mutated
            terms = _sentence_terms[text] = stored[i] if stored is not None else sentence_terms(text)
            if len(_sentence_terms) > TERMS_CACHE_SENTENCES:
                _sentence_terms.popitem(last=False)
        out.append(terms)
    return out


def _hits(scores: list[float], *, give_up: bool) -> tuple[int, int]:
    """(restated, counted) sentences, from each counted sentence's best score in the other
    document; with `give_up`, stops as soon as coverage can no longer reach
    REWRITE_SOURCE_COVERAGE, or when the first sentences show almost nothing restated (most
    related pairs are no rewrite)."""
    t = thresholds()
    needed = t.provenance_rewrite_source_coverage * len(scores)
    early, early_max, similar = t.provenance_early_sentences, t.provenance_early_max_hits, t.provenance_align_similarity
    hits = 0
    for seen, score in enumerate(scores):
        if give_up and (hits + (len(scores) - seen) < needed or (seen == early and hits <= early_max)):
            return hits, len(scores)
        if score >= similar:
            hits += 1
    return hits, len(scores)


def _scores(cache: TextCache, index: TermIndex, terms: Terms) -> dict[int, float]:
    """`index.scores(terms)`, kept by (index, terms) object for the batch: copies of one text
    share their sentences' terms objects (`_compute_terms`), so a new document's index is
    asked once per text however many copies are related to it."""
    key = (id(index), id(terms))
    entry = cache.scores.get(key)
    if entry is None or entry[0] is not index or entry[1] is not terms:
        # the entry holds both objects, so neither id can be reused while it exists
        entry = cache.scores[key] = (index, terms, index.scores(terms))
    return entry[2]


def _best_both_ways(cache: TextCache, pivot: str, other: str) -> tuple[list[float], list[float]]:
    """Each counted sentence's best score in the other document, for both documents, from the
    pivot's term index alone: dice is symmetric, so scoring every sentence of `other` against
    the pivot's sentences also gives each pivot sentence its best score in `other`. The other
    document needs no index of its own (building one was most of a pair's cost when the pivot,
    a new document, is aligned against each of its ~30 related documents)."""
    terms_p, index_p = _cached(cache, pivot)
    terms_o = _terms_of(cache, other)
    best_p = [0.0] * len(terms_p)
    best_o: list[float] = []
    for terms in terms_o:
        if not terms:
            continue
        scores = _scores(cache, index_p, terms)
        best = 0.0
        for i, score in scores.items():
            if score > best:
                best = score
            if score > best_p[i]:
                best_p[i] = score
        best_o.append(best)
    return [best_p[i] for i, terms in enumerate(terms_p) if terms], best_o


def align(cache: TextCache, a: str, b: str, *, pivot: str | None = None) -> Alignment | None:
    """How much each document restates the other, or None when neither can be a rewrite's source.

    `pivot` is the document whose term index is built (and kept): the one aligned against many
    others, a batch's new document."""
    if pivot == b:
        best_b, best_a = _best_both_ways(cache, b, a)
    else:
        best_a, best_b = _best_both_ways(cache, a, b)
    coverage = thresholds().provenance_rewrite_source_coverage
    hits_a, n_a = _hits(best_a, give_up=True)
    a_source = hits_a >= coverage * n_a and n_a > 0
    hits_b, n_b = _hits(best_b, give_up=not a_source)
    b_source = hits_b >= coverage * n_b and n_b > 0
    if not (a_source or b_source):
        return None
    if b_source and not a_source:  # a's count stopped early: count it fully to compare
        hits_a, n_a = _hits(best_a, give_up=False)
    return Alignment(hits_a / max(1, n_a), hits_b / max(1, n_b), hits_a, hits_b)


def rewrite_link(a: str, b: str, alignment: Alignment | None, first: str | None) -> Link | None:
    """`rewrite-of` from the rewrite to its source, or None when neither restates the other."""
    if alignment is None:
        return None
    if alignment.coverage_a >= alignment.coverage_b:
        source, rewrite, coverage, aligned = a, b, alignment.coverage_a, alignment.aligned_a
    else:
        source, rewrite, coverage, aligned = b, a, alignment.coverage_b, alignment.aligned_b
    if coverage < thresholds().provenance_rewrite_source_coverage or aligned < thresholds().provenance_rewrite_min_aligned:
        return None
    return Link(rewrite, source, Relation.REWRITE_OF, round(coverage, 4), first)
