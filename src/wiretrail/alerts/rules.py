"""The kinds of alert a rule can ask for."""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlsplit

from ..errors import ConfigError

NEW_STORY = "new-story"  # a segment opened a story no earlier segment belongs to
FIGURE_CONFLICT = "figure-conflict"  # a new figure disagrees with an earlier one on the same subject
ENTITY = "entity"  # a new quote by, or mention of, a named entity
FIGURE_EDIT = "figure-edit"  # an edit to a page changed a figure
ALERT_KINDS = (NEW_STORY, FIGURE_CONFLICT, ENTITY, FIGURE_EDIT)


def validate_rule(kinds: Sequence[str], entities: Sequence[str], webhook: str | None) -> None:
    """Raise `ConfigError` naming what is wrong with a rule."""
    unknown = [k for k in kinds if k not in ALERT_KINDS]
    if unknown:
        raise ConfigError(f"unknown alert kind {unknown[0]!r}; choose from {', '.join(ALERT_KINDS)}")
    if not kinds:
        raise ConfigError(f"an alert rule needs at least one kind: {', '.join(ALERT_KINDS)}")
    if ENTITY in kinds and not any(e.strip() for e in entities):
        raise ConfigError("an entity alert needs the entity's name (--entity NAME)")
    if webhook is not None:
        parts = urlsplit(webhook)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ConfigError(f"webhook {webhook!r} is not an http(s) URL")
