"""Alerts raised by polling a local server: new stories, entity mentions, a figure changed in an
edit, a figure that conflicts with earlier ones; stored, delivered to a local webhook receiver,
each citing the passages (doc_id, start, end, text) that triggered it."""

from __future__ import annotations

import json
import threading

import pytest

from test_fetch_live import live_blog
import test_fetch_server
from wiretrail.alerts import validate_rule
from wiretrail.errors import ConfigError
from wiretrail.fetch import FetchConfig, Fetcher, Poller
from wiretrail.settings import Settings
from wiretrail.store import open_store

LOOPBACK = FetchConfig(allow_loopback=True, host_delay_s=0, backoff_s=0.01, timeout_s=2.0, attempts=2)
STAMP_A = "Tuesday 3 December 2024 11:30 , Ana Li"
TROOPS = "Officials said {n} North Korean troops had arrived in the Kursk region."
RUTTE = "Nato Secretary General Mark Rutte said the alliance was watching closely."
TALKS = ("Tuesday 3 December 2024 10:15 , Jo Roe", "The talks in Geneva ended without an agreement after six hours.")
OTHER_PAGE = (
    "<html><body><main><h1>Troops in Kursk</h1><p>Published 3 December 2024</p>"
    "<p>Ukrainian intelligence said 15,000 North Korean troops had arrived in the Kursk region.</p>"
    "<p>The claim could not be verified independently.</p></main></body></html>"
)

TWO_FIGURES_PAGE = OTHER_PAGE.replace(
    "<p>The claim", "<p>Kyiv later said 20,000 North Korean troops had arrived in the Kursk region.</p><p>The claim"
)
SLOW_SOURCE_WAIT_S = 60  # how long the slow source waits for the fast one's alert before answering anyway

local_server = test_fetch_server.local_server  # the fixture, shared


def entry(n: str, *, rutte: bool = True) -> tuple[str, str]:
    return STAMP_A, TROOPS.format(n=n) + (" " + RUTTE if rutte else "")


@pytest.fixture()
def store(tmp_path):
    with open_store(tmp_path / "wiretrail.db") as s:
        yield s


def hooked(local_server) -> list[dict]:
    """What the webhook receiver was sent, in order."""
    return [json.loads(h.body)["alert"] for h in local_server.hits if h.path == "/hook" and h.method == "POST"]


def check_passages(store, alert) -> None:
    """Every cited passage is the stored text at its offsets."""
    assert alert.passages
    for p in alert.passages:
        assert store.document(p.doc_id).text[p.start : p.end] == p.text and p.text


def test_alerts_fire_are_stored_and_delivered(local_server, store):
    local_server.page("/hook", "", status=204)
    local_server.page("/live", live_blog([entry("10,000"), TALKS]))
    rule = store.sources.add_rule(["new-story", "entity", "figure-edit"], ["Rutte"], local_server.url("/hook"))
    quiet = store.sources.add_rule(["figure-conflict"], [], None)  # stdout and store only
    url = local_server.url("/live")
    with Poller(store, settings=Settings(workers=1), fetcher=Fetcher(LOOPBACK)) as poller:
        # 1. first poll: new stories and the Rutte mention
        first = poller.poll([url])
        v1 = first.results[0].documents[0]
        kinds = sorted(a.kind for a in first.alerts)
        assert kinds.count("new-story") >= 1 and kinds.count("entity") == 1 and "figure-edit" not in kinds
        rutte = next(a for a in first.alerts if a.kind == "entity")
        assert rutte.rule_id == rule.id and rutte.passages[0].doc_id == v1
        assert "Mark Rutte" in rutte.passages[0].text
        for alert in first.alerts:
            check_passages(store, alert)
        assert all(a.delivery == "ok" for a in first.alerts)

        # 2. the figure is edited: a figure-edit alert citing the old and the new sentence;
        #    Rutte, still in the entry, is not announced again
        local_server.page("/live", live_blog([entry("12,000"), TALKS]))
        second = poller.poll([url])
        v2 = second.results[0].documents[0]
        assert [a.kind for a in second.alerts] == ["figure-edit"]
        edit = second.alerts[0]
        check_passages(store, edit)
        assert [(p.doc_id, "10,000" in p.text, "12,000" in p.text) for p in edit.passages] == [
            (v1, True, False), (v2, False, True)
        ]  # fmt: skip
        assert "10,000 -> 12,000" in edit.summary

        # 3. another outlet says 15,000: a conflict (raised by the quiet rule: stored, not POSTed)
        local_server.page("/other", OTHER_PAGE)
        third = poller.poll([local_server.url("/other")])
        conflicts = [a for a in third.alerts if a.kind == "figure-conflict"]
        assert len(conflicts) == 1 and conflicts[0].rule_id == quiet.id and conflicts[0].delivery is None
        check_passages(store, conflicts[0])
        cited = [p.text for p in conflicts[0].passages]
        assert "15,000" in cited[0] and any("12,000" in t for t in cited[1:])

        # 4. nothing changed: nothing raised again
        assert poller.poll([url, local_server.url("/other")]).alerts == []

    posted = hooked(local_server)
    assert sorted(a["kind"] for a in posted) == sorted(a.kind for a in first.alerts + second.alerts)
    assert all(a["rule_id"] == rule.id for a in posted)
    assert posted[-1]["passages"][0] == edit.passages[0].to_dict()
    stored = store.sources.alerts()
    assert {a.id for a in stored} == {a.id for a in first.alerts + second.alerts + conflicts}


def test_many_conflicting_figures_from_one_source_raise_one_alert(local_server, store):
    local_server.page("/first", OTHER_PAGE.replace("15,000", "10,000"))
    store.sources.add_rule(["figure-conflict"], [], None)
    with Poller(store, settings=Settings(workers=1), fetcher=Fetcher(LOOPBACK)) as poller:
        assert poller.poll([local_server.url("/first")]).alerts == []  # nothing earlier to conflict with
        local_server.page("/second", TWO_FIGURES_PAGE)
        report = poller.poll([local_server.url("/second")])
        (alert,) = report.alerts
        assert alert.kind == "figure-conflict"
        check_passages(store, alert)
        cited = [p.text for p in alert.passages]
        assert ["15,000" in t or "20,000" in t for t in cited] == [True, True, False]
        assert "10,000" in cited[2]
        # alerts go out per source: a third source in the next cycle raises its own alert
        local_server.page("/third", OTHER_PAGE.replace("15,000", "30,000"))
        (third,) = poller.poll([local_server.url("/third")]).alerts
    assert "30,000" in third.passages[0].text and third.id != alert.id


def test_an_alert_goes_out_before_a_slower_source_of_the_same_cycle_is_fetched(local_server, store):
    """Alerts are detected and delivered per source, not at the end of the cycle."""
    alerted, order = threading.Event(), []

    def hook(h) -> None:
        order.append("alert")
        alerted.set()
        h.send_response(204)
        h.end_headers()

    def slow_page(h) -> None:
        alerted.wait(SLOW_SOURCE_WAIT_S)  # answers once the fast source's alert arrived
        order.append("slow page served")
        body = live_blog([TALKS], title="Talks").encode()
        h.send_response(200)
        h.send_header("Content-Type", "text/html; charset=utf-8")
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)

    local_server.routes["/hook"], local_server.routes["/slow"] = hook, slow_page
    local_server.page("/fast", live_blog([entry("10,000")]))
    store.sources.add_rule(["entity"], ["Rutte"], local_server.url("/hook"))
    patient = FetchConfig(allow_loopback=True, host_delay_s=0, backoff_s=0.01, timeout_s=SLOW_SOURCE_WAIT_S + 30, attempts=1)
    urls = [local_server.url("/slow"), local_server.url("/fast")]
    with Poller(store, settings=Settings(workers=1), fetcher=Fetcher(patient)) as poller:
        report = poller.poll(urls)
    assert order == ["alert", "slow page served"]
    assert [a.kind for a in report.alerts] == ["entity"] and report.alerts[0].delivery == "ok"
    assert [r.url for r in report.results] == urls and report.ok  # results keep the order asked for


def test_a_failing_webhook_is_recorded_and_polling_goes_on(local_server, store):
    local_server.status("/hook", [500])
    local_server.page("/live", live_blog([entry("10,000")]))
    store.sources.add_rule(["entity"], ["Rutte"], local_server.url("/hook"))
    with Poller(store, settings=Settings(workers=1), fetcher=Fetcher(LOOPBACK)) as poller:
        report = poller.poll([local_server.url("/live")])
    assert report.ok and [a.kind for a in report.alerts] == ["entity"]
    assert store.sources.alerts()[0].delivery == "failed: HTTP 500"


def test_no_rules_no_alerts(local_server, store):
    local_server.page("/live", live_blog([entry("10,000")]))
    with Poller(store, settings=Settings(workers=1), fetcher=Fetcher(LOOPBACK)) as poller:
        assert poller.poll([local_server.url("/live")]).alerts == []
    assert store.sources.alerts() == []


@pytest.mark.parametrize(
    ("kinds", "entities", "webhook", "message"),
    [
        ([], [], None, "at least one kind"),
        (["figure-conflicts"], [], None, "unknown alert kind 'figure-conflicts'; choose from new-story"),
        (["entity"], [" "], None, "needs the entity's name"),
        (["new-story"], [], "ftp://x/hook", "not an http"),
    ],
)
def test_bad_rules_are_refused_with_the_reason(kinds, entities, webhook, message):
    with pytest.raises(ConfigError, match=message):
        validate_rule(kinds, entities, webhook)
