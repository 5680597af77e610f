"""Deadline use cases: compute them from a final domestic decision, add, dismiss, reopen,
list, and publish them in calendar feeds."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import Any

from sqlalchemy.orm import Session

from app.audit import service as audit
from app.auth import passwords
from app.auth import repository as users
from app.auth.principal import Principal
from app.cases import policy as case_policy
from app.cases import repository as case_repo
from app.cases.models import CaseUpdate, LegalCase
from app.config import Settings
from app.deadlines import calendar, rules
from app.deadlines import repository as repo
from app.deadlines.models import CalendarFeed, CaseDeadline
from app.deadlines.schemas import (
    DeadlineCreate,
    DeadlineRead,
    FeedCreate,
    FeedCreated,
    FeedRead,
    UpcomingQuery,
)
from app.errors import AuthenticationRequired, NotFoundError, PermissionDenied
from app.matching import repository as match_repo
from app.matching import transfer
from app.orgs.models import Role
from app.outbox import events
from app.outbox import service as outbox
from app.outbox.mail import Mailer
from app.reference import datafiles

REMINDER_TOPIC = "deadline.reminder"
REMINDER_DAYS = (30, 7, 1)
FEED_PREFIX = "cal_"
# A feed shows a month of the past and ten years ahead (the Human Rights Committee's window).
FEED_PAST, FEED_AHEAD = timedelta(days=31), timedelta(days=3660)
# The routes a person can take alone: not collective complaints, not a court reached only
# through a commission.
INDIVIDUAL_ACCESS = frozenset(
    {transfer.Access.direct, transfer.Access.under_convention, transfer.Access.under_declaration}
)


@cache
def windows() -> tuple[rules.Window, ...]:
    rows = datafiles.load_yaml("admissibility_windows.yaml")["windows"]
    return tuple(rules.Window.from_data(row) for row in rows)


def open_routes(session: Session, state: str, relevant: set[str]) -> list[str]:
    """Forums that people in `state` can petition alone, that apply an instrument relevant to
    the claims (every forum with a window, when the case states no claim)."""
    facts = match_repo.state_facts(session, state)
    forums = repo.forums(session, {w.forum_id for w in windows()})
    out = []
    for forum_id, requires in match_repo.complaint_routes(session).items():
        route = transfer.access(forum_id, requires, facts)
        forum = forums.get(forum_id)
        if route is None or route.access not in INDIVIDUAL_ACCESS or forum is None:
            continue
        if not relevant or relevant & set(forum.instruments_applied):
            out.append(forum_id)
    return out


def compute_for_update(
    session: Session, principal: Principal, case: LegalCase, update: CaseUpdate, *, now: datetime
) -> list[CaseDeadline]:
    """Store the deadline of every open route with the case, replacing any computed from an
    earlier final decision, and queue their reminders; in the update's transaction."""
    state = (case.respondent_states or [case.forum_jurisdiction])[0]
    routes = open_routes(session, state, repo.claim_instruments(session, case.id))
    computed = rules.compute(
        windows(), routes, final_on=update.occurred_on, notified_on=update.notified_on
    )
    repo.drop_computed(session, case.id)
    forums = repo.forums(session, routes)
    stored = [
        CaseDeadline(
            case_id=case.id,
            update_id=update.id,
            forum_id=c.forum_id,
            rule=c.rule,
            title=f"Time limit: {forums[c.forum_id].name}",
            starts_on=c.starts_on,
            due_on=c.due_on,
            note=c.note,
            source=c.source,
            uncertain=c.uncertain,
            internal=update.internal,
            created_by=principal.user_id,
        )
        for c in computed
    ]
    session.add_all(stored)
    session.flush()
    for d in stored:
        _queue_reminders(session, d, now=now)
    audit.record(
        session,
        principal,
        action="deadline.compute",
        object_type="case",
        object_id=case.id,
        organisation_id=case.owner_org_id,
        after={"final_on": update.occurred_on, "forums": routes},
        now=now,
    )
    return stored


def _queue_reminders(session: Session, deadline: CaseDeadline, *, now: datetime) -> None:
    """30, 7 and 1 days before a dated deadline, whatever of that is still ahead."""
    if deadline.due_on is None:
        return
    for days in REMINDER_DAYS:
        at = datetime.combine(deadline.due_on - timedelta(days=days), time(7), now.tzinfo)
        if at > now:
            outbox.enqueue(
                session,
                REMINDER_TOPIC,
                {"deadline_id": str(deadline.id), "days_before": days},
                now=now,
                available_at=at,
            )


def _case(session: Session, principal: Principal, case_id: uuid.UUID) -> LegalCase:
    case = case_repo.readable_case(session, principal, case_id)
    if case is None:
        raise NotFoundError("No such case.")
    return case


def case_deadlines(
    session: Session, principal: Principal, case_id: uuid.UUID
) -> list[DeadlineRead]:
    """A readable case's deadlines; internal ones to its organisation only."""
    case = _case(session, principal, case_id)
    internal = case_policy.may_see_internal(principal, case)
    return [
        DeadlineRead.model_validate(d)
        for d in repo.deadlines_of(session, case.id, internal=internal)
    ]


def add_deadline(
    session: Session,
    principal: Principal,
    case_id: uuid.UUID,
    body: DeadlineCreate,
    *,
    now: datetime,
) -> DeadlineRead:
    case = _case(session, principal, case_id)
    case_policy.require_role(principal, case, Role.staff, "add deadlines")
    deadline = CaseDeadline(
        case_id=case.id,
        rule="manual",
        title=body.title,
        due_on=body.due_on,
        note=body.note,
        internal=body.internal,
        created_by=principal.user_id,
    )
    session.add(deadline)
    session.flush()
    _queue_reminders(session, deadline, now=now)
    _audit(session, principal, case, deadline, "deadline.create", now)
    return DeadlineRead.model_validate(deadline)


def set_dismissed(
    session: Session,
    principal: Principal,
    case_id: uuid.UUID,
    deadline_id: uuid.UUID,
    *,
    dismissed: bool,
    now: datetime,
) -> DeadlineRead:
    """Dismiss a deadline the team will not meet or no longer needs, or reopen it."""
    case = _case(session, principal, case_id)
    case_policy.require_role(principal, case, Role.staff, "dismiss or reopen deadlines")
    deadline = repo.deadline_for_update(session, case.id, deadline_id)
    if deadline is None or (
        deadline.internal and not case_policy.may_see_internal(principal, case)
    ):
        raise NotFoundError("No such deadline.")
    if (deadline.dismissed_at is not None) != dismissed:
        deadline.dismissed_at = now if dismissed else None
        deadline.dismissed_by = principal.user_id if dismissed else None
        action = "deadline.dismiss" if dismissed else "deadline.reopen"
        _audit(session, principal, case, deadline, action, now)
    return DeadlineRead.model_validate(deadline)


def _audit(
    session: Session,
    principal: Principal,
    case: LegalCase,
    deadline: CaseDeadline,
    action: str,
    now: datetime,
) -> None:
    audit.record(
        session,
        principal,
        action=action,
        object_type="deadline",
        object_id=deadline.id,
        organisation_id=case.owner_org_id,
        after={"title": deadline.title, "due_on": deadline.due_on},
        now=now,
    )


def upcoming(
    session: Session, principal: Principal, query: UpcomingQuery, *, today: date
) -> list[DeadlineRead]:
    """My organisations' open deadlines in the next `within` days."""
    orgs = principal.org_ids
    if query.organisation_id is not None:
        if query.organisation_id not in orgs:
            raise PermissionDenied("Only members see an organisation's deadlines.")
        orgs = frozenset({query.organisation_id})
    rows = repo.upcoming(session, orgs, start=today, end=today + timedelta(days=query.days))
    return [DeadlineRead.model_validate(d) for d, _ in rows]


# ---------------------------------------------------------------- calendar feeds


def create_feed(
    session: Session, principal: Principal, settings: Settings, body: FeedCreate, *, now: datetime
) -> FeedCreated:
    if principal.user_id is None:
        raise AuthenticationRequired()
    if body.organisation_id is not None and body.organisation_id not in principal.org_ids:
        raise PermissionDenied("Only members subscribe to an organisation's deadlines.")
    raw = passwords.new_secret(FEED_PREFIX)
    feed = CalendarFeed(
        user_id=principal.user_id,
        organisation_id=body.organisation_id,
        token_hash=passwords.digest(raw),
        created_at=now,
    )
    session.add(feed)
    session.flush()
    audit.record(
        session,
        principal,
        action="calendar_feed.create",
        object_type="calendar_feed",
        object_id=feed.id,
        organisation_id=body.organisation_id,
        now=now,
    )
    url = f"{settings.public_url.rstrip('/')}/api/v1/calendar/{raw}.ics"
    return FeedCreated(**FeedRead.model_validate(feed).model_dump(), url=url)


def list_feeds(session: Session, principal: Principal) -> list[FeedRead]:
    assert principal.user_id is not None
    return [FeedRead.model_validate(f) for f in repo.feeds_of(session, principal.user_id)]


def revoke_feed(
    session: Session, principal: Principal, feed_id: uuid.UUID, *, now: datetime
) -> None:
    feed = session.get(CalendarFeed, feed_id)
    if feed is None or feed.user_id != principal.user_id:
        raise NotFoundError("No such calendar feed.")
    if feed.revoked_at is None:
        feed.revoked_at = now
        audit.record(
            session,
            principal,
            action="calendar_feed.revoke",
            object_type="calendar_feed",
            object_id=feed.id,
            organisation_id=feed.organisation_id,
            now=now,
        )


def render_feed(session: Session, token: str, *, now: datetime) -> str:
    """The feed's open dated deadlines, as its owner may read them today: leaving an
    organisation, or deactivation, empties it; revocation ends it."""
    feed = repo.feed_by_hash(session, passwords.digest(token))
    user = users.user_by_id(session, feed.user_id) if feed else None
    if feed is None or user is None or not user.active:
        raise NotFoundError("No such calendar feed.")
    member_of = set(users.active_roles(session, user.id))
    orgs = member_of & {feed.organisation_id} if feed.organisation_id else member_of
    today = now.date()
    rows = repo.upcoming(
        session, orgs, start=today - timedelta(days=30), end=today + timedelta(days=3660)
    )
    events = [
        calendar.Event(
            uid=f"{d.id}@comity",
            on=d.due_on,
            summary=f"{d.title} ({case.short_title or case.title})",
            description="\n".join(
                part
                for part in (case.title, d.note, f"Source: {d.source}" if d.source else None)
                if part
            ),
        )
        for d, case in rows
        if d.due_on is not None
    ]
    return calendar.calendar("Comity deadlines", events, now=now)


def remind(session: Session, payload: Mapping[str, Any], mailer: Mailer, now: datetime) -> None:
    """The outbox handler of a due reminder: a `deadline.reminder` event, unless the deadline
    was dismissed or removed since."""
    deadline = session.get(CaseDeadline, uuid.UUID(str(payload["deadline_id"])))
    if deadline is None or deadline.dismissed_at is not None or deadline.due_on is None:
        return
    days = int(payload["days_before"])
    events.emit(
        session,
        events.EventType.deadline_reminder,
        case_id=deadline.case_id,
        data={
            "deadline_id": str(deadline.id),
            "title": deadline.title,
            "due_on": deadline.due_on.isoformat(),
            "days_before": days,
            "internal": deadline.internal,
            "uncertain": deadline.uncertain,
        },
        now=now,
    )
