"""Test harness: a real PostgreSQL, migrated once; each test inside a rolled-back transaction.

By default an embedded server is started in a temporary folder. With
COMITY_TEST_DATABASE_URL set, a fresh database is created on that server instead and
dropped at the end.
"""

from __future__ import annotations

import base64
import os
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, make_url, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from app import db
from app.auth.models import UserAccount
from app.cli import upgrade_database
from app.config import Settings
from app.main import create_app
from app.reference.loading import load_reference_data
from tests.factories import access_token, bearer

TEST_SECRET = "test-secret-key-that-is-long-enough-0123456789"
TEST_DATA_KEY = "test1:" + base64.b64encode(b"k" * 32).decode()


class DatabaseServer:
    """Creates and drops throwaway databases on one PostgreSQL server."""

    def __init__(self, admin_url: str) -> None:
        self.admin_url = make_url(db.normalise_url(admin_url))
        self.admin = create_engine(self.admin_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)

    def create_database(self) -> str:
        name = f"comity_test_{uuid.uuid4().hex[:12]}"
        with self.admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        return self.admin_url.set(database=name).render_as_string(hide_password=False)

    def drop_database(self, url: str) -> None:
        name = make_url(url).database
        with self.admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def test_server() -> Iterator[DatabaseServer]:
    external = os.environ.get("COMITY_TEST_DATABASE_URL")
    if external:
        yield DatabaseServer(external)
        return
    with tempfile.TemporaryDirectory(prefix="comity-test-") as tmp:
        # The embedded server runs as its own system user when we are root.
        os.chmod(tmp, 0o755)  # noqa: S103
        server = db.start_embedded_server(Path(tmp), cleanup_mode="delete")
        yield DatabaseServer(server.get_uri())
        server.cleanup()


@pytest.fixture(scope="session")
def database_url(test_server: DatabaseServer) -> Iterator[str]:
    url = test_server.create_database()
    yield url
    db.dispose_engine()
    test_server.drop_database(url)


@pytest.fixture(scope="session")
def settings(database_url: str) -> Settings:
    return Settings(
        database_url=database_url,
        secret_key=TEST_SECRET,
        data_key=TEST_DATA_KEY,
        log_level="WARNING",
    )


@pytest.fixture(scope="session")
def engine(settings: Settings, database_url: str) -> Engine:
    engine = db.build_engine(database_url, settings)
    db.use_engine(engine)
    upgrade_database()
    with db.session_scope() as session:
        load_reference_data(session)
    return engine


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    with engine.connect() as conn:
        outer = conn.begin()
        yield conn
        outer.rollback()


@pytest.fixture
def session(connection: Connection) -> Iterator[Session]:
    s = Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    yield s
    s.close()


@pytest.fixture(scope="session")
def app(settings: Settings, engine: Engine) -> FastAPI:
    return create_app(settings)


@contextmanager
def requests_in(app: FastAPI, session: Session) -> Iterator[None]:
    """Run each of app's requests in a savepoint of the test's transaction."""

    def test_session() -> Iterator[Session]:
        request_tx = session.begin_nested()
        try:
            yield session
            request_tx.commit()
        except BaseException as exc:
            if db.keeps_writes(exc):
                request_tx.commit()
            else:
                request_tx.rollback()
            raise

    app.dependency_overrides[db.get_session] = test_session
    try:
        yield
    finally:
        app.dependency_overrides.pop(db.get_session, None)


@pytest.fixture
def client(app: FastAPI, session: Session) -> Iterator[TestClient]:
    with requests_in(app, session), TestClient(app, raise_server_exceptions=False) as c:
        yield c


@pytest.fixture
def as_user(app: FastAPI) -> Callable[[UserAccount], dict[str, str]]:
    """Authorization headers carrying a real access token for a user."""
    return lambda user: bearer(access_token(app, user))
