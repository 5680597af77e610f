"""SQL for the audit trail."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit.models import AuditEvent


def events(
    session: Session,
    *,
    org_ids: list[uuid.UUID] | None,
    before_id: int | None,
    action: str | None,
    object_type: str | None,
    object_id: str | None,
    limit: int,
) -> list[AuditEvent]:
    stmt = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)
    if org_ids is not None:
        stmt = stmt.where(AuditEvent.organisation_id.in_(org_ids))
    if before_id is not None:
        stmt = stmt.where(AuditEvent.id < before_id)
    if action:
        stmt = stmt.where(AuditEvent.action == action)
    if object_type:
        stmt = stmt.where(AuditEvent.object_type == object_type)
    if object_id:
        stmt = stmt.where(AuditEvent.object_id == object_id)
    return list(session.scalars(stmt))
