"""Faster search: narrow case rows and covering claim indexes.

`toast_tuple_target = 256` moves the long texts of a case (facts, holding, law) out of the
row into TOAST storage, so scans that filter on the short columns read a fifth of the pages.
It applies to rows written from now on; `VACUUM FULL legal_case` rewrites existing ones.
The claim indexes carry `case_id`, so "a claim of this right with this finding" is answered
from the index alone.

Revision ID: 0008_search_narrow_rows
Revises: 0007_search
Create Date: 2026-11-27 23:10:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008_search_narrow_rows"
down_revision: str | None = "0007_search"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("ALTER TABLE legal_case SET (toast_tuple_target = 256)")
    op.drop_index("ix_rights_claim_right_finding", table_name="rights_claim")
    op.create_index(
        "ix_rights_claim_right_finding_case", "rights_claim", ["right_id", "finding", "case_id"]
    )
    op.create_index("ix_rights_claim_finding_case", "rights_claim", ["finding", "case_id"])


def downgrade() -> None:
    op.drop_index("ix_rights_claim_finding_case", table_name="rights_claim")
    op.drop_index("ix_rights_claim_right_finding_case", table_name="rights_claim")
    op.create_index("ix_rights_claim_right_finding", "rights_claim", ["right_id", "finding"])
    op.execute("ALTER TABLE legal_case RESET (toast_tuple_target)")
