"""Deadlines kept with their case, and the secret calendar feeds that publish them."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import DateTime, ForeignKey, Index, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from app.core.models import UuidPk
from app.db import Base


class CaseDeadline(UuidPk, Base):
    """A computed admissibility deadline (forum and rule) or a manual date (title)."""

    __tablename__ = "case_deadline"
    __table_args__ = (Index("ix_case_deadline_due", "due_on"),)

    case_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("legal_case.id", ondelete="CASCADE"), index=True
    )
    # The `domestic_final` update it was computed from; none for a manual date.
    update_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("case_update.id", ondelete="CASCADE")
    )
    forum_id: Mapped[str | None] = mapped_column(ForeignKey("forum.id"))
    rule: Mapped[str] = mapped_column(String(60))
    title: Mapped[str] = mapped_column(String(300))
    starts_on: Mapped[date | None]
    due_on: Mapped[date | None]
    note: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(String(300))
    uncertain: Mapped[bool] = mapped_column(default=False)
    # Shown to the owning organisation only, like the internal update it came from.
    internal: Mapped[bool] = mapped_column(default=False)
    created_by: Mapped[uuid.UUID | None]
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    dismissed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    dismissed_by: Mapped[uuid.UUID | None]


class CalendarFeed(UuidPk, Base):
    """An iCalendar feed at a secret URL: the user's deadlines, or one organisation's."""

    __tablename__ = "calendar_feed"

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    organisation_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE")
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
