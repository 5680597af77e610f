"""The case-record read target: GET /api/v1/cases/{id} against a trivial endpoint.

The module's one job: with 10,000 synthetic cases loaded, measure through real HTTP how many
anonymous reads of random public cases (each with 1-5 claims, their provisions and an
identifier) one uvicorn worker serves with 8 keep-alive clients, against ``GET /healthz``
served by the same process in the same run. Target: cases >= 0.5 x trivial requests/s, so
reading a case costs at most as much again as the framework's own per-request work.
"""

from __future__ import annotations

import http.client
import json
import random
import sys

from sqlalchemy import text

from bench import corpus, http_load
from bench.results import Row
from bench.server import BenchDatabase

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


def run(
    *, n_cases: int = N_CASES, requests: int = REQUESTS, concurrency: int = CONCURRENCY
) -> list[Row]:
    trivial_requests = 2 * requests
    with BenchDatabase() as database:
        stats = corpus.generate(database.engine, n_cases)
        _say(
            f"{stats['cases']:,} cases, {stats['claims']:,} claims, "
            f"{stats['claim_provisions']:,} claim provisions in {stats['seconds_total']} s"
        )
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

        with database.serve(workers=1) as api:
            _check_case(api.host, api.port, case_paths[0])
            # Alternating rounds, so that a neighbour's load on a shared machine falls on
            # both scenarios alike.
            trivial_runs: list[http_load.LoadResult] = []
            case_runs: list[http_load.LoadResult] = []
            for _ in range(ROUNDS):
                trivial_runs.append(
                    http_load.run(
                        api.base_url,
                        ["/healthz"],
                        name="GET /healthz",
                        requests=trivial_requests,
                        warmup=WARMUP,
                        concurrency=concurrency,
                    )
                )
                case_runs.append(
                    http_load.run(
                        api.base_url,
                        case_paths,
                        name="GET /api/v1/cases/{id}",
                        requests=requests,
                        warmup=WARMUP,
                        concurrency=concurrency,
                    )
                )
                _say(trivial_runs[-1].line())
                _say(case_runs[-1].line())
            trivial = http_load.merge(trivial_runs)
            cases = http_load.merge(case_runs)

    ratio = cases.rps / trivial.rps if trivial.rps else 0.0
    _say(f"all rounds: {trivial.line()}")
    _say(f"all rounds: {cases.line()}")
    _say(f"ratio cases/trivial = {ratio:.2f} (target >= {TARGET_RATIO})")
    rows = [
        Row(NAME, f"corpus generation ({stats['cases']:,} cases)", stats["seconds_total"], "s"),
        Row(NAME, "healthz throughput (x8 keep-alive)", trivial.rps, "req/s"),
        Row(NAME, "healthz latency p50", trivial.p50_ms, "ms"),
        Row(NAME, "healthz latency p99", trivial.p99_ms, "ms"),
        Row(NAME, "case throughput (x8 keep-alive)", cases.rps, "req/s"),
        Row(NAME, "case latency p50", cases.p50_ms, "ms"),
        Row(NAME, "case latency p95", cases.p95_ms, "ms"),
        Row(NAME, "case latency p99", cases.p99_ms, "ms"),
        Row(NAME, "case throughput / healthz throughput", ratio, "", f">= {TARGET_RATIO}"),
        Row(NAME, "errors", float(trivial.errors + cases.errors), "", "<= 0"),
    ]
    return rows
