"""Organisation and membership tables."""

from __future__ import annotations

import uuid
from enum import StrEnum

from sqlalchemy import CheckConstraint, Enum, ForeignKey, String, func
from sqlalchemy.orm import Mapped, mapped_column

from app.core.models import Timestamps, UuidPk
from app.db import Base


class OrgKind(StrEnum):
    clinic = "clinic"
    ngo = "ngo"
    law_firm = "law_firm"
    hub = "hub"


class Role(StrEnum):
    viewer = "viewer"
    staff = "staff"
    litigator = "litigator"
    admin = "admin"

    @property
    def rank(self) -> int:
        return _RANK[self]

    def at_least(self, other: Role) -> bool:
        return self.rank >= other.rank


_RANK = {Role.viewer: 1, Role.staff: 2, Role.litigator: 3, Role.admin: 4}


class Visibility(StrEnum):
    private = "private"
    network = "network"
    public = "public"


def pg_enum(enum: type[StrEnum], name: str) -> Enum:
    return Enum(
        enum, name=name, values_callable=lambda e: [m.value for m in e], validate_strings=True
    )


class Organisation(UuidPk, Timestamps, Base):
    __tablename__ = "organisation"
    __table_args__ = (CheckConstraint("country ~ '^[A-Z]{2}$'", name="country_iso2"),)

    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[OrgKind] = mapped_column(pg_enum(OrgKind, "org_kind"))
    country: Mapped[str] = mapped_column(String(2))
    active: Mapped[bool] = mapped_column(default=True, server_default="true")
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}


class Membership(Timestamps, Base):
    __tablename__ = "membership"

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    organisation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    role: Mapped[Role] = mapped_column(pg_enum(Role, "member_role"))


__all__ = ["Membership", "OrgKind", "Organisation", "Role", "Visibility", "func"]
