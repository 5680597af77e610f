"""A throwaway, migrated Comity database for benchmarks, and the API served over it.

The module's one job: give a benchmark a fresh database (an embedded PostgreSQL in a temporary
folder, or a new database on the server named by ``$COMITY_BENCH_DATABASE_URL``), migrated to
head with the reference data loaded, and on request the real API as a uvicorn subprocess on a
free loopback port, then tear all of it down again.

```python
with BenchDatabase() as database:
    corpus.generate(database.engine, 10_000)
    with database.serve() as api:
        http_load.run(api.base_url, ["/healthz"])
```
"""

from __future__ import annotations

import base64
import http.client
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

from sqlalchemy import Engine, create_engine, make_url, text
from sqlalchemy.pool import NullPool

from app import db
from app.cli import upgrade_database
from app.config import Settings
from app.reference.loading import load_reference_data

__all__ = ["ENV_DATABASE_URL", "ApiProcess", "BenchDatabase"]

ENV_DATABASE_URL = "COMITY_BENCH_DATABASE_URL"
HOST = "127.0.0.1"
REPO_ROOT = Path(__file__).resolve().parent.parent
READY_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 15.0


API_APPLICATION_NAME = "comity-bench-api"


@dataclass(frozen=True, slots=True)
class ApiProcess:
    """A running API subprocess."""

    base_url: str
    host: str
    port: int
    pid: int


def free_port(host: str = HOST) -> int:
    """A TCP port nobody listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


class BenchDatabase:
    """A fresh database, migrated and loaded with reference data, dropped on exit.

    ``engine`` is also made the process's engine (``app.db.use_engine``), so service code
    called in-process by a benchmark sees the same database.
    """

    def __init__(self, *, admin_url: str | None = None, quiet: bool = False) -> None:
        self._admin_url = admin_url if admin_url is not None else os.environ.get(ENV_DATABASE_URL)
        self._quiet = quiet
        self._tmp: Path | None = None
        self._embedded: Any = None
        self._admin: Engine | None = None
        self.url = ""
        self.secret_key = secrets.token_urlsafe(48)
        self.data_key = "bench1:" + base64.b64encode(secrets.token_bytes(32)).decode()
        self._engine: Engine | None = None

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            raise RuntimeError("BenchDatabase is not open: use it as a context manager")
        return self._engine

    @property
    def settings(self) -> Settings:
        return Settings(
            database_url=self.url,
            secret_key=self.secret_key,
            data_key=self.data_key,
            data_dir=self._work_dir() / "data",
            log_level="WARNING",
        )

    def __enter__(self) -> BenchDatabase:
        try:
            self._open()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _say(self, message: str) -> None:
        if not self._quiet:
            print(f"[bench] {message}", file=sys.stderr, flush=True)

    def _work_dir(self) -> Path:
        if self._tmp is None:
            self._tmp = Path(tempfile.mkdtemp(prefix="comity-bench-"))
            # The embedded server runs as its own system user when we are root.
            os.chmod(self._tmp, 0o755)  # noqa: S103
        return self._tmp

    def _open(self) -> None:
        started = time.perf_counter()
        if self._admin_url:
            admin_url = make_url(db.normalise_url(self._admin_url))
            self._say(f"using the server of ${ENV_DATABASE_URL} ({admin_url.host or 'socket'})")
        else:
            self._embedded = db.start_embedded_server(self._work_dir(), cleanup_mode="delete")
            admin_url = make_url(db.normalise_url(self._embedded.get_uri()))
            self._say(f"embedded PostgreSQL started in {self._work_dir()}")
        self._admin = create_engine(admin_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
        name = f"comity_bench_{uuid.uuid4().hex[:12]}"
        with self._admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        self.url = admin_url.set(database=name).render_as_string(hide_password=False)
        self._engine = db.build_engine(self.url, self.settings)
        db.use_engine(self._engine)
        upgrade_database()
        with db.session_scope() as session:
            load_reference_data(session)
        self._say(
            f"database {name} migrated, reference data loaded "
            f"({time.perf_counter() - started:.1f} s)"
        )

    def close(self) -> None:
        """Drop the database and stop the embedded server; safe to call twice."""
        if self._engine is not None:
            self._engine.dispose()
            db.dispose_engine()
            self._engine = None
        if self._admin is not None:
            if self.url:
                name = make_url(self.url).database
                with self._admin.connect() as conn:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            self._admin.dispose()
            self._admin = None
        if self._embedded is not None:
            self._embedded.cleanup()
            self._embedded = None
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None

    def process_env(self, env: Mapping[str, str] | None = None) -> dict[str, str]:
        """The environment of a Comity process (API, worker) on this database."""
        return (
            dict(os.environ)
            | {
                "COMITY_DATABASE_URL": self.url,
                "COMITY_SECRET_KEY": self.secret_key,
                "COMITY_DATA_KEY": self.data_key,
                "COMITY_DATA_DIR": str(self._work_dir() / "data"),
                "COMITY_LOG_LEVEL": "WARNING",
            }
            | dict(env or {})
        )

    @contextmanager
    def serve(
        self, *, workers: int = 1, port: int | None = None, env: Mapping[str, str] | None = None
    ) -> Iterator[ApiProcess]:
        """Run the API in a uvicorn subprocess on loopback until the block ends, with `env`
        (settings) added to its environment."""
        port = port or free_port()
        log_path = self._work_dir() / f"uvicorn-{port}.log"
        # PGAPPNAME is libpq's: it tells the API's backends apart.
        env = self.process_env({"PGAPPNAME": API_APPLICATION_NAME, **(env or {})})
        command = [
            sys.executable,
            "-m",
            "uvicorn",
            "app.main:create_app",
            "--factory",
            "--host",
            HOST,
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--no-access-log",
            "--log-level",
            "warning",
        ]
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                command, cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
            )
        api = ApiProcess(base_url=f"http://{HOST}:{port}", host=HOST, port=port, pid=process.pid)
        try:
            _wait_ready(process, api, log_path)
            self._say(f"API serving on {api.base_url} (pid {process.pid}, workers={workers})")
            yield api
        finally:
            _stop(process)


def _wait_ready(process: subprocess.Popen[bytes], api: ApiProcess, log_path: Path) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"the API exited with {process.returncode} before it was ready:\n"
                + log_path.read_text(errors="replace")[-4000:]
            )
        conn = http.client.HTTPConnection(api.host, api.port, timeout=2)
        try:
            conn.request("GET", "/readyz")
            response = conn.getresponse()
            response.read()
            if response.status == 200:
                return
        except OSError:
            pass
        finally:
            conn.close()
        time.sleep(0.1)
    raise RuntimeError(
        f"the API was not ready within {READY_TIMEOUT_S:.0f} s:\n"
        + log_path.read_text(errors="replace")[-4000:]
    )


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
