"""`wiretrail sources`, `fetch`, `watch` and `alerts` as a user runs them, against a local server."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

from typer.testing import CliRunner

from test_fetch_live import live_blog
import test_fetch_server
from wiretrail.cli import app
from wiretrail.store import open_store

LOOPBACK_ENV = {"WIRETRAIL_FETCH_ALLOW_LOOPBACK": "true", "WIRETRAIL_FETCH_HOST_DELAY_MS": "1", "WIRETRAIL_WORKERS": "1"}
ENTRY = ("Tuesday 3 December 2024 11:30 , Ana Li",
         "Officials said 10,000 North Korean troops had arrived in the Kursk region. "
         "Nato Secretary General Mark Rutte said the alliance was watching closely.")  # fmt: skip

local_server = test_fetch_server.local_server  # the fixture, shared


def run(db, *args, env=LOOPBACK_ENV):
    return CliRunner().invoke(app, ["--db", str(db), *args], env=env)


def test_sources_add_list_remove(tmp_path):
    db = tmp_path / "w.db"
    added = run(db, "sources", "add", "https://Example.org/world/rss?utm_source=x", "--name", "Example World")
    assert added.exit_code == 0, added.output
    again = run(db, "sources", "add", "https://example.org/world/rss", "--name", "Other")
    assert again.exit_code == 2 and "url 'https://example.org/world/rss' exists already" in again.stderr
    bad = run(db, "sources", "add", "ftp://example.org/x", "--name", "Bad")
    assert bad.exit_code == 2 and "ftp://example.org/x" in bad.stderr
    listed = run(db, "sources", "list", "--format", "json")
    rows = json.loads(listed.stdout)
    assert [(r["name"], r["url"], r["last_fetch"], r["items"], r["errors"]) for r in rows] == [
        ("Example World", "https://example.org/world/rss", None, 0, 0)
    ]
    assert run(db, "sources", "remove", "Example World").exit_code == 0
    missing = run(db, "sources", "remove", "Example World")
    assert missing.exit_code == 1 and "no source named 'Example World'" in missing.stderr
    assert run(db, "sources", "list").exit_code == 1


def test_fetch_prints_alerts_and_lists_them(tmp_path, local_server):
    db = tmp_path / "w.db"
    local_server.page("/live", live_blog([ENTRY]))
    rule = run(db, "alerts", "add", "--entity", "Rutte", "--figure-edit")
    assert rule.exit_code == 0, rule.output
    assert json.loads(run(db, "alerts", "rules", "--format", "json").stdout)[0]["kinds"] == ["entity", "figure-edit"]

    fetched = run(db, "fetch", local_server.url("/live?utm_campaign=x"))
    assert fetched.exit_code == 0, fetched.output
    printed = [json.loads(line)["alert"] for line in fetched.stdout.splitlines()]
    assert [a["kind"] for a in printed] == ["entity"] and "Mark Rutte" in printed[0]["passages"][0]["text"]
    assert "1 new document(s) or version(s) (1 added)" in fetched.stderr

    listed = json.loads(run(db, "alerts", "list", "--format", "json").stdout)
    assert [a["id"] for a in listed] == [printed[0]["id"]]
    with open_store(db) as store:
        assert store.sources.page_doc(local_server.url("/live")) is not None


def test_fetch_refuses_loopback_by_default_and_exits_1(tmp_path, local_server):
    local_server.page("/live", live_blog([ENTRY]))
    result = run(tmp_path / "w.db", "fetch", local_server.url("/live"), env={"WIRETRAIL_WORKERS": "1"})
    assert result.exit_code == 1 and "loopback address" in result.stderr
    assert local_server.hits == []


def test_alerts_add_needs_a_kind(tmp_path):
    result = run(tmp_path / "w.db", "alerts", "add", "--webhook", "http://127.0.0.1:9/hook")
    assert result.exit_code == 2 and "at least one kind" in result.stderr


def test_watch_polls_until_sigterm_and_exits_cleanly(tmp_path, local_server):
    db = tmp_path / "w.db"
    local_server.page("/live", live_blog([ENTRY]))
    assert run(db, "sources", "add", local_server.url("/live"), "--name", "Live").exit_code == 0
    env = {**os.environ, **LOOPBACK_ENV, "WIRETRAIL_EXTRACT": "false"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "wiretrail", "--db", str(db), "watch", "--every", "10s"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while "/live" not in local_server.paths() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert "/live" in local_server.paths(), "watch never polled"
        time.sleep(1.0)
        proc.send_signal(signal.SIGTERM)
        _, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, stderr
    assert "stopped after 1 cycle(s)" in stderr
    with open_store(db) as store:
        (source,) = store.sources.sources()
        assert (source.last_status, source.items) == ("ok", 1)


def test_watch_rejects_a_bad_interval(tmp_path):
    result = run(tmp_path / "w.db", "watch", "--every", "soon")
    assert result.exit_code == 2 and "'soon' is not a duration" in result.stderr
