"""What every command shares: consoles, the effective settings, output formats and errors.

Results go to stdout (`out`), messages and progress to stderr (`err`).
"""

from __future__ import annotations

import csv
import json
import re
import sys
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Column, Table

from ..errors import WiretrailError
from ..settings import Settings
from ..store import open_store

out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)  # an error stays on one line, whatever the width

LIST_FORMATS = ("table", "json", "ndjson", "csv", "tsv")
FORMAT_HELP = "table, json, ndjson, csv or tsv (default: table on a terminal, ndjson when piped)."
FormatOption = Annotated[Optional[str], typer.Option("--format", "-f", help=FORMAT_HELP)]
TIME_HELP = "an ISO date or time (2024-12-01, 2024-12-01T08:00) or an age (90m, 24h, 7d, 2w)"
SinceOption = Annotated[Optional[str], typer.Option("--since", help=f"Only from this time on: {TIME_HELP}.")]
UntilOption = Annotated[Optional[str], typer.Option("--until", help=f"Only before this time: {TIME_HELP}.")]
AGE_UNITS = {"m": timedelta(minutes=1), "h": timedelta(hours=1), "d": timedelta(days=1), "w": timedelta(weeks=1)}
ID_CHARS = 10  # ids are shown this long in tables: enough to type as a prefix; json has them whole
LONG_TEXT_WIDTH = 60  # titles and sentences wrap at this width instead of squeezing the rest
SHORT_COLUMNS = {  # never wrapped nor squeezed below this width
    "id": ID_CHARS, "published": 16, "kind": 12, "segments": 8, "relation": 15, "score": 5,
    "shared passages": 15, "first": 7, "at": 19, "value": 13, "as of": 10, "first seen": 10, "last seen": 10, "docs": 4, "stage": 6, "copies": 6, "sources": 7,
}  # fmt: skip


def table_columns(*names: str) -> list[Column]:
    """Short fields keep their width; long text shares the rest and is cut with an ellipsis."""
    return [
        Column(n, no_wrap=True, min_width=SHORT_COLUMNS[n])
        if n in SHORT_COLUMNS
        else Column(n, overflow="ellipsis", max_width=LONG_TEXT_WIDTH)
        for n in names
    ]


class CliState:
    settings: Settings = Settings()
    quiet: bool = False


state = CliState()


def fail(message: str, code: int = 1) -> typer.Exit:
    err.print(f"error: {message}", markup=False, highlight=False)
    return typer.Exit(code)


def open_configured_store():
    try:
        return open_store(state.settings.db)
    except WiretrailError as exc:
        raise fail(str(exc), 2) from exc


def show_progress() -> bool:
    return not state.quiet and err.is_terminal


def check_format(format: str | None) -> str:
    """The format asked for; by default a table for a person at a terminal, JSON Lines for a pipe."""
    if format is None:
        return "table" if out.is_terminal else "ndjson"
    if format not in LIST_FORMATS:
        raise fail(f"unknown format {format!r}; choose one of {', '.join(LIST_FORMATS)}", 2)
    return format


def parse_time(value: str | None, option: str, *, now: datetime | None = None) -> datetime | None:
    """`--since`/`--until` values: an ISO date or time, or an age back from now (`24h`, `7d`).

    A time without a zone is taken as UTC, the zone the store keeps its times in."""
    if value is None:
        return None
    text = value.strip()
    if match := re.fullmatch(r"(\d+)\s*([mhdw])", text.lower()):
        return (now or datetime.now(timezone.utc)) - int(match[1]) * AGE_UNITS[match[2]]
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise fail(f"{option} {value!r} is not {TIME_HELP}", 2) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def parse_day(value: str | None, option: str) -> date | None:
    """A `--since`/`--until` value for filters that work by day (events, quotes, stories)."""
    moment = parse_time(value, option)
    return moment.date() if moment else None


def emit(rows: list[dict], format: str, columns: tuple[str, ...], cells: Callable[[dict], tuple[str, ...]]) -> None:
    """Rows as a table for people, or as JSON / JSON Lines for programs."""
    if format != "table":
        print_records(rows, format)
        return
    table = Table(*table_columns(*columns))
    for r in rows:
        table.add_row(*cells(r))
    out.print(table)


def print_records(rows: list[dict], format: str) -> None:
    if format == "json":
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
    elif format in ("csv", "tsv"):
        _write_delimited(rows, "," if format == "csv" else "\t")
    else:
        for r in rows:
            sys.stdout.write(json.dumps(r, ensure_ascii=False) + "\n")


def _write_delimited(rows: list[dict], delimiter: str) -> None:
    """One row per record, a header of every field seen; lists of plain values are joined with
    '; ' and nested records written as JSON, so a spreadsheet gets one cell per field."""
    fields = list(dict.fromkeys(key for row in rows for key in row))
    writer = csv.writer(sys.stdout, delimiter=delimiter, lineterminator="\n")
    writer.writerow(fields)
    for row in rows:
        writer.writerow([_cell(row.get(f)) for f in fields])


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)) and all(not isinstance(v, (dict, list, tuple)) for v in value):
        return "; ".join("" if v is None else str(v) for v in value)
    if isinstance(value, (dict, list, tuple)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)
