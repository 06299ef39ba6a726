"""The shared store: PostgreSQL, for a team reading one record while copies stream in.

`--db postgresql://user@host/db` (the `postgres` extra: psycopg 3). The tables live in the
first schema of the connection's search_path (`?options=-csearch_path%3Dnews` picks one).
Readers run in autocommit, each statement on its own snapshot, so they never wait for an
ingest and never see half a batch. Every write transaction first takes a transaction-level
advisory lock for the schema, so writers take turns as SQLite's `BEGIN IMMEDIATE` makes them:
the surname merges of extraction and the clusterer's state are read-then-write and must not
interleave. The SQL is `sql.SQLStore`'s, shared with SQLite, through a connection that takes
qmark parameters.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

from ..errors import StoreError
from . import search
from .base import SearchHit
from .migrations import POSTGRES
from .sql import SQLStore

try:
    import psycopg
except ImportError:  # the `postgres` extra is not installed
    psycopg = None  # type: ignore[assignment]

CONNECT_TIMEOUT_S = 10  # a server that does not answer in this long is reported, not waited on
INSTALL_HINT = "pip install 'wiretrail[postgres]'"
MAX_BIND_PARAMS = 30_000  # values per multi-row INSERT: under the protocol's 65,535, and large
# enough that a document's rows take a handful of round trips instead of thousands

_INSERT_VALUES = re.compile(r"(?P<head>INSERT INTO .+? VALUES )(?P<row>\((?:\?, )*\?\))(?P<tail>.*)", re.DOTALL)


def redact(url: str) -> str:
    """The URL with any password hidden, fit for messages and logs."""
    url = re.sub(r"(://[^:/@?#]*):[^@/?#]*@", r"\1:***@", url)
    return re.sub(r"(?i)(password=)[^&\s]*", r"\1***", url)


@lru_cache(maxsize=1024)
def _pyformat(sql: str) -> str:
    """qmark SQL as psycopg reads it: `?` becomes `%s`, a literal `%` is doubled."""
    return sql.replace("%", "%%").replace("?", "%s")


@lru_cache(maxsize=256)
@lru_cache(maxsize=64)
def _numbered_rows(rows: int, width: int) -> str:
    """`($1, $2), ($3, $4)` for 2 rows of 2: a multi-row VALUES list in PostgreSQL's own
    placeholders."""
    return ", ".join("(" + ", ".join(f"${r * width + c + 1}" for c in range(width)) + ")" for r in range(rows))


@lru_cache(maxsize=256)
def _row_class(names: tuple[str, ...]) -> type[tuple]:
    index = {name: i for i, name in enumerate(names)}

    class Row(tuple):
        """A tuple that also answers row["column"] and dict(row), as sqlite3.Row does."""

        __slots__ = ()

        def __getitem__(self, key: Any) -> Any:
            return tuple.__getitem__(self, index[key] if isinstance(key, str) else key)

        def keys(self) -> tuple[str, ...]:
            return names

    return Row


def _rows(cursor: Any) -> type[tuple]:
    return _row_class(tuple(c.name for c in cursor.description or ()))


class QmarkConnection:
    """A psycopg connection that takes the qmark SQL the portable store modules write."""

    def __init__(self, conn: Any) -> None:
        self.raw = conn

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        if not params:
            return self.raw.execute(sql)
        return self.raw.execute(_pyformat(sql), params)

    def executemany(self, sql: str, params: Sequence[Sequence[Any]]) -> None:
        """Many rows; an INSERT goes as multi-row VALUES, one round trip per MAX_BIND_PARAMS
        values (a batch writes thousands of fingerprint rows per document). An upsert that
        updates stays row by row: PostgreSQL refuses one statement touching a row twice."""
        params = list(params)
        if not params:
            return
        insert = _INSERT_VALUES.match(sql)
        if insert is None or "DO UPDATE" in insert["tail"].upper():
            with self.raw.cursor() as cursor:
                cursor.executemany(_pyformat(sql), params)
            return
        width = insert["row"].count("?")
        per_statement = max(1, MAX_BIND_PARAMS // width)
        with psycopg.RawCursor(self.raw) as cursor:  # $n placeholders: no client-side parsing
            for i in range(0, len(params), per_statement):
                chunk = params[i : i + per_statement]
                cursor.execute(insert["head"] + _numbered_rows(len(chunk), width) + insert["tail"], [v for r in chunk for v in r])

    def close(self) -> None:
        self.raw.close()


class PostgresStore(SQLStore):
    """`Store` on a PostgreSQL database, named by a `postgresql://` URL."""

    backend = POSTGRES
    index_sql = search.POSTGRES_INDEX
    db_errors = (psycopg.Error,) if psycopg is not None else ()

    def __init__(self, url: str) -> None:
        self.url = url
        self.name = redact(url)
        if psycopg is None:
            raise StoreError(f"cannot open store {self.name}: the PostgreSQL driver is not installed; {INSTALL_HINT}")
        try:
            params = psycopg.conninfo.conninfo_to_dict(url)
            params.setdefault("connect_timeout", CONNECT_TIMEOUT_S)
            params.setdefault("application_name", "wiretrail")
            raw = psycopg.connect(**params, autocommit=True, row_factory=_rows)
        except psycopg.Error as exc:
            raise StoreError(f"cannot open store {self.name}: {exc}") from exc
        self._conn = QmarkConnection(raw)
        try:
            database, schema = raw.execute("SELECT current_database(), current_schema()").fetchone()
            if schema is None:
                raise StoreError(
                    f"cannot open store {self.name}: no schema of its search_path exists; "
                    "create it (CREATE SCHEMA ...) or name one with ?options=-csearch_path%3D<schema>"
                )
            self.schema = schema
            digest = hashlib.blake2b(f"wiretrail:{database}:{schema}".encode(), digest_size=8).digest()
            self._lock_key = int.from_bytes(digest, "big", signed=True)  # one writer per schema
            self._migrate()
        except psycopg.Error as exc:
            raw.close()
            raise StoreError(f"cannot open store {self.name}: {exc}") from exc
        except StoreError:
            raw.close()
            raise

    def _table_exists(self, table: str) -> bool:
        return self._conn.execute("SELECT to_regclass(?)", (table,)).fetchone()[0] is not None

    @contextmanager
    def _transaction(self) -> Iterator[QmarkConnection]:
        with self._conn.raw.transaction():
            self._conn.execute("SELECT pg_advisory_xact_lock(?)", (self._lock_key,))
            yield self._conn

    def _search(self, query: str, limit: int, offset: int) -> list[SearchHit]:
        cursor = self._conn.execute(search.POSTGRES_SEARCH, (query, limit, offset))
        return [
            SearchHit(doc_id, idx, start, end, search.excerpt(body, search.query_lexemes(tsquery)), float(score))
            for doc_id, idx, start, end, score, body, tsquery in cursor
        ]
