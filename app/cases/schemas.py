"""Case-record bodies: what clients send and what they read."""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StringConstraints,
    field_validator,
    model_validator,
)

from app.cases.models import (
    CaseStatus,
    DecisionType,
    Finding,
    IdentifierKind,
    ImplementationStatus,
    Outcome,
    Population,
    Provenance,
    ReviewState,
    Treatment,
    UpdateKind,
)
from app.core.types import IsoDate, Strict
from app.orgs.models import Visibility

ECLI = re.compile(r"^ECLI:[A-Z]{2}:[A-Za-z0-9]{1,7}:\d{4}:[A-Za-z0-9.]{1,25}$")
ISO2 = re.compile(r"^[A-Z]{2}$")

Text = Field(default=None, max_length=20_000)


class IdentifierIn(Strict):
    kind: IdentifierKind
    value: str = Field(min_length=1, max_length=200)

    @model_validator(mode="after")
    def _format(self) -> IdentifierIn:
        self.value = " ".join(self.value.split())
        if self.kind is IdentifierKind.ecli and not ECLI.match(self.value):
            raise ValueError(
                "not an ECLI: ECLI:<country>:<court, up to 7>:<year>:<ordinal, up to 25>"
            )
        return self


class IdentifierRead(BaseModel):
    kind: IdentifierKind
    value: str


class ProvisionRef(BaseModel):
    key: str
    label: str


class ClaimIn(Strict):
    right_id: str = Field(min_length=1, max_length=60)
    provisions: list[str] = Field(
        default_factory=list,
        max_length=20,
        description="Any form the reference parser reads: `ECHR:5-1-f`, `art. 7 CADH`...",
    )
    argument_summary: str | None = Field(default=None, max_length=20_000)
    finding: Finding = Finding.pending
    remedy: str | None = Field(default=None, max_length=5_000)


class ClaimPatch(Strict):
    right_id: str | None = Field(default=None, min_length=1, max_length=60)
    provisions: list[str] | None = Field(default=None, max_length=20)
    argument_summary: str | None = Field(default=None, max_length=20_000)
    finding: Finding | None = None
    remedy: str | None = Field(default=None, max_length=5_000)


class ClaimRead(BaseModel):
    id: uuid.UUID
    position: int
    right_id: str | None
    provisions: list[ProvisionRef]
    argument_summary: str | None
    finding: Finding
    remedy: str | None


def _states(values: list[str]) -> list[str]:
    out = []
    for v in values:
        code = v.upper()
        if not ISO2.match(code):
            raise ValueError(f"{v!r} is not an ISO 3166-1 alpha-2 code")
        out.append(code)
    return out


class CaseFields(Strict):
    title: str = Field(min_length=1, max_length=500)
    short_title: str | None = Field(default=None, max_length=200)
    citation: str | None = Field(default=None, max_length=500)
    forum_id: str = Field(min_length=1, max_length=40)
    respondent_states: list[str] = Field(default_factory=list, max_length=30)
    language: str | None = Field(default=None, pattern=r"^[a-z]{2}$")
    filed_on: IsoDate | None = None
    decided_on: IsoDate | None = None
    status: CaseStatus = CaseStatus.pending
    decision_type: DecisionType = Field(
        default=DecisionType.merits,
        description="Which decision of its matter this record is. The decisions of one "
        "communication, application or petition share its number and form a proceeding.",
    )
    procedural_posture: str | None = Field(default=None, max_length=2_000)
    outcome: Outcome | None = Field(
        default=None, description="Set to fix the outcome; omit to derive it from the findings."
    )
    facts_summary: str = Field(default="", max_length=50_000)
    holding: str = Field(default="", max_length=50_000)
    internal_notes: str | None = Field(default=None, max_length=20_000)
    keywords: list[str] = Field(default_factory=list, max_length=50)
    populations: list[Population] = Field(default_factory=list, max_length=20)
    importance: int | None = Field(default=None, ge=1, le=4)
    implementation_status: ImplementationStatus | None = None
    implementation_note: str | None = Field(default=None, max_length=5_000)

    _respondents = field_validator("respondent_states")(_states)


class CaseCreate(CaseFields):
    owner_org_id: uuid.UUID | None = Field(
        default=None,
        description="Owning organisation; needed only if you litigate for several.",
    )
    visibility: Visibility = Visibility.private
    identifiers: list[IdentifierIn] = Field(default_factory=list, max_length=20)
    claims: list[ClaimIn] = Field(default_factory=list, max_length=50)


class CasePatch(Strict):
    title: str | None = Field(default=None, min_length=1, max_length=500)
    short_title: str | None = Field(default=None, max_length=200)
    citation: str | None = Field(default=None, max_length=500)
    forum_id: str | None = Field(default=None, min_length=1, max_length=40)
    respondent_states: list[str] | None = Field(default=None, max_length=30)
    language: str | None = Field(default=None, pattern=r"^[a-z]{2}$")
    filed_on: IsoDate | None = None
    decided_on: IsoDate | None = None
    status: CaseStatus | None = None
    procedural_posture: str | None = Field(default=None, max_length=2_000)
    outcome: Outcome | None = Field(
        default=None, description="A value fixes the outcome; null returns to the derived one."
    )
    facts_summary: str | None = Field(default=None, max_length=50_000)
    holding: str | None = Field(default=None, max_length=50_000)
    internal_notes: str | None = Field(default=None, max_length=20_000)
    keywords: list[str] | None = Field(default=None, max_length=50)
    populations: list[Population] | None = Field(default=None, max_length=20)
    importance: int | None = Field(default=None, ge=1, le=4)
    implementation_status: ImplementationStatus | None = None
    implementation_note: str | None = Field(default=None, max_length=5_000)
    decision_type: DecisionType | None = None
    visibility: Visibility | None = Field(default=None, description="Organisation admins only.")
    identifiers: list[IdentifierIn] | None = Field(default=None, max_length=20)

    @field_validator("respondent_states")
    @classmethod
    def _respondents(cls, v: list[str] | None) -> list[str] | None:
        return None if v is None else _states(v)


class OutcomeSource(StrEnum):
    derived = "derived"
    explicit = "explicit"


class CaseSummary(BaseModel):
    id: uuid.UUID
    title: str
    short_title: str | None
    citation: str | None
    forum_id: str
    forum_jurisdiction: str
    respondent_states: list[str]
    decided_on: date | None
    status: CaseStatus
    outcome: Outcome
    importance: int | None
    owner_org_id: uuid.UUID
    visibility: Visibility


class DecisionRef(BaseModel):
    """Another decision of the same proceeding."""

    id: uuid.UUID
    title: str
    decision_type: DecisionType
    decided_on: date | None


class CaseRead(CaseSummary):
    reference_key: str | None
    language: str | None
    filed_on: date | None
    decision_type: DecisionType
    proceeding_id: uuid.UUID | None = Field(
        description="The proceeding grouping the decisions of this matter, if it has several."
    )
    proceeding: list[DecisionRef] = Field(
        description="The proceeding's other decisions that you may read, by date."
    )
    procedural_posture: str | None
    outcome_source: OutcomeSource
    facts_summary: str
    holding: str
    internal_notes: str | None = Field(description="Only for the owning organisation.")
    keywords: list[str]
    populations: list[str]
    implementation_status: ImplementationStatus | None
    implementation_note: str | None
    identifiers: list[IdentifierRead]
    claims: list[ClaimRead]
    version: int
    created_at: datetime
    updated_at: datetime


class CaseSort(StrEnum):
    decided_desc = "-decided_on"
    decided_asc = "decided_on"
    title_asc = "title"
    created_desc = "-created_at"


class CaseQuery(Strict):
    forum: str | None = Field(default=None, max_length=40)
    jurisdiction: str | None = Field(default=None, max_length=16)
    respondent: str | None = Field(default=None, max_length=2)
    right: str | None = Field(default=None, max_length=60)
    provision: str | None = Field(default=None, max_length=200)
    finding: Finding | None = None
    outcome: Outcome | None = None
    status: CaseStatus | None = None
    keyword: str | None = Field(default=None, max_length=60)
    population: Population | None = None
    decided_from: IsoDate | None = None
    decided_to: IsoDate | None = None
    owner_org_id: uuid.UUID | None = None
    visibility: Visibility | None = None
    sort: CaseSort = CaseSort.decided_desc
    cursor: str | None = Field(default=None, max_length=400)
    limit: int = Field(default=25, ge=1, le=100)


# ---------------------------------------------------------------- timeline


class FindingChange(Strict):
    claim_id: uuid.UUID
    finding: Finding


class InterimStage(StrEnum):
    requested = "requested"
    granted = "granted"
    refused = "refused"
    lifted = "lifted"


class Compliance(StrEnum):
    complied = "complied"
    partly_complied = "partly_complied"
    not_complied = "not_complied"
    unknown = "unknown"


class InterimMeasure(Strict):
    """An interim measure: ECtHR Rule 39, IACHR precautionary measures, treaty-body requests."""

    forum_id: str = Field(min_length=1, max_length=40)
    stage: InterimStage
    compliance: Compliance | None = Field(
        default=None, description="Whether the State complied with a granted measure."
    )


class UpdateCreate(Strict):
    kind: UpdateKind
    occurred_on: IsoDate = Field(
        description="The event's date; for `domestic_final`, the date of the final decision."
    )
    summary: str = Field(min_length=1, max_length=20_000)
    internal: StrictBool = Field(
        default=False, description="Visible to the owning organisation only."
    )
    findings: list[FindingChange] | None = Field(
        default=None,
        max_length=50,
        description="With kind `decision`: new findings, applied to the claims at once.",
    )
    notified_on: IsoDate | None = Field(
        default=None,
        description="With kind `domestic_final`: when the applicant was notified of it.",
    )
    interim: InterimMeasure | None = Field(
        default=None, description="With kind `interim_measures`: the measure and its stage."
    )

    @model_validator(mode="after")
    def _fields_match_kind(self) -> UpdateCreate:
        if self.findings and self.kind is not UpdateKind.decision:
            raise ValueError("findings can only be posted with a `decision` update")
        if self.notified_on and self.kind is not UpdateKind.domestic_final:
            raise ValueError("notified_on can only be posted with a `domestic_final` update")
        if self.notified_on and self.notified_on < self.occurred_on:
            raise ValueError("notified_on cannot precede the decision (occurred_on)")
        if self.interim and self.kind is not UpdateKind.interim_measures:
            raise ValueError("interim can only be posted with an `interim_measures` update")
        return self


class UpdateRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    kind: UpdateKind
    occurred_on: IsoDate
    summary: str
    internal: bool
    findings: list[FindingChange] | None
    notified_on: IsoDate | None = None
    interim: InterimMeasure | None = None
    author_id: uuid.UUID | None
    author_name: str | None = Field(default=None, description="The author's display name.")
    created_at: datetime


# ---------------------------------------------------------------- parties


Name = Annotated[str, StringConstraints(min_length=1, max_length=300)]
FileNumber = Annotated[str, StringConstraints(min_length=1, max_length=100)]
Nationality = Annotated[str, StringConstraints(min_length=1, max_length=100)]


class ProtectedData(Strict):
    legal_names: list[Name] = Field(default_factory=list, max_length=20)
    date_of_birth: IsoDate | None = None
    nationality: list[Nationality] = Field(default_factory=list, max_length=5)
    personal_file_numbers: list[FileNumber] = Field(default_factory=list, max_length=20)
    contact: str | None = Field(default=None, max_length=2_000)
    notes: str | None = Field(default=None, max_length=20_000)


class PartyCreate(Strict):
    role: str = Field(default="applicant", pattern=r"^[a-z_]{2,40}$")
    pseudonym: str = Field(min_length=1, max_length=200, description="What others see: `A.B.`.")
    protected: ProtectedData | None = None


class FollowedUpdate(UpdateRead):
    """An update of a case the reader follows, with the case it belongs to."""

    case_id: uuid.UUID
    case_title: str


class PartyRead(BaseModel):
    id: uuid.UUID
    role: str
    pseudonym: str
    has_protected_data: bool


# ---------------------------------------------------------------- citations


class CitationCreate(Strict):
    cited_case_id: uuid.UUID | None = None
    citation_text: str | None = Field(
        default=None, max_length=500, description="When the cited decision is not in Comity."
    )
    treatment: Treatment = Treatment.supports
    pinpoint: str | None = Field(default=None, max_length=100)

    @model_validator(mode="after")
    def _target(self) -> CitationCreate:
        if (self.cited_case_id is None) == (self.citation_text is None):
            raise ValueError("give exactly one of cited_case_id and citation_text")
        return self


class CitationPatch(Strict):
    treatment: Treatment | None = None
    pinpoint: str | None = Field(default=None, max_length=100)
    review_state: ReviewState | None = None


class CitationRead(BaseModel):
    id: uuid.UUID
    citing_case_id: uuid.UUID
    cited_case_id: uuid.UUID | None
    cited_title: str | None
    citing_title: str | None
    unresolved_text: str | None
    identifier_kind: str | None
    identifier_value: str | None
    treatment: Treatment
    pinpoint: str | None
    provenance: Provenance
    review_state: ReviewState
    uncertain: bool
    knock_on: bool = Field(
        description="The citing and cited decisions come from different jurisdictions."
    )


class CitedByQuery(Strict):
    jurisdiction: str | None = Field(default=None, max_length=16)
    treatment: Treatment | None = None
    knock_on: bool | None = None
