"""The HTTP API on the seed corpus: every endpoint, filters, pagination, errors, auth, ingest.

Reads go to the session's seeded store (never written); writes to a copy of it.
"""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import date

import httpx
import pytest

pytest.importorskip("fastapi", reason="the server extra is not installed: pip install 'wiretrail[server]'")

from fastapi.routing import APIRoute  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402

from wiretrail.errors import ConfigError  # noqa: E402
from wiretrail.report.stories import stories  # noqa: E402
from wiretrail.report.timeline import rows_to_records, timeline  # noqa: E402
from wiretrail.server import create_app  # noqa: E402
from wiretrail.server.app import API_ROUTERS  # noqa: E402
from wiretrail.settings import Settings  # noqa: E402
from wiretrail.store import SQLiteStore  # noqa: E402

TOKEN = "test-token-4f1c"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
NO_LIMITS = {"rate_limit_per_minute": 0, "write_rate_limit_per_minute": 0}  # these tests post and poll faster than a client should (limits: test_server_security.py)
ODESA = (
    " date 2024-12-05 Drones hit Odesa port\n"
    "Russian drones struck the port of Odesa on Thursday, regional governor Oleh Kiper said.\n"
    "Two cargo ships were damaged and 4 people were injured, Kiper said on Telegram.\n"
)


@pytest.fixture(scope="module")
def client(seeded_store):
    with TestClient(create_app(seeded_store, settings=Settings(token=TOKEN, workers=1))) as c:
        yield c


@pytest.fixture(scope="module")
def writable(seeded_store, tmp_path_factory):
    """A copy of the seeded store that POSTs may change, and a client over it."""
    path = tmp_path_factory.mktemp("server") / "copy.db"
    source, target = sqlite3.connect(seeded_store.path), sqlite3.connect(path)
    source.backup(target)
    source.close()
    target.close()
    store = SQLiteStore(path)
    with TestClient(create_app(store, settings=Settings(token=TOKEN, workers=1, max_request_bytes=64_000, **NO_LIMITS))) as c:
        yield store, c
    store.close()


def items(response) -> list[dict]:
    assert response.status_code == 200, response.text
    return response.json()["items"]


# -- documents, segments ------------------------------------------------------------------------


def test_documents_list_every_seed_without_text(client, seeded_store):
    rows = items(client.get("/api/documents"))
    assert sorted(r["id"] for r in rows) == sorted(d.id for d in seeded_store.documents())
    assert all("text" not in r and r["segments"] >= 1 for r in rows)


def test_document_by_id_or_prefix_has_its_clean_text_and_segments(client, seeded_store):
    doc = next(iter(seeded_store.documents()))
    record = client.get(f"/api/documents/{doc.id[:6]}").json()
    assert record["id"] == doc.id and record["text"] == doc.text
    assert [s["index"] for s in record["segments"]] == [s.index for s in seeded_store.segments(doc.id)]
    assert all(0 <= s["start"] < s["end"] <= len(doc.text) for s in record["segments"])


def test_documents_filtered_by_kind_and_day(client, seeded_store):
    blogs = items(client.get("/api/documents", params={"kind": "live-blog"}))
    assert blogs and all(r["kind"] == "live-blog" for r in blogs)
    dated = sorted(d.published.day for d in seeded_store.documents() if d.published)
    later = items(client.get("/api/documents", params={"since": dated[-1].isoformat()}))
    assert later and all(r["published"] and r["published"][:10] >= dated[-1].isoformat() for r in later)
    assert len(later) < len(items(client.get("/api/documents")))


def test_segments_of_a_document_and_of_a_story(client, seeded_store):
    doc = next(d for d in seeded_store.documents() if d.kind.value == "live-blog")
    segs = items(client.get("/api/segments", params={"doc": doc.id, "limit": 500}))
    assert [s["id"] for s in segs] == [s.id for s in seeded_store.segments(doc.id)]
    story = stories(seeded_store)[0]
    in_story = items(client.get("/api/segments", params={"story": story.id, "limit": 500}))
    assert sorted(s["id"] for s in in_story) == sorted(story.segment_ids)


def test_segments_since_a_day_are_dated_on_or_after_it(client):
    rows = items(client.get("/api/segments", params={"since": "2024-12-03", "limit": 500}))
    assert rows
    assert all((r["posted_at"] or r["reference_date"])[:10] >= "2024-12-03" for r in rows)


# -- pagination -------------------------------------------------------------------------------


def test_pages_follow_each_other_without_gaps_or_repeats(client):
    whole = items(client.get("/api/entities", params={"limit": 6}))
    first = client.get("/api/entities", params={"limit": 3}).json()
    second = client.get("/api/entities", params={"limit": 3, "offset": first["next_offset"]}).json()
    assert first["next_offset"] == 3
    assert [e["id"] for e in first["items"] + second["items"]] == [e["id"] for e in whole]


def test_the_last_page_has_no_next_offset(client, seeded_store):
    n = len(list(seeded_store.documents()))
    last = client.get("/api/documents", params={"limit": 2, "offset": n - 1}).json()
    assert len(last["items"]) == 1 and last["next_offset"] is None
    assert client.get("/api/documents", params={"limit": 2, "offset": n - 2}).json()["next_offset"] is None
    assert client.get("/api/documents", params={"limit": 2, "offset": n - 3}).json()["next_offset"] == n - 1


# -- stories, timeline ----------------------------------------------------------------------------


def test_stories_are_the_library_listing(client, seeded_store):
    expected = stories(seeded_store)
    rows = items(client.get("/api/stories", params={"limit": 500}))
    assert [r["id"] for r in rows] == [s.id for s in expected]
    assert rows[0]["independent_sources"] == expected[0].independent_sources >= 1


def test_one_story_lists_its_segments_with_excerpts_from_their_text(client, seeded_store):
    story = stories(seeded_store)[0]
    record = client.get(f"/api/stories/{story.id[:7]}").json()
    assert record["id"] == story.id
    assert sorted(s["id"] for s in record["segment_details"]) == sorted(story.segment_ids)
    for seg in record["segment_details"]:
        text = seeded_store.document(seg["doc_id"]).text
        assert text[seg["start"] :].startswith(seg["excerpt"]) and seg["excerpt"].strip()


def test_timeline_is_the_library_timeline_and_filters_by_place_entity_type_story(client, seeded_store):
    rows = items(client.get("/api/timeline", params={"limit": 500}))
    assert rows == rows_to_records(timeline(seeded_store))
    kursk = items(client.get("/api/timeline", params={"place": "Kursk", "limit": 500}))
    assert kursk and all("kursk" in r["place"].lower() for r in kursk)
    attacks = items(client.get("/api/timeline", params={"type": "ATTACK", "limit": 500}))
    assert attacks and all(r["type"] == "ATTACK" for r in attacks) and len(attacks) < len(rows)
    rutte = items(client.get("/api/timeline", params={"entity": "Rutte", "limit": 500}))
    assert rutte and all("rutte" in (" ".join(r["actors"]) + r["summary"]).lower() for r in rutte)
    story = stories(seeded_store)[0]
    in_story = items(client.get("/api/timeline", params={"story": story.id, "limit": 500}))
    assert in_story and all(set(r["sources"]) <= set(story.doc_ids) for r in in_story)
    since = items(client.get("/api/timeline", params={"since": "2024-12-02", "limit": 500}))
    assert since and all(r["date"] and r["date"] >= "2024-12-02" for r in since)


# -- facts ----------------------------------------------------------------------------------------


def test_entities_by_type_and_spelling(client):
    people = items(client.get("/api/entities", params={"type": "PERSON", "limit": 500}))
    assert people and all(e["type"] == "PERSON" for e in people)
    zelensky = items(client.get("/api/entities", params={"q": "zelensk"}))
    assert zelensky and all(any("zelensk" in a.lower() for a in e["aliases"]) for e in zelensky)


def test_places_have_coordinates_or_are_listed_as_unresolved(client):
    placed = items(client.get("/api/places", params={"resolved": "true", "limit": 500}))
    assert placed and all(p["type"] == "PLACE" and -90 <= p["lat"] <= 90 and -180 <= p["lon"] <= 180 for p in placed)
    unplaced = items(client.get("/api/places", params={"resolved": "false", "limit": 500}))
    assert all(p["lat"] is None for p in unplaced)
    assert any(p["name"] == "Kyiv" for p in placed)


def test_mentions_of_an_entity_point_at_its_spellings(client, seeded_store):
    kyiv = next(p for p in items(client.get("/api/places", params={"q": "Kyiv"})) if p["name"] == "Kyiv")
    mentions = items(client.get("/api/mentions", params={"entity": kyiv["id"], "limit": 500}))
    assert len(mentions) == kyiv["mentions"]
    for m in mentions[:20]:
        assert seeded_store.document(m["doc_id"]).text[m["start"] : m["end"]] == m["text"]
        assert m["text"] in kyiv["aliases"]


def test_quotes_by_speaker_carry_their_words(client, seeded_store):
    quotes = items(client.get("/api/quotes", params={"limit": 500}))
    assert quotes
    for q in quotes[:20]:
        assert seeded_store.document(q["doc_id"]).text[q["start"] : q["end"]] == q["text"]
    named = next(q for q in quotes if q["speaker"])
    surname = named["speaker"].split()[-1]
    by = items(client.get("/api/quotes", params={"speaker": surname, "limit": 500}))
    assert named["id"] in [q["id"] for q in by] and len(by) < len(quotes)


def test_figures_about_troops_and_their_conflicts(client):
    troops = items(client.get("/api/figures", params={"about": "troops", "limit": 500}))
    assert troops and all("troops" in f["subject"].lower() for f in troops)
    groups = items(client.get("/api/figures/conflicts", params={"limit": 500}))
    assert groups and all(g["conflicting"] and g["differences"] for g in groups)
    assert {d["why"] for g in groups for d in g["differences"]} <= {"time", "scope", "disagree"}
    everything = items(client.get("/api/figures/conflicts", params={"include_agreeing": "true", "limit": 500}))
    assert len(everything) > len(groups)


def test_events_by_type_day_and_document(client, seeded_store):
    events = items(client.get("/api/events", params={"type": "ATTACK", "since": "2024-12-01", "limit": 500}))
    assert events and all(e["type"] == "ATTACK" and e["date"] >= "2024-12-01" for e in events)
    kursk = items(client.get("/api/events", params={"place": "kursk", "limit": 500}))
    assert kursk and all("kursk" in e["place"].lower() for e in kursk)
    korea = items(client.get("/api/events", params={"entity": "North Korea", "limit": 500}))
    assert korea and all(any("north korea" in n.lower() for n in e["actors"] + e["targets"]) for e in korea)
    doc = events[0]["evidence"][0]["doc_id"]
    of_doc = items(client.get("/api/events", params={"doc": doc, "limit": 500}))
    assert of_doc and all(e["evidence"][0]["doc_id"] == doc for e in of_doc)


# -- provenance ----------------------------------------------------------------------------------


def test_links_name_their_documents_and_filter_by_relation(client, seeded_store):
    page = client.get("/api/links", params={"limit": 500}).json()
    assert page["items"] and len(page["items"]) == len(seeded_store.links())
    for link in page["items"]:
        assert link["from_doc"] in page["documents"] and link["to_doc"] in page["documents"]
    rewrites = items(client.get("/api/links", params={"relation": "rewrite-of"}))
    assert rewrites and all(r["relation"] == "rewrite-of" for r in rewrites)
    doc = rewrites[0]["from_doc"]
    assert all(doc in (r["from_doc"], r["to_doc"]) for r in items(client.get("/api/links", params={"doc": doc})))


def test_provenance_of_a_document_and_of_one_segment(client, seeded_store):
    doc = next(d for d in seeded_store.documents() if d.kind.value == "live-blog")
    rows = items(client.get(f"/api/documents/{doc.id}/provenance", params={"limit": 500}))
    assert rows and all(doc.text[r["start"] : r["end"]] == r["text"] for r in rows)
    assert any(r["copies"] for r in rows)
    one = items(client.get(f"/api/documents/{doc.id}/provenance", params={"segment": 2, "limit": 500}))
    assert one and all(r["segment"] == 2 for r in one) and len(one) < len(rows)
    assert client.get(f"/api/documents/{doc.id}/provenance", params={"segment": 9999}).status_code == 404


def test_audit_of_the_rewrite_lists_unsupported_sentences(client, seeded_store):
    rewrite = items(client.get("/api/links", params={"relation": "rewrite-of"}))[0]["from_doc"]
    audit = client.get(f"/api/documents/{rewrite}/audit").json()
    text = seeded_store.document(rewrite).text
    assert audit["sources"] and audit["unsupported"] and audit["supported"]
    assert all(text[s["start"] : s["end"]] == s["text"] for s in audit["unsupported"] + audit["supported"])


# -- search -------------------------------------------------------------------------------------


def test_search_finds_segments_holding_the_words(client, seeded_store):
    if not callable(getattr(seeded_store, "search", None)):
        response = client.get("/api/search", params={"q": "Kursk"})
        assert response.status_code == 501 and "search" in response.json()["error"]
        pytest.skip("SQLiteStore has no search() yet (another change adds it); the endpoint answers 501 meanwhile")
    hits = items(client.get("/api/search", params={"q": "Kursk"}))
    assert hits
    for hit in hits:
        assert "kursk" in seeded_store.document(hit["doc_id"]).text[hit["start"] : hit["end"]].lower()
    second = items(client.get("/api/search", params={"q": "Kursk", "limit": 1, "offset": 1}))
    assert not second or second[0]["segment_id"] == hits[1]["segment_id"]


def test_search_needs_words(client):
    assert client.get("/api/search").status_code == 422
    assert client.get("/api/search", params={"q": "   "}).status_code == 422


# -- errors --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    ["/api/documents/ffffffffffffffff", "/api/documents/ffffffffffffffff/audit", "/api/documents/ffffffffffffffff/provenance",
     "/api/stories/zzzz", "/api/timeline?story=zzzz", "/api/entities?doc=ffffffffffffffff", "/api/no/such/path"],
)  # fmt: skip
def test_unknown_ids_and_paths_are_404_with_a_json_error(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/json") and response.json()["error"]


def test_an_ambiguous_id_prefix_is_400_naming_the_count(client, seeded_store):
    ids = sorted(d.id for d in seeded_store.documents())
    prefix = next(a[0] for a, b in zip(ids, ids[1:]) if a[0] == b[0])
    response = client.get(f"/api/documents/{prefix}")
    assert response.status_code == 400 and "documents have an id starting with" in response.json()["error"]


@pytest.mark.parametrize(
    ("path", "names"),
    [("/api/documents?limit=0", "limit"), ("/api/stories?limit=501", "limit"), ("/api/quotes?offset=-1", "offset"),
     ("/api/events?since=yesterday", "since"), ("/api/timeline?type=PICNIC", "type"), ("/api/entities?type=ANIMAL", "type"),
     ("/api/links?relation=cousin", "relation"), ("/api/documents?kind=poem", "kind")],
)  # fmt: skip
def test_bad_parameters_are_422_naming_the_parameter(client, path, names):
    response = client.get(path)
    assert response.status_code == 422
    assert response.json()["error"].startswith(f"{names}:")


# -- auth, size, headers -------------------------------------------------------------------------


def test_posting_needs_the_token(client):
    missing = client.post("/api/documents", content=ODESA)
    assert missing.status_code == 401 and missing.headers["www-authenticate"].startswith("Bearer")
    wrong = client.post("/api/documents", content=ODESA, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 403 and "not valid" in wrong.json()["error"]


def test_without_a_configured_token_writing_is_disabled(seeded_store):
    with TestClient(create_app(seeded_store, settings=Settings())) as c:
        response = c.post("/api/documents", content=ODESA)
        assert response.status_code == 403 and "disabled" in response.json()["error"]
        response = c.post("/api/documents", content=ODESA, headers={"Authorization": "Bearer anything"})
        assert response.status_code == 403 and "WIRETRAIL_TOKEN" in response.json()["error"]


def test_reading_can_require_the_token(seeded_store):
    settings = Settings(token=TOKEN, read_token_required=True)
    with TestClient(create_app(seeded_store, settings=settings)) as c:
        assert c.get("/api/stories").status_code == 401
        assert c.get("/api/stories", headers={"Authorization": "Bearer nope"}).status_code == 403
        assert c.get("/api/stories", headers=AUTH).status_code == 200
        assert c.get("/").status_code == 200  # the page itself holds no data
    with pytest.raises(ConfigError, match="no token"):
        create_app(seeded_store, settings=Settings(read_token_required=True))


def test_bodies_over_the_limit_are_413_declared_or_chunked(writable):
    _, c = writable
    big = b"Drones struck Kyiv overnight. " * 3000  # 90,000 bytes > 64,000
    declared = c.post("/api/documents", content=big, headers=AUTH)
    assert declared.status_code == 413 and "max_request_bytes" in declared.json()["error"]
    chunked = c.post("/api/documents", content=iter([big[:40_000], big[40_000:]]), headers=AUTH)
    assert chunked.status_code == 413
    assert declared.headers["x-content-type-options"] == "nosniff"


def test_security_headers_on_json_the_page_static_files_and_errors(client):
    for path in ("/api/stories", "/", "/static/app.css", "/api/documents/ffffffffffffffff"):
        response = client.get(path)
        csp = response.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "default-src 'none'" in csp
        assert response.headers["x-content-type-options"] == "nosniff"
    assert client.head("/").status_code == 200


def test_the_openapi_schema_lists_every_endpoint(client):
    schema = client.get("/api/openapi.json").json()
    routes = [r for router in API_ROUTERS for r in router.routes if isinstance(r, APIRoute)]
    assert len(routes) >= 18
    for route in routes:
        for method in route.methods - {"HEAD"}:
            assert method.lower() in schema["paths"][route.path], f"{method} {route.path} missing from the schema"
    expected = {
        "/api/documents", "/api/documents/{doc_id}", "/api/documents/{doc_id}/provenance", "/api/documents/{doc_id}/audit",
        "/api/segments", "/api/stories", "/api/stories/{story_id}", "/api/timeline", "/api/entities", "/api/places",
        "/api/mentions", "/api/quotes", "/api/figures", "/api/figures/conflicts", "/api/events", "/api/links", "/api/search",
    }  # fmt: skip
    assert expected <= set(schema["paths"])
    assert "post" in schema["paths"]["/api/documents"]
    assert "HTTPBearer" in schema["components"]["securitySchemes"]


# -- ingest ----------------------------------------------------------------------------------------


def test_posted_text_is_ingested_and_read_back(writable):
    store, c = writable
    before = len(list(store.documents()))
    response = c.post("/api/documents", content=ODESA.encode(), headers={**AUTH, "Content-Type": "text/plain; charset=utf-8"})
    assert response.status_code == 201, response.text
    doc_id = response.json()["id"]
    assert response.headers["location"] == f"/api/documents/{doc_id}"
    record = c.get(f"/api/documents/{doc_id}").json()
    assert record["title"] == "Drones hit Odesa port" and record["published"] == "2024-12-05"
    assert "Two cargo ships were damaged" in record["text"]
    places = items(c.get("/api/places", params={"doc": doc_id}))
    assert "Odesa" in [p["name"] for p in places]
    assert len(list(store.documents())) == before + 1
    again = c.post("/api/documents", content=ODESA.encode(), headers=AUTH)
    assert again.status_code == 200 and again.json() == {**again.json(), "id": doc_id, "added": False}


def test_posted_html_keeps_the_article_and_drops_script(writable):
    _, c = writable
    page = (
        b"<html><head><title>Strike on Kharkiv</title></head><body><article><h1>Strike on Kharkiv</h1>"
        b"<p>A Russian missile hit a residential block in Kharkiv on Monday, killing two people, officials said.</p>"
        b"<p>Rescuers were still searching the rubble on Tuesday morning, the mayor said.</p>"
        b"<script>window.__pwned = 1</script></article></body></html>"
    )
    response = c.post("/api/documents", content=page, headers={**AUTH, "Content-Type": "text/html"}, params={"url": "https://example.org/kharkiv"})
    assert response.status_code == 201, response.text
    record = c.get(f"/api/documents/{response.json()['id']}").json()
    assert "residential block in Kharkiv" in record["text"] and "__pwned" not in record["text"]
    assert record["url"] == "https://example.org/kharkiv"


def test_posted_json_record_and_multipart_file(writable):
    _, c = writable
    record = {"title": "Kherson shelled", "text": "Russian forces shelled Kherson on Sunday, the regional administration said.", "published": "2024-12-08"}
    response = c.post("/api/documents", json=record, headers=AUTH)
    assert response.status_code == 201, response.text
    stored = c.get(f"/api/documents/{response.json()['id']}").json()
    assert stored["title"] == "Kherson shelled" and stored["published"] == "2024-12-08"
    upload = c.post("/api/documents", files={"file": ("note.txt", b"Zaporizhzhia was hit by glide bombs on Monday, officials said.")}, headers=AUTH)
    assert upload.status_code == 201, upload.text
    assert "glide bombs" in c.get(f"/api/documents/{upload.json()['id']}").json()["text"]


@pytest.mark.parametrize(
    ("content", "content_type", "status", "says"),
    [(b"", "text/plain", 422, "empty"), (b"   \n ", "text/plain", 422, "empty"), (b"{not json", "application/json", 422, "not valid JSON"),
     (b'["a list"]', "application/json", 422, "JSON object"), (b'{"title": "no text"}', "application/json", 422, "empty text"),
     (b"%PDF-1.7", "application/pdf", 415, "unsupported content type")],
)  # fmt: skip
def test_unusable_posts_say_why(writable, content, content_type, status, says):
    _, c = writable
    response = c.post("/api/documents", content=content, headers={**AUTH, "Content-Type": content_type})
    assert response.status_code == status and says in response.json()["error"]


def test_a_posted_url_must_be_http(writable):
    _, c = writable
    response = c.post("/api/documents", content=ODESA.encode(), params={"url": "javascript:alert(1)"}, headers=AUTH)
    assert response.status_code == 422 and "not an http(s) URL" in response.json()["error"]


def test_readers_are_answered_while_a_post_is_ingested(seeded_store, tmp_path):
    path = tmp_path / "busy.db"
    source, target = sqlite3.connect(seeded_store.path), sqlite3.connect(path)
    source.backup(target)
    source.close()
    target.close()
    with TestClient(create_app(path, settings=Settings(token=TOKEN, workers=1, **NO_LIMITS))) as c:
        posted: list = []
        writer = threading.Thread(target=lambda: posted.append(c.post("/api/documents", content=ODESA.encode(), headers=AUTH)))
        writer.start()
        statuses = []
        while writer.is_alive() or not statuses:
            statuses.append(c.get("/api/stories", params={"limit": 5}).status_code)
        writer.join()
        assert posted[0].status_code == 201 and set(statuses) == {200}
        assert "Two cargo ships" in c.get(f"/api/documents/{posted[0].json()['id']}").json()["text"]


def test_a_store_path_gets_its_own_connections(seeded_store, tmp_path):
    path = tmp_path / "copy.db"
    source, target = sqlite3.connect(seeded_store.path), sqlite3.connect(path)
    source.backup(target)
    source.close()
    target.close()
    with TestClient(create_app(path, settings=Settings())) as c:
        assert len(items(c.get("/api/documents"))) == len(list(seeded_store.documents()))
        assert items(c.get("/api/events", params={"until": date(2024, 12, 1).isoformat()}))


def test_wiretrail_serve_serves_the_configured_store(seeded_store, tmp_path):
    """The command end to end: `wiretrail --db FILE serve --port P` in a subprocess."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "WIRETRAIL_TOKEN": TOKEN}
    command = [sys.executable, "-m", "wiretrail", "--db", str(seeded_store.path), "serve", "--host", "127.0.0.1", "--port", str(port)]
    server = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/api/stories", params={"limit": 1}, timeout=5)
                break
            except httpx.TransportError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"wiretrail serve did not come up: {server.communicate(timeout=5)[1][-2000:]}")
                time.sleep(0.2)
        assert response.status_code == 200 and response.json()["items"][0]["id"] == stories(seeded_store)[0].id
        refused = httpx.post(f"http://127.0.0.1:{port}/api/documents", content=b"x", timeout=5)
        assert refused.status_code == 401
    finally:
        server.terminate()
        _, stderr = server.communicate(timeout=20)
    assert f"serving {seeded_store.path} on http://127.0.0.1:{port}/" in stderr
