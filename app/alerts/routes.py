"""HTTP endpoints for subscriptions and notifications."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Header, Query, Response, status

from app.alerts import service
from app.alerts.schemas import (
    Marked,
    NotificationQuery,
    NotificationRead,
    SubscriptionCreate,
    SubscriptionPatch,
    SubscriptionRead,
    UnreadCount,
    Unsubscribe,
)
from app.auth.dependencies import KeyringDep, UserDep
from app.core import i18n
from app.core.pagination import Page
from app.core.time import utcnow
from app.db import SessionDep
from app.errors import problem_responses

router = APIRouter(prefix="/api/v1", tags=["alerts"])
AcceptLanguage = Annotated[str | None, Header(alias="accept-language")]


@router.get(
    "/subscriptions", response_model=list[SubscriptionRead], responses=problem_responses(401)
)
def list_subscriptions(session: SessionDep, principal: UserDep) -> list[SubscriptionRead]:
    """Your subscriptions: followed cases, saved searches and new-win alerts."""
    return service.list_subscriptions(session, principal)


@router.post(
    "/subscriptions",
    response_model=SubscriptionRead,
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 403, 404, 422),
)
def create_subscription(
    body: SubscriptionCreate, session: SessionDep, principal: UserDep
) -> SubscriptionRead:
    """Follow a case, save a search, or ask for new wins (open cases, or a right in a region)."""
    return service.create_subscription(session, principal, body, now=utcnow())


@router.post(
    "/subscriptions/unsubscribe",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(404, 422),
)
def unsubscribe(body: Unsubscribe, session: SessionDep, keyring: KeyringDep) -> Response:
    """Switch off the subscription a mail's signed link names (no login needed)."""
    service.unsubscribe(session, body.token, keyring=keyring)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(
    "/subscriptions/{subscription_id}",
    response_model=SubscriptionRead,
    responses=problem_responses(401, 404),
)
def get_subscription(
    subscription_id: uuid.UUID, session: SessionDep, principal: UserDep
) -> SubscriptionRead:
    """One of your subscriptions."""
    return service.get_subscription(session, principal, subscription_id)


@router.patch(
    "/subscriptions/{subscription_id}",
    response_model=SubscriptionRead,
    responses=problem_responses(401, 404, 422),
)
def patch_subscription(
    subscription_id: uuid.UUID, body: SubscriptionPatch, session: SessionDep, principal: UserDep
) -> SubscriptionRead:
    """Change a subscription's mail rate or language, or switch it on or off."""
    return service.patch_subscription(session, principal, subscription_id, body)


@router.delete(
    "/subscriptions/{subscription_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(401, 404),
)
def delete_subscription(
    subscription_id: uuid.UUID, session: SessionDep, principal: UserDep
) -> Response:
    """Stop a subscription (the default new-wins alert is switched off, and stays off)."""
    service.delete_subscription(session, principal, subscription_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(
    "/notifications",
    response_model=Page[NotificationRead],
    responses=problem_responses(401, 422),
)
def list_notifications(
    query: Annotated[NotificationQuery, Query()],
    session: SessionDep,
    principal: UserDep,
    accept_language: AcceptLanguage = None,
) -> Page[NotificationRead]:
    """Your notifications, newest first, each with its sentence in your language."""
    language = i18n.negotiate(query.language, accept_language)
    return service.list_notifications(session, principal, query, language=language)


@router.get("/notifications/count", response_model=UnreadCount, responses=problem_responses(401))
def unread_count(session: SessionDep, principal: UserDep) -> UnreadCount:
    """How many notifications you have not read (the web header's badge)."""
    return UnreadCount(unread=service.unread_count(session, principal))


@router.post("/notifications/read-all", response_model=Marked, responses=problem_responses(401))
def mark_all_read(session: SessionDep, principal: UserDep) -> Marked:
    """Mark all your notifications read."""
    return Marked(marked=service.mark_all_read(session, principal, now=utcnow()))


@router.post(
    "/notifications/{notification_id}/read",
    response_model=NotificationRead,
    responses=problem_responses(401, 404),
)
def mark_read(
    notification_id: uuid.UUID,
    session: SessionDep,
    principal: UserDep,
    accept_language: AcceptLanguage = None,
) -> NotificationRead:
    """Mark one notification read."""
    language = i18n.negotiate(None, accept_language)
    return service.mark_read(session, principal, notification_id, language=language, now=utcnow())
