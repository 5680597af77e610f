"""The current request's id, readable from anywhere in the request's task (logs, errors, audit)."""

from __future__ import annotations

import re
import uuid
from contextvars import ContextVar

_request_id: ContextVar[str | None] = ContextVar("comity_request_id", default=None)

_ACCEPTABLE = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


def current_request_id() -> str | None:
    return _request_id.get()


def set_request_id(value: str | None) -> str:
    """Honour a well-formed client id, otherwise generate one; returns the id in force."""
    rid = value if value and _ACCEPTABLE.match(value) else uuid.uuid4().hex
    _request_id.set(rid)
    return rid
