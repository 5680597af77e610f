"""Health probe bodies."""

from __future__ import annotations

from pydantic import BaseModel


class Liveness(BaseModel):
    status: str = "ok"
    version: str


class Readiness(BaseModel):
    status: str = "ready"
    schema_revision: str | None
    server_version: int
    pg_trgm: bool
    unaccent: bool
    vector: bool
