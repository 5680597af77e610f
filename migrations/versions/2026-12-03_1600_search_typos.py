"""Typo tolerance without accents: the trigram indexes of titles and party pseudonyms are
over their accent-folded text, so that `velez lor` finds Vélez Loor, in suggestions and in
search's did-you-mean. Only where the server offers pg_trgm; elsewhere suggestions fall back
to substring matching and no did-you-mean is offered.

Revision ID: 0015_search_typos
Revises: 0014_reference_revision
Create Date: 2026-12-03 16:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015_search_typos"
down_revision: str | None = "0014_reference_revision"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _trgm() -> bool:
    return bool(op.get_bind().scalar(sa.text("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")))


def upgrade() -> None:
    op.execute("DROP INDEX IF EXISTS ix_legal_case_title_trgm")
    op.execute("DROP INDEX IF EXISTS ix_case_party_pseudonym_trgm")
    if _trgm():
        op.execute(
            "CREATE INDEX ix_legal_case_title_folded_trgm ON legal_case "
            "USING gin (comity_unaccent(title) gin_trgm_ops)"
        )
        op.execute(
            "CREATE INDEX ix_case_party_pseudonym_folded_trgm ON case_party "
            "USING gin (comity_unaccent(pseudonym) gin_trgm_ops)"
        )


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS ix_case_party_pseudonym_folded_trgm")
    op.execute("DROP INDEX IF EXISTS ix_legal_case_title_folded_trgm")
    if _trgm():
        op.execute("CREATE INDEX ix_legal_case_title_trgm ON legal_case USING gin (title gin_trgm_ops)")
        op.execute(
            "CREATE INDEX ix_case_party_pseudonym_trgm ON case_party "
            "USING gin (pseudonym gin_trgm_ops)"
        )
