"""Log in, refresh, log out, API tokens and revocation, end to end through HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit.models import AuditEvent
from app.orgs.models import Role
from tests.conftest import requests_in
from tests.factories import bearer, make_org, make_user
from tests.helpers import assert_problem

PASSWORD = "correct horse battery"


def login(client: TestClient, email: str, password: str = PASSWORD) -> Any:
    return client.post("/api/v1/auth/token", data={"username": email, "password": password})


@pytest.fixture
def member(session: Session) -> Any:
    org = make_org(session)
    return make_user(session, member_of=org, role=Role.litigator, password=PASSWORD)


@pytest.fixture
def relaxed_throttle(app: FastAPI) -> Iterator[None]:
    original = app.state.settings
    app.state.settings = original.model_copy(
        update={"login_account_threshold": 10_000, "login_address_threshold": 10_000}
    )
    yield
    app.state.settings = original


class TestLogin:
    def test_returns_a_token_pair_that_opens_me(self, client: TestClient, member: Any) -> None:
        r = login(client, member.email.upper())

        assert r.status_code == 200
        pair = r.json()
        assert pair["token_type"] == "bearer" and pair["expires_in"] == 900
        me = client.get("/api/v1/me", headers=bearer(pair["access_token"]))
        assert me.json()["email"] == member.email
        assert me.json()["memberships"][0]["role"] == "litigator"

    def test_wrong_password_is_401_with_bearer_challenge(
        self, client: TestClient, member: Any
    ) -> None:
        r = login(client, member.email, "wrong password!")

        assert_problem(r, 401, "invalid_credentials")
        assert r.headers["www-authenticate"] == "Bearer"

    def test_inactive_user_cannot_log_in(self, client: TestClient, session: Session) -> None:
        user = make_user(session, password=PASSWORD, active=False)

        assert_problem(login(client, user.email), 401, "invalid_credentials")

    def test_unknown_email_and_wrong_password_answer_the_same(
        self, client: TestClient, member: Any, relaxed_throttle: None
    ) -> None:
        """The answers are identical; that they take alike is `python -m bench login_timing`."""
        bodies = set()
        for i in range(5):
            for email in (f"nobody{i}@example.org", member.email):
                body = login(client, email, "not the password").json()
                bodies.add((body["status"], body["code"], body["detail"], body["title"]))

        assert len(bodies) == 1


class TestThrottling:
    def test_sixth_wrong_password_for_an_account_is_429(
        self, client: TestClient, member: Any, session: Session
    ) -> None:
        other = make_user(session, password=PASSWORD)
        statuses = [login(client, member.email, "nope nope nope").status_code for _ in range(6)]

        assert statuses == [401] * 5 + [429]
        r = login(client, member.email)
        assert_problem(r, 429, "too_many_attempts")
        assert int(r.headers["retry-after"]) >= 1
        assert login(client, other.email).status_code == 200

    def test_one_address_across_accounts_is_throttled_but_not_others(
        self, app: FastAPI, client: TestClient, session: Session
    ) -> None:
        statuses = [
            login(client, f"someone{i}@example.org", "guess guess guess").status_code
            for i in range(20)
        ]

        assert 429 in statuses
        assert statuses[:15] == [401] * 15
        user = make_user(session, password=PASSWORD)
        with requests_in(app, session), TestClient(app, client=("198.51.100.7", 4000)) as elsewhere:
            assert login(elsewhere, user.email).status_code == 200


class TestRefresh:
    def test_rotation_and_reuse_revokes_the_family(
        self, client: TestClient, member: Any, session: Session
    ) -> None:
        r1 = login(client, member.email).json()["refresh_token"]
        r2 = client.post("/api/v1/auth/refresh", json={"refresh_token": r1}).json()["refresh_token"]

        reuse = client.post("/api/v1/auth/refresh", json={"refresh_token": r1})

        assert_problem(reuse, 401, "refresh_token_reused")
        assert client.post("/api/v1/auth/refresh", json={"refresh_token": r2}).status_code == 401
        assert (
            session.scalar(select(AuditEvent).where(AuditEvent.action == "auth.refresh_reuse"))
            is not None
        )

    def test_unknown_refresh_token_is_401(self, client: TestClient) -> None:
        r = client.post("/api/v1/auth/refresh", json={"refresh_token": "made-up"})

        assert_problem(r, 401, "unauthenticated")


class TestRevocation:
    """Every way of ending sessions stops old access and refresh tokens at once."""

    def _session_tokens(self, client: TestClient, email: str) -> tuple[str, str]:
        pair = login(client, email).json()
        return pair["access_token"], pair["refresh_token"]

    def _assert_dead(self, client: TestClient, access: str, refresh: str) -> None:
        assert client.get("/api/v1/me", headers=bearer(access)).status_code == 401
        assert (
            client.post("/api/v1/auth/refresh", json={"refresh_token": refresh}).status_code == 401
        )

    def test_logout_everywhere(self, client: TestClient, member: Any) -> None:
        access, refresh = self._session_tokens(client, member.email)

        r = client.post("/api/v1/auth/logout", json={"everywhere": True}, headers=bearer(access))

        assert r.status_code == 204
        self._assert_dead(client, access, refresh)

    def test_logout_revokes_the_refresh_token(self, client: TestClient, member: Any) -> None:
        access, refresh = self._session_tokens(client, member.email)

        client.post("/api/v1/auth/logout", json={"refresh_token": refresh}, headers=bearer(access))

        assert (
            client.post("/api/v1/auth/refresh", json={"refresh_token": refresh}).status_code == 401
        )

    def test_password_change(self, client: TestClient, member: Any) -> None:
        access, refresh = self._session_tokens(client, member.email)

        r = client.post(
            "/api/v1/me/password",
            json={"current_password": PASSWORD, "new_password": "a brand new passphrase"},
            headers=bearer(access),
        )

        assert r.status_code == 204
        self._assert_dead(client, access, refresh)
        assert login(client, member.email, "a brand new passphrase").status_code == 200

    def test_role_change_and_removal(
        self, client: TestClient, session: Session, as_user: Any
    ) -> None:
        org = make_org(session)
        admin = make_user(session, member_of=org, role=Role.admin)
        user = make_user(session, member_of=org, role=Role.litigator, password=PASSWORD)
        access, refresh = self._session_tokens(client, user.email)

        r = client.patch(
            f"/api/v1/organisations/{org.id}/members/{user.id}",
            json={"role": "viewer"},
            headers=as_user(admin),
        )
        assert r.status_code == 200
        self._assert_dead(client, access, refresh)

        access, refresh = self._session_tokens(client, user.email)
        r = client.delete(
            f"/api/v1/organisations/{org.id}/members/{user.id}", headers=as_user(admin)
        )
        assert r.status_code == 204
        self._assert_dead(client, access, refresh)

    def test_deactivation(self, client: TestClient, session: Session, as_user: Any) -> None:
        hub = make_user(session, hub_admin=True)
        user = make_user(session, password=PASSWORD)
        access, refresh = self._session_tokens(client, user.email)

        r = client.patch(f"/api/v1/users/{user.id}", json={"active": False}, headers=as_user(hub))

        assert r.status_code == 200
        self._assert_dead(client, access, refresh)


class TestApiTokens:
    def test_create_use_list_and_revoke(
        self, client: TestClient, member: Any, as_user: Any
    ) -> None:
        created = client.post(
            "/api/v1/me/api-tokens",
            json={"name": "sync", "scopes": ["read"]},
            headers=as_user(member),
        )
        assert created.status_code == 201
        token = created.json()["token"]
        assert token.startswith("comity_")

        assert client.get("/api/v1/me", headers=bearer(token)).status_code == 200
        listed = client.get("/api/v1/me/api-tokens", headers=as_user(member)).json()
        assert "token" not in listed[0] and listed[0]["last_used_at"] is not None

        write = client.post(
            "/api/v1/me/api-tokens", json={"name": "x", "scopes": ["read"]}, headers=bearer(token)
        )
        assert_problem(write, 403, "insufficient_scope")

        gone = client.delete(
            f"/api/v1/me/api-tokens/{created.json()['id']}", headers=as_user(member)
        )
        assert gone.status_code == 204
        assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401

    def test_expiry_in_the_past_is_422(self, client: TestClient, member: Any, as_user: Any) -> None:
        r = client.post(
            "/api/v1/me/api-tokens",
            headers=as_user(member),
            json={"name": "x", "scopes": ["read"], "expires_at": "2020-01-01T00:00:00Z"},
        )

        assert_problem(r, 422, "validation_error")


class TestBadCredentials:
    def test_non_bearer_authorization_is_401(self, client: TestClient) -> None:
        r = client.get("/api/v1/me", headers={"Authorization": "Basic dXNlcjpwYXNz"})

        assert_problem(r, 401, "unauthenticated")
        assert r.headers["www-authenticate"] == "Bearer"

    def test_token_of_deleted_user_is_401(
        self, client: TestClient, session: Session, as_user: Any
    ) -> None:
        user = make_user(session)
        headers = as_user(user)
        session.delete(user)
        session.flush()

        assert client.get("/api/v1/me", headers=headers).status_code == 401

    @given(value=st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=255), max_size=300))
    @settings(max_examples=2000, deadline=None, suppress_health_check=list(HealthCheck))
    def test_fuzzed_authorization_never_5xx(self, client: TestClient, value: str) -> None:
        raw: Any = {"Authorization": value.encode("latin-1")}
        r = client.get("/api/v1/me", headers=raw)

        assert r.status_code < 500
