"""Search query and results."""

from __future__ import annotations

import uuid
from datetime import date
from enum import StrEnum

from pydantic import BaseModel, Field

from app.cases.models import (
    CaseStatus,
    DecisionType,
    Finding,
    ImplementationStatus,
    Outcome,
    Population,
)
from app.cases.schemas import DecisionRef
from app.core.types import IsoDate, Strict
from app.orgs.models import Visibility
from app.reference.models import ForumLevel


class SearchSort(StrEnum):
    relevance = "relevance"
    decided_desc = "-decided_on"
    decided_asc = "decided_on"
    importance = "importance"


class SearchType(StrEnum):
    case = "case"
    pleading = "pleading"


class SearchQuery(Strict):
    q: str | None = Field(
        default=None,
        max_length=500,
        description='Web-style: words, "quoted phrases", OR, -excluded.',
    )
    type: SearchType = Field(
        default=SearchType.case,
        description="`case`, or `pleading` for model pleadings (filters: right, "
        "include_related, forum_level, jurisdiction, owner_org_id, visibility; sorted by "
        "relevance, else the most recently updated first).",
    )
    forum: str | None = Field(default=None, max_length=40)
    forum_level: ForumLevel | None = None
    jurisdiction: str | None = Field(default=None, max_length=16)
    respondent: str | None = Field(default=None, max_length=2)
    region: str | None = Field(
        default=None, max_length=16, description="A system: respondent is one of its members."
    )
    right: str | None = Field(default=None, max_length=60)
    include_related: bool = Field(default=False, description="Also the right's related concepts.")
    instrument: str | None = Field(default=None, max_length=40)
    provision: str | None = Field(default=None, max_length=200)
    provision_equivalent: str | None = Field(
        default=None,
        max_length=200,
        description="Any provision protecting the same rights as this one (the crosswalk).",
    )
    finding: Finding | None = None
    outcome: Outcome | None = None
    status: CaseStatus | None = None
    decided_from: IsoDate | None = None
    decided_to: IsoDate | None = None
    keyword: str | None = Field(default=None, max_length=60)
    population: Population | None = None
    importance: int | None = Field(default=None, ge=1, le=4)
    implementation_status: ImplementationStatus | None = None
    owner_org_id: uuid.UUID | None = None
    visibility: Visibility | None = None
    sort: SearchSort = SearchSort.relevance
    facets: bool = Field(default=True, description="Compute facet counts.")
    group_proceedings: bool = Field(
        default=True,
        description="One hit per proceeding: of the decisions of one matter that match, the "
        "one that stands as its authority (the merits first), with the others in `decisions`.",
    )
    cursor: str | None = Field(default=None, max_length=400)
    limit: int = Field(default=20, ge=1, le=100)


class SearchHit(BaseModel):
    """A case, or a model pleading (which has no forum, decision or outcome: those are null)."""

    id: uuid.UUID
    type: SearchType = SearchType.case
    title: str
    citation: str | None = None
    forum_id: str | None = None
    forum_jurisdiction: str | None = None
    respondent_states: list[str] = Field(default_factory=list)
    decided_on: date | None = None
    outcome: Outcome | None = None
    importance: int | None = None
    score: float | None = Field(description="Relevance when a text query is given.")
    snippet: str | None = Field(description="Matching passage; matches are in <b>...</b>.")
    decision_type: DecisionType | None = None
    decisions: list[DecisionRef] = Field(
        default_factory=list,
        description="The other decisions of the hit's proceeding that you may read.",
    )


class FacetValue(BaseModel):
    value: str
    count: int


class SearchResults(BaseModel):
    total: int
    items: list[SearchHit]
    facets: dict[str, list[FacetValue]]
    next_cursor: str | None
    did_you_mean: str | None = Field(
        default=None,
        description="When nothing matched: the query with each word that no case holds "
        "replaced by the closest word of the titles you may read, given only if it finds a case.",
    )


class Suggestion(BaseModel):
    case_id: uuid.UUID
    text: str
    kind: str = Field(description="`title` or `party`.")
    similarity: float


class SuggestQuery(Strict):
    q: str = Field(min_length=1, max_length=100)
    limit: int = Field(default=8, ge=1, le=20)
