"""Store new alerts and POST each to its rule's webhook as JSON.

The webhook is the operator's own endpoint (often on the same machine), so the private-address
refusal that guards fetching does not apply; a failed delivery is recorded on the alert and
never stops polling.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import httpx

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
    """Store `alerts`; POST the ones not seen before to their webhooks. Returns the new ones."""
    hooks = {r.id: r.webhook for r in rules}
    fresh = [a for a in alerts if tables.add_alert(a)]
    if not any(hooks.get(a.rule_id) for a in fresh):
        return fresh
    out = []
    with httpx.Client(transport=transport, timeout=WEBHOOK_TIMEOUT_S, trust_env=False,
                      headers={"User-Agent": user_agent}) as client:  # fmt: skip
        for alert in fresh:
            hook = hooks.get(alert.rule_id)
            if hook:
                delivery = _post(client, hook, alert)
                tables.set_delivery(alert.id, delivery)
                alert = Alert(alert.id, alert.kind, alert.summary, alert.passages, alert.at, alert.rule_id, delivery)
            out.append(alert)
    return out


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
