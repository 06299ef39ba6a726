"""Plugins through entry points: a tiny package built and installed from a temporary folder adds a
reader for a made-up `.wire` format, an export format and an alert channel; a second entry point
of it is broken. The built-ins are registered the same way and keep working.

The package is installed by pip itself (a real build: setuptools writes the dist-info and its
entry_points.txt) into a temporary `--target` folder put on sys.path, so it leaves no trace in the
shared virtualenv and other test runs never see it.
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import textwrap
import tomllib
from datetime import datetime, timezone
from importlib.metadata import entry_points
from pathlib import Path

import pytest
from typer.testing import CliRunner

import test_fetch_server

from wiretrail import plugins
from wiretrail.alerts.deliver import deliver_alerts
from wiretrail.cli import app
from wiretrail.errors import ConfigError
from wiretrail.fetch import FetchConfig, Fetcher, Poller
from wiretrail.report.export import EXPORT_FORMATS
from wiretrail.settings import Settings
from wiretrail.store import open_store
from wiretrail.store.sources import Alert, Passage

local_server = test_fetch_server.local_server  # the fixture, shared

ROOT = Path(__file__).resolve().parents[1]
DIST = "wiretrail-wire-demo"
runner = CliRunner()

PLUGIN_MODULE = '''
"""A demo plugin: `.wire` files (a `WIRE/1` line, `Title:` and `Date:` headers, then the text;
documents separated by `%%`), a `wirecount` export format and a `memo` alert channel."""

import json
from datetime import datetime, timezone

from wiretrail.errors import MalformedInput
from wiretrail.model import RawDocument

DELIVERED = []  # what the memo channel was given, for the test to read


class WireReader:
    name = "wire"
    extensions = (".wire",)
    streamed = False

    def sniff(self, head):
        return head.startswith(b"WIRE/1")

    def read(self, stream, *, source, max_bytes):
        text = stream.read().decode("utf-8")
        if not text.startswith("WIRE/1"):
            raise MalformedInput(source, "not a wire file: no WIRE/1 line")
        for n, block in enumerate(text.split("\\n%%\\n")):
            head, _, body = block.removeprefix("WIRE/1\\n").partition("\\n\\n")
            fields = dict(line.split(": ", 1) for line in head.splitlines() if ": " in line)
            if body.strip() == "BOOM":
                raise RuntimeError("the demo reader's bug")
            yield RawDocument(f"{source}#wire={n}", body, title=fields.get("Title"),
                              outlet="Demo Wire", content_sha=f"wire-{source}-{n}-{hash(body)}")


class WireCount:
    """One JSON file with the rows of every table counted."""

    name = "wirecount"

    def write(self, tables, out_dir):
        counts = {name: sum(1 for _ in records) for name, records in tables.items()}
        (out_dir / "counts.json").write_text(json.dumps(counts))
        return counts


class MemoChannel:
    name = "memo"

    def deliver(self, alert, destination, *, options):
        DELIVERED.append((destination, alert.id))
        return "ok"
'''

PLUGIN_PYPROJECT = f'''
[build-system]
requires = ["setuptools"]
build-backend = "setuptools.build_meta"

[project]
name = "{DIST}"
version = "0.1.0"

[tool.setuptools]
py-modules = ["wiretrail_wire_demo"]

[project.entry-points."wiretrail.readers"]
wire = "wiretrail_wire_demo:WireReader"
gone = "wiretrail_wire_demo_missing:Reader"

[project.entry-points."wiretrail.exporters"]
wirecount = "wiretrail_wire_demo:WireCount"

[project.entry-points."wiretrail.alerts"]
memo = "wiretrail_wire_demo:MemoChannel"
'''

WIRE_FILE = (
    "WIRE/1\nTitle: Troops reach Kursk\nDate: 2024-12-03\n\n"
    "Officials said 10,000 North Korean troops had arrived in the Kursk region on Tuesday.\n"
    "%%\n"
    "WIRE/1\nTitle: Talks end\n\n"
    "The talks in Geneva ended without an agreement after six hours.\n"
)


@pytest.fixture(scope="module")
def plugin(tmp_path_factory):
    """The demo plugin, built and installed by pip into a temporary folder on sys.path."""
    base = tmp_path_factory.mktemp("plugin")
    src, site = base / "src", base / "site"
    src.mkdir()
    (src / "pyproject.toml").write_text(PLUGIN_PYPROJECT)
    (src / "wiretrail_wire_demo.py").write_text(textwrap.dedent(PLUGIN_MODULE))
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation", "--no-index",
         "--disable-pip-version-check", "--target", str(site), str(src)],
        check=True, cwd=base, capture_output=True,
    )  # fmt: skip
    sys.path.insert(0, str(site))
    plugins.refresh()
    try:
        yield site
    finally:
        sys.path.remove(str(site))
        sys.modules.pop("wiretrail_wire_demo", None)
        plugins.refresh()


def test_the_builtins_are_declared_in_pyproject_and_installed_as_entry_points():
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["entry-points"]
    assert {group: declared[group] for group in plugins.GROUPS} == plugins.BUILTINS
    for group, names in plugins.BUILTINS.items():
        installed = {ep.name: ep.value for ep in entry_points(group=group) if ep.dist and ep.dist.name == "wiretrail"}
        assert installed == names, f"re-run `pip install -e .`: {group} entry points are stale"
    assert set(plugins.readers.names()) >= {"text", "html", "feed", "csv", "tsv", "jsonl", "warc"}
    assert plugins.alert_channels.get("webhook").name == "webhook"


def test_unknown_names_list_what_is_available():
    with pytest.raises(ConfigError, match=r"unknown export format 'xlsx'; available: csv, jsonl"):
        plugins.exporters.get("xlsx")
    with pytest.raises(ConfigError, match=r"unknown alert channel 'sms'; available: .*stdout, webhook"):
        plugins.alert_channels.get("sms")


def test_a_plugin_reader_and_exporter_work_from_the_command_line(plugin, tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "kursk.wire").write_text(WIRE_FILE)
    (inputs / "sniffed").write_text(WIRE_FILE.replace("Kursk", "Belgorod"))  # no extension: sniffed
    (inputs / "plain.txt").write_text("The talks in Vienna resumed on Monday after a pause of three weeks.\n")
    db = tmp_path / "w.db"

    result = runner.invoke(app, ["--db", str(db), "ingest", "--workers", "1", str(inputs)])
    assert result.exit_code == 0, result.output
    assert "5 documents added" in result.stderr
    docs = runner.invoke(app, ["--db", str(db), "docs", "--format", "json"])
    rows = json.loads(docs.stdout)
    wire = sorted(r["source"].rsplit("/", 1)[1] for r in rows if "#wire=" in r["source"])
    assert wire == ["kursk.wire#wire=0", "kursk.wire#wire=1", "sniffed#wire=0", "sniffed#wire=1"]
    assert "Troops reach Kursk" in {r["title"] for r in rows}

    assert "wirecount" in EXPORT_FORMATS
    out = tmp_path / "out"
    exported = runner.invoke(app, ["--db", str(db), "export", "--format", "wirecount", "--out", str(out)])
    assert exported.exit_code == 0, exported.output
    counts = json.loads((out / "counts.json").read_text())
    assert counts["documents"] == 5 and counts["segments"] >= 5

    unknown = runner.invoke(app, ["--db", str(db), "export", "--format", "xlsx", "--out", str(out)])
    assert unknown.exit_code == 2 and "csv, jsonl, wirecount" in unknown.stderr


def test_standard_input_is_sniffed_by_plugin_readers_too(plugin, tmp_path):
    db = tmp_path / "w.db"
    result = runner.invoke(app, ["--db", str(db), "ingest", "-"], input=WIRE_FILE.replace("Kursk", "Sumy"))
    assert result.exit_code == 0, result.output
    rows = json.loads(runner.invoke(app, ["--db", str(db), "docs", "--format", "json"]).stdout)
    assert sorted(r["source"] for r in rows) == ["<stdin>#wire=0", "<stdin>#wire=1"]


def test_a_plugin_readers_bug_is_a_failure_naming_the_reader(plugin, tmp_path):
    bad = tmp_path / "bad.wire"
    bad.write_text("WIRE/1\nTitle: x\n\nBOOM\n")
    result = runner.invoke(app, ["--db", str(tmp_path / "w.db"), "ingest", "--workers", "1", str(bad)])
    assert result.exit_code == 1
    assert "reader 'wire' failed: RuntimeError: the demo reader's bug" in result.stderr


def test_a_broken_plugin_is_named_with_its_distribution_and_the_rest_still_work(plugin, caplog):
    caplog.set_level(logging.WARNING, logger="wiretrail.plugins")
    plugins.refresh()
    assert "wire" in plugins.readers.names() and "text" in plugins.readers.names()
    (broken,) = [b for b in plugins.broken() if b.name == "gone"]
    assert broken.distribution == DIST and "ModuleNotFoundError" in broken.error
    assert f"from distribution '{DIST}'" in caplog.text
    with pytest.raises(ConfigError, match=rf"unknown reader 'gone'.*{DIST}.*ModuleNotFoundError"):
        plugins.readers.get("gone")


def _alert(n: int, rule_id: int) -> Alert:
    return Alert(f"alert-{n}", "new-story", f"story {n}", (Passage("d", 0, 4, "text"),), datetime.now(timezone.utc), rule_id)


def test_alerts_go_to_the_channel_their_rule_names(plugin, tmp_path, capsys):
    import wiretrail_wire_demo  # the plugin's module, installed by the fixture

    with open_store(tmp_path / "w.db") as store:
        memo = store.sources.add_rule(["new-story"], [], "memo:analysts")
        out = store.sources.add_rule(["new-story"], [], "stdout:")
        nowhere = store.sources.add_rule(["new-story"], [], "pager:42")
        rules = [memo, out, nowhere]
        delivered = deliver_alerts(store.sources, [_alert(1, memo.id), _alert(2, out.id), _alert(3, nowhere.id)], rules)
    assert wiretrail_wire_demo.DELIVERED == [("memo:analysts", "alert-1")]
    assert json.loads(capsys.readouterr().out)["alert"]["id"] == "alert-2"
    by_id = {a.id: a.delivery for a in delivered}
    assert by_id["alert-1"] == by_id["alert-2"] == "ok"
    assert by_id["alert-3"].startswith("failed: unknown alert channel 'pager'; available: memo, stdout, webhook")


RUTTE_PAGE = (
    "<html><body><main><h1>Talks in Kyiv</h1><p>Published 3 December 2024</p>"
    "<p>Nato Secretary General Mark Rutte said the alliance was watching the front closely.</p></main></body></html>"
)


def test_a_plugin_channel_named_from_alerts_add_receives_the_alert(plugin, tmp_path, local_server):
    import wiretrail_wire_demo

    db = tmp_path / "w.db"
    added = runner.invoke(app, ["--db", str(db), "alerts", "add", "--entity", "Rutte", "--channel", "memo:desk"])
    assert added.exit_code == 0, added.output
    assert "-> memo:desk" in added.stderr
    local_server.page("/rutte", RUTTE_PAGE)
    with open_store(db) as store:
        (rule,) = store.sources.rules()
        assert rule.webhook == "memo:desk"
        config = FetchConfig(allow_loopback=True, host_delay_s=0, backoff_s=0.01, timeout_s=5.0, attempts=2)
        with Poller(store, settings=Settings(workers=1), fetcher=Fetcher(config)) as poller:
            (alert,) = poller.poll([local_server.url("/rutte")]).alerts
    assert ("memo:desk", alert.id) in wiretrail_wire_demo.DELIVERED
    assert alert.kind == "entity" and alert.delivery == "ok"


@pytest.mark.parametrize(
    ("channel", "message"),
    [
        ("pager:42", "unknown alert channel 'pager'; available: memo, stdout, webhook"),
        ("webhook:ftp://x", "the webhook channel needs an http(s) URL"),
    ],
)
def test_alerts_add_refuses_an_unknown_channel_listing_the_known_ones(plugin, tmp_path, channel, message):
    result = runner.invoke(app, ["--db", str(tmp_path / "w.db"), "alerts", "add", "--new-story", "--channel", channel])
    assert result.exit_code == 2 and message in result.stderr


def test_alerts_add_takes_builtin_channels_and_one_destination(tmp_path):
    db = str(tmp_path / "w.db")
    assert runner.invoke(app, ["--db", db, "alerts", "add", "--new-story", "--channel", "stdout"]).exit_code == 0
    assert runner.invoke(app, ["--db", db, "alerts", "add", "--new-story", "--channel", "webhook:http://127.0.0.1:9/h"]).exit_code == 0
    both = runner.invoke(app, ["--db", db, "alerts", "add", "--new-story", "--channel", "stdout", "--webhook", "http://127.0.0.1:9/h"])
    assert both.exit_code == 2 and "not both" in both.stderr
    with open_store(db) as store:
        assert [r.webhook for r in store.sources.rules()] == ["stdout:", "http://127.0.0.1:9/h"]


def test_a_stale_install_without_entry_points_still_has_the_builtins(monkeypatch, caplog):
    """A checkout whose `pip install -e .` predates the entry points must not lose its readers."""
    monkeypatch.setattr(plugins, "entry_points", lambda group: [])
    registry = plugins.Registry(plugins.EXPORTERS, plugins.Exporter, "export format")
    assert registry.names() == ("csv", "jsonl")
    assert {loaded.distribution for loaded in registry.plugins().values()} == {"wiretrail"}
    readers = plugins.Registry(plugins.READERS, plugins.Reader, "reader")
    assert readers.get("warc").extensions == (".warc",) and not registry.broken()
