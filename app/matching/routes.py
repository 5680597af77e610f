"""HTTP endpoints for the knock-on matcher."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from app.auth.dependencies import PrincipalDep
from app.db import SessionDep
from app.errors import problem_responses
from app.matching import service
from app.matching.schemas import KnockOnQuery, MatchRequest, MatchResults

router = APIRouter(prefix="/api/v1", tags=["matching"])


@router.post("/match", response_model=MatchResults, responses=problem_responses(404, 413))
def match(body: MatchRequest, session: SessionDep, principal: PrincipalDep) -> MatchResults:
    """Rank earlier wins from other jurisdictions for a case or a draft, with reasons."""
    return service.find_knock_on_wins(session, principal, body)


@router.get(
    "/cases/{case_id}/knock-on", response_model=MatchResults, responses=problem_responses(404)
)
def knock_on(
    case_id: uuid.UUID,
    query: Annotated[KnockOnQuery, Query()],
    session: SessionDep,
    principal: PrincipalDep,
) -> MatchResults:
    """The knock-on wins for an existing case."""
    return service.find_knock_on_wins(
        session, principal, MatchRequest(case_id=case_id, **query.model_dump())
    )
