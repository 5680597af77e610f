"""All SQL of subscriptions and notifications."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from app.alerts.models import Notification, Rate, Subscription, SubscriptionKind
from app.auth.models import UserAccount
from app.core.pagination import newest_first
from app.orgs.models import Membership, Organisation, Role

_AT_LEAST = {r: [x for x in Role if x.at_least(r)] for r in Role}


def add_notifications(
    session: Session,
    user_ids: Iterable[uuid.UUID],
    *,
    event_id: str,
    type: str,
    data: dict[str, Any],
    now: datetime,
    case_id: uuid.UUID | None = None,
    rates: dict[uuid.UUID, tuple[Rate, uuid.UUID | None]] | None = None,
) -> int:
    """One notification per user for this event; an event handled twice adds none.
    rates gives each user's mail rate and subscription (immediate when absent)."""
    rows = [
        {
            "id": uuid.uuid4(),
            "user_id": u,
            "event_id": event_id,
            "type": type,
            "case_id": case_id,
            "data": data,
            "created_at": now,
            "rate": (rates or {}).get(u, (Rate.immediate, None))[0],
            "subscription_id": (rates or {}).get(u, (Rate.immediate, None))[1],
        }
        for u in dict.fromkeys(user_ids)
    ]
    if not rows:
        return 0
    done = session.execute(
        pg_insert(Notification).values(rows).on_conflict_do_nothing().returning(Notification.id)
    )
    return len(done.all())


def members(session: Session, org_id: uuid.UUID, minimum: Role) -> list[uuid.UUID]:
    """The active members of an active organisation with at least this role."""
    return list(
        session.scalars(
            select(Membership.user_id)
            .join(Organisation, Organisation.id == Membership.organisation_id)
            .join(UserAccount, UserAccount.id == Membership.user_id)
            .where(
                Membership.organisation_id == org_id,
                Membership.role.in_(_AT_LEAST[minimum]),
                Organisation.active.is_(True),
                UserAccount.active.is_(True),
            )
        )
    )


def notify_members(
    session: Session,
    org_id: uuid.UUID,
    minimum: Role,
    *,
    event_id: str,
    type: str,
    data: dict[str, Any],
    now: datetime,
) -> int:
    return add_notifications(
        session, members(session, org_id, minimum), event_id=event_id, type=type, data=data, now=now
    )


# ---------------------------------------------------------------- subscriptions


def subscriptions_of(session: Session, user_id: uuid.UUID) -> list[Subscription]:
    return list(
        session.scalars(
            select(Subscription)
            .where(Subscription.user_id == user_id)
            .order_by(Subscription.created_at, Subscription.id)
        )
    )


def subscription(
    session: Session, user_id: uuid.UUID, subscription_id: uuid.UUID
) -> Subscription | None:
    return session.scalar(
        select(Subscription).where(
            Subscription.id == subscription_id, Subscription.user_id == user_id
        )
    )


def subscribers(
    session: Session, kind: SubscriptionKind, *, enabled_only: bool = True, **where: Any
) -> list[Subscription]:
    """The (enabled) subscriptions of kind whose columns equal where's values."""
    query = select(Subscription).where(Subscription.kind == kind)
    if enabled_only:
        query = query.where(Subscription.enabled.is_(True))
    for column, value in where.items():
        query = query.where(getattr(Subscription, column) == value)
    return list(session.scalars(query))


def wins_watchers(session: Session, org_ids: Iterable[uuid.UUID]) -> list[Subscription]:
    """Enabled "new wins for my open cases" subscriptions of these organisations, of
    members who still hold a role in them."""
    return list(
        session.scalars(
            select(Subscription)
            .join(
                Membership,
                (Membership.user_id == Subscription.user_id)
                & (Membership.organisation_id == Subscription.organisation_id),
            )
            .where(
                Subscription.kind == SubscriptionKind.open_case_wins,
                Subscription.enabled.is_(True),
                Subscription.organisation_id.in_(sorted(set(org_ids))),
            )
        )
    )


def ensure_wins_subscription(
    session: Session, user_id: uuid.UUID, org_id: uuid.UUID, now: datetime
) -> None:
    """The default "new wins for my open cases" of a litigator: on, daily; a choice the
    user already made (even "off") stays."""
    session.execute(
        pg_insert(Subscription)
        .values(
            id=uuid.uuid4(),
            user_id=user_id,
            kind=SubscriptionKind.open_case_wins,
            organisation_id=org_id,
            rate=Rate.daily,
            enabled=True,
            language="en",
            created_at=now,
        )
        .on_conflict_do_nothing(
            index_elements=["user_id", "organisation_id"],
            index_where=Subscription.kind == SubscriptionKind.open_case_wins,
        )
    )


def due_searches(session: Session, before: datetime, limit: int) -> list[Subscription]:
    """Saved searches not checked since `before`, locked for this worker alone."""
    return list(
        session.scalars(
            select(Subscription)
            .where(
                Subscription.kind == SubscriptionKind.search,
                Subscription.enabled.is_(True),
                (Subscription.checked_at.is_(None)) | (Subscription.checked_at < before),
            )
            .order_by(Subscription.checked_at.nulls_first(), Subscription.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    )


# ---------------------------------------------------------------- notifications


def notifications(
    session: Session,
    user_id: uuid.UUID,
    *,
    unread_only: bool,
    before: tuple[datetime, uuid.UUID] | None,
    limit: int,
    types: list[str] | None = None,
) -> list[Notification]:
    query = select(Notification).where(Notification.user_id == user_id)
    if types is not None:
        query = query.where(Notification.type.in_(types))
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    query = newest_first(query, Notification.created_at, Notification.id, before)
    return list(session.scalars(query.limit(limit)))


def unread_count(session: Session, user_id: uuid.UUID) -> int:
    return int(
        session.scalar(
            select(func.count()).where(
                Notification.user_id == user_id, Notification.read_at.is_(None)
            )
        )
        or 0
    )


def mark_read(
    session: Session, user_id: uuid.UUID, ids: list[uuid.UUID] | None, now: datetime
) -> int:
    """Mark these (or, with None, all) of the user's notifications read."""
    query = update(Notification).where(
        Notification.user_id == user_id, Notification.read_at.is_(None)
    )
    if ids is not None:
        query = query.where(Notification.id.in_(ids))
    return session.execute(query.values(read_at=now)).rowcount  # type: ignore[attr-defined, no-any-return]


def pending_digests(session: Session) -> list[tuple[uuid.UUID, Rate]]:
    """(user, rate) pairs with notifications not yet mailed."""
    rows = session.execute(
        select(Notification.user_id, Notification.rate)
        .where(Notification.digested_at.is_(None))
        .group_by(Notification.user_id, Notification.rate)
    )
    return [(u, r) for u, r in rows]


def last_digest(session: Session, user_id: uuid.UUID, rate: Rate) -> datetime | None:
    return session.scalar(
        select(func.max(Notification.digested_at)).where(
            Notification.user_id == user_id, Notification.rate == rate
        )
    )


def claim_undigested(session: Session, user_id: uuid.UUID, rate: Rate) -> list[Notification]:
    """The user's unmailed notifications of this rate, locked so one worker mails them."""
    return list(
        session.scalars(
            select(Notification)
            .where(
                Notification.user_id == user_id,
                Notification.rate == rate,
                Notification.digested_at.is_(None),
            )
            .order_by(Notification.created_at, Notification.id)
            .limit(200)
            .with_for_update(skip_locked=True)
        )
    )
