"""Bearer-token checks: writing always needs the token, reading only when configured to.

Tokens are compared with `hmac.compare_digest`, so the time a wrong guess takes says nothing
about how much of it was right.
"""

from __future__ import annotations

import hmac

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from ..settings import Settings
from .problems import ApiError

bearer = HTTPBearer(auto_error=False, description="The token from the `token` setting (env WIRETRAIL_TOKEN).")
CHALLENGE = {"WWW-Authenticate": 'Bearer realm="wiretrail"'}


def _check(settings: Settings, credentials: HTTPAuthorizationCredentials | None, *, action: str) -> None:
    if not settings.token:
        raise ApiError(403, f"{action} through the API is disabled: set the token setting (env WIRETRAIL_TOKEN) to enable it")
    if credentials is None:
        raise ApiError(401, f"{action} needs a bearer token: send 'Authorization: Bearer <token>'", headers=CHALLENGE)
    if not hmac.compare_digest(credentials.credentials.encode(), settings.token.encode()):
        raise ApiError(403, "the bearer token is not valid")


async def require_write(request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(bearer)) -> None:
    _check(request.app.state.settings, credentials, action="writing")


async def require_read(request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(bearer)) -> None:
    settings: Settings = request.app.state.settings
    if settings.read_token_required:
        _check(settings, credentials, action="reading")
