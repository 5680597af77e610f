"""SQL for organisations and memberships."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.auth.models import UserAccount
from app.orgs.models import Membership, Organisation, Role


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
