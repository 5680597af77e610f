"""Organisations and memberships through HTTP."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.orgs.models import Role
from tests.factories import make_org, make_user
from tests.helpers import assert_problem

NEW_ORG = {"name": "Kituo Legal Aid", "slug": "kituo-legal-aid", "kind": "ngo", "country": "ke"}


class TestCreateOrganisation:
    def test_hub_admin_creates(self, client: TestClient, session: Session, as_user: Any) -> None:
        hub = make_user(session, hub_admin=True)

        r = client.post("/api/v1/organisations", json=NEW_ORG, headers=as_user(hub))

        assert r.status_code == 201
        assert r.json()["country"] == "KE"
        assert r.headers["etag"] == '"1"'

    def test_duplicate_slug_is_409(
        self, client: TestClient, session: Session, as_user: Any
    ) -> None:
        hub = make_user(session, hub_admin=True)
        client.post("/api/v1/organisations", json=NEW_ORG, headers=as_user(hub))

        r = client.post("/api/v1/organisations", json=NEW_ORG, headers=as_user(hub))

        assert_problem(r, 409, "conflict")

    def test_unknown_country_is_422_naming_the_field(
        self, client: TestClient, session: Session, as_user: Any
    ) -> None:
        hub = make_user(session, hub_admin=True)

        r = client.post(
            "/api/v1/organisations", json={**NEW_ORG, "country": "ZZ"}, headers=as_user(hub)
        )

        body = assert_problem(r, 422, "validation_error")
        assert body["errors"][0]["loc"] == ["body", "country"]

    def test_smuggled_fields_are_rejected(
        self, client: TestClient, session: Session, as_user: Any
    ) -> None:
        hub = make_user(session, hub_admin=True)

        r = client.post(
            "/api/v1/organisations",
            json={**NEW_ORG, "owner_org_id": "x", "version": 7},
            headers=as_user(hub),
        )

        assert_problem(r, 422, "validation_error")


class TestPatchOrganisation:
    def test_needs_if_match_and_rejects_stale(
        self, client: TestClient, session: Session, as_user: Any
    ) -> None:
        org = make_org(session)
        admin = make_user(session, member_of=org, role=Role.admin)
        url = f"/api/v1/organisations/{org.id}"

        assert_problem(
            client.patch(url, json={"name": "A"}, headers=as_user(admin)),
            428,
            "precondition_required",
        )
        ok = client.patch(url, json={"name": "A"}, headers={**as_user(admin), "If-Match": '"1"'})
        assert ok.status_code == 200 and ok.headers["etag"] == '"2"'
        stale = client.patch(url, json={"name": "B"}, headers={**as_user(admin), "If-Match": '"1"'})
        body = assert_problem(stale, 412, "precondition_failed")
        assert body["current_etag"] == '"2"'

    def test_admin_cannot_deactivate_own_org(
        self, client: TestClient, session: Session, as_user: Any
    ) -> None:
        org = make_org(session)
        admin = make_user(session, member_of=org, role=Role.admin)

        r = client.patch(
            f"/api/v1/organisations/{org.id}",
            json={"active": False},
            headers={**as_user(admin), "If-Match": '"1"'},
        )

        assert_problem(r, 403, "forbidden")


class TestMembers:
    def test_last_admin_cannot_be_removed_or_demoted(
        self, client: TestClient, session: Session, as_user: Any
    ) -> None:
        org = make_org(session)
        admin = make_user(session, member_of=org, role=Role.admin)
        url = f"/api/v1/organisations/{org.id}/members/{admin.id}"

        assert_problem(client.delete(url, headers=as_user(admin)), 409, "last_admin")
        assert_problem(
            client.patch(url, json={"role": "viewer"}, headers=as_user(admin)), 409, "last_admin"
        )

    def test_adding_existing_member_is_409(
        self, client: TestClient, session: Session, as_user: Any
    ) -> None:
        org = make_org(session)
        admin = make_user(session, member_of=org, role=Role.admin)

        r = client.post(
            f"/api/v1/organisations/{org.id}/members",
            headers=as_user(admin),
            json={"email": admin.email, "role": "viewer"},
        )

        assert_problem(r, 409, "conflict")

    def test_role_cannot_be_smuggled_as_hub_admin(
        self, client: TestClient, session: Session, as_user: Any
    ) -> None:
        org = make_org(session)
        admin = make_user(session, member_of=org, role=Role.admin)

        r = client.post(
            f"/api/v1/organisations/{org.id}/members",
            headers=as_user(admin),
            json={"email": "x@example.org", "role": "admin", "is_hub_admin": True},
        )

        assert_problem(r, 422, "validation_error")

    def test_members_listed_for_members_only(
        self, client: TestClient, session: Session, as_user: Any
    ) -> None:
        org, other = make_org(session), make_org(session)
        viewer = make_user(session, member_of=org, role=Role.viewer)
        outsider = make_user(session, member_of=other, role=Role.admin)
        url = f"/api/v1/organisations/{org.id}/members"

        assert [m["email"] for m in client.get(url, headers=as_user(viewer)).json()] == [
            viewer.email
        ]
        assert_problem(client.get(url, headers=as_user(outsider)), 403, "forbidden")


class TestUsers:
    def test_non_hub_admin_cannot_grant_hub_admin(
        self, client: TestClient, session: Session, as_user: Any
    ) -> None:
        org = make_org(session)
        admin = make_user(session, member_of=org, role=Role.admin)

        r = client.patch(
            f"/api/v1/users/{admin.id}", json={"is_hub_admin": True}, headers=as_user(admin)
        )

        assert_problem(r, 403, "forbidden")
        session.refresh(admin)
        assert admin.is_hub_admin is False
