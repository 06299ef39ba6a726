"""Every command and option the CLI offers is documented, and every command's help has an example.

A user reads the README's usage block and `--help`; a flag added without a word there is a flag
nobody finds (sqlite-utils keeps the same check in its test_docs.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import typer.main

from wiretrail.cli import app

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def _is_group(command: Any) -> bool:
    return hasattr(command, "commands")  # typer vendors click: duck-type its Group


def _commands() -> list[tuple[str, Any]]:
    root = typer.main.get_command(app)
    found: list[tuple[str, Any]] = []

    def walk(group: Any, prefix: str) -> None:
        for name, command in group.commands.items():
            found.append((f"{prefix} {name}", command))
            if _is_group(command):
                walk(command, f"{prefix} {name}")

    walk(root, "wiretrail")
    return found


COMMANDS = _commands()
LEAVES = [(n, c) for n, c in COMMANDS if not _is_group(c)]


def test_the_cli_has_the_commands_the_issues_ask_for() -> None:
    names = {name for name, _ in COMMANDS}
    for expected in ("ingest", "docs", "links", "provenance", "audit", "entities", "timeline", "brief", "config"):
        assert f"wiretrail {expected}" in names


@pytest.mark.parametrize("name,command", COMMANDS, ids=[n for n, _ in COMMANDS])
def test_command_is_in_the_readme(name: str, command: Any) -> None:
    assert name in README, f"`{name}` is not documented in README.md"


@pytest.mark.parametrize("name,command", COMMANDS, ids=[n for n, _ in COMMANDS])
def test_every_option_is_in_the_readme(name: str, command: Any) -> None:
    missing = [
        opt
        for param in command.params
        if param.param_type_name == "option"
        for opt in param.opts
        if opt.startswith("--") and opt != "--help" and opt not in README
    ]
    assert not missing, f"{name}: options not documented in README.md: {', '.join(missing)}"


@pytest.mark.parametrize("name,command", LEAVES, ids=[n for n, _ in LEAVES])
def test_every_command_help_has_an_example(name: str, command: Any) -> None:
    assert "Example:" in (command.help or ""), f"{name} --help has no example"


def test_global_options_are_in_the_readme() -> None:
    root = typer.main.get_command(app)
    missing = [opt for p in root.params for opt in p.opts if opt.startswith("--") and opt != "--help" and opt not in README]
    assert not missing, f"global options not documented: {missing}"
