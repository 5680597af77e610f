"""The alerts' pages: the unread count in the header, notifications marked read, alerts
changed and stopped, a search saved from the search page, and one-click unsubscribe."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.alerts import service as alerts
from app.alerts.models import Notification, Rate, Subscription, SubscriptionKind
from app.core.crypto import Keyring
from app.core.time import utcnow
from app.orgs.models import Organisation, Role
from tests.conftest import TEST_DATA_KEY
from tests.factories import make_org, make_user
from tests.web.test_pages import PASSWORD, csrf, sign_in


def _note(session: Session, user_id: object, sentence_case: str) -> Notification:
    note = Notification(
        user_id=user_id,
        event_id=f"msg_{sentence_case}",
        type="case.updated",
        rate=Rate.daily,
        data={"params": {"case": sentence_case}},
        created_at=utcnow(),
    )
    session.add(note)
    session.flush()
    return note


def test_the_header_counts_unread_notifications_and_the_page_marks_them_read(
    client: TestClient, session: Session
) -> None:
    org = make_org(session)
    user = make_user(session, member_of=org, role=Role.litigator, password=PASSWORD)
    for title in ("Alpha v. Spain", "Beta v. Spain"):
        _note(session, user.id, title)
    sign_in(client, user)

    page = client.get("/notifications")
    assert re.search(r'class="badge"[^>]*>2<', page.text)
    assert "Alpha v. Spain was updated." in page.text
    r = client.post("/notifications/read-all", data={"csrf_token": csrf(client, "/notifications")})
    assert r.status_code == 200
    assert 'class="badge"' not in r.text


def test_alerts_change_rate_stop_and_save_a_search(client: TestClient, session: Session) -> None:
    org: Organisation = make_org(session)
    user = make_user(session, member_of=org, role=Role.litigator, password=PASSWORD)
    alerts.ensure_defaults(session, user.id, org.id, Role.litigator, utcnow())
    sign_in(client, user)
    [sub] = alerts.list_subscriptions(session, alerts_principal(session, user.id))
    token = csrf(client, "/subscriptions")

    client.post(f"/subscriptions/{sub.id}", data={"rate": "weekly", "csrf_token": token})
    stored = session.get(Subscription, sub.id)
    assert stored is not None and (stored.rate, stored.enabled) == (Rate.weekly, False)
    r = client.post("/subscriptions/search?q=pushback&forum=ECTHR", data={"csrf_token": token})
    assert r.status_code == 200
    assert "Saved search" in r.text and "pushback" in r.text
    saved = [
        s
        for s in alerts.list_subscriptions(session, alerts_principal(session, user.id))
        if s.kind is SubscriptionKind.search
    ]
    assert saved[0].search == {"q": "pushback", "forum": "ECTHR"}
    assert 'id="save-search"' in client.get("/search?q=pushback").text


def test_one_click_unsubscribe_needs_the_signed_token_only(
    client: TestClient, session: Session
) -> None:
    org = make_org(session)
    user = make_user(session, member_of=org, role=Role.litigator)
    alerts.ensure_defaults(session, user.id, org.id, Role.litigator, utcnow())
    [sub] = alerts.list_subscriptions(session, alerts_principal(session, user.id))
    token = alerts.unsubscribe_token(Keyring.parse(TEST_DATA_KEY), sub.id)

    page = client.get(f"/unsubscribe?token={token}")
    assert page.status_code == 200 and "Stop these alerts" in page.text
    assert session.get(Subscription, sub.id).enabled is True  # type: ignore[union-attr]
    r = client.post(f"/unsubscribe?token={token}", data={"List-Unsubscribe": "One-Click"})
    assert r.status_code == 200
    assert session.get(Subscription, sub.id).enabled is False  # type: ignore[union-attr]
    forged = client.post(f"/unsubscribe?token={token[:-2]}xx")
    assert forged.status_code == 404


def alerts_principal(session: Session, user_id: object):  # type: ignore[no-untyped-def]
    from app.auth import service as auth_service

    principal = auth_service.principal_of(session, user_id, utcnow())  # type: ignore[arg-type]
    assert principal is not None
    return principal
