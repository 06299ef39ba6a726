"""The store's candidate searches answer exactly what counting every row would, on both backends:
`related_by_terms` (rarest terms first, common terms looked up only for documents still in the
running; migration 18's `term_df` only orders the search) and `band_matches` (capped per key,
each pair once)."""

from __future__ import annotations

import random
from collections import Counter
from datetime import datetime

import pytest

from wiretrail.model import AnalyzedDocument, Document, Segment, SegmentKind, Sentence, SentenceFingerprint
from wiretrail.store import open_store

TEXT = "The ferry to the outer islands was cancelled for a third day because of the storm."


def _doc(
    i: int, terms: tuple[int, ...] = (), bands: tuple[int, ...] = (), exact: int | None = None, passages: tuple[tuple[int, int], ...] = ()
) -> AnalyzedDocument:
    doc_id = f"doc{i:04d}"
    doc = Document(id=doc_id, source=f"/tmp/{doc_id}.txt", text=TEXT, content_hash=doc_id, ingested_at=datetime(2026, 12, 7, 12, 0))
    seg = Segment(doc_id, 0, 0, len(TEXT), SegmentKind.BODY)
    sentence = Sentence(doc_id, 0, 0, 0, len(TEXT))
    prints = (SentenceFingerprint(0, 16, 1000 + i if exact is None else exact, tuple(sorted(set(bands)))),) if bands or exact else ()
    return AnalyzedDocument(doc, (seg,), (sentence,), prints, terms=tuple(sorted(set(terms))), passages=passages)


def _corpus(n_docs: int = 80, n_terms: int = 40, seed: int = 7) -> list[AnalyzedDocument]:
    """Documents whose terms follow a steep frequency curve, as salient terms in a corpus on one
    war do: a few terms in nearly every document, most in a handful; some documents are near
    copies of others (most of their terms in common)."""
    rng = random.Random(seed)
    vocabulary = list(range(1, 400))
    weights = [1 / rank**1.1 for rank in range(1, len(vocabulary) + 1)]
    docs: list[tuple[int, ...]] = []
    for i in range(n_docs):
        if docs and rng.random() < 0.3:  # a near copy of an earlier document
            base = list(rng.choice(docs))
            keep = rng.sample(base, k=len(base) - rng.randint(0, 15))
            terms = set(keep)
        else:
            terms = set()
        while len(terms) < n_terms:
            terms.add(rng.choices(vocabulary, weights)[0])
        docs.append(tuple(sorted(terms)))
    return [_doc(i, terms) for i, terms in enumerate(docs)]


def _counted(docs: list[AnalyzedDocument], doc_id: str, min_shared: int, limit: int) -> list[tuple[str, int]]:
    """The plain definition: every other document's shared terms, counted."""
    mine = set(next(d.terms for d in docs if d.document.id == doc_id))
    shared = [(d.document.id, len(mine & set(d.terms))) for d in docs if d.document.id != doc_id]
    found = sorted(((d, n) for d, n in shared if n >= min_shared), key=lambda item: (-item[1], item[0]))
    return found[:limit]


@pytest.mark.parametrize("join_ratio", [0, 4, 10**9], ids=["pruned", "chosen", "self-join"])
def test_related_by_terms_is_what_counting_every_term_gives(store_db, raw_sql, monkeypatch, join_ratio):
    from wiretrail.store import sql

    monkeypatch.setattr(sql, "RELATED_JOIN_RATIO", join_ratio)  # either way of counting, and the choice
    docs = _corpus()
    with open_store(store_db) as store:
        store.write_batch(docs[:50])
        store.write_batch(docs[50:])  # the counts add up across batches
        df = Counter(t for d in docs for t in d.terms)
        assert dict(store._plain("SELECT term_key, n FROM term_df")) == dict(df)
        cases = [(12, 12), (6, 50), (2, 5), (30, 3)]
        answers = {}
        for min_shared, limit in cases:
            for d in docs:
                got = store.related_by_terms(d.document.id, min_shared=min_shared, limit=limit)
                assert got == _counted(docs, d.document.id, min_shared, limit), (d.document.id, min_shared, limit)
                answers[(d.document.id, min_shared, limit)] = got
        assert sum(1 for a in answers.values() if a) > len(answers) // 2  # the cases do find documents
    # counts that are wrong (here: reversed, the commonest read first) change the work, not the answer
    raw_sql(store_db, "UPDATE term_df SET n = 1000 - n")
    with open_store(store_db) as store:
        for (doc_id, min_shared, limit), expected in answers.items():
            assert store.related_by_terms(doc_id, min_shared=min_shared, limit=limit) == expected


def test_a_store_from_before_migration_18_counts_its_stored_terms(store_db, raw_sql):
    docs = _corpus(n_docs=20)
    with open_store(store_db) as store:
        store.write_batch(docs)
    raw_sql(store_db, "DROP TABLE term_df")
    raw_sql(store_db, "DELETE FROM schema_migrations WHERE version = 18")
    with open_store(store_db) as store:
        assert dict(store._plain("SELECT term_key, n FROM term_df")) == dict(Counter(t for d in docs for t in d.terms))
        doc_id = docs[3].document.id
        assert store.related_by_terms(doc_id, min_shared=6, limit=10) == _counted(docs, doc_id, 6, 10)


def test_band_matches_pairs_each_probe_with_the_first_rows_of_its_keys_once(store_db):
    rng = random.Random(11)
    popular = 999_999  # a key in every document: cut to the first `per_key` stored
    docs = [_doc(i, bands=(popular, *rng.sample(range(1, 60), k=6))) for i in range(30)]
    with open_store(store_db) as store:
        store.write_batch(docs)
        probes = [(k, probe) for probe in range(3) for k in rng.sample(range(1, 60), k=10)] + [(popular, 0), (popular, 2)]
        for per_key in (4, 100):
            rows_by_key: dict[int, list[str]] = {}
            for d in docs:  # stored in list order: doc0000 first
                for key in d.fingerprints[0].bands:
                    rows_by_key.setdefault(key, []).append(d.document.id)
            expected = {(probe, doc_id, 0) for key, probe in probes for doc_id in rows_by_key.get(key, [])[:per_key]}
            got = store.band_matches(probes, per_key=per_key)
            assert got == expected
            assert {(0, doc.document.id, 0) for doc in docs[:per_key]} <= got
        assert store.band_matches([]) == set()


@pytest.mark.parametrize("terms", [(), (5,)])
def test_related_by_terms_of_a_document_with_few_or_no_terms_is_empty(store_db, terms):
    with open_store(store_db) as store:
        store.write_batch([_doc(1, terms), _doc(2, (5, 6, 7))])
        assert store.related_by_terms("doc0001", min_shared=2, limit=10) == []
        assert store.related_by_terms("no-such-document", min_shared=2, limit=10) == []


def test_read_documents_gives_what_reading_each_document_gives(store_db):
    from wiretrail.pipeline import ingest
    from wiretrail.model import RawDocument
    from wiretrail.settings import Settings

    live = (
        "Storm live: ferries cancelled\n\n09:14 Ferries to the outer islands are cancelled for a third day.\n\n"
        "10:02 The harbour master said the storm would ease by Thursday evening at the earliest."
    )
    with open_store(store_db) as store:
        ingest(store, [RawDocument(source="live.txt", text=live), RawDocument(source="plain.txt", text=TEXT)], settings=Settings(workers=1))
        ids = sorted(d.id for d in store.documents())
        read = store.read_documents([*ids, "no-such-document", ids[0]])
        assert sorted(read) == ids
        for doc_id in ids:
            doc, sentences, segments = read[doc_id]
            assert doc == store.document(doc_id)
            assert sentences == store.sentences(doc_id) and sentences
            assert segments == list(store.segments(doc_id)) and segments
        assert store.read_documents([]) == {}


def test_exact_key_documents_counts_the_documents_among_a_keys_first_rows(store_db):
    keys = [7, 7, 8, 7, 9, 8, 7, 7]  # document i's one sentence has exact key keys[i]
    docs = [_doc(i, exact=k) for i, k in enumerate(keys)]
    with open_store(store_db) as store:
        store.write_batch(docs)
        assert store.exact_key_documents([7, 8, 9, 10, 7]) == {7: 5, 8: 2, 9: 1}
        assert store.exact_key_documents([7, 8, 9], cap=2) == {7: 2, 8: 2, 9: 1}
        assert store.exact_key_documents([]) == {}
        prints = store.sentence_keys_of([d.document.id for d in docs[:3]] + ["no-such-document"])
        assert prints == {d.document.id: store.fingerprints(d.document.id, bands=False) for d in docs[:3]}
        assert [f.exact for d in docs[:3] for f in prints[d.document.id]] == [7, 7, 8]


def test_a_provenance_update_says_how_long_each_stage_took(store_db):
    from wiretrail.provenance import update_provenance

    with open_store(store_db) as store:
        written = store.write_batch([_doc(1, (1, 2, 3), bands=(5, 6)), _doc(2, (1, 2, 3), bands=(5, 6))])
        update = update_provenance(store, list(written.added_ids))
        assert [stage for stage, _ in update.seconds] == ["match", "links", "passages", "rewrites", "write"]
        assert all(seconds >= 0 for _, seconds in update.seconds)
        assert store.pending_provenance() == []


def test_passage_seed_rows_drop_crowded_keys_as_the_definition_says(store_db):
    """A key is kept when, of its first `per_key` rows (earliest stored first), those of other
    documents number fewer than `per_key - 1` and come from at most `max_docs` documents."""
    rng = random.Random(5)
    crowd = {100: 40, 101: 9, 102: 6, 103: 3, 104: 1}  # key: how many documents carry it
    docs = []
    for i in range(45):
        passages = tuple((key, 10 * i + j) for j, (key, n) in enumerate(crowd.items()) if i < n)
        passages += tuple((key, 500 + j) for j, key in enumerate(rng.sample(range(200, 230), k=4)))
        docs.append(_doc(i, passages=passages))
    with open_store(store_db) as store:
        store.write_batch(docs)
        rows = [(key, d.document.id, pos) for d in docs for key, pos in d.passages]  # stored in this order
        for per_key, max_docs in ((30, 10), (8, 4), (5, 2)):
            for own in (docs[0], docs[5], docs[44]):
                keys = [key for key, _ in own.passages] + [100, 101]
                expected = []
                for key in sorted(set(keys)):
                    firsts = [r for r in rows if r[0] == key][:per_key]
                    others = [r for r in firsts if r[1] != own.document.id]
                    if len({r[1] for r in others}) <= max_docs and len(others) < per_key - 1:
                        expected.extend(others)
                got = store.passage_seed_rows(keys, own.document.id, per_key=per_key, max_docs=max_docs)
                assert sorted(got) == sorted(expected), (per_key, max_docs, own.document.id)
        got = {k for k, _, _ in store.passage_seed_rows([100, 101, 102, 103, 104], docs[0].document.id, per_key=30, max_docs=10)}
        assert got == {101, 102, 103}  # 100: 40 documents; 104: in no other document
