"""Store maintenance: `check_store` says what is wrong with a store, `backup_store` copies it live.

A check runs, in order:

    1. integrity      SQLite's own page check, orphan rows (every foreign key), segment and
                        sentence offsets (`SQLiteStore.integrity_errors`, grouped); on
                        PostgreSQL, which enforces foreign keys and checks its own pages, orphan
                        rows are still looked for (a restore or `session_replication_role =
                        replica` can skip the constraints) along with the offsets
    2. whole documents  a document with text has segments; segment and sentence indexes run
                        0..n-1; every sentence lies inside a segment of its document; offsets of
                        mentions, quotes and figures lie inside the text
    3. index          every sentence has its fingerprint (exact key) and no fingerprint lacks its
                        sentence; the full-text index (FTS5 `segment_search`, or PostgreSQL's
                        `tsvector` table of that name) holds exactly the stored segments, and
                        FTS5's own check passes
    4. queues         a story unit is either waiting (`stories_pending`) or clustered, never both;
                        every clustered unit's story exists

Each finding names the check, how many rows, and a few of them, so the report says what to look
at. Both backends are read through two store methods (`SQLStore.table_names`, `read_rows`).
A backup uses SQLite's online backup API: it reads one consistent snapshot while an ingest or
a server keeps writing (WAL mode lets both run), writes it beside the destination and renames it
into place only once it is whole and passes the integrity check.
"""

from __future__ import annotations

import logging
import os
import re
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..errors import ConfigError, StoreError
from .migrations import POSTGRES

log = logging.getLogger(__name__)

EXAMPLES = 5  # rows named per finding: enough to look one up, short enough to read
POSTGRES_SCHEMES = ("postgresql://", "postgres://")


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing wrong: which check found it, how many rows, and a few of them by key."""

    check: str
    message: str
    count: int
    examples: tuple[str, ...] = ()

    def __str__(self) -> str:
        shown = f" (e.g. {', '.join(self.examples)})" if self.examples else ""
        return f"{self.check}: {self.message}: {self.count}{shown}"


@dataclass(frozen=True, slots=True)
class CheckReport:
    """What `check_store` looked at and found; `ok` when nothing is wrong."""

    path: str
    documents: int
    segments: int
    sentences: int
    findings: tuple[Finding, ...]

    @property
    def ok(self) -> bool:
        return not self.findings


@dataclass(frozen=True, slots=True)
class BackupReport:
    source: str
    destination: str
    bytes: int
    documents: int


# -- check ------------------------------------------------------------------------------------

# (check, what is wrong, a query that returns one key per bad row). Each runs over the whole
# store; all are index lookups or one pass over a table.
_WHOLE_DOCUMENT_QUERIES = (
    (
        "whole documents",
        "documents with text but no segments",
        "SELECT d.id FROM documents AS d WHERE trim(d.text) != '' "
        "AND NOT EXISTS (SELECT 1 FROM segments AS s WHERE s.doc_id = d.id)",
    ),
    (
        "whole documents",
        "documents whose segment indexes do not run 0..n-1",
        "SELECT doc_id FROM segments GROUP BY doc_id HAVING MIN(idx) != 0 OR MAX(idx) != COUNT(*) - 1",
    ),
    (
        "whole documents",
        "documents whose sentence indexes do not run 0..n-1",
        "SELECT doc_id FROM sentences GROUP BY doc_id HAVING MIN(idx) != 0 OR MAX(idx) != COUNT(*) - 1",
    ),
    (
        "whole documents",
        "sentences whose segment does not exist",
        "SELECT t.doc_id || ':' || t.idx FROM sentences AS t WHERE NOT EXISTS "
        "(SELECT 1 FROM segments AS s WHERE s.doc_id = t.doc_id AND s.idx = t.segment_idx)",
    ),
    (
        "whole documents",
        "sentences outside their segment",
        "SELECT t.doc_id || ':' || t.idx FROM sentences AS t JOIN segments AS s "
        "ON s.doc_id = t.doc_id AND s.idx = t.segment_idx "
        "WHERE t.start_char < s.start_char OR t.end_char > s.end_char OR t.start_char > t.end_char",
    ),
)
# Extracted facts carry (doc_id, start_char, end_char) into documents.text (segments and sentences
# are checked by `integrity_errors`). SQLite's length() stops at a NUL character, so documents
# holding one are skipped here.
_OFFSET_TABLES = ("mentions", "quotes", "figures")
_INDEX_QUERIES = (
    (
        "index",
        "sentences without a fingerprint",
        "SELECT t.doc_id || ':' || t.idx FROM sentences AS t WHERE NOT EXISTS "
        "(SELECT 1 FROM sentence_keys AS k WHERE k.doc_id = t.doc_id AND k.sent_idx = t.idx)",
    ),
    (
        "index",
        "fingerprints without a sentence",
        "SELECT k.doc_id || ':' || k.sent_idx FROM sentence_keys AS k WHERE NOT EXISTS "
        "(SELECT 1 FROM sentences AS t WHERE t.doc_id = k.doc_id AND t.idx = k.sent_idx)",
    ),
    (
        "index",
        "LSH band keys without a sentence",
        "SELECT DISTINCT COALESCE(d.id, 'document #' || b.doc_seq) || ':' || b.sent_idx FROM sentence_bands AS b "
        "LEFT JOIN documents AS d ON d.seq = b.doc_seq WHERE NOT EXISTS "
        "(SELECT 1 FROM sentences AS t WHERE t.doc_id = d.id AND t.idx = b.sent_idx)",
    ),
)
_QUEUE_QUERIES = (
    (
        "queues",
        "story units both waiting and clustered",
        "SELECT p.unit_key FROM stories_pending AS p JOIN story_units AS u ON u.unit_key = p.unit_key",
    ),
    (
        "queues",
        "clustered units whose story does not exist",
        "SELECT u.unit_key FROM story_units AS u WHERE NOT EXISTS (SELECT 1 FROM stories AS s WHERE s.id = u.story_id)",
    ),
)


def check_store(store) -> CheckReport:
    """Check a store (SQLite or PostgreSQL) and say what is wrong; nothing is changed."""
    if not callable(getattr(store, "read_rows", None)) or not callable(getattr(store, "table_names", None)):
        raise ConfigError(f"wiretrail check needs a SQL store (SQLite or PostgreSQL); {type(store).__name__} is neither")
    postgres = getattr(store, "backend", "") == POSTGRES
    tables = store.table_names()
    findings: list[Finding] = []
    # 1. integrity
    findings.extend(_grouped(store.integrity_errors()))
    if postgres:
        findings.extend(_postgres_orphans(store))
    # 2. whole documents, 3. index, 4. queues
    queries = [q for q in _WHOLE_DOCUMENT_QUERIES + _INDEX_QUERIES + _QUEUE_QUERIES if _uses_known_tables(q[2], tables)]
    queries += [
        ("whole documents", f"{table} rows whose offsets lie outside the document text", _offsets_query(table, postgres=postgres))
        for table in _OFFSET_TABLES
        if table in tables
    ]
    for check, message, sql in queries:
        finding = _finding(store, check, message, sql)
        if finding is not None:
            findings.append(finding)
    findings.extend(_full_text_findings(store, tables, postgres=postgres))

    def count(table: str) -> int:
        return store.read_rows(f"SELECT COUNT(*) FROM {table}")[0][0] if table in tables else 0

    name = str(getattr(store, "path", "") or getattr(store, "name", ""))
    return CheckReport(name, count("documents"), count("segments"), count("sentences"), tuple(findings))


# Every foreign key of the store's schema, as (table, columns, referenced table, columns).
_POSTGRES_FOREIGN_KEYS = (
    "SELECT c.conrelid::regclass::text, c.confrelid::regclass::text, "
    "(SELECT string_agg(a.attname, ',' ORDER BY k.n) FROM unnest(c.conkey) WITH ORDINALITY AS k(attnum, n) "
    " JOIN pg_attribute AS a ON a.attrelid = c.conrelid AND a.attnum = k.attnum), "
    "(SELECT string_agg(a.attname, ',' ORDER BY k.n) FROM unnest(c.confkey) WITH ORDINALITY AS k(attnum, n) "
    " JOIN pg_attribute AS a ON a.attrelid = c.confrelid AND a.attnum = k.attnum) "
    "FROM pg_constraint AS c JOIN pg_namespace AS ns ON ns.oid = c.connamespace "
    "WHERE c.contype = 'f' AND ns.nspname = current_schema() ORDER BY 1, 2, 3"
)


def _postgres_orphans(store) -> list[Finding]:
    """Rows whose referenced row is gone, one query per foreign key (the SQLite side gets the
    same from `PRAGMA foreign_key_check`); a NULL reference is no orphan."""
    findings = []
    for table, parent, columns, parent_columns in store.read_rows(_POSTGRES_FOREIGN_KEYS):
        cols, pcols = columns.split(","), parent_columns.split(",")
        joined = " AND ".join(f"p.{pc} = x.{c}" for c, pc in zip(cols, pcols))
        present = " AND ".join(f"x.{c} IS NOT NULL" for c in cols)
        key = " || ':' || ".join(f"x.{c}::text" for c in cols)
        sql = f"SELECT {key} FROM {table} AS x WHERE {present} AND NOT EXISTS (SELECT 1 FROM {parent} AS p WHERE {joined})"
        finding = _finding(store, "orphans", f"rows in {table} whose {parent} row is gone", sql)
        if finding is not None:
            findings.append(finding)
    return findings


_ORPHAN = re.compile(r"orphan row in (\w+) \((.*)\)")
_OUTSIDE = re.compile(r"(\w+) (\S+) lies outside its document's text")


def _grouped(problems: list[str]) -> list[Finding]:
    """`integrity_errors` lines as findings: orphan rows per table, offsets outside the text per
    kind of row, and SQLite's own page errors."""
    groups: dict[tuple[str, str], list[str]] = {}
    for line in problems:
        if orphan := _ORPHAN.fullmatch(line):
            key, example = ("orphans", f"rows in {orphan[1]} whose document or entity is gone"), orphan[2]
        elif outside := _OUTSIDE.fullmatch(line):
            key, example = ("whole documents", f"{outside[1]}s outside their document's text"), outside[2]
        else:
            key, example = ("integrity", "SQLite integrity check"), line
        groups.setdefault(key, []).append(example)
    return [Finding(check, message, len(rows), tuple(rows[:EXAMPLES])) for (check, message), rows in groups.items()]


def _tables(conn: sqlite3.Connection) -> set[str]:
    return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


_CHECKED_TABLES = ("documents", "segments", "sentences", "sentence_keys", "sentence_bands", "stories_pending", "story_units", "stories")


def _uses_known_tables(sql: str, tables: set[str]) -> bool:
    """A store of an older schema lacks later tables: their checks do not apply."""
    return all(t in tables for t in _CHECKED_TABLES if f" {t} " in f" {sql} ")


def _offsets_query(table: str, *, postgres: bool) -> str:
    key = "x.doc_id || ':' || x.start_char"
    no_nul = "" if postgres else "instr(d.text, char(0)) = 0 AND "  # PostgreSQL text cannot hold a NUL
    return (
        f"SELECT {key} FROM {table} AS x JOIN documents AS d ON d.id = x.doc_id WHERE {no_nul}"
        "(x.start_char < 0 OR x.start_char > x.end_char OR x.end_char > length(d.text))"
    )


def _finding(store, check: str, message: str, sql: str) -> Finding | None:
    keys = [r[0] for r in store.read_rows(sql)]
    if not keys:
        return None
    return Finding(check, message, len(keys), tuple(str(k) for k in keys[:EXAMPLES]))


def _full_text_findings(store, tables: set[str], *, postgres: bool) -> list[Finding]:
    """The search index: FTS5's own integrity check (SQLite); an index of segments (doc_id and
    idx columns, as `store/search.py` builds it on both backends) must hold every stored segment
    once and nothing else."""
    findings = []
    if postgres:
        indexes = ["segment_search"] if {"segment_search", "segments"} <= tables else []
    else:
        indexes = []
        for name, sql in store.read_rows("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND sql LIKE '%USING fts5%'"):
            try:
                store.read_rows(f'INSERT INTO "{name}"("{name}") VALUES (\'integrity-check\')')  # FTS5's check: writes nothing
            except sqlite3.DatabaseError as exc:
                findings.append(Finding("index", f"full-text index {name} is damaged ({exc})", 1))
                continue
            if "segments" in tables and all(column in sql for column in ("doc_id", "idx")):
                indexes.append(name)
    for name in indexes:
        missing = 0
        for message, query in (
            (f"segments missing from the full-text index {name}", f'SELECT doc_id, idx FROM segments EXCEPT SELECT doc_id, idx FROM "{name}"'),
            (f"full-text index {name} rows without a segment", f'SELECT doc_id, idx FROM "{name}" EXCEPT SELECT doc_id, idx FROM segments'),
        ):
            keys = [f"{doc_id}:{idx}" for doc_id, idx in store.read_rows(query)]
            if keys:
                missing += len(keys)
                findings.append(Finding("index", message, len(keys), tuple(keys[:EXAMPLES])))
        if missing:
            continue
        indexed = store.read_rows(f'SELECT COUNT(*) FROM "{name}"')[0][0]
        stored = store.read_rows("SELECT COUNT(*) FROM segments")[0][0]
        if indexed != stored:
            findings.append(Finding("index", f"full-text index {name} has {indexed} rows for {stored} segments (duplicates)", abs(indexed - stored)))
    return findings


# -- backup -----------------------------------------------------------------------------------


def backup_store(db: str | Path, destination: str | Path, *, overwrite: bool = False) -> BackupReport:
    """A consistent copy of the SQLite store `db` at `destination`, taken while others write.

    Raises `ConfigError` for a PostgreSQL store (pg_dump is the tool), `StoreError` when `db`
    is no store or the destination exists (unless `overwrite`) or its folder does not.
    """
    source = str(db)
    if source.startswith(POSTGRES_SCHEMES):
        raise ConfigError(
            f"store {source!r} is PostgreSQL: back it up with pg_dump "
            "(e.g. pg_dump --format=custom --file=wiretrail.dump DBNAME); wiretrail backup copies SQLite stores"
        )
    if source == ":memory:" or not Path(source).is_file():
        raise StoreError(f"cannot back up {source}: no such store file")
    dest = Path(destination)
    if dest.resolve() == Path(source).resolve():
        raise StoreError(f"cannot back up {source} onto itself; name another destination")
    if dest.exists() and not overwrite:
        raise StoreError(f"backup destination {dest} exists; remove it or choose another name")
    if not dest.parent.is_dir():
        raise StoreError(f"backup destination folder {dest.parent} does not exist")
    # 1. copy one snapshot into a temporary file beside the destination
    fd, temp_name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".partial", dir=dest.parent)
    os.close(fd)
    temp = Path(temp_name)
    try:
        try:
            src = sqlite3.connect(f"file:{Path(source).resolve()}?mode=ro", uri=True, timeout=30.0)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"cannot open store {source}: {exc}") from exc
        try:
            with sqlite3.connect(temp) as target:
                # pages=-1: the whole database in one step, under one read transaction, so the
                # copy is one snapshot; in WAL mode writers go on meanwhile
                src.backup(target, pages=-1)
                # 2. the copy must be whole before it takes the destination's name
                problems = [r[0] for r in target.execute("PRAGMA integrity_check") if r[0] != "ok"]
                if problems:
                    raise StoreError(f"backup of {source} failed its integrity check: {'; '.join(problems[:EXAMPLES])}")
                documents = _count_documents(target)
                target.execute("PRAGMA journal_mode = DELETE")  # one self-contained file, no -wal beside it
            target.close()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"cannot back up {source}: {exc}") from exc
        finally:
            src.close()
        # 3. into place
        os.replace(temp, dest)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    log.info("backed up %s to %s", source, dest)
    return BackupReport(source, str(dest), dest.stat().st_size, documents)


def _count_documents(conn: sqlite3.Connection) -> int:
    if "documents" not in _tables(conn):
        raise StoreError("the copied file holds no wiretrail store (no documents table)")
    return conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
