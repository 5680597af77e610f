"""Every write leaves one audit row; nobody can change the trail."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from app.audit.models import AuditEvent
from app.orgs.models import Role
from tests.factories import make_org, make_user
from tests.helpers import assert_problem


class TestAuditTrail:
    def test_membership_change_is_audited_with_request_id(
        self, client: TestClient, session: Session, as_user: Any
    ) -> None:
        org = make_org(session)
        admin = make_user(session, member_of=org, role=Role.admin)
        user = make_user(session, member_of=org, role=Role.viewer)

        client.patch(
            f"/api/v1/organisations/{org.id}/members/{user.id}",
            json={"role": "staff"},
            headers={**as_user(admin), "X-Request-ID": "audit-req-1"},
        )

        events = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "membership.update")
        ).all()
        assert len(events) == 1
        assert events[0].before == {"role": "viewer"} and events[0].after == {"role": "staff"}
        assert events[0].request_id == "audit-req-1"
        assert events[0].actor_user_id == admin.id

    def test_org_admin_reads_own_trail_only(
        self, client: TestClient, session: Session, as_user: Any
    ) -> None:
        org, other = make_org(session), make_org(session)
        admin = make_user(session, member_of=org, role=Role.admin)
        make_user(session, member_of=other, role=Role.admin)
        client.post(
            f"/api/v1/organisations/{other.id}/members",
            headers=as_user(admin),
            json={"email": "z@example.org", "role": "viewer"},
        )
        client.post(
            f"/api/v1/organisations/{org.id}/members",
            headers=as_user(admin),
            json={"email": "y@example.org", "role": "viewer"},
        )

        trail = client.get("/api/v1/audit", headers=as_user(admin)).json()["items"]

        assert trail and {e["organisation_id"] for e in trail} == {str(org.id)}
        foreign = client.get(f"/api/v1/audit?organisation_id={other.id}", headers=as_user(admin))
        assert_problem(foreign, 403, "forbidden")

    def test_viewer_cannot_read_trail(
        self, client: TestClient, session: Session, as_user: Any
    ) -> None:
        viewer = make_user(session, member_of=make_org(session), role=Role.viewer)

        assert_problem(client.get("/api/v1/audit", headers=as_user(viewer)), 403, "forbidden")

    def test_pagination_and_forged_cursor(
        self, client: TestClient, session: Session, as_user: Any
    ) -> None:
        org = make_org(session)
        admin = make_user(session, member_of=org, role=Role.admin)
        for i in range(3):
            client.post(
                f"/api/v1/organisations/{org.id}/members",
                headers=as_user(admin),
                json={"email": f"p{i}@example.org", "role": "viewer"},
            )

        first = client.get("/api/v1/audit?limit=2", headers=as_user(admin)).json()
        second = client.get(
            f"/api/v1/audit?limit=2&cursor={first['next_cursor']}", headers=as_user(admin)
        ).json()

        assert len(first["items"]) == 2
        assert first["items"][-1]["id"] > second["items"][0]["id"]
        forged = client.get("/api/v1/audit?cursor=%%%garbage", headers=as_user(admin))
        assert_problem(forged, 422, "validation_error")


class TestAppendOnly:
    @pytest.mark.parametrize(
        "statement",
        [
            "UPDATE audit_event SET action = 'x'",
            "DELETE FROM audit_event",
            "TRUNCATE audit_event",
        ],
    )
    def test_database_refuses_modification(self, engine: Engine, statement: str) -> None:
        with engine.connect() as conn, pytest.raises(DBAPIError, match="append-only"):
            conn.execute(text(statement))
