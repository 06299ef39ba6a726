"""The API against hostile requests: injection strings in every parameter, escaping paths,
token comparison, rate limits and security headers (issue 8, "Security").

The endpoints and their parameters come from the app's own OpenAPI schema, so a new endpoint or
filter is attacked without anyone listing it here. Runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations


import asyncio
import hmac
from urllib.parse import quote, unquote

import pytest

pytest.importorskip("fastapi", reason="the server extra is not installed: pip install 'wiretrail[server]'")

from fastapi.testclient import TestClient  # noqa: E402

from wiretrail.pipeline import ingest  # noqa: E402
from wiretrail.server import create_app, ratelimit  # noqa: E402
from wiretrail.server.web import STATIC_DIR  # noqa: E402
from wiretrail.settings import Settings  # noqa: E402
from wiretrail.store import open_store  # noqa: E402

TOKEN = "test-token-9b2e"
UNLIMITED = Settings(token=TOKEN, workers=1, rate_limit_per_minute=0, write_rate_limit_per_minute=0)

# SQL injection (string, numeric and comment forms, stacked statements, UNION reads of the
# catalogue) and full-text syntax of FTS5 and tsquery (unbalanced quotes and brackets, column
# filters, NEAR, prefix stars, bare operators), plus a NUL and a long string.
HOSTILE = (
    "' OR '1'='1",
    "'; DROP TABLE documents; --",
    "' UNION SELECT name, sql, 1, 1, 1 FROM sqlite_master --",
    "%' OR doc_id LIKE '%",
    '"unbalanced',
    "NEAR(Kyiv Kursk",
    "title:* OR body:*",
    "!!&&|| <-> :*",
    "a\x00b",
    "x" * 5000,
)
# Statuses a hostile value may get: the answer, a refusal naming the parameter, an unknown id,
# an ambiguous prefix, a store without search. Never 500 (a crash) or 503 (a store error).
ACCEPTABLE = {200, 400, 404, 422, 501}


@pytest.fixture(scope="module")
def seeded_db(seeds_dir, module_store_db) -> str:
    with open_store(module_store_db) as store:
        ingest(store, [seeds_dir], settings=Settings(workers=1))
    return module_store_db


@pytest.fixture()  # per test: an app left open across tests held the store and hung a later POST
def client(seeded_db):
    with TestClient(create_app(seeded_db, settings=UNLIMITED)) as c:
        yield c


def _row_counts(db: str) -> dict[str, int]:
    with open_store(db) as store:
        return {t: store.read_rows(f"SELECT COUNT(*) FROM {t}")[0][0] for t in sorted(store.table_names())}


def _get_endpoints(client: TestClient) -> list[tuple[str, dict]]:
    schema = client.get("/api/openapi.json").json()
    return [(path, ops["get"]) for path, ops in sorted(schema["paths"].items()) if "get" in ops]


def _known_ids(client: TestClient) -> dict[str, str]:
    doc = client.get("/api/documents", params={"limit": 1}).json()["items"][0]["id"]
    story = client.get("/api/stories", params={"limit": 1}).json()["items"][0]["id"]
    return {"doc_id": doc, "story_id": story}


def _check(response, where: str) -> None:
    assert response.status_code in ACCEPTABLE, f"{where}: {response.status_code} {response.text[:300]}"
    body = response.json()
    if response.status_code != 200:
        assert isinstance(body.get("error"), str) and body["error"], f"{where}: no error message"


def test_injection_strings_in_every_query_parameter_change_nothing(client, seeded_db):
    before = _row_counts(seeded_db)
    ids = _known_ids(client)
    endpoints = _get_endpoints(client)
    assert len(endpoints) >= 17, "the schema lists fewer GET endpoints than the API has"
    attacked = 0
    for path, op in endpoints:
        url = path.format(**ids)
        params = [p for p in op.get("parameters", []) if p["in"] == "query" and p["name"] not in ("limit", "offset")]
        baseline = client.get(url, params={"limit": 500})
        unfiltered = len(baseline.json()["items"]) if baseline.status_code == 200 and "items" in baseline.json() else None
        for param in params:
            for value in HOSTILE:
                where = f"GET {path}?{param['name']}={value[:40]!r}"
                response = client.get(url, params={param["name"]: value, "limit": 500})
                _check(response, where)
                attacked += 1
                body = response.json()
                if response.status_code == 200 and unfiltered is not None and "items" in body:
                    # a filter may only narrow: an injected OR 1=1 would widen
                    assert len(body["items"]) <= unfiltered, f"{where}: {len(body['items'])} items > {unfiltered} unfiltered"
    assert attacked >= 200
    assert _row_counts(seeded_db) == before


def test_injection_strings_in_limit_and_offset_are_refused(client):
    for value in ("1; DROP TABLE documents", "' OR 1=1", "-1", "1e9", "0x10"):
        for name in ("limit", "offset"):
            response = client.get("/api/documents", params={name: value})
            assert response.status_code == 422 and response.json()["error"].startswith(f"{name}:")


def test_injection_strings_in_path_parameters_are_unknown_ids(client, seeded_db):
    before = _row_counts(seeded_db)
    ids = _known_ids(client)
    for path, _ in _get_endpoints(client):
        for name in ("doc_id", "story_id"):
            if "{" + name + "}" not in path:
                continue
            for value in HOSTILE:
                url = path.format(**{**ids, name: quote(value, safe="")})  # as a browser sends it
                response = client.get(url)
                _check(response, f"GET {url[:80]}")
                assert response.status_code != 200, f"GET {url[:80]} answered 200 for a hostile id"
    assert _row_counts(seeded_db) == before


# -- paths that try to leave their directory ------------------------------------------------------


def _raw_get(app, raw_path: bytes) -> tuple[int, bytes]:
    """One GET with `raw_path` exactly as a server like uvicorn hands it over: percent-escapes
    decoded into `path`, dot segments kept (httpx would normalise them away before sending)."""
    messages: list[dict] = []
    requested = False
    done = asyncio.Event()

    async def receive() -> dict:
        # The request once, then (like a real server) a disconnect only when the response is
        # complete: a receive that never waits would spin a FileResponse's disconnect watch forever.
        nonlocal requested
        if not requested:
            requested = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await done.wait()
        return {"type": "http.disconnect"}

    async def send(message: dict) -> None:
        messages.append(message)
        if message["type"] == "http.response.body" and not message.get("more_body", False):
            done.set()

    path_part = raw_path.split(b"?")[0]
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
        "path": unquote(path_part.decode("latin-1")), "raw_path": path_part, "root_path": "",
        "query_string": raw_path.partition(b"?")[2], "headers": [(b"host", b"testserver")],
        "client": ("127.0.0.1", 50000), "server": ("testserver", 80),
    }  # fmt: skip
    asyncio.run(app(scope, receive, send))
    start = next(m for m in messages if m["type"] == "http.response.start")
    return start["status"], b"".join(m.get("body", b"") for m in messages if m["type"] == "http.response.body")


ESCAPES = (
    b"/static/../app.py",
    b"/static/../../server/app.py",
    b"/static/js/../../app.py",
    b"/static/%2e%2e/app.py",
    b"/static/%2e%2e%2fapp.py",
    b"/static/..%2f..%2f..%2fpyproject.toml",
    b"/static/%2e%2e/%2e%2e/%2e%2e/%2e%2e/pyproject.toml",
    b"/static/....//app.py",
    b"/static/%252e%252e/app.py",
    b"/static/app.css%00.js",
    b"/static/%00",
    b"/static//etc/passwd",
    b"/static/%2fetc%2fpasswd",
    b"/static/..\\app.py",
    b"/api/documents/..%2f..%2fetc%2fpasswd",
    b"/api/documents/%2e%2e/%2e%2e/etc/passwd",
    b"/api/documents/abc%00def",
    b"/api/stories/..%2f..%2fapp.py",
    b"/../../../../etc/passwd",
    b"/%2e%2e/%2e%2e/etc/passwd",
)
# What a file outside static/ would give away if it were served.
SECRETS = (b"def create_app", b"[project]", b"root:x:0:0")


@pytest.mark.parametrize("raw_path", ESCAPES, ids=[p.decode("latin-1") for p in ESCAPES])
def test_paths_cannot_escape_their_directory(client, raw_path):
    status, body = _raw_get(client.app, raw_path)
    assert status in {400, 404, 405, 422}, f"{raw_path!r}: {status} {body[:200]!r}"
    assert not any(secret in body for secret in SECRETS), f"{raw_path!r} served a file from outside static/"


def test_static_files_inside_static_are_still_served(client):
    status, body = _raw_get(client.app, b"/static/app.css")
    assert status == 200 and body == (STATIC_DIR / "app.css").read_bytes()
    status, _ = _raw_get(client.app, b"/static/js/../app.css")  # dot segments that stay inside are fine
    assert status == 200


# -- tokens -------------------------------------------------------------------------------------


@pytest.mark.parametrize("read_token_required", [False, True])
def test_tokens_are_compared_with_compare_digest(seeded_db, monkeypatch, read_token_required, tmp_path):
    if not seeded_db.startswith("postgres"):  # a private copy: a POST must not wait on the shared file
        import sqlite3

        copy = str(tmp_path / "copy.db")
        with sqlite3.connect(seeded_db) as src, sqlite3.connect(copy) as dst:
            src.backup(dst)
        seeded_db = copy
    calls: list[tuple[bytes, bytes]] = []
    real = hmac.compare_digest

    def spy(a, b):
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", spy)
    settings = Settings(token=TOKEN, workers=1, read_token_required=read_token_required)
    with TestClient(create_app(seeded_db, settings=settings)) as c:
        if read_token_required:
            response = c.get("/api/stories", headers={"Authorization": "Bearer guess-1"})
        else:
            response = c.post("/api/documents", content=b"x", headers={"Authorization": "Bearer guess-1"})
    assert response.status_code == 403
    assert (b"guess-1", TOKEN.encode()) in calls, "the token was not compared through hmac.compare_digest"


# -- rate limits --------------------------------------------------------------------------------


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture()
def clock(monkeypatch) -> FakeClock:
    fake = FakeClock()
    monkeypatch.setattr(ratelimit, "clock", fake)
    return fake


def test_reads_past_the_limit_get_429_with_retry_after_until_the_bucket_refills(seeded_db, clock):
    settings = Settings(workers=1, rate_limit_per_minute=60)  # 1 per second, a burst of 10
    burst = 60 * ratelimit.BURST_SECONDS // 60
    with TestClient(create_app(seeded_db, settings=settings)) as c:
        assert [c.get("/api/stories", params={"limit": 1}).status_code for _ in range(burst)] == [200] * burst
        refused = c.get("/api/stories")
        assert refused.status_code == 429
        assert refused.headers["retry-after"] == "1" and "rate_limit_per_minute" in refused.json()["error"]
        assert refused.headers["content-type"] == "application/json"
        assert "default-src 'none'" in refused.headers["content-security-policy"]
        clock.now += 1.0  # one token back
        assert c.get("/api/stories", params={"limit": 1}).status_code == 200
        assert c.get("/api/stories", params={"limit": 1}).status_code == 429


def test_the_limit_is_per_client_address(seeded_db, clock):
    app = create_app(seeded_db, settings=Settings(workers=1, rate_limit_per_minute=6))  # a burst of 1
    with TestClient(app, client=("10.0.0.1", 1000)) as a, TestClient(app, client=("10.0.0.2", 1000)) as b:
        assert a.get("/api/stories").status_code == 200
        assert a.get("/api/stories").status_code == 429
        assert b.get("/api/stories").status_code == 200  # another address has its own bucket
        spoofed = a.get("/api/stories", headers={"X-Forwarded-For": "10.0.0.9"})
        assert spoofed.status_code == 429  # a header anyone can send does not buy a new bucket


def test_writes_are_limited_harder_than_reads_and_before_the_token_check(seeded_db, clock):
    settings = Settings(token=TOKEN, workers=1, rate_limit_per_minute=600, write_rate_limit_per_minute=6)
    with TestClient(create_app(seeded_db, settings=settings)) as c:
        first = c.post("/api/documents", content=b"x", headers={"Authorization": "Bearer guess-1"})
        second = c.post("/api/documents", content=b"x", headers={"Authorization": "Bearer guess-2"})
        assert first.status_code == 403  # counted although refused: guessing costs a token too
        assert second.status_code == 429 and "write_rate_limit_per_minute" in second.json()["error"]
        assert int(second.headers["retry-after"]) == 10  # 6 per minute: one every 10 s
        assert c.get("/api/stories", params={"limit": 1}).status_code == 200  # reads have their own bucket


def test_default_limits_let_a_page_load_through_and_zero_turns_them_off(seeded_db, clock):
    defaults = Settings()
    assert defaults.rate_limit_per_minute > 0 and defaults.write_rate_limit_per_minute > 0
    assert defaults.write_rate_limit_per_minute < defaults.rate_limit_per_minute
    page_load = 40  # the page's modules and a view's API calls, with room to spare
    with TestClient(create_app(seeded_db, settings=Settings(workers=1))) as c:
        assert {c.get("/api/stories", params={"limit": 1}).status_code for _ in range(page_load)} == {200}
    with TestClient(create_app(seeded_db, settings=Settings(workers=1, rate_limit_per_minute=0))) as c:
        assert {c.get("/api/stories", params={"limit": 1}).status_code for _ in range(300)} == {200}


def test_idle_clients_are_forgotten_so_memory_stays_bounded(monkeypatch):
    monkeypatch.setattr(ratelimit, "MAX_CLIENTS", 100)
    fake = FakeClock()
    buckets = ratelimit.TokenBuckets(60, now=fake)
    for i in range(100):
        buckets.take(f"10.0.{i // 256}.{i % 256}")
    fake.now += 3600  # all idle: their buckets are full again
    buckets.take("10.9.9.9")
    assert len(buckets.buckets) == 1
    for i in range(250):  # all busy at once: the map still does not grow past the cap
        buckets.take(f"10.1.{i // 256}.{i % 256}")
    assert len(buckets.buckets) <= 100


# -- headers --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/"), ("GET", "/static/js/main.js"), ("GET", "/api/openapi.json"), ("GET", "/api/events?since=never"),
     ("DELETE", "/api/documents"), ("GET", "/api/no/such"), ("POST", "/api/documents")],
)  # fmt: skip
def test_every_kind_of_response_carries_the_strict_policy(client, method, path):
    response = client.request(method, path)
    csp = dict(part.strip().split(" ", 1) for part in response.headers["content-security-policy"].split(";"))
    assert csp["default-src"] == "'none'" and csp["script-src"] == "'self'" and csp["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in response.headers["content-security-policy"]
    assert "unsafe-eval" not in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff" and response.headers["x-frame-options"] == "DENY"


def test_the_page_has_no_inline_script_or_handlers():
    import re

    html = (STATIC_DIR / "index.html").read_text(encoding="utf-8")
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", html, flags=re.S | re.I)
    assert scripts and all("src=" in attrs and not body.strip() for attrs, body in scripts)
    assert not re.search(r"\son[a-z]+\s*=", html, flags=re.I), "an inline event handler"
    assert "<style" not in html.lower() and "style=" not in html.lower()


def test_a_nul_in_the_path_or_query_is_refused_before_any_lookup(client):
    for url in ("/api/documents/abc%00def", "/api/entities?q=a%00b", "/static/app.css%00.js"):
        response = client.get(url)
        assert response.status_code == 422 and "NUL" in response.json()["error"], url
