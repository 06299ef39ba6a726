"""Store new alerts and deliver each to its rule's destination through an alert channel.

A destination is an http(s) URL (the `webhook` channel POSTs the alert as JSON) or
`<channel>:<target>` for any channel registered under `wiretrail.alerts` (`stdout:` writes a
JSON line, as `fetch`/`watch` print them). The webhook is the operator's own endpoint (often on
the same machine), so the private-address refusal that guards fetching does not apply; a failed
delivery is recorded on the alert and never stops polling.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import httpx

from .. import plugins
from ..errors import ConfigError
from ..store.sources import Alert, AlertRule, SourceTables

log = logging.getLogger(__name__)

WEBHOOK_TIMEOUT_S = 10.0  # a receiver slower than this holds up the polling loop
WEBHOOK_ATTEMPTS = 2  # one retry for a receiver restarting; alerts stay listed either way


def deliver_alerts(
    tables: SourceTables,
    alerts: Sequence[Alert],
    rules: Sequence[AlertRule],
    *,
    transport: httpx.BaseTransport | None = None,
    user_agent: str = "wiretrail",
) -> list[Alert]:
    """Store `alerts`; deliver the ones not seen before to their rules' destinations. Returns the new ones."""
    hooks = {r.id: r.webhook for r in rules}
    fresh = [a for a in alerts if tables.add_alert(a)]
    if not any(hooks.get(a.rule_id) for a in fresh):
        return fresh
    options: dict[str, Any] = {"transport": transport, "user_agent": user_agent}
    out = []
    for alert in fresh:
        destination = hooks.get(alert.rule_id)
        if destination:
            delivery = _deliver(alert, destination, options)
            tables.set_delivery(alert.id, delivery)
            alert = Alert(alert.id, alert.kind, alert.summary, alert.passages, alert.at, alert.rule_id, delivery)
        out.append(alert)
    return out


def channel_for(destination: str) -> plugins.AlertChannel:
    """The channel a destination names: http(s) URLs go to `webhook`, `name:target` to `name`."""
    scheme = destination.split(":", 1)[0].lower() if ":" in destination else ""
    return plugins.alert_channels.get("webhook" if scheme in ("http", "https") else scheme or destination)


def _deliver(alert: Alert, destination: str, options: Mapping[str, Any]) -> str:
    try:
        channel = channel_for(destination)
    except ConfigError as exc:
        log.warning("alert %s not delivered: %s", alert.id, exc)
        return f"failed: {exc}"
    try:
        return channel.deliver(alert, destination, options=options)
    except Exception as exc:  # a channel's bug is recorded on the alert, never stops polling
        log.warning("alert channel %s failed on alert %s", channel.name, alert.id, exc_info=True)
        return f"failed: {type(exc).__name__}: {exc}"


@dataclass(frozen=True, slots=True)
class WebhookChannel:
    """POSTs `{"alert": ...}` as JSON to the destination URL, retrying once."""

    name: str = "webhook"

    def deliver(self, alert: Alert, destination: str, *, options: Mapping[str, Any]) -> str:
        with httpx.Client(transport=options.get("transport"), timeout=WEBHOOK_TIMEOUT_S, trust_env=False,
                          headers={"User-Agent": options.get("user_agent", "wiretrail")}) as client:  # fmt: skip
            return _post(client, destination, alert)


@dataclass(frozen=True, slots=True)
class StdoutChannel:
    """Writes `{"alert": ...}` as one JSON line on standard output (what `fetch`/`watch` print)."""

    name: str = "stdout"

    def deliver(self, alert: Alert, destination: str, *, options: Mapping[str, Any]) -> str:
        stream = options.get("stdout") or sys.stdout
        stream.write(json.dumps({"alert": alert.to_dict()}, ensure_ascii=False) + "\n")
        stream.flush()
        return "ok"


WEBHOOK_CHANNEL = WebhookChannel()
STDOUT_CHANNEL = StdoutChannel()


def _post(client: httpx.Client, url: str, alert: Alert) -> str:
    reason = ""
    for attempt in range(1, WEBHOOK_ATTEMPTS + 1):
        try:
            response = client.post(url, json={"alert": alert.to_dict()})
            if response.status_code < 300:
                return "ok"
            reason = f"HTTP {response.status_code}"
        except httpx.HTTPError as exc:
            reason = f"{type(exc).__name__}: {exc}"
        log.warning("webhook %s: alert %s not delivered (%s), attempt %d", url, alert.id, reason, attempt)
    return f"failed: {reason}"
