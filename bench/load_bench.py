"""The load target: 50 litigators reading, conditionally editing and filing cases at once.

The module's one job: over a corpus of N_CASES synthetic cases, let USERS litigators of the
corpus's organisation, each logged in through ``POST /api/v1/auth/token`` and each on its own
keep-alive loopback connection, drive the API served by uvicorn with this mix:

- 80 % reads: ``GET /api/v1/cases/{id}`` of any case;
- 15 % conditional updates: GET a case, then ``PATCH`` it with the ETag as ``If-Match``;
- 5 % creates: ``POST /api/v1/cases`` with two claims.

Updates go to a hot set of HOT_CASES cases, so editors collide and the 412 path runs: a 412
is the API refusing a stale write, as it must, and is counted, not an error.

Two phases. *Paced*: each user pauses between operations (exponential, mean 0.5 s, a very
busy person), which offers the server about a third of what it can take; the read target,
p95 < 200 ms, applies here. *Saturation*: no pauses, so the figures are the server's capacity;
there 50 users always have a request waiting, and by Little's law the mean latency is
50 / throughput whatever the code does, so its p95 is reported, not judged. Both phases must
answer no 5xx, and afterwards the database must hold exactly the acknowledged writes: each
2xx PATCH one version step on the hot set, each 201 one new case (0 lost, 0 phantom).

The driver follows :mod:`bench.http_load` (standard-library ``http.client`` in threads, one
connection per thread, a barrier before the measured part, operations handed out from a shared
counter) but sends any method with a body and keeps the response headers, for the ETag.
"""

from __future__ import annotations

import contextlib
import http.client
import itertools
import json
import random
import secrets
import sys
import threading
import time
import urllib.parse
import uuid
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from enum import StrEnum

from sqlalchemy import Engine, text

from app import db
from app.auth import passwords
from app.auth.models import UserAccount
from app.orgs.models import Membership, Role
from bench import corpus, http_load
from bench.http_load import percentile
from bench.results import Row
from bench.server import ApiProcess, BenchDatabase

__all__ = ["run"]

NAME = "load"
N_CASES = 3_000
USERS = 50
WARMUP_READS = 4  # per user, unmeasured: opens the connection and warms the server
HOT_CASES = 100
READ_SHARE = 0.80
UPDATE_SHARE = 0.15  # creates take the rest
WORKERS = 2
TIMEOUT_S = 30.0
TARGET_READ_P95_MS = 200
LOGIN_PARALLEL = 4  # argon2 verification is CPU-bound: more would only queue


@dataclass(frozen=True, slots=True)
class Phase:
    name: str
    operations: int
    think_s: float  # mean pause between one user's operations (exponential); 0 for none
    read_target: bool  # whether the read p95 target applies


PHASES = (
    Phase("paced", 2_000, 0.5, read_target=True),
    Phase("saturation", 5_000, 0.0, read_target=False),
)


class Kind(StrEnum):
    read = "read"
    update = "update"
    create = "create"


def _say(message: str) -> None:
    print(f"[{NAME}] {message}", file=sys.stderr, flush=True)


@dataclass
class _Tally:
    """What one user saw; merged after the run."""

    latencies: dict[Kind, list[float]] = field(default_factory=lambda: {k: [] for k in Kind})
    statuses: Counter[tuple[Kind, int]] = field(default_factory=Counter)
    transport_errors: int = 0
    examples: list[str] = field(default_factory=list)

    def note(self, kind: Kind, status: int, started: float, path: str) -> None:
        self.latencies[kind].append((time.perf_counter() - started) * 1000)
        self.count(kind, status, path)

    def count(self, kind: Kind, status: int, path: str) -> None:
        self.statuses[kind, status] += 1
        if status not in EXPECTED[kind] and len(self.examples) < 3:
            self.examples.append(f"{kind} {path}: HTTP {status}")


EXPECTED: dict[Kind, frozenset[int]] = {
    Kind.read: frozenset({200}),
    Kind.update: frozenset({200, 412}),
    Kind.create: frozenset({201}),
}


def _new_case(label: str) -> dict[str, object]:
    return {
        "title": f"Load {label} v. Greece",
        "forum_id": "ECTHR",
        "respondent_states": ["GR"],
        "facts_summary": "Families held at the border zone without a decision.",
        "claims": [
            {"right_id": "detention_children", "provisions": ["ECHR art. 5 § 1 (f)"]},
            {
                "right_id": "inhuman_treatment_detention_conditions",
                "provisions": ["Article 3 ECHR"],
            },
        ],
    }


def _make_users(org_id: str, password: str, n: int) -> list[str]:
    """n litigators of the corpus's organisation; returns their emails."""
    # One hash for all: hashing is the slow part, and a shared salt is harmless here.
    password_hash = passwords.hash_password(password)
    run_id = uuid.uuid4().hex[:8]
    emails = [f"load-{run_id}-{i}@bench.example.org" for i in range(n)]
    with db.session_scope() as session:
        for email in emails:
            user = UserAccount(email=email, display_name=email, password_hash=password_hash)
            session.add(user)
            session.flush()
            session.add(
                Membership(user_id=user.id, organisation_id=uuid.UUID(org_id), role=Role.litigator)
            )
    return emails


def _log_in(api: ApiProcess, email: str, password: str) -> str:
    """An access token through the real login, waiting out a throttle if one answers 429."""
    form = urllib.parse.urlencode({"username": email, "password": password})
    for _ in range(5):
        conn = http.client.HTTPConnection(api.host, api.port, timeout=TIMEOUT_S)
        try:
            conn.request(
                "POST",
                "/api/v1/auth/token",
                body=form,
                headers={"Content-Type": "application/x-www-form-urlencoded"},
            )
            response = conn.getresponse()
            data = response.read()
        finally:
            conn.close()
        if response.status == 429:
            time.sleep(float(response.headers.get("Retry-After", "1")))
            continue
        if response.status != 200:
            raise RuntimeError(f"login of {email} answered {response.status}: {data[:300]!r}")
        token: str = json.loads(data)["access_token"]
        return token
    raise RuntimeError(f"login of {email} stayed throttled")


def _versions(engine: Engine, ids: Sequence[str]) -> dict[str, int]:
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT id::text, version FROM legal_case WHERE id::text = ANY(:ids)"),
            {"ids": list(ids)},
        )
        return {case_id: version for case_id, version in rows}


def _count_cases(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.scalar(text("SELECT count(*) FROM legal_case")) or 0)


def _drive(
    api: ApiProcess,
    tokens: Sequence[str],
    read_ids: Sequence[str],
    hot_ids: Sequence[str],
    phase: Phase,
) -> _Outcome:
    counter = itertools.count()  # next() on a count is atomic under the GIL
    start = threading.Barrier(len(tokens) + 1)
    tallies = [_Tally() for _ in tokens]

    def user(slot: int) -> None:
        rng = random.Random(f"{phase.name}:{slot}")
        client = http_load.Client(
            api.host, api.port, {"Authorization": f"Bearer {tokens[slot]}"}, TIMEOUT_S
        )
        tally = tallies[slot]
        try:
            try:
                for _ in range(WARMUP_READS):
                    with contextlib.suppress(OSError, http.client.HTTPException):
                        client.send("GET", f"/api/v1/cases/{rng.choice(read_ids)}")
            except BaseException:
                start.abort()
                raise
            start.wait()
            while (n := next(counter)) < phase.operations:
                if phase.think_s:
                    time.sleep(rng.expovariate(1 / phase.think_s))
                try:
                    _operation(client, tally, rng, read_ids, hot_ids, f"{phase.name} {slot}-{n}")
                except (OSError, http.client.HTTPException) as exc:
                    tally.transport_errors += 1
                    if len(tally.examples) < 3:
                        tally.examples.append(f"{type(exc).__name__}: {exc}")
        finally:
            client.close()

    threads = [
        threading.Thread(target=user, args=(slot,), name=f"user-{slot}", daemon=True)
        for slot in range(len(tokens))
    ]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    return _Outcome.of(phase, tallies, time.perf_counter() - began)


def _operation(
    client: http_load.Client,
    tally: _Tally,
    rng: random.Random,
    read_ids: Sequence[str],
    hot_ids: Sequence[str],
    label: str,
) -> None:
    """One operation of the mix: a read, a conditional update (GET then PATCH) or a create."""
    draw = rng.random()
    if draw < READ_SHARE:
        path = f"/api/v1/cases/{rng.choice(read_ids)}"
        began = time.perf_counter()
        status, _, _ = client.send("GET", path)
        tally.note(Kind.read, status, began, path)
    elif draw < READ_SHARE + UPDATE_SHARE:
        path = f"/api/v1/cases/{rng.choice(hot_ids)}"
        status, headers, _ = client.send("GET", path)
        if status != 200:
            tally.count(Kind.read, status, path)
            return
        began = time.perf_counter()
        status, _, _ = client.send(
            "PATCH",
            path,
            {"procedural_posture": f"Edited under load ({label})."},
            {"If-Match": headers["ETag"]},
        )
        tally.note(Kind.update, status, began, path)
    else:
        began = time.perf_counter()
        status, _, _ = client.send("POST", "/api/v1/cases", _new_case(label))
        tally.note(Kind.create, status, began, "/api/v1/cases")


@dataclass(frozen=True, slots=True)
class _Outcome:
    """One phase's merged tallies."""

    phase: Phase
    seconds: float
    statuses: Counter[tuple[Kind, int]]
    latencies: dict[Kind, list[float]]  # sorted
    transport_errors: int
    examples: list[str]

    @classmethod
    def of(cls, phase: Phase, tallies: Sequence[_Tally], seconds: float) -> _Outcome:
        statuses: Counter[tuple[Kind, int]] = Counter()
        latencies: dict[Kind, list[float]] = {kind: [] for kind in Kind}
        for tally in tallies:
            statuses.update(tally.statuses)
            for kind in Kind:
                latencies[kind].extend(tally.latencies[kind])
        return cls(
            phase,
            seconds,
            statuses,
            {kind: sorted(values) for kind, values in latencies.items()},
            sum(t.transport_errors for t in tallies),
            [e for t in tallies for e in t.examples],
        )

    @property
    def requests(self) -> int:
        # An update is two requests: its GET and its PATCH.
        updates = sum(n for (kind, _), n in self.statuses.items() if kind is Kind.update)
        return sum(self.statuses.values()) + updates

    @property
    def server_errors(self) -> int:
        return sum(n for (_, status), n in self.statuses.items() if status >= 500)

    @property
    def other_unexpected(self) -> int:
        unexpected = sum(
            n for (kind, status), n in self.statuses.items() if status not in EXPECTED[kind]
        )
        return unexpected - self.server_errors + self.transport_errors

    def p(self, kind: Kind, q: float) -> float:
        return percentile(self.latencies[kind], q)

    def line(self) -> str:
        statuses = ", ".join(f"{k} {s}: {n}" for (k, s), n in sorted(self.statuses.items()))
        return (
            f"{self.phase.name}: {self.requests:,} requests in {self.seconds:.1f} s = "
            f"{self.requests / self.seconds:,.0f} req/s; reads p50 {self.p(Kind.read, 50):.1f} "
            f"ms, p95 {self.p(Kind.read, 95):.1f} ms; {statuses}"
        )

    def rows(self) -> list[Row]:
        label = (
            f"{self.phase.name}, think {self.phase.think_s:g} s"
            if self.phase.think_s
            else f"{self.phase.name}, no think"
        )
        read_target = f"<= {TARGET_READ_P95_MS}" if self.phase.read_target else None
        return [
            Row(NAME, f"{label}: requests", self.requests),
            Row(NAME, f"{label}: throughput", self.requests / self.seconds, "req/s"),
            Row(NAME, f"{label}: read latency p50", self.p(Kind.read, 50), "ms"),
            Row(NAME, f"{label}: read latency p95", self.p(Kind.read, 95), "ms", read_target),
            Row(NAME, f"{label}: read latency p99", self.p(Kind.read, 99), "ms"),
            Row(NAME, f"{label}: PATCH latency p95", self.p(Kind.update, 95), "ms"),
            Row(NAME, f"{label}: POST latency p95", self.p(Kind.create, 95), "ms"),
            Row(NAME, f"{label}: updates applied (2xx)", self.statuses[Kind.update, 200]),
            Row(NAME, f"{label}: updates refused as stale (412)", self.statuses[Kind.update, 412]),
            Row(NAME, f"{label}: cases created (201)", self.statuses[Kind.create, 201]),
            Row(NAME, f"{label}: responses 5xx", self.server_errors, "", "<= 0"),
            Row(NAME, f"{label}: other unexpected responses", self.other_unexpected, "", "<= 0"),
        ]


def run(*, n_cases: int = N_CASES, users: int = USERS, workers: int = WORKERS) -> list[Row]:
    password = secrets.token_urlsafe(18)
    with BenchDatabase() as database:
        stats = corpus.generate(database.engine, n_cases)
        _say(f"{stats['cases']:,} cases in {stats['seconds_total']} s")
        with database.engine.connect() as conn:
            read_ids = [str(i) for i in conn.scalars(text("SELECT id FROM legal_case"))]
        hot_ids = random.Random(3).sample(read_ids, HOT_CASES)
        emails = _make_users(stats["owner_org_id"], password, users)

        with database.serve(workers=workers) as api:
            began = time.perf_counter()
            with ThreadPoolExecutor(LOGIN_PARALLEL) as pool:
                tokens = list(pool.map(lambda email: _log_in(api, email, password), emails))
            login_s = time.perf_counter() - began
            _say(f"{len(tokens)} users logged in in {login_s:.1f} s")
            versions_before = _versions(database.engine, hot_ids)
            cases_before = _count_cases(database.engine)
            outcomes = []
            for phase in PHASES:
                outcomes.append(_drive(api, tokens, read_ids, hot_ids, phase))
                _say(outcomes[-1].line())
                if outcomes[-1].examples:
                    _say("unexpected: " + "; ".join(outcomes[-1].examples[:5]))
        version_steps = sum(
            after - versions_before[i] for i, after in _versions(database.engine, hot_ids).items()
        )
        created = _count_cases(database.engine) - cases_before

    applied = sum(o.statuses[Kind.update, 200] for o in outcomes)
    acknowledged = sum(o.statuses[Kind.create, 201] for o in outcomes)
    lost = abs(version_steps - applied) + abs(created - acknowledged)
    _say(
        f"{applied} acknowledged updates, {version_steps} version steps; "
        f"{acknowledged} acknowledged creates, {created} new cases"
    )
    return [
        Row(NAME, f"corpus generation ({stats['cases']:,} cases)", stats["seconds_total"], "s"),
        Row(NAME, f"logins through /auth/token ({len(tokens)} users)", login_s, "s"),
        *(row for outcome in outcomes for row in outcome.rows()),
        Row(NAME, "lost or phantom writes (both phases)", lost, "", "<= 0"),
    ]
