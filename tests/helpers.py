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


def post_update(client: Any, case_id: object, headers: dict[str, str], **body: object) -> None:
    """Post a timeline entry to a case (a hearing unless body says otherwise), or fail."""
    r = client.post(
        f"/api/v1/cases/{case_id}/updates",
        json={"kind": "hearing", "occurred_on": "2026-11-30", "summary": "Heard.", **body},
        headers=headers,
    )
    assert r.status_code == 201, r.text
