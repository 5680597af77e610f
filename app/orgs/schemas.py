"""Organisation and membership bodies."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, EmailStr, Field, StrictBool, field_validator

from app.core.types import Strict
from app.orgs.models import OrgKind, Role


def _iso_country(value: str) -> str:
    import pycountry

    code = value.upper()
    if pycountry.countries.get(alpha_2=code) is None:
        raise ValueError("not an ISO 3166-1 alpha-2 country code")
    return code


class OrganisationCreate(Strict):
    name: str = Field(min_length=1, max_length=200)
    slug: str = Field(min_length=2, max_length=64, pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    kind: OrgKind
    country: str = Field(min_length=2, max_length=2, description="ISO 3166-1 alpha-2")

    _country = field_validator("country")(_iso_country)


class OrganisationPatch(Strict):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    kind: OrgKind | None = None
    country: str | None = Field(default=None, min_length=2, max_length=2)
    active: StrictBool | None = None

    @field_validator("country")
    @classmethod
    def _country(cls, value: str | None) -> str | None:
        return None if value is None else _iso_country(value)


class OrganisationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    slug: str
    name: str
    kind: OrgKind
    country: str
    active: bool
    version: int
    created_at: datetime


class MemberAdd(Strict):
    email: EmailStr
    role: Role


class MemberPatch(Strict):
    role: Role


class MemberRead(BaseModel):
    user_id: uuid.UUID
    email: str
    display_name: str
    role: Role
    active: bool


class InvitationRead(BaseModel):
    """An invitation as its organisation's admins see it: never its token, which only the
    invitee's mail carries, and the same whether the address has an account or not."""

    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    organisation_id: uuid.UUID
    email: str
    role: Role
    created_at: datetime
    expires_at: datetime


class SupportGrantCreate(Strict):
    grantee_email: EmailStr = Field(description="A hub admin's address.")
    role: Role
    hours: int = Field(default=24, ge=1, le=168, description="How long the grant lasts.")
    reason: str = Field(min_length=1, max_length=500)


class SupportGrantRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    organisation_id: uuid.UUID
    grantee_id: uuid.UUID
    role: Role
    reason: str
    granted_by: uuid.UUID | None
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
