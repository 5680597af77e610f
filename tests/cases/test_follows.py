"""Following cases: a reader follows what they may read, and sees its updates, never an
internal one of another organisation, never one of a case they can no longer read."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.auth.models import UserAccount
from app.orgs.models import Role, Visibility
from tests.factories import make_case, make_org, make_user
from tests.helpers import assert_problem, post_update

Headers = Callable[[UserAccount], dict[str, str]]


class TestFollows:
    def test_a_follower_sees_new_public_updates_but_not_internal_ones(
        self, client: TestClient, session: Session, as_user: Headers
    ) -> None:
        owner = make_org(session)
        litigator = make_user(session, member_of=owner, role=Role.litigator)
        case = make_case(session, org=owner, visibility=Visibility.network)
        outsider = make_user(session, member_of=make_org(session), role=Role.viewer)
        assert (
            client.put(f"/api/v1/cases/{case.id}/follow", headers=as_user(outsider)).status_code
            == 204
        )
        assert (
            client.put(f"/api/v1/cases/{case.id}/follow", headers=as_user(outsider)).status_code
            == 204
        )
        post_update(client, case.id, as_user(litigator), summary="Public hearing.")
        post_update(client, case.id, as_user(litigator), summary="Strategy.", internal=True)
        seen = client.get("/api/v1/me/followed-updates", headers=as_user(outsider)).json()
        assert [u["summary"] for u in seen] == ["Public hearing."]
        assert seen[0]["case_title"] == case.title
        client.put(f"/api/v1/cases/{case.id}/follow", headers=as_user(litigator))
        own = client.get("/api/v1/me/followed-updates", headers=as_user(litigator)).json()
        assert {u["summary"] for u in own} == {"Strategy.", "Public hearing."}

    def test_a_case_made_private_drops_out_of_an_outsiders_updates(
        self, client: TestClient, session: Session, as_user: Headers
    ) -> None:
        owner = make_org(session)
        litigator = make_user(session, member_of=owner, role=Role.litigator)
        case = make_case(session, org=owner, visibility=Visibility.network)
        outsider = make_user(session, member_of=make_org(session), role=Role.viewer)
        client.put(f"/api/v1/cases/{case.id}/follow", headers=as_user(outsider))
        post_update(client, case.id, as_user(litigator))
        case.visibility = Visibility.private
        session.flush()
        assert client.get("/api/v1/me/followed-updates", headers=as_user(outsider)).json() == []

    def test_an_unreadable_case_cannot_be_followed(
        self, client: TestClient, session: Session, as_user: Headers
    ) -> None:
        case = make_case(session, org=make_org(session), visibility=Visibility.private)
        outsider = make_user(session, member_of=make_org(session), role=Role.viewer)
        r = client.put(f"/api/v1/cases/{case.id}/follow", headers=as_user(outsider))
        assert_problem(r, 404, "not_found")

    def test_unfollowing_stops_the_updates(
        self, client: TestClient, session: Session, as_user: Headers
    ) -> None:
        owner = make_org(session)
        litigator = make_user(session, member_of=owner, role=Role.litigator)
        case = make_case(session, org=owner)
        client.put(f"/api/v1/cases/{case.id}/follow", headers=as_user(litigator))
        post_update(client, case.id, as_user(litigator))
        assert (
            client.delete(f"/api/v1/cases/{case.id}/follow", headers=as_user(litigator)).status_code
            == 204
        )
        assert client.get("/api/v1/me/followed-updates", headers=as_user(litigator)).json() == []
