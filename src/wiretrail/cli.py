"""The `wiretrail` command: a thin layer that checks arguments and calls library functions.

Results go to stdout, messages and progress to stderr. Exit codes: 0 success, 1 some inputs
failed or nothing matched, 2 usage error.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from collections import Counter
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from . import lookup
from .errors import NotFound, WiretrailError
from .model import EntityType
from .pipeline import IngestReport, ingest as run_ingest
from .provenance.audit import audit_document, audit_record
from .provenance.trace import trace_document, trace_record
from .extract.events import EVENT_TRIGGERS
from .report.export import (
    EXPORT_FORMATS,
    document_record,
    entity_record,
    event_record,
    export as run_export,
    failure_record,
    figure_record,
    link_record,
    quote_record,
    segment_record,
)
from .report.briefing import build_briefing, to_html as briefing_html, to_markdown as briefing_markdown
from .report.figure_table import figure_table, group_records
from .report.stories import stories as list_stories, story_record
from .report.timeline import TimelineQuery, rows_to_records as timeline_records, timeline as run_timeline
from .store.facts import FactQuery
from .settings import load_settings, setting_docs
from .thresholds import using
from .store import DocumentQuery

from .commands.common import (
    ID_CHARS,
    check_format,
    FormatOption,
    SinceOption,
    UntilOption,
    emit,
    parse_day,
    parse_time,
    table_columns,
    err,
    fail,
    open_configured_store,
    out,
    print_records,
    show_progress,
    state,
)

ENTITY_TYPES = tuple(t.value for t in EntityType)

app = typer.Typer(
    add_completion=True,
    no_args_is_help=True,
    help="wiretrail: news copies in, one sourced, deduplicated record out.",
    rich_markup_mode=None,
)


@app.callback()
def main_options(
    ctx: typer.Context,
    db: Annotated[Optional[str], typer.Option("--db", help="Store: a SQLite file or a postgresql:// URL (default wiretrail.db; env WIRETRAIL_DB).")] = None,
    config: Annotated[Optional[Path], typer.Option("--config", help="Settings file (default ./wiretrail.toml).")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bars or summaries on stderr.")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log what each stage does.")] = False,
) -> None:
    """Global options, read before any command."""
    logging.basicConfig(level=logging.INFO if verbose else logging.ERROR, format="%(levelname)s %(name)s: %(message)s")
    try:
        state.settings = load_settings(config=config, overrides={"db": db})
        ctx.with_resource(using(state.settings))  # the command's stages read these thresholds
    except WiretrailError as exc:
        raise fail(str(exc), 2) from exc
    state.quiet = quiet or bool(os.environ.get("NO_COLOR"))


@app.command()
def ingest(
    paths: Annotated[list[str], typer.Argument(help="Files or folders (searched recursively): text, HTML, CSV, JSON Lines, RSS/Atom, WARC.")],
    workers: Annotated[Optional[int], typer.Option("--workers", help="Processes for cleaning and spaCy (default 2).")] = None,
) -> None:
    """Read, clean, segment and store news copies.

    Example: wiretrail ingest ../shared/corpus/seeds/ examples/
    """
    settings = state.settings
    if workers is not None:
        settings = settings.with_overrides("argument", {"workers": workers})
    store = open_configured_store()
    try:
        if show_progress():
            with Progress(SpinnerColumn(), TextColumn("[progress.description]{task.description}"), BarColumn(), TextColumn("{task.completed} inputs"), TimeElapsedColumn(), console=err, transient=True) as bar:
                task = bar.add_task("ingesting", total=None)
                report = run_ingest(store, paths, settings=settings, progress=lambda r: bar.update(task, completed=r.inputs))
        else:
            report = run_ingest(store, paths, settings=settings)
    except WiretrailError as exc:
        raise fail(str(exc)) from exc
    finally:
        store.close()
    for failure in report.failures:
        err.print(f"failed: {failure.source}: {failure.error}", markup=False, highlight=False)
    for warning in report.warnings:
        err.print(f"warning: {warning}", markup=False, highlight=False)
    if not state.quiet:
        err.print(_summary(report), markup=False, highlight=False)
    if report.failures:
        raise typer.Exit(1)


def _summary(report: IngestReport) -> str:
    return (
        f"{report.added} documents added ({report.existing} already stored), "
        f"{report.segments} segments, {report.sentences} sentences, {report.links} links, "
        f"{report.removed_lines} lines of page furniture removed, {len(report.failures)} failed"
    )


@app.command()
def docs(
    limit: Annotated[Optional[int], typer.Option("--limit", help="At most this many rows.")] = None,
    kind: Annotated[Optional[str], typer.Option("--kind", help="Only this kind: article, live-blog, live-updates.")] = None,
    since: SinceOption = None,
    until: UntilOption = None,
    lang: Annotated[Optional[str], typer.Option("--lang", help="Only documents in this language (ISO 639-1 code, e.g. en, ru, uk).")] = None,
    format: FormatOption = None,
) -> None:
    """List stored documents: id, title, outlet, published, kind, segments, flags.

    Example: wiretrail docs --kind live-blog
    """
    format = check_format(format)
    store = open_configured_store()
    try:
        documents = list(store.documents(DocumentQuery(
            kind=kind, language=lang, since=parse_time(since, "--since"), until=parse_time(until, "--until"), limit=limit
        )))
        seg_counts = store.segment_counts()
    finally:
        store.close()
    rows = []
    for doc in documents:
        record = document_record(doc)
        record.pop("text")
        record["segments"] = seg_counts.get(doc.id, 0)
        record["flags"] = list(doc.flags)
        rows.append(record)
    emit(
        rows, format, ("id", "title", "outlet", "published", "kind", "segments", "flags"),
        lambda r: (r["id"][:ID_CHARS], r["title"] or "", r["outlet"] or "", r["published"] or "", r["kind"], str(r["segments"]), ", ".join(r["flags"])),
    )  # fmt: skip
    if not rows:
        raise typer.Exit(1)


@app.command()
def show(
    doc_id: Annotated[str, typer.Argument(help="A document id, or its first characters.")],
    format: Annotated[str, typer.Option("--format", help="text or json.")] = "text",
) -> None:
    """Show a document's clean text with its segments, dates and authors.

    Example: wiretrail show 3f2a
    """
    store = open_configured_store()
    try:
        resolved = _resolve(store, doc_id)
        doc = store.document(resolved)
        segments = list(store.segments(resolved))
    finally:
        store.close()
    assert doc is not None
    if format == "json":
        record = document_record(doc)
        record["segments"] = [segment_record(s) for s in segments]
        sys.stdout.write(json.dumps(record, ensure_ascii=False, indent=2) + "\n")
        return
    meta = document_record(doc)
    out.print(f"[bold]{doc.title or '(no title)'}[/bold]", highlight=False)
    for key in ("id", "source", "published", "updated", "kind", "outlet", "republisher", "credits", "authors", "truncated"):
        value = meta[key]
        if value not in (None, [], False):
            out.print(f"{key}: {', '.join(value) if isinstance(value, list) else value}", markup=False, highlight=False)
    for seg in segments:
        stamp = seg.posted_at.isoformat() if seg.posted_at else (seg.reference_date.isoformat() if seg.reference_date else "undated")
        by = f" · {seg.author}" if seg.author else ""
        out.rule(f"[{seg.index}] {seg.kind.value} · {stamp}{by}", style="dim")
        out.print(doc.text[seg.start : seg.end], markup=False, highlight=False)


@app.command()
def export(
    out_dir: Annotated[Path, typer.Option("--out", help="Folder to write the tables into.")],
    format: Annotated[str, typer.Option("--format", help="jsonl or csv.")] = "jsonl",
) -> None:
    """Export the store as tables: documents, segments, links, entities, mentions, quotes, figures, events (.jsonl).

    Example: wiretrail export --format jsonl --out out/
    """
    if format not in EXPORT_FORMATS:
        raise fail(f"unknown export format {format!r}; choose one of {', '.join(EXPORT_FORMATS)}", 2)
    store = open_configured_store()
    try:
        counts = run_export(store, out_dir, format=format)
    finally:
        store.close()
    if not state.quiet:
        err.print(", ".join(f"{n} {name}" for name, n in counts.items()) + f" written to {out_dir}", markup=False, highlight=False)


@app.command()
def links(
    doc_id: Annotated[Optional[str], typer.Option("--doc", help="Only links of this document (an id prefix works).")] = None,
    relation: Annotated[Optional[str], typer.Option("--relation", help="duplicate, shares-passages or rewrite-of.")] = None,
    format: FormatOption = None,
) -> None:
    """List links between documents: which copies, repeats or rewrites which, and who was first.

    Example: wiretrail links --relation shares-passages
    """
    format = check_format(format)
    store = open_configured_store()
    try:
        if doc_id is not None:
            doc_id = _resolve(store, doc_id)
        found = store.links(doc_id, relation=relation)
        titles = {d.id: (d.title or d.source) for d in store.documents()}
    finally:
        store.close()
    rows = [link_record(link) for link in found]
    emit(
        rows, format, ("from (copy)", "to (source)", "relation", "score", "shared passages", "first"),
        lambda r: (
            f"{r['from_doc'][:ID_CHARS]} {titles.get(r['from_doc'], '')}", f"{r['to_doc'][:ID_CHARS]} {titles.get(r['to_doc'], '')}",
            r["relation"], f"{r['score']:.2f}", str(len(r["shared"])),
            "unknown" if r["first"] is None else ("from" if r["first"] == r["from_doc"] else "to"),
        ),
    )  # fmt: skip
    if not rows:
        raise typer.Exit(1)


def _resolve(store, doc_id: str) -> str:
    """The one stored id that starts with `doc_id`; exits naming the problem otherwise."""
    try:
        return lookup.document_id(store, doc_id)
    except NotFound as exc:
        raise fail(str(exc)) from None


@app.command()
def provenance(
    target: Annotated[str, typer.Argument(help="A document id (prefix), or DOC:SEGMENT for one segment.")],
    format: FormatOption = None,
) -> None:
    """Each sentence: first seen where and when, its copies, and how many independent sources.

    Example: wiretrail provenance 93f1:12
    """
    format = check_format(format)
    doc_part, _, seg_part = target.partition(":")
    if seg_part and not seg_part.isdigit():
        raise fail(f"segment {seg_part!r} is not a number: use DOC:SEGMENT, e.g. {doc_part}:3", 2)
    store = open_configured_store()
    try:
        doc_id = _resolve(store, doc_part)
        traces = trace_document(store, doc_id, segment_index=int(seg_part) if seg_part else None)
    finally:
        store.close()
    rows = [trace_record(doc_id, t) for t in traces]
    emit(
        rows, format, ("sentence", "first seen", "copies", "sources"),
        lambda r: (
            r["text"], "unknown" if r["first_seen"] is None else f"{r['first_seen']['at']} {r['first_seen']['doc_id'][:ID_CHARS]}",
            str(len(r["copies"])), str(r["independent_sources"]),
        ),
    )  # fmt: skip
    if not rows:
        raise typer.Exit(1)


@app.command()
def audit(
    doc_id: Annotated[str, typer.Argument(help="A document id, or its first characters.")],
    format: Annotated[str, typer.Option("--format", help="text or json.")] = "text",
    embeddings: Annotated[bool, typer.Option("--embeddings", help="Decide sentences the lexical measures leave undecided by sentence embeddings (needs the embeddings extra).")] = False,
) -> None:
    """Sentences and quotes of a document that none of its sources support.

    Example: wiretrail audit 6717 --format json
    """
    store = open_configured_store()
    try:
        result = audit_document(store, _resolve(store, doc_id), embeddings=embeddings or None)
    finally:
        store.close()
    record = audit_record(result)
    if format == "json":
        sys.stdout.write(json.dumps(record, ensure_ascii=False, indent=2) + "\n")
        return
    out.print(f"{len(result.unsupported)} of {len(result.sentences)} sentences unsupported by {len(result.sources)} sources", highlight=False)
    for s in result.unsupported:
        out.print(f"  ✗ {s.text}", markup=False, highlight=False)
    if result.unsourced_quotes:
        out.print("quotes found in no source:", highlight=False)
        for q in result.unsourced_quotes:
            out.print(f"  “{q.text}”", markup=False, highlight=False)


@app.command()
def failures(
    limit: Annotated[Optional[int], typer.Option("--limit", help="At most this many rows.")] = 50,
    format: FormatOption = None,
) -> None:
    """List inputs that could not be ingested, newest first, with the reason.

    Example: wiretrail failures --limit 10
    """
    format = check_format(format)
    store = open_configured_store()
    try:
        found = store.failures(limit=limit)
    finally:
        store.close()
    rows = [failure_record(f) for f in found]
    emit(rows, format, ("at", "source", "stage", "error"), lambda r: (r["at"], r["source"], r["stage"], r["error"]))


# -- extracted facts ------------------------------------------------------------------------------


@app.command()
def entities(
    type: Annotated[Optional[str], typer.Option("--type", help="PERSON, ORG, PLACE or GROUP.")] = None,
    query: Annotated[Optional[str], typer.Option("--query", help="Only entities with a spelling containing this.")] = None,
    doc_id: Annotated[Optional[str], typer.Option("--doc", help="Only entities this document mentions (an id prefix works).")] = None,
    limit: Annotated[Optional[int], typer.Option("--limit", min=1, help="At most this many, most mentioned first.")] = None,
    format: FormatOption = None,
) -> None:
    """Canonical people, organisations, groups and places: spellings, roles, mentions, documents.

    Example: wiretrail entities --type PERSON --query Zelensky
    """
    format = check_format(format)
    if type is not None and type.upper() not in ENTITY_TYPES:
        raise fail(f"unknown entity type {type!r}; choose one of {', '.join(ENTITY_TYPES)}", 2)
    store = open_configured_store()
    try:
        doc = _resolve(store, doc_id) if doc_id else None
        found = store.facts.entities(FactQuery(doc_id=doc, type=type, text=query, limit=limit))
    finally:
        store.close()
    rows = [entity_record(e) for e in found]
    emit(
        rows, format, ("id", "name", "type", "aliases", "roles", "mentions", "docs"),
        lambda r: (r["id"][:ID_CHARS], r["name"], r["type"], ", ".join(r["aliases"]), "; ".join(r["roles"]),
                   str(r["mentions"]), str(r["documents"])),
    )  # fmt: skip
    if not rows:
        raise typer.Exit(1)


@app.command()
def places(
    unresolved: Annotated[bool, typer.Option("--unresolved", help="Only places the gazetteer could not place.")] = False,
    limit: Annotated[Optional[int], typer.Option("--limit", min=1, help="At most this many, most mentioned first.")] = None,
    format: FormatOption = None,
) -> None:
    """Places mentioned, with coordinates and country; unresolved ones are listed as such.

    Example: wiretrail places --format json
    """
    format = check_format(format)
    store = open_configured_store()
    try:
        found = store.facts.entities(FactQuery(type="PLACE"))
    finally:
        store.close()
    rows = [entity_record(e) for e in found if not unresolved or e.lat is None][:limit]
    emit(
        rows, format, ("id", "name", "lat", "lon", "country", "kind", "mentions"),
        lambda r: (r["id"][:ID_CHARS], r["name"], _coord(r["lat"]), _coord(r["lon"]), r["country"] or "",
                   ("unresolved" if r["lat"] is None else (r["feature"] or "") + (" ~" if r["approximate"] else "")),
                   str(r["mentions"])),
    )  # fmt: skip
    if not rows:
        raise typer.Exit(1)


def _coord(value: Optional[float]) -> str:
    return "" if value is None else f"{value:.2f}"


@app.command()
def quotes(
    speaker: Annotated[Optional[str], typer.Option("--speaker", help="Only quotes by a speaker whose name contains this.")] = None,
    doc_id: Annotated[Optional[str], typer.Option("--doc", help="Only quotes of this document.")] = None,
    since: SinceOption = None,
    until: UntilOption = None,
    limit: Annotated[Optional[int], typer.Option("--limit", min=1, help="At most this many.")] = None,
    format: FormatOption = None,
) -> None:
    """Direct quotes with their speakers and when they were reported.

    Example: wiretrail quotes --speaker Rutte
    """
    format = check_format(format)
    store = open_configured_store()
    try:
        doc = _resolve(store, doc_id) if doc_id else None
        found = store.facts.quotes(FactQuery(doc_id=doc, text=speaker, since=parse_day(since, "--since"), until=parse_day(until, "--until"), limit=limit))
    finally:
        store.close()
    rows = [quote_record(q) for q in found]
    emit(
        rows, format, ("quote", "speaker", "doc", "at"),
        lambda r: (r["text"], r["speaker"] or "(unknown)", r["doc_id"][:ID_CHARS], r["said_at"] or ""),
    )  # fmt: skip
    if not rows:
        raise typer.Exit(1)


@app.command()
def figures(
    about: Annotated[Optional[str], typer.Option("--about", help="Only figures whose subject contains this.")] = None,
    doc_id: Annotated[Optional[str], typer.Option("--doc", help="Only figures of this document.")] = None,
    since: SinceOption = None,
    until: UntilOption = None,
    conflicts: Annotated[bool, typer.Option("--conflicts", help="Figures about the same thing that disagree, side by side, with why (time, scope or a real disagreement).")] = False,
    limit: Annotated[Optional[int], typer.Option("--limit", min=1, help="At most this many.")] = None,
    format: FormatOption = None,
) -> None:
    """Numbers with what they count, value or range, unit, who says so and as of when.

    Example: wiretrail figures --about troops --conflicts
    """
    format = check_format(format)
    if conflicts:
        _figure_conflicts(about, limit, format)
        return
    store = open_configured_store()
    try:
        doc = _resolve(store, doc_id) if doc_id else None
        found = store.facts.figures(FactQuery(doc_id=doc, text=about, since=parse_day(since, "--since"), until=parse_day(until, "--until"), limit=limit))
    finally:
        store.close()
    rows = [figure_record(f) for f in found]
    emit(
        rows, format, ("subject", "value", "unit", "says", "as of", "doc"),
        lambda r: (r["subject"], _value(r), r["unit"] or "", r["attributed_to"] or "", r["as_of"] or "",
                   r["doc_id"][:ID_CHARS]),
    )  # fmt: skip
    if not rows:
        raise typer.Exit(1)


def _resolve_story(store, story: str):
    """The one story whose id starts with `story`; exits naming the problem otherwise."""
    try:
        return lookup.story(store, story)
    except NotFound as exc:
        raise fail(str(exc), 2 if exc.matches else 1) from None


def _figure_conflicts(about: Optional[str], limit: Optional[int], format: str) -> None:
    store = open_configured_store()
    try:
        groups = group_records(figure_table(store, about=about, conflicts_only=True)[:limit])
    finally:
        store.close()
    if format != "table":
        print_records(groups, format)
    else:
        for g in groups:
            why = Counter(d["why"] for d in g["differences"])
            out.print(f"{g['subject']} ({g['unit'] or 'count'}): {', '.join(f'{n} {w}' for w, n in why.items())}", markup=False, highlight=False)
            table = Table(*table_columns("value", "says", "as of", "subject", "doc"))
            for f in g["figures"]:
                table.add_row(_value(f), f["attributed_to"] or "", f["as_of"] or "", f["subject"], f["doc_id"][:ID_CHARS])
            out.print(table)
    if not groups:
        raise typer.Exit(1)


def _value(r: dict) -> str:
    low, high = r["value_low"], r["value_high"]
    if low == high:
        text = f"{low:,.0f}" if low is not None else "?"
    elif high is None:
        text = f"{low:,.0f}+"
    elif not low:
        text = f"up to {high:,.0f}"
    else:
        text = f"{low:,.0f}–{high:,.0f}"
    return ("~" if r["vague"] else "") + text


@app.command()
def events(
    since: SinceOption = None,
    until: UntilOption = None,
    type: Annotated[Optional[str], typer.Option("--type", help="Event type, e.g. ATTACK, VISIT, AID, CAPTURE.")] = None,
    doc_id: Annotated[Optional[str], typer.Option("--doc", help="Only events of this document.")] = None,
    limit: Annotated[Optional[int], typer.Option("--limit", min=1, help="At most this many.")] = None,
    format: FormatOption = None,
) -> None:
    """Who did what to whom, where and when; undated events are listed last.

    Example: wiretrail events --since 2024-12-01 --type ATTACK
    """
    format = check_format(format)
    if type is not None and type.upper() not in EVENT_TRIGGERS:
        raise fail(f"unknown event type {type!r}; choose one of {', '.join(EVENT_TRIGGERS)}", 2)
    store = open_configured_store()
    try:
        doc = _resolve(store, doc_id) if doc_id else None
        query = FactQuery(doc_id=doc, type=type, since=parse_day(since, "--since"), until=parse_day(until, "--until"), limit=limit)
        found = store.facts.events(query)
    finally:
        store.close()
    rows = [event_record(e) for e in found]
    emit(
        rows, format, ("date", "type", "place", "actors", "summary"),
        lambda r: (r["date"] or "undated", r["type"], r["place"] or "", ", ".join(r["actors"]), r["summary"]),
    )  # fmt: skip
    if not rows:
        raise typer.Exit(1)


@app.command()
def timeline(
    since: SinceOption = None,
    until: UntilOption = None,
    entity: Annotated[Optional[str], typer.Option("--entity", help="Only events naming this actor, target or word.")] = None,
    place: Annotated[Optional[str], typer.Option("--place", help="Only events at a place whose name contains this.")] = None,
    type: Annotated[Optional[str], typer.Option("--type", help="Event type, e.g. ATTACK, VISIT, AID, CAPTURE.")] = None,
    story: Annotated[Optional[str], typer.Option("--story", help="Only events of this story (an id prefix works).")] = None,
    limit: Annotated[Optional[int], typer.Option("--limit", min=1, help="At most this many rows.")] = None,
    format: FormatOption = None,
) -> None:
    """One row per event, dated by when it happened, with its earliest report and every later source.

    Example: wiretrail timeline --entity Rutte --since 2024-12-01
    """
    format = check_format(format)
    if type is not None and type.upper() not in EVENT_TRIGGERS:
        raise fail(f"unknown event type {type!r}; choose one of {', '.join(EVENT_TRIGGERS)}", 2)
    store = open_configured_store()
    try:
        docs = frozenset(_resolve_story(store, story).doc_ids) if story else None
        query = TimelineQuery(
            since=parse_day(since, "--since"), until=parse_day(until, "--until"), type=type, entity=entity, place=place,
            doc_ids=docs, limit=limit,
        )
        rows = timeline_records(run_timeline(store, query))
    finally:
        store.close()
    emit(
        rows, format, ("date", "type", "place", "what", "first report", "sources", "independent"),
        lambda r: (r["date"] or "undated", r["type"], r["place"] or "", r["summary"],
                   f"{r['first_report']['doc_id'][:ID_CHARS]} {r['first_report']['at'] or ''}",
                   str(len(r["sources"])), str(r["independent_sources"])),
    )  # fmt: skip
    if not rows:
        raise typer.Exit(1)


@app.command("stories")
def stories_command(
    since: SinceOption = None,
    until: UntilOption = None,
    limit: Annotated[Optional[int], typer.Option("--limit", min=1, help="At most this many, most independent sources first.")] = None,
    format: FormatOption = None,
) -> None:
    """Stories: title, first and last seen, segments, documents and independent sources.

    Example: wiretrail stories --since 2024-12-01
    """
    format = check_format(format)
    store = open_configured_store()
    try:
        found = list_stories(store, since=parse_day(since, "--since"), until=parse_day(until, "--until"))[:limit]
    finally:
        store.close()
    rows = [story_record(s) for s in found]
    emit(
        rows, format, ("id", "title", "first seen", "last seen", "segments", "docs", "sources"),
        lambda r: (r["id"][:ID_CHARS], r["title"] or "", r["first_seen"] or "", r["last_seen"] or "",
                   str(r["segments"]), str(r["documents"]), str(r["independent_sources"])),
    )  # fmt: skip
    if not rows:
        raise typer.Exit(1)


@app.command()
def brief(
    story: Annotated[Optional[str], typer.Option("--story", help="Brief one story (an id prefix works).")] = None,
    since: SinceOption = None,
    until: UntilOption = None,
    format: Annotated[str, typer.Option("--format", help="md or html.")] = "md",
) -> None:
    """A one-page briefing in which every sentence cites its sources.

    Example: wiretrail brief --since 2024-12-01 --format html > brief.html
    """
    if format not in ("md", "html"):
        raise fail(f"unknown format {format!r}; choose one of md, html", 2)
    store = open_configured_store()
    try:
        story_id = _resolve_story(store, story).id if story else None
        result = build_briefing(store, story=story_id, since=parse_day(since, "--since"), until=parse_day(until, "--until"))
    finally:
        store.close()
    sys.stdout.write(briefing_html(result) if format == "html" else briefing_markdown(result))
    if not result.events:
        raise typer.Exit(1)


@app.command("config")
def config_command(format: FormatOption = None) -> None:
    """The effective settings: value, where it came from (default, file, env, argument) and what
    it is for. Precedence: defaults < wiretrail.toml (or --config) < WIRETRAIL_* env < flags.

    Example: WIRETRAIL_WORKERS=1 wiretrail config --format json
    """
    format = check_format(format)
    docs = setting_docs()
    rows = [
        {"name": name, "value": value, "origin": origin, "help": docs.get(name, "")}
        for name, value, origin in state.settings.describe()
    ]
    emit(rows, format, ("name", "value", "origin", "help"), lambda r: (r["name"], str(r["value"]), r["origin"], r["help"]))


# Commands kept in their own modules (wiretrail.commands.*): they import only
# wiretrail.commands.common, and are added here, one line each.
from .commands.batch import batch as batch_command, load as load_command  # noqa: E402
app.command("batch")(batch_command)
app.command("load")(load_command)
from .commands.sources import fetch, sources_app, watch_command  # noqa: E402
from .commands.alerts import alerts_app  # noqa: E402
app.add_typer(sources_app, name="sources")
app.add_typer(alerts_app, name="alerts")
app.command()(fetch)
app.command("watch")(watch_command)
from .commands.maintenance import backup as backup_command, check as check_command  # noqa: E402
app.command("check")(check_command)
app.command("backup")(backup_command)
from .commands.serve import serve  # noqa: E402
app.command()(serve)


def main() -> None:
    try:
        app()
    except WiretrailError as exc:  # a library error reaching the top: one line, no traceback
        err.print(f"error: {exc}", markup=False, highlight=False)
        raise SystemExit(1) from None
