"""Subscriptions and notifications through the API: each kind with what it needs, only what
the subscriber may read, an internal entry only inside its organisation, saved searches
told of their new hits, and deadline reminders."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import date

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.models import UserAccount
from app.config import Settings
from app.core.time import utcnow
from app.deadlines import service as deadline_service
from app.deadlines.models import CaseDeadline
from app.orgs.models import Role, Visibility
from app.outbox.mail import Mail
from app.outbox.models import OutboxMessage
from app.webhooks.models import WebhookDelivery
from tests.alerts.helpers import Receiver, serve_receiver, with_settings, work
from tests.factories import make_case, make_org, make_user
from tests.helpers import assert_problem, post_update
from tests.orgs.test_membership_attacks import RecordingMailer

Headers = Callable[[UserAccount], dict[str, str]]
SECRET_NAME = "Zenobia Quillfeather"


@pytest.fixture
def loopback(app: FastAPI) -> Iterator[Settings]:
    yield from with_settings(app, webhook_allow_private=True)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    yield from serve_receiver(Receiver())


class TestSubscriptions:
    def test_each_kind_needs_its_fields(
        self, client: TestClient, session: Session, as_user: Headers
    ) -> None:
        user = make_user(session, member_of=make_org(session), role=Role.litigator)
        for body in (
            {"kind": "case"},
            {"kind": "search"},
            {"kind": "right_region"},
            {
                "kind": "right_region",
                "right_id": "liberty_arbitrary_detention",
                "provision": "ECHR:5",
            },
            {"kind": "case", "case_id": "not-a-uuid"},
            {"kind": "case", "rate": "hourly"},
        ):
            r = client.post("/api/v1/subscriptions", json=body, headers=as_user(user))
            assert_problem(r, 422, "validation_error")
        r = client.post(
            "/api/v1/subscriptions",
            json={"kind": "right_region", "right_id": "no_such_right"},
            headers=as_user(user),
        )
        assert_problem(r, 422, "validation_error")
        r = client.post(
            "/api/v1/subscriptions",
            json={
                "kind": "right_region",
                "right_id": "liberty_arbitrary_detention",
                "region": "XX",
            },
            headers=as_user(user),
        )
        assert_problem(r, 422, "validation_error")
        assert client.get("/api/v1/subscriptions", headers=as_user(user)).json() == []

    def test_a_case_one_may_not_read_cannot_be_followed(
        self, client: TestClient, session: Session, as_user: Headers
    ) -> None:
        outsider = make_user(session, member_of=make_org(session), role=Role.litigator)
        private = make_case(session, org=make_org(session), visibility=Visibility.private)
        r = client.post(
            "/api/v1/subscriptions",
            json={"kind": "case", "case_id": str(private.id)},
            headers=as_user(outsider),
        )
        assert_problem(r, 404, "not_found")

    def test_rate_and_switch_change_and_the_default_stays_off_once_stopped(
        self, client: TestClient, session: Session, as_user: Headers
    ) -> None:
        org = make_org(session)
        user = make_user(session, member_of=org, role=Role.litigator)
        created = client.post(
            "/api/v1/subscriptions",
            json={"kind": "open_case_wins", "organisation_id": str(org.id), "rate": "weekly"},
            headers=as_user(user),
        ).json()
        url = f"/api/v1/subscriptions/{created['id']}"
        r = client.patch(url, json={"rate": "immediate", "language": "es"}, headers=as_user(user))
        assert (r.json()["rate"], r.json()["language"]) == ("immediate", "es")
        assert client.delete(url, headers=as_user(user)).status_code == 204
        assert client.get(url, headers=as_user(user)).json()["enabled"] is False
        again = client.post(
            "/api/v1/subscriptions",
            json={"kind": "open_case_wins", "organisation_id": str(org.id)},
            headers=as_user(user),
        )
        assert again.status_code == 201 and again.json()["id"] == created["id"]
        assert again.json()["enabled"] is True
        other = make_user(session, member_of=org, role=Role.litigator)
        assert_problem(client.get(url, headers=as_user(other)), 404, "not_found")

    def test_a_forged_unsubscribe_token_is_not_found(self, client: TestClient) -> None:
        for token in ("garbage-token-x", "AAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA"):
            r = client.post("/api/v1/subscriptions/unsubscribe", json={"token": token})
            assert_problem(r, 404, "not_found")


class TestFollowedCases:
    def test_followers_hear_of_public_entries_and_members_also_of_internal_ones(
        self,
        client: TestClient,
        session: Session,
        as_user: Headers,
        loopback: Settings,
        receiver: Receiver,
    ) -> None:
        owner = make_org(session)
        litigator = make_user(session, member_of=owner, role=Role.litigator)
        outsider_org = make_org(session)
        outsider = make_user(session, member_of=outsider_org, role=Role.admin)
        case = make_case(session, org=owner, visibility=Visibility.network)
        for who in (litigator, outsider):
            r = client.post(
                "/api/v1/subscriptions",
                json={"kind": "case", "case_id": str(case.id), "rate": "immediate"},
                headers=as_user(who),
            )
            assert r.status_code == 201, r.text
        client.post(
            "/api/v1/webhooks",
            json={"url": receiver.url, "events": ["case.updated"]},
            headers=as_user(outsider),
        )
        r = client.post(
            f"/api/v1/cases/{case.id}/parties",
            json={"pseudonym": "Z.Q.", "protected": {"legal_names": [SECRET_NAME]}},
            headers=as_user(litigator),
        )
        assert r.status_code == 201, r.text
        mailer = RecordingMailer()
        work(session, loopback, mailer)  # what filing the party caused
        receiver.received.clear()
        mailer.sent.clear()

        post_update(client, case.id, as_user(litigator), summary="Public hearing.")
        post_update(client, case.id, as_user(litigator), summary="Our strategy.", internal=True)
        work(session, loopback, mailer)

        def sentences(user: UserAccount) -> list[str]:
            items = client.get("/api/v1/notifications", headers=as_user(user)).json()["items"]
            return [n["sentence"] for n in items]

        assert len(sentences(litigator)) == 2
        assert len(sentences(outsider)) == 1
        assert "a hearing" in sentences(outsider)[0]
        assert len(receiver.received) == 1  # the outsider's webhook: the public entry only
        assert receiver.received[0].json["data"]["update"]["internal"] is False
        # No channel carries the protected name or the internal summary.
        channels = [r.body.decode() for r in receiver.received]
        channels += [f"{m.subject}\n{m.body}\n{m.html}" for m in mailer.sent]
        channels += [json.dumps(m.payload) for m in session.scalars(select(OutboxMessage))]
        channels += [json.dumps(d.body) for d in session.scalars(select(WebhookDelivery))]
        assert not [c for c in channels if SECRET_NAME in c or "Our strategy" in c]
        assert {m.to for m in mailer.sent} == {litigator.email, outsider.email}

    def test_a_case_made_private_stops_reaching_former_readers(
        self, client: TestClient, session: Session, as_user: Headers, loopback: Settings
    ) -> None:
        owner = make_org(session)
        admin = make_user(session, member_of=owner, role=Role.admin)
        case = make_case(session, org=owner, visibility=Visibility.network)
        outsider = make_user(session, member_of=make_org(session), role=Role.viewer)
        client.put(f"/api/v1/cases/{case.id}/follow", headers=as_user(outsider))
        got = client.get(f"/api/v1/cases/{case.id}", headers=as_user(admin))
        r = client.patch(
            f"/api/v1/cases/{case.id}",
            json={"visibility": "private"},
            headers={**as_user(admin), "If-Match": got.headers["ETag"]},
        )
        assert r.status_code == 200, r.text
        post_update(client, case.id, as_user(admin))
        work(session, loopback, RecordingMailer())
        assert client.get("/api/v1/notifications", headers=as_user(outsider)).json()["items"] == []


class TestSavedSearches:
    def test_only_hits_after_saving_are_told(
        self, client: TestClient, session: Session, as_user: Headers, loopback: Settings
    ) -> None:
        org = make_org(session)
        user = make_user(session, member_of=org, role=Role.litigator)
        make_case(session, org=org, title="Old pushback case v. Greece", facts_summary="pushback")
        r = client.post(
            "/api/v1/subscriptions",
            json={"kind": "search", "search": {"q": "pushback", "name": "Pushbacks"}},
            headers=as_user(user),
        )
        assert r.status_code == 201, r.text
        new = make_case(
            session, org=org, title="New pushback case v. Croatia", facts_summary="pushback"
        )
        session.execute(
            OutboxMessage.__table__.update().values(delivered_at=utcnow())  # type: ignore[attr-defined]
        )
        from app.alerts.models import Subscription

        sub = session.get(Subscription, r.json()["id"])
        assert sub is not None
        sub.checked_at = None  # due again
        work(session, loopback, RecordingMailer())
        [note] = client.get("/api/v1/notifications", headers=as_user(user)).json()["items"]
        assert note["type"] == "search.new_hits"
        assert "1 new results" in note["sentence"] and "Pushbacks" in note["sentence"]
        assert note["data"] == {"search": "Pushbacks", "count": 1}
        assert str(new.id) in json.dumps(
            session.scalar(select(OutboxMessage.payload).where(OutboxMessage.topic == "event"))
        )


class TestDeadlineReminders:
    def test_a_due_reminder_notifies_the_owning_organisation(
        self, client: TestClient, session: Session, as_user: Headers, loopback: Settings
    ) -> None:
        org = make_org(session)
        staff = make_user(session, member_of=org, role=Role.staff)
        viewer = make_user(session, member_of=org, role=Role.viewer)
        case = make_case(session, org=org)
        deadline = CaseDeadline(
            case_id=case.id,
            rule="manual",
            title="Application to the Court",
            due_on=date(2027, 1, 8),
        )
        session.add(deadline)
        session.flush()
        mailer = RecordingMailer()
        deadline_service.remind(
            session, {"deadline_id": str(deadline.id), "days_before": 7}, mailer, utcnow()
        )
        work(session, loopback, mailer)
        [note] = client.get("/api/v1/notifications", headers=as_user(staff)).json()["items"]
        assert note["type"] == "deadline.reminder"
        assert "Application to the Court" in note["sentence"] and "7 days" in note["sentence"]
        assert client.get("/api/v1/notifications", headers=as_user(viewer)).json()["items"] == []
        assert [m.to for m in mailer.sent] == [staff.email]
        assert isinstance(mailer.sent[0], Mail)
