"""What a batch directory holds: finished partitions (so a rerun skips them) and, once the
whole run is done, the result's description that `wiretrail load` reads."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

from ..errors import InputError
from .analyze import PartitionSummary, analyzed_path

MANIFEST = "_manifest.jsonl"  # one line per finished partition, appended as each finishes
RESULT = "_batch.json"  # written last: the result is complete
FORMAT = 4  # 2: key files carry salient terms; 3: and say which keys are terms; 4: results keep extraction apart. Bump when the internal files change: `load` refuses a result it cannot read


def finished(out: Path) -> dict[str, PartitionSummary]:
    """Partitions a previous run finished whose files are still there."""
    path = out / MANIFEST
    done: dict[str, PartitionSummary] = {}
    if not path.exists():
        return done
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            row = json.loads(line)
        except json.JSONDecodeError:
            continue  # a line cut short by a crash: that partition is simply redone
        if row.pop("format", None) != FORMAT:
            continue  # written by a version whose files this one cannot read: redone
        summary = PartitionSummary(**{**row, "failures": [tuple(f) for f in row["failures"]]})
        if analyzed_path(out / "_work", summary.id).exists():
            done[summary.id] = summary
    return done


def record(out: Path, summary: PartitionSummary) -> None:
    with (out / MANIFEST).open("a", encoding="utf-8") as fh:
        fh.write(json.dumps({"format": FORMAT, **asdict(summary)}, ensure_ascii=False) + "\n")


def write_result(out: Path, description: dict) -> None:
    tmp = out / (RESULT + ".tmp")
    tmp.write_text(json.dumps({"format": FORMAT, **description}, indent=2), encoding="utf-8")
    tmp.replace(out / RESULT)


def read_result(out: Path) -> dict:
    """The finished result's description; an error naming the directory when it is not one."""
    path = out / RESULT
    if not path.exists():
        raise InputError(str(out), f"no finished batch result here ({RESULT} is missing); run `wiretrail batch ... --out {out}` first")
    description = json.loads(path.read_text(encoding="utf-8"))
    if description.get("format") != FORMAT:
        raise InputError(str(out), f"batch result format {description.get('format')} is not {FORMAT}; rerun the batch with this version")
    return description
