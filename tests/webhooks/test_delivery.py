"""Webhook endpoints through the API, and their deliveries: signed, logged, retried on the
outbox schedule, disabled after repeated failures (with a word to the admins), resent."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.models import UserAccount
from app.config import Settings
from app.core.time import utcnow
from app.orgs.models import Role, Visibility
from app.outbox.mail import LogMailer
from app.outbox.models import OutboxMessage
from app.webhooks import signing
from app.webhooks.service import DELIVERY_TOPIC
from tests.alerts.helpers import Receiver, serve_receiver, with_settings, work
from tests.factories import make_case, make_org, make_user
from tests.helpers import assert_problem, post_update

Headers = Callable[[UserAccount], dict[str, str]]


@pytest.fixture
def loopback(app: FastAPI) -> Iterator[Settings]:
    yield from with_settings(app, webhook_allow_private=True, webhook_disable_after=3)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    yield from serve_receiver(Receiver())


@pytest.fixture
def failing() -> Iterator[Receiver]:
    yield from serve_receiver(Receiver(status=500))


def _hook(client: TestClient, headers: dict[str, str], url: str, *events: str) -> dict[str, str]:
    r = client.post(
        "/api/v1/webhooks",
        json={"url": url, "events": list(events) or ["case.updated"]},
        headers=headers,
    )
    assert r.status_code == 201, r.text
    return dict(r.json())


class TestEndpoints:
    def test_the_secret_is_shown_once_and_urls_inside_are_refused(
        self, client: TestClient, session: Session, as_user: Headers
    ) -> None:
        org = make_org(session)
        admin = make_user(session, member_of=org, role=Role.admin)
        r = client.post(
            "/api/v1/webhooks",
            json={"url": "http://169.254.169.254/latest", "events": ["case.updated"]},
            headers=as_user(admin),
        )
        assert_problem(r, 422, "validation_error")
        created = _hook(client, as_user(admin), "https://hooks.example.org/in")
        assert created["secret"].startswith("whsec_")
        listed = client.get("/api/v1/webhooks", headers=as_user(admin)).json()
        assert [h["id"] for h in listed] == [created["id"]]
        assert "secret" not in listed[0]
        assert (
            created["secret"]
            not in client.get(f"/api/v1/webhooks/{created['id']}", headers=as_user(admin)).text
        )

    def test_changes_need_the_current_etag(
        self, client: TestClient, session: Session, as_user: Headers
    ) -> None:
        org = make_org(session)
        admin = make_user(session, member_of=org, role=Role.admin)
        hook = _hook(client, as_user(admin), "https://hooks.example.org/in")
        url = f"/api/v1/webhooks/{hook['id']}"
        patch = {"events": ["case.updated", "knock_on.new_win"]}
        assert_problem(
            client.patch(url, json=patch, headers=as_user(admin)), 428, "precondition_required"
        )
        ok = client.patch(url, json=patch, headers={**as_user(admin), "If-Match": '"1"'})
        assert ok.status_code == 200 and ok.headers["ETag"] == '"2"'
        stale = client.patch(url, json=patch, headers={**as_user(admin), "If-Match": '"1"'})
        assert_problem(stale, 412, "precondition_failed")


class TestDelivery:
    def test_an_event_is_signed_logged_and_resent_with_the_same_id(
        self,
        client: TestClient,
        session: Session,
        as_user: Headers,
        loopback: Settings,
        receiver: Receiver,
    ) -> None:
        org = make_org(session)
        admin = make_user(session, member_of=org, role=Role.admin)
        case = make_case(session, org=org, visibility=Visibility.private)
        hook = _hook(client, as_user(admin), receiver.url)
        post_update(client, case.id, as_user(admin))
        work(session, loopback, LogMailer())

        [first] = receiver.received
        signing.verify(hook["secret"], first.headers, first.body, now=int(time.time()))
        assert first.json["type"] == "case.updated"
        assert first.json["data"]["case"]["id"] == str(case.id)
        log = client.get(f"/api/v1/webhooks/{hook['id']}/deliveries", headers=as_user(admin))
        [entry] = log.json()["items"]
        assert (entry["status"], entry["attempts"], entry["response_status"]) == (
            "delivered",
            1,
            204,
        )
        rotated = client.post(
            f"/api/v1/webhooks/{hook['id']}/rotate-secret", headers=as_user(admin)
        ).json()
        r = client.post(
            f"/api/v1/webhooks/{hook['id']}/deliveries/{entry['id']}/resend",
            headers=as_user(admin),
        )
        assert r.status_code == 202
        work(session, loopback, LogMailer())

        again = receiver.received[1]
        assert again.headers["webhook-id"] == first.headers["webhook-id"]
        for secret in (hook["secret"], rotated["secret"]):  # old and new both sign for a day
            signing.verify(secret, again.headers, again.body, now=int(time.time()))

    def test_failures_retry_on_schedule_then_disable_the_endpoint_and_tell_its_admins(
        self,
        client: TestClient,
        session: Session,
        as_user: Headers,
        loopback: Settings,
        failing: Receiver,
    ) -> None:
        org = make_org(session)
        admin = make_user(session, member_of=org, role=Role.admin)
        case = make_case(session, org=org)
        hook = _hook(client, as_user(admin), failing.url)
        post_update(client, case.id, as_user(admin))
        now = utcnow()
        work(session, loopback, LogMailer(), now=now)  # the first attempt, with the event
        [message] = session.scalars(
            select(OutboxMessage).where(
                OutboxMessage.topic == DELIVERY_TOPIC, OutboxMessage.delivered_at.is_(None)
            )
        )
        assert message.available_at == now + timedelta(seconds=30)  # then 60, 120, ...
        work(session, loopback, LogMailer(), now=message.available_at)
        assert message.available_at == now + timedelta(seconds=30) + timedelta(seconds=60)
        work(session, loopback, LogMailer(), now=message.available_at)  # the third failure

        state = client.get(f"/api/v1/webhooks/{hook['id']}", headers=as_user(admin)).json()
        assert state["enabled"] is False and state["consecutive_failures"] == 3
        assert len(failing.received) == 3
        [entry] = client.get(
            f"/api/v1/webhooks/{hook['id']}/deliveries", headers=as_user(admin)
        ).json()["items"]
        assert entry["status"] == "failed" and "500" in entry["last_error"]
        notes = client.get("/api/v1/notifications", headers=as_user(admin)).json()["items"]
        assert [n["type"] for n in notes] == ["webhook.disabled"]
        assert failing.url in notes[0]["sentence"]

        post_update(client, case.id, as_user(admin))
        work(session, loopback, LogMailer())
        assert len(failing.received) == 3  # a disabled endpoint receives nothing
        enabled = client.patch(
            f"/api/v1/webhooks/{hook['id']}",
            json={"enabled": True},
            headers={**as_user(admin), "If-Match": f'"{state["version"]}"'},
        )
        assert enabled.json()["enabled"] is True
