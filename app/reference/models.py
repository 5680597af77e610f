"""Reference tables, keyed by the stable text ids of the data files (`ECHR`, `liberty`)."""

from __future__ import annotations

import uuid
from datetime import date
from enum import StrEnum

from sqlalchemy import (
    ARRAY,
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from app.core.models import Timestamps, UuidPk
from app.db import Base
from app.orgs.models import pg_enum


class JurisdictionKind(StrEnum):
    state = "state"
    system = "system"


class InstrumentType(StrEnum):
    treaty = "treaty"
    regional_treaty = "regional_treaty"
    protocol = "protocol"
    eu_law = "eu_law"
    declaration = "declaration"
    soft_law = "soft_law"
    general_comment = "general_comment"
    national_law = "national_law"
    optional_clause = "optional_clause"


class RightKind(StrEnum):
    substantive_right = "substantive_right"
    procedural_right = "procedural_right"
    principle = "principle"
    cross_cutting = "cross_cutting"


class Basis(StrEnum):
    explicit = "explicit"
    interpretive = "interpretive"
    general_comment = "general_comment"
    soft_law = "soft_law"
    national = "national"


class ForumLevel(StrEnum):
    international = "international"
    regional = "regional"
    national_apex = "national_apex"
    national_appellate = "national_appellate"
    national_first_instance = "national_first_instance"
    quasi_judicial_treaty_body = "quasi_judicial_treaty_body"
    quasi_judicial_regional_body = "quasi_judicial_regional_body"
    special_procedure = "special_procedure"
    monitoring_body = "monitoring_body"


class DecisionEffect(StrEnum):
    binding_on_parties = "binding_on_parties"
    binding_erga_omnes = "binding_erga_omnes"
    binding_domestic_precedent = "binding_domestic_precedent"
    authoritative_interpretation = "authoritative_interpretation"
    recommendatory = "recommendatory"
    non_adjudicative = "non_adjudicative"


class RatificationStatus(StrEnum):
    party = "party"
    signatory = "signatory"
    member = "member"


class Jurisdiction(Base):
    """A State (ISO 3166-1 alpha-2) or a regional or international system (`OAS`, `CoE`)."""

    __tablename__ = "jurisdiction"

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[JurisdictionKind] = mapped_column(pg_enum(JurisdictionKind, "jurisdiction_kind"))


class SystemMembership(Base):
    __tablename__ = "system_membership"

    state_code: Mapped[str] = mapped_column(ForeignKey("jurisdiction.code"), primary_key=True)
    system_code: Mapped[str] = mapped_column(ForeignKey("jurisdiction.code"), primary_key=True)
    since_year: Mapped[int | None] = mapped_column(Integer)
    uncertain: Mapped[bool] = mapped_column(default=False)


class Instrument(Timestamps, Base):
    __tablename__ = "instrument"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    short_code: Mapped[str] = mapped_column(String(120))
    name: Mapped[str] = mapped_column(String(500))
    type: Mapped[InstrumentType] = mapped_column(pg_enum(InstrumentType, "instrument_type"))
    system: Mapped[str] = mapped_column(String(16))
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("instrument.id"))
    adopted_year: Mapped[int | None] = mapped_column(Integer)
    adopted_on: Mapped[date | None]
    in_force_year: Mapped[int | None] = mapped_column(Integer)
    in_force: Mapped[bool] = mapped_column(default=True)
    binding: Mapped[bool]
    citation: Mapped[str | None] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    issued_by_forum_id: Mapped[str | None] = mapped_column(String(40))
    interprets: Mapped[list[str]] = mapped_column(ARRAY(String(40)), default=list)
    uncertain: Mapped[bool] = mapped_column(default=False)
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}


class MonitoringBody(Base):
    __tablename__ = "monitoring_body"

    instrument_id: Mapped[str] = mapped_column(
        ForeignKey("instrument.id", ondelete="CASCADE"), primary_key=True
    )
    forum_id: Mapped[str] = mapped_column(ForeignKey("forum.id"), primary_key=True)
    mechanism: Mapped[str | None] = mapped_column(Text)


class Provision(UuidPk, Base):
    __tablename__ = "provision"
    __table_args__ = (UniqueConstraint("instrument_id", "path"),)

    instrument_id: Mapped[str] = mapped_column(ForeignKey("instrument.id", ondelete="CASCADE"))
    path: Mapped[str] = mapped_column(String(80))
    label: Mapped[str] = mapped_column(String(120))
    valid_from: Mapped[date | None]
    valid_to: Mapped[date | None]
    successor_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("provision.id"))


class RightConcept(Timestamps, Base):
    __tablename__ = "right_concept"

    id: Mapped[str] = mapped_column(String(60), primary_key=True)
    label_en: Mapped[str] = mapped_column(String(200))
    label_es: Mapped[str] = mapped_column(String(200))
    label_fr: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    kind: Mapped[RightKind] = mapped_column(pg_enum(RightKind, "right_kind"))
    related: Mapped[list[str]] = mapped_column(ARRAY(String(60)), default=list)
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}


class CrosswalkRow(UuidPk, Base):
    """Provision <-> right concept, with the basis on which the provision protects the right."""

    __tablename__ = "crosswalk_row"
    __table_args__ = (UniqueConstraint("right_id", "provision_id"),)

    right_id: Mapped[str] = mapped_column(ForeignKey("right_concept.id", ondelete="CASCADE"))
    provision_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("provision.id", ondelete="CASCADE"), index=True
    )
    basis: Mapped[Basis] = mapped_column(pg_enum(Basis, "crosswalk_basis"))
    note: Mapped[str | None] = mapped_column(Text)
    via: Mapped[list[str]] = mapped_column(ARRAY(String(60)), default=list)
    uncertain: Mapped[bool] = mapped_column(default=False)


class Forum(Timestamps, Base):
    __tablename__ = "forum"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    level: Mapped[ForumLevel] = mapped_column(pg_enum(ForumLevel, "forum_level"))
    kind: Mapped[str | None] = mapped_column(String(40))
    jurisdiction_code: Mapped[str] = mapped_column(ForeignKey("jurisdiction.code"))
    seat: Mapped[str | None] = mapped_column(String(120))
    established: Mapped[int | None] = mapped_column(Integer)
    instruments_applied: Mapped[list[str]] = mapped_column(ARRAY(String(40)), default=list)
    decision_effect: Mapped[DecisionEffect] = mapped_column(
        pg_enum(DecisionEffect, "decision_effect")
    )
    effect_note: Mapped[str | None] = mapped_column(Text)
    individual_access: Mapped[bool | None]
    citation_format: Mapped[str | None] = mapped_column(String(40))
    uncertain: Mapped[bool] = mapped_column(default=False)
    curated: Mapped[bool] = mapped_column(default=True, server_default="true")
    proposed_by_org_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("organisation.id"))
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}


class ComplaintRoute(Base):
    """The instrument (or declaration) a State must accept before a forum hears individuals."""

    __tablename__ = "complaint_route"

    forum_id: Mapped[str] = mapped_column(ForeignKey("forum.id"), primary_key=True)
    requires_instrument_id: Mapped[str] = mapped_column(
        ForeignKey("instrument.id"), primary_key=True
    )
    note: Mapped[str | None] = mapped_column(Text)


class Ratification(Base):
    __tablename__ = "ratification"
    __table_args__ = (CheckConstraint("year IS NULL OR year BETWEEN 1900 AND 2100", name="year"),)

    state_code: Mapped[str] = mapped_column(ForeignKey("jurisdiction.code"), primary_key=True)
    instrument_id: Mapped[str] = mapped_column(
        ForeignKey("instrument.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    status: Mapped[RatificationStatus] = mapped_column(
        pg_enum(RatificationStatus, "ratification_status")
    )
    year: Mapped[int | None] = mapped_column(Integer)
    source: Mapped[str | None] = mapped_column(String(40))
    uncertain: Mapped[bool] = mapped_column(default=False)
    note: Mapped[str | None] = mapped_column(Text)


class Withdrawal(Base):
    __tablename__ = "withdrawal"

    state_code: Mapped[str] = mapped_column(ForeignKey("jurisdiction.code"), primary_key=True)
    instrument_id: Mapped[str] = mapped_column(ForeignKey("instrument.id"), primary_key=True)
    joined_year: Mapped[int | None] = mapped_column(Integer)
    notified_on: Mapped[date | None]
    effective_on: Mapped[date | None]
    uncertain: Mapped[bool] = mapped_column(default=False)
    note: Mapped[str | None] = mapped_column(Text)


class Reservation(Base):
    """A reservation, interpretive declaration or optional limitation a State attached to
    its ratification; `path` is the reserved provision's canonical path ("" for the whole
    instrument)."""

    __tablename__ = "reservation"

    state_code: Mapped[str] = mapped_column(ForeignKey("jurisdiction.code"), primary_key=True)
    instrument_id: Mapped[str] = mapped_column(ForeignKey("instrument.id"), primary_key=True)
    path: Mapped[str] = mapped_column(String(120), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    summary: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(200))
    uncertain: Mapped[bool] = mapped_column(default=True)


class CitationFormat(Base):
    __tablename__ = "citation_format"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    spec: Mapped[dict[str, object]] = mapped_column(JSONB)


class Keyword(Base):
    """Controlled case vocabulary, grouped into facets; hub admins may extend it."""

    __tablename__ = "keyword"

    id: Mapped[str] = mapped_column(String(60), primary_key=True)
    facet: Mapped[str] = mapped_column(String(60))


class ReferenceRevision(Base):
    """One row: a number that every statement writing a reference table moves on (a trigger
    of migration 0014 does it), so that cached reference facts know when they are stale."""

    __tablename__ = "reference_revision"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    revision: Mapped[int] = mapped_column(BigInteger)
