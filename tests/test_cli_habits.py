"""What a script or a shell user expects of the CLI: formats, pipes, time filters, stdin, config."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timedelta, timezone

import pytest
import typer
from typer.testing import CliRunner

from wiretrail.cli import app
from wiretrail.commands.common import parse_time

runner = CliRunner()

BRIEF = (
    " date 2024-12-03 NATO talks in Brussels\n\n"
    "NATO Secretary General Mark Rutte met Ukrainian President Volodymyr Zelensky in Brussels on "
    "Tuesday. \"We must do more,\" Rutte said. Some 11,000 North Korean troops are in Kursk, "
    "Zelensky said.\n"
)
PAGE = (
    "<html><head><title>Kharkiv strike</title></head><body><article><h1>Kharkiv strike</h1>"
    "<p>A Russian missile hit an apartment block in Kharkiv on Monday, killing four people, the "
    "regional governor Oleh Syniehubov said on Telegram.</p>"
    "<p>Rescue workers searched the rubble through the night, he added.</p></article></body></html>"
)


def _run(db, *args, input=None):
    return runner.invoke(app, ["--db", str(db), *args], input=input)


@pytest.fixture
def store_with_two(tmp_path):
    db = tmp_path / "w.db"
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "brief.txt").write_text(BRIEF, encoding="utf-8")
    (tmp_path / "in" / "page.html").write_text(PAGE, encoding="utf-8")
    result = _run(db, "ingest", "--workers", "1", str(tmp_path / "in"))
    assert result.exit_code == 0, result.output
    return db


def test_piped_output_defaults_to_json_lines(store_with_two):
    result = _run(store_with_two, "docs")  # CliRunner's stdout is not a terminal: a pipe
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert {r["title"] for r in rows} == {"NATO talks in Brussels", "Kharkiv strike"}


def test_csv_and_tsv_have_a_header_and_flatten_lists(store_with_two):
    for fmt, delimiter in (("csv", ","), ("tsv", "\t")):
        result = _run(store_with_two, "docs", "--format", fmt)
        assert result.exit_code == 0, result.output
        rows = list(csv.DictReader(io.StringIO(result.stdout), delimiter=delimiter))
        assert len(rows) == 2
        undated = next(r for r in rows if r["title"] == "Kharkiv strike")
        assert undated["flags"] == "undated"  # a list of one plain value becomes the value
        assert next(r for r in rows if r["title"] == "NATO talks in Brussels")["published"].startswith("2024-12-03")


def test_table_on_request_and_unknown_format_is_a_usage_error(store_with_two):
    ids = [json.loads(line)["id"] for line in _run(store_with_two, "docs").stdout.splitlines()]
    table = _run(store_with_two, "docs", "--format", "table")
    assert "┃ id" in table.stdout and all(i[:10] in table.stdout for i in ids)
    bad = _run(store_with_two, "docs", "--format", "xml")
    assert bad.exit_code == 2
    assert "unknown format 'xml'" in bad.stderr and "csv" in bad.stderr


def test_since_until_take_dates_and_ages(store_with_two):
    since = _run(store_with_two, "docs", "--since", "2024-12-02", "-f", "json")
    assert [r["title"] for r in json.loads(since.stdout)] == ["NATO talks in Brussels"]
    until = _run(store_with_two, "docs", "--until", "2024-12-03", "-f", "json")
    assert until.exit_code == 1 and json.loads(until.stdout) == []  # nothing before that day: exit 1
    recent = _run(store_with_two, "docs", "--since", "7d", "-f", "json")  # a 2024 report is older
    assert recent.exit_code == 1
    bad = _run(store_with_two, "docs", "--since", "last tuesday")
    assert bad.exit_code == 2 and "--since 'last tuesday' is not" in bad.stderr
    assert "\n" not in bad.stderr.strip()  # one line, however narrow the terminal


def test_parse_time_ages_and_zones():
    now = datetime(2024, 12, 6, 12, 0, tzinfo=timezone.utc)
    assert parse_time("24h", "--since", now=now) == now - timedelta(hours=24)
    assert parse_time("2w", "--since", now=now) == now - timedelta(weeks=2)
    assert parse_time("90m", "--since", now=now) == now - timedelta(minutes=90)
    assert parse_time("2024-12-01", "--since") == datetime(2024, 12, 1, tzinfo=timezone.utc)
    assert parse_time("2024-12-01T08:00+02:00", "--since").utcoffset() == timedelta(hours=2)
    with pytest.raises(typer.Exit):
        parse_time("7 days ago", "--since")


def test_ingest_from_stdin_text_html_and_json_lines(tmp_path):
    db = tmp_path / "w.db"
    text = _run(db, "ingest", "-", input=BRIEF)
    assert text.exit_code == 0, text.output
    html = _run(db, "ingest", "-", input=PAGE)
    assert html.exit_code == 0, html.output
    lines = "\n".join(json.dumps(r) for r in (
        {"title": "Odesa port", "text": "Drones struck the port of Odesa overnight, officials said.", "published": "2024-12-04"},
        {"title": "Sumy", "text": "Shelling cut power in Sumy on Wednesday."},
    )) + "\n"  # fmt: skip
    records = _run(db, "ingest", "-", input=lines)
    assert records.exit_code == 0, records.output
    assert "2 documents added" in records.stderr
    rows = [json.loads(x) for x in _run(db, "docs").stdout.splitlines()]
    by_title = {r["title"]: r for r in rows}
    assert set(by_title) == {"NATO talks in Brussels", "Kharkiv strike", "Odesa port", "Sumy"}
    assert by_title["Odesa port"]["source"] == "<stdin>#row=1"
    assert by_title["Odesa port"]["published"].startswith("2024-12-04")
    again = _run(db, "ingest", "-", input=lines)  # the same input twice adds nothing
    assert "0 documents added (2 already stored)" in again.stderr


def test_ingest_from_empty_stdin_fails_naming_it(tmp_path):
    result = _run(tmp_path / "w.db", "ingest", "-", input="")
    assert result.exit_code == 1
    assert "<stdin>" in result.stderr and "empty" in result.stderr


def test_config_shows_values_and_where_they_came_from(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "wiretrail.toml").write_text("batch_size = 16\nworkers = 1\n", encoding="utf-8")
    monkeypatch.setenv("WIRETRAIL_WORKERS", "2")
    result = runner.invoke(app, ["--db", "x.db", "config", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = {r["name"]: r for r in json.loads(result.stdout)}
    assert rows["batch_size"]["value"] == 16 and rows["batch_size"]["origin"].startswith("file")
    assert rows["workers"]["value"] == 2 and rows["workers"]["origin"] == "env"  # env beats the file
    assert rows["db"]["value"] == "x.db" and rows["db"]["origin"] == "argument"
    assert rows["max_input_bytes"]["origin"] == "default"
    assert all(r["help"] for r in rows.values()), "every setting is documented"


def test_a_publication_date_after_the_fetch_time_is_dropped_with_a_warning(tmp_path):
    db = tmp_path / "w.db"
    future = " date 2091-05-01 A page with a template year\n\nShelling was reported in Sumy on Wednesday.\n"
    result = _run(db, "ingest", "-", input=future)
    assert result.exit_code == 0, result.output
    assert "warning: <stdin>: publication date 2091-05-01 (header) is later than the fetch time" in result.stderr
    (row,) = [json.loads(x) for x in _run(db, "docs").stdout.splitlines()]
    assert row["published"] is None and "undated" in row["flags"]


def test_a_date_on_the_fetch_day_is_kept():
    from wiretrail.model import DateOrigin, DatePrecision, RawDocument, Timestamp
    from wiretrail.pipeline import future_date_warning

    fetched = datetime(2024, 12, 3, 6, 0, tzinfo=timezone.utc)
    raw = RawDocument(source="feed#1", text="x", fetched_at=fetched)
    same_day = Timestamp(datetime(2024, 12, 3), DatePrecision.DAY, DateOrigin.FEED)
    ahead_in_zone = Timestamp(datetime(2024, 12, 3, 15, 0), DatePrecision.MINUTE, DateOrigin.LIVEBLOG_STAMP)
    next_week = Timestamp(datetime(2024, 12, 10), DatePrecision.DAY, DateOrigin.FEED)
    assert future_date_warning(raw, same_day, fetched) is None
    assert future_date_warning(raw, ahead_in_zone, fetched) is None  # a zone-less stamp, UTC+9
    assert "feed#1: publication date 2024-12-10 (feed) is later than" in future_date_warning(raw, next_week, fetched)
