"""What only the PostgreSQL store has to show: clear errors when it cannot open, all-or-nothing
batches across every table, writers taking turns while readers never wait nor see half a batch,
and the CLI ingesting the seeds into PostgreSQL with the same result as SQLite.

The store suite itself (test_store_sqlite, test_store_extraction, test_stories_store,
test_search) runs on both backends through the `store_db` fixtures in conftest.py.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from collections import Counter

import pytest

from conftest import postgres_schema, postgres_server, with_search_path
from wiretrail.errors import StoreError
from wiretrail.ingest import iter_inputs
from wiretrail.model import AnalyzedDocument, Document, RawDocument
from wiretrail.pipeline import analyze_batch
from wiretrail.store import PostgresStore, open_store, rows
from wiretrail.store.facts import FactQuery
from wiretrail.store.postgres import redact

LOCK_WAIT_S = 1.0  # long enough for an unblocked write of one document on a busy 2-core machine


@pytest.fixture()
def pg_url():
    with postgres_schema() as url:
        yield url


@pytest.fixture(scope="module")
def analyzed_seeds(seeds_dir) -> list[AnalyzedDocument]:
    raws = [r for r in iter_inputs([seeds_dir]) if isinstance(r, RawDocument)]
    results = analyze_batch(raws[:3])
    assert all(isinstance(r, AnalyzedDocument) for r in results)
    return results


def _table_counts(store: PostgresStore) -> dict[str, int]:
    tables = [
        r[0]
        for r in store._conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = ? ORDER BY table_name", (store.schema,)
        )
    ]
    return {t: store._conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in tables}


def test_a_postgres_url_opens_a_store_in_its_own_schema(pg_url):
    with open_store(pg_url) as store:
        assert isinstance(store, PostgresStore)
        assert store.schema.startswith("wt_")
        assert {"documents", "segment_search", "schema_migrations"} <= set(_table_counts(store))


def test_an_unreachable_server_is_named_without_its_password():
    with pytest.raises(StoreError, match=r"cannot open store postgresql://wt:\*\*\*@127\.0\.0\.1:1/test") as caught:
        open_store("postgresql://wt:secret@127.0.0.1:1/test?connect_timeout=2")
    assert "secret" not in str(caught.value)
    assert redact("postgres://u@h/db?password=hunter2&sslmode=require") == "postgres://u@h/db?password=***&sslmode=require"


def test_a_search_path_naming_no_schema_is_a_clear_error():
    url, why = postgres_server()
    if url is None:
        pytest.skip(why)
    with pytest.raises(StoreError, match="no schema of its search_path exists"):
        open_store(with_search_path(url, "wt_never_created"))


def test_without_psycopg_the_error_names_the_extra(monkeypatch):
    import wiretrail.store.postgres as backend

    monkeypatch.setattr(backend, "psycopg", None)
    with pytest.raises(StoreError, match=r"pip install 'wiretrail\[postgres\]'"):
        open_store("postgresql://localhost/anything")


def test_a_failed_batch_changes_no_table(pg_url, analyzed_seeds):
    first, second, third = analyzed_seeds
    with open_store(pg_url) as store:
        store.write_batch([first])
        before = _table_counts(store)
        assert before["mentions"] and before["segment_search"] and before["passage_keys"]
        bad = AnalyzedDocument(Document(id="broken", source=None, text="x"), ())  # NOT NULL source
        with pytest.raises(StoreError, match="nothing changed"):
            store.write_batch([second, third, bad])
        assert _table_counts(store) == before
        store.write_batch([second, third])
        after = _table_counts(store)
        assert after["documents"] == 3 and after["mentions"] > before["mentions"]


def test_writers_take_turns_and_readers_never_see_half_a_batch(pg_url, analyzed_seeds):
    first, second, _ = analyzed_seeds
    holder, writer, reader = open_store(pg_url), open_store(pg_url), open_store(pg_url)
    try:
        done = threading.Event()
        errors: list[BaseException] = []

        def write() -> None:
            try:
                writer.write_batch([second])
            except BaseException as exc:  # reported by the main thread
                errors.append(exc)
            done.set()

        with holder._transaction() as conn:  # a batch in flight: its document row is written
            conn.execute(
                f"INSERT INTO documents ({', '.join(rows.DOCUMENT_COLUMNS)}) VALUES ({', '.join('?' * len(rows.DOCUMENT_COLUMNS))})",
                rows.document_row(first.document),
            )
            thread = threading.Thread(target=write)
            thread.start()
            assert not done.wait(LOCK_WAIT_S)  # the second writer waits for the first
            assert reader.counts().documents == 0  # the reader neither waits nor sees it
            assert reader.known_ids([first.document.id]) == set()
        thread.join(timeout=60)
        assert done.is_set() and not errors
        assert reader.known_ids([first.document.id, second.document.id]) == {first.document.id, second.document.id}
    finally:
        for store in (holder, writer, reader):
            store.close()


def test_the_cli_ingests_the_seeds_into_postgres_as_into_sqlite(pg_url, seeds_dir, seeded_store):
    run = subprocess.run(
        [sys.executable, "-m", "wiretrail", "--quiet", "--db", pg_url, "ingest", str(seeds_dir)],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    with open_store(pg_url) as pg:
        lite = seeded_store
        assert pg.counts() == lite.counts()
        assert {d.id for d in pg.documents()} == {d.id for d in lite.documents()}
        assert {(k.from_doc, k.to_doc, k.relation) for k in pg.links()} == {(k.from_doc, k.to_doc, k.relation) for k in lite.links()}
        assert len(pg.links()) > 0
        pg_entities, lite_entities = pg.facts.entities(), lite.facts.entities()
        assert len(pg_entities) == len(lite_entities) > 0
        assert Counter(e.name for e in pg_entities) == Counter(e.name for e in lite_entities)
        assert len(pg.facts.quotes()) == len(lite.facts.quotes())
        assert len(pg.facts.figures()) == len(lite.facts.figures())
        assert len(pg.facts.events()) == len(lite.facts.events())
        spans = [(f.doc_id, f.sentence_start, f.sentence_end) for f in lite.facts.figures()]
        assert pg.facts.text_spans(spans) == lite.facts.text_spans(spans)  # the reads reports make
        assert pg.facts.place_features() == lite.facts.place_features()
        assert pg.facts.document_labels() == lite.facts.document_labels()
        assert pg.facts.entities(FactQuery(text="rutte"))[0].mentions == lite.facts.entities(FactQuery(text="rutte"))[0].mentions
        assert sorted(s[0] for s in pg.story_tables.units()) == sorted(s[0] for s in lite.story_tables.units())
        assert len(pg.story_tables.stories()) == len(lite.story_tables.stories())
        for query in ("Rutte", '"Mark Rutte"', "troops -Kursk", "drone OR missile"):
            assert {h.segment_id for h in pg.search(query, limit=500)} == {h.segment_id for h in lite.search(query, limit=500)}, query


def test_two_processes_creating_one_store_at_once_both_succeed(pg_url):
    """Migrations run under the write lock and re-read the schema version once they hold it;
    without that the second CREATE TABLE fails on the first one's table."""
    opened: list[PostgresStore] = []
    errors: list[BaseException] = []
    start = threading.Barrier(3)

    def open_one() -> None:
        start.wait()
        try:
            opened.append(open_store(pg_url))
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=open_one) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    try:
        assert not errors, errors
        assert len({s.schema_version() for s in opened}) == 1
        versions = opened[0]._conn.execute("SELECT version FROM schema_migrations ORDER BY version").fetchall()
        assert len(versions) == len({v[0] for v in versions})  # each migration applied once
    finally:
        for store in opened:
            store.close()
