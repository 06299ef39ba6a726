"""The embedded default store: one SQLite file.

WAL mode lets readers (the CLI, the HTTP API) query while an ingest writes; every batch is one
`BEGIN IMMEDIATE ... COMMIT`, so a crash leaves the previous batch's state intact. The store's
logic lives in `sql.SQLStore`, shared with PostgreSQL; this module opens the file, holds the
write lock and searches with FTS5.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from ..errors import StoreError
from . import search
from .base import SearchHit
from .migrations import SQLITE
from .sql import SQLStore

BUSY_TIMEOUT_S = 30.0  # wait this long for another writer before failing: ingests are batched
SCRATCH_CACHE_MB = 256  # page cache of a scratch store (SQLite's default is 2 MB): a dedup task
# inserts millions of index rows at random keys, which a small cache turns into page reads and
# spills; on a 10,000-member task of generated documents, the task took 348 s with the defaults
# and 256-270 s with these settings, holding ~1,000 MB instead of 638


class SQLiteStore(SQLStore):
    """`Store` on a SQLite file; `":memory:"` gives a private in-memory store for tests.

    A `scratch` store is one only its writer reads and that is deleted when the work is done
    (a batch dedup task's, the batch assembly's): its rollback journal stays in memory, nothing
    is synced to disk and its page cache is SCRATCH_CACHE_MB. A failed batch still rolls back;
    a crash may leave the file corrupt, which is why only throwaway stores are opened so."""

    backend = SQLITE
    index_sql = search.SQLITE_INDEX
    db_errors = (sqlite3.DatabaseError,)

    def __init__(self, path: str | Path, *, scratch: bool = False) -> None:
        self.path = self.name = str(path)
        if self.path != ":memory:":
            parent = Path(self.path).expanduser().resolve().parent
            if not parent.is_dir():
                raise StoreError(f"cannot open store {self.path}: folder {parent} does not exist")
        try:
            self._conn = sqlite3.connect(
                self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
            )
            self._conn.row_factory = sqlite3.Row
            self._conn.execute("PRAGMA foreign_keys = ON")
            if scratch:
                self._conn.execute("PRAGMA journal_mode = MEMORY")
                self._conn.execute("PRAGMA synchronous = OFF")
                self._conn.execute(f"PRAGMA cache_size = {-SCRATCH_CACHE_MB * 1024}")  # negative: KiB
            elif self.path != ":memory:":
                self._conn.execute("PRAGMA journal_mode = WAL")
                self._conn.execute("PRAGMA synchronous = NORMAL")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"cannot open store {self.path}: {exc}") from exc

    def _plain(self, sql: str, params=()) -> sqlite3.Cursor:
        cursor = self._conn.cursor()
        cursor.row_factory = None  # tuples: building a sqlite3.Row per index row costs more than the query
        return cursor.execute(sql, params)

    def _table_exists(self, table: str) -> bool:
        return self._conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
        ).fetchone() is not None

    class _Tx:
        def __init__(self, conn: sqlite3.Connection) -> None:
            self.conn = conn

        def __enter__(self) -> sqlite3.Connection:
            self.conn.execute("BEGIN IMMEDIATE")
            return self.conn

        def __exit__(self, exc_type, exc, tb) -> None:
            if exc_type is None:
                self.conn.execute("COMMIT")
            else:
                self.conn.execute("ROLLBACK")

    def _transaction(self) -> _Tx:
        return SQLiteStore._Tx(self._conn)

    def _search(self, query: str, limit: int, offset: int) -> list[SearchHit]:
        expression = search.fts5_query(query)
        if expression is None:
            return []
        cursor = self._conn.execute(search.SQLITE_SEARCH, (expression, limit, offset))
        return [
            SearchHit(doc_id, idx, start, end, search.tidy_snippet(snippet), score)
            for doc_id, idx, start, end, score, snippet in cursor
        ]

    def integrity_errors(self) -> list[str]:
        """What SQLite's own check and our foreign keys say is wrong, and offsets outside their
        text (empty when healthy)."""
        problems = [r[0] for r in self._conn.execute("PRAGMA integrity_check") if r[0] != "ok"]
        problems += [f"orphan row in {r[0]} (rowid {r[1]})" for r in self._conn.execute("PRAGMA foreign_key_check")]
        return problems + super().integrity_errors()
