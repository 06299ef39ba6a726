"""Document links from verified sentence matches: which relation, how strong, who was first.

    1. collect the matches between two documents
    2. coverage: the share of each document's words that lies in matched sentences
    3. relation: duplicate when both are (nearly) covered, shares-passages otherwise
    4. direction and first-seen from the matched sentences' own timestamps (a live-blog entry's
       stamp, else the document's date); unknown when a side has none
    5. shared spans: runs of consecutive matched sentences, as character offsets
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime

from ..model import DatePrecision, Link, Relation, SentenceMatch, SharedSpan, Timestamp
from .matching import TextCache
from ..thresholds import thresholds


def sentence_time(cache: TextCache, doc_id: str, idx: int) -> Timestamp | None:
    """When a sentence was published: its live-blog entry's stamp, else its document's date."""
    doc, sentences, segments = cache.get(doc_id)
    seg = segments.get(sentences[idx].segment_index)
    if seg is not None and seg.posted_at is not None:
        return seg.posted_at
    return doc.published


def _earliest(stamps: list[Timestamp | None]) -> Timestamp | None:
    known = [s for s in stamps if s is not None]
    return min(known, key=lambda s: s.value.replace(tzinfo=None)) if known else None


def earlier(a: Timestamp, b: Timestamp) -> bool | None:
    """True if a is earlier, False if later, None if the precision cannot tell."""
    coarse = DatePrecision.MINUTE not in (a.precision, b.precision) or a.precision != b.precision
    va: datetime = a.value.replace(tzinfo=None)
    vb: datetime = b.value.replace(tzinfo=None)
    if coarse:
        if va.date() == vb.date():
            return None
        return va.date() < vb.date()
    if va == vb:
        return None
    return va < vb


def _spans(pairs: list[tuple[int, int]], cache: TextCache, from_doc: str, to_doc: str) -> tuple[SharedSpan, ...]:
    """Merge runs of consecutive matched sentences into passages."""
    _, from_sents, _ = cache.get(from_doc)
    _, to_sents, _ = cache.get(to_doc)
    spans: list[list[int]] = []
    for i, j in sorted(set(pairs)):
        if spans and i == spans[-1][4] + 1 and j == spans[-1][5] + 1:
            spans[-1][1], spans[-1][3], spans[-1][4], spans[-1][5] = from_sents[i].end, to_sents[j].end, i, j
        else:
            spans.append([from_sents[i].start, from_sents[i].end, to_sents[j].start, to_sents[j].end, i, j])
    return tuple(SharedSpan(s[0], s[1], s[2], s[3]) for s in spans)


def first_and_direction(
    cache: TextCache, a: str, sentences_a: Iterable[int], b: str, sentences_b: Iterable[int]
) -> tuple[str | None, bool]:
    """(the document seen first or None, whether a is the source side of the link).

    Times are those of the shared sentences themselves. When they cannot tell, `first` is None
    and the pair is oriented by id, so the same pair always reads the same way.
    """
    first_a = _earliest([sentence_time(cache, a, i) for i in sentences_a])
    first_b = _earliest([sentence_time(cache, b, j) for j in sentences_b])
    order = earlier(first_a, first_b) if first_a and first_b else None
    if order is None:
        return None, b < a
    return (a if order else b), order


def link_pair(store, a: str, b: str, matches: Sequence[SentenceMatch], cache: TextCache) -> Link | None:
    """The link between documents a and b, or None when what they share is too little."""
    pairs_ab: list[tuple[int, int]] = []  # (sentence of a, sentence of b)
    for m in matches:
        pairs_ab.append((m.sent_a, m.sent_b) if m.doc_a == a else (m.sent_b, m.sent_a))
    tokens_a, tokens_b = cache.tokens_by_sentence(a), cache.tokens_by_sentence(b)
    matched_a = {i for i, _ in pairs_ab}
    matched_b = {j for _, j in pairs_ab}
    shared_a = sum(tokens_a.get(i, 0) for i in matched_a)
    shared_b = sum(tokens_b.get(j, 0) for j in matched_b)
    if min(shared_a, shared_b) < thresholds().provenance_min_shared_tokens:
        return None
    cover_a = shared_a / max(1, sum(tokens_a.values()))
    cover_b = shared_b / max(1, sum(tokens_b.values()))
    stock_a = cache.stock_sentences(a)
    own_a = sum(tokens_a.get(i, 0) for i in matched_a - stock_a)
    if own_a < thresholds().provenance_min_shared_tokens and max(cover_a, cover_b) < thresholds().provenance_stock_override:
        return None  # only stock lines in common: two pages of one site, not a copy
    duplicate = min(cover_a, cover_b) >= thresholds().provenance_duplicate_coverage
    relation = Relation.DUPLICATE if duplicate else Relation.SHARES_PASSAGES
    score = round(min(cover_a, cover_b) if duplicate else max(cover_a, cover_b), 4)

    first, a_is_source = first_and_direction(cache, a, matched_a, b, matched_b)
    from_doc, to_doc = (b, a) if a_is_source else (a, b)
    oriented = pairs_ab if from_doc == a else [(j, i) for i, j in pairs_ab]
    return Link(from_doc, to_doc, relation, score, first, _spans(oriented, cache, from_doc, to_doc))


def group_by_pair(matches: Sequence[SentenceMatch]) -> dict[tuple[str, str], list[SentenceMatch]]:
    groups: dict[tuple[str, str], list[SentenceMatch]] = defaultdict(list)
    for m in matches:
        if m.doc_a != m.doc_b:
            groups[(m.doc_a, m.doc_b) if m.doc_a < m.doc_b else (m.doc_b, m.doc_a)].append(m)
    return groups
