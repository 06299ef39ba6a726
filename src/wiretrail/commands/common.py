"""What every command shares: consoles, the effective settings, output formats and errors.

Results go to stdout (`out`), messages and progress to stderr (`err`).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable

import typer
from rich.console import Console
from rich.table import Column, Table

from ..errors import WiretrailError
from ..settings import Settings
from ..store import open_store

out = Console(soft_wrap=True)
err = Console(stderr=True)

LIST_FORMATS = ("table", "json", "ndjson")
ID_CHARS = 10  # ids are shown this long in tables: enough to type as a prefix; json has them whole
LONG_TEXT_WIDTH = 60  # titles and sentences wrap at this width instead of squeezing the rest
SHORT_COLUMNS = {  # never wrapped nor squeezed below this width
    "id": ID_CHARS, "published": 16, "kind": 12, "segments": 8, "relation": 15, "score": 5,
    "shared passages": 15, "first": 7, "at": 19, "value": 13, "as of": 10, "first seen": 10, "last seen": 10, "docs": 4, "stage": 6, "copies": 6, "sources": 7,
}  # fmt: skip


def columns(*names: str) -> list[Column]:
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


def check_format(format: str) -> None:
    if format not in LIST_FORMATS:
        raise fail(f"unknown format {format!r}; choose one of {', '.join(LIST_FORMATS)}", 2)


def emit(rows: list[dict], format: str, columns: tuple[str, ...], cells: Callable[[dict], tuple[str, ...]]) -> None:
    """Rows as a table for people, or as JSON / JSON Lines for programs."""
    if format != "table":
        print_records(rows, format)
        return
    table = Table(*columns(*columns))
    for r in rows:
        table.add_row(*cells(r))
    out.print(table)


def print_records(rows: list[dict], format: str) -> None:
    if format == "json":
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
    else:
        for r in rows:
            sys.stdout.write(json.dumps(r, ensure_ascii=False) + "\n")
