from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect

from app import db
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
