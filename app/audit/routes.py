"""HTTP endpoint for reading the audit trail."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from app.audit import service
from app.audit.schemas import AuditEventRead, AuditQuery
from app.auth.dependencies import UserDep
from app.core.pagination import Page
from app.db import SessionDep
from app.errors import problem_responses

router = APIRouter(prefix="/api/v1/audit", tags=["audit"])


@router.get("", response_model=Page[AuditEventRead], responses=problem_responses(401, 403))
def read_audit_trail(
    query: Annotated[AuditQuery, Query()], session: SessionDep, principal: UserDep
) -> Page[AuditEventRead]:
    """The audit trail, newest first: an org admin's organisations, or any for hub admins."""
    return service.read_trail(session, principal, query)
