"""Organisation and membership tables."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, DateTime, Enum, ForeignKey, Index, String, func, text
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


class Invitation(UuidPk, Base):
    """An organisation's offer of a role to whoever receives mail at `email`.

    The token is minted when the outbox delivers the mail, so its value exists only in that
    mail; the table keeps its SHA-256 digest. Accepting it proves the address and is the
    holder's consent to join.
    """

    __tablename__ = "invitation"
    __table_args__ = (
        Index(
            "uq_invitation_open_per_address",
            "organisation_id",
            func.lower(text("email")),
            unique=True,
            postgresql_where=text("accepted_at IS NULL AND revoked_at IS NULL"),
        ),
    )

    organisation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    email: Mapped[str] = mapped_column(String(320))
    role: Mapped[Role] = mapped_column(pg_enum(Role, "member_role"))
    invited_by: Mapped[uuid.UUID | None]
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    accepted_by: Mapped[uuid.UUID | None]
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class SupportGrant(UuidPk, Base):
    """An organisation admin's time-limited grant of a role to a hub admin who must help."""

    __tablename__ = "support_grant"

    organisation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    grantee_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[Role] = mapped_column(pg_enum(Role, "member_role"))
    reason: Mapped[str] = mapped_column(String(500))
    granted_by: Mapped[uuid.UUID | None]
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


__all__ = [
    "Invitation",
    "Membership",
    "OrgKind",
    "Organisation",
    "Role",
    "SupportGrant",
    "Visibility",
    "func",
]
