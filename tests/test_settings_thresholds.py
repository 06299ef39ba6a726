"""Every pipeline threshold is a setting: a guard against new constants, the settings changing
results on the seeds, and fingerprint settings pinned in the store."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from wiretrail.cli import app
from wiretrail.errors import ConfigError
from wiretrail.pipeline import ingest
from wiretrail.settings import Settings, load_settings, setting_docs
from wiretrail.store import open_store
from wiretrail.thresholds import STORED_THRESHOLDS, Thresholds, thresholds, using

SRC = Path(__file__).resolve().parents[1] / "src" / "wiretrail"
PIPELINE = ("ingest", "provenance", "stories", "clean", "segment", "extract", "report", "batch", "pipeline.py", "language.py", "nlp.py")

# Module constants that are deliberately not settings. Anything else numeric and UPPER_CASE at
# module level in the pipeline packages fails `test_every_threshold_is_a_setting`: make it a field
# of `wiretrail.thresholds.Thresholds` (read with `thresholds()`), or add it here with its reason.
NOT_SETTINGS = {
    # safety: size guards a user must not lift (quadratic work, memory)
    "pipeline.py:MAX_PARAGRAPH_CHARS": "spaCy's input bound per paragraph",
    "provenance/matching.py:MAX_MATCHES_PER_SENTENCE": "10,000 copies of one text link to 50, not all",
    # formats and units: changing them breaks files or arithmetic, not a tuning
    "segment/liveblog.py:MINUTES_PER_DAY": "a unit",
    "extract/gazetteer.py:CACHE_FORMAT": "cache file format version",
    "batch/analyze.py:PICKLE_PROTOCOL": "result file format",
    "batch/manifest.py:FORMAT": "batch result format version",
    "batch/partitions.py:SEQ_FILE_SHIFT": "bit layout of ingest order numbers",
    # resources: memory and speed only, results are the same at any value
    "provenance/embeddings.py:EMBED_BATCH": "sentences per forward pass",
    "provenance/embeddings.py:EMBED_CACHE_SENTENCES": "embedding cache size",
    "provenance/rewrites.py:TERMS_CACHE_DOCUMENTS": "term cache size",
    "provenance/rewrites.py:TERMS_CACHE_SENTENCES": "term cache size, by sentence text",
    "pipeline.py:RESUME_BATCH": "documents per resume transaction",
    "pipeline.py:IN_FLIGHT_PER_WORKER": "queued batches per worker",
    "nlp.py:NLP_BATCH_SIZE": "paragraphs per spaCy batch",
    "batch/dedup.py:OWNER_DOCS": "documents per dedup task",
    "batch/partitions.py:SPLIT_BYTES": "partition size",
    "batch/tables.py:ROWS_PER_FILE": "rows per Parquet file",
    "batch/merge.py:PROVENANCE_ROWS": "rows per provenance transaction of a load",
    "batch/merge.py:STORY_PASS_UNITS": "story units per pass of a fresh load (same stories at any size)",
    "batch/dedup.py:OVER": "marker in a column of document numbers",
    "batch/run.py:RETRIES": "task retries",
    "batch/cluster.py:RESTART_TIMEOUT_S": "how long a worker restart may take before new workers replace it",
    "extract/gazetteer.py:STALE_CACHE_DAYS": "cache housekeeping",
    "report/cache.py:MAX_ENTRIES": "report cache size",
    "report/cache.py:REFRESH_WORKERS": "background recomputes at once",
    "report/cache.py:REFRESH_PACE": "CPU share of recomputes (the api_refresh_min_s setting sets the floor)",
    "report/cache.py:PAGES_PER_ENTRY": "encoded pages kept per result",
    "report/timeline.py:TERMS_CACHE_SENTENCES": "term cache size",
    "report/figure_table.py:FOLD_CACHE_WORDS": "word-folding cache size",
    # reading: how many bytes are looked at to recognise a format or an encoding, and limits
    "ingest/__init__.py:DEFAULT_MAX_BYTES": "the default of the max_input_bytes setting, for callers without settings",
    "ingest/decode.py:BINARY_SNIFF_BYTES": "where NULs mean binary content",
    "ingest/decode.py:MAX_UTF8_TAIL": "a fact of UTF-8 (at most 3 bytes of a cut character)",
    "ingest/files.py:SNIFF_BYTES": "the head a format is recognised on",
    "ingest/files.py:READ_CHUNK_BYTES": "read size",
    "ingest/html.py:META_CHARSET_SCAN_BYTES": "the head a <meta charset> is looked for in",
    "ingest/tables.py:ENCODING_SNIFF_BYTES": "the head a streamed table's encoding is detected on",
}


def _numeric_constants() -> list[str]:
    found = []
    for package in PIPELINE:
        path = SRC / package
        for file in sorted(path.rglob("*.py")) if path.is_dir() else [path]:
            env: dict[str, object] = {}
            for node in ast.parse(file.read_text(encoding="utf-8")).body:
                target = node.targets[0] if isinstance(node, ast.Assign) and len(node.targets) == 1 else getattr(node, "target", None)
                if not isinstance(target, ast.Name) or not re.fullmatch(r"[A-Z][A-Z0-9_]*", target.id) or node.value is None:
                    continue
                try:
                    value = eval(compile(ast.Expression(node.value), str(file), "eval"), {"math": __import__("math")}, env)  # noqa: S307
                except Exception:  # not a constant expression (a regex, a call): not a threshold
                    continue
                env[target.id] = value
                if isinstance(value, (int, float)) and not isinstance(value, bool):
                    found.append(f"{file.relative_to(SRC)}:{target.id}")
    return found


def test_every_threshold_is_a_setting():
    stray = [c for c in _numeric_constants() if c not in NOT_SETTINGS]
    assert not stray, f"make these settings (wiretrail/thresholds.py) or list them in NOT_SETTINGS: {stray}"
    gone = [c for c in NOT_SETTINGS if c not in _numeric_constants()]
    assert not gone, f"no longer constants, drop from NOT_SETTINGS: {gone}"


def test_thresholds_are_documented_settings_with_their_defaults():
    docs = setting_docs()
    names = [f for f in Thresholds.__dataclass_fields__]
    assert len(names) > 150
    assert all(docs.get(n) for n in names), [n for n in names if not docs.get(n)]
    settings = Settings()
    assert all(getattr(settings, n) == getattr(Thresholds(), n) for n in names)
    assert thresholds() == Thresholds()  # nothing installed: the defaults


def test_float_settings_are_checked():
    base = Settings()
    assert base.with_overrides("env", {"provenance_duplicate_coverage": "0.95"}).provenance_duplicate_coverage == 0.95
    assert base.with_overrides("env", {"stories_join_threshold": 1}).stories_join_threshold == 1.0
    assert base.with_overrides("env", {"places_weight_shadowed": "-2"}).places_weight_shadowed == -2.0
    for key, value, why in [
        ("provenance_duplicate_coverage", "1.5", "between 0 and 1"),
        ("provenance_verify_jaccard", "-0.1", "between 0 and 1"),
        ("stories_merge_threshold", "-1", "0 or more"),
        ("stories_join_threshold", "high", "must be a number"),
        ("stories_join_threshold", "inf", "finite"),
        ("stories_join_threshold", True, "must be a number"),
        ("clean_max_gap", 2.5, "whole number"),
        ("clean_max_gap", "2.5", "whole number"),
    ]:
        with pytest.raises(ConfigError, match=f"setting {key}=.*{why}"):
            base.with_overrides("env", {key: value})
    with pytest.raises(ConfigError, match="provenance_minhash_permutations=66 must be a multiple of provenance_minhash_band_rows=4"):
        base.with_overrides("file x", {"provenance_minhash_permutations": 66})


def test_config_shows_thresholds_and_their_origin(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "wiretrail.toml").write_text("provenance_duplicate_coverage = 0.95\n", encoding="utf-8")
    monkeypatch.setenv("WIRETRAIL_STORIES_JOIN_THRESHOLD", "0.7")
    result = CliRunner().invoke(app, ["--db", "x.db", "config", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = {r["name"]: r for r in json.loads(result.stdout)}
    assert rows["provenance_duplicate_coverage"]["value"] == 0.95 and rows["provenance_duplicate_coverage"]["origin"].startswith("file")
    assert rows["stories_join_threshold"]["value"] == 0.7 and rows["stories_join_threshold"]["origin"] == "env"
    assert rows["provenance_minhash_seed"]["origin"] == "default" and "pinned" in rows["provenance_minhash_seed"]["help"]


def test_thresholds_follow_the_context_and_reach_stage_code():
    from wiretrail.stories.cluster import StoryClusterer

    strict = Settings().with_overrides("argument", {"stories_join_threshold": 0.9})
    with using(strict):
        assert StoryClusterer().join_threshold == 0.9
    assert StoryClusterer().join_threshold == 0.6


# -- on the seeds ---------------------------------------------------------------------------


def _links(db: Path, seeds_dir: Path, settings: Settings) -> set[tuple[str, str, str]]:
    with open_store(db) as store:
        ingest(store, [seeds_dir], settings=settings)
        return {(link.from_doc, link.to_doc, link.relation.value) for link in store.links()}


def test_stricter_provenance_settings_from_file_and_env_stop_links(seeds_dir, tmp_path, monkeypatch):
    base = Settings(workers=1, extract=False)
    linked = _links(tmp_path / "a.db", seeds_dir, base)
    assert linked, "the seeds are linked under the defaults"
    monkeypatch.chdir(tmp_path)
    # shared passages and duplicates need more words in common than any two seeds share, and
    # rewrites more salient terms than a document keeps
    (tmp_path / "wiretrail.toml").write_text("provenance_min_shared_tokens = 100000\nprovenance_passage_min_words = 100000\n", encoding="utf-8")
    monkeypatch.setenv("WIRETRAIL_PROVENANCE_REWRITE_MIN_SHARED_TERMS", "1000")
    strict = load_settings(overrides={"workers": 1, "extract": False})
    assert strict.sources["provenance_min_shared_tokens"].startswith("file")
    assert strict.sources["provenance_rewrite_min_shared_terms"] == "env"
    assert _links(tmp_path / "b.db", seeds_dir, strict) < linked


def test_a_store_refuses_other_fingerprint_settings(tmp_path):
    text = tmp_path / "a.txt"
    text.write_text("Shelling was reported in Sumy on Wednesday, the regional governor said in a statement.\n", encoding="utf-8")
    db = tmp_path / "w.db"
    with open_store(db) as store:
        ingest(store, [text], settings=Settings(workers=1, extract=False))
        assert store.pinned_settings() == {n: str(getattr(Settings(), n)) for n in STORED_THRESHOLDS}
    other = Settings(workers=1, extract=False).with_overrides("env", {"provenance_minhash_seed": 7})
    with open_store(db) as store, pytest.raises(ConfigError) as err:
        ingest(store, [text], settings=other)
    assert "provenance_minhash_seed=7" in str(err.value) and "20241203" in str(err.value)
    with open_store(db) as store:  # the same values again are fine
        assert ingest(store, [text], settings=Settings(workers=1, extract=False)).existing == 1


def test_the_thresholds_page_is_current():
    """docs/thresholds.md is generated from the code: a threshold added or changed without
    regenerating it would leave the documentation wrong."""
    import importlib.util

    script = Path(__file__).resolve().parents[1] / "scripts" / "thresholds_table.py"
    spec = importlib.util.spec_from_file_location("thresholds_table", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.OUT.read_text(encoding="utf-8") == module.render(), (
        "docs/thresholds.md is out of date: run .venv/bin/python scripts/thresholds_table.py"
    )
