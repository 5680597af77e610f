"""`comity worker`: drain the outbox, wiring each topic to the domain that delivers it."""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Mapping
from typing import Any

from app import db
from app.config import Settings
from app.core.time import utcnow
from app.deadlines import service as deadline_service
from app.orgs import service as org_service
from app.outbox import service as outbox
from app.outbox.mail import Mailer, mailer_for

log = logging.getLogger("comity.worker")
POLL_SECONDS = 2.0


def remind_later(session: Any, payload: Mapping[str, Any], mailer: Mailer, now: Any) -> None:
    """Deadline reminders are queued now and delivered by the alerts issue's notifications;
    until then they are acknowledged without a message."""
    log.info("deadline reminder due", extra={"deadline_id": payload.get("deadline_id")})


def handlers(settings: Settings) -> Mapping[str, outbox.Handler]:
    return {
        outbox.MAIL_TOPIC: outbox.send_mail,
        deadline_service.REMINDER_TOPIC: remind_later,
        org_service.INVITATION_TOPIC: functools.partial(
            org_service.deliver_invitation, settings=settings
        ),
    }


def drain(settings: Settings, *, mailer: Mailer | None = None, batch: int = 50) -> int:
    """Handle every message due now, one transaction per batch; returns how many."""
    routes, mailer = handlers(settings), mailer or mailer_for(settings)
    total = 0
    while True:
        with db.session_scope() as session:
            claimed = outbox.drain_batch(session, routes, mailer, now=utcnow(), limit=batch)
        total += claimed
        if claimed < batch:
            return total


def run(settings: Settings, *, stop: threading.Event, once: bool = False) -> int:
    total = drain(settings)
    while not once and not stop.wait(POLL_SECONDS):
        total += drain(settings)
    return total
