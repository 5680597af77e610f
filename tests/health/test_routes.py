from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from app import db
from app.config import Settings
from tests.conftest import DatabaseServer


@pytest.fixture
def other_engine(engine: Engine) -> Iterator[None]:
    """Restore the suite's engine after a test points the app elsewhere."""
    yield
    db.use_engine(engine)


class TestLiveness:
    def test_healthz_answers_without_touching_the_database(self, client: TestClient) -> None:
        r = client.get("/healthz")

        assert r.status_code == 200
        assert r.json()["status"] == "ok"


class TestReadiness:
    def test_ready_when_schema_at_head(self, client: TestClient) -> None:
        r = client.get("/readyz")

        assert r.status_code == 200
        body = r.json()
        assert body["schema_revision"] == db.head_revision()
        assert body["server_version"] >= 150000

    def test_503_problem_when_schema_is_behind(
        self,
        client: TestClient,
        test_server: DatabaseServer,
        settings: Settings,
        other_engine: None,
    ) -> None:
        url = test_server.create_database()
        try:
            db.use_engine(db.build_engine(url, settings))
            r = client.get("/readyz")
        finally:
            db.get_engine().dispose()
            test_server.drop_database(url)

        assert r.status_code == 503
        assert r.headers["content-type"] == "application/problem+json"
        assert r.json()["code"] == "service_unavailable"
        assert "comity db upgrade" in r.json()["detail"]

    def test_503_problem_when_database_unreachable(
        self, client: TestClient, settings: Settings, other_engine: None
    ) -> None:
        db.use_engine(db.build_engine("postgresql+psycopg://nobody@127.0.0.1:1/none", settings))

        r = client.get("/readyz")

        assert r.status_code == 503
        assert "Retry-After" in r.headers
        assert "nobody" not in r.text


class TestCapabilities:
    def test_missing_vector_extension_degrades_to_a_capability_flag(self, engine: Engine) -> None:
        with engine.connect() as conn, conn.begin() as tx:
            conn.execute(text("DROP EXTENSION IF EXISTS vector"))
            caps = db.detect_capabilities(conn)
            tx.rollback()

        assert caps.vector is False
