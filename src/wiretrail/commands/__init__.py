"""CLI commands kept in their own modules (server, batch, sources, maintenance).

A module here defines plain Typer command functions (or a `typer.Typer()` group) using only
`wiretrail.commands.common`; `wiretrail.cli` adds each to `app` with one line, e.g.
`app.command()(serve)` or `app.add_typer(sources_app, name="sources")`.
"""
