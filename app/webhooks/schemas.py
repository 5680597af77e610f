"""Webhook endpoints and deliveries, in and out."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from app.core.types import Strict
from app.outbox.events import EventType
from app.webhooks.models import DeliveryStatus


class WebhookCreate(Strict):
    url: str = Field(max_length=2000, description="Where to POST events: http(s), public.")
    events: list[EventType] = Field(min_length=1, max_length=len(EventType))
    organisation_id: uuid.UUID | None = Field(
        default=None, description="Needed when you administer several organisations."
    )
    description: str | None = Field(default=None, max_length=300)


class WebhookPatch(Strict):
    url: str | None = Field(default=None, max_length=2000)
    events: list[EventType] | None = Field(default=None, min_length=1, max_length=len(EventType))
    description: str | None = Field(default=None, max_length=300)
    enabled: bool | None = Field(
        default=None, description="true re-enables an endpoint disabled after failures."
    )


class WebhookRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    organisation_id: uuid.UUID
    url: str
    events: list[EventType]
    description: str | None
    enabled: bool
    disabled_at: datetime | None
    disabled_reason: str | None
    consecutive_failures: int
    created_at: datetime
    version: int


class WebhookCreated(WebhookRead):
    secret: str = Field(
        description="The signing secret (`whsec_` + base64), shown once: store it now."
    )


class SecretRotated(BaseModel):
    secret: str = Field(description="The new signing secret, shown once.")
    previous_valid_until: datetime = Field(
        description="Until then deliveries carry a signature with the old secret too."
    )


class DeliveryRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    event_id: str = Field(description="The `webhook-id`: de-duplicate on it.")
    event_type: str
    status: DeliveryStatus
    attempts: int
    response_status: int | None
    last_error: str | None
    created_at: datetime
    attempted_at: datetime | None
    delivered_at: datetime | None
