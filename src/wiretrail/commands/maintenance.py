"""`wiretrail check` and `wiretrail backup`: thin commands over `wiretrail.store.maintenance`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..errors import ConfigError, WiretrailError
from ..store.maintenance import backup_store, check_store
from .common import err, fail, open_configured_store, out, print_records, state


def check(
    format: Annotated[str, typer.Option("--format", help="text or json.")] = "text",
) -> None:
    """Verify the store: SQLite integrity, orphan rows, whole documents, fingerprints, queues.

    Says what is wrong and exits 1 if anything is. Example: wiretrail --db news.db check
    """
    if format not in ("text", "json"):
        raise fail(f"unknown format {format!r}; choose one of text, json", 2)
    store = open_configured_store()
    try:
        report = check_store(store)
    except ConfigError as exc:
        raise fail(str(exc), 2) from exc
    finally:
        store.close()
    if format == "json":
        print_records(
            [{"path": report.path, "ok": report.ok, "documents": report.documents, "segments": report.segments,
              "sentences": report.sentences,
              "findings": [{"check": f.check, "message": f.message, "count": f.count, "examples": list(f.examples)}
                           for f in report.findings]}],
            "json",
        )  # fmt: skip
    else:
        summary = f"{report.documents} documents, {report.segments} segments, {report.sentences} sentences"
        if report.ok:
            out.print(f"{report.path}: ok ({summary})", markup=False, highlight=False)
        for finding in report.findings:
            out.print(f"{report.path}: {finding}", markup=False, highlight=False)
    if not report.ok:
        raise typer.Exit(1)


def backup(
    destination: Annotated[Path, typer.Argument(help="The file to write the copy to.")],
    overwrite: Annotated[bool, typer.Option("--overwrite", help="Replace DESTINATION if it exists.")] = False,
) -> None:
    """Copy the store consistently while an ingest or a server is writing to it.

    The copy is checked before it takes DESTINATION's name. SQLite stores only; for PostgreSQL
    use pg_dump. Example: wiretrail --db news.db backup news-2024-12-03.db
    """
    try:
        report = backup_store(state.settings.db, destination, overwrite=overwrite)
    except ConfigError as exc:
        raise fail(str(exc), 2) from exc
    except WiretrailError as exc:
        raise fail(str(exc), 1) from exc
    if not state.quiet:
        err.print(
            f"backed up {report.source} to {report.destination}: {report.documents} documents, {report.bytes} bytes",
            markup=False,
            highlight=False,
        )
