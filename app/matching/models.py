"""What the matcher reads instead of the case record: one feature row per case and a BM25
index (terms with their document frequencies, postings with term frequencies).

PostgreSQL keeps all three current inside every write, by statement-level triggers on
`legal_case`, `rights_claim` and `claim_provision` (migration 0013): the ORM, the
importer's bulk statements and COPY all pass through them, so the statistics are right
when the writing transaction commits, and no job has to catch up.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    REAL,
    BigInteger,
    DateTime,
    Double,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    Uuid,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from app.cases.models import ImplementationStatus, Outcome
from app.db import Base
from app.orgs.models import Visibility, pg_enum


class CaseMatchFeatures(Base):
    """A case as the matcher's candidate generation sees it: who may read it, where and
    when it was decided, and the claims it won and lost, as GIN-indexed arrays."""

    __tablename__ = "case_match_features"
    __table_args__ = (
        Index("ix_case_match_features_won_rights", "won_rights", postgresql_using="gin"),
        Index("ix_case_match_features_won_provisions", "won_provisions", postgresql_using="gin"),
        Index("ix_case_match_features_lost_rights", "lost_rights", postgresql_using="gin"),
        Index("ix_case_match_features_lost_provisions", "lost_provisions", postgresql_using="gin"),
        # The legal window walks candidates in this order and stops at its share.
        Index(
            "ix_case_match_features_authority_order",
            "authority_rank",
            "reference_key",
            "title",
            "case_id",
        ),
    )

    case_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("legal_case.id", ondelete="CASCADE"), primary_key=True
    )
    owner_org_id: Mapped[uuid.UUID]
    visibility: Mapped[Visibility] = mapped_column(pg_enum(Visibility, "visibility"))
    forum_id: Mapped[str] = mapped_column(String(40))
    forum_jurisdiction: Mapped[str] = mapped_column(String(16))
    respondent_states: Mapped[list[str]] = mapped_column(ARRAY(String(2)))
    decided_on: Mapped[date | None]
    outcome: Mapped[Outcome] = mapped_column(pg_enum(Outcome, "case_outcome"))
    importance: Mapped[int | None] = mapped_column(SmallInteger)
    implementation_status: Mapped[ImplementationStatus | None] = mapped_column(
        pg_enum(ImplementationStatus, "implementation_status")
    )
    # Leading cases first: importance (unknown last), then the later decision, as one
    # sortable number: importance * 10^8 - days since 0001-01-01 (no date: last).
    authority_rank: Mapped[int] = mapped_column(BigInteger)
    # The stable tie-break after the decision date: the same corpus ranks the same way on
    # any database, whatever ids it was given.
    reference_key: Mapped[str | None] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(500))
    # How many claims the case won and lost: a candidate must have decided one.
    won_claims: Mapped[int] = mapped_column(SmallInteger)
    lost_claims: Mapped[int] = mapped_column(SmallInteger)
    won_rights: Mapped[list[str]] = mapped_column(ARRAY(Text))
    won_provisions: Mapped[list[uuid.UUID]] = mapped_column(ARRAY(Uuid))
    lost_rights: Mapped[list[str]] = mapped_column(ARRAY(Text))
    lost_provisions: Mapped[list[uuid.UUID]] = mapped_column(ARRAY(Uuid))
    # Every claim's right and finding, whatever the outcome: the search's claim facets.
    claim_rights: Mapped[list[str]] = mapped_column(ARRAY(Text))
    claim_findings: Mapped[list[str]] = mapped_column(ARRAY(Text))


class MatchTerm(Base):
    """The lexicon: every stemmed term of the case texts, with how many cases hold it."""

    __tablename__ = "match_term"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    term: Mapped[str] = mapped_column(Text, unique=True)
    df: Mapped[int] = mapped_column(Integer)


class CasePosting(Base):
    """One term of one case with its frequency over title, holding, keywords, facts and law.

    No foreign keys and no index by case: the triggers that write these rows also remove
    them (finding them again from the case's old texts), and a key check or a second index
    per posting would halve the import rate. The index carries the frequencies, so that
    scoring reads it alone (index-only scans), never the table.
    """

    __tablename__ = "case_posting"
    __table_args__ = (
        Index(
            "ux_case_posting_term_id_case_id",
            "term_id",
            "case_id",
            unique=True,
            postgresql_include=["tf", "dl"],
        ),
    )

    term_id: Mapped[int] = mapped_column(Integer)
    case_id: Mapped[uuid.UUID] = mapped_column()
    tf: Mapped[float] = mapped_column(REAL)
    # The case's length, kept with each posting so that scoring never joins per posting.
    dl: Mapped[float] = mapped_column(REAL)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        # The unique index is the key: a primary key constraint cannot carry the frequencies.
        table = cls.__table__
        return {"primary_key": [table.c.term_id, table.c.case_id]}


class MatchCorpus(Base):
    """The BM25 corpus totals: how many cases have text, and their summed lengths."""

    __tablename__ = "match_corpus"

    id: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    docs: Mapped[int] = mapped_column(BigInteger)
    total_len: Mapped[float] = mapped_column(Double)


class MatchWatermark(Base):
    """What a new decision must beat to enter an open case's top ten: the tenth score of the
    case's last full match, and the best text score it counted against. Valid while the case
    keeps the version it had then; the reverse knock-on job skips, without matching, the
    cases whose watermark a new decision cannot reach (app.matching.reverse)."""

    __tablename__ = "match_watermark"

    case_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("legal_case.id", ondelete="CASCADE"), primary_key=True
    )
    case_version: Mapped[int] = mapped_column(Integer)
    threshold: Mapped[float] = mapped_column(Double)  # 0 when fewer than ten results
    top_text: Mapped[float] = mapped_column(Double)
    # The facts' query terms and their weights: D's BM25 score for the case is their sum
    # over D's postings, without reading the case again.
    term_ids: Mapped[list[int]] = mapped_column(ARRAY(Integer))
    term_weights: Mapped[list[float]] = mapped_column(ARRAY(Double))
    computed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
