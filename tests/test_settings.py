"""Settings precedence: defaults < wiretrail.toml < WIRETRAIL_* env < arguments."""

from __future__ import annotations

import pytest

from wiretrail.errors import ConfigError
from wiretrail.settings import load_settings


def test_each_layer_overrides_the_one_before(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert load_settings().batch_size == 64
    (tmp_path / "wiretrail.toml").write_text("batch_size = 10\nworkers = 1\ndb = 'file.db'\n")
    monkeypatch.setenv("WIRETRAIL_WORKERS", "2")
    settings = load_settings(overrides={"db": "arg.db"})
    assert (settings.batch_size, settings.workers, settings.db) == (10, 2, "arg.db")
    origins = {name: origin for name, _, origin in settings.describe()}
    assert origins["batch_size"].startswith("file") and origins["workers"] == "env"
    assert origins["db"] == "argument" and origins["max_input_bytes"] == "default"


def test_bad_values_name_the_setting(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("WIRETRAIL_BATCH_SIZE", "many")
    with pytest.raises(ConfigError, match="batch_size='many'"):
        load_settings()
    monkeypatch.delenv("WIRETRAIL_BATCH_SIZE")
    (tmp_path / "wiretrail.toml").write_text("bach_size = 3\n")
    with pytest.raises(ConfigError, match="unknown setting 'bach_size'.*batch_size"):
        load_settings()
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings(config=tmp_path / "nope.toml")
