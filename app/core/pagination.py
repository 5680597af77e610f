"""Cursor pagination: opaque cursors that a client cannot forge into a 500."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import datetime
from typing import Any, Generic, TypeVar

from pydantic import BaseModel
from sqlalchemy import Select

from app.errors import FieldError, ValidationFailed

T = TypeVar("T")
C = TypeVar("C")


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = None


def encode_cursor(value: Any) -> str:
    raw = json.dumps(value, separators=(",", ":"), default=str).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, kind: type[C]) -> C:
    """Decode a cursor made by encode_cursor whose payload is of `kind`; else a 422."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        value = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        value = None
    if isinstance(value, kind) and not isinstance(value, bool):
        return value
    raise ValidationFailed(
        "The cursor is not one this API issued.",
        errors=[FieldError(loc=["query", "cursor"], msg="invalid cursor", type="value_error")],
    )


def newest_first_cursor(created_at: datetime, id: uuid.UUID) -> str:
    """The cursor after a row of a list ordered by (created_at desc, id)."""
    return encode_cursor([created_at.isoformat(), str(id)])


def after_newest_first(cursor: str) -> tuple[datetime, uuid.UUID]:
    """The (created_at, id) a `newest_first_cursor` names; a 422 for anything else."""
    payload = decode_cursor(cursor, list)
    try:
        return datetime.fromisoformat(payload[0]), uuid.UUID(str(payload[1]))
    except (IndexError, TypeError, ValueError) as exc:
        raise ValidationFailed(
            "The cursor is not one this API issued.",
            errors=[FieldError(loc=["query", "cursor"], msg="invalid cursor", type="value_error")],
        ) from exc


def newest_first(
    query: Select[Any], created_at: Any, id: Any, before: tuple[datetime, uuid.UUID] | None
) -> Select[Any]:
    """query ordered newest first (ties by id), after the row `before` names, if any."""
    if before is not None:
        created, last = before
        query = query.where((created_at < created) | ((created_at == created) & (id > last)))
    return query.order_by(created_at.desc(), id)
