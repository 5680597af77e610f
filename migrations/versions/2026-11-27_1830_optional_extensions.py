"""Install the optional extensions the server offers: pg_trgm, unaccent, vector.

Each is optional: a server without one (Debian's PostgreSQL 15 has no pgvector) still
migrates, and the features that need it degrade.

Revision ID: 0001_extensions
Revises:
Create Date: 2026-11-27 18:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001_extensions"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

EXTENSIONS = ("pg_trgm", "unaccent", "vector")


def upgrade() -> None:
    conn = op.get_bind()
    for name in EXTENSIONS:
        available = conn.scalar(
            sa.text("SELECT 1 FROM pg_available_extensions WHERE name = :n"), {"n": name}
        )
        if not available:
            continue
        # A role without the right to create it leaves the feature degraded, not the migration failed.
        with conn.begin_nested() as savepoint:
            try:
                conn.execute(sa.text(f'CREATE EXTENSION IF NOT EXISTS "{name}"'))
            except sa.exc.DBAPIError:
                savepoint.rollback()


def downgrade() -> None:
    # Extensions may be shared with other schemas; leaving them installed is harmless.
    pass
