"""Which words of the new facts the matcher's text query keeps: tf-idf, with the corpus side
read from PostgreSQL's statistics on the search vectors."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import Text, cast, select, text
from sqlalchemy.orm import Session

from app.matching import repository
from tests.factories import make_case, make_org


def _query_stems(session: Session, facts: str) -> list[str]:
    tsq = repository.facts_query(session, facts)
    return re.findall(r"'(\w+)'", session.scalar(select(cast(tsq, Text))) or "")


@pytest.fixture
def analysed_corpus(session: Session) -> None:
    """40 cases that all speak of detention conditions, one of them of incommunicado."""
    org = make_org(session)
    for i in range(40):
        facts = "The applicant complained of the conditions of detention."
        make_case(session, org=org, facts_summary=facts + (" Incommunicado." if i == 0 else ""))
    session.execute(text("ANALYZE legal_case"))  # undone with the test's transaction


@pytest.mark.usefixtures("analysed_corpus")
class TestTellingWords:
    def test_a_word_few_cases_hold_outranks_a_more_frequent_common_one(
        self, session: Session, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(repository, "QUERY_TERMS", 1)
        assert _query_stems(session, "detention detention detention incommunicado") == [
            "incommunicado"
        ]

    def test_among_equally_common_words_the_facts_counts_decide(
        self, session: Session, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(repository, "QUERY_TERMS", 1)
        assert _query_stems(session, "conditions detention detention conditions detention") == [
            "detent"
        ]

    def test_words_the_stemmer_drops_are_left_out(self, session: Session) -> None:
        assert _query_stems(session, "because detention") == ["detent"]
        assert repository.facts_query(session, "because through during") is None
