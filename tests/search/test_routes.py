"""Search on the demo corpus: text, legal-basis filters, facets, suggestions, bad input."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from app.cases.transfer import load_demo
from app.core.time import utcnow
from app.orgs.models import Role, Visibility
from tests.factories import make_case, make_org, make_pleading, make_user
from tests.helpers import assert_problem

S = "/api/v1/search"


@pytest.fixture
def demo(session: Session) -> Any:
    return load_demo(session, now=utcnow())


def titles(r: Any) -> list[str]:
    assert r.status_code == 200, r.text
    return [h["title"] for h in r.json()["items"]]


class TestText:
    def test_collective_expulsion_with_violation(self, client: TestClient, demo: Any) -> None:
        found = titles(client.get(S, params={"q": "collective expulsion", "finding": "violation"}))

        assert "Hirsi Jamaa and Others v. Italy" in found
        assert not any(t.startswith("N.D. and N.T.") for t in found)
        assert any(
            t.startswith("N.D. and N.T.")
            for t in titles(client.get(S, params={"q": "collective expulsion"}))
        )

    def test_hits_carry_score_and_escaped_highlight(self, client: TestClient, demo: Any) -> None:
        hit = client.get(S, params={"q": "interception"}).json()["items"][0]

        assert hit["score"] > 0 and "<b>" in hit["snippet"]

    def test_relevance_is_bm25_over_the_case_texts(
        self, client: TestClient, session: Session
    ) -> None:
        org = make_org(session)
        filler = " The applicant complained of the length of the proceedings." * 30
        for title, facts in [
            ("Often v. Italy", "Held at Zabarqan camp; the Zabarqan guards; Zabarqan again."),
            ("Once v. Italy", "The applicant passed through Zabarqan once." + filler),
            ("Never v. Italy", "Nothing of the kind." + filler),
        ]:
            make_case(
                session, org=org, visibility=Visibility.public, title=title, facts_summary=facts
            )

        hits = client.get(S, params={"q": "zabarqan"}).json()["items"]

        assert [h["title"] for h in hits] == ["Often v. Italy", "Once v. Italy"]
        assert hits[0]["score"] > hits[1]["score"] > 0

    def test_hits_come_best_score_first(self, client: TestClient, demo: Any) -> None:
        hits = client.get(S, params={"q": "detention children", "limit": 50}).json()["items"]

        scores = [h["score"] for h in hits]
        assert len(scores) > 3 and scores == sorted(scores, reverse=True)

    def test_phrase_or_and_exclusion(self, client: TestClient, demo: Any) -> None:
        with_hirsi = titles(client.get(S, params={"q": '"high seas" OR Lampedusa'}))
        without = titles(client.get(S, params={"q": "Lampedusa -Italy"}))

        assert "Hirsi Jamaa and Others v. Italy" in with_hirsi
        assert "Hirsi Jamaa and Others v. Italy" not in without

    def test_accents_do_not_matter(self, client: TestClient, session: Session) -> None:
        org = make_org(session)
        make_case(
            session,
            org=org,
            visibility=Visibility.public,
            title="Vélez Loor v. Panamá",
            forum_id="IACTHR",
            respondent_states=["PA"],
        )

        assert "Vélez Loor v. Panamá" in titles(client.get(S, params={"q": "velez loor panama"}))


class TestLanguagesAndWordForms:
    @pytest.mark.parametrize(
        ("q", "expected"),
        [
            ("detención de niños migrantes", "Rights and Guarantees of Children"),
            ("niños", "N.B.F. v. Spain"),
            ("salud migrantes venezolanos", "Sentencia T-210 de 2018"),
            ("rétention administrative enfants", "Popov v. France"),
        ],
    )
    def test_spanish_and_french_queries_find_english_cases(
        self, client: TestClient, demo: Any, q: str, expected: str
    ) -> None:
        found = titles(client.get(S, params={"q": q, "limit": 10}))

        assert any(t.startswith(expected) for t in found), found

    @pytest.mark.parametrize(
        ("language", "facts", "q"),
        [
            ("es", "Los menores no acompañados fueron devueltos a la frontera.", "devuelto"),
            ("es", "Tres niños permanecieron en un centro de internamiento.", "niño internado"),
            ("fr", "Les enfants ont été placés en rétention administrative.", "enfant placé"),
        ],
    )
    def test_spanish_and_french_texts_are_read_with_their_own_word_forms(
        self, client: TestClient, session: Session, language: str, facts: str, q: str
    ) -> None:
        org = make_org(session)
        make_case(
            session,
            org=org,
            visibility=Visibility.public,
            title="Sentencia de prueba",
            forum_id="CO-CC",
            respondent_states=["CO"],
            language=language,
            facts_summary=facts,
        )

        hits = client.get(S, params={"q": q}).json()["items"]

        assert [h["title"] for h in hits] == ["Sentencia de prueba"]
        assert hits[0]["score"] > 0 and "<b>" in hits[0]["snippet"]

    def test_an_excluded_word_excludes_its_forms_in_spanish_texts(
        self, client: TestClient, session: Session
    ) -> None:
        org = make_org(session)
        for title, facts in [
            ("Con niños", "Los niños y sus madres fueron detenidos."),
            ("Sin menores", "Las madres fueron detenidas."),
        ]:
            make_case(
                session,
                org=org,
                visibility=Visibility.public,
                title=title,
                forum_id="CO-CC",
                respondent_states=["CO"],
                language="es",
                facts_summary=facts,
            )

        assert titles(client.get(S, params={"q": "madres -niño"})) == ["Sin menores"]

    def test_detention_and_detained_are_one_word(self, client: TestClient, demo: Any) -> None:
        detention = titles(client.get(S, params={"q": "detention children", "limit": 100}))
        detained = titles(client.get(S, params={"q": "detained children", "limit": 100}))

        assert detention and sorted(detention) == sorted(detained)
        assert "Popov v. France" in detention

    def test_a_quoted_term_of_art_matches_its_forms(self, client: TestClient, demo: Any) -> None:
        quoted = titles(client.get(S, params={"q": '"best interests of the child"'}))
        words = titles(client.get(S, params={"q": "best interests of the child"}))

        assert "N.B.F. v. Spain" in quoted
        assert set(words) <= set(quoted)

    def test_an_excluded_word_excludes_its_forms(self, client: TestClient, demo: Any) -> None:
        found = titles(client.get(S, params={"q": "children -detained", "limit": 100}))

        assert found and "Popov v. France" not in found

    def test_a_typo_gets_a_did_you_mean_that_finds_the_case(
        self, client: TestClient, demo: Any
    ) -> None:
        typo = client.get(S, params={"q": "hirsy jamma"}).json()

        assert typo["total"] == 0 and typo["did_you_mean"]
        assert "Hirsi Jamaa and Others v. Italy" in titles(
            client.get(S, params={"q": typo["did_you_mean"]})
        )
        assert client.get(S, params={"q": "zadvidas"}).json()["did_you_mean"] == "zadvydas"

    def test_no_did_you_mean_from_a_case_the_reader_may_not_see(
        self, client: TestClient, session: Session, as_user: Any
    ) -> None:
        org = make_org(session)
        make_case(session, org=org, title="Qorvendalia v. Malta", respondent_states=["MT"])
        insider = make_user(session, member_of=org, role=Role.viewer)

        outside = client.get(S, params={"q": "qorvendalio"}).json()
        inside = client.get(S, params={"q": "qorvendalio"}, headers=as_user(insider)).json()

        assert outside["did_you_mean"] is None
        assert inside["did_you_mean"] == "qorvendalia"


class TestLegalBasis:
    def test_provision_equivalent_follows_the_provisions_own_crosswalk_rows(
        self, client: TestClient, demo: Any
    ) -> None:
        found = titles(client.get(S, params={"provision_equivalent": "ECHR:5-1-f", "limit": 100}))

        assert any(t.startswith("Vélez Loor") for t in found)
        assert any(t.startswith("Amparo en Revisión 275/2019") for t in found)
        assert not any(t.startswith("R (AAA") for t in found)

    def test_equivalent_to_echr_5_in_the_americas(self, client: TestClient, demo: Any) -> None:
        found = titles(
            client.get(
                S, params={"provision_equivalent": "ECHR:5-1-f", "region": "OAS", "limit": 50}
            )
        )

        assert any(t.startswith("Vélez Loor") for t in found)
        assert not any("v. Italy" in t for t in found)

    def test_facets_are_counted_on_the_filtered_set(self, client: TestClient, demo: Any) -> None:
        body = client.get(S, params={"right": "collective_expulsion"}).json()

        forums = {f["value"]: f["count"] for f in body["facets"]["forum"]}
        assert sum(forums.values()) == body["total"]
        assert {
            "forum",
            "right",
            "finding",
            "respondent",
            "outcome",
            "status",
            "owner_org_id",
            "forum_level",
        } <= set(body["facets"])
        # Every demo case belongs to the demo network, and each has one status.
        assert [f["count"] for f in body["facets"]["owner_org_id"]] == [body["total"]]
        assert sum(f["count"] for f in body["facets"]["status"]) == body["total"]

    def test_claim_facets_count_cases_not_claims(
        self, client: TestClient, session: Session
    ) -> None:
        org = make_org(session)
        expulsion = {"right_id": "collective_expulsion", "provisions": ["ECHR-P4:4"]}
        make_case(
            session,
            org=org,
            visibility=Visibility.public,
            title="Quexalt v. Italy",
            claims=[
                expulsion | {"finding": "violation"},
                expulsion | {"provisions": ["ECHR:13"], "finding": "no_violation"},
                {"right_id": "non_refoulement", "provisions": ["ECHR:3"], "finding": "violation"},
            ],
        )

        facets = client.get(S, params={"q": "quexalt"}).json()["facets"]

        assert {f["value"]: f["count"] for f in facets["right"]} == {
            "collective_expulsion": 1,
            "non_refoulement": 1,
        }
        assert {f["value"]: f["count"] for f in facets["finding"]} == {
            "violation": 1,
            "no_violation": 1,
        }

    def test_pages_are_stable(self, client: TestClient, demo: Any) -> None:
        seen: list[str] = []
        params: dict[str, Any] = {"limit": 7, "sort": "-decided_on", "facets": "false"}
        while True:
            body = client.get(S, params=params).json()
            seen += [h["id"] for h in body["items"]]
            if not body["next_cursor"]:
                break
            params["cursor"] = body["next_cursor"]

        assert len(seen) == len(set(seen)) == 60

    @pytest.mark.parametrize("sort", ["relevance", "importance", "decided_on"])
    def test_pages_of_a_text_query_are_stable(
        self, client: TestClient, demo: Any, sort: str
    ) -> None:
        params: dict[str, Any] = {"q": "detention OR asylum", "sort": sort, "facets": "false"}
        everything = client.get(S, params=params | {"limit": 100}).json()
        seen: list[str] = []
        params["limit"] = 4
        while True:
            body = client.get(S, params=params).json()
            assert body["total"] == everything["total"]
            seen += [h["id"] for h in body["items"]]
            if not body["next_cursor"]:
                break
            params["cursor"] = body["next_cursor"]

        assert everything["total"] > 8
        assert seen == [h["id"] for h in everything["items"]]


class TestPrivacy:
    def test_private_cases_never_counted_or_shown(
        self, client: TestClient, session: Session, as_user: Any
    ) -> None:
        org = make_org(session)
        make_case(session, org=org, title="Zyxwvut v. Malta", respondent_states=["MT"])
        insider = make_user(session, member_of=org, role=Role.viewer)

        outside = client.get(S, params={"q": "Zyxwvut"}).json()
        inside = client.get(S, params={"q": "Zyxwvut"}, headers=as_user(insider)).json()

        assert outside["total"] == 0 and outside["items"] == []
        assert inside["total"] == 1


class TestSuggest:
    def test_typo_finds_hirsi(self, client: TestClient, demo: Any) -> None:
        r = client.get(f"{S}/suggest", params={"q": "hirsy"})

        assert any(s["text"].startswith("Hirsi Jamaa") for s in r.json())

    @pytest.mark.parametrize(
        ("q", "expected"), [("velez lor", "Vélez Loor"), ("zadvidas", "Zadvydas v. Davis")]
    )
    def test_typos_and_missing_accents(
        self, client: TestClient, demo: Any, q: str, expected: str
    ) -> None:
        r = client.get(f"{S}/suggest", params={"q": q})

        assert any(s["text"].startswith(expected) for s in r.json()), r.json()


class TestBadInput:
    @pytest.mark.parametrize(
        "q",
        [
            '"unbalanced',
            "a & | ! ( )",
            "'; DROP TABLE legal_case; --",
            "",
            "   ",
            "OR OR -",
            "ü" * 400,
            "<:*>",
            # Folded to ASCII quotes and a backslash-free apostrophe before the query is read.
            "\u2018child\u2019s \u201cbest interests\u201d",
            "\u00a1\u201c\u2018",
        ],
    )
    def test_odd_queries_are_answered(self, client: TestClient, q: str) -> None:
        assert client.get(S, params={"q": q}).status_code == 200

    def test_limits_and_cursors(self, client: TestClient) -> None:
        assert_problem(client.get(S, params={"limit": 10_000}), 422, "validation_error")
        assert_problem(client.get(S, params={"cursor": "Zm9v"}), 422, "validation_error")
        assert_problem(client.get(S, params={"region": "CO"}), 422, "validation_error")

    @given(q=st.text(max_size=200))
    @settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
    def test_any_query_string_is_safe(self, client: TestClient, q: str) -> None:
        r = client.get(S, params={"q": q, "facets": "false"})

        assert r.status_code in (200, 422)


class TestModelPleadings:
    @pytest.fixture
    def pleadings(self, session: Session) -> Any:
        hub, clinic = make_org(session), make_org(session)
        shared = make_pleading(
            session,
            org=hub,
            visibility=Visibility.public,
            title="Pandemic detention of migrants is disproportionate",
            summary="Release from immigration detention when removal is impossible.",
            rights=["liberty_arbitrary_detention"],
            jurisdictions=["OAS"],
            tags=["covid-19"],
        )
        make_pleading(
            session,
            org=hub,
            visibility=Visibility.public,
            title="Vaccination access for undocumented migrants",
            rights=["right_to_health"],
            jurisdictions=["AfU"],
        )
        secret = make_pleading(
            session, org=clinic, title="Detention strategy notes", rights=["right_to_health"]
        )
        return shared, secret, clinic

    def test_words_find_pleadings_with_score_and_highlight(
        self, client: TestClient, pleadings: Any
    ) -> None:
        shared, _, _ = pleadings
        body = client.get(S, params={"type": "pleading", "q": "detention"}).json()

        assert [h["id"] for h in body["items"]] == [str(shared.id)]
        hit = body["items"][0]
        assert hit["type"] == "pleading" and hit["score"] > 0 and hit["forum_id"] is None
        assert "<b>detention</b>" in hit["snippet"]
        assert body["facets"]["jurisdiction"] == [{"value": "OAS", "count": 1}]

    def test_private_pleadings_only_for_their_organisation(
        self, client: TestClient, session: Session, pleadings: Any, as_user: Any
    ) -> None:
        _, secret, clinic = pleadings
        member = make_user(session, member_of=clinic, role=Role.viewer)
        params = {"type": "pleading", "q": "strategy"}

        assert client.get(S, params=params).json()["total"] == 0
        inside = client.get(S, params=params, headers=as_user(member)).json()
        assert [h["id"] for h in inside["items"]] == [str(secret.id)]

    def test_filters_by_right_and_pages_by_last_update(
        self, client: TestClient, pleadings: Any
    ) -> None:
        body = client.get(S, params={"type": "pleading", "right": "right_to_health"}).json()
        everyone = client.get(S, params={"type": "pleading", "limit": 1}).json()
        rest = client.get(
            S, params={"type": "pleading", "limit": 1, "cursor": everyone["next_cursor"]}
        ).json()

        assert [h["title"] for h in body["items"]] == [
            "Vaccination access for undocumented migrants"
        ]
        assert everyone["total"] == 2 and len(everyone["items"]) == 1
        assert rest["items"] and rest["items"][0]["id"] != everyone["items"][0]["id"]

    @pytest.mark.parametrize("field", ["finding", "decided_from", "forum"])
    def test_case_filters_are_refused_for_pleadings(self, client: TestClient, field: str) -> None:
        value = {"finding": "violation", "decided_from": "2000-01-01", "forum": "ECTHR"}[field]

        body = assert_problem(
            client.get(S, params={"type": "pleading", field: value}), 422, "validation_error"
        )
        assert body["errors"][0]["loc"] == ["query", field]
