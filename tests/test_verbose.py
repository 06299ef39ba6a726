"""`wiretrail -v ingest` says what each stage did: one INFO line per batch per stage, with counts
and time; without -v those lines stay out of the way.

Run as a real process: -v configures logging at start-up, which pytest's own log handlers would
mask in-process."""

from __future__ import annotations

import re
import subprocess
import sys

STAGES = ("read", "clean", "segment", "parse", "extract", "store", "provenance", "stories")
TEXT = (
    " date 2024-12-03 Troops in Kursk\n"
    "Officials said 10,000 North Korean troops had arrived in the Kursk region.\n"
    "Nato Secretary General Mark Rutte said the alliance was watching closely.\n"
)


def _ingest(tmp_path, *options: str) -> str:
    (tmp_path / "in").mkdir(exist_ok=True)
    (tmp_path / "in" / "kursk.txt").write_text(TEXT)
    (tmp_path / "in" / "copy.txt").write_text(TEXT.replace(" date 2024-12-03 ", " date 2024-12-04 "))
    (tmp_path / "in" / "empty.txt").write_text("")
    result = subprocess.run(
        [sys.executable, "-m", "wiretrail", *options, "--db", str(tmp_path / "w.db"), "ingest", "--workers", "1", str(tmp_path / "in")],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode == 1, result.stderr  # the empty file failed; the others were added
    return result.stderr


def _stage_lines(stderr: str) -> dict[str, str]:
    found = re.findall(r"^INFO wiretrail\.pipeline: (\w+): (.*)$", stderr, flags=re.M)
    return {stage: rest for stage, rest in found if stage in STAGES}


def test_verbose_ingest_logs_each_stage_with_counts_and_time(tmp_path):
    lines = _stage_lines(_ingest(tmp_path, "--verbose"))
    assert set(lines) == set(STAGES)
    assert all(re.search(r" in \d+\.\d\ds$", rest) for rest in lines.values()), lines
    assert lines["read"].startswith("3 inputs (1 failed)")
    assert lines["clean"].startswith("2 documents (0 failed)")
    assert lines["store"].startswith("2 documents added (0 already stored)")
    assert re.match(r"2 documents matched, [1-9]\d* links", lines["provenance"]), lines["provenance"]
    assert re.match(r"[1-9]\d* segments clustered", lines["stories"]), lines["stories"]


def test_without_verbose_no_stage_lines(tmp_path):
    stderr = _ingest(tmp_path)
    assert _stage_lines(stderr) == {} and "INFO" not in stderr
    assert "2 documents added" in stderr
