"""The matcher on the demo corpus, through HTTP."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.cases.transfer import load_demo
from app.core.time import utcnow
from app.matching import service as matching_service
from app.orgs.models import Role, Visibility
from tests.factories import make_case, make_org, make_user
from tests.helpers import assert_problem

CHILD_IN_MEXICO = {
    "draft": {
        "facts": "A twelve-year-old Honduran girl arriving alone at the border was placed in "
        "immigration detention in a migration station in Mexico for weeks, without "
        "an assessment of her best interests or any alternative to detention, while "
        "her asylum claim was pending.",
        "target_jurisdiction": "MX",
        "claims": ["liberty_arbitrary_detention", "best_interests_child"],
    },
    "limit": 10,
}


@pytest.fixture
def demo(session: Session) -> Any:
    return load_demo(session, now=utcnow())


class TestChildDetainedInMexico:
    def test_inter_american_and_un_wins_rank_above_european(
        self, client: TestClient, demo: Any
    ) -> None:
        body = client.post("/api/v1/match", json=CHILD_IN_MEXICO).json()
        results = body["results"]
        systems = [r["precedent"]["forum_jurisdiction"] for r in results]

        assert results, body
        top = results[0]
        assert top["precedent"]["forum_jurisdiction"] in ("OAS", "UN")
        european = [i for i, s in enumerate(systems) if s in ("CoE", "EU")]
        inter_american = [i for i, s in enumerate(systems) if s == "OAS"]
        assert all(s in ("OAS", "UN") for s in systems[:5])
        assert european and inter_american and max(inter_american) < min(european)
        transfer = {
            r["precedent"]["forum_id"]: next(
                x for x in r["reasons"] if x["kind"] == "transferability"
            )
            for r in results
        }
        if "IACTHR" in transfer:
            assert transfer["IACTHR"]["detail"]["transferability"] == "binding"
            assert "binds MX" in transfer["IACTHR"]["sentence"]
        un = [t for f, t in transfer.items() if f.endswith("-C") or f == "HRCTTEE"]
        assert all(t["detail"]["transferability"] == "authoritative" for t in un)
        assert not any(r["precedent"]["respondent_states"] == ["MX"] for r in results)

    def test_every_result_explains_its_claims(self, client: TestClient, demo: Any) -> None:
        results = client.post("/api/v1/match", json=CHILD_IN_MEXICO).json()["results"]

        for r in results:
            kinds = {x["kind"] for x in r["reasons"]}
            assert "transferability" in kinds
            assert set(r["breakdown"]) == {"text", "legal_basis", "authority", "reception"}

    def test_decided_before_limits_to_earlier_precedents(
        self, client: TestClient, demo: Any
    ) -> None:
        body = client.post(
            "/api/v1/match", json={**CHILD_IN_MEXICO, "decided_before": "2012-01-01"}
        ).json()

        assert all(r["precedent"]["decided_on"] < "2012-01-01" for r in body["results"])


class TestPruning:
    """Ranking on text only where it can matter gives exactly the exhaustive ranking."""

    @pytest.mark.parametrize("include_partial", [True, False])
    @pytest.mark.parametrize("limit", [1, 3, 10])
    @pytest.mark.parametrize(
        "weights",
        [
            None,
            {"text": 1.0, "legal_basis": 0.1, "authority": 0.1, "reception": 0.1},
            {"text": 0.2, "legal_basis": 1.0, "authority": 0.0, "reception": 0.5},
        ],
    )
    def test_same_results_as_ranking_every_candidate_on_text(
        self,
        client: TestClient,
        demo: Any,
        monkeypatch: pytest.MonkeyPatch,
        limit: int,
        weights: dict[str, float] | None,
        include_partial: bool,
    ) -> None:
        def ranking(n: int) -> list[tuple[str, float]]:
            body = {**CHILD_IN_MEXICO, "limit": n, "include_partial": include_partial} | (
                {"weights": weights} if weights else {}
            )
            response = client.post("/api/v1/match", json=body)
            assert response.status_code == 200, response.text
            return [(r["precedent"]["id"], r["score"]) for r in response.json()["results"]]

        # Two top text matches; then one batch holding every other candidate (nothing can be
        # cut while fewer than `limit` are ranked) against batches of two.
        monkeypatch.setattr(matching_service, "TEXT_CANDIDATES", 2)
        monkeypatch.setattr(matching_service, "RANK_BATCH", 1_000_000)
        exhaustive = ranking(10)
        monkeypatch.setattr(matching_service, "RANK_BATCH", 2)
        pruned = ranking(limit)

        assert len(exhaustive) == 10
        assert pruned == exhaustive[:limit]


class TestPrivacy:
    def test_results_never_include_unreadable_cases(
        self, client: TestClient, session: Session, as_user: Any, demo: Any
    ) -> None:
        org = make_org(session)
        make_case(
            session,
            org=org,
            title="Hidden v. Chile",
            forum_id="IACTHR",
            respondent_states=["CL"],
            facts_summary="child detention migration station",
            claims=[{"right_id": "liberty_arbitrary_detention", "finding": "violation"}],
        )
        insider = make_user(session, member_of=org, role=Role.viewer)

        wide = {**CHILD_IN_MEXICO, "limit": 100}
        outside = client.post("/api/v1/match", json=wide).json()["results"]
        inside = client.post("/api/v1/match", json=wide, headers=as_user(insider)).json()["results"]

        assert "Hidden v. Chile" not in [r["precedent"]["title"] for r in outside]
        assert "Hidden v. Chile" in [r["precedent"]["title"] for r in inside]


class TestKnockOnForCase:
    def test_existing_case(self, client: TestClient, session: Session, demo: Any) -> None:
        case = make_case(
            session,
            org=make_org(session),
            visibility=Visibility.public,
            forum_id="IACHR",
            respondent_states=["US"],
            facts_summary="Interdiction of boats on the high seas and return.",
            claims=[{"right_id": "non_refoulement", "finding": "pending"}],
        )

        r = client.get(f"/api/v1/cases/{case.id}/knock-on")

        assert r.status_code == 200
        assert all("US" not in x["precedent"]["respondent_states"] for x in r.json()["results"])


class TestBadInput:
    @pytest.mark.parametrize(
        ("body", "code"),
        [
            ({"draft": {"facts": "", "target_jurisdiction": "MX"}}, "validation_error"),
            ({"draft": {"facts": "x", "target_jurisdiction": "ZZ"}}, "validation_error"),
            (
                {
                    "draft": {
                        "facts": "x",
                        "target_jurisdiction": "MX",
                        "claims": ["Treaty of Nowhere 9"],
                    }
                },
                "unknown_provision",
            ),
            (
                {
                    "draft": {"facts": "x", "target_jurisdiction": "MX"},
                    "weights": {"text": 0, "legal_basis": 0, "authority": 0, "reception": 0},
                },
                "validation_error",
            ),
            (
                {"draft": {"facts": "x", "target_jurisdiction": "MX"}, "weights": {"text": -1}},
                "validation_error",
            ),
        ],
    )
    def test_rejected_with_a_problem(self, client: TestClient, body: Any, code: str) -> None:
        assert_problem(client.post("/api/v1/match", json=body), 422, code)

    def test_huge_facts_are_413_or_422(self, client: TestClient) -> None:
        r = client.post(
            "/api/v1/match", json={"draft": {"facts": "x" * 6_000_000, "target_jurisdiction": "MX"}}
        )

        assert r.status_code == 413
