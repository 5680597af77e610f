"""HTTP endpoints for logging in and the current user's credentials."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response, status
from fastapi.security import OAuth2PasswordRequestForm

from app.auth import service
from app.auth.dependencies import KeysDep, PrincipalDep, SettingsDep, UserDep
from app.auth.schemas import (
    ApiTokenCreate,
    ApiTokenCreated,
    ApiTokenRead,
    InvitationAccept,
    LogoutRequest,
    MeRead,
    PasswordChange,
    RefreshRequest,
    TokenPair,
    UserPatch,
    UserRead,
)
from app.core.time import utcnow
from app.db import SessionDep
from app.errors import problem_responses
from app.orgs import service as org_service

router = APIRouter(prefix="/api/v1", tags=["auth"])


@router.post("/auth/token", response_model=TokenPair, responses=problem_responses(401, 429))
def login(
    request: Request,
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    session: SessionDep,
    settings: SettingsDep,
    keys: KeysDep,
) -> TokenPair:
    """Exchange an email (as `username`) and password for an access and a refresh token."""
    address = request.client.host if request.client else "unknown"
    return service.login(
        session,
        settings,
        keys,
        email=form.username,
        password=form.password,
        address=address,
        now=utcnow(),
    )


@router.post("/auth/refresh", response_model=TokenPair, responses=problem_responses(401))
def refresh(
    body: RefreshRequest, session: SessionDep, settings: SettingsDep, keys: KeysDep
) -> TokenPair:
    """Rotate a refresh token: the old one stops working; reusing it closes the session."""
    return service.refresh(session, settings, keys, body.refresh_token, now=utcnow())


@router.post(
    "/auth/logout", status_code=status.HTTP_204_NO_CONTENT, responses=problem_responses(401)
)
def logout(body: LogoutRequest, session: SessionDep, principal: UserDep) -> Response:
    """Revoke a refresh token's session, or with `everywhere` every session and access token."""
    service.logout(
        session,
        principal,
        refresh_token=body.refresh_token,
        everywhere=body.everywhere,
        now=utcnow(),
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/auth/invitations/accept", response_model=TokenPair, responses=problem_responses(401, 403, 404)
)
def accept_invitation(
    body: InvitationAccept,
    session: SessionDep,
    settings: SettingsDep,
    keys: KeysDep,
    principal: PrincipalDep,
) -> TokenPair:
    """Join an organisation with a mailed invitation token, and log in."""
    return org_service.accept_invitation(session, settings, keys, principal, body, now=utcnow())


@router.get("/me", response_model=MeRead, responses=problem_responses(401))
def me(session: SessionDep, principal: UserDep) -> MeRead:
    """The current user with their organisations and roles."""
    return service.me(session, principal)


@router.post(
    "/me/password", status_code=status.HTTP_204_NO_CONTENT, responses=problem_responses(401)
)
def change_password(body: PasswordChange, session: SessionDep, principal: UserDep) -> Response:
    """Change the password; every existing session and access token stops working."""
    service.change_password(session, principal, body, now=utcnow())
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/me/api-tokens",
    response_model=ApiTokenCreated,
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401),
)
def create_api_token(
    body: ApiTokenCreate, session: SessionDep, principal: UserDep
) -> ApiTokenCreated:
    """Create a personal API token (`comity_...`); the value is shown only in this response."""
    return service.create_api_token(session, principal, body, now=utcnow())


@router.get("/me/api-tokens", response_model=list[ApiTokenRead], responses=problem_responses(401))
def list_api_tokens(session: SessionDep, principal: UserDep) -> list[ApiTokenRead]:
    """The current user's API tokens (never their values)."""
    return service.list_api_tokens(session, principal)


@router.delete(
    "/me/api-tokens", status_code=status.HTTP_204_NO_CONTENT, responses=problem_responses(401)
)
def revoke_all_api_tokens(session: SessionDep, principal: UserDep) -> Response:
    """Revoke every API token of the current user at once."""
    service.revoke_all_api_tokens(session, principal, now=utcnow())
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.delete(
    "/me/api-tokens/{token_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(401, 404),
)
def revoke_api_token(token_id: uuid.UUID, session: SessionDep, principal: UserDep) -> Response:
    """Revoke one of the current user's API tokens."""
    service.revoke_api_token(session, principal, token_id, now=utcnow())
    return Response(status_code=status.HTTP_204_NO_CONTENT)


users_router = APIRouter(prefix="/api/v1/users", tags=["users"])


@users_router.patch(
    "/{user_id}", response_model=UserRead, responses=problem_responses(401, 403, 404)
)
def patch_user(
    user_id: uuid.UUID, body: UserPatch, session: SessionDep, principal: UserDep
) -> UserRead:
    """Hub admins (de)activate users and grant hub-admin rights; users rename themselves."""
    return service.patch_user(session, principal, user_id, body, now=utcnow())
