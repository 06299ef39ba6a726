"""The server decides with its settings' thresholds, as the CLI does with the same
`wiretrail.toml`: an audit through the API under a stricter support threshold flags more."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi", reason="the server extra is not installed: pip install 'wiretrail[server]'")

from fastapi.testclient import TestClient  # noqa: E402

from wiretrail.provenance.audit import audit_document  # noqa: E402
from wiretrail.server import create_app  # noqa: E402
from wiretrail.settings import Settings  # noqa: E402
from wiretrail.thresholds import using  # noqa: E402

STRICT = Settings(provenance_support_similarity=0.95)


def _audit(settings: Settings, store) -> tuple[str, dict]:
    with TestClient(create_app(store, settings=settings)) as client:
        rewrite = client.get("/api/links", params={"relation": "rewrite-of"}).json()["items"][0]["from_doc"]
        return rewrite, client.get(f"/api/documents/{rewrite}/audit").json()


def test_an_audit_through_the_api_uses_the_servers_thresholds(seeded_store):
    rewrite, default = _audit(Settings(), seeded_store)
    _, strict = _audit(STRICT, seeded_store)
    assert len(strict["unsupported"]) > len(default["unsupported"])
    # and exactly what the library gives under the same settings
    with using(STRICT):
        expected = audit_document(seeded_store, rewrite)
    assert [s["start"] for s in strict["unsupported"]] == [s.start for s in expected.unsupported]
