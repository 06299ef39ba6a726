"""Storage: the `Store` interface and its backends."""

from __future__ import annotations

from pathlib import Path

from .base import DocumentQuery, SearchHit, Store, StoreCounts, WriteResult
from .postgres import PostgresStore
from .sqlite import SQLiteStore

__all__ = [
    "DocumentQuery", "PostgresStore", "SQLiteStore", "SearchHit", "Store", "StoreCounts", "WriteResult",
    "open_store",
]  # fmt: skip

POSTGRES_SCHEMES = ("postgresql://", "postgres://")


def open_store(db: str | Path) -> SQLiteStore | PostgresStore:
    """Open (creating and migrating if needed) the store named by `db`: a `postgresql://` or
    `postgres://` URL, else a SQLite file path."""
    text = str(db)
    if text.startswith(POSTGRES_SCHEMES):
        return PostgresStore(text)
    return SQLiteStore(text)
