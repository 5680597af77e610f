"""Cases a user follows: their updates appear on the user's home page. A new table:
nothing existing changes.

Revision ID: 0018_case_follows
Revises: 0017_web_sessions
Create Date: 2026-12-03 19:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018_case_follows"
down_revision: str | None = "0017_web_sessions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "case_follow",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["legal_case.id"],
            name=op.f("fk_case_follow_case_id_legal_case"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_case_follow_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "case_id", name=op.f("pk_case_follow")),
    )
    op.create_index(op.f("ix_case_follow_case_id"), "case_follow", ["case_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_case_follow_case_id"), table_name="case_follow")
    op.drop_table("case_follow")
