"""ASGI middleware: security headers on every response, the request body size limit, NULs
refused, and the settings' thresholds in effect for each request.

All are plain ASGI so they also cover static files and error responses, and so the size limit
holds for chunked bodies that declare no Content-Length: the body is counted as it arrives.
"""

from __future__ import annotations

import json

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..thresholds import Thresholds, using

# The page's scripts and styles are files served from here: no inline script or style, no
# other origin, nothing framed. Article text is data, never markup, and this is the backstop.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
]


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {name for name, _ in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [h for h in SECURITY_HEADERS if h[0] not in names]
            await send(message)

        await self.app(scope, receive, send_with_headers)


class _TooLarge(HTTPException):
    """An HTTPException, so that whatever reads the body (a route, FastAPI's parser) passes it
    on as a 413 instead of turning it into a 400 or a 500."""


class BodyLimit:
    """Refuse (413) a request whose body is larger than `max_bytes`: by its Content-Length
    before reading, or, without one, as soon as the bytes received pass the limit."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(send)
            return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise _TooLarge(413, _too_large(self.max_bytes))
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except _TooLarge:
            if not started:
                await self._refuse(send)

    async def _refuse(self, send: Send) -> None:
        body = json.dumps({"error": _too_large(self.max_bytes)}).encode()
        await send({"type": "http.response.start", "status": 413, "headers": [
            (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()), (b"connection", b"close"),
        ]})  # fmt: skip
        await send({"type": "http.response.body", "body": body})


def _too_large(max_bytes: int) -> str:
    return f"request body larger than {max_bytes} bytes (setting max_request_bytes)"


class RefuseNul:
    """Refuse (422) a request whose path or query holds a NUL character (`%00`): no id, filter
    or file name has one, and PostgreSQL cannot even compare a text with one (its driver raises,
    which would surface as a 500), so it is turned away before any route or file lookup."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and ("\x00" in scope.get("path", "") or b"%00" in scope.get("query_string", b"")):
            body = json.dumps({"error": "the request's path or query contains a NUL character (%00)"}).encode()
            await send({"type": "http.response.start", "status": 422, "headers": [
                (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
            ]})  # fmt: skip
            await send({"type": "http.response.body", "body": body})
            return
        await self.app(scope, receive, send)


class UseThresholds:
    """Run every request under the server's settings as the pipeline thresholds in effect, so
    an audit or ingest through the API decides exactly as `wiretrail audit`/`ingest` would with
    the same `wiretrail.toml` (sync routes run in worker threads that inherit this context)."""

    def __init__(self, app: ASGIApp, *, settings: Thresholds) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        with using(self.settings):
            await self.app(scope, receive, send)
