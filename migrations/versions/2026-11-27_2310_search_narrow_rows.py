"""Faster search: narrow case rows and covering claim indexes.

`toast_tuple_target = 256` moves the long texts of a case (facts, holding, law, the search
vector) out of the row into TOAST storage, so scans that filter on the short columns read a
fifth of the pages. The short columns that filters and facets read on every hit (titles,
forum, States, keywords, populations) are kept in the row (storage MAIN): fetching each of
them from TOAST would cost more than it saves. This applies to rows written from now on;
`VACUUM FULL legal_case` rewrites existing ones.
The claim indexes cover what search reads (`case_id`, right, finding), so claim filters
and the right and finding facets are answered from the indexes alone.

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


INLINE_COLUMNS = (
    "reference_key",
    "title",
    "short_title",
    "citation",
    "forum_id",
    "forum_jurisdiction",
    "respondent_states",
    "language",
    "keywords",
    "populations",
)


def _storage(mode: str) -> str:
    columns = ", ".join(f"ALTER COLUMN {c} SET STORAGE {mode}" for c in INLINE_COLUMNS)
    return f"ALTER TABLE legal_case {columns}"


def upgrade() -> None:
    op.execute("ALTER TABLE legal_case SET (toast_tuple_target = 256)")
    op.execute(_storage("MAIN"))
    op.drop_index("ix_rights_claim_right_finding", table_name="rights_claim")
    op.create_index(
        "ix_rights_claim_right_finding_case", "rights_claim", ["right_id", "finding", "case_id"]
    )
    op.create_index("ix_rights_claim_finding_case", "rights_claim", ["finding", "case_id"])
    op.drop_index("ix_rights_claim_case_id", table_name="rights_claim")
    op.create_index(
        "ix_rights_claim_case_id",
        "rights_claim",
        ["case_id"],
        postgresql_include=["right_id", "finding"],
    )


def downgrade() -> None:
    op.drop_index("ix_rights_claim_case_id", table_name="rights_claim")
    op.create_index("ix_rights_claim_case_id", "rights_claim", ["case_id"])
    op.drop_index("ix_rights_claim_finding_case", table_name="rights_claim")
    op.drop_index("ix_rights_claim_right_finding_case", table_name="rights_claim")
    op.create_index("ix_rights_claim_right_finding", "rights_claim", ["right_id", "finding"])
    op.execute(_storage("EXTENDED"))
    op.execute("ALTER TABLE legal_case RESET (toast_tuple_target)")
