"""`wiretrail sources add|list|remove`, `wiretrail fetch URL...` and `wiretrail watch`."""

from __future__ import annotations

import json
import re
import signal
import sys
import threading
from typing import Annotated, Optional

import typer

from ..errors import WiretrailError
from ..fetch import CycleReport, Poller, canonical_url, watch
from ..fetch.poll import source_tables
from .common import check_format, emit, err, fail, open_configured_store, state

sources_app = typer.Typer(help="Feeds and pages to poll: add, list, remove.", no_args_is_help=True, rich_markup_mode=None)

DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*(s|m|h)?")
DURATION_UNITS = {"s": 1, "m": 60, "h": 3600, None: 1}
MIN_EVERY_S = 10  # a shorter cycle would poll the same feeds faster than sites update or allow


def parse_every(value: str) -> float:
    """'5m', '90s', '1h' or a number of seconds."""
    match = DURATION.fullmatch(value.strip().lower())
    if not match:
        raise fail(f"--every {value!r} is not a duration such as 90s, 5m or 1h", 2)
    seconds = float(match[1]) * DURATION_UNITS[match[2]]
    if seconds < MIN_EVERY_S:
        raise fail(f"--every {value!r} is shorter than the minimum of {MIN_EVERY_S} s", 2)
    return seconds


@sources_app.command("add")
def sources_add(
    url: Annotated[str, typer.Argument(help="A feed (RSS/Atom) or a page such as a live blog.")],
    name: Annotated[str, typer.Option("--name", help="A short name to list and remove it by.")],
) -> None:
    """Add a source that `wiretrail watch` polls.

    Example: wiretrail sources add https://example.org/world/rss --name "Example World"
    """
    try:
        canonical = canonical_url(url)
    except WiretrailError as exc:
        raise fail(str(exc), 2) from exc
    store = open_configured_store()
    try:
        source = source_tables(store).add_source(name.strip(), canonical)
    except WiretrailError as exc:
        raise fail(str(exc), 2) from exc
    finally:
        store.close()
    if not state.quiet:
        err.print(f"added source {source.name!r}: {source.url}", markup=False, highlight=False)


@sources_app.command("list")
def sources_list(
    format: Annotated[Optional[str], typer.Option("--format", help="table, json or ndjson.")] = None,
) -> None:
    """Sources: name, URL, last fetch, status, items brought in, errors.

    Example: wiretrail sources list --format json
    """
    format = check_format(format) or format or "table"
    store = open_configured_store()
    try:
        found = source_tables(store).sources()
    finally:
        store.close()
    rows = [
        {"name": s.name, "url": s.url, "last_fetch": s.last_fetch_at.isoformat(timespec="seconds") if s.last_fetch_at else None,
         "status": s.last_status, "items": s.items, "errors": s.errors, "last_error": s.last_error}
        for s in found
    ]  # fmt: skip
    emit(
        rows, format, ("name", "url", "last fetch", "status", "items", "errors"),
        lambda r: (r["name"], r["url"], r["last_fetch"] or "never", r["status"] or "", str(r["items"]), str(r["errors"])),
    )  # fmt: skip
    if not rows:
        raise typer.Exit(1)


@sources_app.command("remove")
def sources_remove(
    name: Annotated[str, typer.Argument(help="The source's name (or its URL).")],
) -> None:
    """Stop polling a source; what it brought in stays in the store.

    Example: wiretrail sources remove "Example World"
    """
    store = open_configured_store()
    try:
        tables = source_tables(store)
        removed = tables.remove_source(name) or tables.remove_source(_canonical_or_same(name))
    finally:
        store.close()
    if not removed:
        raise fail(f"no source named {name!r}; see `wiretrail sources list`", 1)


def _canonical_or_same(url: str) -> str:
    try:
        return canonical_url(url)
    except WiretrailError:
        return url


def fetch(
    urls: Annotated[list[str], typer.Argument(help="Pages (an article, a live blog) or feeds to fetch now.")],
) -> None:
    """Fetch pages or feeds now and ingest what changed; a live blog fetched again is updated
    in place (new entries added, edited ones versioned, removed ones marked). Alerts print to stdout.

    Example: wiretrail fetch https://example.org/live/ukraine-war
    """
    store = open_configured_store()
    try:
        with Poller(store, settings=state.settings) as poller:
            report = poller.poll(urls)
    except WiretrailError as exc:
        raise fail(str(exc)) from exc
    finally:
        store.close()
    _print_cycle(report)
    if not report.ok:
        raise typer.Exit(1)


def watch_command(
    every: Annotated[str, typer.Option("--every", help="Time between polling cycles: 90s, 5m, 1h.")] = "5m",
) -> None:
    """Poll every source until stopped (Ctrl-C or SIGTERM: the cycle under way finishes first).

    Example: wiretrail watch --every 5m
    """
    seconds = parse_every(every)
    store = open_configured_store()
    try:
        if not source_tables(store).sources():
            raise fail("no sources to watch; add one with `wiretrail sources add URL --name NAME`", 1)
        stop = threading.Event()
        previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            with Poller(store, settings=state.settings) as poller:
                cycles = watch(poller, every_s=seconds, stop=stop, on_cycle=_print_cycle)
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
    except WiretrailError as exc:
        raise fail(str(exc)) from exc
    finally:
        store.close()
    if not state.quiet:
        err.print(f"stopped after {cycles} cycle(s)", markup=False, highlight=False)


def _print_cycle(report: CycleReport) -> None:
    """Alerts go to stdout as JSON Lines (for a pipe or a person); a summary goes to stderr."""
    for alert in report.alerts:
        sys.stdout.write(json.dumps({"alert": alert.to_dict()}, ensure_ascii=False) + "\n")
    sys.stdout.flush()
    for result in report.results:
        if result.status == "error":
            err.print(f"failed: {result.error}", markup=False, highlight=False)
        elif not state.quiet:
            changes = ", ".join(f"{n} {c}" for c, n in _count(result.changes).items())
            err.print(
                f"{result.url}: {result.status}, {len(result.documents)} new document(s) or version(s)"
                + (f" ({changes})" if changes else ""),
                markup=False, highlight=False,
            )  # fmt: skip


def _count(changes) -> dict[str, int]:
    out: dict[str, int] = {}
    for c in changes:
        out[c.change] = out.get(c.change, 0) + 1
    return out
