"""`wiretrail alerts add|list|remove`: rules for what to be told about, and what was raised."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from .. import plugins
from ..alerts.rules import ENTITY, FIGURE_CONFLICT, FIGURE_EDIT, NEW_STORY, channel_destination, validate_rule
from ..errors import WiretrailError
from ..fetch.poll import source_tables
from .common import check_format, emit, err, fail, open_configured_store, print_records, state

alerts_app = typer.Typer(help="Alert rules and the alerts they raised.", no_args_is_help=True, rich_markup_mode=None)


@alerts_app.command("add")
def alerts_add(
    figure_conflict: Annotated[bool, typer.Option("--figure-conflict", help="A new figure disagrees with earlier ones on the same subject.")] = False,
    new_story: Annotated[bool, typer.Option("--new-story", help="A new story starts.")] = False,
    entity: Annotated[Optional[list[str]], typer.Option("--entity", help="A new quote by or mention of this name (repeatable).")] = None,
    figure_edit: Annotated[bool, typer.Option("--figure-edit", help="An edit to a page changes a figure.")] = False,
    webhook: Annotated[Optional[str], typer.Option("--webhook", help="POST each alert as JSON to this URL.")] = None,
    channel: Annotated[Optional[str], typer.Option("--channel", metavar="NAME[:TARGET]", help="Send each alert through this alert channel: stdout, webhook:URL, or one a plugin registers (wiretrail.alerts entry points).")] = None,
) -> None:
    """Add an alert rule; alerts print to stdout during `fetch`/`watch`, are stored, and go to the webhook or channel.

    Example: wiretrail alerts add --figure-conflict --new-story --entity "Rutte" --webhook http://127.0.0.1:9000/hook
    """
    names = [e.strip() for e in entity or [] if e.strip()]
    kinds = [k for k, on in ((NEW_STORY, new_story), (FIGURE_CONFLICT, figure_conflict), (ENTITY, bool(names)), (FIGURE_EDIT, figure_edit)) if on]
    if webhook is not None and channel is not None:
        raise fail("give --webhook URL or --channel NAME[:TARGET], not both: a rule has one destination", 2)
    if webhook is not None and not webhook.lower().startswith(("http://", "https://")):
        raise fail(f"webhook {webhook!r} is not an http(s) URL (for another channel use --channel NAME[:TARGET])", 2)
    try:
        destination = channel_destination(channel) if channel is not None else webhook
    except WiretrailError as exc:
        raise fail(f"--channel: {exc}", 2) from exc
    try:
        validate_rule(kinds, names, destination)
    except WiretrailError as exc:
        raise fail(f"{exc} (options: --new-story, --figure-conflict, --entity NAME, --figure-edit)", 2) from exc
    for problem in plugins.alert_channels.broken():
        err.print(f"warning: {problem}", markup=False, highlight=False)
    store = open_configured_store()
    try:
        rule = source_tables(store).add_rule(kinds, names, destination)
    finally:
        store.close()
    if not state.quiet:
        err.print(f"added alert rule {rule.id}: {', '.join(rule.kinds)}" + (f" -> {destination}" if destination else ""), markup=False, highlight=False)


@alerts_app.command("rules")
def alerts_rules(
    format: Annotated[Optional[str], typer.Option("--format", help="table, json or ndjson.")] = None,
) -> None:
    """Alert rules: id, kinds, entities, webhook.

    Example: wiretrail alerts rules --format json
    """
    format = check_format(format) or format or "table"
    store = open_configured_store()
    try:
        rules = source_tables(store).rules()
    finally:
        store.close()
    rows = [{"id": r.id, "kinds": list(r.kinds), "entities": list(r.entities), "webhook": r.webhook} for r in rules]
    emit(rows, format, ("id", "kinds", "entities", "webhook"),
         lambda r: (str(r["id"]), ", ".join(r["kinds"]), ", ".join(r["entities"]), r["webhook"] or ""))  # fmt: skip
    if not rows:
        raise typer.Exit(1)


@alerts_app.command("list")
def alerts_list(
    kind: Annotated[Optional[str], typer.Option("--kind", help="new-story, figure-conflict, entity or figure-edit.")] = None,
    limit: Annotated[Optional[int], typer.Option("--limit", min=1, help="At most this many, newest first.")] = None,
    format: Annotated[Optional[str], typer.Option("--format", help="table, json or ndjson.")] = None,
) -> None:
    """Alerts raised, newest first, with the passages (doc_id, start, end, text) that triggered them.

    Example: wiretrail alerts list --kind figure-conflict
    """
    format = check_format(format) or format or "table"
    store = open_configured_store()
    try:
        alerts = source_tables(store).alerts(kind=kind, limit=limit)
    finally:
        store.close()
    rows = [a.to_dict() for a in alerts]
    if format != "table":
        print_records(rows, format)
    else:
        emit(rows, format, ("at", "kind", "summary", "passages", "delivery"),
             lambda r: (r["at"][:19], r["kind"], r["summary"],
                        "; ".join(f"{p['doc_id'][:10]}:{p['start']}-{p['end']}" for p in r["passages"]), r["delivery"] or ""))  # fmt: skip
    if not rows:
        raise typer.Exit(1)


@alerts_app.command("remove")
def alerts_remove(rule_id: Annotated[int, typer.Argument(help="The rule's id (see `wiretrail alerts rules`).")]) -> None:
    """Remove an alert rule; the alerts it raised stay listed.

    Example: wiretrail alerts remove 3
    """
    store = open_configured_store()
    try:
        removed = source_tables(store).remove_rule(rule_id)
    finally:
        store.close()
    if not removed:
        raise fail(f"no alert rule {rule_id}; see `wiretrail alerts rules`", 1)
