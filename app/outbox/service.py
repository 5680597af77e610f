"""Write side effects into the outbox, and drain it from `comity worker` processes.

Rows are claimed with `SELECT ... FOR UPDATE SKIP LOCKED`, so any number of workers share
the queue without taking the same message; each message is handled in its own savepoint,
so one failure does not undo the batch. Delivery is at least once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.outbox.mail import Mail, Mailer
from app.outbox.models import OutboxMessage

log = logging.getLogger("comity.outbox")
MAIL_TOPIC = "mail"
MAX_ATTEMPTS = 12
MAX_BACKOFF = timedelta(hours=1)
FIRST_RETRY = timedelta(seconds=30)


@dataclass(frozen=True, slots=True)
class Retry:
    """A handler's answer when its attempt failed but what it wrote must stay (a delivery
    log, a failure count): the message is retried on the schedule, the savepoint kept."""

    error: str
    at: datetime | None = None  # when to try again, if the handler keeps its own schedule


Handler = Callable[[Session, Mapping[str, Any], Mailer, datetime], Retry | None]


def enqueue(
    session: Session,
    topic: str,
    payload: Mapping[str, Any],
    *,
    now: datetime,
    available_at: datetime | None = None,
) -> None:
    """Queue a side effect with the change that causes it; not before `available_at`."""
    session.add(
        OutboxMessage(
            topic=topic, payload=dict(payload), created_at=now, available_at=available_at or now
        )
    )


def enqueue_mail(session: Session, mail: Mail, *, now: datetime) -> None:
    enqueue(session, MAIL_TOPIC, mail.as_payload(), now=now)


def send_mail(session: Session, payload: Mapping[str, Any], mailer: Mailer, now: datetime) -> None:
    mailer.send(Mail.from_payload(payload))


def backoff(attempts: int, first: timedelta = FIRST_RETRY) -> timedelta:
    """The delay before attempt `attempts + 1`: first, then doubling, at most an hour."""
    delay: timedelta = first * 2 ** (attempts - 1)
    return min(delay, MAX_BACKOFF)


def drain_batch(
    session: Session,
    handlers: Mapping[str, Handler],
    mailer: Mailer,
    *,
    now: datetime,
    limit: int = 50,
    first_retry: timedelta = FIRST_RETRY,
) -> int:
    """Handle up to `limit` due messages; returns how many were claimed."""
    rows = list(
        session.scalars(
            select(OutboxMessage)
            .where(
                OutboxMessage.delivered_at.is_(None),
                OutboxMessage.failed_at.is_(None),
                OutboxMessage.available_at <= now,
            )
            .order_by(OutboxMessage.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    )
    for row in rows:
        try:
            with session.begin_nested():
                retry = handlers[row.topic](session, row.payload, mailer, now)
        except Exception as exc:  # a failed delivery is retried, never lost
            retry = Retry(f"{type(exc).__name__}: {exc}")
        if retry is None:
            row.delivered_at = now
            continue
        row.attempts += 1
        row.last_error = retry.error[:500]
        if row.attempts >= MAX_ATTEMPTS and retry.at is None:
            row.failed_at = now
        else:
            row.available_at = retry.at or now + backoff(row.attempts, first_retry)
        log.warning(
            "outbox delivery failed",
            extra={"id": row.id, "topic": row.topic, "error": row.last_error},
        )
    return len(rows)
