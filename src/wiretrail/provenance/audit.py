"""The rewrite audit: what a document says that none of its sources support.

    1. sources: documents linked to it, and documents on the same events (shared salient
       terms) not known to be later than it
    2. each sentence: supported when a source carries it (a verified lexical match) or restates
       it (meaning similarity at or above SUPPORT_SIMILARITY); else unsupported
    3. quotes: text in quotation marks that appears in no source document
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .fingerprints import MIN_MATCH_TOKENS, normalize
from .links import earlier
from .matching import TextCache
from .meaning import sentence_terms
from .rewrites import document_index

SUPPORT_SIMILARITY = 0.34  # a source sentence restating a claim scores at least this
# Calibrated on the seed gold: supported paraphrases score 0.36-0.87 against their source,
# padded claims at most 0.32 against any seed. A narrow margin: the lexical measure cannot
# tell 'Zelensky would wait to regain territory' from unrelated Nato-membership sentences much
# better; sentence embeddings would (a planned optional extra).
AUDIT_MIN_SHARED_TERMS = 6  # looser than rewrite detection: one shared story is enough
AUDIT_MAX_SOURCES = 50
MIN_QUOTE_WORDS = 3  # "crisis" or "just struggle" are words, not claims
_QUOTE = re.compile(r"[“\"]([^“”\"\n]{3,}?)[”\"]")


@dataclass(frozen=True, slots=True)
class AuditedSentence:
    start: int
    end: int
    text: str
    supported_by: str | None  # the document that best supports it
    score: float
    method: str  # lexical | meaning | none


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
    related = {d for d, _ in store.related_by_terms(doc_id, min_shared=AUDIT_MIN_SHARED_TERMS, limit=AUDIT_MAX_SOURCES)}
    return tuple(sorted(d for d in linked | related if d != doc_id and not _later(cache, doc_id, d)))


def audit_document(store, doc_id: str) -> Audit:
    cache = TextCache(store)
    doc, sentences, _ = cache.get(doc_id)
    sources = candidate_sources(store, doc_id, cache)

    lexical: dict[int, tuple[str, float]] = {}
    for m in store.sentence_matches(doc_id):
        if m.doc_a == m.doc_b:
            continue
        mine, other = (m.sent_a, m.doc_b) if m.doc_a == doc_id else (m.sent_b, m.doc_a)
        if other in sources and m.similarity > lexical.get(mine, ("", 0.0))[1]:
            lexical[mine] = (other, m.similarity)
    pools = {d: document_index(cache, d) for d in sources}

    audited = []
    for idx, s in enumerate(sentences):
        text = doc.text[s.start : s.end]
        if len(text.split()) < MIN_MATCH_TOKENS:
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
        supported = best_score >= SUPPORT_SIMILARITY
        audited.append(
            AuditedSentence(s.start, s.end, text, best_doc if supported else None, round(best_score, 4), "meaning" if supported else "none")
        )

    source_texts = [normalize(cache.get(d)[0].text) for d in sources]
    quotes = []
    for m in _QUOTE.finditer(doc.text):
        quote = m.group(1).strip(" ,.")
        if len(quote.split()) < MIN_QUOTE_WORDS:
            continue
        needle = normalize(quote)
        if not any(needle in t for t in source_texts):
            quotes.append(AuditedQuote(m.start(1), m.start(1) + len(m.group(1)), m.group(1)))
    return Audit(doc_id, sources, tuple(audited), tuple(quotes))
