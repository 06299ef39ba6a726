"""Shared fixtures: the seed corpus and gold from ../shared, skipped with a reason when absent."""

from __future__ import annotations

import os
import secrets
import sqlite3
import tomllib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "corpus" / "seeds"
GOLD = SHARED / "gold" / "seeds.toml"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--slow", action="store_true", help="also run corpus-scale tests (same as WIRETRAIL_SLOW=1)")


def pytest_configure(config: pytest.Config) -> None:
    if config.getoption("--slow"):
        os.environ["WIRETRAIL_SLOW"] = "1"  # read by test modules that scale their example counts


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get("WIRETRAIL_SLOW") == "1":
        return
    skip = pytest.mark.skip(reason="corpus-scale: run with --slow (or WIRETRAIL_SLOW=1)")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


def _need(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"{path} is absent: the shared corpus is not checked out beside the project")
    return path


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    return _need(SHARED)


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return _need(SEEDS)


@pytest.fixture(scope="session")
def gold() -> dict:
    return tomllib.loads(_need(GOLD).read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def seed_path(seeds_dir: Path):
    """seed_path('004') -> the path of the seed file whose name starts with 004."""

    def find(prefix: str) -> Path:
        (match,) = sorted(seeds_dir.glob(f"{prefix}*"))
        return match

    return find


@pytest.fixture()
def tmp_db(tmp_path: Path) -> Path:
    return tmp_path / "wiretrail.db"


@pytest.fixture(scope="session")
def seeded_store(seeds_dir, tmp_path_factory):
    """The five seeds ingested once (one process) for tests that only read the result."""
    from wiretrail.pipeline import ingest
    from wiretrail.settings import Settings
    from wiretrail.store import open_store

    store = open_store(tmp_path_factory.mktemp("seeded") / "wiretrail.db")
    ingest(store, [seeds_dir], settings=Settings(workers=1))
    yield store
    store.close()


# -- store backends: the store suite runs on SQLite and on PostgreSQL ---------------------------

POSTGRES_URLS = (  # WIRETRAIL_TEST_POSTGRES names another server; else this machine's, as either user
    (os.environ["WIRETRAIL_TEST_POSTGRES"],)
    if os.environ.get("WIRETRAIL_TEST_POSTGRES")
    else ("postgresql://postgres@127.0.0.1:5432/test", "postgresql://root@127.0.0.1:5432/test")
)
STORE_BACKENDS = ("sqlite", "postgres")


@cache
def postgres_server() -> tuple[str | None, str]:
    """(a URL that connects, or None, and why not)."""
    try:
        import psycopg
    except ImportError:
        return None, "psycopg is not installed: pip install 'wiretrail[postgres]'"
    reasons = []
    for url in POSTGRES_URLS:
        try:
            psycopg.connect(url, connect_timeout=3).close()
            return url, ""
        except psycopg.Error as exc:
            reasons.append(f"{url}: {' '.join(str(exc).split())}")
    return None, "no PostgreSQL server answers (" + "; ".join(reasons) + ")"


def with_search_path(url: str, schema: str) -> str:
    return url + ("&" if "?" in url else "?") + f"options=-csearch_path%3D{schema}"


@contextmanager
def postgres_schema() -> Iterator[str]:
    """A URL whose tables go to a fresh schema, dropped afterwards, so runs never collide."""
    import psycopg

    url, why = postgres_server()
    if url is None:
        pytest.skip(why)
    schema = f"wt_{secrets.token_hex(6)}"
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f"CREATE SCHEMA {schema}")
    try:
        yield with_search_path(url, schema)
    finally:
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute(f"DROP SCHEMA {schema} CASCADE")


@contextmanager
def fresh_store_db(backend: str, folder: Path) -> Iterator[str]:
    """Where a new, empty store lives: a SQLite file path or a PostgreSQL URL."""
    if backend == "sqlite":
        yield str(folder / "wiretrail.db")
    else:
        with postgres_schema() as url:
            yield url


@pytest.fixture(params=STORE_BACKENDS)
def store_db(request, tmp_path: Path) -> Iterator[str]:
    """A fresh store location on each backend: pass it to `open_store`, reopen it at will."""
    with fresh_store_db(request.param, tmp_path) as db:
        yield db


@pytest.fixture(scope="module", params=STORE_BACKENDS)
def module_store_db(request, tmp_path_factory) -> Iterator[str]:
    """`store_db` shared by a module's tests (for stores that take a while to fill)."""
    with fresh_store_db(request.param, tmp_path_factory.mktemp(request.param)) as db:
        yield db


@pytest.fixture()
def raw_sql() -> Callable[[str, str], None]:
    """raw_sql(db, statement): run SQL on a store behind its back (to fake a newer schema, ...)."""

    def run(db: str, statement: str) -> None:
        if db.startswith("postgresql://"):
            import psycopg

            with psycopg.connect(db, autocommit=True) as conn:
                conn.execute(statement)
        else:
            with sqlite3.connect(db) as conn:
                conn.execute(statement)
            conn.close()

    return run
