"""The HTTP API and the web page (`wiretrail serve`); needs the `server` extra.

    create_app(store_or_db, settings=...)  -> a FastAPI app: JSON under /api, the page at /

Routes are thin: each checks its parameters and calls the library function the CLI calls.
"""

from __future__ import annotations

from ..errors import ConfigError

INSTALL_HINT = "pip install 'wiretrail[server]'"

try:
    import fastapi  # noqa: F401
    import python_multipart  # noqa: F401  (form uploads)
    import uvicorn  # noqa: F401
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise ConfigError(f"the HTTP API needs the server extra ({exc.name} is missing): {INSTALL_HINT}") from exc

from .app import create_app  # noqa: E402

__all__ = ["INSTALL_HINT", "create_app"]
