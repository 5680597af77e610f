"""Request and response bodies for authentication and the current user."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, StrictBool

from app.core.types import Strict
from app.orgs.models import OrgKind, Role


class TokenPair(BaseModel):
    access_token: str
    refresh_token: str
    token_type: str = "bearer"
    expires_in: int = Field(description="Seconds until the access token expires.")


class RefreshRequest(Strict):
    refresh_token: str = Field(min_length=1, max_length=200)


class LogoutRequest(Strict):
    refresh_token: str | None = Field(default=None, min_length=1, max_length=200)
    everywhere: StrictBool = Field(
        default=False, description="Revoke every session and access token of this user."
    )


class PasswordChange(Strict):
    current_password: str = Field(min_length=1, max_length=1024)
    new_password: str = Field(min_length=12, max_length=1024)


class InvitationAccept(Strict):
    token: str = Field(min_length=1, max_length=200)
    password: str | None = Field(
        default=None,
        min_length=12,
        max_length=1024,
        description="The new account's password; for an existing account its current one "
        "(or log in as it instead).",
    )
    display_name: str | None = Field(default=None, min_length=1, max_length=200)


class MembershipRead(BaseModel):
    organisation_id: uuid.UUID
    organisation_slug: str
    organisation_name: str
    organisation_kind: OrgKind
    role: Role


class MeRead(BaseModel):
    id: uuid.UUID
    email: str
    display_name: str
    is_hub_admin: bool
    memberships: list[MembershipRead]


class ApiTokenScope(StrEnum):
    read = "read"
    write = "write"


class ApiTokenCreate(Strict):
    name: str = Field(min_length=1, max_length=100)
    scopes: list[ApiTokenScope] = Field(min_length=1, max_length=2)
    expires_at: datetime | None = Field(
        default=None, description="When the token stops working; none means never."
    )


class ApiTokenRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    name: str
    display_prefix: str
    scopes: list[ApiTokenScope]
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None


class ApiTokenCreated(ApiTokenRead):
    token: str = Field(description="Shown once; only its hash is stored.")


class UserPatch(Strict):
    active: StrictBool | None = None
    is_hub_admin: StrictBool | None = None
    display_name: str | None = Field(default=None, min_length=1, max_length=200)


class UserRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    email: str
    display_name: str
    active: bool
    is_hub_admin: bool
