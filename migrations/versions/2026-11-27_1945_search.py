"""Full-text search and autocomplete: a generated tsvector on cases and trigram indexes.

The vector is a generated column, so PostgreSQL keeps it current inside each write.
`comity_unaccent` folds accents where the unaccent extension exists and is the identity
where it does not, so the schema is the same on every server.

Revision ID: 0007_search
Revises: 0006_claim_right_optional
Create Date: 2026-11-27 19:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_search"
down_revision: str | None = "0006_claim_right_optional"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SEARCH_VECTOR = (
    "setweight(to_tsvector(comity_ts_config(language), comity_unaccent(title)), 'A') || "
    "setweight(to_tsvector(comity_ts_config(language), comity_unaccent(holding)), 'B') || "
    "setweight(to_tsvector(comity_ts_config(language), comity_words(keywords)), 'B') || "
    "setweight(to_tsvector(comity_ts_config(language), comity_unaccent(facts_summary)), 'C')"
)


def _installed(name: str) -> bool:
    return bool(op.get_bind().scalar(
        sa.text("SELECT 1 FROM pg_extension WHERE extname = :n"), {"n": name}))


def upgrade() -> None:
    if _installed("unaccent"):
        schema = op.get_bind().scalar(sa.text(
            "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n "
            "ON n.oid = e.extnamespace WHERE e.extname = 'unaccent'"))
        body = f"SELECT {schema}.unaccent('{schema}.unaccent'::regdictionary, coalesce($1, ''))"
    else:
        body = "SELECT coalesce($1, '')"
    op.execute(
        "CREATE FUNCTION comity_unaccent(text) RETURNS text LANGUAGE sql IMMUTABLE "
        f"PARALLEL SAFE AS $$ {body} $$"
    )
    op.execute(
        "CREATE FUNCTION comity_ts_config(text) RETURNS regconfig LANGUAGE sql IMMUTABLE "
        "PARALLEL SAFE AS $$ SELECT CASE WHEN $1 IS NULL OR $1 = 'en' "
        "THEN 'english'::regconfig ELSE 'simple'::regconfig END $$"
    )
    op.execute(
        "CREATE FUNCTION comity_words(text[]) RETURNS text LANGUAGE sql IMMUTABLE "
        "PARALLEL SAFE AS $$ SELECT coalesce(array_to_string($1, ' '), '') $$"
    )
    op.execute(
        f"ALTER TABLE legal_case ADD COLUMN search_vector tsvector "
        f"GENERATED ALWAYS AS ({SEARCH_VECTOR}) STORED"
    )
    op.create_index("ix_legal_case_search_vector", "legal_case", ["search_vector"],
                    postgresql_using="gin")
    op.create_index("ix_legal_case_respondent_states", "legal_case", ["respondent_states"],
                    postgresql_using="gin")
    op.create_index("ix_legal_case_keywords", "legal_case", ["keywords"], postgresql_using="gin")
    if _installed("pg_trgm"):
        op.create_index("ix_legal_case_title_trgm", "legal_case", ["title"],
                        postgresql_using="gin", postgresql_ops={"title": "gin_trgm_ops"})
        op.create_index("ix_case_party_pseudonym_trgm", "case_party", ["pseudonym"],
                        postgresql_using="gin", postgresql_ops={"pseudonym": "gin_trgm_ops"})


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS ix_case_party_pseudonym_trgm")
    op.execute("DROP INDEX IF EXISTS ix_legal_case_title_trgm")
    op.drop_index("ix_legal_case_keywords", table_name="legal_case")
    op.drop_index("ix_legal_case_respondent_states", table_name="legal_case")
    op.drop_index("ix_legal_case_search_vector", table_name="legal_case")
    op.drop_column("legal_case", "search_vector")
    op.execute("DROP FUNCTION comity_words(text[])")
    op.execute("DROP FUNCTION comity_ts_config(text)")
    op.execute("DROP FUNCTION comity_unaccent(text)")
