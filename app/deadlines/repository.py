"""SQL for deadlines and calendar feeds. Every read starts from a readable case."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.cases.models import LegalCase, RightsClaim, claim_provision
from app.deadlines.models import CalendarFeed, CaseDeadline
from app.reference.models import CrosswalkRow, Forum, Provision


def deadlines_of(session: Session, case_id: uuid.UUID, *, internal: bool) -> list[CaseDeadline]:
    stmt = select(CaseDeadline).where(CaseDeadline.case_id == case_id)
    if not internal:
        stmt = stmt.where(CaseDeadline.internal.is_(False))
    return list(session.scalars(stmt.order_by(CaseDeadline.due_on.nulls_last(), CaseDeadline.id)))


def deadline_for_update(
    session: Session, case_id: uuid.UUID, deadline_id: uuid.UUID
) -> CaseDeadline | None:
    return session.scalar(
        select(CaseDeadline)
        .where(CaseDeadline.id == deadline_id, CaseDeadline.case_id == case_id)
        .with_for_update()
    )


def drop_computed(session: Session, case_id: uuid.UUID) -> None:
    """A new final decision replaces the deadlines computed from an earlier one."""
    session.execute(
        delete(CaseDeadline).where(
            CaseDeadline.case_id == case_id, CaseDeadline.update_id.is_not(None)
        )
    )


def upcoming(
    session: Session, org_ids: Iterable[uuid.UUID], *, start: date, end: date
) -> list[tuple[CaseDeadline, LegalCase]]:
    """Open dated deadlines of the organisations' own cases, soonest first."""
    wanted = sorted(set(org_ids))
    if not wanted:
        return []
    rows = session.execute(
        select(CaseDeadline, LegalCase)
        .join(LegalCase, LegalCase.id == CaseDeadline.case_id)
        .where(
            LegalCase.owner_org_id.in_(wanted),
            CaseDeadline.dismissed_at.is_(None),
            CaseDeadline.due_on.between(start, end),
        )
        .order_by(CaseDeadline.due_on, CaseDeadline.id)
    )
    return [(d, c) for d, c in rows]


def claim_instruments(session: Session, case_id: uuid.UUID) -> set[str]:
    """Every instrument that protects a right the case claims, or that its claims cite."""
    cited = (
        select(Provision.instrument_id)
        .join(claim_provision, claim_provision.c.provision_id == Provision.id)
        .join(RightsClaim, RightsClaim.id == claim_provision.c.claim_id)
        .where(RightsClaim.case_id == case_id)
    )
    protecting = (
        select(Provision.instrument_id)
        .join(CrosswalkRow, CrosswalkRow.provision_id == Provision.id)
        .join(RightsClaim, RightsClaim.right_id == CrosswalkRow.right_id)
        .where(RightsClaim.case_id == case_id)
    )
    return set(session.scalars(cited.union(protecting)))


def forums(session: Session, ids: Iterable[str]) -> dict[str, Forum]:
    return {f.id: f for f in session.scalars(select(Forum).where(Forum.id.in_(list(ids))))}


def feed_by_hash(session: Session, token_hash: str) -> CalendarFeed | None:
    return session.scalar(
        select(CalendarFeed).where(
            CalendarFeed.token_hash == token_hash, CalendarFeed.revoked_at.is_(None)
        )
    )


def feeds_of(session: Session, user_id: uuid.UUID) -> list[CalendarFeed]:
    return list(
        session.scalars(
            select(CalendarFeed)
            .where(CalendarFeed.user_id == user_id)
            .order_by(CalendarFeed.created_at)
        )
    )
