"""A revision number for the reference data, moved on by every statement that writes it, so
that each process can keep the reference facts it reads in memory and know when they are
stale. The numbers come from a sequence: one that a rolled-back write took is never handed
out again, so no process can mistake data it read inside that write for committed data.

Revision ID: 0014_reference_revision
Revises: 0013_match_features
Create Date: 2026-12-03 15:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014_reference_revision"
down_revision: str | None = "0013_match_features"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REFERENCE_TABLES = (
    "jurisdiction",
    "system_membership",
    "instrument",
    "monitoring_body",
    "provision",
    "right_concept",
    "crosswalk_row",
    "forum",
    "complaint_route",
    "ratification",
    "withdrawal",
    "reservation",
    "citation_format",
    "keyword",
)


def upgrade() -> None:
    op.execute("CREATE SEQUENCE reference_revision_seq")
    op.create_table(
        "reference_revision",
        sa.Column("id", sa.SmallInteger(), nullable=False),
        sa.Column("revision", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_reference_revision_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reference_revision")),
    )
    op.execute("INSERT INTO reference_revision (id, revision) VALUES (1, nextval('reference_revision_seq'))")
    op.execute(
        """
        CREATE FUNCTION comity_reference_changed() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE reference_revision SET revision = nextval('reference_revision_seq')
            WHERE id = 1;
            RETURN NULL;
        END $$
        """
    )
    for table in REFERENCE_TABLES:
        op.execute(
            f"CREATE TRIGGER {table}_reference_changed "
            f"AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION comity_reference_changed()"
        )


def downgrade() -> None:
    for table in REFERENCE_TABLES:
        op.execute(f"DROP TRIGGER {table}_reference_changed ON {table}")
    op.execute("DROP FUNCTION comity_reference_changed()")
    op.drop_table("reference_revision")
    op.execute("DROP SEQUENCE reference_revision_seq")
