"""CLI commands that live in their own modules (server, batch, sources, maintenance).

Each module imports `app` and the shared helpers from `wiretrail.cli` and registers its commands
with `@app.command()`; `wiretrail.cli` imports the modules at its end, so `app` exists by then.
"""
