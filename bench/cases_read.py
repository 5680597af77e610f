"""The case-record read target: GET /api/v1/cases/{id} against a trivial endpoint.

The module's one job: with 10,000 synthetic cases loaded, measure through real HTTP how many
anonymous reads of random public cases (each with 1-5 claims, their provisions and an
identifier) one uvicorn worker serves with 8 keep-alive clients, against ``GET /healthz``
served by the same process in the same run. Target: cases >= 0.5 x trivial requests/s, so
reading a case costs at most as much again as the framework's own per-request work.

It also reports the CPU time that the API process and its PostgreSQL backends spend per
request, which tells where a shortfall lies: one uvicorn worker runs its Python on one core,
so its CPU per request sets the throughput.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import random
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import psutil
from sqlalchemy import Engine, text

from bench import corpus, http_load
from bench.results import Row
from bench.server import API_APPLICATION_NAME, ApiProcess, BenchDatabase

__all__ = ["run"]

NAME = "cases_read"
N_CASES = 10_000
SAMPLE_IDS = 2_000
ROUNDS = 3
REQUESTS = 1_500  # per round; the trivial endpoint gets twice as many, being faster
WARMUP = 200
CONCURRENCY = 8
TARGET_RATIO = 0.5


def _say(message: str) -> None:
    print(f"[{NAME}] {message}", file=sys.stderr, flush=True)


def _check_case(host: str, port: int, path: str) -> None:
    """Fail early, with the body, if the endpoint does not serve a case with claims."""
    conn = http.client.HTTPConnection(host, port, timeout=10)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        body = response.read()
    finally:
        conn.close()
    if response.status != 200:
        raise RuntimeError(f"GET {path} answered {response.status}: {body[:500]!r}")
    if not json.loads(body).get("claims"):
        raise RuntimeError(f"GET {path} returned a case without claims: {body[:500]!r}")


def _cpu_seconds(pids: Iterable[int]) -> dict[int, float]:
    """CPU seconds (user + system) spent so far by each of pids that still runs."""
    spent = {}
    for pid in pids:
        with contextlib.suppress(psutil.Error):
            times = psutil.Process(pid).cpu_times()
            spent[pid] = times.user + times.system
    return spent


def _spent_since(before: Mapping[int, float], pids: Iterable[int]) -> float:
    """CPU seconds spent by pids since `before` (all of it for a process started since)."""
    return sum(now - before.get(pid, 0.0) for pid, now in _cpu_seconds(pids).items())


def _backends(engine: Engine) -> list[int]:
    """The PostgreSQL backends serving the API process."""
    with engine.connect() as conn:
        return list(
            conn.scalars(
                text("SELECT pid FROM pg_stat_activity WHERE application_name = :name"),
                {"name": API_APPLICATION_NAME},
            )
        )


@dataclass
class _Scenario:
    """One endpoint's measured rounds, with the CPU that the API and PostgreSQL spent on them."""

    name: str
    paths: Sequence[str]
    requests: int
    runs: list[http_load.LoadResult] = field(default_factory=list)
    sent: int = 0  # measured and warm-up requests, which the CPU times include
    api_s: float = 0.0
    database_s: float = 0.0

    def round(self, api: ApiProcess, engine: Engine, concurrency: int) -> None:
        api_before, db_before = _cpu_seconds([api.pid]), _cpu_seconds(_backends(engine))
        result = http_load.run(
            api.base_url,
            self.paths,
            name=self.name,
            requests=self.requests,
            warmup=WARMUP,
            concurrency=concurrency,
        )
        self.api_s += _spent_since(api_before, [api.pid])
        # Backends that the API's pool opened during the round count from their start.
        self.database_s += _spent_since(db_before, _backends(engine))
        self.sent += self.requests + WARMUP
        self.runs.append(result)
        _say(result.line())

    def cpu_rows(self, label: str) -> list[Row]:
        return [
            Row(NAME, f"{label} API CPU per request", self.api_s / self.sent * 1e6, "us"),
            Row(
                NAME, f"{label} PostgreSQL CPU per request", self.database_s / self.sent * 1e6, "us"
            ),
        ]


def run(
    *, n_cases: int = N_CASES, requests: int = REQUESTS, concurrency: int = CONCURRENCY
) -> list[Row]:
    with BenchDatabase() as database:
        _, corpus_row = corpus.grow(database.engine, 0, n_cases, NAME)
        with database.engine.connect() as conn:
            ids = [
                str(case_id)
                for case_id in conn.scalars(
                    text(
                        "SELECT c.id FROM legal_case c WHERE c.visibility = 'public' "
                        "AND EXISTS (SELECT 1 FROM rights_claim r WHERE r.case_id = c.id) "
                        "ORDER BY c.id LIMIT :n"
                    ),
                    {"n": SAMPLE_IDS},
                )
            ]
        random.Random(7).shuffle(ids)
        case_paths = [f"/api/v1/cases/{case_id}" for case_id in ids]

        trivial_scenario = _Scenario("GET /healthz", ["/healthz"], 2 * requests)
        case_scenario = _Scenario("GET /api/v1/cases/{id}", case_paths, requests)
        with database.serve(workers=1) as api:
            _check_case(api.host, api.port, case_paths[0])
            # Alternating rounds, so that a neighbour's load on a shared machine falls on
            # both scenarios alike.
            for _ in range(ROUNDS):
                for scenario in (trivial_scenario, case_scenario):
                    scenario.round(api, database.engine, concurrency)
            trivial = http_load.merge(trivial_scenario.runs)
            cases = http_load.merge(case_scenario.runs)

    ratio = cases.rps / trivial.rps if trivial.rps else 0.0
    _say(f"all rounds: {trivial.line()}")
    _say(f"all rounds: {cases.line()}")
    _say(f"ratio cases/trivial = {ratio:.2f} (target >= {TARGET_RATIO})")
    rows = [
        corpus_row,
        Row(NAME, "healthz throughput (x8 keep-alive)", trivial.rps, "req/s"),
        Row(NAME, "healthz latency p50", trivial.p50_ms, "ms"),
        Row(NAME, "healthz latency p99", trivial.p99_ms, "ms"),
        Row(NAME, "case throughput (x8 keep-alive)", cases.rps, "req/s"),
        Row(NAME, "case latency p50", cases.p50_ms, "ms"),
        Row(NAME, "case latency p95", cases.p95_ms, "ms"),
        Row(NAME, "case latency p99", cases.p99_ms, "ms"),
        Row(NAME, "case throughput / healthz throughput", ratio, "", f">= {TARGET_RATIO}"),
        *trivial_scenario.cpu_rows("healthz"),
        *case_scenario.cpu_rows("case"),
        Row(NAME, "errors", float(trivial.errors + cases.errors), "", "<= 0"),
    ]
    return rows
