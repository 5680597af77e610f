"""Match requests and ranked, explained results."""

from __future__ import annotations

import uuid
from datetime import date
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, Field, model_validator

from app.cases.models import Population
from app.core.types import IsoDate, Strict

MAX_FACTS = 100_000


Language = Literal["en", "es", "fr"]


class MinFinding(StrEnum):
    violation = "violation"  # violation, prospective violation, upheld, favourable
    any_decided = "any_decided"  # any finding on the matching claim, wins first


class WeightsIn(Strict):
    # The best of a coarse grid on the ECtHR development set; bench/retrieval.py reports
    # their 5-fold cross-validated figures. The weights are normalised to sum to 1.
    text: float = Field(default=0.35, ge=0, le=100)
    legal_basis: float = Field(default=0.1, ge=0, le=100)
    authority: float = Field(default=0.4, ge=0, le=100)
    reception: float = Field(default=0.2, ge=0, le=100)

    @model_validator(mode="after")
    def _not_all_zero(self) -> WeightsIn:
        if self.text + self.legal_basis + self.authority + self.reception <= 0:
            raise ValueError("at least one weight must be positive")
        return self


class Draft(Strict):
    facts: str = Field(default="", max_length=MAX_FACTS)
    target_jurisdiction: str = Field(min_length=2, max_length=2, description="ISO code.")
    target_forum: str | None = Field(default=None, max_length=40)
    claims: list[str] = Field(
        default_factory=list,
        max_length=20,
        description="Right concept ids or provisions in any form (`ECHR art. 5 § 1 (f)`).",
    )
    populations: list[Population] = Field(default_factory=list, max_length=10)
    keywords: list[str] = Field(default_factory=list, max_length=20)


class MatchRequest(Strict):
    case_id: uuid.UUID | None = None
    draft: Draft | None = None
    exclude_same_jurisdiction: bool = True
    include_partial: bool = True
    min_finding: MinFinding = MinFinding.violation
    decided_before: IsoDate | None = None
    weights: WeightsIn = Field(default_factory=WeightsIn)
    limit: int = Field(default=10, ge=1, le=100)
    language: Language = Field(
        default="en", description="Language of the reason sentences: en, es or fr."
    )

    @model_validator(mode="after")
    def _one_subject(self) -> MatchRequest:
        if (self.case_id is None) == (self.draft is None):
            raise ValueError("give exactly one of case_id and draft")
        return self


class KnockOnQuery(Strict):
    exclude_same_jurisdiction: bool = True
    include_partial: bool = True
    decided_before: IsoDate | None = None
    limit: int = Field(default=10, ge=1, le=100)
    language: Language = Field(
        default="en", description="Language of the reason sentences: en, es or fr."
    )


class Precedent(BaseModel):
    id: uuid.UUID
    title: str
    citation: str | None
    forum_id: str
    forum_name: str
    forum_jurisdiction: str
    respondent_states: list[str]
    decided_on: date | None
    outcome: str


class Reason(BaseModel):
    kind: str = Field(
        description="matching_claim, transferability, complaint_mechanism, "
        "reception, authority, caution or evidence"
    )
    sentence: str
    detail: dict[str, Any] = Field(default_factory=dict)


class ClaimFinding(BaseModel):
    """One query claim against the precedent: its finding there, and whether it supports."""

    query_claim: str
    right_id: str | None
    right_label: str | None
    provision: str | None = Field(description="The precedent's provision, e.g. `ECHR-P4:4`.")
    provision_label: str
    match: str
    finding: str = Field(description="The precedent's finding on that claim.")
    supports: bool = Field(description="False: adverse authority, never support.")
    transferability: str | None = Field(description="binding, authoritative or persuasive.")
    rule: str | None
    source: str | None
    uncertain: bool


class MatchResult(BaseModel):
    precedent: Precedent
    score: float
    breakdown: dict[str, float]
    claims: list[ClaimFinding] = Field(default_factory=list)
    reasons: list[Reason]
    evidence: list[str] = Field(description="Passages of the precedent close to the facts.")


class MatchResults(BaseModel):
    query: dict[str, Any]
    candidates: int
    results: list[MatchResult]
    adverse: list[MatchResult] = Field(
        default_factory=list,
        description="Decisions of the target's own courts and regional systems against the "
        "same claims: adverse authority counsel must address.",
    )
