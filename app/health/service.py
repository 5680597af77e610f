"""Readiness: the database answers and its schema is the one this code expects."""

from __future__ import annotations

from sqlalchemy.exc import SQLAlchemyError

from app import db
from app.errors import ServiceUnavailable
from app.health.schemas import Readiness


def check_readiness() -> Readiness:
    try:
        with db.get_engine().connect() as conn:
            status = db.schema_status(conn)
            caps = db.detect_capabilities(conn)
            version = db.server_version(conn)
    except SQLAlchemyError as exc:
        raise ServiceUnavailable(
            "The database cannot be reached.", headers={"Retry-After": "5"}
        ) from exc
    if not status.at_head:
        raise ServiceUnavailable(
            f"The database schema is at {status.current or 'nothing'}, the code needs "
            f"{status.head}: run `comity db upgrade`.",
            headers={"Retry-After": "30"},
        )
    return Readiness(
        schema_revision=status.current,
        server_version=version,
        pg_trgm=caps.pg_trgm,
        unaccent=caps.unaccent,
        vector=caps.vector,
    )
