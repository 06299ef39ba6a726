"""Sentence similarity by meaning, for rewrites that share few words in sequence.

A rewrite keeps the content words, names and numbers of its source but reorders and
rephrases them, so word n-grams miss it. This compares sentences as weighted sets of content
terms: stop words dropped (spaCy's English list), words cut to a stem prefix (a crude but
language-agnostic stand-in for lemmas: 'sentenced'/'sentence', 'councilor'/'councillors'),
numbers and names weighted up. Dice similarity over the weights.

Calibrated on the seed gold (seed 001 rewrites seed 000): paraphrased sentences of a source
score 0.64-0.87, unrelated sentences on the same war at most ~0.35; re-run
`tests/test_provenance_seeds.py` after a change.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from itertools import chain
from math import fsum

from spacy.lang.en.stop_words import STOP_WORDS

from .fingerprints import exact_key, tokens
from ..thresholds import thresholds


Terms = dict[str, float]


def sentence_terms(text: str) -> Terms:
    """Weighted content terms of a sentence: numbers, words that begin a capitalised word of the
    sentence (names; its first word excepted), other words, each word cut to its stem prefix.

    Called for every sentence of every document ingested, aligned or put in a timeline, so the
    settings are read once and the name test is a set lookup (a word begins a name exactly
    when it is one of the name's prefixes)."""
    t = thresholds()
    number_weight, name_weight, stem_chars = t.provenance_number_weight, t.provenance_name_weight, t.provenance_stem_chars
    names = {w.lower() for w in text.split()[1:] if w[:1].isupper()}
    name_prefixes = {n[:i] for n in names for i in range(2, len(n) + 1)}  # tokens have 2+ chars
    terms: Terms = {}
    for tok in tokens(text):
        if len(tok) < 2 or tok in STOP_WORDS:
            continue
        if not tok.isalpha() and any(ch.isdigit() for ch in tok):  # alphabetic: no digit in it
            terms[tok] = number_weight
            continue
        stem = tok[:stem_chars]
        weight = name_weight if tok in name_prefixes else 1.0
        if weight > terms.get(stem, 0.0):
            terms[stem] = weight
    return terms


def dice(a: Terms, b: Terms) -> float:
    if not a or not b:
        return 0.0
    shared = sum(min(a[k], b[k]) for k in a.keys() & b.keys())
    return 2 * shared / (sum(a.values()) + sum(b.values()))


class TermIndex:
    """The sentences of a document indexed by term, so that a query scores only the sentences
    it shares terms with instead of every sentence of the pool."""

    def __init__(self, pool: Sequence[Terms]) -> None:
        self.pool = pool
        self.totals = [sum(t.values()) for t in pool]  # dice's denominators, summed once
        postings: dict[str, list[int]] = {}
        for i, terms in enumerate(pool):
            for term in terms:
                found = postings.get(term)
                if found is None:
                    postings[term] = [i]
                else:
                    found.append(i)
        self.postings = postings

    def _shared(self, terms: Terms) -> Counter[int]:
        postings = self.postings  # one count over all postings: a Counter.update per term cost more
        return Counter(chain.from_iterable([postings[t] for t in terms if t in postings]))

    def best(self, terms: Terms) -> tuple[int, float]:
        """Index and score of the pool sentence that best restates `terms` (-1 when none): the
        first of the highest `scores`."""
        best, best_score = -1, 0.0
        for i, score in self.scores(terms).items():
            if score > best_score:
                best, best_score = i, score
        return best, best_score

    def scores(self, terms: Terms) -> dict[int, float]:
        """The dice score of every pool sentence sharing at least PROVENANCE_MIN_SHARED_TERMS
        terms with `terms` (the others score below any useful bar), in the order the postings
        first name them. The shared weight is summed over the terms both sentences have (a set
        intersection, in C) with `fsum`, which does not depend on the order it comes in."""
        total = sum(terms.values())
        min_shared = thresholds().provenance_min_shared_terms
        pool, totals = self.pool, self.totals
        out: dict[int, float] = {}
        for i, n in self._shared(terms).items():
            if n >= min_shared:
                other = pool[i]
                out[i] = 2 * fsum([min(terms[k], other[k]) for k in terms.keys() & other.keys()]) / (total + totals[i])
        return out

    def candidates(self, terms: Terms, *, limit: int, min_shared: int = 1) -> list[tuple[int, float]]:
        """The `limit` pool sentences sharing most with `terms` by dice, best first: the few worth
        a costlier comparison (sentence embeddings) when dice alone cannot decide."""
        scored = [(i, dice(terms, self.pool[i])) for i, n in self._shared(terms).items() if n >= min_shared]
        return sorted(scored, key=lambda item: (-item[1], item[0]))[:limit]


def salient_terms(sentences: Sequence[str]) -> tuple[int, ...]:
    """Keys of a document's most characteristic terms: its names and figures first."""
    return _salient([sentence_terms(text) for text in sentences])


def _salient(per_sentence: Sequence[Terms]) -> tuple[int, ...]:
    scores: Counter[str] = Counter()
    for terms in per_sentence:
        for term, weight in terms.items():
            scores[term] += weight
    top = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[:thresholds().provenance_salient_terms]
    return tuple(sorted(exact_key([term]) for term, _ in top))


def claim_terms(texts: Sequence[str], per_sentence: Sequence[Terms]) -> tuple[Terms, ...]:
    """The terms rewrite alignment compares: a sentence's terms when it is long enough to carry
    a claim (`provenance_min_match_tokens` words), else none."""
    min_tokens = thresholds().provenance_min_match_tokens
    return tuple(terms if len(text.split()) >= min_tokens else {} for text, terms in zip(texts, per_sentence, strict=True))


def document_terms(texts: Sequence[str]) -> tuple[tuple[int, ...], tuple[Terms, ...]]:
    """A document's salient term keys and each sentence's claim terms, from one pass over its
    sentences (ingest computes both in the worker; the store keeps the claim terms, so that
    aligning a stored document later reads them instead of recomputing them)."""
    per_sentence = [sentence_terms(text) for text in texts]
    return _salient(per_sentence), claim_terms(texts, per_sentence)


def terms_settings() -> str:
    """The settings claim terms depend on, as stored beside them: terms stored under other
    values are recomputed, not reused."""
    t = thresholds()
    return (
        f"stem_chars={t.provenance_stem_chars} number_weight={t.provenance_number_weight} "
        f"name_weight={t.provenance_name_weight} min_match_tokens={t.provenance_min_match_tokens}"
    )
