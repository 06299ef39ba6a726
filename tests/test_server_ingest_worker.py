"""API ingests run in a worker process of their own, so that readers keep the server's
interpreter while the pipeline works; a worker that dies costs one request, not the server."""

from __future__ import annotations

import os
import signal

import pytest

pytest.importorskip("fastapi", reason="the server extra is not installed: pip install 'wiretrail[server]'")

from fastapi.testclient import TestClient  # noqa: E402

import wiretrail.server.routes.ingest as ingest_route  # noqa: E402
from wiretrail.server import create_app  # noqa: E402
from wiretrail.settings import Settings  # noqa: E402
from wiretrail.store import open_store  # noqa: E402

TOKEN = "worker-token-51"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
SETTINGS = Settings(token=TOKEN, workers=1, rate_limit_per_minute=0, write_rate_limit_per_minute=0)
REPORT = (
    "KYIV, Dec 2 (Reuters) - Russian drones struck an energy facility in the Kyiv region overnight, "
    "the regional governor said on Monday, adding that air defences shot down 20 of 25 drones."
)


def test_posts_are_ingested_in_the_worker_process_and_readers_see_them(tmp_path, monkeypatch):
    db = str(tmp_path / "w.db")

    def not_here(*args, **kwargs):
        raise AssertionError("the pipeline ran in the server's process")

    monkeypatch.setattr(ingest_route, "ingest", not_here)
    with TestClient(create_app(db, settings=SETTINGS)) as client:
        response = client.post("/api/documents", json={"text": REPORT, "title": "Drones hit Kyiv region"}, headers=AUTH)
        assert response.status_code == 201, response.text
        doc_id = response.json()["id"]
        assert client.get(f"/api/documents/{doc_id}").json()["title"] == "Drones hit Kyiv region"
        again = client.post("/api/documents", json={"text": REPORT, "title": "Drones hit Kyiv region"}, headers=AUTH)
        assert again.status_code == 200 and again.json()["added"] is False
    with open_store(db) as store:
        assert store.counts().documents == 1


def test_a_killed_worker_fails_one_request_and_the_next_one_works(tmp_path):
    db = str(tmp_path / "w.db")
    with TestClient(create_app(db, settings=SETTINGS)) as client:
        assert client.post("/api/documents", json={"text": REPORT}, headers=AUTH).status_code == 201
        worker = client.app.state.ingest_worker
        (pid,) = worker._pool._processes  # noqa: SLF001 - the one worker process
        os.kill(pid, signal.SIGKILL)
        second = {"text": REPORT.replace("20 of 25", "18 of 30")}
        first_try = client.post("/api/documents", json=second, headers=AUTH)
        if first_try.status_code == 503:  # the death was noticed by this request
            assert "send it again" in first_try.json()["error"]
            first_try = client.post("/api/documents", json=second, headers=AUTH)
        assert first_try.status_code == 201, first_try.text
    with open_store(db) as store:
        assert store.counts().documents == 2
