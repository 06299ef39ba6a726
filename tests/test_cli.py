"""The command line, as a user runs it: exit codes, messages, tables, exports."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from wiretrail.cli import app

runner = CliRunner()


def _run(db, *args):
    return runner.invoke(app, ["--db", str(db), *args])


def test_ingest_docs_show_export(tmp_path, seeds_dir):
    db = tmp_path / "w.db"
    result = _run(db, "ingest", "--workers", "1", str(seeds_dir))
    assert result.exit_code == 0, result.output
    assert "5 documents added" in result.stderr

    listing = _run(db, "docs", "--format", "ndjson")
    rows = [json.loads(line) for line in listing.stdout.splitlines()]
    assert len(rows) == 5 and all("text" not in r for r in rows)
    blog = next(r for r in rows if r["source"].endswith(".txt") and r["kind"] == "live-blog" and r["segments"] > 40)
    assert "truncated" in next(r for r in rows if r["source"].split("/")[-1].startswith("002"))["flags"]

    shown = _run(db, "show", blog["id"][:8])
    assert shown.exit_code == 0
    assert "Hand of Russia seen in many world conflicts at present, says Lammy" in shown.stdout
    assert "2024-12-04T09:01" in shown.stdout and "Jabed Ahmed" in shown.stdout

    out = tmp_path / "out"
    exported = _run(db, "export", "--format", "jsonl", "--out", str(out))
    assert exported.exit_code == 0
    docs = [json.loads(x) for x in (out / "documents.jsonl").read_text().splitlines()]
    segs = [json.loads(x) for x in (out / "segments.jsonl").read_text().splitlines()]
    assert {"id", "source", "title", "published", "updated", "kind", "outlet", "credits", "truncated", "text"} <= set(docs[0])
    assert {"id", "doc_id", "index", "kind", "headline", "posted_at", "author", "start", "end"} <= set(segs[0])
    texts = {d["id"]: d["text"] for d in docs}
    for seg in segs:  # offsets point into the exported text
        if seg["headline"]:
            assert texts[seg["doc_id"]][seg["start"] : seg["end"]].startswith(seg["headline"])


def test_bad_inputs_are_named_recorded_and_do_not_stop_the_batch(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text("Harbour reopens\nThe harbour of the fictional town of Velmora reopened on Monday after the storm.\n")
    (folder / "empty.txt").write_text("   \n")
    (folder / "blob.txt").write_bytes(bytes(range(256)) * 8)
    db = tmp_path / "w.db"
    result = _run(db, "ingest", "--workers", "1", str(folder), str(tmp_path / "missing.txt"))
    assert result.exit_code == 1
    for name in ("empty.txt", "blob.txt", "missing.txt"):
        assert name in result.stderr
    assert "1 documents added" in result.stderr
    failures = [json.loads(x) for x in _run(db, "failures", "--format", "ndjson").stdout.splitlines()]
    assert {f["source"].rsplit("/", 1)[-1] for f in failures} == {"empty.txt", "blob.txt", "missing.txt"}
    assert all(f["error"] for f in failures)


def test_usage_errors_exit_2(tmp_path):
    assert _run(tmp_path / "w.db", "docs", "--format", "xml").exit_code == 2
    assert _run(tmp_path / "w.db", "show", "nope").exit_code == 1
