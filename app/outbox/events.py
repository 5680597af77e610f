"""Domain events: written to the outbox in the transaction of the change that causes them,
fanned out after commit to notifications, mail and webhooks (`app.alerts.service.dispatch`).

An event carries ids, dates and labels, never protected client data; each has an id that
receivers use as the idempotency key (it is the `webhook-id` of every delivery).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy.orm import Session

from app.outbox import service as outbox

EVENT_TOPIC = "event"
_EMITTED = "comity.events"  # session.info key: what this transaction has already emitted


class EventType(StrEnum):
    case_updated = "case.updated"
    case_decision_recorded = "case.decision_recorded"
    knock_on_new_win = "knock_on.new_win"
    search_new_hits = "search.new_hits"
    deadline_reminder = "deadline.reminder"


def new_event_id() -> str:
    return f"msg_{uuid.uuid4().hex}"


def emit(
    session: Session,
    type: EventType,
    *,
    case_id: uuid.UUID | None,
    data: dict[str, Any],
    now: datetime,
    once_key: str | None = None,
    event_id: str | None = None,
) -> None:
    """Queue an event; with once_key, only the first of this transaction's events with that
    key is queued (several edits to one case in one request are one `case.updated`). An
    event_id made from what the event is about makes a repeat of it the same event, which
    notifications and deliveries then hold once."""
    if once_key is not None:
        emitted: set[str] = session.info.setdefault(_EMITTED, set())
        if once_key in emitted:
            return
        emitted.add(once_key)
    outbox.enqueue(
        session,
        EVENT_TOPIC,
        {
            "id": event_id or new_event_id(),
            "type": type.value,
            "timestamp": now.isoformat(),
            "case_id": str(case_id) if case_id else None,
            "data": data,
        },
        now=now,
    )


KNOCK_ON_TOPIC = "knock_on.reverse"


def queue_knock_on(session: Session, case_ids: list[uuid.UUID], *, now: datetime) -> None:
    """Queue the reverse knock-on job for new favourable findings: one job per change (a
    decision, a findings edit, an import), once per case in a transaction."""
    emitted: set[str] = session.info.setdefault(_EMITTED, set())
    fresh = [i for i in dict.fromkeys(case_ids) if f"knock_on:{i}" not in emitted]
    if not fresh:
        return
    emitted.update(f"knock_on:{i}" for i in fresh)
    outbox.enqueue(session, KNOCK_ON_TOPIC, {"case_ids": [str(i) for i in fresh]}, now=now)
