"""Decisions of one matter: each case record is one decision (admissibility, merits,
interim measures, follow-up, revision, referral, just satisfaction, advisory opinion), and
the decisions of one communication, application or petition are grouped in a proceeding.

An identifier is now unique per (kind, value, forum, owner, decision type), so that an
admissibility decision and the views in the same communication both keep its number. The
old constraint already stopped at the forum and the owner, so no two existing cases can
collide under the new one: every existing identifier keeps its row and gains its case's
decision type. Existing decision types are read from the outcome (inadmissible ->
admissibility, advisory -> advisory opinion), merits otherwise.

Revision ID: 0016_proceedings
Revises: 0015_search_typos
Create Date: 2026-12-03 17:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0016_proceedings"
down_revision: str | None = "0015_search_typos"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DECISION_TYPES = (
    "admissibility",
    "merits",
    "interim_measures",
    "follow_up",
    "revision",
    "referral",
    "just_satisfaction",
    "advisory",
    "other",
)


def upgrade() -> None:
    decision_type = postgresql.ENUM(*DECISION_TYPES, name="decision_type")
    decision_type.create(op.get_bind())
    op.create_table(
        "proceeding",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("owner_org_id", sa.Uuid(), nullable=False),
        sa.Column("forum_id", sa.String(length=40), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.ForeignKeyConstraint(["owner_org_id"], ["organisation.id"], name=op.f("fk_proceeding_owner_org_id_organisation")),
        sa.ForeignKeyConstraint(["forum_id"], ["forum.id"], name=op.f("fk_proceeding_forum_id_forum")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proceeding")),
    )
    op.add_column(
        "legal_case",
        sa.Column("decision_type", decision_type, server_default="merits", nullable=False),
    )
    op.add_column("legal_case", sa.Column("proceeding_id", sa.Uuid(), nullable=True))
    op.create_foreign_key(
        op.f("fk_legal_case_proceeding_id_proceeding"),
        "legal_case",
        "proceeding",
        ["proceeding_id"],
        ["id"],
        ondelete="SET NULL",
    )
    op.create_index(op.f("ix_legal_case_proceeding_id"), "legal_case", ["proceeding_id"])
    op.execute(
        "UPDATE legal_case SET decision_type = CASE outcome "
        "WHEN 'inadmissible' THEN 'admissibility'::decision_type "
        "WHEN 'advisory' THEN 'advisory'::decision_type END "
        "WHERE outcome IN ('inadmissible', 'advisory')"
    )
    op.add_column(
        "case_identifier",
        sa.Column("decision_type", decision_type, server_default="merits", nullable=False),
    )
    op.execute(
        "UPDATE case_identifier i SET decision_type = c.decision_type FROM legal_case c "
        "WHERE c.id = i.case_id AND c.decision_type <> 'merits'"
    )
    op.drop_constraint(
        "uq_case_identifier_kind_value_forum_id_owner_org_id", "case_identifier", type_="unique"
    )
    op.create_unique_constraint(
        op.f("uq_case_identifier_kind_value_forum_id_owner_org_id_decision_type"),
        "case_identifier",
        ["kind", "value", "forum_id", "owner_org_id", "decision_type"],
    )


def downgrade() -> None:
    # Two decisions of one matter would collide under the old constraint: all but the first
    # lose the shared identifier (the cases themselves are kept).
    op.execute(
        "DELETE FROM case_identifier i USING case_identifier j "
        "WHERE i.kind = j.kind AND i.value = j.value AND i.forum_id = j.forum_id "
        "AND i.owner_org_id = j.owner_org_id AND i.id > j.id"
    )
    op.drop_constraint(
        op.f("uq_case_identifier_kind_value_forum_id_owner_org_id_decision_type"),
        "case_identifier",
        type_="unique",
    )
    op.create_unique_constraint(
        "uq_case_identifier_kind_value_forum_id_owner_org_id",
        "case_identifier",
        ["kind", "value", "forum_id", "owner_org_id"],
    )
    op.drop_column("case_identifier", "decision_type")
    op.drop_index(op.f("ix_legal_case_proceeding_id"), table_name="legal_case")
    op.drop_constraint(op.f("fk_legal_case_proceeding_id_proceeding"), "legal_case", type_="foreignkey")
    op.drop_column("legal_case", "proceeding_id")
    op.drop_column("legal_case", "decision_type")
    op.drop_table("proceeding")
    postgresql.ENUM(name="decision_type").drop(op.get_bind())
