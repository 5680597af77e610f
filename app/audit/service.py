"""Append audit events in the writer's transaction, and read an organisation's trail."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date, datetime
from enum import Enum
from typing import Any

from sqlalchemy.orm import Session

from app.audit import repository
from app.audit.models import AuditEvent
from app.audit.schemas import AuditEventRead, AuditQuery
from app.auth.principal import Principal
from app.core.pagination import Page, decode_cursor, encode_cursor
from app.core.request_context import current_request_id
from app.core.time import utcnow
from app.errors import PermissionDenied
from app.orgs.models import Role

# Never copied into an audit diff: secrets, and protected client identities.
REDACTED_FIELDS = frozenset(
    {
        "password",
        "password_hash",
        "token",
        "token_hash",
        "refresh_token",
        "secret",
        "legal_names",
        "date_of_birth",
        "nationality",
        "personal_file_numbers",
        "contact",
        "notes",
        "protected",
    }
)
REDACTED = "[redacted]"


def snapshot(obj: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    return redact({name: getattr(obj, name) for name in fields})


def redact(values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: REDACTED if k in REDACTED_FIELDS else _jsonable(v) for k, v in values.items()}


def _jsonable(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, uuid.UUID | datetime | date):
        return str(value)
    if isinstance(value, Mapping):
        return redact(value)
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    return value


def record(
    session: Session,
    principal: Principal | None,
    *,
    action: str,
    object_type: str,
    object_id: object | None,
    organisation_id: uuid.UUID | None = None,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    now: datetime | None = None,
) -> AuditEvent:
    event = AuditEvent(
        occurred_at=now or utcnow(),
        actor_user_id=principal.user_id if principal else None,
        organisation_id=organisation_id,
        action=action,
        object_type=object_type,
        object_id=str(object_id) if object_id is not None else None,
        before=redact(before) if before is not None else None,
        after=redact(after) if after is not None else None,
        request_id=current_request_id(),
    )
    session.add(event)
    return event


# What hub admins curate, and so may read the trail of: reference data, organisations'
# records and account moderation. Never an organisation's own cases, pleadings or members.
HUB_OBJECT_TYPES = (
    "organisation",
    "instrument",
    "provision",
    "right_concept",
    "crosswalk_row",
    "forum",
    "ratification",
)
HUB_ACTIONS = ("user.update",)


def read_trail(session: Session, principal: Principal, query: AuditQuery) -> Page[AuditEventRead]:
    """Org admins read their organisations' trail; hub admins the rows of what they curate.

    Audit rows are scoped like the objects they describe: a hub admin reading organisation
    A's trail sees A's record and nothing of its cases, pleadings or members.
    """
    admin_of = [org for org, role in principal.roles.items() if role is Role.admin]
    if query.organisation_id is not None:
        admin_of = [org for org in admin_of if org == query.organisation_id]
    if not (admin_of or principal.is_hub_admin):
        raise PermissionDenied("Only organisation admins and hub admins read the audit trail.")
    before_id = decode_cursor(query.cursor, int) if query.cursor else None
    rows = repository.events(
        session,
        org_ids=admin_of,
        hub_scope=(HUB_OBJECT_TYPES, HUB_ACTIONS) if principal.is_hub_admin else None,
        within_org=query.organisation_id,
        before_id=before_id,
        action=query.action,
        object_type=query.object_type,
        object_id=query.object_id,
        limit=query.limit + 1,
    )
    more = len(rows) > query.limit
    rows = rows[: query.limit]
    return Page[AuditEventRead](
        items=[AuditEventRead.model_validate(r) for r in rows],
        next_cursor=encode_cursor(rows[-1].id) if more else None,
    )
