"""FastAPI dependencies: settings, signing keys, and the request's principal."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy.orm import Session

from app.auth import service
from app.auth.principal import ANONYMOUS, Principal
from app.auth.tokens import SigningKeys
from app.config import Settings
from app.core.crypto import Keyring
from app.core.time import utcnow
from app.db import SessionDep, StreamingSessionDep
from app.errors import AuthenticationRequired

# Documents bearer auth (and Swagger's Authorize button) without rejecting anonymous calls.
_bearer = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)


# Dependencies without I/O are `async def`: FastAPI runs plain `def` ones in the thread pool,
# a hop per dependency per request.


async def get_app_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_signing_keys(request: Request) -> SigningKeys:
    keys: SigningKeys = request.app.state.signing_keys
    return keys


async def get_keyring(request: Request) -> Keyring:
    keyring: Keyring = request.app.state.keyring
    return keyring


SettingsDep = Annotated[Settings, Depends(get_app_settings)]
KeysDep = Annotated[SigningKeys, Depends(get_signing_keys)]
KeyringDep = Annotated[Keyring, Depends(get_keyring)]


async def get_principal(
    request: Request,
    session: SessionDep,
    keys: KeysDep,
    token: Annotated[str | None, Depends(_bearer)],
) -> Principal:
    return await _principal(request, session, keys, token)


async def get_streaming_principal(
    request: Request,
    session: StreamingSessionDep,
    keys: KeysDep,
    token: Annotated[str | None, Depends(_bearer)],
) -> Principal:
    """The principal of a streaming response, read in the session that streams."""
    return await _principal(request, session, keys, token)


async def _principal(
    request: Request, session: Session, keys: SigningKeys, token: str | None
) -> Principal:
    if request.headers.get("authorization") is None:
        return ANONYMOUS  # no credential, nothing to look up
    if token is None:
        raise AuthenticationRequired("Use `Authorization: Bearer <token>`.")
    principal = await run_in_threadpool(
        service.authenticate, session, keys, token, method=request.method, now=utcnow()
    )
    return principal or ANONYMOUS


async def require_user(principal: Annotated[Principal, Depends(get_principal)]) -> Principal:
    if not principal.authenticated:
        raise AuthenticationRequired("Log in first.")
    return principal


PrincipalDep = Annotated[Principal, Depends(get_principal)]
StreamingPrincipalDep = Annotated[Principal, Depends(get_streaming_principal)]
UserDep = Annotated[Principal, Depends(require_user)]
