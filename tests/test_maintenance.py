"""`check_store` / `wiretrail check` and `backup_store` / `wiretrail backup`.

Each kind of damage is made by hand in a small store and must be named by the check; a backup
taken while another process writes must open, pass the check and hold whole batches.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from wiretrail.cli import app
from wiretrail.errors import ConfigError, StoreError
from wiretrail.pipeline import ingest
from wiretrail.settings import Settings
from wiretrail.store import open_store
from wiretrail.store.maintenance import backup_store, check_store

ARTICLE = (
    "Bridge to reopen on Friday\n"
    "The council said the harbour bridge would reopen on Friday after three weeks of repairs.\n"
    "More than 2,000 drivers a day used it before it closed, officials said.\n"
)


@pytest.fixture()
def store_path(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (folder / "b.txt").write_text(ARTICLE.replace("Friday", "Monday") + "A second paragraph.\n", encoding="utf-8")
    path = tmp_path / "store.db"
    with open_store(path) as store:
        report = ingest(store, [folder], settings=Settings(workers=1, extract=True))
        assert report.added == 2
    return path


def _damage(path: Path, *statements: str) -> None:
    conn = sqlite3.connect(path)  # foreign keys off, as in any tool that is not wiretrail
    with conn:
        for sql in statements:
            conn.execute(sql)
    conn.close()


def _check(path: Path):
    with open_store(path) as store:
        return check_store(store)


def test_a_healthy_store_passes(store_path):
    report = _check(store_path)
    assert report.ok, [str(f) for f in report.findings]
    assert report.documents == 2 and report.segments >= 2 and report.sentences >= 4


@pytest.mark.parametrize(
    ("statements", "check", "says"),
    [
        (["DELETE FROM segments WHERE doc_id = (SELECT MIN(id) FROM documents)"], "whole documents", "no segments"),
        (["DELETE FROM documents WHERE id = (SELECT MIN(id) FROM documents)"], "orphans", "rows in segments whose document"),
        (["DELETE FROM sentence_keys WHERE rowid = (SELECT MIN(rowid) FROM sentence_keys)"], "index", "sentences without a fingerprint"),
        (["DELETE FROM sentences WHERE idx = 0"], "whole documents", "sentence indexes"),
        (["UPDATE sentences SET segment_idx = 99 WHERE idx = 1"], "whole documents", "segment does not exist"),
        (["INSERT INTO figures (id, doc_id, start_char, end_char, text, subject, vague) SELECT 'f', MIN(id), 5, 10000000, 'x', 'y', 0 FROM documents"], "whole documents", "figures rows whose offsets"),
        (["INSERT INTO stories_pending (unit_key, doc_id, features) SELECT unit_key, doc_id, '{}' FROM story_units LIMIT 1"], "queues", "both waiting and clustered"),
        (["DELETE FROM stories WHERE rowid = (SELECT MIN(rowid) FROM stories)"], "queues", "story does not exist"),
    ],
    ids=["no-segments", "orphans", "missing-fingerprint", "sentence-gap", "sentence-without-segment", "figure-offsets", "pending-and-clustered", "missing-story"],
)
def test_damage_is_named(store_path, statements, check, says):
    _damage(store_path, *statements)
    report = _check(store_path)
    assert not report.ok
    found = [f for f in report.findings if f.check == check and says in f.message]
    assert found, [str(f) for f in report.findings]
    assert found[0].count >= 1 and found[0].examples


def test_the_search_index_must_hold_every_segment(store_path):
    with open_store(store_path) as store:
        conn = store._conn
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE sql LIKE '%USING fts5%'")}
    if "segment_search" not in tables:
        pytest.skip("this store has no full-text index")
    _damage(store_path, "DELETE FROM segment_search WHERE rowid = (SELECT MIN(rowid) FROM segment_search)")
    report = _check(store_path)
    assert any("missing from the full-text index" in f.message for f in report.findings), report.findings


def test_cli_check_exit_codes_and_json(store_path):
    runner = CliRunner()
    ok = runner.invoke(app, ["--db", str(store_path), "check"])
    assert ok.exit_code == 0, ok.output
    assert "ok (2 documents" in ok.output
    _damage(store_path, "DELETE FROM segments WHERE doc_id = (SELECT MIN(id) FROM documents)")
    bad = runner.invoke(app, ["--db", str(store_path), "check"])
    assert bad.exit_code == 1
    assert "documents with text but no segments: 1" in bad.output
    as_json = runner.invoke(app, ["--db", str(store_path), "check", "--format", "json"])
    assert as_json.exit_code == 1 and '"ok": false' in as_json.output
    assert runner.invoke(app, ["--db", str(store_path), "check", "--format", "xml"]).exit_code == 2


def test_backup_copies_a_consistent_store(store_path, tmp_path):
    copy = tmp_path / "copy.db"
    report = backup_store(store_path, copy)
    assert report.documents == 2 and report.bytes == copy.stat().st_size
    assert not Path(f"{copy}-wal").exists()
    assert _check(copy).ok
    with open_store(copy) as a, open_store(store_path) as b:
        assert [d.id for d in a.documents()] == [d.id for d in b.documents()]
    with pytest.raises(StoreError, match="exists"):
        backup_store(store_path, copy)
    backup_store(store_path, copy, overwrite=True)
    with pytest.raises(StoreError, match="no such store"):
        backup_store(tmp_path / "missing.db", tmp_path / "x.db")
    with pytest.raises(StoreError, match="does not exist"):
        backup_store(store_path, tmp_path / "no" / "such" / "x.db")
    assert not list(tmp_path.glob(".*.partial")), "a temporary file was left behind"


def test_backup_of_postgres_points_to_pg_dump(tmp_path):
    with pytest.raises(ConfigError, match="pg_dump"):
        backup_store("postgresql://localhost/news", tmp_path / "x.db")
    result = CliRunner().invoke(app, ["--db", "postgresql://localhost/news", "backup", str(tmp_path / "x.db")])
    assert result.exit_code == 2 and "pg_dump" in result.output


def test_cli_backup(store_path, tmp_path):
    runner = CliRunner()
    result = runner.invoke(app, ["--db", str(store_path), "backup", str(tmp_path / "cli.db")])
    assert result.exit_code == 0, result.output
    assert _check(tmp_path / "cli.db").ok
    again = runner.invoke(app, ["--db", str(store_path), "backup", str(tmp_path / "cli.db")])
    assert again.exit_code == 1 and "exists" in again.output


WRITER = textwrap.dedent(
    """
    import sqlite3, sys, time
    conn = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("CREATE TABLE IF NOT EXISTS batches (n INTEGER, part INTEGER)")
    n = 0
    while True:  # one batch of 50 rows per transaction, as the pipeline writes documents
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany("INSERT INTO batches VALUES (?, ?)", [(n, p) for p in range(50)])
        conn.execute("COMMIT")
        n += 1
        if n == 5:
            print("ready", flush=True)
    """
)


def test_backup_while_another_process_writes_holds_whole_batches(store_path, tmp_path):
    """The copy is one snapshot: every batch the writer committed is in it whole, or not at all."""
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(store_path)], stdout=subprocess.PIPE, text=True)
    try:
        assert writer.stdout.readline().strip() == "ready"
        copies = []
        for i in range(5):
            copy = tmp_path / f"live-{i}.db"
            backup_store(store_path, copy)
            copies.append(copy)
            time.sleep(0.05)
    finally:
        writer.kill()
        writer.wait()
    counts = []
    for copy in copies:
        conn = sqlite3.connect(copy)
        sizes = {n: c for n, c in conn.execute("SELECT n, COUNT(*) FROM batches GROUP BY n")}
        assert set(sizes.values()) == {50}, "a batch was copied in part"
        assert sorted(sizes) == list(range(len(sizes))), "a batch is missing from the middle"
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        counts.append(len(sizes))
        conn.close()
    assert counts == sorted(counts) and counts[-1] > counts[0], f"the writer did not move: {counts}"
    assert _check(copies[-1]).ok


# -- both backends: the same check through the store's own methods -------------------------------


@pytest.fixture()
def filled_store_db(store_db: str, tmp_path: Path) -> str:
    """Two small documents in a fresh store on each backend (SQLite file, PostgreSQL schema)."""
    folder = tmp_path / "in-both"
    folder.mkdir()
    (folder / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (folder / "b.txt").write_text(ARTICLE.replace("Friday", "Monday") + "A second paragraph.\n", encoding="utf-8")
    with open_store(store_db) as store:
        assert ingest(store, [folder], settings=Settings(workers=1, extract=True)).added == 2
    return store_db


def _check_db(db: str):
    with open_store(db) as store:
        return check_store(store)


def test_a_healthy_store_passes_on_both_backends(filled_store_db):
    report = _check_db(filled_store_db)
    assert report.ok, [str(f) for f in report.findings]
    assert report.documents == 2 and report.segments >= 2 and report.sentences >= 4


# Damage that both backends allow without tricks (no foreign key stops it).
@pytest.mark.parametrize(
    ("statement", "check", "says"),
    [
        ("DELETE FROM sentence_keys WHERE doc_id = (SELECT MIN(doc_id) FROM sentence_keys) AND sent_idx = 0", "index", "sentences without a fingerprint"),
        ("UPDATE sentences SET idx = idx + 100 WHERE idx = 0", "whole documents", "sentence indexes"),
        ("INSERT INTO figures (id, doc_id, start_char, end_char, text, subject, vague) SELECT 'f', MIN(id), 5, 10000000, 'x', 'y', 1 = 0 FROM documents", "whole documents", "figures rows whose offsets"),
        ("INSERT INTO stories_pending (unit_key, doc_id, features) SELECT unit_key, doc_id, '{}' FROM story_units LIMIT 1", "queues", "both waiting and clustered"),
        ("DELETE FROM segment_search WHERE doc_id = (SELECT MIN(doc_id) FROM segment_search)", "index", "missing from the full-text index"),
        ("UPDATE segments SET end_char = 10000000 WHERE idx = 0", "whole documents", "segments outside their document's text"),
    ],
    ids=["missing-fingerprint", "sentence-gap", "figure-offsets", "pending-and-clustered", "search-index", "segment-offsets"],
)
def test_damage_is_named_on_both_backends(filled_store_db, raw_sql, statement, check, says):
    raw_sql(filled_store_db, statement)
    report = _check_db(filled_store_db)
    found = [f for f in report.findings if f.check == check and says in f.message]
    assert found, [str(f) for f in report.findings]
    assert found[0].count >= 1


def test_orphan_rows_are_found_on_postgres_when_constraints_were_skipped(filled_store_db, raw_sql):
    """PostgreSQL enforces foreign keys, but a restore or a replica-mode session skips them."""
    if not filled_store_db.startswith("postgresql://"):
        pytest.skip("SQLite orphans are covered by test_damage_is_named")
    raw_sql(filled_store_db, "SET session_replication_role = replica; DELETE FROM documents WHERE id = (SELECT MIN(id) FROM documents)")
    report = _check_db(filled_store_db)
    orphans = [f for f in report.findings if f.check == "orphans"]
    assert any("rows in segments whose documents row is gone" in f.message for f in orphans), [str(f) for f in report.findings]
    assert all(f.examples for f in orphans)


def test_cli_check_on_postgres(filled_store_db, raw_sql):
    if not filled_store_db.startswith("postgresql://"):
        pytest.skip("the SQLite command is covered by test_cli_check_exit_codes_and_json")
    runner = CliRunner()
    ok = runner.invoke(app, ["--db", filled_store_db, "check"])
    assert ok.exit_code == 0, ok.output
    assert "ok (2 documents" in ok.output
    raw_sql(filled_store_db, "DELETE FROM segment_search")
    bad = runner.invoke(app, ["--db", filled_store_db, "check", "--format", "json"])
    assert bad.exit_code == 1 and "missing from the full-text index" in bad.output
