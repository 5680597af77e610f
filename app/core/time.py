"""The clock, in one place so that services take `now` as a value and tests can pass one."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)
