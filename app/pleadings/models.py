"""Model-pleading tables: pleadings, their versions and argument sections, adaptations, uses
and attachments."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    Column,
    Computed,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column

from app.core.models import Timestamps, UuidPk
from app.db import Base
from app.orgs.models import Visibility, pg_enum


class PleadingStatus(StrEnum):
    """draft: nothing published yet; published: a version is out; withdrawn: not to be used."""

    draft = "draft"
    published = "published"
    withdrawn = "withdrawn"


class AdaptationKind(StrEnum):
    """A fork for another country or forum system, or a translation into another language."""

    country = "country"
    translation = "translation"


class AttachmentKind(StrEnum):
    docx = "docx"
    pdf = "pdf"
    odt = "odt"
    md = "md"


pleading_right = Table(
    "pleading_right",
    Base.metadata,
    Column("pleading_id", ForeignKey("model_pleading.id", ondelete="CASCADE"), primary_key=True),
    Column("right_id", ForeignKey("right_concept.id"), primary_key=True, index=True),
)


PLEADING_SEARCH_VECTOR = (
    "setweight(to_tsvector(comity_ts_config(language), comity_unaccent(title)), 'A') || "
    "setweight(to_tsvector(comity_ts_config(language), comity_unaccent(summary)), 'B') || "
    "setweight(to_tsvector(comity_ts_config(language), comity_words(tags)), 'B')"
)


class ModelPleading(UuidPk, Timestamps, Base):
    __tablename__ = "model_pleading"
    __table_args__ = (
        Index("ix_model_pleading_owner_visibility", "owner_org_id", "visibility"),
        Index("ix_model_pleading_search_vector", "search_vector", postgresql_using="gin"),
    )

    # Stable key of pleadings loaded from shipped data (`comity pleadings load-demo`).
    reference_key: Mapped[str | None] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(8))
    forum_levels: Mapped[list[str]] = mapped_column(ARRAY(String(40)), default=list)
    jurisdictions: Mapped[list[str]] = mapped_column(ARRAY(String(16)), default=list)
    tags: Mapped[list[str]] = mapped_column(ARRAY(String(60)), default=list)
    owner_org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisation.id"))
    visibility: Mapped[Visibility] = mapped_column(pg_enum(Visibility, "visibility"))
    status: Mapped[PleadingStatus] = mapped_column(pg_enum(PleadingStatus, "pleading_status"))
    created_by: Mapped[uuid.UUID | None]
    updated_by: Mapped[uuid.UUID | None]
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    search_vector: Mapped[Any] = mapped_column(
        TSVECTOR, Computed(PLEADING_SEARCH_VECTOR, persisted=True), deferred=True
    )

    __mapper_args__ = {"version_id_col": version}


class PleadingVersion(UuidPk, Base):
    """One version of a pleading's text; frozen once `published_at` is set."""

    __tablename__ = "pleading_version"
    __table_args__ = (
        UniqueConstraint("pleading_id", "number"),
        CheckConstraint("number >= 1", name="number_positive"),
    )

    pleading_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("model_pleading.id", ondelete="CASCADE")
    )
    number: Mapped[int] = mapped_column(Integer)
    author_id: Mapped[uuid.UUID | None]
    changelog: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text)
    # [{name, type, description, required, default}]: rendering.VariableSpec as JSON.
    variables: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    published_by: Mapped[uuid.UUID | None]
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )
    revision: Mapped[int] = mapped_column(default=1, server_default="1")

    __mapper_args__ = {"version_id_col": revision}


class PleadingSection(UuidPk, Base):
    """An argument section of a version, with the rights it argues and its authorities."""

    __tablename__ = "pleading_section"

    version_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("pleading_version.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    heading: Mapped[str] = mapped_column(String(300))
    argument: Mapped[str | None] = mapped_column(Text)


section_right = Table(
    "pleading_section_right",
    Base.metadata,
    Column("section_id", ForeignKey("pleading_section.id", ondelete="CASCADE"), primary_key=True),
    Column("right_id", ForeignKey("right_concept.id"), primary_key=True, index=True),
)

section_authority = Table(
    "pleading_authority",
    Base.metadata,
    Column("section_id", ForeignKey("pleading_section.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "case_id", ForeignKey("legal_case.id", ondelete="CASCADE"), primary_key=True, index=True
    ),
)


class PleadingAdaptation(Base):
    """A fork's link to the upstream pleading and the version it was adapted from."""

    __tablename__ = "pleading_adaptation"
    __table_args__ = (
        ForeignKeyConstraint(
            ["upstream_pleading_id", "upstream_version_number"],
            ["pleading_version.pleading_id", "pleading_version.number"],
            ondelete="SET NULL",
        ),
        Index("ix_pleading_adaptation_upstream", "upstream_pleading_id", "upstream_version_number"),
    )

    pleading_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("model_pleading.id", ondelete="CASCADE"), primary_key=True
    )
    # Both null once the upstream pleading is deleted: the fork lives on, unlinked.
    upstream_pleading_id: Mapped[uuid.UUID | None]
    upstream_version_number: Mapped[int | None] = mapped_column(Integer)
    kind: Mapped[AdaptationKind] = mapped_column(pg_enum(AdaptationKind, "adaptation_kind"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class PleadingUse(UuidPk, Base):
    """A case that used a version of a pleading."""

    __tablename__ = "pleading_use"
    __table_args__ = (
        ForeignKeyConstraint(
            ["pleading_id", "version_number"],
            ["pleading_version.pleading_id", "pleading_version.number"],
            ondelete="CASCADE",
        ),
        UniqueConstraint("pleading_id", "case_id", "version_number"),
    )

    pleading_id: Mapped[uuid.UUID]
    version_number: Mapped[int] = mapped_column(Integer)
    case_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("legal_case.id", ondelete="CASCADE"), index=True
    )
    recorded_by: Mapped[uuid.UUID | None]
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class PleadingAttachment(UuidPk, Base):
    __tablename__ = "pleading_attachment"

    version_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("pleading_version.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(String(255))
    kind: Mapped[AttachmentKind] = mapped_column(pg_enum(AttachmentKind, "attachment_kind"))
    media_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by: Mapped[uuid.UUID | None]
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class AttachmentContent(Base):
    """An attachment's bytes, apart so that listing attachments never reads them."""

    __tablename__ = "pleading_attachment_content"

    attachment_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("pleading_attachment.id", ondelete="CASCADE"), primary_key=True
    )
    data: Mapped[bytes] = mapped_column(LargeBinary)
