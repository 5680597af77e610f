"""The membership probe's findings, each replayed as the attack it was, through HTTP.

Organisation A holds a private case with protected client data; organisation B's admin,
a hub admin and outsiders try to reach it by way of membership.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from app.auth.models import UserAccount
from app.cli import proxy_options
from app.config import Settings
from app.core.time import utcnow
from app.orgs.models import Invitation, Membership, Organisation, Role, Visibility
from app.outbox import service as outbox
from app.outbox.mail import Mail
from app.worker import handlers
from tests.auth.test_tokens import HEADER, forge, good_claims
from tests.conftest import TEST_SECRET
from tests.factories import bearer, make_case, make_org, make_pleading, make_user
from tests.helpers import assert_problem

PROTECTED = {
    "role": "applicant",
    "pseudonym": "A.B.",
    "protected": {
        "legal_names": ["Canary Legalname"],
        "date_of_birth": "2011-04-05",
        "personal_file_numbers": ["FILE-CANARY-1"],
    },
}
NEWHIRE = "newhire@example.org"
PASSWORD = "chosen by the mailbox owner"
TOKEN = re.compile(r"inv_[A-Za-z0-9_-]+")


class RecordingMailer:
    def __init__(self) -> None:
        self.sent: list[Mail] = []

    def send(self, mail: Mail) -> None:
        self.sent.append(mail)


def deliver(session: Session, settings: Settings) -> list[Mail]:
    """Run the outbox as `comity worker` would, and return the mail it sent."""
    mailer = RecordingMailer()
    outbox.drain_batch(session, handlers(settings), mailer, now=utcnow(), limit=1000)
    return mailer.sent


def token_mailed_to(mails: list[Mail], address: str) -> str:
    [mail] = [m for m in mails if m.to == address and TOKEN.search(m.body)]
    match = TOKEN.search(mail.body)
    assert match is not None
    return match.group(0)


@dataclass
class Orgs:
    a: Organisation
    b: Organisation
    a_admin: UserAccount
    b_admin: UserAccount
    hub: UserAccount
    case_id: str
    party_id: str


@pytest.fixture
def orgs(client: TestClient, session: Session, as_user: Any) -> Orgs:
    a, b = make_org(session), make_org(session)
    a_admin = make_user(session, member_of=a, role=Role.admin, password="a admin password")
    b_admin = make_user(session, member_of=b, role=Role.admin, password="b admin password")
    hub = make_user(session, hub_admin=True, password="hub admin password")
    case = make_case(session, org=a, visibility=Visibility.private, title="Secret v. Malta")
    party = client.post(
        f"/api/v1/cases/{case.id}/parties", json=PROTECTED, headers=as_user(a_admin)
    )
    assert party.status_code == 201, party.text
    return Orgs(a, b, a_admin, b_admin, hub, str(case.id), party.json()["id"])


def protected_read(client: TestClient, o: Orgs, headers: dict[str, str]) -> Any:
    return client.get(f"/api/v1/cases/{o.case_id}/parties/{o.party_id}/protected", headers=headers)


def login(client: TestClient, email: str, password: str) -> Any:
    return client.post("/api/v1/auth/token", data={"username": email, "password": password})


def invite(client: TestClient, org: Organisation, admin: Any, email: str, role: str) -> Any:
    return client.post(
        f"/api/v1/organisations/{org.id}/members",
        json={"email": email, "role": role},
        headers=admin,
    )


def is_member(session: Session, org: Organisation, email: str) -> bool:
    return (
        session.scalar(
            select(Membership.role)
            .join(UserAccount, UserAccount.id == Membership.user_id)
            .where(Membership.organisation_id == org.id, UserAccount.email == email)
        )
        is not None
    )


class TestPreRegistrationTakeover:
    """Finding 1: B invites an address, accepts for it, leaves; A later adds the address."""

    def test_the_inviter_never_holds_the_token(
        self, client: TestClient, session: Session, settings: Settings, orgs: Orgs, as_user: Any
    ) -> None:
        r = invite(client, orgs.b, as_user(orgs.b_admin), NEWHIRE, "viewer")

        assert r.status_code == 202, r.text
        assert not TOKEN.search(r.text)
        assert "token" not in r.json()
        trail = client.get("/api/v1/audit", headers=as_user(orgs.b_admin))
        assert not TOKEN.search(trail.text)
        mails = deliver(session, settings)
        assert {m.to for m in mails} == {NEWHIRE}
        stored = session.scalars(select(Invitation.token_hash)).all()
        assert token_mailed_to(mails, NEWHIRE) not in stored  # only its digest is kept

    def test_b_cannot_set_a_password_for_an_address_it_invited(
        self, client: TestClient, session: Session, orgs: Orgs, as_user: Any
    ) -> None:
        invite(client, orgs.b, as_user(orgs.b_admin), NEWHIRE, "viewer")

        guessed = client.post(
            "/api/v1/auth/invitations/accept", json={"token": "inv_guess", "password": PASSWORD}
        )

        assert_problem(guessed, 404, "not_found")
        assert session.scalar(select(UserAccount).where(UserAccount.email == NEWHIRE)) is None

    def test_a_pre_registered_account_is_reclaimed_by_its_mailbox_owner(
        self, client: TestClient, session: Session, settings: Settings, orgs: Orgs, as_user: Any
    ) -> None:
        # The account as the flaw left it: B chose its password; nobody proved the address.
        planted = make_user(session, email=NEWHIRE, password="b knows this password")
        b_session = login(client, NEWHIRE, "b knows this password").json()["access_token"]

        r = invite(client, orgs.a, as_user(orgs.a_admin), NEWHIRE, "litigator")

        assert r.status_code == 202
        assert not is_member(session, orgs.a, NEWHIRE)  # nobody joins before accepting
        assert protected_read(client, orgs, bearer(b_session)).status_code == 404
        token = token_mailed_to(deliver(session, settings), NEWHIRE)
        accepted = client.post(
            "/api/v1/auth/invitations/accept", json={"token": token, "password": PASSWORD}
        )
        assert accepted.status_code == 200, accepted.text
        assert login(client, NEWHIRE, "b knows this password").status_code == 401
        assert client.get("/api/v1/me", headers=bearer(b_session)).status_code == 401
        owner = bearer(accepted.json()["access_token"])
        assert protected_read(client, orgs, owner).status_code == 200
        session.refresh(planted)
        assert planted.email_verified_at is not None

    def test_a_proven_account_joins_only_with_its_holders_consent(
        self, client: TestClient, session: Session, settings: Settings, orgs: Orgs, as_user: Any
    ) -> None:
        holder = make_user(session, email=NEWHIRE, password="the holder's password")
        holder.email_verified_at = utcnow()
        session.flush()
        invite(client, orgs.a, as_user(orgs.a_admin), NEWHIRE, "viewer")
        token = token_mailed_to(deliver(session, settings), NEWHIRE)

        no_password = client.post("/api/v1/auth/invitations/accept", json={"token": token})
        wrong = client.post(
            "/api/v1/auth/invitations/accept", json={"token": token, "password": "x" * 12}
        )
        someone_else = client.post(
            "/api/v1/auth/invitations/accept",
            json={"token": token},
            headers=as_user(orgs.b_admin),
        )

        assert_problem(no_password, 422, "validation_error")
        assert_problem(wrong, 401, "invalid_credentials")
        assert_problem(someone_else, 403, "forbidden")
        assert not is_member(session, orgs.a, NEWHIRE)
        consent = client.post(
            "/api/v1/auth/invitations/accept", json={"token": token}, headers=as_user(holder)
        )
        assert consent.status_code == 200, consent.text
        assert is_member(session, orgs.a, NEWHIRE)
        assert login(client, NEWHIRE, "the holder's password").status_code == 200

    def test_a_token_works_once_and_not_after_revocation_or_expiry(
        self, client: TestClient, session: Session, settings: Settings, orgs: Orgs, as_user: Any
    ) -> None:
        admin = as_user(orgs.a_admin)
        first = invite(client, orgs.a, admin, "once@example.org", "viewer").json()
        token = token_mailed_to(deliver(session, settings), "once@example.org")
        body = {"token": token, "password": PASSWORD}
        assert client.post("/api/v1/auth/invitations/accept", json=body).status_code == 200
        assert client.post("/api/v1/auth/invitations/accept", json=body).status_code == 404
        assert first["expires_at"]

        revoked = invite(client, orgs.a, admin, "revoked@example.org", "viewer").json()
        token = token_mailed_to(deliver(session, settings), "revoked@example.org")
        gone = client.delete(
            f"/api/v1/organisations/{orgs.a.id}/invitations/{revoked['id']}", headers=admin
        )
        assert gone.status_code == 204
        body = {"token": token, "password": PASSWORD}
        assert client.post("/api/v1/auth/invitations/accept", json=body).status_code == 404

        invite(client, orgs.a, admin, "late@example.org", "viewer")
        token = token_mailed_to(deliver(session, settings), "late@example.org")
        session.execute(
            text("UPDATE invitation SET expires_at = now() - interval '1 second' WHERE email = :e"),
            {"e": "late@example.org"},
        )
        body = {"token": token, "password": PASSWORD}
        assert client.post("/api/v1/auth/invitations/accept", json=body).status_code == 404

    def test_membership_changes_are_mailed_to_the_member_and_audited(
        self, client: TestClient, session: Session, settings: Settings, orgs: Orgs, as_user: Any
    ) -> None:
        admin = as_user(orgs.a_admin)
        invite(client, orgs.a, admin, NEWHIRE, "viewer")
        token = token_mailed_to(deliver(session, settings), NEWHIRE)
        joined = client.post(
            "/api/v1/auth/invitations/accept", json={"token": token, "password": PASSWORD}
        )
        user_id = client.get("/api/v1/me", headers=bearer(joined.json()["access_token"])).json()[
            "id"
        ]
        member = f"/api/v1/organisations/{orgs.a.id}/members/{user_id}"
        client.patch(member, json={"role": "staff"}, headers=admin)
        client.delete(member, headers=admin)

        subjects = [m.subject for m in deliver(session, settings) if m.to == NEWHIRE]
        assert subjects == [
            f"You joined {orgs.a.name} on Comity",
            f"Your role in {orgs.a.name} changed",
            f"You were removed from {orgs.a.name}",
        ]
        trail = client.get(
            "/api/v1/audit", params={"object_type": "membership"}, headers=admin
        ).json()["items"]
        assert [e["action"] for e in trail] == [
            "membership.delete",
            "membership.update",
            "membership.create",
        ]


class TestHubAdminsDoNotJoin:
    """Finding 2: a hub admin's curation rights include no organisation's membership."""

    def test_hub_admin_cannot_add_itself_or_manage_members(
        self, client: TestClient, session: Session, orgs: Orgs, as_user: Any
    ) -> None:
        hub = as_user(orgs.hub)
        members = f"/api/v1/organisations/{orgs.a.id}/members"

        added = invite(client, orgs.a, hub, orgs.hub.email, "litigator")
        listed = client.get(members, headers=hub)
        removed = client.delete(f"{members}/{orgs.a_admin.id}", headers=hub)
        promoted = client.patch(
            f"{members}/{orgs.a_admin.id}", json={"role": "viewer"}, headers=hub
        )

        for r in (added, listed, removed, promoted):
            assert_problem(r, 403, "forbidden")
        assert protected_read(client, orgs, hub).status_code == 404
        assert client.get(f"/api/v1/cases/{orgs.case_id}", headers=hub).status_code == 404
        assert is_member(session, orgs.a, orgs.a_admin.email)

    def test_hub_admin_reads_no_private_titles_in_the_audit_trail(
        self, client: TestClient, session: Session, orgs: Orgs, as_user: Any
    ) -> None:
        make_pleading(session, org=orgs.a, title="Secret pleading")
        client.patch(
            f"/api/v1/organisations/{orgs.a.id}",
            json={"name": "A renamed"},
            headers={**as_user(orgs.a_admin), "If-Match": f'"{orgs.a.version}"'},
        )

        r = client.get(
            "/api/v1/audit", params={"organisation_id": str(orgs.a.id)}, headers=as_user(orgs.hub)
        )

        assert r.status_code == 200
        assert "Secret" not in r.text
        assert orgs.case_id not in r.text
        assert {e["object_type"] for e in r.json()["items"]} == {"organisation"}

    def test_a_support_grant_lets_a_hub_admin_help_until_it_ends(
        self, client: TestClient, session: Session, settings: Settings, orgs: Orgs, as_user: Any
    ) -> None:
        admin, hub = as_user(orgs.a_admin), as_user(orgs.hub)
        grants = f"/api/v1/organisations/{orgs.a.id}/support-grants"

        granted = client.post(
            grants,
            json={
                "grantee_email": orgs.hub.email,
                "role": "litigator",
                "hours": 2,
                "reason": "Help with the import",
            },
            headers=admin,
        )

        assert granted.status_code == 201, granted.text
        assert protected_read(client, orgs, hub).status_code == 200
        assert_problem(invite(client, orgs.a, hub, "friend@example.org", "admin"), 403, "forbidden")
        assert_problem(
            client.post(
                grants, json=granted.json() | {"grantee_email": orgs.hub.email}, headers=hub
            ),
            422,
            "validation_error",
        )
        assert [m.to for m in deliver(session, settings)] == [orgs.hub.email]
        ended = client.delete(f"{grants}/{granted.json()['id']}", headers=admin)
        assert ended.status_code == 204
        assert protected_read(client, orgs, hub).status_code == 404
        actions = [
            e["action"]
            for e in client.get(
                "/api/v1/audit", params={"object_type": "support_grant"}, headers=admin
            ).json()["items"]
        ]
        assert actions == ["support_grant.revoke", "support_grant.create"]

    def test_an_expired_support_grant_gives_nothing(
        self, client: TestClient, session: Session, orgs: Orgs, as_user: Any
    ) -> None:
        client.post(
            f"/api/v1/organisations/{orgs.a.id}/support-grants",
            json={"grantee_email": orgs.hub.email, "role": "admin", "hours": 1, "reason": "r"},
            headers=as_user(orgs.a_admin),
        )
        session.execute(text("UPDATE support_grant SET expires_at = now() - interval '1 second'"))

        assert protected_read(client, orgs, as_user(orgs.hub)).status_code == 404

    def test_only_hub_admins_receive_support_grants(
        self, client: TestClient, orgs: Orgs, as_user: Any
    ) -> None:
        r = client.post(
            f"/api/v1/organisations/{orgs.a.id}/support-grants",
            json={"grantee_email": orgs.b_admin.email, "role": "viewer", "reason": "r"},
            headers=as_user(orgs.a_admin),
        )

        assert_problem(r, 422, "validation_error")


class TestAddingAnotherOrganisationsMember:
    """Finding 3: B adds a known user of A without consent, learns they exist, and then
    logs them out everywhere with every role change."""

    def test_the_answer_is_the_same_for_known_and_unknown_addresses(
        self, client: TestClient, session: Session, orgs: Orgs, as_user: Any
    ) -> None:
        victim = make_user(session, member_of=orgs.a, role=Role.litigator, password="v" * 12)
        victim_session = as_user(victim)

        known = invite(client, orgs.b, as_user(orgs.b_admin), victim.email, "viewer")
        unknown = invite(client, orgs.b, as_user(orgs.b_admin), "nobody@example.org", "viewer")

        assert known.status_code == unknown.status_code == 202
        shape = {
            k: v
            for k, v in known.json().items()
            if k not in ("id", "email", "created_at", "expires_at")
        }
        assert shape == {
            k: v
            for k, v in unknown.json().items()
            if k not in ("id", "email", "created_at", "expires_at")
        }
        assert not is_member(session, orgs.b, victim.email)
        assert client.get("/api/v1/me", headers=victim_session).status_code == 200


class TestImportsStayInsideWhatTheImporterMayRead:
    """Findings 4 and 5: citation resolution and duplicate detection as side channels."""

    @pytest.fixture
    def a_private(self, session: Session, orgs: Orgs) -> str:
        make_case(
            session,
            org=orgs.a,
            visibility=Visibility.private,
            identifiers=[{"kind": "application_number", "value": "12345/21"}],
        )
        return "12345/21"

    def _import(
        self,
        client: TestClient,
        org: Organisation,
        headers: Any,
        record: dict[str, Any],
        **form: str,
    ) -> Any:
        return client.post(
            "/api/v1/imports",
            files={"file": ("cases.jsonl", json.dumps(record).encode(), "application/x-ndjson")},
            data={"owner_org_id": str(org.id), **form},
            headers=headers,
        )

    def test_a_citation_to_a_foreign_private_case_stays_unresolved(
        self, client: TestClient, session: Session, orgs: Orgs, a_private: str, as_user: Any
    ) -> None:
        record = {
            "title": "Citing v. Greece",
            "forum_id": "ECTHR",
            "respondent_states": ["GR"],
            "citations": [{"identifier": {"kind": "application_number", "value": a_private}}],
        }

        r = self._import(client, orgs.b, as_user(orgs.b_admin), record)

        assert r.status_code == 201, r.text
        assert r.json()["citations_resolved"] == 0
        assert orgs.case_id not in r.text

    def test_a_dry_run_says_nothing_of_a_foreign_private_identifier(
        self, client: TestClient, session: Session, orgs: Orgs, a_private: str, as_user: Any
    ) -> None:
        def dry_run(number: str) -> Any:
            record = {
                "title": "Probe v. Italy",
                "forum_id": "ECTHR",
                "respondent_states": ["IT"],
                "identifiers": [{"kind": "application_number", "value": number}],
            }
            return self._import(client, orgs.b, as_user(orgs.b_admin), record, dry_run="true")

        private, random = dry_run(a_private), dry_run("99999/99")

        assert private.status_code == random.status_code
        assert private.json()["errors"] == random.json()["errors"] == []

    def test_filing_a_case_with_a_foreign_private_identifier_is_not_refused(
        self, client: TestClient, orgs: Orgs, a_private: str, as_user: Any
    ) -> None:
        r = client.post(
            "/api/v1/cases",
            json={
                "title": "Own record v. Italy",
                "forum_id": "ECTHR",
                "respondent_states": ["IT"],
                "owner_org_id": str(orgs.b.id),
                "identifiers": [{"kind": "application_number", "value": a_private}],
                "claims": [{"right_id": "collective_expulsion", "provisions": ["ECHR-P4:4"]}],
            },
            headers=as_user(orgs.b_admin),
        )

        assert r.status_code == 201, r.text
        assert orgs.case_id not in r.text

    def test_a_readable_duplicate_is_still_refused(
        self, client: TestClient, session: Session, orgs: Orgs, as_user: Any
    ) -> None:
        make_case(
            session,
            org=orgs.a,
            visibility=Visibility.network,
            identifiers=[{"kind": "application_number", "value": "555/20"}],
        )
        r = client.post(
            "/api/v1/cases",
            json={
                "title": "Copy v. Italy",
                "forum_id": "ECTHR",
                "respondent_states": ["IT"],
                "identifiers": [{"kind": "application_number", "value": "555/20"}],
                "claims": [{"right_id": "collective_expulsion", "provisions": ["ECHR-P4:4"]}],
            },
            headers=as_user(orgs.b_admin),
        )

        assert_problem(r, 409, "duplicate_case")


class TestUserRecords:
    """Finding 6: an empty PATCH read any user's address."""

    def test_an_outsider_cannot_read_a_users_address(
        self, client: TestClient, orgs: Orgs, as_user: Any
    ) -> None:
        r = client.patch(f"/api/v1/users/{orgs.a_admin.id}", json={}, headers=as_user(orgs.b_admin))

        assert_problem(r, 404, "not_found")
        assert orgs.a_admin.email not in r.text

    def test_the_user_and_their_organisations_admins_can(
        self, client: TestClient, session: Session, orgs: Orgs, as_user: Any
    ) -> None:
        member = make_user(session, member_of=orgs.a, role=Role.viewer)
        url = f"/api/v1/users/{member.id}"

        assert client.patch(url, json={}, headers=as_user(member)).json()["email"] == member.email
        assert client.patch(url, json={}, headers=as_user(orgs.a_admin)).status_code == 200

    def test_network_pleadings_show_an_authors_name_not_an_address(
        self, client: TestClient, session: Session, orgs: Orgs, as_user: Any
    ) -> None:
        pleading = make_pleading(session, org=orgs.a, visibility=Visibility.network)
        author = make_user(session, member_of=orgs.a, role=Role.litigator)
        session.execute(
            text("UPDATE pleading_version SET author_id = :u WHERE pleading_id = :p"),
            {"u": author.id, "p": pleading.id},
        )

        r = client.get(
            f"/api/v1/model-pleadings/{pleading.id}/versions", headers=as_user(orgs.b_admin)
        )

        assert r.json()[0]["author_name"] == author.display_name
        assert author.email not in r.text


class TestCredentials:
    """Findings 8 and 9, and the response headers the probe asked for."""

    def test_logout_everywhere_and_a_new_password_end_api_tokens(
        self, client: TestClient, session: Session, as_user: Any
    ) -> None:
        user = make_user(session, password="the first password")

        def api_token() -> dict[str, str]:
            made = client.post(
                "/api/v1/me/api-tokens",
                json={"name": "t", "scopes": ["read"]},
                headers=as_user(user),
            )
            return bearer(made.json()["token"])

        token = api_token()
        client.post("/api/v1/auth/logout", json={"everywhere": True}, headers=as_user(user))
        session.refresh(user)
        assert client.get("/api/v1/me", headers=token).status_code == 401

        token = api_token()
        changed = client.post(
            "/api/v1/me/password",
            json={"current_password": "the first password", "new_password": "the second one!"},
            headers=as_user(user),
        )
        assert changed.status_code == 204
        session.refresh(user)
        assert client.get("/api/v1/me", headers=token).status_code == 401

        tokens = [api_token(), api_token()]
        assert client.delete("/api/v1/me/api-tokens", headers=as_user(user)).status_code == 204
        assert [client.get("/api/v1/me", headers=t).status_code for t in tokens] == [401, 401]

    @pytest.mark.parametrize(
        "claims",
        [{"exp": 10**30}, {"exp": "9999999999"}, {"iat": True}, {"ver": "1"}, {"nbf": 1.5}],
        ids=["huge-exp", "string-exp", "bool-iat", "string-ver", "float-nbf"],
    )
    def test_out_of_range_or_non_integer_claims_are_401(
        self, client: TestClient, session: Session, claims: dict[str, Any]
    ) -> None:
        user = make_user(session)
        token = forge(HEADER, good_claims(sub=str(user.id), **claims), TEST_SECRET.encode())

        r = client.get("/api/v1/me", headers=bearer(token))

        assert_problem(r, 401, "unauthenticated")

    def test_authenticated_responses_are_not_stored(
        self, client: TestClient, orgs: Orgs, as_user: Any
    ) -> None:
        private = protected_read(client, orgs, as_user(orgs.a_admin))
        public = client.get("/api/v1/reference/forums/ECTHR")

        assert private.headers["cache-control"] == "no-store"
        assert "cache-control" not in public.headers

    def test_legal_names_have_a_length_limit(
        self, client: TestClient, orgs: Orgs, as_user: Any
    ) -> None:
        body = {**PROTECTED, "protected": {"legal_names": ["x" * 301]}}

        r = client.post(
            f"/api/v1/cases/{orgs.case_id}/parties", json=body, headers=as_user(orgs.a_admin)
        )

        assert_problem(r, 422, "validation_error")


class TestTrustedProxies:
    def test_forwarded_addresses_are_ignored_unless_a_proxy_is_trusted(self) -> None:
        assert proxy_options(Settings(trusted_proxies="")) == {"proxy_headers": False}
        assert proxy_options(Settings(trusted_proxies="10.0.0.1, 10.0.1.0/24")) == {
            "proxy_headers": True,
            "forwarded_allow_ips": ["10.0.0.1", "10.0.1.0/24"],
        }

    def test_uvicorn_rewrites_the_client_only_for_a_trusted_peer(self) -> None:
        import asyncio

        from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

        seen: list[Any] = []

        async def app(scope: Any, receive: Any, send: Any) -> None:
            seen.append(scope["client"])

        def client_after(trusted: list[str]) -> Any:
            scope = {
                "type": "http",
                "scheme": "http",
                "client": ("127.0.0.1", 5000),
                "headers": [(b"x-forwarded-for", b"203.0.113.9")],
            }
            middleware: Any = ProxyHeadersMiddleware(app, trusted_hosts=trusted)
            asyncio.run(middleware(scope, None, None))
            return seen.pop()[0]

        assert client_after(["10.0.0.1"]) == "127.0.0.1"
        assert client_after(["127.0.0.1"]) == "203.0.113.9"


class TestLoginThrottleRace:
    """Finding 7: 40 concurrent wrong passwords for one account."""

    @pytest.fixture
    def account(self, engine: Engine) -> Iterator[UserAccount]:
        with Session(engine, expire_on_commit=False) as s:
            user = make_user(s, password="the right password")
            s.commit()
        yield user
        with engine.begin() as conn:
            conn.execute(
                text("DELETE FROM login_throttle WHERE key LIKE :k"), {"k": "%" + user.email}
            )
            conn.execute(text("DELETE FROM login_throttle WHERE key = 'address:testclient'"))
            conn.execute(text("DELETE FROM user_account WHERE id = :u"), {"u": user.id})

    def test_at_most_the_threshold_of_guesses_is_checked(
        self, app: FastAPI, settings: Settings, account: UserAccount
    ) -> None:
        barrier = threading.Barrier(40)
        statuses: list[int] = []

        def guess(i: int) -> None:
            barrier.wait()
            r = client.post(
                "/api/v1/auth/token", data={"username": account.email, "password": f"wrong {i}"}
            )
            statuses.append(r.status_code)

        with TestClient(app) as client:
            threads = [threading.Thread(target=guess, args=(i,)) for i in range(40)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()

        assert statuses.count(401) == settings.login_account_threshold
        assert statuses.count(429) == 40 - settings.login_account_threshold
