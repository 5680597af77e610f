"""Assertions shared across the suite."""

from __future__ import annotations

from typing import Any


def assert_problem(r: Any, status: int, code: str) -> dict[str, Any]:
    """Assert r is an RFC 9457 problem with this status and code; return its body."""
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = r.json()
    assert body["status"] == status
    assert body["code"] == code
    assert body["title"]
    return body
