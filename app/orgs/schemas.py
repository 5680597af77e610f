"""Organisation and membership bodies."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, EmailStr, Field, StrictBool, field_validator

from app.orgs.models import OrgKind, Role


def _iso_country(value: str) -> str:
    import pycountry

    code = value.upper()
    if pycountry.countries.get(alpha_2=code) is None:
        raise ValueError("not an ISO 3166-1 alpha-2 country code")
    return code


class OrganisationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=200)
    slug: str = Field(min_length=2, max_length=64, pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    kind: OrgKind
    country: str = Field(min_length=2, max_length=2, description="ISO 3166-1 alpha-2")

    _country = field_validator("country")(_iso_country)


class OrganisationPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")
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


class MemberAdd(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: EmailStr
    role: Role
    display_name: str | None = Field(
        default=None,
        min_length=1,
        max_length=200,
        description="For a person without an account yet: an invitation is created.",
    )


class MemberPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    role: Role


class MemberRead(BaseModel):
    user_id: uuid.UUID
    email: str
    display_name: str
    role: Role
    active: bool


class MemberAdded(MemberRead):
    invitation_token: str | None = Field(
        default=None,
        description="For a new account: give it to the person (once) to set a password at "
        "POST /api/v1/auth/invitations/accept.",
    )
