"""Deadlines through HTTP: a final domestic decision against Spain, the routes it opens,
the team's lists, reminders and the calendar feed."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import icalendar
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.time import utcnow
from app.deadlines.rules import add_months
from app.orgs.models import Organisation, Role, Visibility
from app.outbox.models import OutboxMessage
from tests.factories import make_case, make_org, make_user
from tests.helpers import assert_problem

DETAINED_CHILD = [
    {"right_id": "detention_children", "provisions": ["CRC art. 37(b)"]},
    {"right_id": "liberty_arbitrary_detention", "provisions": ["ECHR art. 5 § 1 (f)"]},
]


class Team:
    def __init__(self, session: Session, visibility: Visibility = Visibility.private) -> None:
        self.org: Organisation = make_org(session, country="ES")
        self.staff = make_user(session, member_of=self.org, role=Role.staff)
        self.viewer = make_user(session, member_of=self.org, role=Role.viewer)
        self.case = make_case(
            session,
            org=self.org,
            visibility=visibility,
            respondent_states=["ES"],
            claims=DETAINED_CHILD,
        )


@pytest.fixture
def team(session: Session) -> Team:
    return Team(session)


FINAL = utcnow().date() - timedelta(days=10)


def post_final(client: TestClient, team: Team, as_user: Any, **extra: Any) -> Any:
    return client.post(
        f"/api/v1/cases/{team.case.id}/updates",
        json={
            "kind": "domestic_final",
            "occurred_on": FINAL.isoformat(),
            "summary": "The Supreme Court dismissed the last appeal.",
            **extra,
        },
        headers=as_user(team.staff),
    )


class TestFinalDecisionAgainstSpain:
    def test_it_opens_the_european_and_un_routes_and_no_inter_american_one(
        self, client: TestClient, team: Team, as_user: Any
    ) -> None:
        assert post_final(client, team, as_user).status_code == 201

        r = client.get(f"/api/v1/cases/{team.case.id}/deadlines", headers=as_user(team.viewer))

        by_forum = {d["forum_id"]: d for d in r.json()}
        # Protocol No. 15: four months for a final decision after 1 February 2022.
        assert by_forum["ECTHR"]["rule"] == "four_months"
        assert by_forum["ECTHR"]["due_on"] == add_months(FINAL, 4).isoformat()
        # ICCPR-OP1,ES,party,1985 and CRC-OP3,ES,party,2013 (state_parties.csv)
        assert by_forum["HRCTTEE"]["due_on"] == add_months(FINAL, 60).isoformat()
        assert by_forum["CRC-C"]["due_on"] == add_months(FINAL, 12).isoformat()
        assert "IACHR" not in by_forum and "IACTHR" not in by_forum
        assert all(d["source"] for d in r.json())

    def test_reminders_are_queued_thirty_seven_and_one_day_before(
        self, client: TestClient, session: Session, team: Team, as_user: Any
    ) -> None:
        post_final(client, team, as_user)
        ecthr = next(
            d
            for d in client.get(
                f"/api/v1/cases/{team.case.id}/deadlines", headers=as_user(team.staff)
            ).json()
            if d["forum_id"] == "ECTHR"
        )

        queued = session.scalars(
            select(OutboxMessage).where(
                OutboxMessage.topic == "deadline.reminder",
                OutboxMessage.payload["deadline_id"].astext == ecthr["id"],
            )
        ).all()

        due = date.fromisoformat(ecthr["due_on"])
        assert sorted((due - m.available_at.date()).days for m in queued) == [1, 7, 30]

    def test_a_new_final_decision_replaces_the_computed_deadlines(
        self, client: TestClient, team: Team, as_user: Any
    ) -> None:
        post_final(client, team, as_user)
        post_final(client, team, as_user, occurred_on=(FINAL + timedelta(days=3)).isoformat())

        r = client.get(f"/api/v1/cases/{team.case.id}/deadlines", headers=as_user(team.staff))

        ecthr = [d for d in r.json() if d["forum_id"] == "ECTHR"]
        assert [d["starts_on"] for d in ecthr] == [(FINAL + timedelta(days=3)).isoformat()]

    def test_the_organisations_calendar_feed_carries_the_ecthr_deadline(
        self, client: TestClient, team: Team, as_user: Any
    ) -> None:
        post_final(client, team, as_user)
        feed = client.post(
            "/api/v1/me/calendar-feeds",
            json={"organisation_id": str(team.org.id)},
            headers=as_user(team.viewer),
        )
        assert feed.status_code == 201, feed.text
        path = feed.json()["url"].split("127.0.0.1:8000")[1]

        r = client.get(path)

        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/calendar")
        events = list(icalendar.Calendar.from_ical(r.text).walk("VEVENT"))
        starts = {e.decoded("DTSTART") for e in events}
        assert add_months(FINAL, 4) in starts
        assert (
            client.delete(
                f"/api/v1/me/calendar-feeds/{feed.json()['id']}", headers=as_user(team.viewer)
            ).status_code
            == 204
        )
        assert_problem(client.get(path), 404, "not_found")


class TestBadInput:
    @pytest.mark.parametrize(
        "extra",
        [
            {"notified_on": (FINAL - timedelta(days=1)).isoformat()},
            {"kind": "hearing", "notified_on": FINAL.isoformat()},
            {"kind": "hearing", "interim": {"forum_id": "ECTHR", "stage": "requested"}},
        ],
    )
    def test_mismatched_fields_are_422_and_nothing_is_written(
        self, client: TestClient, team: Team, as_user: Any, extra: dict[str, Any]
    ) -> None:
        assert_problem(post_final(client, team, as_user, **extra), 422, "validation_error")
        assert (
            client.get(
                f"/api/v1/cases/{team.case.id}/deadlines", headers=as_user(team.staff)
            ).json()
            == []
        )

    def test_an_interim_measure_is_recorded_with_its_compliance(
        self, client: TestClient, team: Team, as_user: Any
    ) -> None:
        interim = {"forum_id": "ECTHR", "stage": "granted", "compliance": "not_complied"}
        r = post_final(
            client,
            team,
            as_user,
            kind="interim_measures",
            summary="Rule 39 indicated.",
            interim=interim,
        )

        assert r.status_code == 201, r.text
        assert r.json()["interim"] == interim
        bad = post_final(
            client, team, as_user, kind="interim_measures", interim={**interim, "forum_id": "NOPE"}
        )
        assert_problem(bad, 422, "validation_error")


class TestWhoSeesAndChanges:
    def test_a_private_cases_deadlines_are_404_for_other_organisations(
        self, client: TestClient, session: Session, team: Team, as_user: Any
    ) -> None:
        post_final(client, team, as_user)
        outsider = make_user(session, member_of=make_org(session), role=Role.admin)

        r = client.get(f"/api/v1/cases/{team.case.id}/deadlines", headers=as_user(outsider))
        upcoming = client.get(
            "/api/v1/deadlines", params={"within": 366}, headers=as_user(outsider)
        )

        assert_problem(r, 404, "not_found")
        assert upcoming.json() == []

    def test_internal_deadlines_stay_inside_the_organisation(
        self, client: TestClient, session: Session, as_user: Any
    ) -> None:
        shared = Team(session, Visibility.network)
        post_final(client, shared, as_user, internal=True)
        other = make_user(session, member_of=make_org(session), role=Role.litigator)

        seen = client.get(f"/api/v1/cases/{shared.case.id}/deadlines", headers=as_user(other))
        own = client.get(
            f"/api/v1/cases/{shared.case.id}/deadlines", headers=as_user(shared.viewer)
        )

        assert seen.status_code == 200 and seen.json() == []
        assert own.json()

    def test_staff_dismiss_and_reopen_with_audit_and_viewers_cannot(
        self, client: TestClient, team: Team, as_user: Any
    ) -> None:
        post_final(client, team, as_user)
        [first, *_] = client.get(
            f"/api/v1/cases/{team.case.id}/deadlines", headers=as_user(team.staff)
        ).json()
        url = f"/api/v1/cases/{team.case.id}/deadlines/{first['id']}"

        denied = client.post(f"{url}/dismiss", headers=as_user(team.viewer))
        dismissed = client.post(f"{url}/dismiss", headers=as_user(team.staff))
        listed = client.get(
            "/api/v1/deadlines", params={"within": 366}, headers=as_user(team.staff)
        )
        reopened = client.post(f"{url}/reopen", headers=as_user(team.staff))

        assert_problem(denied, 403, "forbidden")
        assert dismissed.json()["dismissed_at"] is not None
        assert first["id"] not in {d["id"] for d in listed.json()}
        assert reopened.json()["dismissed_at"] is None

    def test_a_manual_deadline_sits_beside_the_computed_ones(
        self, client: TestClient, team: Team, as_user: Any
    ) -> None:
        due = (utcnow().date() + timedelta(days=20)).isoformat()
        r = client.post(
            f"/api/v1/cases/{team.case.id}/deadlines",
            json={"title": "Reply to the Government's observations", "due_on": due},
            headers=as_user(team.staff),
        )
        soon = client.get(
            "/api/v1/deadlines", params={"within": "30d"}, headers=as_user(team.viewer)
        )

        assert r.status_code == 201
        assert r.json()["rule"] == "manual" and r.json()["internal"] is True
        assert [d["title"] for d in soon.json()] == ["Reply to the Government's observations"]


@pytest.mark.parametrize("within", ["0", "0d", "367d", "30 days", "-1", "d"])
def test_a_bad_window_is_422(
    client: TestClient, session: Session, as_user: Any, within: str
) -> None:
    user = make_user(session, member_of=make_org(session), role=Role.viewer)

    r = client.get("/api/v1/deadlines", params={"within": within}, headers=as_user(user))

    assert_problem(r, 422, "validation_error")
