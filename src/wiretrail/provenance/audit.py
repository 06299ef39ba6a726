"""The rewrite audit: what a document says that none of its sources support.

    1. sources: documents linked to it, and documents on the same events (shared salient
       terms) not known to be later than it
    2. each sentence: supported when a source carries it (a verified lexical match) or restates
       it (meaning similarity at or above SUPPORT_SIMILARITY); else unsupported
    3. with the `embeddings` extra: sentences that steps 2's measures leave undecided (no lexical
       match, dice below ALIGN_SIMILARITY) are decided instead by their best cosine similarity
       to their source candidates (EMBED_SUPPORT_SIMILARITY)
    4. quotes: text in quotation marks that appears in no source document
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from .fingerprints import normalize
from .links import earlier
from . import embeddings as emb
from .matching import TextCache
from .meaning import Terms, TermIndex, sentence_terms
from .rewrites import document_index
from ..thresholds import thresholds

# 49, about 10 of the 27 added being paraphrases a reader would call supported. Re-run
# tests/test_provenance_embeddings.py and tests/test_provenance_seeds.py after a change.
# 001 the top 10 hold the best cosine neighbour of every sentence scoring above 0.6 against all
# 344 source sentences, at 221 sentences embedded instead of 344)
_QUOTE = re.compile(r"[“\"]([^“”\"\n]{3,}?)[”\"]")


@dataclass(frozen=True, slots=True)
class AuditedSentence:
    start: int
    end: int
    text: str
    supported_by: str | None  # the document that best supports it
    score: float
    method: str  # lexical | meaning | embedding | none
    # score: the lexical match's similarity, dice for meaning/none, cosine when embeddings decided


@dataclass(frozen=True, slots=True)
class AuditedQuote:
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Audit:
    doc_id: str
    sources: tuple[str, ...]
    sentences: tuple[AuditedSentence, ...]
    unsourced_quotes: tuple[AuditedQuote, ...]

    @property
    def unsupported(self) -> tuple[AuditedSentence, ...]:
        return tuple(s for s in self.sentences if s.supported_by is None)

    @property
    def supported(self) -> tuple[AuditedSentence, ...]:
        return tuple(s for s in self.sentences if s.supported_by is not None)


def _later(cache: TextCache, doc_id: str, other: str) -> bool:
    """True when `other` is known to be published after `doc_id`."""
    a, b = cache.get(doc_id)[0].published, cache.get(other)[0].published
    return a is not None and b is not None and earlier(a, b) is True


def candidate_sources(store, doc_id: str, cache: TextCache) -> tuple[str, ...]:
    linked = {link.to_doc if link.from_doc == doc_id else link.from_doc for link in store.links(doc_id)}
    related = {d for d, _ in store.related_by_terms(doc_id, min_shared=thresholds().provenance_audit_min_shared_terms, limit=thresholds().provenance_audit_max_sources)}
    return tuple(sorted(d for d in linked | related if d != doc_id and not _later(cache, doc_id, d)))


def _use_embeddings(requested: bool | None) -> bool:
    if requested is None:
        # opt-in: on the seeds the cosine cut catches the padded Rutte sentence but also flags
        # ~25 true paraphrases the lexical rule calls supported (see EMBED_SUPPORT_SIMILARITY)
        return False
    if requested:
        emb.model_path()  # raises ConfigError naming the install command when the extra is missing
    return requested


def audit_document(store, doc_id: str, *, embeddings: bool | None = None) -> Audit:
    """What `doc_id` says that no source supports. `embeddings`: True decides what the
    lexical measures leave undecided with sentence embeddings (needs the extra); None or False
    keep to the lexical measures."""
    cache = TextCache(store)
    doc, sentences, _ = cache.get(doc_id)
    sources = candidate_sources(store, doc_id, cache)

    # 1. lexical matches against the sources
    lexical: dict[int, tuple[str, float]] = {}
    for m in store.sentence_matches(doc_id):
        if m.doc_a == m.doc_b:
            continue
        mine, other = (m.sent_a, m.doc_b) if m.doc_a == doc_id else (m.sent_b, m.doc_a)
        if other in sources and m.similarity > lexical.get(mine, ("", 0.0))[1]:
            lexical[mine] = (other, m.similarity)
    pools = {d: document_index(cache, d) for d in sources}

    # 2. each sentence, by lexical match or meaning (dice)
    audited: list[AuditedSentence] = []
    undecided: dict[int, tuple[int, Terms]] = {}  # position in `audited` -> (sentence, terms)
    for idx, s in enumerate(sentences):
        text = doc.text[s.start : s.end]
        if len(text.split()) < thresholds().provenance_min_match_tokens:
            continue
        if idx in lexical:
            other, score = lexical[idx]
            audited.append(AuditedSentence(s.start, s.end, text, other, score, "lexical"))
            continue
        terms = sentence_terms(text)
        best_doc, best_score = None, 0.0
        for d, pool in pools.items():
            _, score = pool.best(terms)
            if score > best_score:
                best_doc, best_score = d, score
        supported = best_score >= thresholds().provenance_support_similarity
        if best_score < thresholds().provenance_align_similarity:
            undecided[len(audited)] = (idx, terms)
        audited.append(
            AuditedSentence(s.start, s.end, text, best_doc if supported else None, round(best_score, 4), "meaning" if supported else "none")
        )

    # 3. sentence embeddings for what dice leaves undecided
    if undecided and pools and _use_embeddings(embeddings):
        decided = _embedding_support(cache, doc_id, pools, undecided)
        for pos, (best_doc, cosine) in decided.items():
            supported = cosine >= thresholds().provenance_embed_support_similarity
            audited[pos] = replace(
                audited[pos], supported_by=best_doc if supported else None, score=round(cosine, 4), method="embedding" if supported else "none"
            )

    # 4. quotes found in no source
    source_texts = [normalize(cache.get(d)[0].text) for d in sources]
    quotes = []
    for m in _QUOTE.finditer(doc.text):
        quote = m.group(1).strip(" ,.")
        if len(quote.split()) < thresholds().provenance_min_quote_words:
            continue
        needle = normalize(quote)
        if not any(needle in t for t in source_texts):
            quotes.append(AuditedQuote(m.start(1), m.start(1) + len(m.group(1)), m.group(1)))
    return Audit(doc_id, sources, tuple(audited), tuple(quotes))


def _embedding_support(
    cache: TextCache, doc_id: str, pools: dict[str, TermIndex], undecided: dict[int, tuple[int, Terms]]
) -> dict[int, tuple[str | None, float]]:
    """Best source document and cosine similarity of each undecided sentence, compared with its
    EMBED_CANDIDATES best source sentences by dice (a sentence sharing no term with any source
    gets (None, 0.0) without being embedded)."""
    candidates: dict[int, list[tuple[str, int]]] = {}
    for pos, (_, terms) in undecided.items():
        scored = [(score, d, i) for d, pool in pools.items() for i, score in pool.candidates(terms, limit=thresholds().provenance_embed_candidates)]
        scored.sort(key=lambda c: (-c[0], c[1], c[2]))
        candidates[pos] = [(d, i) for _, d, i in scored[:thresholds().provenance_embed_candidates]]
    keys = {(doc_id, idx) for pos, (idx, _) in undecided.items() if candidates[pos]}
    keys |= {key for found in candidates.values() for key in found}
    vectors = emb.embed([(key, cache.sentence_text(*key)) for key in sorted(keys)])
    out: dict[int, tuple[str | None, float]] = {}
    for pos, (idx, _) in undecided.items():
        best_doc, best = None, 0.0
        if candidates[pos]:
            mine = vectors[(doc_id, idx)]
            for d, i in candidates[pos]:
                cosine = float(mine @ vectors[(d, i)])
                if cosine > best:
                    best_doc, best = d, cosine
        out[pos] = (best_doc, best)
    return out


def audit_record(result: Audit) -> dict:
    """The audit as JSON (`wiretrail audit --format json` and GET /api/documents/{id}/audit)."""
    return {
        "doc_id": result.doc_id,
        "sources": list(result.sources),
        "unsupported": [{"start": s.start, "end": s.end, "text": s.text, "best_score": s.score} for s in result.unsupported],
        "supported": [
            {"start": s.start, "end": s.end, "text": s.text, "supported_by": s.supported_by, "score": s.score, "method": s.method}
            for s in result.supported
        ],
        "unsourced_quotes": [{"start": q.start, "end": q.end, "text": q.text} for q in result.unsourced_quotes],
    }
