"""Deadline and calendar-feed bodies."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field, StrictBool, field_validator

from app.core.types import IsoDate, Strict

MAX_WITHIN_DAYS = 366


class DeadlineCreate(Strict):
    """A date set by a court or agreed with a client, beside the computed ones."""

    title: str = Field(min_length=1, max_length=300)
    due_on: IsoDate
    note: str | None = Field(default=None, max_length=2_000)
    internal: StrictBool = Field(
        default=True, description="Visible to the owning organisation only."
    )


class DeadlineRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    case_id: uuid.UUID
    forum_id: str | None = Field(description="The route's forum; none for a manual date.")
    rule: str = Field(description="`four_months`, `reasonable_time`, ... or `manual`.")
    title: str
    starts_on: date | None
    due_on: date | None = Field(description="None: a reasonable-time standard, see `note`.")
    note: str | None
    source: str | None = Field(description="The treaty article or rule of procedure.")
    uncertain: bool
    internal: bool
    dismissed_at: datetime | None
    created_at: datetime


class UpcomingQuery(Strict):
    within: str = Field(
        default="30d",
        pattern=r"^[1-9][0-9]{0,2}d?$",
        description="Days from today, as `30d` or `30` (at most 366).",
    )
    organisation_id: uuid.UUID | None = None

    @field_validator("within")
    @classmethod
    def _at_most_a_year(cls, value: str) -> str:
        if int(value.rstrip("d")) > MAX_WITHIN_DAYS:
            raise ValueError(f"at most {MAX_WITHIN_DAYS} days")
        return value

    @property
    def days(self) -> int:
        return int(self.within.rstrip("d"))


class FeedCreate(Strict):
    organisation_id: uuid.UUID | None = Field(
        default=None, description="One organisation's deadlines; none: all of yours."
    )


class FeedRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    organisation_id: uuid.UUID | None
    created_at: datetime
    revoked_at: datetime | None


class FeedCreated(FeedRead):
    url: str = Field(description="The secret feed URL, shown once: subscribe to it.")
