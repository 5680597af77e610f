"""Webhook endpoints (managed by an organisation's admins) and their delivery.

Each event an endpoint takes becomes a delivery row and an outbox message; the worker
POSTs it, signed, and retries on the outbox schedule. After `webhook_disable_after`
failed attempts in a row the endpoint is disabled and the organisation's admins are told.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from app.alerts import repository as alerts_repo
from app.auth.principal import Principal
from app.config import Settings
from app.core.crypto import Keyring
from app.core.etag import check_version
from app.core.pagination import Page, after_newest_first, newest_first_cursor
from app.errors import FieldError, NotFoundError, PermissionDenied, ValidationFailed
from app.orgs.models import Role
from app.outbox import service as outbox
from app.outbox.mail import Mailer
from app.outbox.service import Retry
from app.webhooks import repository as repo
from app.webhooks import signing, transport
from app.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from app.webhooks.schemas import (
    DeliveryRead,
    SecretRotated,
    WebhookCreate,
    WebhookCreated,
    WebhookPatch,
    WebhookRead,
)

DELIVERY_TOPIC = "webhook"
ENVELOPE_VERSION = "2026-12-01"
ROTATION_OVERLAP = timedelta(hours=24)  # the old secret signs too, for receivers to switch
DISABLED_NOTICE = "webhook.disabled"


def _administered(principal: Principal) -> list[uuid.UUID]:
    return sorted(o for o, r in principal.roles.items() if r.at_least(Role.admin))


def _owner(principal: Principal, requested: uuid.UUID | None) -> uuid.UUID:
    administered = _administered(principal)
    if requested is not None:
        if requested not in administered:
            raise PermissionDenied("Only an organisation's admins manage its webhooks.")
        return requested
    if len(administered) == 1:
        return administered[0]
    if not administered:
        raise PermissionDenied("Only an organisation's admins manage its webhooks.")
    raise ValidationFailed("You administer several organisations: give organisation_id.")


def _check_url(url: str, settings: Settings) -> None:
    try:
        transport.check_url(url, allow_private=settings.webhook_allow_private)
    except transport.BlockedAddress as exc:
        raise ValidationFailed(
            str(exc), errors=[FieldError(loc=["body", "url"], msg=str(exc), type="blocked_url")]
        ) from exc


def _read(endpoint: WebhookEndpoint) -> WebhookRead:
    return WebhookRead.model_validate(endpoint)


def _seal(keyring: Keyring, endpoint_id: uuid.UUID, secret: str) -> bytes:
    return keyring.encrypt(secret.encode(), b"webhook:" + endpoint_id.bytes)


def _unseal(keyring: Keyring, endpoint_id: uuid.UUID, sealed: bytes) -> str:
    return keyring.decrypt(sealed, b"webhook:" + endpoint_id.bytes).decode()


def create_webhook(
    session: Session,
    principal: Principal,
    body: WebhookCreate,
    *,
    keyring: Keyring,
    settings: Settings,
    now: datetime,
) -> WebhookCreated:
    """Register an endpoint; its signing secret is in this answer and nowhere else."""
    org_id = _owner(principal, body.organisation_id)
    _check_url(body.url, settings)
    secret, endpoint_id = signing.new_secret(), uuid.uuid4()
    endpoint = WebhookEndpoint(
        id=endpoint_id,
        organisation_id=org_id,
        url=body.url,
        events=sorted(set(body.events)),
        description=body.description,
        secret=_seal(keyring, endpoint_id, secret),
        created_by=principal.user_id,
        created_at=now,
        updated_at=now,
    )
    session.add(endpoint)
    session.flush()
    return WebhookCreated(**_read(endpoint).model_dump(), secret=secret)


def list_webhooks(session: Session, principal: Principal) -> list[WebhookRead]:
    return [_read(e) for e in repo.endpoints_of(session, _administered(principal))]


def _endpoint(
    session: Session, principal: Principal, endpoint_id: uuid.UUID, *, lock: bool = False
) -> WebhookEndpoint:
    """An endpoint of an organisation the principal administers; any other is not found."""
    found = repo.endpoint(session, endpoint_id, _administered(principal), lock=lock)
    if found is None:
        raise NotFoundError("No such webhook.")
    return found


def get_webhook(session: Session, principal: Principal, endpoint_id: uuid.UUID) -> WebhookRead:
    return _read(_endpoint(session, principal, endpoint_id))


def patch_webhook(
    session: Session,
    principal: Principal,
    endpoint_id: uuid.UUID,
    patch: WebhookPatch,
    *,
    expected_version: int,
    settings: Settings,
    now: datetime,
) -> WebhookRead:
    endpoint = _endpoint(session, principal, endpoint_id, lock=True)
    check_version(endpoint.version, expected_version)
    changes = patch.model_dump(exclude_unset=True)
    for required in ("url", "events", "enabled"):
        if required in changes and changes[required] is None:
            raise ValidationFailed(f"{required} cannot be null.")
    if "url" in changes:
        _check_url(changes["url"], settings)
        endpoint.url = changes["url"]
    if "events" in changes:
        endpoint.events = sorted(set(changes["events"]))
    if "description" in changes:
        endpoint.description = changes["description"]
    if changes.get("enabled") is True:
        endpoint.disabled_at, endpoint.disabled_reason = None, None
        endpoint.consecutive_failures = 0
    elif changes.get("enabled") is False and endpoint.disabled_at is None:
        endpoint.disabled_at, endpoint.disabled_reason = now, "disabled by an admin"
    endpoint.updated_at = now
    session.flush()
    return _read(endpoint)


def delete_webhook(
    session: Session, principal: Principal, endpoint_id: uuid.UUID, *, expected_version: int
) -> None:
    endpoint = _endpoint(session, principal, endpoint_id, lock=True)
    check_version(endpoint.version, expected_version)
    session.delete(endpoint)
    session.flush()


def rotate_secret(
    session: Session,
    principal: Principal,
    endpoint_id: uuid.UUID,
    *,
    keyring: Keyring,
    now: datetime,
) -> SecretRotated:
    """A new secret; the old one keeps signing (as a second signature) for a day."""
    endpoint = _endpoint(session, principal, endpoint_id, lock=True)
    secret = signing.new_secret()
    endpoint.previous_secret = endpoint.secret
    endpoint.previous_until = now + ROTATION_OVERLAP
    endpoint.secret = _seal(keyring, endpoint.id, secret)
    endpoint.updated_at = now
    session.flush()
    return SecretRotated(secret=secret, previous_valid_until=endpoint.previous_until)


def list_deliveries(
    session: Session,
    principal: Principal,
    endpoint_id: uuid.UUID,
    *,
    cursor: str | None,
    limit: int,
) -> Page[DeliveryRead]:
    """The endpoint's deliveries, newest first."""
    endpoint = _endpoint(session, principal, endpoint_id)
    before = after_newest_first(cursor) if cursor else None
    rows = repo.deliveries(session, endpoint.id, before=before, limit=limit + 1)
    page = [DeliveryRead.model_validate(r) for r in rows[:limit]]
    more = len(rows) > limit
    return Page(
        items=page,
        next_cursor=newest_first_cursor(page[-1].created_at, page[-1].id) if more else None,
    )


def resend(
    session: Session,
    principal: Principal,
    endpoint_id: uuid.UUID,
    delivery_id: uuid.UUID,
    *,
    now: datetime,
) -> DeliveryRead:
    """Send a delivery again, with the same `webhook-id`, so receivers can de-duplicate."""
    endpoint = _endpoint(session, principal, endpoint_id)
    found = repo.delivery(session, endpoint.id, delivery_id)
    if found is None:
        raise NotFoundError("No such delivery.")
    found.status = DeliveryStatus.pending
    outbox.enqueue(session, DELIVERY_TOPIC, {"delivery_id": str(found.id)}, now=now)
    session.flush()
    return DeliveryRead.model_validate(found)


# ---------------------------------------------------------------- delivery


def envelope(event: Mapping[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    """The versioned JSON body: the Standard Webhooks `type`, `timestamp` and `data`."""
    return {
        "id": event["id"],
        "type": event["type"],
        "timestamp": event["timestamp"],
        "version": ENVELOPE_VERSION,
        "data": data,
    }


def queue_deliveries(
    session: Session,
    event: Mapping[str, Any],
    org_ids: set[uuid.UUID] | None,
    data: dict[str, Any],
    *,
    now: datetime,
    settings: Settings,
    keyring: Keyring,
) -> int:
    """A delivery to each enabled endpoint of these organisations (None: of any) that takes
    the event, attempted at once and logged; one that fails is retried from the outbox. An
    event already logged for an endpoint is not sent to it again; one whose worker died
    before committing is, with the same `webhook-id`."""
    body = envelope(event, data)
    sent = 0
    for endpoint in _subscribed(session, org_ids, str(event["type"])):
        delivery_id = repo.add_delivery(session, endpoint.id, body, now)
        if delivery_id is None:
            continue  # this event reached this endpoint before: it is not sent again
        outcome = _attempt(session, endpoint, str(event["id"]), body, 1, now, settings, keyring)
        repo.record_attempt(session, delivery_id, outcome.values(now))
        if outcome.retry_at is not None:
            outbox.enqueue(
                session,
                DELIVERY_TOPIC,
                {"delivery_id": str(delivery_id)},
                now=now,
                available_at=outcome.retry_at,
            )
        sent += 1
    return sent


def _subscribed(
    session: Session, org_ids: set[uuid.UUID] | None, event_type: str
) -> list[WebhookEndpoint]:
    """The endpoints for an event, read once per batch of the worker (its transaction)."""
    cache: dict[Any, list[WebhookEndpoint]] = session.info.setdefault(_ENDPOINTS, {})
    key = (frozenset(org_ids) if org_ids is not None else None, event_type)
    if key not in cache:
        cache[key] = repo.subscribed(session, org_ids, event_type)
    return [e for e in cache[key] if e.disabled_at is None]


_ENDPOINTS = "comity.webhook_endpoints"


def _secrets(keyring: Keyring, endpoint: WebhookEndpoint, now: datetime) -> list[str]:
    current = [_unseal(keyring, endpoint.id, endpoint.secret)]
    if endpoint.previous_secret and endpoint.previous_until and endpoint.previous_until > now:
        current.append(_unseal(keyring, endpoint.id, endpoint.previous_secret))
    return current


@dataclass(frozen=True)
class _Outcome:
    attempts: int
    status: DeliveryStatus
    response_status: int | None
    error: str | None
    retry_at: datetime | None  # when to try again; None when delivered or given up

    def values(self, now: datetime) -> dict[str, Any]:
        return {
            "attempts": self.attempts,
            "status": self.status,
            "response_status": self.response_status,
            "last_error": self.error,
            "attempted_at": now,
            "delivered_at": now if self.status is DeliveryStatus.delivered else None,
        }


def _attempt(
    session: Session,
    endpoint: WebhookEndpoint,
    event_id: str,
    body: Mapping[str, Any],
    attempt: int,
    now: datetime,
    settings: Settings,
    keyring: Keyring,
) -> _Outcome:
    """POST the body, signed; count the endpoint's failures, disabling it at the threshold."""
    raw = json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()
    headers = signing.headers(_secrets(keyring, endpoint, now), event_id, int(now.timestamp()), raw)
    status: int | None = None
    try:
        status = transport.post(
            endpoint.url,
            raw,
            headers,
            timeout=settings.webhook_timeout_seconds,
            max_response_bytes=settings.webhook_max_response_bytes,
            allow_private=settings.webhook_allow_private,
        )
        error = None if 200 <= status < 300 else f"the receiver answered {status}"
    except (transport.DeliveryFailed, transport.BlockedAddress) as exc:
        error = str(exc)
    if error is None:
        if endpoint.consecutive_failures:
            endpoint.consecutive_failures = 0
        return _Outcome(attempt, DeliveryStatus.delivered, status, None, None)
    endpoint.consecutive_failures += 1
    if endpoint.consecutive_failures >= settings.webhook_disable_after:
        _disable(session, endpoint, now)
        return _Outcome(attempt, DeliveryStatus.failed, status, error, None)
    if attempt >= outbox.MAX_ATTEMPTS:
        return _Outcome(attempt, DeliveryStatus.failed, status, error, None)
    first = timedelta(seconds=settings.outbox_retry_seconds)
    return _Outcome(
        attempt, DeliveryStatus.pending, status, error, now + outbox.backoff(attempt, first)
    )


def deliver(
    session: Session,
    payload: Mapping[str, Any],
    mailer: Mailer,
    now: datetime,
    *,
    settings: Settings,
    keyring: Keyring,
) -> Retry | None:
    """The outbox handler of retries and resends: POST one delivery again, record the
    outcome, and come back on the schedule (30 s, then doubling) or give up."""
    delivery = repo.delivery_for_update(session, uuid.UUID(str(payload["delivery_id"])))
    if delivery is None or delivery.status is not DeliveryStatus.pending:
        return None
    endpoint = repo.endpoint_for_update(session, delivery.endpoint_id)
    if endpoint is None or endpoint.disabled_at is not None:
        _give_up(delivery, "the endpoint is disabled")
        return None
    outcome = _attempt(
        session,
        endpoint,
        delivery.event_id,
        delivery.body,
        delivery.attempts + 1,
        now,
        settings,
        keyring,
    )
    for key, value in outcome.values(now).items():
        setattr(delivery, key, value)
    if outcome.retry_at is None:
        return None
    return Retry(outcome.error or "", at=outcome.retry_at)


def _give_up(delivery: WebhookDelivery, error: str) -> None:
    delivery.status, delivery.last_error = DeliveryStatus.failed, error


def _disable(session: Session, endpoint: WebhookEndpoint, now: datetime) -> None:
    """Disable a failing endpoint and tell the organisation's admins (in the app)."""
    endpoint.disabled_at = now
    endpoint.disabled_reason = f"{endpoint.consecutive_failures} failed attempts in a row"
    alerts_repo.notify_members(
        session,
        endpoint.organisation_id,
        Role.admin,
        event_id=f"whd_{endpoint.id.hex}_{int(now.timestamp())}",
        type=DISABLED_NOTICE,
        data={
            "params": {"url": endpoint.url, "failures": endpoint.consecutive_failures},
            "webhook_id": str(endpoint.id),
        },
        now=now,
    )


def reseal_secrets(session: Session, keyring: Keyring) -> int:
    """Seal every endpoint's secrets under the active key (`comity keys rotate`)."""
    done = 0
    for endpoint in repo.all_endpoints(session):
        for column in ("secret", "previous_secret"):
            sealed = getattr(endpoint, column)
            if sealed is not None and keyring.key_id(sealed) != keyring.active:
                setattr(
                    endpoint,
                    column,
                    _seal(keyring, endpoint.id, _unseal(keyring, endpoint.id, sealed)),
                )
                done += 1
    session.flush()
    return done
