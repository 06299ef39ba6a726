"""A local HTTP server for the fetch and alert tests (127.0.0.1 only), and checks of it.

Routes are set per test: a body with optional ETag (answering If-None-Match with 304), a status,
a delay, a redirect, or any handler function. Every request is recorded with its headers.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

Handler = Callable[[BaseHTTPRequestHandler], None]


@dataclass
class Hit:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes = b""


@dataclass
class LocalServer:
    routes: dict[str, Handler] = field(default_factory=dict)
    hits: list[Hit] = field(default_factory=list)
    port: int = 0

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def paths(self) -> list[str]:
        return [h.path for h in self.hits]

    # -- route builders ---------------------------------------------------------------------

    def page(self, path: str, body: bytes | str, *, content_type: str = "text/html; charset=utf-8",
             etag: str | None = None, status: int = 200) -> None:  # fmt: skip
        data = body.encode("utf-8") if isinstance(body, str) else body

        def handle(h: BaseHTTPRequestHandler) -> None:
            if etag and h.headers.get("If-None-Match") == etag:
                h.send_response(304)
                h.send_header("ETag", etag)
                h.end_headers()
                return
            h.send_response(status)
            h.send_header("Content-Type", content_type)
            h.send_header("Content-Length", str(len(data)))
            if etag:
                h.send_header("ETag", etag)
            h.end_headers()
            h.wfile.write(data)

        self.routes[path] = handle

    def redirect(self, path: str, to: str, status: int = 302) -> None:
        def handle(h: BaseHTTPRequestHandler) -> None:
            h.send_response(status)
            h.send_header("Location", to)
            h.send_header("Content-Length", "0")
            h.end_headers()

        self.routes[path] = handle

    def status(self, path: str, statuses: list[int], then: Handler | None = None) -> None:
        """Answer with each status in turn, then with `then` (or the last status) for ever."""
        queue = list(statuses)

        def handle(h: BaseHTTPRequestHandler) -> None:
            if queue or then is None:
                code = queue.pop(0) if queue else statuses[-1]
                h.send_response(code)
                h.send_header("Content-Length", "0")
                h.end_headers()
            else:
                then(h)

        self.routes[path] = handle


def _handler_class(server: LocalServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:  # keep test output clean
            pass

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            path = self.path.split("?", 1)[0]
            server.hits.append(Hit(self.command, self.path, dict(self.headers.items()), body))
            route = server.routes.get(path)
            if route is None:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            try:
                route(self)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client hung up (a size cap, a timeout): expected

        do_GET = _serve
        do_POST = _serve

    return Handler


@pytest.fixture()
def local_server():
    state = LocalServer()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler_class(state))
    httpd.daemon_threads = True
    state.port = httpd.server_address[1]
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield state
    httpd.shutdown()
    httpd.server_close()


def slow(seconds: float, body: bytes = b"late") -> Handler:
    def handle(h: BaseHTTPRequestHandler) -> None:
        time.sleep(seconds)
        h.send_response(200)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)

    return handle


# -- the server itself ----------------------------------------------------------------------------


def test_server_serves_routes_and_records_requests(local_server):
    local_server.page("/a", "hello", etag='"v1"')
    first = httpx.get(local_server.url("/a"))
    second = httpx.get(local_server.url("/a"), headers={"If-None-Match": '"v1"'})
    missing = httpx.get(local_server.url("/nothing"))
    assert (first.status_code, first.text, second.status_code, missing.status_code) == (200, "hello", 304, 404)
    assert local_server.paths() == ["/a", "/a", "/nothing"]
    assert local_server.hits[1].headers["If-None-Match"] == '"v1"'


def test_server_status_sequence_then_handler(local_server):
    local_server.status("/flaky", [503, 503], then=slow(0, b"ok"))
    codes = [httpx.get(local_server.url("/flaky")).status_code for _ in range(3)]
    assert codes == [503, 503, 200]
