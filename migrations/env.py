"""Alembic environment: migrate the database Comity is configured for."""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from app import db
from app.models import metadata

config = context.config


def run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        compare_type=True,
        compare_server_default=True,
        include_object=_include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


def _include_object(
    obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    # Extension-owned tables and indexes are not ours to compare.
    return not (
        type_ == "table" and reflected and compare_to is None and name not in metadata.tables
    )


connection = config.attributes.get("connection")
if connection is not None:
    run(connection)
else:
    with db.get_engine().connect() as conn:
        run(conn)
        conn.commit()
