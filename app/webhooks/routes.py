"""HTTP endpoints for an organisation's webhooks."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from app.auth.dependencies import KeyringDep, SettingsDep, UserDep
from app.core.etag import IfMatch, etag, parse_if_match
from app.core.pagination import Page
from app.core.time import utcnow
from app.db import SessionDep
from app.errors import problem_responses
from app.webhooks import service
from app.webhooks.schemas import (
    DeliveryRead,
    SecretRotated,
    WebhookCreate,
    WebhookCreated,
    WebhookPatch,
    WebhookRead,
)

router = APIRouter(prefix="/api/v1/webhooks", tags=["webhooks"])
ONE = "/{webhook_id}"


@router.get("", response_model=list[WebhookRead], responses=problem_responses(401))
def list_webhooks(session: SessionDep, principal: UserDep) -> list[WebhookRead]:
    """The webhooks of the organisations you administer."""
    return service.list_webhooks(session, principal)


@router.post(
    "",
    response_model=WebhookCreated,
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 403, 422),
)
def create_webhook(
    body: WebhookCreate,
    session: SessionDep,
    principal: UserDep,
    settings: SettingsDep,
    keyring: KeyringDep,
) -> WebhookCreated:
    """Register an endpoint for events (admins); the answer holds its secret, shown once."""
    return service.create_webhook(
        session, principal, body, keyring=keyring, settings=settings, now=utcnow()
    )


@router.get(ONE, response_model=WebhookRead, responses=problem_responses(401, 404))
def get_webhook(
    webhook_id: uuid.UUID, session: SessionDep, principal: UserDep, response: Response
) -> WebhookRead:
    """One webhook; the ETag is needed to change it."""
    found = service.get_webhook(session, principal, webhook_id)
    response.headers["ETag"] = etag(found.version)
    return found


@router.patch(ONE, response_model=WebhookRead, responses=problem_responses(401, 404, 412, 422, 428))
def patch_webhook(
    webhook_id: uuid.UUID,
    body: WebhookPatch,
    session: SessionDep,
    principal: UserDep,
    settings: SettingsDep,
    response: Response,
    if_match: IfMatch = None,
) -> WebhookRead:
    """Change the URL, events or description, or enable a disabled endpoint (If-Match)."""
    found = service.patch_webhook(
        session,
        principal,
        webhook_id,
        body,
        expected_version=parse_if_match(if_match),
        settings=settings,
        now=utcnow(),
    )
    response.headers["ETag"] = etag(found.version)
    return found


@router.delete(
    ONE, status_code=status.HTTP_204_NO_CONTENT, responses=problem_responses(401, 404, 412, 428)
)
def delete_webhook(
    webhook_id: uuid.UUID, session: SessionDep, principal: UserDep, if_match: IfMatch = None
) -> Response:
    """Remove a webhook and its delivery log (If-Match)."""
    service.delete_webhook(
        session, principal, webhook_id, expected_version=parse_if_match(if_match)
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    f"{ONE}/rotate-secret", response_model=SecretRotated, responses=problem_responses(401, 404)
)
def rotate_secret(
    webhook_id: uuid.UUID, session: SessionDep, principal: UserDep, keyring: KeyringDep
) -> SecretRotated:
    """A new signing secret, shown once; the old one also signs for 24 hours."""
    return service.rotate_secret(session, principal, webhook_id, keyring=keyring, now=utcnow())


@router.get(
    f"{ONE}/deliveries",
    response_model=Page[DeliveryRead],
    responses=problem_responses(401, 404, 422),
)
def list_deliveries(
    webhook_id: uuid.UUID,
    session: SessionDep,
    principal: UserDep,
    cursor: Annotated[str | None, Query(max_length=400)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> Page[DeliveryRead]:
    """The delivery log, newest first: status, attempts, the receiver's last answer."""
    return service.list_deliveries(session, principal, webhook_id, cursor=cursor, limit=limit)


@router.post(
    f"{ONE}/deliveries/{{delivery_id}}/resend",
    response_model=DeliveryRead,
    status_code=status.HTTP_202_ACCEPTED,
    responses=problem_responses(401, 404),
)
def resend(
    webhook_id: uuid.UUID, delivery_id: uuid.UUID, session: SessionDep, principal: UserDep
) -> DeliveryRead:
    """Send a delivery again, with the same webhook-id."""
    return service.resend(session, principal, webhook_id, delivery_id, now=utcnow())
