"""Case-record tables."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    Column,
    Computed,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
    and_,
    column,
    func,
    or_,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column

from app.core.models import Timestamps, UuidPk
from app.db import Base
from app.orgs.models import Visibility, pg_enum


class CaseStatus(StrEnum):
    draft = "draft"
    pending = "pending"
    decided = "decided"
    appealed = "appealed"
    closed = "closed"


class Outcome(StrEnum):
    pending = "pending"
    win = "win"
    partial = "partial"
    loss = "loss"
    inadmissible = "inadmissible"
    settled = "settled"
    withdrawn = "withdrawn"
    advisory = "advisory"


class DecisionType(StrEnum):
    """Which decision of its matter a case record is: one communication, application or
    petition may have several, grouped in a `Proceeding`."""

    admissibility = "admissibility"
    merits = "merits"
    interim_measures = "interim_measures"
    follow_up = "follow_up"
    revision = "revision"
    referral = "referral"  # a Grand Chamber referral or another appeal within the forum
    just_satisfaction = "just_satisfaction"
    advisory = "advisory"
    other = "other"


# Which decision of a proceeding stands for it as authority: the merits first.
AUTHORITY_ORDER = (
    DecisionType.merits,
    DecisionType.referral,
    DecisionType.advisory,
    DecisionType.just_satisfaction,
    DecisionType.revision,
    DecisionType.follow_up,
    DecisionType.interim_measures,
    DecisionType.admissibility,
    DecisionType.other,
)


class Finding(StrEnum):
    violation = "violation"
    no_violation = "no_violation"
    prospective_violation = "prospective_violation"
    inadmissible = "inadmissible"
    not_examined = "not_examined"
    upheld = "upheld"
    rejected = "rejected"
    pending = "pending"
    settled = "settled"
    favourable = "favourable"
    unfavourable = "unfavourable"
    remitted = "remitted"


FAVOURABLE_FINDINGS = frozenset(
    {Finding.violation, Finding.prospective_violation, Finding.upheld, Finding.favourable}
)
ADVERSE_FINDINGS = frozenset(
    {Finding.no_violation, Finding.rejected, Finding.unfavourable, Finding.inadmissible}
)


class Population(StrEnum):
    children = "children"
    unaccompanied_children = "unaccompanied_children"
    families = "families"
    asylum_seekers = "asylum_seekers"
    refugees = "refugees"
    migrant_workers = "migrant_workers"
    undocumented_migrants = "undocumented_migrants"
    stateless_persons = "stateless_persons"
    trafficked_persons = "trafficked_persons"
    women = "women"
    lgbtiq_persons = "lgbtiq_persons"
    persons_with_disabilities = "persons_with_disabilities"
    internally_displaced = "internally_displaced"
    climate_displaced = "climate_displaced"


class ImplementationStatus(StrEnum):
    implemented = "implemented"
    partly = "partly"
    not_implemented = "not_implemented"
    unknown = "unknown"


class IdentifierKind(StrEnum):
    ecli = "ecli"
    application_number = "application_number"
    communication_number = "communication_number"
    docket_number = "docket_number"
    neutral_citation = "neutral_citation"
    series_number = "series_number"
    un_document_symbol = "un_document_symbol"
    other = "other"


class UpdateKind(StrEnum):
    filing = "filing"
    hearing = "hearing"
    interim_measures = "interim_measures"
    decision = "decision"
    # The final domestic decision: posting it computes the international routes' deadlines.
    domestic_final = "domestic_final"
    appeal = "appeal"
    implementation = "implementation"
    communication = "communication"
    note = "note"


class Treatment(StrEnum):
    """The Akoma Ntoso judicial vocabulary for how one decision treats another."""

    applies = "applies"
    supports = "supports"
    is_analog_to = "isAnalogTo"
    extends = "extends"
    restricts = "restricts"
    contrasts = "contrasts"
    distinguishes = "distinguishes"
    overrules = "overrules"
    puts_in_question = "putsInQuestion"
    dissents_from = "dissentsFrom"


POSITIVE_TREATMENTS = frozenset(
    {Treatment.applies, Treatment.supports, Treatment.is_analog_to, Treatment.extends}
)
NEGATIVE_TREATMENTS = frozenset(
    {Treatment.distinguishes, Treatment.overrules, Treatment.puts_in_question, Treatment.restricts}
)


class Provenance(StrEnum):
    manual = "manual"
    extracted = "extracted"
    imported = "imported"


class ReviewState(StrEnum):
    pending = "pending"
    accepted = "accepted"
    rejected = "rejected"


# Kept current by PostgreSQL inside every write: no indexing job. Title weighs most, then the
# holding and keywords, then the facts; English stemming for English texts, a language-neutral
# configuration for the rest; accents folded where unaccent exists (see the migration).
SEARCH_VECTOR = (
    "setweight(to_tsvector(comity_ts_config(language), comity_unaccent(title)), 'A') || "
    "setweight(to_tsvector(comity_ts_config(language), comity_unaccent(holding)), 'B') || "
    "setweight(to_tsvector(comity_ts_config(language), comity_words(keywords)), 'B') || "
    "setweight(to_tsvector(comity_ts_config(language), comity_unaccent(facts_summary)), 'C')"
)

# The text search configurations of `comity_ts_config` (migration 0020), each with the
# languages whose texts it reads; 'simple' (language-neutral) reads every other language.
TEXT_CONFIGS: tuple[tuple[str, tuple[str | None, ...]], ...] = (
    ("english", ("en", None)),
    ("spanish", ("es",)),
    ("french", ("fr",)),
    ("simple", ()),
)
_OWN_LANGUAGES = [lang for _, languages in TEXT_CONFIGS for lang in languages if lang]


def language_is(language: Any, languages: tuple[str | None, ...]) -> Any:
    """The rows a configuration of TEXT_CONFIGS reads: those of its languages, or (none
    named) of a language no other configuration reads."""
    if not languages:
        return and_(language.is_not(None), language.not_in(_OWN_LANGUAGES))
    named = [lang for lang in languages if lang]
    either = [language.in_(named)] if named else []
    return or_(language.is_(None), *either) if None in languages else and_(*either)


def _search_vector_indexes() -> list[Index]:
    """One GIN index of the search vectors per configuration, over its texts alone (migration
    0021): a search reads the query in each configuration against that configuration's
    texts, and the index then answers for exactly those rows."""
    return [
        Index(
            f"ix_legal_case_search_vector_{config}",
            "search_vector",
            postgresql_using="gin",
            postgresql_where=language_is(column("language"), languages),
        )
        for config, languages in TEXT_CONFIGS
    ]


class Proceeding(UuidPk, Base):
    """The decisions of one matter in one forum, as one owner records them."""

    __tablename__ = "proceeding"

    owner_org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisation.id"))
    forum_id: Mapped[str] = mapped_column(ForeignKey("forum.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class LegalCase(UuidPk, Timestamps, Base):
    __tablename__ = "legal_case"
    # Migration 0008 also sets toast_tuple_target = 256: long texts live out of the row, so
    # filter scans read narrow rows.
    __table_args__ = (
        CheckConstraint("importance BETWEEN 1 AND 4", name="importance"),
        Index("ix_legal_case_owner_visibility", "owner_org_id", "visibility"),
        Index("ix_legal_case_decided_on", "decided_on"),
        *_search_vector_indexes(),
        # Suggestions: trigrams of the accent-folded title (where pg_trgm exists; migration
        # 0015). An expression index, which alembic does not compare.
        Index(
            "ix_legal_case_title_folded_trgm",
            func.comity_unaccent(text("title")).label("folded"),
            postgresql_using="gin",
            postgresql_ops={"folded": "gin_trgm_ops"},
        ),
        Index("ix_legal_case_respondent_states", "respondent_states", postgresql_using="gin"),
        Index("ix_legal_case_keywords", "keywords", postgresql_using="gin"),
        UniqueConstraint("reference_key", "owner_org_id"),
    )

    # An importer's key, unique within the owning organisation (see __table_args__): two
    # organisations may hold the same decision without learning of each other's copy.
    reference_key: Mapped[str | None] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(500))
    short_title: Mapped[str | None] = mapped_column(String(200))
    citation: Mapped[str | None] = mapped_column(String(500))
    forum_id: Mapped[str] = mapped_column(ForeignKey("forum.id"), index=True)
    forum_jurisdiction: Mapped[str] = mapped_column(String(16))
    respondent_states: Mapped[list[str]] = mapped_column(ARRAY(String(2)), default=list)
    language: Mapped[str | None] = mapped_column(String(8))
    filed_on: Mapped[date | None]
    decided_on: Mapped[date | None]
    status: Mapped[CaseStatus] = mapped_column(pg_enum(CaseStatus, "case_status"))
    procedural_posture: Mapped[str | None] = mapped_column(Text)
    decision_type: Mapped[DecisionType] = mapped_column(
        pg_enum(DecisionType, "decision_type"), default=DecisionType.merits, server_default="merits"
    )
    proceeding_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("proceeding.id", ondelete="SET NULL"), index=True
    )
    outcome: Mapped[Outcome] = mapped_column(pg_enum(Outcome, "case_outcome"))
    outcome_explicit: Mapped[bool] = mapped_column(default=False)
    facts_summary: Mapped[str] = mapped_column(Text, default="")
    holding: Mapped[str] = mapped_column(Text, default="")
    law_text: Mapped[str] = mapped_column(Text, default="")
    internal_notes: Mapped[str | None] = mapped_column(Text)
    keywords: Mapped[list[str]] = mapped_column(ARRAY(String(60)), default=list)
    populations: Mapped[list[str]] = mapped_column(ARRAY(String(40)), default=list)
    importance: Mapped[int | None] = mapped_column(Integer)
    implementation_status: Mapped[ImplementationStatus | None] = mapped_column(
        pg_enum(ImplementationStatus, "implementation_status")
    )
    implementation_note: Mapped[str | None] = mapped_column(Text)
    owner_org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisation.id"))
    visibility: Mapped[Visibility] = mapped_column(pg_enum(Visibility, "visibility"))
    created_by: Mapped[uuid.UUID | None]
    updated_by: Mapped[uuid.UUID | None]
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    search_vector: Mapped[Any] = mapped_column(
        TSVECTOR, Computed(SEARCH_VECTOR, persisted=True), deferred=True
    )

    __mapper_args__ = {"version_id_col": version}


class CaseIdentifier(UuidPk, Base):
    """A typed identifier, unique within one organisation's record and one decision type:
    ECLIs everywhere, other kinds within one forum (the decisions of one communication share
    its number). Other organisations may record the same decision; whether they do is theirs
    to tell, so the constraint stops at the owner."""

    __tablename__ = "case_identifier"
    __table_args__ = (
        UniqueConstraint("kind", "value", "forum_id", "owner_org_id", "decision_type"),
    )

    case_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("legal_case.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[IdentifierKind] = mapped_column(pg_enum(IdentifierKind, "identifier_kind"))
    value: Mapped[str] = mapped_column(String(200))
    # The forum whose numbering the value belongs to; "*" for globally unique kinds (ECLI).
    forum_id: Mapped[str] = mapped_column(String(40))
    # The case's owner, copied here so that uniqueness can stop at the organisation.
    owner_org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisation.id"))
    # The case's decision type, copied: the decisions of one communication share its number.
    decision_type: Mapped[DecisionType] = mapped_column(
        pg_enum(DecisionType, "decision_type"), default=DecisionType.merits, server_default="merits"
    )


claim_provision = Table(
    "claim_provision",
    Base.metadata,
    Column("claim_id", ForeignKey("rights_claim.id", ondelete="CASCADE"), primary_key=True),
    Column("provision_id", ForeignKey("provision.id"), primary_key=True, index=True),
)


class RightsClaim(UuidPk, Base):
    __tablename__ = "rights_claim"
    # Covering indexes: search filters on claims and counts their facets from the indexes
    # alone, without visiting the claims table.
    __table_args__ = (
        Index("ix_rights_claim_right_finding_case", "right_id", "finding", "case_id"),
        Index("ix_rights_claim_finding_case", "finding", "case_id"),
        Index("ix_rights_claim_case_id", "case_id", postgresql_include=["right_id", "finding"]),
    )

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("legal_case.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    # None where no right concept covers the provisions (ECHR art. 6 in the ECtHR corpus):
    # the claim still matches on its provisions.
    right_id: Mapped[str | None] = mapped_column(ForeignKey("right_concept.id"))
    argument_summary: Mapped[str | None] = mapped_column(Text)
    finding: Mapped[Finding] = mapped_column(pg_enum(Finding, "claim_finding"))
    remedy: Mapped[str | None] = mapped_column(Text)


class CaseParty(UuidPk, Base):
    __tablename__ = "case_party"
    # Suggestions: trigrams of the accent-folded pseudonym (where pg_trgm exists; migration
    # 0015). An expression index, which alembic does not compare.
    __table_args__ = (
        Index(
            "ix_case_party_pseudonym_folded_trgm",
            func.comity_unaccent(text("pseudonym")).label("folded"),
            postgresql_using="gin",
            postgresql_ops={"folded": "gin_trgm_ops"},
        ),
    )

    case_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("legal_case.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(40))
    pseudonym: Mapped[str] = mapped_column(String(200))


class ProtectedPartyData(Base):
    """Client identity, encrypted at rest (AES-GCM, key id in the value, party id as AAD)."""

    __tablename__ = "protected_party_data"

    party_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("case_party.id", ondelete="CASCADE"), primary_key=True
    )
    ciphertext: Mapped[bytes] = mapped_column(LargeBinary)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )


class CaseUpdate(UuidPk, Base):
    __tablename__ = "case_update"

    case_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("legal_case.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[UpdateKind] = mapped_column(pg_enum(UpdateKind, "update_kind"))
    occurred_on: Mapped[date]
    summary: Mapped[str] = mapped_column(Text)
    internal: Mapped[bool] = mapped_column(default=False)
    findings: Mapped[list[dict[str, Any]] | None] = mapped_column(JSONB)
    # With `domestic_final`: when the applicant was notified of the decision.
    notified_on: Mapped[date | None]
    # With `interim_measures`: the forum, the stage and the State's compliance.
    interim: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    author_id: Mapped[uuid.UUID | None]
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class CaseCitation(UuidPk, Base):
    __tablename__ = "case_citation"

    citing_case_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("legal_case.id", ondelete="CASCADE"), index=True
    )
    cited_case_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("legal_case.id", ondelete="SET NULL"), index=True
    )
    unresolved_text: Mapped[str | None] = mapped_column(String(500))
    identifier_kind: Mapped[str | None] = mapped_column(String(40))
    identifier_value: Mapped[str | None] = mapped_column(String(200))
    treatment: Mapped[Treatment] = mapped_column(pg_enum(Treatment, "citation_treatment"))
    pinpoint: Mapped[str | None] = mapped_column(String(100))
    provenance: Mapped[Provenance] = mapped_column(pg_enum(Provenance, "citation_provenance"))
    review_state: Mapped[ReviewState] = mapped_column(pg_enum(ReviewState, "review_state"))
    uncertain: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
