"""SQL for the audit trail."""

from __future__ import annotations

import uuid

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from app.audit.models import AuditEvent


def events(
    session: Session,
    *,
    org_ids: list[uuid.UUID],
    hub_scope: tuple[tuple[str, ...], tuple[str, ...]] | None,
    within_org: uuid.UUID | None,
    before_id: int | None,
    action: str | None,
    object_type: str | None,
    object_id: str | None,
    limit: int,
) -> list[AuditEvent]:
    """Rows of the organisations in org_ids, and with hub_scope (object types, actions) the
    rows of those kinds anywhere; within_org narrows both to one organisation."""
    scopes: list[ColumnElement[bool]] = [AuditEvent.organisation_id.in_(org_ids)] if org_ids else []
    if hub_scope is not None:
        types, actions = hub_scope
        scopes.append(or_(AuditEvent.object_type.in_(types), AuditEvent.action.in_(actions)))
    stmt = select(AuditEvent).where(or_(*scopes)).order_by(AuditEvent.id.desc()).limit(limit)
    if within_org is not None:
        stmt = stmt.where(AuditEvent.organisation_id == within_org)
    if before_id is not None:
        stmt = stmt.where(AuditEvent.id < before_id)
    if action:
        stmt = stmt.where(AuditEvent.action == action)
    if object_type:
        stmt = stmt.where(AuditEvent.object_type == object_type)
    if object_id:
        stmt = stmt.where(AuditEvent.object_id == object_id)
    return list(session.scalars(stmt))
