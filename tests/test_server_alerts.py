"""`GET /api/alerts`: alerts a rule raised, with the rule, time, message and cited passages;
filters (since/until, kind, rule), pagination, and no rule destination in the output."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

pytest.importorskip("fastapi", reason="the server extra is not installed: pip install 'wiretrail[server]'")

from fastapi.testclient import TestClient  # noqa: E402

from wiretrail.alerts import Fresh, deliver_alerts, detect_alerts  # noqa: E402
from wiretrail.model import RawDocument  # noqa: E402
from wiretrail.pipeline import ingest, raw_document_id  # noqa: E402
from wiretrail.server import create_app  # noqa: E402
from wiretrail.settings import Settings  # noqa: E402
from wiretrail.store import open_store  # noqa: E402
from wiretrail.store.sources import Alert, Passage  # noqa: E402

TEXT = (
    "Nato Secretary General Mark Rutte said on Tuesday the alliance was watching closely.\n"
    "Officials said 10,000 North Korean troops had arrived in the Kursk region.\n"
)
SECRET_HOOK = "http://127.0.0.1:9/hook?token=s3cret"


@pytest.fixture(scope="module")
def fired(tmp_path_factory):
    """A store with one real entity alert (ingest, detect, deliver) and two made-up older ones."""
    path = tmp_path_factory.mktemp("alerts") / "alerts.db"
    with open_store(path) as store:
        raw = RawDocument(source="https://example.org/rutte", text=TEXT, url="https://example.org/rutte", title="Rutte on Kursk")
        ingest(store, [raw], settings=Settings(workers=1))
        doc_id = raw_document_id(raw)
        rule = store.sources.add_rule(["entity"], ["Rutte"], None)
        other = store.sources.add_rule(["new-story", "figure-conflict"], [], SECRET_HOOK)
        found = detect_alerts(store, [Fresh(doc_id)], store.sources.rules())
        (alert,) = deliver_alerts(store.sources, [a for a in found if a.kind == "entity"], [rule])
        for day, kind in ((1, "new-story"), (2, "figure-conflict")):
            made = Alert(f"old{day}", kind, f"made-up {kind}", (Passage(doc_id, 0, 10, TEXT[:10]),),
                         datetime(2024, 12, day, 9, tzinfo=timezone.utc), other.id, "ok")  # fmt: skip
            assert store.sources.add_alert(made)
    yield path, doc_id, rule, other, alert


@pytest.fixture(scope="module")
def client(fired):
    path = fired[0]
    with TestClient(create_app(path, settings=Settings(db=str(path), workers=1))) as c:
        yield c


def test_each_alert_comes_with_its_rule_time_message_and_passages(client, fired):
    _, doc_id, rule, _, alert = fired
    body = client.get("/api/alerts").json()
    assert body["total"] == 3 and [a["id"] for a in body["items"]] == [alert.id, "old2", "old1"]  # newest first
    first = body["items"][0]
    assert first["kind"] == "entity" and first["summary"].startswith("Rutte: ")
    assert first["rule"] == {"id": rule.id, "kinds": ["entity"], "entities": ["Rutte"]}
    assert datetime.fromisoformat(first["at"]) == alert.at
    (passage,) = first["passages"]
    assert passage["doc_id"] == doc_id and "Mark Rutte" in passage["text"]
    assert TEXT[passage["start"] : passage["end"]] == passage["text"]
    assert body["documents"][doc_id]["title"] == "Rutte on Kursk"


def test_a_rule_destination_is_never_shown(client):
    assert "s3cret" not in client.get("/api/alerts").text


def test_filters_and_pages(client, fired):
    _, _, rule, other, alert = fired
    ids = lambda **params: [a["id"] for a in client.get("/api/alerts", params=params).json()["items"]]  # noqa: E731
    assert ids(kind="figure-conflict") == ["old2"]
    assert ids(rule=rule.id) == [alert.id] and ids(rule=other.id) == ["old2", "old1"]
    assert ids(since="2024-12-02", until="2024-12-03") == ["old2"]
    assert ids(until="2024-12-02") == ["old1"]
    page = client.get("/api/alerts", params={"limit": 2}).json()
    assert len(page["items"]) == 2 and page["next_offset"] == 2
    assert [a["id"] for a in client.get("/api/alerts", params={"limit": 2, "offset": 2}).json()["items"]] == ["old1"]


@pytest.mark.parametrize("params", [{"kind": "figure-conflicts"}, {"rule": "0"}, {"since": "yesterday"}, {"limit": "0"}])
def test_bad_parameters_are_refused(client, params):
    response = client.get("/api/alerts", params=params)
    assert response.status_code == 422 and list(params)[0] in response.text
