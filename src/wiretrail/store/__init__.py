"""Storage: the `Store` interface and its backends."""

from __future__ import annotations

from pathlib import Path

from ..errors import ConfigError
from .base import DocumentQuery, Store, StoreCounts, WriteResult
from .sqlite import SQLiteStore

__all__ = ["DocumentQuery", "SQLiteStore", "Store", "StoreCounts", "WriteResult", "open_store"]


def open_store(db: str | Path) -> SQLiteStore:
    """Open (creating and migrating if needed) the store named by `db`: a SQLite file path."""
    text = str(db)
    if text.startswith(("postgresql://", "postgres://")):
        raise ConfigError(
            f"store {text!r}: the PostgreSQL backend is not available in this version; "
            "use a SQLite file path"
        )
    return SQLiteStore(text)
