"""Ids as users type them: a whole id or a prefix only one record starts with.

The CLI, the Python API and the HTTP API all accept prefixes; each turns `NotFound` into its
own way of failing (an exit code, the exception itself, a 404 or a 400 by `NotFound.matches`).
"""

from __future__ import annotations

from .errors import NotFound
from .report.stories import StorySummary, stories
from .store.base import Store


def document_id(store: Store, prefix: str) -> str:
    """The one stored document id starting with `prefix`."""
    matches = store.resolve_id(prefix)
    if len(matches) != 1:
        raise NotFound(_problem(prefix, len(matches), "document", "documents"), matches=len(matches))
    return matches[0]


def story(store: Store, prefix: str) -> StorySummary:
    """The one story whose id starts with `prefix` (a whole id is a prefix of itself)."""
    found = [s for s in stories(store) if s.id.startswith(prefix)]
    if len(found) != 1:
        raise NotFound(_problem(prefix, len(found), "story", "stories"), matches=len(found))
    return found[0]


def _problem(prefix: str, matches: int, one: str, many: str) -> str:
    if not matches:
        return f"no {one} has an id starting with {prefix!r}"
    return f"{matches} {many} have an id starting with {prefix!r}; give more characters"
