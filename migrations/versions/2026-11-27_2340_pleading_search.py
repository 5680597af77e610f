"""Model pleadings in search: a generated tsvector over title, summary and tags.

Like the cases' vector it is a generated column, so PostgreSQL keeps it current inside each
write, under the pleading's own language configuration.

Revision ID: 0009_pleading_search
Revises: 0008_search_narrow_rows
Create Date: 2026-11-27 23:40:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0009_pleading_search"
down_revision: str | None = "0008_search_narrow_rows"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SEARCH_VECTOR = (
    "setweight(to_tsvector(comity_ts_config(language), comity_unaccent(title)), 'A') || "
    "setweight(to_tsvector(comity_ts_config(language), comity_unaccent(summary)), 'B') || "
    "setweight(to_tsvector(comity_ts_config(language), comity_words(tags)), 'B')"
)


def upgrade() -> None:
    op.execute(
        "ALTER TABLE model_pleading ADD COLUMN search_vector tsvector "
        f"GENERATED ALWAYS AS ({SEARCH_VECTOR}) STORED"
    )
    op.create_index(
        "ix_model_pleading_search_vector",
        "model_pleading",
        ["search_vector"],
        postgresql_using="gin",
    )


def downgrade() -> None:
    op.drop_index("ix_model_pleading_search_vector", table_name="model_pleading")
    op.drop_column("model_pleading", "search_vector")
