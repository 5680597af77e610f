"""SQL for users, credentials and login throttling."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import case, delete, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from app.auth.models import ApiToken, LoginThrottle, RefreshToken, UserAccount, WebSession
from app.orgs.models import Membership, Organisation, Role, SupportGrant


def user_by_email(session: Session, email: str) -> UserAccount | None:
    return session.scalar(select(UserAccount).where(func.lower(UserAccount.email) == email.lower()))


def user_by_id(session: Session, user_id: uuid.UUID) -> UserAccount | None:
    return session.get(UserAccount, user_id)


def display_names(session: Session, user_ids: Iterable[uuid.UUID | None]) -> dict[uuid.UUID, str]:
    """Display names for author fields: what others see of a user instead of their address."""
    wanted = sorted({u for u in user_ids if u is not None})
    if not wanted:
        return {}
    rows = session.execute(
        select(UserAccount.id, UserAccount.display_name).where(UserAccount.id.in_(wanted))
    )
    return {user_id: name for user_id, name in rows}


def active_roles(session: Session, user_id: uuid.UUID) -> dict[uuid.UUID, Role]:
    rows = session.execute(
        select(Membership.organisation_id, Membership.role)
        .join(Organisation, Organisation.id == Membership.organisation_id)
        .where(Membership.user_id == user_id, Organisation.active.is_(True))
    )
    return {org_id: role for org_id, role in rows}


def active_support_roles(
    session: Session, user_id: uuid.UUID, now: datetime
) -> dict[uuid.UUID, Role]:
    rows = session.execute(
        select(SupportGrant.organisation_id, SupportGrant.role)
        .join(Organisation, Organisation.id == SupportGrant.organisation_id)
        .where(
            SupportGrant.grantee_id == user_id,
            SupportGrant.revoked_at.is_(None),
            SupportGrant.expires_at > now,
            Organisation.active.is_(True),
        )
    )
    return {org_id: role for org_id, role in rows}


def refresh_token_for_update(session: Session, token_hash: str) -> RefreshToken | None:
    return session.scalar(
        select(RefreshToken).where(RefreshToken.token_hash == token_hash).with_for_update()
    )


def revoke_refresh_family(session: Session, family_id: uuid.UUID, now: datetime) -> None:
    session.execute(
        update(RefreshToken)
        .where(RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )


def revoke_user_refresh_tokens(session: Session, user_id: uuid.UUID, now: datetime) -> None:
    session.execute(
        update(RefreshToken)
        .where(RefreshToken.user_id == user_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )


def revoke_user_api_tokens(session: Session, user_id: uuid.UUID, now: datetime) -> None:
    session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )


def web_session_by_hash(session: Session, token_hash: str) -> WebSession | None:
    return session.scalar(select(WebSession).where(WebSession.token_hash == token_hash))


def api_token_by_hash(session: Session, token_hash: str) -> ApiToken | None:
    return session.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash))


def api_tokens_of(session: Session, user_id: uuid.UUID) -> list[ApiToken]:
    return list(
        session.scalars(
            select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.created_at)
        )
    )


# The first key of pg_advisory_xact_lock's two-key form that login throttling uses.
THROTTLE_LOCK_SPACE = 7301


def lock_throttle_key(session: Session, key: str) -> None:
    """Hold key's throttle lock until the transaction ends (hash collisions only serialise)."""
    session.execute(select(func.pg_advisory_xact_lock(THROTTLE_LOCK_SPACE, func.hashtext(key))))


def throttle_state(session: Session, keys: list[str]) -> list[LoginThrottle]:
    return list(session.scalars(select(LoginThrottle).where(LoginThrottle.key.in_(keys))))


def record_login_failure(session: Session, key: str, now: datetime, window_start: datetime) -> None:
    """Count a failure; failures older than the window start the count afresh."""
    stmt = insert(LoginThrottle).values(key=key, failures=1, last_failure_at=now)
    session.execute(
        stmt.on_conflict_do_update(
            index_elements=[LoginThrottle.key],
            set_={
                "failures": case(
                    (LoginThrottle.last_failure_at < window_start, 1),
                    else_=LoginThrottle.failures + 1,
                ),
                "last_failure_at": now,
            },
        )
    )


def clear_login_failures(session: Session, key: str) -> None:
    session.execute(delete(LoginThrottle).where(LoginThrottle.key == key))
