from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, Index, Table, inspect, text
from sqlalchemy.schema import CreateIndex

from app import db
from app.cases.models import TEXT_CONFIGS, LegalCase
from app.cli import alembic_config
from app.config import Settings
from tests.conftest import DatabaseServer


def config_for(conn: object) -> Config:
    cfg = alembic_config()
    assert isinstance(cfg, Config)
    cfg.attributes["connection"] = conn
    return cfg


class TestMigrations:
    def test_one_head(self) -> None:
        assert len(ScriptDirectory(str(db.MIGRATIONS_DIR)).get_heads()) == 1

    def test_models_match_migrations(self, engine: Engine) -> None:
        with engine.connect() as conn:
            command.check(config_for(conn))

    def test_downgrade_and_upgrade_round_trip(
        self, test_server: DatabaseServer, settings: Settings
    ) -> None:
        url = test_server.create_database()
        scratch = db.build_engine(url, settings)
        try:
            with scratch.begin() as conn:
                cfg = config_for(conn)
                command.upgrade(cfg, "head")
                tables_at_head = set(inspect(conn).get_table_names())
                command.downgrade(cfg, "base")
                assert set(inspect(conn).get_table_names()) <= {"alembic_version"}
                command.upgrade(cfg, "head")
                assert set(inspect(conn).get_table_names()) == tables_at_head
                assert db.current_revision(conn) == db.head_revision()
        finally:
            scratch.dispose()
            test_server.drop_database(url)

    def test_unaccepted_legacy_invitations_become_mailed_invitations(
        self, test_server: DatabaseServer, settings: Settings
    ) -> None:
        """0010: a membership that an inviter-held token gave an account nobody activated is
        withdrawn and offered again by mail; activated accounts keep theirs."""
        url = test_server.create_database()
        scratch = db.build_engine(url, settings)
        try:
            with scratch.begin() as conn:
                cfg = config_for(conn)
                command.upgrade(cfg, "0009_pleading_search")
                conn.execute(
                    text(
                        "INSERT INTO organisation (id, slug, name, kind, country) "
                        "VALUES ('00000000-0000-0000-0000-00000000000a', 'a', 'A', 'clinic', 'CO')"
                    )
                )
                for n, password in ((1, None), (2, "argon2-hash")):
                    conn.execute(
                        text(
                            "INSERT INTO user_account (id, email, display_name, password_hash) "
                            "VALUES (:id, :email, 'U', :pw)"
                        ),
                        {
                            "id": f"00000000-0000-0000-0000-00000000000{n}",
                            "email": f"u{n}@x.org",
                            "pw": password,
                        },
                    )
                    conn.execute(
                        text(
                            "INSERT INTO membership (user_id, organisation_id, role) VALUES "
                            "(:id, '00000000-0000-0000-0000-00000000000a', 'litigator')"
                        ),
                        {"id": f"00000000-0000-0000-0000-00000000000{n}"},
                    )
                command.upgrade(cfg, "0010_membership_consent")
                members = conn.execute(text("SELECT user_id::text FROM membership")).scalars()
                invited = conn.execute(text("SELECT email, role::text FROM invitation")).all()
                queued = conn.execute(text("SELECT topic FROM outbox_message")).scalars()

                assert list(members) == ["00000000-0000-0000-0000-000000000002"]
                assert [tuple(r) for r in invited] == [("u1@x.org", "litigator")]
                assert list(queued) == ["invitation"]
        finally:
            scratch.dispose()
            test_server.drop_database(url)

    def test_existing_identifiers_keep_their_rows_and_gain_decision_types(
        self, test_server: DatabaseServer, settings: Settings
    ) -> None:
        """0016: every identifier is kept; decision types come from the outcome; and under
        the new key two decisions of one communication may then share its number."""
        url = test_server.create_database()
        scratch = db.build_engine(url, settings)
        org = "00000000-0000-0000-0000-00000000000a"
        try:
            with scratch.begin() as conn:
                cfg = config_for(conn)
                command.upgrade(cfg, "0015_search_typos")
                for statement in (
                    "INSERT INTO organisation (id, slug, name, kind, country) "
                    "VALUES (:org, 'a', 'A', 'clinic', 'CO')",
                    "INSERT INTO jurisdiction (code, name, kind) VALUES ('UN', 'UN', 'system')",
                    "INSERT INTO forum (id, name, level, jurisdiction_code, decision_effect, "
                    "instruments_applied, uncertain) VALUES ('CAT-C', 'CAT', "
                    "'quasi_judicial_treaty_body', 'UN', 'authoritative_interpretation', "
                    "'{}', false)",
                ):
                    conn.execute(text(statement), {"org": org})
                for n, outcome in ((1, "win"), (2, "inadmissible")):
                    case_id = f"00000000-0000-0000-0000-00000000000{n}"
                    conn.execute(
                        text(
                            "INSERT INTO legal_case (id, title, forum_id, forum_jurisdiction, "
                            "respondent_states, status, outcome, outcome_explicit, "
                            "facts_summary, holding, law_text, keywords, populations, "
                            "owner_org_id, visibility) VALUES (:id, :title, 'CAT-C', 'UN', "
                            "'{ES}', 'decided', :outcome, true, '', '', '', '{}', '{}', :org, "
                            "'private')"
                        ),
                        {"id": case_id, "title": f"Case {n}", "outcome": outcome, "org": org},
                    )
                    conn.execute(
                        text(
                            "INSERT INTO case_identifier (id, case_id, kind, value, forum_id, "
                            "owner_org_id) VALUES (gen_random_uuid(), :case, "
                            "'communication_number', :value, 'CAT-C', :org)"
                        ),
                        {"case": case_id, "value": f"{n}/2020", "org": org},
                    )
                command.upgrade(cfg, "0016_proceedings")
                kept = conn.execute(
                    text(
                        "SELECT i.value, i.decision_type::text, c.decision_type::text "
                        "FROM case_identifier i JOIN legal_case c ON c.id = i.case_id "
                        "ORDER BY i.value"
                    )
                ).all()
                assert [tuple(r) for r in kept] == [
                    ("1/2020", "merits", "merits"),
                    ("2/2020", "admissibility", "admissibility"),
                ]
                # The admissibility decision's number may now be the merits decision's too.
                conn.execute(
                    text(
                        "INSERT INTO case_identifier (id, case_id, kind, value, forum_id, "
                        "owner_org_id, decision_type) VALUES (gen_random_uuid(), "
                        "'00000000-0000-0000-0000-000000000001', 'communication_number', "
                        "'2/2020', 'CAT-C', :org, 'merits')"
                    ),
                    {"org": org},
                )
        finally:
            scratch.dispose()
            test_server.drop_database(url)

    def test_spanish_and_french_texts_are_indexed_again_with_their_stemming(
        self, test_server: DatabaseServer, settings: Settings
    ) -> None:
        """0020: Spanish texts get Spanish stems in their search vectors and postings, the
        term statistics still count the postings exactly, and the downgrade undoes both."""
        url = test_server.create_database()
        scratch = db.build_engine(url, settings)
        org = "00000000-0000-0000-0000-00000000000a"
        stems = text(
            "SELECT c.language, c.search_vector @@ to_tsquery('spanish', 'nino'), "
            "EXISTS (SELECT 1 FROM case_posting p JOIN match_term t ON t.id = p.term_id "
            "WHERE p.case_id = c.id AND t.term = 'nin') "
            "FROM legal_case c ORDER BY c.language"
        )
        consistent = text(
            "SELECT (SELECT count(*) FROM match_term t WHERE t.df <> (SELECT count(*) "
            "FROM case_posting p WHERE p.term_id = t.id)) = 0 AND (SELECT docs FROM "
            "match_corpus) = (SELECT count(DISTINCT case_id) FROM case_posting)"
        )
        try:
            with scratch.begin() as conn:
                cfg = config_for(conn)
                command.upgrade(cfg, "0019_claim_facets")
                conn.execute(
                    text(
                        "INSERT INTO organisation (id, slug, name, kind, country) "
                        "VALUES (:org, 'a', 'A', 'clinic', 'CO')"
                    ),
                    {"org": org},
                )
                conn.execute(
                    text("INSERT INTO jurisdiction (code, name, kind) VALUES ('CO', 'CO', 'state')")
                )
                conn.execute(
                    text(
                        "INSERT INTO forum (id, name, level, jurisdiction_code, decision_effect, "
                        "instruments_applied, uncertain) VALUES ('CO-CC', 'CC', "
                        "'national_apex', 'CO', 'binding_domestic_precedent', '{}', false)"
                    )
                )
                for n, language, facts in (
                    (1, "es", "Los niños migrantes fueron detenidos."),
                    (2, "en", "The migrant children were detained."),
                ):
                    conn.execute(
                        text(
                            "INSERT INTO legal_case (id, title, forum_id, forum_jurisdiction, "
                            "respondent_states, status, outcome, outcome_explicit, language, "
                            "facts_summary, holding, law_text, keywords, populations, "
                            "owner_org_id, visibility) VALUES (:id, :title, 'CO-CC', 'CO', "
                            "'{CO}', 'decided', 'win', true, :language, :facts, '', '', '{}', "
                            "'{}', :org, 'private')"
                        ),
                        {
                            "id": f"00000000-0000-0000-0000-00000000000{n}",
                            "title": f"Case {n}",
                            "language": language,
                            "facts": facts,
                            "org": org,
                        },
                    )
                assert [tuple(r) for r in conn.execute(stems)] == [
                    ("en", False, False),
                    ("es", False, False),
                ]
                command.upgrade(cfg, "0020_spanish_french_stemming")
                assert [tuple(r) for r in conn.execute(stems)] == [
                    ("en", False, False),
                    ("es", True, True),
                ]
                assert conn.scalar(consistent)
                command.downgrade(cfg, "0019_claim_facets")
                assert [tuple(r) for r in conn.execute(stems)][1] == ("es", False, False)
                assert conn.scalar(consistent)
        finally:
            scratch.dispose()
            test_server.drop_database(url)

    def test_search_vector_indexes_cover_the_rows_each_reading_searches(
        self, engine: Engine
    ) -> None:
        """0021 writes out the predicates of the per-configuration GIN indexes; they must be
        those the model (and so the search's conditions, `language_is`) gives, or the
        planner could not use them for a reading's rows."""
        predicate = text(
            "SELECT pg_get_expr(i.indpred, i.indrelid) FROM pg_index i "
            "JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = :name"
        )
        table = LegalCase.__table__
        assert isinstance(table, Table)
        indexes = [
            index
            for index in table.indexes
            if (index.name or "").startswith("ix_legal_case_search_vector_")
        ]
        assert len(indexes) == len(TEXT_CONFIGS)
        with engine.connect() as conn:
            for index in indexes:
                migrated = conn.scalar(predicate, {"name": index.name})
                assert migrated is not None, index.name
                as_modelled = Index(
                    f"probe_{index.name}",
                    *index.expressions,
                    postgresql_using="gin",
                    postgresql_where=index.dialect_options["postgresql"]["where"],
                    _table=table,
                )
                conn.execute(CreateIndex(as_modelled))
                assert conn.scalar(predicate, {"name": as_modelled.name}) == migrated
            conn.rollback()
