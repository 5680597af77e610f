"""Idempotency-Key for POST: a retry with the same key and body replays the first response.

The first request inserts the key row and holds its lock until it commits, so a concurrent
retry waits on the insert and then reads the stored response instead of writing twice.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends, Header, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from sqlalchemy import DateTime, Integer, String, func, select
from sqlalchemy.dialects.postgresql import JSONB, insert
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.db import Base, SessionDep
from app.errors import FieldError, ValidationFailed


class IdempotencyRecord(Base):
    __tablename__ = "idempotency_key"

    user_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    route: Mapped[str] = mapped_column(String(300))
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int | None] = mapped_column(Integer)
    body: Mapped[Any] = mapped_column(JSONB, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class KeyReused(ValidationFailed):
    code = "idempotency_key_reused"
    title = "Idempotency-Key already used for another request"


class Idempotency:
    def __init__(self, session: Session, request: Request, key: str | None) -> None:
        self.session = session
        self.request = request
        self.key = key

    def run(
        self,
        user_id: uuid.UUID | None,
        body: Any,
        produce: Callable[[], Any],
        *,
        status_code: int,
    ) -> Any:
        """Produce the response once per (user, key); replays answer from storage."""
        if self.key is None or user_id is None:
            return produce()
        route = f"{self.request.method} {self.request.url.path}"
        digest = hashlib.sha256(
            json.dumps([route, jsonable_encoder(body)], sort_keys=True).encode()
        ).hexdigest()
        claimed = self.session.execute(
            insert(IdempotencyRecord)
            .values(user_id=user_id, key=self.key, route=route, request_hash=digest)
            .on_conflict_do_nothing()
            .returning(IdempotencyRecord.key)
        ).first()
        if claimed is None:
            record = self.session.scalar(
                select(IdempotencyRecord).where(
                    IdempotencyRecord.user_id == user_id, IdempotencyRecord.key == self.key
                )
            )
            assert record is not None
            if record.request_hash != digest:
                raise KeyReused(
                    "This Idempotency-Key was used with a different request; use a new key.",
                    errors=[
                        FieldError(
                            loc=["header", "Idempotency-Key"],
                            msg="reused",
                            type="idempotency_key_reused",
                        )
                    ],
                )
            return JSONResponse(
                record.body,
                status_code=record.status_code or status_code,
                headers={"Idempotent-Replay": "true"},
            )
        result = produce()
        encoded = jsonable_encoder(result)
        record = self.session.get(IdempotencyRecord, (user_id, self.key))
        assert record is not None
        record.status_code = status_code
        record.body = encoded
        return result


def get_idempotency(
    request: Request,
    session: SessionDep,
    idempotency_key: Annotated[
        str | None,
        Header(max_length=200, description="Retry-safe key: a repeat returns the first response."),
    ] = None,
) -> Idempotency:
    return Idempotency(session, request, idempotency_key)


IdempotencyDep = Annotated[Idempotency, Depends(get_idempotency)]
