"""Model pleadings through HTTP: versions, adaptations, uses, authorities at risk, rendering,
attachments, and the demo pleadings."""

from __future__ import annotations

import hashlib
import io
import uuid
import zipfile
from dataclasses import dataclass
from datetime import date
from typing import Any

import docx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.cases.models import LegalCase
from app.core.time import utcnow
from app.orgs.models import Organisation, Role, Visibility
from app.pleadings import service
from app.pleadings.demo import load_demo
from app.pleadings.models import ModelPleading, PleadingVersion
from app.pleadings.schemas import RenderFormat, RenderRequest
from tests.factories import make_case, make_org, make_pleading, make_user
from tests.helpers import assert_problem

P = "/api/v1/model-pleadings"
LOSS = [
    {"right_id": "collective_expulsion", "provisions": ["ECHR-P4:4"], "finding": "no_violation"}
]
NEW_PLEADING = {
    "title": "Collective expulsion at land borders",
    "summary": "Pushbacks without individual examination.",
    "rights": ["collective_expulsion", "non_refoulement"],
    "forum_levels": ["regional", "national_apex"],
    "jurisdictions": ["CoE", "ES"],
    "language": "en",
    "tags": ["pushback"],
}
TEMPLATE = "# {{ case.title }}\n\nBefore the {{ forum.name }}.\n\nReturned on {{ when|date }}.\n"
WHEN = [{"name": "when", "type": "date", "description": "Date of the return"}]


class Team:
    def __init__(self, session: Session) -> None:
        self.org: Organisation = make_org(session)
        self.admin = make_user(session, member_of=self.org, role=Role.admin)
        self.litigator = make_user(session, member_of=self.org, role=Role.litigator)
        self.viewer = make_user(session, member_of=self.org, role=Role.viewer)
        self.other_org = make_org(session)
        self.outsider = make_user(session, member_of=self.other_org, role=Role.litigator)
        self.hub_admin = make_user(session, hub_admin=True)


@pytest.fixture
def team(session: Session) -> Team:
    return Team(session)


def created(r: Any, status: int = 201) -> Any:
    assert r.status_code == status, r.text
    return r.json()


def tag(r: Any) -> dict[str, str]:
    return {"If-Match": r.headers["etag"]}


def new_pleading(client: TestClient, as_user: Any, user: Any, **overrides: Any) -> Any:
    return created(client.post(P, json={**NEW_PLEADING, **overrides}, headers=as_user(user)))


def publish_new_version(
    client: TestClient, as_user: Any, user: Any, pleading_id: Any, body: str, **extra: Any
) -> Any:
    draft = created(
        client.post(
            f"{P}/{pleading_id}/versions", json={"body": body, **extra}, headers=as_user(user)
        )
    )
    return created(
        client.post(f"{P}/{pleading_id}/versions/{draft['number']}/publish", headers=as_user(user)),
        200,
    )


class TestCreateAndRead:
    def test_litigator_creates_and_reads_it_with_an_etag(
        self, client: TestClient, team: Team, as_user: Any
    ) -> None:
        made = new_pleading(client, as_user, team.litigator)

        r = client.get(f"{P}/{made['id']}", headers=as_user(team.viewer))

        assert r.status_code == 200 and r.headers["etag"] == '"1"'
        body = r.json()
        assert body["rights"] == ["collective_expulsion", "non_refoulement"]
        assert (body["status"], body["visibility"], body["latest_version"]) == (
            "draft",
            "private",
            None,
        )
        assert body["owner_org_id"] == str(team.org.id)
        assert body["usage"] == {"cases": 0, "wins": 0, "outcomes": {}}
        assert body["authority_at_risk"] is False and body["upstream"] is None

    def test_viewer_cannot_create(self, client: TestClient, team: Team, as_user: Any) -> None:
        assert_problem(
            client.post(P, json=NEW_PLEADING, headers=as_user(team.viewer)), 403, "forbidden"
        )

    def test_unknown_right_and_jurisdiction_are_422(
        self, client: TestClient, team: Team, as_user: Any
    ) -> None:
        bad_right = client.post(
            P, json={**NEW_PLEADING, "rights": ["no_such_right"]}, headers=as_user(team.litigator)
        )
        bad_place = client.post(
            P, json={**NEW_PLEADING, "jurisdictions": ["XX"]}, headers=as_user(team.litigator)
        )

        assert assert_problem(bad_right, 422, "validation_error")["errors"][0]["loc"] == [
            "body",
            "rights",
            0,
        ]
        assert_problem(bad_place, 422, "validation_error")

    def test_patch_needs_if_match_and_detects_stale(
        self, client: TestClient, team: Team, as_user: Any
    ) -> None:
        made = new_pleading(client, as_user, team.litigator)
        url = f"{P}/{made['id']}"
        etag = tag(client.get(url, headers=as_user(team.litigator)))

        missing = client.patch(url, json={"summary": "x"}, headers=as_user(team.litigator))
        ok = client.patch(
            url, json={"summary": "x", "tags": ["a"]}, headers={**as_user(team.litigator), **etag}
        )
        stale = client.patch(
            url, json={"summary": "y"}, headers={**as_user(team.litigator), **etag}
        )

        assert_problem(missing, 428, "precondition_required")
        assert ok.status_code == 200 and ok.json()["summary"] == "x" and ok.json()["tags"] == ["a"]
        assert ok.headers["etag"] != etag["If-Match"]
        assert (
            assert_problem(stale, 412, "precondition_failed")["current_etag"] == ok.headers["etag"]
        )

    def test_private_is_404_outside_network_for_network_public_for_all(
        self, client: TestClient, team: Team, as_user: Any, session: Session
    ) -> None:
        private = make_pleading(session, org=team.org)
        network = make_pleading(session, org=team.org, visibility=Visibility.network)
        public = make_pleading(session, org=team.org, visibility=Visibility.public)

        assert_problem(
            client.get(f"{P}/{private.id}", headers=as_user(team.outsider)), 404, "not_found"
        )
        assert client.get(f"{P}/{network.id}", headers=as_user(team.outsider)).status_code == 200
        assert_problem(client.get(f"{P}/{network.id}"), 404, "not_found")
        assert client.get(f"{P}/{public.id}").status_code == 200
        listed = {p["id"] for p in client.get(P, headers=as_user(team.outsider)).json()["items"]}
        assert {str(network.id), str(public.id)} <= listed and str(private.id) not in listed

    def test_visibility_is_for_admins_and_hub_admins_may_share_with_the_network(
        self, client: TestClient, team: Team, as_user: Any, session: Session
    ) -> None:
        pleading = make_pleading(session, org=team.org, visibility=Visibility.public)
        url = f"{P}/{pleading.id}"

        def patch(user: Any, visibility: str) -> Any:
            etag = tag(client.get(url, headers=as_user(user)))
            return client.patch(
                url, json={"visibility": visibility}, headers={**as_user(user), **etag}
            )

        assert_problem(patch(team.litigator, "network"), 403, "forbidden")
        assert_problem(patch(team.hub_admin, "private"), 403, "forbidden")
        assert patch(team.hub_admin, "network").json()["visibility"] == "network"
        assert patch(team.admin, "private").json()["visibility"] == "private"
        assert_problem(client.get(url, headers=as_user(team.hub_admin)), 404, "not_found")

    def test_list_filters(
        self, client: TestClient, team: Team, as_user: Any, session: Session
    ) -> None:
        match = make_pleading(
            session,
            org=team.org,
            rights=["detention_children"],
            forum_levels=["quasi_judicial_treaty_body"],
            jurisdictions=["UN"],
            language="es",
        )
        make_pleading(session, org=team.org)
        h = as_user(team.viewer)

        def ids(**params: str) -> list[str]:
            r = client.get(P, params={"owner": str(team.org.id), **params}, headers=h)
            assert r.status_code == 200, r.text
            return [p["id"] for p in r.json()["items"]]

        assert ids(right="detention_children") == [str(match.id)]
        assert ids(forum_level="quasi_judicial_treaty_body") == [str(match.id)]
        assert ids(jurisdiction="UN") == [str(match.id)]
        assert ids(language="es") == [str(match.id)]
        assert len(ids(status="published")) == 2 and ids(status="draft") == []
        assert len(ids()) == 2 and ids(owner=str(uuid.uuid4())) == []

    def test_list_pages_with_a_cursor(
        self, client: TestClient, team: Team, as_user: Any, session: Session
    ) -> None:
        made = {str(make_pleading(session, org=team.org).id) for _ in range(3)}
        h = as_user(team.viewer)
        params = {"owner": str(team.org.id), "limit": "2"}

        first = client.get(P, params=params, headers=h).json()
        second = client.get(P, params={**params, "cursor": first["next_cursor"]}, headers=h).json()

        assert len(first["items"]) == 2 and second["next_cursor"] is None
        assert {p["id"] for p in first["items"] + second["items"]} == made
        assert_problem(
            client.get(P, params={"cursor": "bm9wZQ"}, headers=h), 422, "validation_error"
        )

    def test_only_admins_delete(
        self, client: TestClient, team: Team, as_user: Any, session: Session
    ) -> None:
        pleading = make_pleading(session, org=team.org)
        url = f"{P}/{pleading.id}"
        etag = tag(client.get(url, headers=as_user(team.admin)))

        assert_problem(
            client.delete(url, headers={**as_user(team.litigator), **etag}), 403, "forbidden"
        )
        assert client.delete(url, headers={**as_user(team.admin), **etag}).status_code == 204
        assert_problem(client.get(url, headers=as_user(team.admin)), 404, "not_found")


class TestVersions:
    def test_draft_is_edited_then_published_and_frozen(
        self, client: TestClient, team: Team, as_user: Any
    ) -> None:
        made = new_pleading(client, as_user, team.litigator)
        h = as_user(team.litigator)
        draft = created(
            client.post(
                f"{P}/{made['id']}/versions",
                json={"body": TEMPLATE, "variables": WHEN, "changelog": "First."},
                headers=h,
            )
        )
        url = f"{P}/{made['id']}/versions/1"
        etag = tag(client.get(url, headers=h))

        edited = client.patch(url, json={"changelog": "First draft."}, headers={**h, **etag})
        published = client.post(f"{url}/publish", headers=h)
        frozen = client.patch(url, json={"body": "changed"}, headers={**h, **tag(published)})

        assert draft["state"] == "draft" and draft["number"] == 1
        assert edited.status_code == 200 and edited.json()["changelog"] == "First draft."
        assert published.status_code == 200 and published.json()["state"] == "published"
        assert_problem(frozen, 409, "version_published")
        assert client.get(url, headers=h).json()["body"] == TEMPLATE
        pleading = client.get(f"{P}/{made['id']}", headers=h).json()
        assert (pleading["status"], pleading["latest_version"]) == ("published", 1)
        assert_problem(client.post(f"{url}/publish", headers=h), 409, "version_published")

    def test_one_draft_at_a_time_and_new_versions_copy_the_latest(
        self, client: TestClient, team: Team, as_user: Any, session: Session
    ) -> None:
        pleading = make_pleading(session, org=team.org)
        h = as_user(team.litigator)

        second = created(
            client.post(f"{P}/{pleading.id}/versions", json={"changelog": "v2"}, headers=h)
        )
        third = client.post(f"{P}/{pleading.id}/versions", json={}, headers=h)

        assert second["number"] == 2 and second["state"] == "draft"
        first = client.get(f"{P}/{pleading.id}/versions/1", headers=h).json()
        assert (second["body"], second["variables"]) == (first["body"], first["variables"])
        assert [s["heading"] for s in second["sections"]] == ["Collective expulsion"]
        assert_problem(third, 409, "draft_exists")

    def test_drafts_are_only_for_the_owning_organisation(
        self, client: TestClient, team: Team, as_user: Any, session: Session
    ) -> None:
        pleading = make_pleading(session, org=team.org, visibility=Visibility.public)
        created(
            client.post(f"{P}/{pleading.id}/versions", json={}, headers=as_user(team.litigator))
        )

        mine = client.get(f"{P}/{pleading.id}/versions", headers=as_user(team.viewer)).json()
        theirs = client.get(f"{P}/{pleading.id}/versions", headers=as_user(team.outsider)).json()

        assert [v["number"] for v in mine] == [1, 2]
        assert [v["number"] for v in theirs] == [1]
        assert_problem(
            client.get(f"{P}/{pleading.id}/versions/2", headers=as_user(team.outsider)),
            404,
            "not_found",
        )

    def test_supporting_authorities_must_be_readable(
        self, client: TestClient, team: Team, as_user: Any, session: Session
    ) -> None:
        pleading = make_pleading(session, org=team.org)
        hidden = make_case(session, org=team.other_org)

        r = client.post(
            f"{P}/{pleading.id}/versions",
            json={"sections": [{"heading": "H", "authorities": [str(hidden.id)]}]},
            headers=as_user(team.litigator),
        )

        body = assert_problem(r, 422, "validation_error")
        assert body["errors"][0]["loc"] == ["body", "sections", 0, "authorities", 0]


class TestTemplateErrors:
    @pytest.mark.parametrize(
        ("template", "kind", "line"),
        [
            ("# Title\n\nFine.\n{{ ''.__class__.__mro__ }}\n", "sandbox", 4),
            ("# Title\n{% if case.title %}\nunclosed\n", "syntax", 3),
            ("# Title\n\n{{ case.title }}\n{{ respondent_name }}\n", "undeclared_variable", 4),
            ("# Title\n{% include 'x.md' %}\n", "sandbox", 2),
        ],
    )
    def test_bad_template_is_422_naming_the_line_and_nothing_is_stored(
        self,
        client: TestClient,
        team: Team,
        as_user: Any,
        session: Session,
        template: str,
        kind: str,
        line: int,
    ) -> None:
        made = new_pleading(client, as_user, team.litigator)

        r = client.post(
            f"{P}/{made['id']}/versions", json={"body": template}, headers=as_user(team.litigator)
        )

        body = assert_problem(r, 422, "template_error")
        assert (body["kind"], body["line"]) == (kind, line)
        assert f"line {line}" in body["detail"]
        assert body["errors"][0]["loc"] == ["body", "body"]
        assert (
            session.scalar(
                select(func.count())
                .select_from(PleadingVersion)
                .where(PleadingVersion.pleading_id == uuid.UUID(made["id"]))
            )
            == 0
        )

    def test_a_reserved_variable_name_is_422(
        self, client: TestClient, team: Team, as_user: Any
    ) -> None:
        made = new_pleading(client, as_user, team.litigator)

        r = client.post(
            f"{P}/{made['id']}/versions",
            json={"body": "{{ case.title }}", "variables": [{"name": "forum", "type": "text"}]},
            headers=as_user(team.litigator),
        )

        assert assert_problem(r, 422, "template_error")["errors"][0]["loc"] == [
            "body",
            "variables",
            0,
        ]


class TestAdaptations:
    def test_fork_shows_upstream_changed_with_a_diff(
        self, client: TestClient, team: Team, as_user: Any, session: Session
    ) -> None:
        upstream = make_pleading(session, org=team.org, visibility=Visibility.public)

        fork = created(
            client.post(
                f"{P}/{upstream.id}/fork",
                json={"kind": "translation", "language": "es", "title": "Expulsión colectiva"},
                headers=as_user(team.outsider),
            )
        )
        before = fork["upstream"]
        publish_new_version(
            client,
            as_user,
            team.litigator,
            upstream.id,
            "# {{ case.title }}\n\nA new opening paragraph for {{ applicant }}.\n",
            variables=[{"name": "applicant", "type": "text"}],
        )
        after = client.get(f"{P}/{fork['id']}", headers=as_user(team.outsider)).json()["upstream"]

        assert fork["owner_org_id"] == str(team.other_org.id) and fork["visibility"] == "private"
        assert (fork["language"], fork["title"], fork["status"]) == (
            "es",
            "Expulsión colectiva",
            "draft",
        )
        assert before == {
            "kind": "translation",
            "pleading_id": str(upstream.id),
            "title": upstream.title,
            "version": 1,
            "latest_version": 1,
            "changed": False,
            "diff": None,
        }
        assert after["changed"] is True and after["latest_version"] == 2 and after["version"] == 1
        assert "-Submission to the {{ forum.name }}" in after["diff"]
        assert "+A new opening paragraph for {{ applicant }}." in after["diff"]
        draft = client.get(f"{P}/{fork['id']}/versions/1", headers=as_user(team.outsider)).json()
        assert draft["body"] == client.get(f"{P}/{upstream.id}/versions/1").json()["body"]

    def test_upstream_that_turns_private_or_is_deleted_leaves_the_fork_unlinked(
        self, client: TestClient, team: Team, as_user: Any, session: Session
    ) -> None:
        upstream = make_pleading(session, org=team.org, visibility=Visibility.public)
        fork = created(
            client.post(f"{P}/{upstream.id}/fork", json={}, headers=as_user(team.outsider))
        )
        url = f"{P}/{upstream.id}"
        h = as_user(team.admin)
        created(
            client.post(
                f"{url}/uses", json={"case_id": str(make_case(session, org=team.org).id)}, headers=h
            )
        )

        hidden = client.patch(
            url, json={"visibility": "private"}, headers={**h, **tag(client.get(url, headers=h))}
        )
        seen = client.get(f"{P}/{fork['id']}", headers=as_user(team.outsider)).json()
        assert hidden.status_code == 200
        assert (seen["upstream"], seen["upstream_pleading_id"]) == (None, None)

        assert (
            client.delete(url, headers={**h, **tag(client.get(url, headers=h))}).status_code == 204
        )
        assert (
            client.get(f"{P}/{fork['id']}", headers=as_user(team.outsider)).json()["upstream"]
            is None
        )
        assert (
            client.get(f"{P}/{fork['id']}/versions/1", headers=as_user(team.outsider)).status_code
            == 200
        )

    def test_only_published_readable_pleadings_can_be_adapted(
        self, client: TestClient, team: Team, as_user: Any, session: Session
    ) -> None:
        private = make_pleading(session, org=team.org)
        unpublished = make_pleading(
            session, org=team.org, visibility=Visibility.network, published=False
        )

        assert_problem(
            client.post(f"{P}/{private.id}/fork", json={}, headers=as_user(team.outsider)),
            404,
            "not_found",
        )
        assert_problem(
            client.post(f"{P}/{unpublished.id}/fork", json={}, headers=as_user(team.outsider)),
            409,
            "no_published_version",
        )


class TestUses:
    def test_usage_counts_cases_and_wins_that_the_reader_may_see(
        self, client: TestClient, team: Team, as_user: Any, session: Session
    ) -> None:
        pleading = make_pleading(session, org=team.org, visibility=Visibility.public)
        wins = [make_case(session, org=team.other_org) for _ in range(2)]
        loss = make_case(session, org=team.other_org, claims=LOSS)
        theirs = make_case(session, org=team.org)
        url = f"{P}/{pleading.id}/uses"

        for case in [*wins, loss]:
            created(
                client.post(url, json={"case_id": str(case.id)}, headers=as_user(team.outsider))
            )
        created(
            client.post(
                url, json={"case_id": str(theirs.id), "version": 1}, headers=as_user(team.litigator)
            )
        )
        again = client.post(url, json={"case_id": str(loss.id)}, headers=as_user(team.outsider))

        assert_problem(again, 409, "duplicate_use")
        seen_by_outsider = client.get(f"{P}/{pleading.id}", headers=as_user(team.outsider)).json()
        assert seen_by_outsider["usage"] == {
            "cases": 3,
            "wins": 2,
            "outcomes": {"loss": 1, "win": 2},
        }
        seen_by_owner = client.get(url, headers=as_user(team.viewer)).json()
        assert seen_by_owner["usage"] == {"cases": 1, "wins": 1, "outcomes": {"win": 1}}
        assert [u["case_id"] for u in seen_by_owner["items"]] == [str(theirs.id)]
        assert {
            u["outcome"] for u in client.get(url, headers=as_user(team.outsider)).json()["items"]
        } == {
            "win",
            "loss",
        }

    def test_recording_a_use_needs_a_litigator_of_the_case(
        self, client: TestClient, team: Team, as_user: Any, session: Session
    ) -> None:
        pleading = make_pleading(session, org=team.org, visibility=Visibility.public)
        case = make_case(session, org=team.org, visibility=Visibility.public)
        hidden = make_case(session, org=team.org)
        url = f"{P}/{pleading.id}/uses"

        assert_problem(
            client.post(url, json={"case_id": str(case.id)}, headers=as_user(team.viewer)),
            403,
            "forbidden",
        )
        assert_problem(
            client.post(url, json={"case_id": str(case.id)}, headers=as_user(team.outsider)),
            403,
            "forbidden",
        )
        assert_problem(
            client.post(url, json={"case_id": str(hidden.id)}, headers=as_user(team.outsider)),
            422,
            "validation_error",
        )
        assert_problem(
            client.post(
                url, json={"case_id": str(case.id), "version": 9}, headers=as_user(team.litigator)
            ),
            404,
            "not_found",
        )


class TestAuthorityAtRisk:
    def test_distinguishing_citation_flags_the_pleading_and_its_fork(
        self, client: TestClient, team: Team, as_user: Any, session: Session
    ) -> None:
        authority = make_case(
            session, org=team.org, visibility=Visibility.public, title="Hirsi Jamaa v. Italy"
        )
        upstream = make_pleading(
            session, org=team.org, visibility=Visibility.public, authorities=[authority]
        )
        fork = created(
            client.post(f"{P}/{upstream.id}/fork", json={}, headers=as_user(team.outsider))
        )
        later = make_case(
            session,
            org=team.other_org,
            visibility=Visibility.public,
            title="N.D. and N.T. v. Spain",
        )

        def flags(pleading_id: Any) -> tuple[bool, list[Any]]:
            body = client.get(f"{P}/{pleading_id}", headers=as_user(team.outsider)).json()
            return body["authority_at_risk"], body["risks"]

        assert flags(upstream.id) == (False, []) and flags(fork["id"]) == (False, [])
        created(
            client.post(
                f"/api/v1/cases/{later.id}/citations",
                json={"cited_case_id": str(authority.id), "treatment": "distinguishes"},
                headers=as_user(team.outsider),
            )
        )

        flagged, risks = flags(upstream.id)
        assert flagged is True
        assert [
            (r["case_id"], r["reason"], r["treatment"], r["citing_case_title"]) for r in risks
        ] == [(str(authority.id), "negative_treatment", "distinguishes", "N.D. and N.T. v. Spain")]
        assert risks[0]["via_pleading_id"] is None
        fork_flagged, fork_risks = flags(fork["id"])
        assert fork_flagged is True and fork_risks[0]["via_pleading_id"] == str(upstream.id)
        listed = client.get(
            P, params={"owner": str(team.other_org.id)}, headers=as_user(team.outsider)
        )
        assert [p["authority_at_risk"] for p in listed.json()["items"]] == [True]

    def test_unimplemented_authority_flags_and_a_private_citing_case_does_not_leak(
        self, client: TestClient, team: Team, as_user: Any, session: Session
    ) -> None:
        unimplemented = make_case(
            session,
            org=team.org,
            visibility=Visibility.public,
            implementation_status="not_implemented",
        )
        cited = make_case(session, org=team.org, visibility=Visibility.public)
        flagged = make_pleading(
            session, org=team.org, visibility=Visibility.public, authorities=[unimplemented]
        )
        quiet = make_pleading(
            session, org=team.org, visibility=Visibility.public, authorities=[cited]
        )
        secret = make_case(session, org=team.other_org)
        created(
            client.post(
                f"/api/v1/cases/{secret.id}/citations",
                json={"cited_case_id": str(cited.id), "treatment": "overrules"},
                headers=as_user(team.outsider),
            )
        )

        risks = client.get(f"{P}/{flagged.id}", headers=as_user(team.viewer)).json()["risks"]
        assert [(r["case_id"], r["reason"]) for r in risks] == [
            (str(unimplemented.id), "not_implemented")
        ]
        assert (
            client.get(f"{P}/{quiet.id}", headers=as_user(team.viewer)).json()["authority_at_risk"]
            is False
        )
        assert (
            client.get(f"{P}/{quiet.id}", headers=as_user(team.outsider)).json()[
                "authority_at_risk"
            ]
            is True
        )


# ---------------------------------------------------------------- rendering


@dataclass
class Precedents:
    first: LegalCase
    second: LegalCase


@pytest.fixture
def no_matcher(monkeypatch: pytest.MonkeyPatch) -> None:
    """Render with the fallback precedents (the pleading's own authorities): no matches."""
    monkeypatch.setattr(service, "knock_on_for_case", lambda *_, **__: [])


RENDER_BODY = (
    "# {{ case.title }}\n\n"
    "**Submission to the {{ forum.name }}**\n\n"
    "## I. The parties\n\n"
    "{% for p in parties %}- {{ p.name }} ({{ p.role }})\n{% endfor %}"
    "{% for r in respondents %}- {{ r.name }} (respondent State)\n{% endfor %}\n"
    "## II. The facts\n\n{{ case.summary }}\n\n"
    "{% for e in timeline %}- {{ e.date|date }}: {{ e.event }}\n{% endfor %}\n"
    "## III. The complaints\n\n"
    "{% for c in claims %}{{ loop.index }}. **{{ c.label }}** ({{ c.provisions }})\n{% endfor %}\n"
    "Returned on {{ returned_on|date }}.{% for p in precedents %}[^{{ p.id }}]{% endfor %}\n\n"
    "{% for p in precedents %}[^{{ p.id }}]: {{ p.citation }}\n{% endfor %}"
)


class RenderWorld:
    def __init__(self, client: TestClient, session: Session, team: Team, as_user: Any) -> None:
        self.team = team
        first = make_case(
            session,
            org=team.other_org,
            visibility=Visibility.public,
            title="Hirsi Jamaa and Others v. Italy",
            citation="Hirsi Jamaa and Others v. Italy [GC], no. 27765/09, 23 February 2012",
            holding="Returning migrants intercepted at sea to Libya was a collective expulsion.",
            decided_on="2012-02-23",
        )
        second = make_case(
            session,
            org=team.other_org,
            visibility=Visibility.public,
            title="M.K. and Others v. Poland",
            citation="M.K. and Others v. Poland, nos. 40503/17 and 2 others, 23 July 2020",
            decided_on="2020-07-23",
        )
        self.precedents = Precedents(first, second)
        self.pleading = make_pleading(
            session,
            org=team.org,
            visibility=Visibility.public,
            body=RENDER_BODY,
            variables=[{"name": "returned_on", "type": "date", "description": "Return date"}],
            authorities=[first, second],
            title="Pushbacks at the border",
        )
        self.case = make_case(
            session,
            org=team.org,
            visibility=Visibility.network,
            title="A.B. and Others v. Spain",
            respondent_states=["ES"],
            facts_summary="The applicants were returned across the fence at Melilla.",
        )
        h = as_user(team.litigator)
        created(
            client.post(
                f"/api/v1/cases/{self.case.id}/parties",
                json={"pseudonym": "A.B.", "protected": {"legal_names": ["Amina Bakr"]}},
                headers=h,
            )
        )
        created(
            client.post(
                f"/api/v1/cases/{self.case.id}/updates",
                json={
                    "kind": "filing",
                    "occurred_on": "2024-02-01",
                    "summary": "Application lodged.",
                },
                headers=h,
            )
        )

    def request(self, **overrides: Any) -> dict[str, Any]:
        return {
            "case_id": str(self.case.id),
            "variables": {"returned_on": "2023-11-05"},
            "format": "markdown",
            **overrides,
        }


@pytest.fixture
def world(client: TestClient, session: Session, team: Team, as_user: Any) -> RenderWorld:
    return RenderWorld(client, session, team, as_user)


@pytest.mark.usefixtures("no_matcher")
class TestRender:
    def test_markdown_is_filled_from_the_case_with_comparative_jurisprudence(
        self, client: TestClient, world: RenderWorld, as_user: Any
    ) -> None:
        r = client.post(
            f"{P}/{world.pleading.id}/render",
            json=world.request(),
            headers=as_user(world.team.viewer),
        )

        assert r.status_code == 200, r.text
        assert r.headers["content-type"] == "text/markdown; charset=utf-8"
        assert r.headers["content-disposition"].startswith("attachment;")
        assert r.headers["comity-protected-data"] == "omitted"
        text = r.text
        assert text.startswith("# A.B. and Others v. Spain\n")
        assert "Submission to the European Court of Human Rights" in text
        assert "- A.B. (applicant)" in text and "- Spain (respondent State)" in text
        assert "1 February 2024: Application lodged." in text
        assert "Returned on 5 November 2023." in text
        assert "## Comparative jurisprudence" in text
        comparative = text.split("## Comparative jurisprudence")[1]
        assert "Hirsi Jamaa and Others v. Italy" in comparative
        assert "M.K. and Others v. Poland" in comparative
        assert service.FALLBACK_WHY in comparative
        assert "Amina" not in text

    def test_docx_reads_back_with_headings_case_title_and_precedents(
        self, client: TestClient, world: RenderWorld, as_user: Any
    ) -> None:
        r = client.post(
            f"{P}/{world.pleading.id}/render",
            json=world.request(format="docx"),
            headers=as_user(world.team.litigator),
        )

        assert r.status_code == 200, r.text
        assert r.headers["content-type"] == service.DOCX_MEDIA_TYPE
        assert 'filename="pushbacks-at-the-border-v1.docx"' in r.headers["content-disposition"]
        document = docx.Document(io.BytesIO(r.content))
        headings = [
            p.text
            for p in document.paragraphs
            if p.style is not None and p.style.name.startswith(("Heading", "Title"))
        ]
        assert "A.B. and Others v. Spain" in headings
        assert {"I. The parties", "Comparative jurisprudence"} <= set(headings)
        # Newest authority first.
        assert headings[-3:] == [
            "1. M.K. and Others v. Poland",
            "2. Hirsi Jamaa and Others v. Italy",
            "Notes",
        ]
        text = "\n".join(p.text for p in document.paragraphs)
        assert "Hirsi Jamaa and Others v. Italy [GC], no. 27765/09" in text

    def test_the_case_itself_is_not_its_own_precedent(
        self, client: TestClient, world: RenderWorld, as_user: Any
    ) -> None:
        r = client.post(
            f"{P}/{world.pleading.id}/render",
            json=world.request(case_id=str(world.precedents.first.id)),
            headers=as_user(world.team.viewer),
        )

        comparative = r.text.split("## Comparative jurisprudence")[1]
        assert "M.K. and Others v. Poland" in comparative
        assert "Hirsi Jamaa" not in comparative

    def test_html_is_a_page(self, client: TestClient, world: RenderWorld, as_user: Any) -> None:
        r = client.post(
            f"{P}/{world.pleading.id}/render",
            json=world.request(format="html"),
            headers=as_user(world.team.viewer),
        )

        assert r.headers["content-type"] == "text/html; charset=utf-8"
        assert r.text.startswith("<!DOCTYPE html>")
        assert "<h1>A.B. and Others v. Spain</h1>" in r.text

    def test_client_names_only_for_a_litigator_who_asks(
        self, client: TestClient, world: RenderWorld, as_user: Any, session: Session
    ) -> None:
        network_litigator = make_user(session, member_of=world.team.other_org, role=Role.admin)

        def render(user: Any, include: bool) -> Any:
            return client.post(
                f"{P}/{world.pleading.id}/render",
                json=world.request(include_protected=include),
                headers=as_user(user),
            )

        asked = render(world.team.litigator, True)
        assert "- Amina Bakr (applicant)" in asked.text
        assert asked.headers["comity-protected-data"] == "included"
        for user, include in [
            (world.team.litigator, False),
            (world.team.viewer, True),
            (network_litigator, True),
        ]:
            r = render(user, include)
            assert r.status_code == 200, r.text
            assert "Amina" not in r.text and "- A.B. (applicant)" in r.text
            assert r.headers["comity-protected-data"] == "omitted"

    def test_matcher_results_are_the_precedents_when_there_are_any(
        self,
        client: TestClient,
        world: RenderWorld,
        as_user: Any,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        @dataclass
        class Match:
            title: str
            citation: str
            forum_name: str
            decided_on: date
            held: str
            why: str
            rights: list[str]
            case_id: uuid.UUID

        calls: list[Any] = []

        def knock_on_for_case(
            session: Session, principal: Any, case_id: Any, limit: int, language: str
        ) -> Any:
            calls.append((case_id, limit))
            return [
                Match(
                    "Case of the Constitutional Court",
                    "T-123/20",
                    "Constitutional Court of Colombia",
                    date(2020, 5, 1),
                    "Summary returns violate due process.",
                    "Same right, favourable finding, different jurisdiction",
                    ["collective_expulsion"],
                    uuid.uuid4(),
                )
            ]

        monkeypatch.setattr(service, "knock_on_for_case", knock_on_for_case)

        r = client.post(
            f"{P}/{world.pleading.id}/render",
            json=world.request(),
            headers=as_user(world.team.viewer),
        )

        assert calls == [(world.case.id, 5)]
        comparative = r.text.split("## Comparative jurisprudence")[1]
        assert "Case of the Constitutional Court" in comparative
        assert "Same right, favourable finding, different jurisdiction" in comparative
        assert "Hirsi Jamaa" not in comparative

    def test_bad_values_and_runaway_templates_are_422_not_500(
        self, client: TestClient, world: RenderWorld, as_user: Any, session: Session
    ) -> None:
        runaway = make_pleading(
            session,
            org=world.team.org,
            body="# Title\n\n{% for i in range(10000) %}{% for j in range(10000) %}x"
            "{% endfor %}{% endfor %}\n",
            variables=[],
        )
        url = f"{P}/{world.pleading.id}/render"
        h = as_user(world.team.litigator)

        missing = client.post(url, json=world.request(variables={}), headers=h)
        wrong = client.post(url, json=world.request(variables={"returned_on": 5}), headers=h)
        loop = client.post(
            f"{P}/{runaway.id}/render",
            json={"case_id": str(world.case.id), "format": "markdown"},
            headers=h,
        )

        assert assert_problem(missing, 422, "template_error")["kind"] == "bad_value"
        assert assert_problem(wrong, 422, "template_error")["kind"] == "bad_value"
        body = assert_problem(loop, 422, "template_error")
        assert body["kind"] in ("too_slow", "too_large") and body["line"] == 3

    def test_unreadable_case_is_422_and_unreadable_pleading_404(
        self, client: TestClient, world: RenderWorld, as_user: Any, session: Session
    ) -> None:
        hidden_case = make_case(session, org=world.team.org)
        hidden_pleading = make_pleading(session, org=world.team.org)
        h = as_user(world.team.outsider)

        assert_problem(
            client.post(
                f"{P}/{world.pleading.id}/render",
                json=world.request(case_id=str(hidden_case.id)),
                headers=h,
            ),
            422,
            "validation_error",
        )
        assert_problem(
            client.post(f"{P}/{hidden_pleading.id}/render", json=world.request(), headers=h),
            404,
            "not_found",
        )

    def test_operator_renders_private_pleading_for_private_case(
        self, world: RenderWorld, session: Session, app: FastAPI
    ) -> None:
        pleading = make_pleading(
            session, org=world.team.other_org, body="# {{ case.title }}\n", variables=[]
        )
        case = make_case(session, org=world.team.org, title="Private v. State")

        rendered = service.render_pleading(
            session,
            service.operator(session, pleading.id, case.id),
            app.state.keyring,
            pleading.id,
            RenderRequest(case_id=case.id, format=RenderFormat.docx, include_protected=True),
            today=date(2025, 1, 1),
            now=utcnow(),
        )

        paragraphs = [p.text for p in docx.Document(io.BytesIO(rendered.content)).paragraphs]
        assert "Private v. State" in paragraphs


# ---------------------------------------------------------------- attachments


def odt_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("Model pleading")
    document.save(buffer)
    return buffer.getvalue()


PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
MB = 1024 * 1024


@pytest.fixture
def draft(session: Session, team: Team) -> ModelPleading:
    return make_pleading(session, org=team.org, visibility=Visibility.network, published=False)


class TestAttachments:
    def upload(
        self,
        client: TestClient,
        as_user: Any,
        user: Any,
        pleading: Any,
        name: str,
        data: bytes,
        ctype: str = "application/octet-stream",
    ) -> Any:
        return client.post(
            f"{P}/{pleading.id}/versions/1/attachments",
            files={"file": (name, data, ctype)},
            headers=as_user(user),
        )

    def test_pdf_is_stored_with_its_sha256_and_downloads_as_an_attachment(
        self, client: TestClient, team: Team, as_user: Any, draft: ModelPleading
    ) -> None:
        made = created(
            self.upload(
                client, as_user, team.litigator, draft, "Modèle final.pdf", PDF, "application/pdf"
            )
        )

        assert made["sha256"] == hashlib.sha256(PDF).hexdigest()
        assert (made["kind"], made["size_bytes"], made["media_type"]) == (
            "pdf",
            len(PDF),
            "application/pdf",
        )
        listed = client.get(
            f"{P}/{draft.id}/versions/1/attachments", headers=as_user(team.viewer)
        ).json()
        assert [a["id"] for a in listed] == [made["id"]]
        r = client.get(
            f"{P}/{draft.id}/versions/1/attachments/{made['id']}", headers=as_user(team.viewer)
        )
        assert r.status_code == 200 and r.content == PDF
        assert r.headers["content-type"] == "application/pdf"
        assert r.headers["content-disposition"] == (
            "attachment; filename=\"Modele final.pdf\"; filename*=UTF-8''Mod%C3%A8le%20final.pdf"
        )
        assert_problem(
            client.get(
                f"{P}/{draft.id}/versions/1/attachments/{made['id']}",
                headers=as_user(team.outsider),
            ),
            404,
            "not_found",
        )

    @pytest.mark.parametrize(
        ("name", "data", "kind"),
        [
            ("pleading.docx", docx_bytes(), "docx"),
            ("pleading.odt", odt_bytes(), "odt"),
            ("notes.md", "# Notas\n\nSí.\n".encode(), "md"),
        ],
    )
    def test_docx_odt_and_markdown_are_recognised(
        self,
        client: TestClient,
        team: Team,
        as_user: Any,
        draft: ModelPleading,
        name: str,
        data: bytes,
        kind: str,
    ) -> None:
        assert (
            created(self.upload(client, as_user, team.litigator, draft, name, data))["kind"] == kind
        )

    @pytest.mark.parametrize(
        ("name", "data", "ctype", "code"),
        [
            ("pleading.pdf", docx_bytes(), "application/pdf", "attachment_type_mismatch"),
            ("pleading.pdf", odt_bytes(), "application/octet-stream", "attachment_type_mismatch"),
            ("pleading.docx", odt_bytes(), "application/octet-stream", "attachment_type_mismatch"),
            ("pleading.md", b"\xff\xfe\x00bin", "text/markdown", "attachment_type_mismatch"),
            ("pleading.md", PDF, "text/markdown", "attachment_type_mismatch"),
            ("pleading.docx", PDF, "application/pdf", "attachment_type_mismatch"),
            ("script.exe", PDF, "application/octet-stream", "unsupported_media_type"),
        ],
    )
    def test_content_that_is_not_what_it_claims_is_415(
        self,
        client: TestClient,
        team: Team,
        as_user: Any,
        draft: ModelPleading,
        name: str,
        data: bytes,
        ctype: str,
        code: str,
    ) -> None:
        assert_problem(
            self.upload(client, as_user, team.litigator, draft, name, data, ctype), 415, code
        )

    def test_ten_megabytes_upload_and_over_the_limit_is_413(
        self, client: TestClient, team: Team, as_user: Any, draft: ModelPleading
    ) -> None:
        ten = PDF + b"0" * (10 * MB)
        too_big = PDF + b"0" * (25 * MB)
        just_over = PDF + b"0" * (20 * MB)

        assert created(self.upload(client, as_user, team.litigator, draft, "big.pdf", ten))[
            "size_bytes"
        ] == len(ten)
        assert_problem(
            self.upload(client, as_user, team.litigator, draft, "huge.pdf", too_big),
            413,
            "payload_too_large",
        )
        assert_problem(
            self.upload(client, as_user, team.litigator, draft, "over.pdf", just_over),
            413,
            "payload_too_large",
        )
        elsewhere = client.post(
            P,
            content=b"{" + b" " * (6 * MB) + b"}",
            headers={**as_user(team.litigator), "Content-Type": "application/json"},
        )
        assert_problem(elsewhere, 413, "payload_too_large")

    def test_published_versions_take_no_attachments_and_viewers_upload_nothing(
        self, client: TestClient, team: Team, as_user: Any, session: Session, draft: ModelPleading
    ) -> None:
        published = make_pleading(session, org=team.org)

        assert_problem(
            self.upload(client, as_user, team.litigator, published, "a.pdf", PDF),
            409,
            "version_published",
        )
        assert_problem(
            self.upload(client, as_user, team.viewer, draft, "a.pdf", PDF), 403, "forbidden"
        )


# ---------------------------------------------------------------- demo data


class TestDemoPleadings:
    def test_load_is_idempotent_and_resolves_the_demo_cases_it_finds(
        self, session: Session, client: TestClient
    ) -> None:
        hub = make_org(session)
        popov = make_case(
            session, org=hub, visibility=Visibility.public, reference_key="ECTHR-2012-POPOV"
        )
        hirsi = make_case(
            session, org=hub, visibility=Visibility.public, reference_key="ECTHR-2012-HIRSI-JAMAA"
        )

        first = load_demo(session, now=utcnow())
        second = load_demo(session, now=utcnow())

        assert (first.added, first.updated, first.unchanged) == (3, 0, 0)
        assert (second.added, second.updated, second.unchanged) == (0, 0, 3)
        assert "ECTHR-2012-POPOV" not in first.unresolved_authorities
        assert "IACTHR-2014-OC21" in first.unresolved_authorities
        assert second.unresolved_authorities == first.unresolved_authorities
        pleadings = list(
            session.scalars(select(ModelPleading).where(ModelPleading.reference_key.is_not(None)))
        )
        assert len(pleadings) == 3
        assert all(p.visibility is Visibility.public and p.status == "published" for p in pleadings)
        assert (
            session.scalar(
                select(func.count())
                .select_from(PleadingVersion)
                .where(PleadingVersion.pleading_id.in_([p.id for p in pleadings]))
            )
            == 3
        )
        detention = next(p for p in pleadings if p.reference_key == "child-immigration-detention")
        r = client.get(f"{P}/{detention.id}")
        assert r.status_code == 200 and r.json()["latest_version"] == 1
        sections = client.get(f"{P}/{detention.id}/versions/1").json()["sections"]
        assert [a["case_id"] for a in sections[0]["authorities"]] == [str(popov.id)]
        pushbacks = next(
            p for p in pleadings if p.reference_key == "collective-expulsion-pushbacks"
        )
        assert "AfU" in pushbacks.jurisdictions and "AU" not in pushbacks.jurisdictions
        owner = session.get(Organisation, detention.owner_org_id)
        assert owner is not None and (owner.slug, owner.kind, owner.country) == (
            "comity-demo",
            "hub",
            "CH",
        )
        pushback_sections = client.get(f"{P}/{pushbacks.id}/versions/1").json()["sections"]
        assert str(hirsi.id) in {a["case_id"] for s in pushback_sections for a in s["authorities"]}

    def test_a_newly_found_authority_publishes_the_next_version(self, session: Session) -> None:
        load_demo(session, now=utcnow())
        make_case(
            session,
            org=make_org(session),
            visibility=Visibility.public,
            reference_key="ECTHR-2012-POPOV",
        )

        report = load_demo(session, now=utcnow())

        assert (report.added, report.updated, report.unchanged) == (0, 1, 2)
