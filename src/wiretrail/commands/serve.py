"""`wiretrail serve`: the HTTP API and the web page over the configured store."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from ..errors import WiretrailError
from .common import err, fail, state

LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


def serve(
    host: Annotated[Optional[str], typer.Option("--host", help="Address to listen on (default 127.0.0.1: this machine only).")] = None,
    port: Annotated[Optional[int], typer.Option("--port", min=1, max=65535, help="Port to listen on (default 8000).")] = None,
) -> None:
    """Serve the record: a JSON API under /api and the web page at /.

    Reading is open unless read_token_required is set; POST /api/documents needs the token
    setting (env WIRETRAIL_TOKEN) as a bearer token.

    Example: WIRETRAIL_TOKEN=s3cret wiretrail --db example.db serve --port 8000
    """
    try:
        settings = state.settings.with_overrides("argument", {"host": host, "port": port})
        from ..server import create_app  # the server extra is only needed here

        import uvicorn

        app = create_app(settings.db, settings=settings)
    except WiretrailError as exc:
        raise fail(str(exc), 2) from exc
    if not state.quiet:
        err.print(f"wiretrail: serving {settings.db} on http://{_url_host(settings.host)}:{settings.port}/", markup=False, highlight=False)
        if not settings.token:
            err.print("writing through the API is disabled: set WIRETRAIL_TOKEN to enable POST /api/documents", markup=False, highlight=False)
        if settings.host not in LOOPBACK and not settings.read_token_required:
            err.print(f"note: listening on {settings.host}: anyone who can reach it can read the record", markup=False, highlight=False)
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="warning" if state.quiet else "info")


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host
