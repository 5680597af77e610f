"""`comity worker`: drain the outbox, wiring each topic to the domain that delivers it, and
run the periodic jobs (saved searches again, mail digests) between batches."""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Mapping
from datetime import timedelta

from app import db
from app.alerts import service as alerts
from app.config import Settings
from app.core.crypto import Keyring, load_keyring
from app.core.time import utcnow
from app.deadlines import service as deadline_service
from app.orgs import service as org_service
from app.outbox import events
from app.outbox import service as outbox
from app.outbox.mail import Mailer, mailer_for
from app.webhooks import service as webhooks

log = logging.getLogger("comity.worker")
POLL_SECONDS = 0.5


def handlers(settings: Settings, keyring: Keyring | None = None) -> Mapping[str, outbox.Handler]:
    keyring = keyring or load_keyring(settings)
    return {
        outbox.MAIL_TOPIC: outbox.send_mail,
        deadline_service.REMINDER_TOPIC: deadline_service.remind,
        org_service.INVITATION_TOPIC: functools.partial(
            org_service.deliver_invitation, settings=settings
        ),
        events.EVENT_TOPIC: functools.partial(alerts.dispatch, settings=settings, keyring=keyring),
        events.KNOCK_ON_TOPIC: alerts.reverse_knock_on,
        webhooks.DELIVERY_TOPIC: functools.partial(
            webhooks.deliver, settings=settings, keyring=keyring
        ),
    }


def drain(
    settings: Settings,
    *,
    mailer: Mailer | None = None,
    batch: int = 50,
    keyring: Keyring | None = None,
) -> int:
    """Handle every message due now, one transaction per batch, then the periodic jobs;
    returns how many messages were handled. Events that the jobs and handlers emit are
    handled in the same call."""
    keyring = keyring or load_keyring(settings)
    routes, mailer = handlers(settings, keyring), mailer or mailer_for(settings)
    first_retry = timedelta(seconds=settings.outbox_retry_seconds)
    total = 0
    while True:
        with db.session_scope() as session:
            claimed = outbox.drain_batch(
                session, routes, mailer, now=utcnow(), limit=batch, first_retry=first_retry
            )
        total += claimed
        if claimed == batch:
            continue
        with db.session_scope() as session:
            now = utcnow()
            jobs = alerts.check_saved_searches(session, now)
            jobs += alerts.send_digests(session, now, settings=settings, keyring=keyring)
        if not jobs and claimed == 0:
            return total


def run(settings: Settings, *, stop: threading.Event, once: bool = False) -> int:
    keyring, mailer = load_keyring(settings), mailer_for(settings)  # once, not every poll
    total = drain(settings, mailer=mailer, keyring=keyring)
    while not once and not stop.wait(POLL_SECONDS):
        total += drain(settings, mailer=mailer, keyring=keyring)
    return total
