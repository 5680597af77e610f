"""Synthetic corpus: 200 cases COPYed into a throwaway database are complete and consistent."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from app.cases.models import Finding, Outcome
from app.cases.outcomes import derive_outcome
from app.cli import alembic_config
from app.reference.loading import load_reference_data
from bench import corpus
from tests.conftest import DatabaseServer

N_CASES = 200


def _migrate(engine: Engine) -> None:
    from alembic import command
    from alembic.config import Config

    cfg = alembic_config()
    assert isinstance(cfg, Config)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    with Session(engine) as session:
        load_reference_data(session)
        session.commit()


@pytest.fixture(scope="module")
def generated(test_server: DatabaseServer) -> Iterator[tuple[Engine, dict[str, Any]]]:
    """A database of its own, since generate() commits; the suite's engine is left alone."""
    url = test_server.create_database()
    engine = create_engine(url, poolclass=NullPool)
    try:
        _migrate(engine)
        yield engine, corpus.generate(engine, N_CASES, seed=3)
    finally:
        engine.dispose()
        test_server.drop_database(url)


def _scalar(engine: Engine, sql: str) -> Any:
    with engine.connect() as conn:
        return conn.scalar(text(sql))


class TestGenerate:
    def test_counts_reported_match_the_rows_written(
        self, generated: tuple[Engine, dict[str, Any]]
    ) -> None:
        engine, stats = generated

        assert stats["cases"] == N_CASES
        assert _scalar(engine, "SELECT count(*) FROM legal_case") == N_CASES
        assert _scalar(engine, "SELECT count(*) FROM rights_claim") == stats["claims"]
        assert _scalar(engine, "SELECT count(*) FROM claim_provision") == stats["claim_provisions"]
        assert _scalar(engine, "SELECT count(*) FROM case_identifier") == N_CASES
        assert 2 * N_CASES <= stats["claims"] <= 4 * N_CASES

    def test_every_case_has_one_to_five_claims_with_distinct_rights(
        self, generated: tuple[Engine, dict[str, Any]]
    ) -> None:
        engine, _ = generated

        with engine.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT count(r.id), count(DISTINCT r.right_id) FROM legal_case c "
                    "LEFT JOIN rights_claim r ON r.case_id = c.id GROUP BY c.id"
                )
            ).all()

        assert len(rows) == N_CASES
        assert all(1 <= claims <= 5 and rights == claims for claims, rights in rows)

    def test_claim_provisions_come_from_the_crosswalk_of_the_claims_right(
        self, generated: tuple[Engine, dict[str, Any]]
    ) -> None:
        engine, _ = generated

        outside = _scalar(
            engine,
            "SELECT count(*) FROM claim_provision cp JOIN rights_claim r ON r.id = cp.claim_id "
            "WHERE NOT EXISTS (SELECT 1 FROM crosswalk_row x "
            "WHERE x.right_id = r.right_id AND x.provision_id = cp.provision_id)",
        )
        bare = _scalar(
            engine,
            "SELECT count(*) FROM rights_claim r "
            "WHERE NOT EXISTS (SELECT 1 FROM claim_provision cp WHERE cp.claim_id = r.id)",
        )

        assert outside == 0
        assert bare == 0

    def test_texts_are_filled_and_pending_cases_have_no_holding(
        self, generated: tuple[Engine, dict[str, Any]]
    ) -> None:
        engine, _ = generated

        with engine.connect() as conn:
            rows = conn.execute(
                text("SELECT title, facts_summary, law_text, holding, status FROM legal_case")
            ).all()

        for title, facts, law, holding, status in rows:
            assert " v. " in title
            assert facts.strip() and law.strip()
            assert bool(holding.strip()) == (status != "pending")

    def test_forum_states_and_outcomes_are_consistent(
        self, generated: tuple[Engine, dict[str, Any]]
    ) -> None:
        engine, _ = generated

        with engine.connect() as conn:
            mismatched_forum = conn.scalar(
                text(
                    "SELECT count(*) FROM legal_case c JOIN forum f ON f.id = c.forum_id "
                    "WHERE c.forum_jurisdiction <> f.jurisdiction_code"
                )
            )
            unknown_states = conn.scalar(
                text(
                    "SELECT count(*) FROM legal_case c, unnest(c.respondent_states) s "
                    "WHERE NOT EXISTS (SELECT 1 FROM jurisdiction j "
                    "WHERE j.code = s AND j.kind = 'state')"
                )
            )
            findings: dict[Any, list[Finding]] = defaultdict(list)
            for case_id, finding in conn.execute(text("SELECT case_id, finding FROM rights_claim")):
                findings[case_id].append(Finding(finding))
            cases = conn.execute(
                text("SELECT id, outcome, status, decided_on FROM legal_case")
            ).all()

        assert mismatched_forum == 0
        assert unknown_states == 0
        for case_id, outcome, status, decided_on in cases:
            assert Outcome(outcome) == derive_outcome(findings[case_id])
            assert (decided_on is None) == (status == "pending")
            if status == "pending":
                assert outcome == Outcome.pending

    def test_most_cases_are_public_and_owned_by_the_demo_organisation(
        self, generated: tuple[Engine, dict[str, Any]]
    ) -> None:
        engine, stats = generated

        owners = _scalar(engine, "SELECT count(DISTINCT owner_org_id) FROM legal_case")
        slug = _scalar(
            engine,
            "SELECT o.slug FROM organisation o JOIN legal_case c ON c.owner_org_id = o.id LIMIT 1",
        )

        assert owners == 1
        assert slug == corpus.DEMO_ORG_SLUG
        assert stats["visibility_public"] > N_CASES // 2

    def test_generating_again_appends_without_collisions(
        self, generated: tuple[Engine, dict[str, Any]]
    ) -> None:
        engine, _ = generated
        with engine.connect() as conn:
            before = list(conn.scalars(text("SELECT id FROM legal_case")))

        more = corpus.generate(engine, 20, seed=3)

        try:
            assert more["cases"] == 20
            assert _scalar(engine, "SELECT count(*) FROM legal_case") == len(before) + 20
        finally:
            with engine.begin() as conn:
                conn.execute(text("DELETE FROM legal_case WHERE id <> ALL(:ids)"), {"ids": before})
