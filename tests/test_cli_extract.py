"""The extraction commands as a user runs them on the seeds: filters, formats, exit codes, export."""

from __future__ import annotations

import json
from datetime import date

import pytest
from typer.testing import CliRunner

from wiretrail.cli import app

runner = CliRunner()


@pytest.fixture(scope="module")
def db(seeds_dir, tmp_path_factory):
    path = tmp_path_factory.mktemp("cli") / "w.db"
    result = runner.invoke(app, ["--db", str(path), "ingest", "--workers", "1", str(seeds_dir)])
    assert result.exit_code == 0, result.output
    return path


def _json(db, *args) -> list[dict]:
    result = runner.invoke(app, ["--db", str(db), *args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_entities_query_finds_every_spelling_of_one_person(db):
    (zelensky,) = _json(db, "entities", "--type", "PERSON", "--query", "Zelensk")
    assert zelensky["name"].startswith("Volodymyr Zelensk")
    assert {"Zelensky", "Zelenskyy", "Zelenskiy"} <= set(zelensky["aliases"])
    assert zelensky["documents"] >= 3


def test_places_have_coordinates_and_kursk_is_in_russia(db):
    places = _json(db, "places")
    kursk = [p for p in places if p["name"].startswith("Kursk")]
    assert kursk and all(p["country"] == "RU" and 50 < p["lat"] < 53 for p in kursk)


def test_quotes_by_speaker(db):
    quotes = _json(db, "quotes", "--speaker", "Rutte")
    assert any("not interested in peace" in q["text"] for q in quotes)
    assert all("Rutte" in (q["speaker"] or "") or q["speaker_entity_id"] for q in quotes)


def test_figures_about_troops_disagree_as_the_seeds_do(db):
    values = {(f["value_low"], f["value_high"]) for f in _json(db, "figures", "--about", "troops")}
    assert {(10000.0, 12000.0), (0.0, 10000.0)} <= values


def test_events_since_a_day_and_of_a_type(db):
    events = _json(db, "events", "--since", "2024-12-01", "--type", "attack")
    assert events and all(e["type"] == "ATTACK" and date.fromisoformat(e["date"]) >= date(2024, 12, 1) for e in events)
    assert all(e["evidence"] and e["evidence"][0]["end"] > e["evidence"][0]["start"] for e in events)


def test_bad_filters_are_usage_errors(db):
    assert runner.invoke(app, ["--db", str(db), "events", "--type", "party"]).exit_code == 2
    assert runner.invoke(app, ["--db", str(db), "events", "--since", "yesterday-ish"]).exit_code == 2
    assert runner.invoke(app, ["--db", str(db), "entities", "--type", "ANIMAL"]).exit_code == 2
    assert runner.invoke(app, ["--db", str(db), "quotes", "--speaker", "Nobody Atall"]).exit_code == 1


def test_export_writes_the_extraction_tables_with_their_schemas(db, tmp_path):
    result = runner.invoke(app, ["--db", str(db), "export", "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    fields = {
        "entities": {"id", "name", "type", "aliases", "roles", "lat", "lon", "country"},
        "mentions": {"doc_id", "start", "end", "text", "label", "entity_id"},
        "quotes": {"id", "doc_id", "start", "end", "text", "speaker", "speaker_entity_id"},
        "figures": {"id", "doc_id", "start", "end", "subject", "value_low", "value_high", "unit", "vague", "attributed_to", "as_of"},
        "events": {"id", "type", "date", "date_precision", "place", "place_entity_id", "actors", "targets", "summary", "evidence"},
        "stories": {"id", "title", "first_seen", "last_seen", "segments", "documents", "independent_sources"},
        "timeline": {"date", "type", "place", "summary", "first_report", "sources", "independent_sources"},
    }
    for table, want in fields.items():
        rows = [json.loads(line) for line in (tmp_path / "out" / f"{table}.jsonl").read_text().splitlines()]
        assert rows, table
        assert want <= set(rows[0]), (table, want - set(rows[0]))


def test_timeline_and_figure_conflicts_from_the_command_line(db):
    rows = _json(db, "timeline", "--place", "Novoross")
    assert rows and all("Novoross" in r["place"] for r in rows)
    assert all(r["first_report"]["doc_id"] in r["sources"] for r in rows)
    groups = _json(db, "figures", "--conflicts", "--about", "troop")
    assert groups and groups[0]["conflicting"] and {d["why"] for d in groups[0]["differences"]} <= {"time", "scope", "disagree"}
    table = runner.invoke(app, ["--db", str(db), "figures", "--conflicts"])
    assert table.exit_code == 0 and "North Korean troops" in table.stdout


def test_export_as_csv_keeps_lists_as_json_cells(db, tmp_path):
    import csv

    result = runner.invoke(app, ["--db", str(db), "export", "--format", "csv", "--out", str(tmp_path / "csv")])
    assert result.exit_code == 0, result.output
    with (tmp_path / "csv" / "stories.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert rows and {"segment_ids", "sources", "independent_sources"} <= set(rows[0])
    assert all(json.loads(r["segment_ids"]) and json.loads(r["doc_ids"]) for r in rows)
    with (tmp_path / "csv" / "entities.csv").open(encoding="utf-8", newline="") as fh:
        people = [r for r in csv.DictReader(fh) if r["type"] == "PERSON"]
    assert any("Zelenskyy" in json.loads(r["aliases"]) for r in people)
