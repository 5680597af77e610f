"""Subscriptions and notifications."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import DateTime, ForeignKey, Index, String, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from app.core.models import UuidPk
from app.db import Base
from app.orgs.models import pg_enum


class SubscriptionKind(StrEnum):
    case = "case"  # a followed case: its updates and decisions
    search = "search"  # a saved search: its new hits
    open_case_wins = "open_case_wins"  # new wins elsewhere for an organisation's open cases
    right_region = "right_region"  # new wins on a right or provision in a region


class Rate(StrEnum):
    immediate = "immediate"
    daily = "daily"
    weekly = "weekly"


class Subscription(UuidPk, Base):
    """What a user asked to be told about, and how often by mail (notifications in the app
    are immediate whatever the rate)."""

    __tablename__ = "subscription"
    __table_args__ = (
        Index(
            "uq_subscription_case",
            "user_id",
            "case_id",
            unique=True,
            postgresql_where=text("kind = 'case'"),
        ),
        Index(
            "uq_subscription_open_case_wins",
            "user_id",
            "organisation_id",
            unique=True,
            postgresql_where=text("kind = 'open_case_wins'"),
        ),
        Index("ix_subscription_kind", "kind"),
    )

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[SubscriptionKind] = mapped_column(pg_enum(SubscriptionKind, "subscription_kind"))
    rate: Mapped[Rate] = mapped_column(pg_enum(Rate, "subscription_rate"))
    enabled: Mapped[bool] = mapped_column(default=True, server_default="true")
    language: Mapped[str] = mapped_column(String(2), default="en", server_default="en")
    case_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("legal_case.id", ondelete="CASCADE"), index=True
    )
    organisation_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE")
    )
    # A saved search: its query parameters; the hits already told of, and when it last ran.
    search: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    seen: Mapped[list[str] | None] = mapped_column(JSONB)
    checked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # New wins on a right (or a provision) in a region (a regional system or the UN system).
    right_id: Mapped[str | None] = mapped_column(ForeignKey("right_concept.id"))
    provision: Mapped[str | None] = mapped_column(String(80))
    region: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Notification(UuidPk, Base):
    """One thing a user is told, once per event: the event's sentence parameters, never
    protected client data."""

    __tablename__ = "notification"
    __table_args__ = (
        Index("uq_notification_event_user", "event_id", "user_id", unique=True),
        Index("ix_notification_user_created", "user_id", "created_at"),
        Index(
            "ix_notification_undigested",
            "user_id",
            postgresql_where=text("digested_at IS NULL"),
        ),
    )

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    event_id: Mapped[str] = mapped_column(String(60))
    type: Mapped[str] = mapped_column(String(40))
    subscription_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("subscription.id", ondelete="SET NULL")
    )
    rate: Mapped[Rate] = mapped_column(pg_enum(Rate, "subscription_rate"))
    case_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("legal_case.id", ondelete="CASCADE")
    )
    data: Mapped[dict[str, Any]] = mapped_column(JSONB)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    digested_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
