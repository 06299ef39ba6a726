"""Imports every command module so its `@app.command()` decorators run; one line per module."""

# ruff: noqa: F401
