"""Webhook endpoints of organisations, and the log of what was sent to them."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import DateTime, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from app.core.models import UuidPk
from app.db import Base
from app.orgs.models import pg_enum


class DeliveryStatus(StrEnum):
    pending = "pending"  # queued, or waiting for its next attempt
    delivered = "delivered"  # the receiver answered 2xx
    failed = "failed"  # every attempt failed, or the endpoint was disabled


class WebhookEndpoint(UuidPk, Base):
    __tablename__ = "webhook_endpoint"

    organisation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    url: Mapped[str] = mapped_column(String(2000))
    events: Mapped[list[str]] = mapped_column(ARRAY(String(40)))
    description: Mapped[str | None] = mapped_column(String(300))
    # The signing secrets, sealed with the data key: the current one, and the one it
    # replaced, which also signs until `previous_until` so that receivers can switch over.
    secret: Mapped[bytes] = mapped_column(LargeBinary)
    previous_secret: Mapped[bytes | None] = mapped_column(LargeBinary)
    previous_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Failed attempts in a row; at the threshold the endpoint is disabled.
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    disabled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    disabled_reason: Mapped[str | None] = mapped_column(String(300))
    created_by: Mapped[uuid.UUID | None]
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}

    @property
    def enabled(self) -> bool:
        return self.disabled_at is None


class WebhookDelivery(UuidPk, Base):
    """One event sent to one endpoint, with the outcome of its last attempt."""

    __tablename__ = "webhook_delivery"
    __table_args__ = (
        Index("uq_webhook_delivery_event", "endpoint_id", "event_id", unique=True),
        Index("ix_webhook_delivery_endpoint_created", "endpoint_id", "created_at"),
    )

    endpoint_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("webhook_endpoint.id", ondelete="CASCADE")
    )
    event_id: Mapped[str] = mapped_column(String(60))
    event_type: Mapped[str] = mapped_column(String(40))
    body: Mapped[dict[str, Any]] = mapped_column(JSONB)
    status: Mapped[DeliveryStatus] = mapped_column(pg_enum(DeliveryStatus, "delivery_status"))
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    response_status: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    attempted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
