"""Find the stored sentences that a new document's sentences copy.

Candidates come from the store's index (exact keys, then LSH band keys), so a new document is
matched against everything ingested before without re-reading the corpus; only the candidate
sentences' text is read, to verify them. Matching is symmetric, so the rows found do not depend
on which of two documents was ingested first.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..model import Document, Segment, Sentence, SentenceFingerprint, SentenceMatch
from .fingerprints import shingle_set
from ..thresholds import thresholds

log = logging.getLogger(__name__)

MAX_MATCHES_PER_SENTENCE = 50  # 10,000 copies of one text: link to 50, not to all of them


@dataclass(slots=True)
class TextCache:
    """Texts and sentence offsets of documents read for verification, read once each."""

    store: object
    docs: dict[str, tuple[Document, list[Sentence], dict[int, Segment]]] = field(default_factory=dict)
    tokens: dict[str, dict[int, int]] = field(default_factory=dict)
    stock: dict[str, frozenset[int]] = field(default_factory=dict)
    words: dict[str, object] = field(default_factory=dict)  # passages.DocTokens per document
    keys: dict[str, list[SentenceFingerprint]] = field(default_factory=dict)  # without band keys
    shingles: dict[str, set[bytes]] = field(default_factory=dict)  # by sentence text
    scores: dict[tuple[int, int], tuple] = field(default_factory=dict)  # rewrites: TermIndex.scores memo

    def get(self, doc_id: str) -> tuple[Document, list[Sentence], dict[int, Segment]]:
        if doc_id not in self.docs:
            doc = self.store.document(doc_id)
            sentences = self.store.sentences(doc_id)
            segments = {s.index: s for s in self.store.segments(doc_id)}
            self.docs[doc_id] = (doc, sentences, segments)
        return self.docs[doc_id]

    def prefetch(self, doc_ids: Iterable[str]) -> None:
        """Read the documents not read yet in one go (three queries instead of three each)."""
        todo = [d for d in dict.fromkeys(doc_ids) if d not in self.docs]
        for doc_id, (doc, sentences, segments) in self.store.read_documents(todo).items():
            self.docs[doc_id] = (doc, sentences, {s.index: s for s in segments})

    def sentence_keys(self, doc_id: str) -> list[SentenceFingerprint]:
        """A document's fingerprints without their band keys (word counts and exact keys)."""
        if doc_id not in self.keys:
            self.keys[doc_id] = self.store.fingerprints(doc_id, bands=False)
        return self.keys[doc_id]

    def tokens_by_sentence(self, doc_id: str) -> dict[int, int]:
        """Word count of each sentence, from the stored fingerprints."""
        if doc_id not in self.tokens:
            self.tokens[doc_id] = {f.sentence_index: f.n_tokens for f in self.sentence_keys(doc_id)}
        return self.tokens[doc_id]

    def stock_sentences(self, doc_id: str) -> frozenset[int]:
        """Sentences of a document whose exact text more than STOCK_SENTENCE_DOCS documents carry."""
        if doc_id not in self.stock:
            self.prefetch_stock([doc_id])
        return self.stock[doc_id]

    def prefetch_stock(self, doc_ids: Iterable[str]) -> None:
        """`stock_sentences` of many documents with one index lookup: the copies of one text
        share most of their exact keys, so each key is counted once, not once per copy."""
        todo = [d for d in dict.fromkeys(doc_ids) if d not in self.stock]
        if not todo:
            return
        missing = [d for d in todo if d not in self.keys]
        if missing:
            found = self.store.sentence_keys_of(missing)
            self.keys.update({d: found.get(d, []) for d in missing})
        prints = {d: self.sentence_keys(d) for d in todo}
        counts = self.store.exact_key_documents([f.exact for d in todo for f in prints[d] if f.n_tokens])
        limit = thresholds().provenance_stock_sentence_docs
        for d in todo:
            self.stock[d] = frozenset(f.sentence_index for f in prints[d] if counts.get(f.exact, 0) > limit)

    def sentence_text(self, doc_id: str, idx: int) -> str:
        doc, sentences, _ = self.get(doc_id)
        s = sentences[idx]
        return doc.text[s.start : s.end]

    def shingle_set(self, doc_id: str, idx: int) -> set[bytes]:
        """The word 3-gram shingles of a sentence, computed once per text and batch: a sentence
        of the new document is verified against every copy of it, and copies share their text."""
        text = self.sentence_text(doc_id, idx)
        found = self.shingles.get(text)
        if found is None:
            found = self.shingles[text] = shingle_set(text)
        return found

    def segment_of(self, doc_id: str, idx: int) -> int:
        return self.get(doc_id)[1][idx].segment_index


def similarity(a: str, b: str) -> float:
    """Jaccard of word 3-gram shingles, raised to the containment score when one contains the other."""
    return _set_similarity(shingle_set(a), shingle_set(b), thresholds().provenance_verify_jaccard, thresholds().provenance_verify_containment)


def _set_similarity(sa: set[bytes], sb: set[bytes], verify_jaccard: float, verify_containment: float) -> float:
    if not sa or not sb:
        return 0.0
    inter = len(sa & sb)
    jaccard = inter / len(sa | sb)
    containment = inter / min(len(sa), len(sb))
    if jaccard >= verify_jaccard:
        return jaccard
    return containment if containment >= verify_containment else jaccard


def is_match(score: float) -> bool:
    return score >= thresholds().provenance_verify_jaccard


def _ordered(doc: str, sent: int, other: str, other_sent: int, score: float, method: str) -> SentenceMatch:
    if (doc, sent) <= (other, other_sent):
        return SentenceMatch(doc, sent, other, other_sent, round(score, 4), method)
    return SentenceMatch(other, other_sent, doc, sent, round(score, 4), method)


def match_document(store, doc_id: str, cache: TextCache) -> list[SentenceMatch]:
    """Verified matches between `doc_id`'s sentences and every stored sentence (itself included,
    across segments: a live blog reposting its own entry)."""
    t = thresholds()  # read once: a ContextVar lookup per candidate adds up
    min_tokens, verify, containment = t.provenance_min_match_tokens, t.provenance_verify_jaccard, t.provenance_verify_containment
    prints = [f for f in store.fingerprints(doc_id) if f.n_tokens >= min_tokens]
    by_exact: dict[int, list[int]] = defaultdict(list)
    for f in prints:
        by_exact[f.exact].append(f.sentence_index)

    found: dict[tuple[int, str, int], tuple[float, str]] = {}
    exact_hits: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for key, other, other_idx in store.exact_candidates(list(by_exact)):
        exact_hits[key].append((other, other_idx))
    for key, hits in exact_hits.items():
        for other, other_idx in sorted(hits)[: MAX_MATCHES_PER_SENTENCE + len(by_exact[key])]:
            for idx in by_exact[key]:
                found[(idx, other, other_idx)] = (1.0, "exact")
    # Near-duplicates only for sentences exact copies have not already filled up: a text in
    # 10,000 copies is matched by its exact keys alone, without fetching its band rows.
    exact_count: dict[int, int] = defaultdict(int)
    for idx, _, _ in found:
        exact_count[idx] += 1
    probes = [(key, f.sentence_index) for f in prints if exact_count[f.sentence_index] < MAX_MATCHES_PER_SENTENCE for key in f.bands]
    band_pairs = {pair for pair in store.band_matches(probes) if pair not in found}

    cache.prefetch([doc_id, *sorted({other for _, other, _ in band_pairs})])
    per_sentence: dict[int, int] = defaultdict(int)
    for idx, other, other_idx in sorted(found):
        per_sentence[idx] += 1
    for idx, other, other_idx in sorted(band_pairs):
        if per_sentence[idx] >= MAX_MATCHES_PER_SENTENCE:
            continue
        score = _set_similarity(cache.shingle_set(doc_id, idx), cache.shingle_set(other, other_idx), verify, containment)
        if score >= verify:  # is_match
            found[(idx, other, other_idx)] = (score, "minhash")
            per_sentence[idx] += 1

    matches = []
    for (idx, other, other_idx), (score, method) in found.items():
        if other == doc_id and (idx == other_idx or cache.segment_of(doc_id, idx) == cache.segment_of(doc_id, other_idx)):
            continue  # the same sentence, or a line repeated inside one entry (headline + teaser)
        matches.append(_ordered(doc_id, idx, other, other_idx, score, method))
    return sorted(set(matches), key=lambda m: (m.doc_a, m.sent_a, m.doc_b, m.sent_b))


def pairs_of(matches: Iterable[SentenceMatch]) -> set[tuple[str, str]]:
    """The document pairs (other than a document with itself) that matches connect."""
    return {(m.doc_a, m.doc_b) if m.doc_a < m.doc_b else (m.doc_b, m.doc_a) for m in matches if m.doc_a != m.doc_b}
