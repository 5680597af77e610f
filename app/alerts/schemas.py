"""Subscriptions and notifications, in and out."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from app.alerts.models import Rate, SubscriptionKind
from app.core.types import Strict
from app.matching.schemas import Language
from app.search.schemas import SearchQuery


class SavedSearch(SearchQuery):
    """A search to run again: the search API's filters, without paging."""

    name: str | None = Field(default=None, max_length=120)


class SubscriptionCreate(Strict):
    kind: SubscriptionKind
    rate: Rate = Field(
        default=Rate.daily, description="How often mail comes: immediate, daily, weekly."
    )
    language: Language = Field(default="en", description="Language of the mail: en, es or fr.")
    case_id: uuid.UUID | None = Field(default=None, description="kind=case: the case to follow.")
    search: SavedSearch | None = Field(default=None, description="kind=search: the search.")
    organisation_id: uuid.UUID | None = Field(
        default=None,
        description="kind=open_case_wins: the organisation whose open cases; kind=search: "
        "the organisation whose webhooks also receive the new hits.",
    )
    right_id: str | None = Field(default=None, max_length=60, description="kind=right_region.")
    provision: str | None = Field(
        default=None, max_length=200, description="kind=right_region, instead of right_id."
    )
    region: str | None = Field(
        default=None,
        max_length=16,
        description="kind=right_region: a system (`CoE`, `OAS`, `AU`, `UN`) or a State; none "
        "for anywhere.",
    )

    @model_validator(mode="after")
    def _fields_of_kind(self) -> SubscriptionCreate:
        missing = {
            SubscriptionKind.case: (self.case_id is None, "kind=case needs case_id"),
            SubscriptionKind.search: (self.search is None, "kind=search needs search"),
            SubscriptionKind.right_region: (
                (self.right_id is None) == (self.provision is None),
                "kind=right_region needs one of right_id and provision",
            ),
        }.get(self.kind, (False, ""))
        if missing[0]:
            raise ValueError(missing[1])
        return self


class SubscriptionPatch(Strict):
    rate: Rate | None = None
    enabled: bool | None = None
    language: Language | None = None


class SubscriptionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    kind: SubscriptionKind
    rate: Rate
    enabled: bool
    language: str
    case_id: uuid.UUID | None
    organisation_id: uuid.UUID | None
    search: dict[str, Any] | None
    right_id: str | None
    provision: str | None
    region: str | None
    created_at: datetime


class Unsubscribe(Strict):
    token: str = Field(min_length=10, max_length=200, description="From the mail's link.")


class NotificationQuery(Strict):
    unread: bool = Field(default=False, description="Only the unread ones.")
    cursor: str | None = Field(default=None, max_length=400)
    limit: int = Field(default=20, ge=1, le=100)
    language: Language | None = Field(
        default=None, description="Language of the sentences; else Accept-Language."
    )


class NotificationRead(BaseModel):
    id: uuid.UUID
    type: str = Field(
        description="case.updated, case.decision_recorded, knock_on.new_win, "
        "search.new_hits, deadline.reminder or webhook.disabled"
    )
    sentence: str
    reasons: list[str] = Field(
        default_factory=list, description="For a new win: the matcher's reasons."
    )
    case_id: uuid.UUID | None
    data: dict[str, Any]
    created_at: datetime
    read_at: datetime | None


class UnreadCount(BaseModel):
    unread: int


class Marked(BaseModel):
    marked: int
