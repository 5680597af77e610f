"""End to end: a decision recorded in Strasbourg reaches a Colombian clinic whose open
detention case it can help, as a notification with the matcher's reasons, a signed webhook
and a mail digest over real SMTP, and nobody who may not read it hears of it."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.alerts import repository as alerts_repo
from app.auth.models import UserAccount
from app.config import Settings
from app.core.time import utcnow
from app.orgs.models import Organisation, Role, Visibility
from app.outbox import events
from app.outbox import service as outbox
from app.outbox.mail import mailer_for
from app.webhooks import signing
from tests.alerts.helpers import (
    Inbox,
    Receiver,
    serve_receiver,
    serve_smtp,
    text_of,
    with_settings,
    work,
)
from tests.factories import make_case, make_org, make_user

Headers = Callable[[UserAccount], dict[str, str]]
PROTECTED_NAME = "Zenobia Quillfeather"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    yield from serve_receiver(Receiver())


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    yield from serve_smtp()


@pytest.fixture
def alert_settings(app: FastAPI, settings: Settings, smtp: tuple[Inbox, int]) -> Iterator[Settings]:
    yield from with_settings(
        app, smtp_url=f"smtp://127.0.0.1:{smtp[1]}", webhook_allow_private=True
    )


def _litigator(session: Session, org: Organisation, email: str) -> UserAccount:
    user = make_user(session, member_of=org, role=Role.litigator, email=email)
    alerts_repo.ensure_wins_subscription(session, user.id, org.id, utcnow())
    return user


def _open_detention_case(session: Session, org: Organisation) -> object:
    return make_case(
        session,
        org=org,
        forum_id="IACTHR",
        respondent_states=["CO"],
        status="pending",
        outcome="pending",
        title="Migrantes venezolanos detenidos v. Colombia",
        facts_summary="Venezuelan migrants, children among them, held in immigration "
        "detention at the border for months with no review by a judge.",
        holding="Pending.",
        claims=[
            {
                "right_id": "liberty_arbitrary_detention",
                "provisions": ["ACHR:7"],
                "finding": "pending",
            }
        ],
    )


def _strasbourg_case(session: Session, org: Organisation, visibility: Visibility) -> object:
    return make_case(
        session,
        org=org,
        visibility=visibility,
        forum_id="ECTHR",
        respondent_states=["IT"],
        status="pending",
        outcome="pending",
        title="A.B. and Others v. Italy",
        facts_summary="Migrant children held in immigration detention at a border centre for "
        "months with no judge reviewing their detention.",
        holding="Pending.",
        claims=[
            {
                "right_id": "liberty_arbitrary_detention",
                "provisions": ["ECHR:5-1-f"],
                "finding": "pending",
            }
        ],
    )


def _record_win(client: TestClient, case: object, headers: dict[str, str]) -> None:
    claims = client.get(f"/api/v1/cases/{case.id}/claims", headers=headers).json()  # type: ignore[attr-defined]
    r = client.post(
        f"/api/v1/cases/{case.id}/updates",  # type: ignore[attr-defined]
        json={
            "kind": "decision",
            "occurred_on": "2026-11-20",
            "summary": "Violation of Article 5 § 1 (f).",
            "findings": [{"claim_id": c["id"], "finding": "violation"} for c in claims],
        },
        headers=headers,
    )
    assert r.status_code == 201, r.text


class TestKnockOnAlerts:
    def test_a_recorded_win_reaches_the_clinic_by_notification_webhook_and_digest(
        self,
        client: TestClient,
        session: Session,
        as_user: Headers,
        receiver: Receiver,
        smtp: tuple[Inbox, int],
        alert_settings: Settings,
    ) -> None:
        clinic = make_org(session, country="CO")
        lucia = _litigator(session, clinic, "lucia@clinic.example.org")
        admin = make_user(session, member_of=clinic, role=Role.admin)
        open_case = _open_detention_case(session, clinic)
        hook = client.post(
            "/api/v1/webhooks",
            json={"url": receiver.url, "events": ["knock_on.new_win"]},
            headers=as_user(admin),
        )
        assert hook.status_code == 201, hook.text
        secret = hook.json()["secret"]
        assert secret.startswith("whsec_")
        ngo = make_org(session, country="IT")
        ngo_admin = make_user(session, member_of=ngo, role=Role.admin)
        win = _strasbourg_case(session, ngo, Visibility.network)

        _record_win(client, win, as_user(ngo_admin))
        work(session, alert_settings, mailer_for(alert_settings))

        notes = client.get("/api/v1/notifications", headers=as_user(lucia)).json()["items"]
        [note] = [n for n in notes if n["type"] == "knock_on.new_win"]
        assert note["case_id"] == str(open_case.id)  # type: ignore[attr-defined]
        assert "A.B. and Others v. Italy" in note["sentence"]
        assert "#1" in note["sentence"]
        assert any("ECHR" in r or "European" in r for r in note["reasons"]), note["reasons"]
        count = client.get("/api/v1/notifications/count", headers=as_user(lucia)).json()
        assert count["unread"] >= 1

        [delivery] = receiver.received
        signing.verify(secret, delivery.headers, delivery.body, now=int(time.time()))
        body = delivery.json
        assert body["type"] == "knock_on.new_win"
        assert body["data"]["precedent"]["title"] == "A.B. and Others v. Italy"
        assert body["data"]["case"]["id"] == str(open_case.id)  # type: ignore[attr-defined]
        assert body["data"]["reasons"]
        assert delivery.headers["webhook-id"] == body["id"]

        # The job again (the findings edited once more): the same win is not told twice.
        outbox.enqueue(session, events.KNOCK_ON_TOPIC, {"case_ids": [str(win.id)]}, now=utcnow())  # type: ignore[attr-defined]
        work(session, alert_settings, mailer_for(alert_settings))
        notes = client.get("/api/v1/notifications", headers=as_user(lucia)).json()["items"]
        assert [n["type"] for n in notes].count("knock_on.new_win") == 1
        assert len(receiver.received) == 1

        inbox, _ = smtp
        [mail] = inbox.to("lucia@clinic.example.org")
        plain, html = text_of(mail)
        assert "A.B. and Others v. Italy" in plain and "A.B. and Others v. Italy" in html
        link = re.search(r"unsubscribe\?token=([\w.-]+)", plain)
        assert link is not None
        assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        r = client.post("/api/v1/subscriptions/unsubscribe", json={"token": link.group(1)})
        assert r.status_code == 204
        subs = client.get("/api/v1/subscriptions", headers=as_user(lucia)).json()
        assert [s["enabled"] for s in subs if s["kind"] == "open_case_wins"] == [False]

    def test_a_private_win_of_another_organisation_tells_nobody(
        self,
        client: TestClient,
        session: Session,
        as_user: Headers,
        receiver: Receiver,
        smtp: tuple[Inbox, int],
        alert_settings: Settings,
    ) -> None:
        clinic = make_org(session, country="CO")
        lucia = _litigator(session, clinic, "lucia2@clinic.example.org")
        admin = make_user(session, member_of=clinic, role=Role.admin)
        _open_detention_case(session, clinic)
        client.post(
            "/api/v1/webhooks",
            json={"url": receiver.url, "events": ["knock_on.new_win", "case.decision_recorded"]},
            headers=as_user(admin),
        )
        ngo = make_org(session, country="IT")
        ngo_admin = make_user(session, member_of=ngo, role=Role.admin)
        private_win = _strasbourg_case(session, ngo, Visibility.private)

        _record_win(client, private_win, as_user(ngo_admin))
        work(session, alert_settings, mailer_for(alert_settings))

        assert client.get("/api/v1/notifications", headers=as_user(lucia)).json()["items"] == []
        assert receiver.received == []
        assert smtp[0].to("lucia2@clinic.example.org") == []
