"""A claim may rest on provisions alone when no right concept covers them.

Revision ID: 0006_claim_right_optional
Revises: 0005_pleadings
Create Date: 2026-11-27 19:35:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_claim_right_optional"
down_revision: str | None = "0005_pleadings"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.alter_column("rights_claim", "right_id", existing_type=sa.String(length=60), nullable=True)


def downgrade() -> None:
    op.execute("DELETE FROM rights_claim WHERE right_id IS NULL")
    op.alter_column("rights_claim", "right_id", existing_type=sa.String(length=60), nullable=False)
