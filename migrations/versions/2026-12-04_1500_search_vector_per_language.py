"""One GIN index of the cases' search vectors per text search configuration, over that
configuration's texts alone, in place of one index over all of them.

A search reads the query once per configuration (English, Spanish, French, neutral) and
matches each reading against the cases of that configuration's languages. With one index
over every case the planner either let the index find every language's matches and threw
most away after reading their rows, or, for a small language, walked all public cases and
read back each one's search vector to test it (10,000 cases: three of the four readings took
about 50 ms each). Over a partial index each reading finds its own cases and nothing else.

The predicates are those of `app.cases.models.language_is`, written out.

Revision ID: 0021_search_vector_per_language
Revises: 0020_spanish_french_stemming
Create Date: 2026-12-04 15:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0021_search_vector_per_language"
down_revision: str | None = "0020_spanish_french_stemming"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PREDICATES = {
    "english": "language IS NULL OR language IN ('en')",
    "spanish": "language IN ('es')",
    "french": "language IN ('fr')",
    "simple": "language IS NOT NULL AND (language NOT IN ('en', 'es', 'fr'))",
}


def upgrade() -> None:
    for config, predicate in PREDICATES.items():
        op.execute(
            f"CREATE INDEX ix_legal_case_search_vector_{config} ON legal_case "
            f"USING gin (search_vector) WHERE {predicate}"
        )
    op.execute("DROP INDEX ix_legal_case_search_vector")


def downgrade() -> None:
    op.execute("CREATE INDEX ix_legal_case_search_vector ON legal_case USING gin (search_vector)")
    for config in PREDICATES:
        op.execute(f"DROP INDEX ix_legal_case_search_vector_{config}")
