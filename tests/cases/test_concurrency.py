"""Concurrent writers against real PostgreSQL with real threads and real commits."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, delete, func, select, text
from sqlalchemy.orm import Session

from app.cases.models import LegalCase
from app.orgs.models import Organisation, Role
from tests.factories import access_token, bearer, make_org, make_user

PARALLEL = 20


@pytest.fixture
def committed(engine: Engine) -> Iterator[dict[str, Any]]:
    """An organisation, a litigator and a case committed for real, removed afterwards."""
    with Session(engine, expire_on_commit=False) as s:
        org = make_org(s)
        user = make_user(s, member_of=org, role=Role.litigator)
        s.commit()
        world: dict[str, Any] = {"org": org.id, "user": user, "org_obj": org}
    yield world
    with engine.begin() as conn:
        conn.execute(delete(LegalCase).where(LegalCase.owner_org_id == world["org"]))
        conn.execute(text("DELETE FROM membership WHERE organisation_id = :o"), {"o": world["org"]})
        conn.execute(
            text("DELETE FROM idempotency_key WHERE user_id = :u"), {"u": world["user"].id}
        )
        conn.execute(text("DELETE FROM user_account WHERE id = :u"), {"u": world["user"].id})
        conn.execute(delete(Organisation).where(Organisation.id == world["org"]))


def run_parallel(fn: Any, n: int = PARALLEL) -> list[Any]:
    barrier = threading.Barrier(n)
    results: list[Any] = [None] * n

    def worker(i: int) -> None:
        barrier.wait()
        results[i] = fn(i)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


BODY = {
    "title": "Concurrent v. Malta",
    "forum_id": "ECTHR",
    "respondent_states": ["MT"],
    "claims": [{"right_id": "liberty_arbitrary_detention", "provisions": ["ECHR:5-1-f"]}],
}


class TestConcurrentWrites:
    def test_twenty_patches_with_one_etag_exactly_one_wins(
        self, app: FastAPI, engine: Engine, committed: dict[str, Any]
    ) -> None:
        headers = bearer(access_token(app, committed["user"]))
        with TestClient(app) as client:
            case = client.post("/api/v1/cases", json=BODY, headers=headers).json()
            tag = f'"{case["version"]}"'
            statuses = run_parallel(
                lambda i: client.patch(
                    f"/api/v1/cases/{case['id']}",
                    json={"holding": f"writer {i}"},
                    headers={**headers, "If-Match": tag},
                )
            )
            stored = client.get(f"/api/v1/cases/{case['id']}", headers=headers).json()

        codes = sorted(r.status_code for r in statuses)
        assert codes == [200] + [412] * (PARALLEL - 1)
        winner = next(r for r in statuses if r.status_code == 200).json()
        assert stored["holding"] == winner["holding"]
        assert stored["version"] == case["version"] + 1

    def test_same_idempotency_key_ten_times_creates_one_case(
        self, app: FastAPI, engine: Engine, committed: dict[str, Any]
    ) -> None:
        headers = {
            **bearer(access_token(app, committed["user"])),
            "Idempotency-Key": str(uuid.uuid4()),
        }
        with TestClient(app) as client:
            responses = run_parallel(
                lambda i: client.post("/api/v1/cases", json=BODY, headers=headers), n=10
            )

        assert {r.status_code for r in responses} == {201}
        assert len({r.json()["id"] for r in responses}) == 1
        with Session(engine) as s:
            count = s.scalar(
                select(func.count())
                .select_from(LegalCase)
                .where(LegalCase.owner_org_id == committed["org"])
            )
        assert count == 1
