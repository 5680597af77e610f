"""A state machine of sharing and membership changes: what the API shows always equals an oracle."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import delete
from sqlalchemy.orm import Session

from app.orgs.models import Membership, Role, Visibility
from tests.factories import make_case, make_org, make_user


def test_api_visibility_matches_the_oracle(
    client: TestClient, session: Session, as_user: Any
) -> None:
    class Sharing(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            # Fresh organisations and users per run: the database keeps earlier runs' rows.
            self.orgs = [make_org(session), make_org(session)]
            self.users = [make_user(session) for _ in range(3)]
            self.cases: dict[str, tuple[int, Visibility]] = {}
            self.members: dict[int, set[int]] = {i: set() for i in range(len(self.users))}

        @rule(org=st.integers(0, 1), visibility=st.sampled_from(list(Visibility)))
        def create(self, org: int, visibility: Visibility) -> None:
            case = make_case(session, org=self.orgs[org], visibility=visibility)
            self.cases[str(case.id)] = (org, visibility)

        @precondition(lambda self: bool(self.cases))
        @rule(data=st.data(), visibility=st.sampled_from(list(Visibility)))
        def share(self, data: st.DataObject, visibility: Visibility) -> None:
            case_id = data.draw(st.sampled_from(sorted(self.cases)))
            org, _ = self.cases[case_id]
            admin = make_user(session, member_of=self.orgs[org], role=Role.admin)
            current = client.get(f"/api/v1/cases/{case_id}", headers=as_user(admin))
            r = client.patch(
                f"/api/v1/cases/{case_id}",
                json={"visibility": visibility.value},
                headers={**as_user(admin), "If-Match": current.headers["etag"]},
            )
            assert r.status_code == 200, r.text
            self.cases[case_id] = (org, visibility)

        @rule(user=st.integers(0, 2), org=st.integers(0, 1))
        def toggle_membership(self, user: int, org: int) -> None:
            if org in self.members[user]:
                session.execute(
                    delete(Membership).where(
                        Membership.user_id == self.users[user].id,
                        Membership.organisation_id == self.orgs[org].id,
                    )
                )
                self.members[user].discard(org)
            else:
                session.add(
                    Membership(
                        user_id=self.users[user].id,
                        organisation_id=self.orgs[org].id,
                        role=Role.viewer,
                    )
                )
                self.members[user].add(org)
            session.flush()

        def expected(self, user: int | None) -> set[str]:
            mine = self.members[user] if user is not None else set()
            return {
                cid
                for cid, (org, vis) in self.cases.items()
                if vis is Visibility.public or (vis is Visibility.network and mine) or org in mine
            }

        @invariant()
        def api_agrees(self) -> None:
            for user in [None, 0, 1, 2]:
                headers = as_user(self.users[user]) if user is not None else {}
                seen: set[str] = set()
                for org in self.orgs:
                    r = client.get(
                        "/api/v1/cases",
                        params={"owner_org_id": str(org.id), "limit": 100},
                        headers=headers,
                    )
                    seen |= {c["id"] for c in r.json()["items"]}
                assert seen == self.expected(user)

    run_state_machine_as_test(
        Sharing,
        settings=settings(
            max_examples=15,
            stateful_step_count=8,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        ),
    )
