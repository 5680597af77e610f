"""The case record through HTTP: filing, editing, timeline, parties, citations."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.cases.models import LegalCase, RightsClaim
from app.orgs.models import Organisation, Role, Visibility
from tests.factories import make_case, make_org, make_user
from tests.helpers import assert_problem

NEW_CASE = {
    "title": "A.B. and Others v. Greece",
    "forum_id": "ECTHR",
    "respondent_states": ["gr"],
    "facts_summary": "Unaccompanied children held in police stations on arrival.",
    "identifiers": [{"kind": "application_number", "value": "12345/24"}],
    "claims": [
        {"right_id": "detention_children", "provisions": ["ECHR art. 5 § 1 (f)"]},
        {"right_id": "inhuman_treatment_detention_conditions", "provisions": ["Article 3 ECHR"]},
    ],
}


class Team:
    def __init__(self, session: Session) -> None:
        self.org: Organisation = make_org(session)
        self.admin = make_user(session, member_of=self.org, role=Role.admin)
        self.litigator = make_user(session, member_of=self.org, role=Role.litigator)
        self.staff = make_user(session, member_of=self.org, role=Role.staff)
        self.viewer = make_user(session, member_of=self.org, role=Role.viewer)
        self.outsider = make_user(session, member_of=make_org(session), role=Role.admin)


@pytest.fixture
def team(session: Session) -> Team:
    return Team(session)


def create(client: TestClient, as_user: Any, user: Any, body: dict[str, Any] = NEW_CASE) -> Any:
    r = client.post("/api/v1/cases", json=body, headers=as_user(user))
    assert r.status_code == 201, r.text
    return r.json()


class TestFileCase:
    def test_litigator_files_a_case_with_two_claims(
        self, client: TestClient, team: Team, as_user: Any
    ) -> None:
        case = create(client, as_user, team.litigator)

        assert case["respondent_states"] == ["GR"]
        assert case["forum_jurisdiction"] == "CoE"
        assert [c["provisions"][0]["key"] for c in case["claims"]] == ["ECHR:5-1-f", "ECHR:3"]
        assert case["outcome"] == "pending" and case["outcome_source"] == "derived"
        assert case["visibility"] == "private"

    def test_staff_cannot_file(self, client: TestClient, team: Team, as_user: Any) -> None:
        r = client.post("/api/v1/cases", json=NEW_CASE, headers=as_user(team.staff))

        assert_problem(r, 403, "forbidden")

    def test_unknown_provision_in_a_batch_writes_nothing(
        self, client: TestClient, team: Team, as_user: Any, session: Session
    ) -> None:
        def counts() -> tuple[int | None, int | None]:
            return (
                session.scalar(select(func.count()).select_from(LegalCase)),
                session.scalar(select(func.count()).select_from(RightsClaim)),
            )

        before = counts()
        bad = {
            **NEW_CASE,
            "claims": [
                NEW_CASE["claims"][0],
                {
                    "right_id": "liberty_arbitrary_detention",
                    "provisions": ["Charter of Nowhere art. 9"],
                },
            ],
        }

        r = client.post("/api/v1/cases", json=bad, headers=as_user(team.litigator))

        body = assert_problem(r, 422, "unknown_provision")
        assert body["suggestions"] is not None
        assert counts() == before

    def test_bad_ecli_is_422(self, client: TestClient, team: Team, as_user: Any) -> None:
        r = client.post(
            "/api/v1/cases",
            headers=as_user(team.litigator),
            json={**NEW_CASE, "identifiers": [{"kind": "ecli", "value": "ECLI:bad"}]},
        )

        assert_problem(r, 422, "validation_error")

    def test_duplicate_identifier_is_409_with_link(
        self, client: TestClient, team: Team, as_user: Any
    ) -> None:
        first = create(client, as_user, team.litigator)

        r = client.post("/api/v1/cases", json=NEW_CASE, headers=as_user(team.litigator))

        body = assert_problem(r, 409, "duplicate_case")
        assert body["existing"] == f"/api/v1/cases/{first['id']}"

    def test_sharing_on_creation_needs_admin(
        self, client: TestClient, team: Team, as_user: Any
    ) -> None:
        r = client.post(
            "/api/v1/cases",
            json={**NEW_CASE, "visibility": "public"},
            headers=as_user(team.litigator),
        )

        assert_problem(r, 403, "forbidden")

    def test_owner_org_cannot_be_smuggled(
        self, client: TestClient, team: Team, as_user: Any, session: Session
    ) -> None:
        foreign = make_org(session)

        r = client.post(
            "/api/v1/cases",
            json={**NEW_CASE, "owner_org_id": str(foreign.id)},
            headers=as_user(team.litigator),
        )

        assert_problem(r, 403, "forbidden")


class TestEditCase:
    def test_patch_needs_if_match_and_detects_stale(
        self, client: TestClient, team: Team, as_user: Any
    ) -> None:
        case = create(client, as_user, team.litigator)
        url = f"/api/v1/cases/{case['id']}"
        tag = client.get(url, headers=as_user(team.viewer)).headers["etag"]

        assert_problem(
            client.patch(url, json={"holding": "x"}, headers=as_user(team.litigator)),
            428,
            "precondition_required",
        )
        ok = client.patch(
            url, json={"holding": "x"}, headers={**as_user(team.litigator), "If-Match": tag}
        )
        stale = client.patch(
            url, json={"holding": "y"}, headers={**as_user(team.litigator), "If-Match": tag}
        )

        assert ok.status_code == 200 and ok.headers["etag"] != tag
        body = assert_problem(stale, 412, "precondition_failed")
        assert body["current_etag"] == ok.headers["etag"]

    def test_visibility_and_version_are_not_for_litigators(
        self, client: TestClient, team: Team, as_user: Any
    ) -> None:
        case = create(client, as_user, team.litigator)
        url = f"/api/v1/cases/{case['id']}"
        headers = {**as_user(team.litigator), "If-Match": f'"{case["version"]}"'}

        assert_problem(
            client.patch(url, json={"visibility": "public"}, headers=headers), 403, "forbidden"
        )
        assert_problem(
            client.patch(url, json={"version": 99}, headers=headers), 422, "validation_error"
        )
        admin = {**as_user(team.admin), "If-Match": f'"{case["version"]}"'}
        assert (
            client.patch(url, json={"visibility": "network"}, headers=admin).json()["visibility"]
            == "network"
        )

    def test_explicit_outcome_and_back_to_derived(
        self, client: TestClient, team: Team, as_user: Any
    ) -> None:
        case = create(client, as_user, team.litigator)
        url = f"/api/v1/cases/{case['id']}"
        h = as_user(team.litigator)

        fixed = client.patch(
            url, json={"outcome": "settled"}, headers={**h, "If-Match": f'"{case["version"]}"'}
        ).json()
        derived = client.patch(
            url, json={"outcome": None}, headers={**h, "If-Match": f'"{fixed["version"]}"'}
        ).json()

        assert (fixed["outcome"], fixed["outcome_source"]) == ("settled", "explicit")
        assert (derived["outcome"], derived["outcome_source"]) == ("pending", "derived")

    def test_only_admins_delete(self, client: TestClient, team: Team, as_user: Any) -> None:
        case = create(client, as_user, team.litigator)
        url = f"/api/v1/cases/{case['id']}"
        tag = {"If-Match": f'"{case["version"]}"'}

        assert_problem(
            client.delete(url, headers={**as_user(team.litigator), **tag}), 403, "forbidden"
        )
        assert client.delete(url, headers={**as_user(team.admin), **tag}).status_code == 204
        assert client.get(url, headers=as_user(team.admin)).status_code == 404


class TestTimeline:
    def test_hearing_then_decision_with_findings(
        self, client: TestClient, team: Team, as_user: Any
    ) -> None:
        case = create(client, as_user, team.litigator)
        url = f"/api/v1/cases/{case['id']}/updates"
        [liberty, conditions] = case["claims"]

        hearing = client.post(
            url,
            headers=as_user(team.staff),
            json={"kind": "hearing", "occurred_on": "2025-03-01", "summary": "Oral hearing held."},
        )
        decision = client.post(
            url,
            headers=as_user(team.litigator),
            json={
                "kind": "decision",
                "occurred_on": "2025-06-10",
                "summary": "Judgment delivered.",
                "findings": [
                    {"claim_id": liberty["id"], "finding": "violation"},
                    {"claim_id": conditions["id"], "finding": "no_violation"},
                ],
            },
        )

        assert hearing.status_code == 201 and decision.status_code == 201
        after = client.get(f"/api/v1/cases/{case['id']}", headers=as_user(team.viewer)).json()
        assert after["outcome"] == "partial" and after["decided_on"] == "2025-06-10"
        assert after["status"] == "decided"
        assert [u["kind"] for u in client.get(url, headers=as_user(team.viewer)).json()] == [
            "hearing",
            "decision",
        ]

    def test_staff_posts_updates_but_not_findings(
        self, client: TestClient, team: Team, as_user: Any
    ) -> None:
        case = create(client, as_user, team.litigator)

        r = client.post(
            f"/api/v1/cases/{case['id']}/updates",
            headers=as_user(team.staff),
            json={
                "kind": "decision",
                "occurred_on": "2025-06-10",
                "summary": "x",
                "findings": [{"claim_id": case["claims"][0]["id"], "finding": "violation"}],
            },
        )

        assert_problem(r, 403, "forbidden")

    def test_staff_cannot_edit_claims(self, client: TestClient, team: Team, as_user: Any) -> None:
        case = create(client, as_user, team.litigator)

        r = client.patch(
            f"/api/v1/cases/{case['id']}/claims/{case['claims'][0]['id']}",
            json={"finding": "violation"},
            headers={**as_user(team.staff), "If-Match": f'"{case["version"]}"'},
        )

        assert_problem(r, 403, "forbidden")

    def test_internal_notes_stay_in_the_organisation(
        self, client: TestClient, team: Team, as_user: Any, session: Session
    ) -> None:
        case = make_case(
            session,
            org=team.org,
            visibility=Visibility.network,
            internal_notes="strategy: argue art. 5 first",
        )
        client.post(
            f"/api/v1/cases/{case.id}/updates",
            headers=as_user(team.staff),
            json={
                "kind": "note",
                "occurred_on": "2025-01-01",
                "summary": "call client",
                "internal": True,
            },
        )

        own = client.get(f"/api/v1/cases/{case.id}", headers=as_user(team.viewer)).json()
        other = client.get(f"/api/v1/cases/{case.id}", headers=as_user(team.outsider)).json()
        other_updates = client.get(
            f"/api/v1/cases/{case.id}/updates", headers=as_user(team.outsider)
        ).json()

        assert own["internal_notes"] == "strategy: argue art. 5 first"
        assert other["internal_notes"] is None and other_updates == []


CANARY = "Zebulon Canary-Quixote"


class TestParties:
    def test_protected_data_only_for_litigators_of_the_owner(
        self, client: TestClient, team: Team, as_user: Any, session: Session
    ) -> None:
        case = make_case(session, org=team.org, visibility=Visibility.public)
        party = client.post(
            f"/api/v1/cases/{case.id}/parties",
            headers=as_user(team.litigator),
            json={
                "pseudonym": "Z.C.",
                "protected": {"legal_names": [CANARY], "date_of_birth": "2009-05-01"},
            },
        ).json()
        url = f"/api/v1/cases/{case.id}/parties/{party['id']}/protected"

        assert client.get(url, headers=as_user(team.litigator)).json()["legal_names"] == [CANARY]
        assert_problem(client.get(url, headers=as_user(team.staff)), 403, "forbidden")
        assert_problem(client.get(url, headers=as_user(team.outsider)), 403, "forbidden")
        listed = client.get(f"/api/v1/cases/{case.id}/parties").text
        assert "Z.C." in listed and CANARY not in listed

    def test_erasure_wipes_and_audits(
        self, client: TestClient, team: Team, as_user: Any, session: Session
    ) -> None:
        case = make_case(session, org=team.org)
        party = client.post(
            f"/api/v1/cases/{case.id}/parties",
            headers=as_user(team.litigator),
            json={"pseudonym": "Z.C.", "protected": {"legal_names": [CANARY]}},
        )
        url = f"/api/v1/cases/{case.id}/parties/{party.json()['id']}/protected"

        assert client.delete(url, headers=as_user(team.litigator)).status_code == 204
        assert_problem(client.get(url, headers=as_user(team.litigator)), 404, "not_found")
        trail = client.get("/api/v1/audit", headers=as_user(team.admin)).text
        assert "party.protected_erase" in trail and CANARY not in trail


class TestCitations:
    def test_cited_by_shows_knock_on_and_hides_private_citers(
        self, client: TestClient, team: Team, as_user: Any, session: Session
    ) -> None:
        strasbourg = make_case(session, org=team.org, visibility=Visibility.public)
        bogota = make_case(
            session,
            org=team.org,
            visibility=Visibility.public,
            forum_id="IACTHR",
            respondent_states=["CO"],
        )
        secret = make_case(
            session,
            org=team.org,
            visibility=Visibility.private,
            forum_id="IACHR",
            respondent_states=["PE"],
        )
        for citer in (bogota, secret):
            r = client.post(
                f"/api/v1/cases/{citer.id}/citations",
                headers=as_user(team.litigator),
                json={"cited_case_id": str(strasbourg.id), "treatment": "applies"},
            )
            assert r.status_code == 201

        public_view = client.get(f"/api/v1/cases/{strasbourg.id}/cited-by?knock_on=true").json()
        own_view = client.get(
            f"/api/v1/cases/{strasbourg.id}/cited-by", headers=as_user(team.viewer)
        ).json()

        assert [c["citing_case_id"] for c in public_view] == [str(bogota.id)]
        assert public_view[0]["knock_on"] is True
        assert {c["citing_case_id"] for c in own_view} == {str(bogota.id), str(secret.id)}

    def test_cannot_cite_an_invisible_case(
        self, client: TestClient, team: Team, as_user: Any, session: Session
    ) -> None:
        mine = make_case(session, org=team.org)
        theirs = make_case(session, org=make_org(session))

        r = client.post(
            f"/api/v1/cases/{mine.id}/citations",
            headers=as_user(team.litigator),
            json={"cited_case_id": str(theirs.id)},
        )

        assert_problem(r, 422, "validation_error")


class TestList:
    def test_filters_and_pages_without_leaking(
        self, client: TestClient, team: Team, as_user: Any, session: Session
    ) -> None:
        for i in range(5):
            make_case(
                session, org=team.org, visibility=Visibility.public, decided_on=f"2020-01-0{i + 1}"
            )
        make_case(session, org=make_org(session), visibility=Visibility.private)
        seen: list[str] = []
        url = f"/api/v1/cases?limit=2&owner_org_id={team.org.id}&right=collective_expulsion"

        while url:
            page = client.get(url).json()
            seen += [c["decided_on"] for c in page["items"]]
            url = (
                (
                    f"/api/v1/cases?limit=2&owner_org_id={team.org.id}&right=collective_expulsion"
                    f"&cursor={page['next_cursor']}"
                )
                if page["next_cursor"]
                else ""
            )

        assert seen == [f"2020-01-0{i}" for i in range(5, 0, -1)]

    def test_provision_filter_uses_the_parser(
        self, client: TestClient, team: Team, session: Session
    ) -> None:
        case = make_case(session, org=team.org, visibility=Visibility.public)

        hits = client.get(
            "/api/v1/cases",
            params={"provision": "Protocol 4 art 4", "owner_org_id": str(team.org.id)},
        ).json()
        misses = client.get(
            "/api/v1/cases", params={"provision": "ECHR:8", "owner_org_id": str(team.org.id)}
        ).json()

        assert [c["id"] for c in hits["items"]] == [str(case.id)] and misses["items"] == []

    def test_forged_cursor_is_422(self, client: TestClient) -> None:
        assert_problem(client.get("/api/v1/cases?cursor=WyJ4Il0"), 422, "validation_error")
        assert_problem(client.get("/api/v1/cases?limit=10000"), 422, "validation_error")


class TestIdempotency:
    def test_retry_replays_and_other_body_is_422(
        self, client: TestClient, team: Team, as_user: Any, session: Session
    ) -> None:
        headers = {**as_user(team.litigator), "Idempotency-Key": "file-1"}

        first = client.post("/api/v1/cases", json=NEW_CASE, headers=headers)
        again = client.post("/api/v1/cases", json=NEW_CASE, headers=headers)
        other = client.post("/api/v1/cases", json={**NEW_CASE, "title": "Other"}, headers=headers)

        assert first.status_code == again.status_code == 201
        assert first.json() == again.json()
        assert again.headers["idempotent-replay"] == "true"
        assert_problem(other, 422, "idempotency_key_reused")
        assert (
            session.scalar(
                select(func.count())
                .select_from(LegalCase)
                .where(LegalCase.title == NEW_CASE["title"])
            )
            == 1
        )
