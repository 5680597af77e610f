"""All SQL of webhooks."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from app.core.pagination import newest_first
from app.orgs.models import Organisation
from app.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint


def endpoints_of(session: Session, org_ids: Iterable[uuid.UUID]) -> list[WebhookEndpoint]:
    return list(
        session.scalars(
            select(WebhookEndpoint)
            .where(WebhookEndpoint.organisation_id.in_(sorted(org_ids)))
            .order_by(WebhookEndpoint.created_at, WebhookEndpoint.id)
        )
    )


def endpoint(
    session: Session, endpoint_id: uuid.UUID, org_ids: Iterable[uuid.UUID], *, lock: bool = False
) -> WebhookEndpoint | None:
    query = select(WebhookEndpoint).where(
        WebhookEndpoint.id == endpoint_id, WebhookEndpoint.organisation_id.in_(sorted(org_ids))
    )
    return session.scalar(query.with_for_update() if lock else query)


def subscribed(
    session: Session, org_ids: Iterable[uuid.UUID] | None, event_type: str
) -> list[WebhookEndpoint]:
    """The enabled endpoints that take event_type, of these organisations (None: of every
    active organisation)."""
    query = (
        select(WebhookEndpoint)
        .join(Organisation, Organisation.id == WebhookEndpoint.organisation_id)
        .where(
            Organisation.active.is_(True),
            WebhookEndpoint.disabled_at.is_(None),
            WebhookEndpoint.events.contains([event_type]),
        )
    )
    if org_ids is not None:
        query = query.where(WebhookEndpoint.organisation_id.in_(sorted(org_ids)))
    return list(session.scalars(query))


# The table itself: a Core insert skips the ORM's bulk-insert bookkeeping on the hot path.
_DELIVERIES = cast(Table, WebhookDelivery.__table__)


def add_delivery(
    session: Session, endpoint_id: uuid.UUID, event: dict[str, Any], now: datetime
) -> uuid.UUID | None:
    """Log event as pending for the endpoint, once: an event logged before adds nothing
    (None)."""
    found: uuid.UUID | None = session.scalar(
        pg_insert(_DELIVERIES)
        .values(
            id=uuid.uuid4(),
            endpoint_id=endpoint_id,
            event_id=event["id"],
            event_type=event["type"],
            body=event,
            status=DeliveryStatus.pending,
            created_at=now,
        )
        .on_conflict_do_nothing()
        .returning(_DELIVERIES.c.id)
    )
    return found


def record_attempt(session: Session, delivery_id: uuid.UUID, values: dict[str, Any]) -> None:
    session.execute(_DELIVERIES.update().where(_DELIVERIES.c.id == delivery_id).values(values))


def delivery_for_update(session: Session, delivery_id: uuid.UUID) -> WebhookDelivery | None:
    return session.scalar(
        select(WebhookDelivery).where(WebhookDelivery.id == delivery_id).with_for_update()
    )


def endpoint_for_update(session: Session, endpoint_id: uuid.UUID) -> WebhookEndpoint | None:
    return session.scalar(
        select(WebhookEndpoint).where(WebhookEndpoint.id == endpoint_id).with_for_update()
    )


def deliveries(
    session: Session,
    endpoint_id: uuid.UUID,
    *,
    before: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> list[WebhookDelivery]:
    query = select(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint_id)
    query = newest_first(query, WebhookDelivery.created_at, WebhookDelivery.id, before)
    return list(session.scalars(query.limit(limit)))


def delivery(
    session: Session, endpoint_id: uuid.UUID, delivery_id: uuid.UUID
) -> WebhookDelivery | None:
    return session.scalar(
        select(WebhookDelivery).where(
            WebhookDelivery.id == delivery_id, WebhookDelivery.endpoint_id == endpoint_id
        )
    )


def all_endpoints(session: Session) -> list[WebhookEndpoint]:
    return list(session.scalars(select(WebhookEndpoint).with_for_update()))
