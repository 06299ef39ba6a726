"""The kinds of alert a rule can ask for, and where a rule sends its alerts.

A rule's destination is an http(s) URL (the `webhook` channel) or `<channel>:<target>` for any
channel registered under the `wiretrail.alerts` entry points (`stdout:`, a plugin's `memo:desk`).
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlsplit

from .. import plugins
from ..errors import ConfigError

NEW_STORY = "new-story"  # a segment opened a story no earlier segment belongs to
FIGURE_CONFLICT = "figure-conflict"  # a new figure disagrees with an earlier one on the same subject
ENTITY = "entity"  # a new quote by, or mention of, a named entity
FIGURE_EDIT = "figure-edit"  # an edit to a page changed a figure
ALERT_KINDS = (NEW_STORY, FIGURE_CONFLICT, ENTITY, FIGURE_EDIT)


def validate_rule(kinds: Sequence[str], entities: Sequence[str], destination: str | None) -> None:
    """Raise `ConfigError` naming what is wrong with a rule."""
    unknown = [k for k in kinds if k not in ALERT_KINDS]
    if unknown:
        raise ConfigError(f"unknown alert kind {unknown[0]!r}; choose from {', '.join(ALERT_KINDS)}")
    if not kinds:
        raise ConfigError(f"an alert rule needs at least one kind: {', '.join(ALERT_KINDS)}")
    if ENTITY in kinds and not any(e.strip() for e in entities):
        raise ConfigError("an entity alert needs the entity's name (--entity NAME)")
    if destination is None or _is_webhook(destination):
        return
    try:
        plugins.alert_channels.get(destination.split(":", 1)[0])
    except ConfigError as exc:
        raise ConfigError(f"destination {destination!r} is not an http(s) URL, and {exc}") from None


def channel_destination(channel: str) -> str:
    """The destination a rule stores for `NAME[:TARGET]`, checked against the registered alert
    channels (a `ConfigError` lists them). `webhook:URL`, or a bare URL, is the URL itself."""
    if _is_webhook(channel):
        return channel
    name, _, target = channel.strip().partition(":")
    plugins.alert_channels.get(name)  # raises, naming the channels there are
    if name == "webhook":
        if not _is_webhook(target):
            raise ConfigError(f"the webhook channel needs an http(s) URL: --channel webhook:https://..., not {channel!r}")
        return target
    return f"{name}:{target}"


def _is_webhook(destination: str) -> bool:
    """An http(s) URL (validated); a destination with another scheme or none is a channel's."""
    try:
        parts = urlsplit(destination)
        parts.hostname  # noqa: B018 - raises on a malformed host such as "[::1"
    except ValueError as exc:
        raise ConfigError(f"destination {destination!r} is not a valid URL: {exc}") from None
    if parts.scheme not in ("http", "https"):
        return False
    if not parts.hostname:
        raise ConfigError(f"webhook {destination!r} is not an http(s) URL: it names no host")
    return True
