"""Alerts raised while polling: what fired, when, under which rule, citing which passages.

Read-only: rules are added with `wiretrail alerts add`. A rule's destination (a webhook URL
often carries a secret) is never shown here, only what the rule asks to hear about.
"""

from __future__ import annotations

import enum
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from ...alerts.rules import ALERT_KINDS
from ...store.sources import Alert, AlertRule
from ..params import Page, Since, Until, document_summaries, page, store_of
from ..problems import ApiError

router = APIRouter(tags=["alerts"])

AlertKind = enum.Enum("AlertKind", {name: name for name in ALERT_KINDS}, type=str)  # type: ignore[misc]


def alert_record(alert: Alert, rules: dict[int, AlertRule]) -> dict:
    record = alert.to_dict()
    rule = rules.get(alert.rule_id) if alert.rule_id is not None else None
    record["rule"] = {"id": rule.id, "kinds": list(rule.kinds), "entities": list(rule.entities)} if rule else None
    return record


@router.get("/api/alerts", summary="Alerts raised while polling, newest first, each with the passages that triggered it")
def list_alerts(
    request: Request,
    since: Since = None,
    until: Until = None,
    kind: Annotated[AlertKind | None, Query(description="Only alerts of this kind.")] = None,  # type: ignore[valid-type]
    rule: Annotated[int | None, Query(ge=1, description="Only alerts raised by this rule id (see `wiretrail alerts rules`).")] = None,
    p: Page = Depends(page),
) -> dict:
    with store_of(request) as store:
        tables = getattr(store, "sources", None)
        if tables is None:
            raise ApiError(501, f"{type(store).__name__} does not keep alerts: schema 11 is needed")
        found = [
            a for a in tables.alerts(kind=kind.value if kind else None)
            if (since is None or a.at.date() >= since) and (until is None or a.at.date() < until)
            and (rule is None or a.rule_id == rule)
        ]  # fmt: skip
        rules = {r.id: r for r in tables.rules()}
        shown = found[p.offset : p.offset + p.limit]
        documents = document_summaries(store, (q.doc_id for a in shown for q in a.passages))
    return p.envelope([alert_record(a, rules) for a in found], documents=documents)
