"""HTTP endpoints for deadlines and calendar feeds."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from app.auth.dependencies import PrincipalDep, SettingsDep, UserDep
from app.core.time import utcnow
from app.db import SessionDep
from app.deadlines import service
from app.deadlines.schemas import (
    DeadlineCreate,
    DeadlineRead,
    FeedCreate,
    FeedCreated,
    FeedRead,
    UpcomingQuery,
)
from app.errors import problem_responses

router = APIRouter(prefix="/api/v1", tags=["deadlines"])
CASE = "/cases/{case_id}/deadlines"


@router.get(CASE, response_model=list[DeadlineRead], responses=problem_responses(404))
def case_deadlines(
    case_id: uuid.UUID, session: SessionDep, principal: PrincipalDep
) -> list[DeadlineRead]:
    """The case's deadlines: computed from its final domestic decision, and manual dates."""
    return service.case_deadlines(session, principal, case_id)


@router.post(
    CASE,
    response_model=DeadlineRead,
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 403, 404),
)
def add_deadline(
    case_id: uuid.UUID, body: DeadlineCreate, session: SessionDep, principal: UserDep
) -> DeadlineRead:
    """Add a manual date (a court-set deadline, a hearing) to the case (staff and above)."""
    return service.add_deadline(session, principal, case_id, body, now=utcnow())


@router.post(
    f"{CASE}/{{deadline_id}}/dismiss",
    response_model=DeadlineRead,
    responses=problem_responses(401, 403, 404),
)
def dismiss_deadline(
    case_id: uuid.UUID, deadline_id: uuid.UUID, session: SessionDep, principal: UserDep
) -> DeadlineRead:
    """Dismiss a deadline (it leaves the lists, feeds and reminders; audited)."""
    return service.set_dismissed(
        session, principal, case_id, deadline_id, dismissed=True, now=utcnow()
    )


@router.post(
    f"{CASE}/{{deadline_id}}/reopen",
    response_model=DeadlineRead,
    responses=problem_responses(401, 403, 404),
)
def reopen_deadline(
    case_id: uuid.UUID, deadline_id: uuid.UUID, session: SessionDep, principal: UserDep
) -> DeadlineRead:
    """Reopen a dismissed deadline (audited)."""
    return service.set_dismissed(
        session, principal, case_id, deadline_id, dismissed=False, now=utcnow()
    )


@router.get("/deadlines", response_model=list[DeadlineRead], responses=problem_responses(401, 403))
def upcoming_deadlines(
    query: Annotated[UpcomingQuery, Query()], session: SessionDep, principal: UserDep
) -> list[DeadlineRead]:
    """My organisations' open deadlines in the next `within` days (`30d`), soonest first."""
    return service.upcoming(session, principal, query, today=utcnow().date())


@router.post(
    "/me/calendar-feeds",
    response_model=FeedCreated,
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 403),
)
def create_calendar_feed(
    body: FeedCreate, session: SessionDep, settings: SettingsDep, principal: UserDep
) -> FeedCreated:
    """A secret iCalendar URL of your deadlines, or one organisation's; shown once."""
    return service.create_feed(session, principal, settings, body, now=utcnow())


@router.get("/me/calendar-feeds", response_model=list[FeedRead], responses=problem_responses(401))
def list_calendar_feeds(session: SessionDep, principal: UserDep) -> list[FeedRead]:
    """Your calendar feeds (never their URLs)."""
    return service.list_feeds(session, principal)


@router.delete(
    "/me/calendar-feeds/{feed_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(401, 404),
)
def revoke_calendar_feed(feed_id: uuid.UUID, session: SessionDep, principal: UserDep) -> Response:
    """Revoke a calendar feed: its URL stops working."""
    service.revoke_feed(session, principal, feed_id, now=utcnow())
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(
    "/calendar/{token}.ics",
    response_class=Response,
    responses={
        200: {"content": {"text/calendar": {}}, "description": "An iCalendar feed."},
        **problem_responses(404),
    },
)
def calendar_feed(token: str, session: SessionDep) -> Response:
    """The iCalendar (RFC 5545) feed behind a secret URL, for Outlook, Google and Thunderbird."""
    body = service.render_feed(session, token, now=utcnow())
    return Response(
        body,
        media_type="text/calendar; charset=utf-8",
        headers={"Cache-Control": "no-store"},
    )
