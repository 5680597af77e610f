"""Reference read models and the bodies hub admins send to curate them."""

from __future__ import annotations

import uuid
from datetime import date

from pydantic import BaseModel, ConfigDict, Field, StrictBool

from app.core.types import IsoDate, Strict
from app.reference.models import (
    Basis,
    DecisionEffect,
    ForumLevel,
    InstrumentType,
    JurisdictionKind,
    RatificationStatus,
    RightKind,
)

Id = Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]*$")


class Query(Strict):
    """Base of query-parameter models: a misspelt filter is an error, not ignored."""


# ---------------------------------------------------------------- instruments and provisions


class MonitoringBodyRead(BaseModel):
    forum_id: str
    mechanism: str | None


class InstrumentRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: str
    short_code: str
    name: str
    type: InstrumentType
    system: str
    parent_id: str | None
    adopted_year: int | None
    adopted_on: date | None
    in_force_year: int | None
    in_force: bool
    binding: bool
    citation: str | None
    description: str | None
    issued_by_forum_id: str | None
    interprets: list[str]
    uncertain: bool
    version: int


class InstrumentDetail(InstrumentRead):
    monitoring_bodies: list[MonitoringBodyRead]


class InstrumentQuery(Query):
    system: str | None = Field(default=None, max_length=16)
    type: InstrumentType | None = None
    binding: bool | None = None


class InstrumentCreate(Strict):
    id: str = Id
    short_code: str = Field(min_length=1, max_length=120)
    name: str = Field(min_length=1, max_length=500)
    type: InstrumentType
    system: str = Field(min_length=1, max_length=16)
    parent_id: str | None = Field(default=None, max_length=40)
    adopted_year: int | None = Field(default=None, ge=1800, le=2100)
    in_force_year: int | None = Field(default=None, ge=1800, le=2100)
    in_force: StrictBool = True
    binding: StrictBool
    citation: str | None = Field(default=None, max_length=300)
    description: str | None = Field(default=None, max_length=4000)
    uncertain: StrictBool = False


class InstrumentPatch(Strict):
    short_code: str | None = Field(default=None, min_length=1, max_length=120)
    name: str | None = Field(default=None, min_length=1, max_length=500)
    in_force_year: int | None = Field(default=None, ge=1800, le=2100)
    in_force: StrictBool | None = None
    binding: StrictBool | None = None
    citation: str | None = Field(default=None, max_length=300)
    description: str | None = Field(default=None, max_length=4000)
    uncertain: StrictBool | None = None


class ProvisionRead(BaseModel):
    id: uuid.UUID
    key: str
    instrument_id: str
    path: str
    label: str
    valid_from: date | None
    valid_to: date | None
    successor_key: str | None


class ProvisionCreate(Strict):
    article: str = Field(
        min_length=1, max_length=120, description="As written, e.g. `5(1)(f)` or `5 § 1 (f)`."
    )
    valid_from: IsoDate | None = None
    valid_to: IsoDate | None = None
    successor: str | None = Field(
        default=None, max_length=200, description="Key of the provision that replaced this one."
    )


class ParsedProvision(BaseModel):
    key: str
    instrument_id: str
    instrument_name: str
    path: str
    label: str
    known: bool = Field(description="Whether Comity already records this provision.")


# ---------------------------------------------------------------- rights and crosswalk


class RightRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: str
    label_en: str
    label_es: str
    label_fr: str
    description: str
    kind: RightKind
    related: list[str]
    version: int


class CrosswalkEntry(BaseModel):
    id: uuid.UUID
    right_id: str
    provision: str = Field(description="Provision key, e.g. `ACHR:7`.")
    label: str
    instrument_id: str
    instrument_name: str
    system: str
    binding: bool
    basis: Basis
    note: str | None
    via: list[str] = Field(description="Decisions that established or illustrate the link.")
    uncertain: bool


class RightDetail(RightRead):
    crosswalk: dict[str, list[CrosswalkEntry]] = Field(description="Grouped by system.")


class RightCreate(Strict):
    id: str = Field(min_length=1, max_length=60, pattern=r"^[a-z][a-z0-9_]*$")
    label_en: str = Field(min_length=1, max_length=200)
    label_es: str = Field(min_length=1, max_length=200)
    label_fr: str = Field(min_length=1, max_length=200)
    description: str = Field(min_length=1, max_length=4000)
    kind: RightKind
    related: list[str] = Field(default_factory=list, max_length=50)


class RightPatch(Strict):
    label_en: str | None = Field(default=None, min_length=1, max_length=200)
    label_es: str | None = Field(default=None, min_length=1, max_length=200)
    label_fr: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = Field(default=None, min_length=1, max_length=4000)
    related: list[str] | None = Field(default=None, max_length=50)


class CrosswalkCreate(Strict):
    right_id: str = Field(min_length=1, max_length=60)
    provision: str = Field(
        min_length=1, max_length=200, description="A key (`ACHR:22-8`) or text (`ACHR art. 22(8)`)."
    )
    basis: Basis
    note: str | None = Field(default=None, max_length=2000)
    via: list[str] = Field(default_factory=list, max_length=50)
    uncertain: StrictBool = False


class EquivalentsQuery(Query):
    provision: str = Field(min_length=1, max_length=200, description="Key or text.")
    include_related: bool = Field(
        default=False, description="Also follow the rights related to the matched ones."
    )


class EquivalentsRead(BaseModel):
    provision: ParsedProvision
    rights: list[str] = Field(description="Right concepts the provision protects.")
    related_rights: list[str]
    equivalents: list[CrosswalkEntry]


# ---------------------------------------------------------------- forums


class ForumRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: str
    name: str
    level: ForumLevel
    kind: str | None
    jurisdiction_code: str
    seat: str | None
    established: int | None
    instruments_applied: list[str]
    decision_effect: DecisionEffect
    effect_note: str | None
    individual_access: bool | None
    citation_format: str | None
    uncertain: bool
    curated: bool
    version: int


class ForumQuery(Query):
    level: ForumLevel | None = None
    jurisdiction: str | None = Field(default=None, max_length=16)


class ForumCreate(Strict):
    id: str = Id
    name: str = Field(min_length=1, max_length=300)
    level: ForumLevel
    kind: str | None = Field(default=None, max_length=40)
    jurisdiction_code: str = Field(min_length=2, max_length=16)
    seat: str | None = Field(default=None, max_length=120)
    established: int | None = Field(default=None, ge=1000, le=2100)
    instruments_applied: list[str] = Field(default_factory=list, max_length=50)
    decision_effect: DecisionEffect
    effect_note: str | None = Field(default=None, max_length=2000)
    individual_access: StrictBool | None = None
    citation_format: str | None = Field(default=None, max_length=40)


class ForumPatch(Strict):
    name: str | None = Field(default=None, min_length=1, max_length=300)
    seat: str | None = Field(default=None, max_length=120)
    instruments_applied: list[str] | None = Field(default=None, max_length=50)
    decision_effect: DecisionEffect | None = None
    effect_note: str | None = Field(default=None, max_length=2000)
    individual_access: StrictBool | None = None
    curated: StrictBool | None = None


# ---------------------------------------------------------------- jurisdictions


class JurisdictionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    code: str
    name: str
    kind: JurisdictionKind


class MembershipRead(BaseModel):
    state_code: str
    system_code: str
    since_year: int | None
    uncertain: bool


class JurisdictionDetail(JurisdictionRead):
    memberships: list[MembershipRead]


class JurisdictionQuery(Query):
    kind: JurisdictionKind | None = None


class Obligation(BaseModel):
    instrument_id: str
    instrument_name: str
    type: InstrumentType
    system: str
    binding: bool = Field(
        description="Whether the instrument binds the State: a binding text it ratified or is "
        "bound to through membership; never one it only signed."
    )
    status: RatificationStatus | None
    year: int | None
    through: str = Field(description="`ratification`, or `membership:<system>`.")
    uncertain: bool


class ComplaintMechanism(BaseModel):
    forum_id: str
    forum_name: str
    requires: str = Field(description="The instrument or declaration the State must accept.")
    available: bool
    uncertain: bool
    note: str | None


class WithdrawalRead(BaseModel):
    instrument_id: str
    effective_on: date | None
    uncertain: bool
    note: str | None


class ReservationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    instrument_id: str
    path: str = Field(description="The reserved provision's path; empty: the whole instrument.")
    kind: str = Field(
        description="reservation, interpretive_declaration or geographical_limitation"
    )
    summary: str
    source: str
    uncertain: bool


class ObligationsRead(BaseModel):
    jurisdiction: JurisdictionRead
    systems: list[MembershipRead]
    obligations: list[Obligation]
    complaint_mechanisms: list[ComplaintMechanism]
    withdrawals: list[WithdrawalRead]
    reservations: list[ReservationRead] = Field(default_factory=list)


class RatificationPut(Strict):
    status: RatificationStatus
    year: int | None = Field(default=None, ge=1900, le=2100)
    uncertain: StrictBool = False
    note: str | None = Field(default=None, max_length=1000)


class RatificationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    state_code: str
    instrument_id: str
    status: RatificationStatus
    year: int | None
    source: str | None
    uncertain: bool
    note: str | None
