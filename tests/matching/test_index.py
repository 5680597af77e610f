"""The matcher's index (feature rows, BM25 terms, postings and totals) stays equal to a
recomputation from scratch after every kind of write, and its query keeps the facts' most
telling terms."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import delete, select, text, update
from sqlalchemy.orm import Session

from app.auth.principal import Principal
from app.cases import interchange
from app.cases.importing import import_cases
from app.cases.models import LegalCase, RightsClaim
from app.core.time import utcnow
from app.matching import repository
from app.matching.models import CaseMatchFeatures
from app.matching.schemas import Draft, MatchRequest
from app.matching.service import find_knock_on_wins
from app.orgs.models import Visibility
from tests.factories import make_case, make_org

# What the index should hold, recomputed from the case record alone.
EXPECTED_POSTINGS = text(
    """
    SELECT c.id, u.lexeme, sum(cardinality(u.positions))::real
    FROM legal_case c
    CROSS JOIN LATERAL unnest(ARRAY[
        to_tsvector(comity_ts_config(c.language), comity_unaccent(c.title)),
        to_tsvector(comity_ts_config(c.language), comity_unaccent(c.holding)),
        to_tsvector(comity_ts_config(c.language), comity_words(c.keywords)),
        to_tsvector(comity_ts_config(c.language), comity_unaccent(c.facts_summary)),
        to_tsvector(comity_ts_config(c.language), comity_unaccent(c.law_text))
    ]) AS f(vector)
    CROSS JOIN LATERAL unnest(f.vector) AS u
    GROUP BY c.id, u.lexeme
    """
)
STORED_POSTINGS = text(
    "SELECT p.case_id, t.term, p.tf FROM case_posting p JOIN match_term t ON t.id = p.term_id"
)
FAVOURABLE = ("violation", "prospective_violation", "upheld", "favourable")


def _assert_index_current(session: Session) -> None:
    session.flush()
    expected = {tuple(r) for r in session.execute(EXPECTED_POSTINGS)}
    assert {tuple(r) for r in session.execute(STORED_POSTINGS)} == expected
    df: dict[str, int] = {}
    lengths: dict[Any, float] = {}
    for case_id, term, tf in expected:
        df[term] = df.get(term, 0) + 1
        lengths[case_id] = lengths.get(case_id, 0.0) + tf
    stored_df = {
        t: n for t, n in session.execute(text("SELECT term, df FROM match_term WHERE df > 0"))
    }
    assert stored_df == df
    assert session.execute(text("SELECT count(*) FROM match_term WHERE df < 0")).scalar() == 0
    docs, total = session.execute(text("SELECT docs, total_len FROM match_corpus")).one()
    assert (docs, round(total)) == (len(lengths), round(sum(lengths.values())))
    # Every posting carries its case's current length.
    for case_id, dl in session.execute(text("SELECT case_id, dl FROM case_posting")):
        assert abs(dl - lengths[case_id]) < 1e-3
    # One feature row per case, its won rights those of its favourable claims.
    cases = set(session.scalars(select(LegalCase.id)))
    features = {f.case_id: f for f in session.scalars(select(CaseMatchFeatures))}
    assert set(features) == cases
    for case_id, f in features.items():
        claims = session.execute(
            select(RightsClaim.right_id, RightsClaim.finding).where(RightsClaim.case_id == case_id)
        ).all()
        won = {r for r, finding in claims if finding in FAVOURABLE and r}
        assert set(f.won_rights) == won
        assert f.won_claims == sum(1 for _, finding in claims if finding in FAVOURABLE)


class TestKeptInEveryWrite:
    def test_create_edit_and_delete_cases_and_claims(self, session: Session) -> None:
        org = make_org(session)
        first = make_case(session, org=org, facts_summary="Detention of a child at the border.")
        second = make_case(
            session,
            org=org,
            facts_summary="Detention pending removal; detention again.",
            holding="Violation of Article 5.",
            claims=[
                {"right_id": "liberty_arbitrary_detention", "finding": "violation"},
                {"right_id": "collective_expulsion", "finding": "no_violation"},
            ],
        )
        _assert_index_current(session)

        second.facts_summary = "A family was expelled collectively at sea."
        second.law_text = "The Court recalls its case law on collective expulsion."
        session.flush()
        _assert_index_current(session)

        session.execute(
            update(RightsClaim)
            .where(RightsClaim.case_id == second.id, RightsClaim.finding == "no_violation")
            .values(finding="violation")
        )
        session.execute(delete(RightsClaim).where(RightsClaim.case_id == first.id))
        _assert_index_current(session)

        session.delete(first)
        _assert_index_current(session)

    def test_bulk_statements_over_many_cases(self, session: Session) -> None:
        org = make_org(session)
        for i in range(6):
            make_case(session, org=org, facts_summary=f"Pushback number {i} at the land border.")
        session.flush()
        session.execute(update(LegalCase).values(holding="Pushbacks at the border."))
        _assert_index_current(session)
        session.execute(delete(LegalCase).where(LegalCase.facts_summary.like("%number 1%")))
        _assert_index_current(session)


@pytest.fixture
def detention_corpus(session: Session) -> None:
    """40 cases that all speak of detention conditions, one of them of incommunicado."""
    org = make_org(session)
    for i in range(40):
        facts = "The applicant complained of the conditions of detention."
        make_case(session, org=org, facts_summary=facts + (" Incommunicado." if i == 0 else ""))
    session.flush()


@pytest.mark.usefixtures("detention_corpus")
class TestTellingTerms:
    def _terms(self, session: Session, facts: str) -> list[str]:
        q = repository.text_query(session, facts)
        return q.lexemes if q else []

    def test_a_term_few_cases_hold_outranks_a_more_frequent_common_one(
        self, session: Session, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(repository, "QUERY_TERMS", 1)
        assert self._terms(session, "detention detention detention incommunicado") == [
            "incommunicado"
        ]

    def test_among_equally_common_terms_the_facts_counts_decide(
        self, session: Session, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(repository, "QUERY_TERMS", 1)
        assert self._terms(session, "conditions detention detention conditions detention") == [
            "detent"
        ]

    def test_stop_words_and_words_no_case_holds_are_left_out(self, session: Session) -> None:
        assert self._terms(session, "because detention zyzzogeton") == ["detent"]
        assert repository.text_query(session, "because through during") is None

    def test_idf_comes_from_the_statistics_of_this_transaction(self, session: Session) -> None:
        q = repository.text_query(session, "incommunicado detention")
        assert q is not None
        weights = dict(zip(q.lexemes, q.weights, strict=True))
        assert weights["incommunicado"] > weights["detent"] > 0


class TestBulkImport:
    def test_a_match_straight_after_an_import_sees_the_new_cases(self, session: Session) -> None:
        org = make_org(session)
        records = [
            {
                "title": f"Refouled {i} v. Spain",
                "forum_id": "ECTHR",
                "respondent_states": ["ES"],
                "decided_on": "2021-05-04",
                "facts_summary": f"The applicant {i} was returned to Morocco at the Melilla fence.",
                "identifiers": [{"kind": "application_number", "value": f"{4000 + i}/19"}],
                "claims": [
                    {
                        "right_id": "non_refoulement",
                        "provisions": ["ECHR:3"],
                        "finding": "violation",
                    }
                ],
            }
            for i in range(3)
        ]
        data = "\n".join(json.dumps(r) for r in records).encode()
        import_cases(
            session,
            interchange.parse_jsonl(data),
            owner_org_id=org.id,
            visibility=Visibility.public,
            actor=None,
            now=utcnow(),
        )
        _assert_index_current(session)

        found = find_knock_on_wins(
            session,
            Principal(user_id=None, is_hub_admin=True),
            MatchRequest(
                draft=Draft(facts="Returned at the Melilla fence.", target_jurisdiction="MA")
            ),
        )

        assert {r.precedent.title for r in found.results} == {
            f"Refouled {i} v. Spain" for i in range(3)
        }
