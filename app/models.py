"""Every domain's tables, imported so that Alembic and tests see one complete metadata."""

from app.db import Base

metadata = Base.metadata
