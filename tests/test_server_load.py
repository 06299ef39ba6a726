"""A short load run on real sockets: readers and one writer against `wiretrail serve` on SQLite
must see zero errors and lose no write (the full run is `benchmarks/load.py`)."""

from __future__ import annotations

import importlib.util
import sqlite3
import sys
from pathlib import Path

import pytest

pytest.importorskip("uvicorn", reason="the server extra is not installed: pip install 'wiretrail[server]'")

READERS = 10  # enough concurrency to interleave reads with a post on 2 cores
SECONDS = 5  # with the server's start and the warm-up post, the test stays near 30 s
LOAD = Path(__file__).resolve().parent.parent / "benchmarks" / "load.py"


@pytest.fixture(scope="module")
def load():
    spec = importlib.util.spec_from_file_location("wiretrail_bench_load", LOAD)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_readers_and_a_writer_on_sqlite_see_no_errors_and_lose_no_writes(load, seeded_store, tmp_path, shared_dir):
    if not load.CORPUS.is_dir():
        pytest.skip(f"{load.CORPUS} is absent: the writer posts ukraine-2022 articles")
    db = tmp_path / "load.db"
    source, target = sqlite3.connect(seeded_store.path), sqlite3.connect(db)
    source.backup(target)
    source.close()
    target.close()
    _, others = load.split_sample(load.corpus_rows(), 0)
    records = [load.post_record(row, n) for n, row in enumerate(others[:20])]
    result = load.run_load(str(db), backend="sqlite", readers=READERS, seconds=SECONDS, records=records)
    summary = result.summary()
    assert summary["errors"] == 0, summary["error_examples"]
    assert len(result.posted) >= 2, "the writer stored nothing beyond the warm-up in the window"
    assert result.lost == []
    # every post in the window added one document (the warm-up post was counted before it)
    assert summary["documents_after"] == summary["documents_before"] + len(result.posted) - 1
    assert set(summary["endpoints"]) >= {"timeline", "search", "stories", "documents", "document", "baseline"}
    assert summary["served"] > READERS * 2
