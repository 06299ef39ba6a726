"""The provenance index keyed by document number (migration 15), on both backends: documents are
numbered in the order they are stored, a key's rows come back earliest stored first, and a store
from before the migration is converted with every lookup answering as before."""

from __future__ import annotations

import pytest

from wiretrail.pipeline import ingest
from wiretrail.model import RawDocument
from wiretrail.settings import Settings
from wiretrail.store import open_store
from wiretrail.store.maintenance import check_store

ONE_PROCESS = Settings(workers=1)

REPORT = (
    "The harbour authority in Port Elwin said on Tuesday that two cargo cranes collapsed during the storm overnight. "
    "Nobody was injured, according to a statement from the authority's chief engineer Lena Marsh. "
    "Shipping will resume on Thursday once divers have inspected the quay walls for cracks and loose stones. "
    "The town council has asked the regional government for emergency funds to rebuild the crane rails."
)
COPY = REPORT.replace("on Thursday", "on Friday") + (
    " Local fishermen said the storm was the worst they had seen in thirty years on this stretch of coast."
)
OTHER = (
    "A new rail bridge over the Sava river opened to freight trains after four years of construction work. "
    "The bridge carries two tracks and was paid for by a loan from a development bank in the capital city. "
    "Engineers tested it with twelve loaded wagons standing on the middle span for a whole afternoon."
)


def _raw(name: str, text: str) -> RawDocument:
    return RawDocument(source=f"{name}.txt", text=text)


def _answers(store) -> dict:
    """Everything the index answers, by document id (numbers differ between stores)."""
    docs = sorted(d.id for d in store.documents())
    prints = {d: store.fingerprints(d) for d in docs}
    band_keys = sorted({k for p in prints.values() for f in p for k in f.bands})
    passage_keys = sorted({k for d in docs for k, _ in store.passage_keys(d)})
    seqs = {d: store._doc_seq(d) for d in docs}
    return {
        "prints": prints,
        "passages": {d: store.passage_keys(d) for d in docs},
        "bands": sorted(store.band_candidates(band_keys)),
        "band_cap": sorted(store.band_candidates(band_keys, per_key=1)),
        "passage_rows": sorted(store.passage_candidates(passage_keys)),
        "passage_cap": sorted(store.passage_candidates(passage_keys, per_key=1)),
        "seeds": {d: sorted(store.passage_seed_rows(passage_keys, d, per_key=10, max_docs=5)) for d in docs},
        "order": sorted(docs, key=seqs.get),
        "links": sorted((l.from_doc, l.to_doc, l.relation.value) for l in store.links()),
    }


def test_documents_are_numbered_in_storing_order_and_keys_answer_earliest_first(store_db):
    with open_store(store_db) as store:
        ingest(store, [_raw("report", REPORT)], settings=ONE_PROCESS)
        ingest(store, [_raw("copy", COPY), _raw("other", OTHER)], settings=ONE_PROCESS)
        by_source = {d.source: d.id for d in store.documents()}
        seqs = [store._doc_seq(by_source[f"{n}.txt"]) for n in ("report", "copy", "other")]
        assert seqs == sorted(seqs) and len(set(seqs)) == 3
        report, copy = by_source["report.txt"], by_source["copy.txt"]
        keys = [k for f in store.fingerprints(copy) for k in f.bands]
        shared = store.band_candidates(keys)
        assert {d for _, d, _ in shared} == {report, copy}
        # one row per key: the report's, stored first, wherever the copy shares the key
        first = store.band_candidates(keys, per_key=1)
        assert {d for _, d, _ in first} == {report, copy}
        report_keys = {k for f in store.fingerprints(report) for k in f.bands}
        assert all(d == report for k, d, _ in first if k in report_keys)
        # the copy's matching sentences seen from the report, the copy itself left out
        seeds = store.passage_seed_rows([k for k, _ in store.passage_keys(copy)], copy, per_key=10, max_docs=5)
        assert seeds and {d for _, d, _ in seeds} == {report}
        assert any(l.relation.value in ("duplicate", "shares-passages") for l in store.links(copy))


def test_a_store_from_before_migration_15_is_converted(store_db, raw_sql):
    with open_store(store_db) as store:
        ingest(store, [_raw("report", REPORT), _raw("copy", COPY), _raw("other", OTHER)], settings=ONE_PROCESS)
        before = _answers(store)
    postgres = store_db.startswith("postgresql://")
    rowid = ", rowid BIGSERIAL" if postgres else ""
    for table, key, pos in (("sentence_bands", "band_key", "sent_idx"), ("passage_keys", "passage_key", "token_pos")):
        # the old layout: the 16-character id in every row, earliest stored first by rowid
        raw_sql(store_db, f"CREATE TABLE {table}_old ({key} BIGINT NOT NULL, doc_id TEXT NOT NULL, {pos} INTEGER NOT NULL{rowid})")
        raw_sql(
            store_db,
            f"INSERT INTO {table}_old ({key}, doc_id, {pos}) SELECT t.{key}, d.id, t.{pos} FROM {table} AS t "
            f"JOIN documents AS d ON d.seq = t.doc_seq ORDER BY t.doc_seq, t.{pos}",
        )
        raw_sql(store_db, f"DROP TABLE {table}")
        raw_sql(store_db, f"ALTER TABLE {table}_old RENAME TO {table}")
        raw_sql(store_db, f"CREATE INDEX {table}_key ON {table} ({key})")
    raw_sql(store_db, "DROP INDEX documents_seq")
    raw_sql(store_db, "ALTER TABLE documents DROP COLUMN seq")
    raw_sql(store_db, "DELETE FROM schema_migrations WHERE version = 15")
    with open_store(store_db) as store:
        after = _answers(store)
        assert after == before
        assert check_store(store).ok  # no band or passage key left without its sentence


def test_claim_terms_are_stored_at_ingest_and_read_back_for_alignment(store_db, monkeypatch):
    from wiretrail.provenance import rewrites
    from wiretrail.provenance.matching import TextCache
    from wiretrail.provenance.meaning import document_terms, terms_settings
    from wiretrail.thresholds import Thresholds, using

    with open_store(store_db) as store:
        ingest(store, [_raw("report", REPORT), _raw("copy", COPY)], settings=ONE_PROCESS)
        ids = {d.source: d.id for d in store.documents()}
        report, copy = ids["report.txt"], ids["copy.txt"]
        doc = store.document(report)
        texts = [doc.text[s.start : s.end] for s in store.sentences(report)]
        settings, stored = store.claim_terms([report, "no-such-document"])[report]
        assert settings == terms_settings() and stored == list(document_terms(texts)[1])
        assert sum(1 for t in stored if t) >= 3

        def recomputed(text):
            raise AssertionError(f"terms recomputed for {text!r}")

        monkeypatch.setattr(rewrites, "sentence_terms", recomputed)
        rewrites._terms_cache.clear()
        rewrites._sentence_terms.clear()
        alignment = rewrites.align(TextCache(store), report, copy)  # read from the store, not recomputed
        assert alignment is not None and alignment.coverage_a >= 0.75
        assert rewrites.align(TextCache(store), report, copy, pivot=copy) == alignment  # either index answers
        rewrites._terms_cache.clear()
        with using(Thresholds(provenance_stem_chars=5)), pytest.raises(AssertionError, match="recomputed"):
            rewrites.align(TextCache(store), report, copy)  # stored under other settings: recomputed
        rewrites._terms_cache.clear()
        rewrites._sentence_terms.clear()
