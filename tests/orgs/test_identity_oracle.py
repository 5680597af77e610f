"""A state machine of invitations, acceptances, removals, re-adds, hub actions and support
grants, all through HTTP: after every step, nobody reads an organisation's protected client
data unless that organisation made them a litigator or granted a hub admin that role."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from hypothesis import HealthCheck
from hypothesis import settings as run_settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.models import UserAccount
from app.config import Settings
from app.orgs.models import Role, Visibility
from tests.factories import make_case, make_org, make_user
from tests.orgs.test_membership_attacks import PROTECTED, deliver, token_mailed_to

ROLES = [Role.viewer, Role.staff, Role.litigator, Role.admin]
PASSWORD = "a passphrase of my own"


def test_protected_data_follows_consented_membership_and_grants(
    client: TestClient, session: Session, settings: Settings, as_user: Any
) -> None:
    class Identities(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.orgs = [make_org(session), make_org(session)]
            self.admins = [make_user(session, member_of=o, role=Role.admin) for o in self.orgs]
            self.hub = make_user(session, hub_admin=True)
            # Each run's organisations are new, and so are the addresses named after them.
            self.people = [f"person{i}.{self.orgs[0].slug}@example.org" for i in range(3)]
            self.parties = []
            for org, admin in zip(self.orgs, self.admins, strict=True):
                case = make_case(session, org=org, visibility=Visibility.network)
                r = client.post(
                    f"/api/v1/cases/{case.id}/parties", json=PROTECTED, headers=as_user(admin)
                )
                self.parties.append(f"/api/v1/cases/{case.id}/parties/{r.json()['id']}/protected")
            self.roles: dict[tuple[int, int], Role] = {}  # (person, org) -> role
            self.grant: dict[int, tuple[str, Role]] = {}  # org -> (grant id, role)

        def account(self, person: int) -> UserAccount | None:
            return session.scalar(
                select(UserAccount).where(UserAccount.email == self.people[person])
            )

        @rule(person=st.integers(0, 2), org=st.integers(0, 1), role=st.sampled_from(ROLES))
        def invite_and_accept(self, person: int, org: int, role: Role) -> None:
            r = client.post(
                f"/api/v1/organisations/{self.orgs[org].id}/members",
                json={"email": self.people[person], "role": role.value},
                headers=as_user(self.admins[org]),
            )
            if (person, org) in self.roles:
                assert r.status_code == 409
                return
            assert r.status_code == 202, r.text
            token = token_mailed_to(deliver(session, settings), self.people[person])
            user = self.account(person)
            headers = as_user(user) if user is not None else {}
            accepted = client.post(
                "/api/v1/auth/invitations/accept",
                json={"token": token} if user else {"token": token, "password": PASSWORD},
                headers=headers,
            )
            assert accepted.status_code == 200, accepted.text
            self.roles[(person, org)] = role

        @rule(person=st.integers(0, 2), org=st.integers(0, 1), role=st.sampled_from(ROLES))
        def invite_without_acceptance(self, person: int, org: int, role: Role) -> None:
            client.post(
                f"/api/v1/organisations/{self.orgs[org].id}/members",
                json={"email": self.people[person], "role": role.value},
                headers=as_user(self.admins[org]),
            )
            deliver(session, settings)  # mailed, never accepted: changes nobody's rights

        @rule(person=st.integers(0, 2), org=st.integers(0, 1))
        def remove(self, person: int, org: int) -> None:
            user = self.account(person)
            if user is None:
                return
            r = client.delete(
                f"/api/v1/organisations/{self.orgs[org].id}/members/{user.id}",
                headers=as_user(self.admins[org]),
            )
            assert r.status_code == (204 if (person, org) in self.roles else 404)
            self.roles.pop((person, org), None)

        @rule(org=st.integers(0, 1), role=st.sampled_from(ROLES))
        def hub_tries_to_join(self, org: int, role: Role) -> None:
            r = client.post(
                f"/api/v1/organisations/{self.orgs[org].id}/members",
                json={"email": self.hub.email, "role": role.value},
                headers=as_user(self.hub),
            )
            assert r.status_code == 403

        @rule(org=st.integers(0, 1), role=st.sampled_from(ROLES))
        def grant_support(self, org: int, role: Role) -> None:
            r = client.post(
                f"/api/v1/organisations/{self.orgs[org].id}/support-grants",
                json={"grantee_email": self.hub.email, "role": role.value, "reason": "help"},
                headers=as_user(self.admins[org]),
            )
            assert r.status_code == 201, r.text
            self.grant[org] = (r.json()["id"], role)

        @rule(org=st.integers(0, 1))
        def revoke_support(self, org: int) -> None:
            if org not in self.grant:
                return
            grant_id, _ = self.grant.pop(org)
            r = client.delete(
                f"/api/v1/organisations/{self.orgs[org].id}/support-grants/{grant_id}",
                headers=as_user(self.admins[org]),
            )
            assert r.status_code == 204

        @invariant()
        def protected_data_reaches_only_the_consented(self) -> None:
            readers: list[tuple[UserAccount, dict[int, Role]]] = []
            for person in range(3):
                user = self.account(person)
                if user is not None:
                    session.refresh(user)
                    roles = {o: r for (p, o), r in self.roles.items() if p == person}
                    readers.append((user, roles))
            readers.append((self.hub, {o: r for o, (_, r) in self.grant.items()}))
            for user, roles in readers:
                for org, url in enumerate(self.parties):
                    allowed = org in roles and roles[org].at_least(Role.litigator)
                    status = client.get(url, headers=as_user(user)).status_code
                    assert (status == 200) == allowed, (user.email, org, roles, status)

    run_state_machine_as_test(
        Identities,
        settings=run_settings(
            max_examples=12,
            stateful_step_count=8,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        ),
    )
