"""SQL for organisations and memberships."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.orm import Session

from app.auth.models import UserAccount
from app.orgs.models import Invitation, Membership, Organisation, Role, SupportGrant


def organisations_by_ids(session: Session, ids: Iterable[uuid.UUID]) -> list[Organisation]:
    wanted = list(ids)
    if not wanted:
        return []
    return list(session.scalars(select(Organisation).where(Organisation.id.in_(wanted))))


def organisation(session: Session, org_id: uuid.UUID) -> Organisation | None:
    return session.get(Organisation, org_id)


def organisation_by_slug(session: Session, slug: str) -> Organisation | None:
    return session.scalar(select(Organisation).where(Organisation.slug == slug))


def list_organisations(session: Session, *, include_inactive: bool) -> list[Organisation]:
    stmt = select(Organisation).order_by(Organisation.slug)
    if not include_inactive:
        stmt = stmt.where(Organisation.active.is_(True))
    return list(session.scalars(stmt))


def members(session: Session, org_id: uuid.UUID) -> list[tuple[Membership, UserAccount]]:
    rows = session.execute(
        select(Membership, UserAccount)
        .join(UserAccount, UserAccount.id == Membership.user_id)
        .where(Membership.organisation_id == org_id)
        .order_by(func.lower(UserAccount.email))
    )
    return [(m, u) for m, u in rows]


def membership_for_update(
    session: Session, org_id: uuid.UUID, user_id: uuid.UUID
) -> Membership | None:
    return session.scalar(
        select(Membership)
        .where(Membership.organisation_id == org_id, Membership.user_id == user_id)
        .with_for_update()
    )


def lock_admins(session: Session, org_id: uuid.UUID) -> list[uuid.UUID]:
    """Lock the organisation's admin rows so two removals cannot both pass the last-admin check."""
    return list(
        session.scalars(
            select(Membership.user_id)
            .where(Membership.organisation_id == org_id, Membership.role == Role.admin)
            .with_for_update()
        )
    )


def invitation_for_update(
    session: Session, invitation_id: uuid.UUID, org_id: uuid.UUID | None = None
) -> Invitation | None:
    """The invitation, locked; with org_id, only if it is that organisation's."""
    stmt = select(Invitation).where(Invitation.id == invitation_id)
    if org_id is not None:
        stmt = stmt.where(Invitation.organisation_id == org_id)
    return session.scalar(stmt.with_for_update())


def invitation_by_hash_for_update(session: Session, token_hash: str) -> Invitation | None:
    return session.scalar(
        select(Invitation).where(Invitation.token_hash == token_hash).with_for_update()
    )


def _open(now: datetime) -> ColumnElement[bool]:
    return and_(
        Invitation.accepted_at.is_(None),
        Invitation.revoked_at.is_(None),
        Invitation.expires_at > now,
    )


def open_invitation_for_update(
    session: Session, org_id: uuid.UUID, email: str
) -> Invitation | None:
    """The invitation to email that still blocks a new one (expired ones included)."""
    return session.scalar(
        select(Invitation)
        .where(
            Invitation.organisation_id == org_id,
            func.lower(Invitation.email) == email.lower(),
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
        )
        .with_for_update()
    )


def open_invitations(
    session: Session, *, now: datetime, org_id: uuid.UUID | None = None, email: str | None = None
) -> list[Invitation]:
    stmt = select(Invitation).where(_open(now)).order_by(Invitation.created_at)
    if org_id is not None:
        stmt = stmt.where(Invitation.organisation_id == org_id)
    if email is not None:
        stmt = stmt.where(func.lower(Invitation.email) == email.lower())
    return list(session.scalars(stmt))


def membership_role(session: Session, org_id: uuid.UUID, user_id: uuid.UUID) -> Role | None:
    return session.scalar(
        select(Membership.role).where(
            Membership.organisation_id == org_id, Membership.user_id == user_id
        )
    )


def support_grants(session: Session, org_id: uuid.UUID) -> list[SupportGrant]:
    return list(
        session.scalars(
            select(SupportGrant)
            .where(SupportGrant.organisation_id == org_id)
            .order_by(SupportGrant.created_at.desc())
        )
    )


def support_grant_for_update(
    session: Session, org_id: uuid.UUID, grant_id: uuid.UUID
) -> SupportGrant | None:
    return session.scalar(
        select(SupportGrant)
        .where(SupportGrant.id == grant_id, SupportGrant.organisation_id == org_id)
        .with_for_update()
    )


def active_support_grants(
    session: Session,
    *,
    now: datetime,
    org_id: uuid.UUID | None = None,
    grantee_id: uuid.UUID | None = None,
) -> list[SupportGrant]:
    stmt = select(SupportGrant).where(
        SupportGrant.revoked_at.is_(None), SupportGrant.expires_at > now
    )
    if org_id is not None:
        stmt = stmt.where(SupportGrant.organisation_id == org_id)
    if grantee_id is not None:
        stmt = stmt.where(SupportGrant.grantee_id == grantee_id)
    return list(session.scalars(stmt))
