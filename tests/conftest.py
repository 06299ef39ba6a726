"""Shared fixtures: the seed corpus and gold from ../shared, skipped with a reason when absent."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "corpus" / "seeds"
GOLD = SHARED / "gold" / "seeds.toml"


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
