"""Knock-on matcher latency and server memory at 10,000 and 100,000 cases.

The module's one job: through real HTTP, with one keep-alive connection, measure p50/p95 of
``POST /api/v1/match`` for drafts of ~300 words of facts (sentences of the generated corpus'
texts), target jurisdiction Mexico or France and three claims (two right concepts and one
provision written as a lawyer would), at two corpus sizes in one database (10,000 cases, then
90,000 more), and the resident memory of the uvicorn process after each run. Targets: p95
<= 50 ms at 10,000 cases and <= 150 ms at 100,000. Beside each, the floor: the same drafts'
bare BM25 top 10 in SQL, in-process.

A request that takes seconds would make 220 of them last an hour, so the check requests
estimate the latency first and the measured run is cut to fit ``BUDGET_S`` (at least
``MIN_REQUESTS``); the request count is one of the rows. When the target is missed, one
request is run in-process: its statements' times, the plans of the slowest and a profile of
the application's Python go to ``bench/out/match_explain.txt``.
"""

from __future__ import annotations

import http.client
import json
import random
import sys
import time
from pathlib import Path
from typing import Any

import psutil
from sqlalchemy import Engine

from bench import corpus, http_load, sql_trace
from bench.results import Row
from bench.server import ApiProcess, BenchDatabase

__all__ = ["make_drafts", "run"]

NAME = "match"
STEPS = (10_000, 90_000)
REQUESTS = 200
WARMUP = 20
# A run that would take longer than this (judged by the check requests) measures fewer
# requests, never fewer than MIN_REQUESTS, with a shorter warm-up; the table says so.
BUDGET_S = 120.0
MIN_REQUESTS = 20
MIN_WARMUP = 2
N_DRAFTS = 6
DRAFT_WORDS = 300
TARGETS = ("MX", "FR")
CLAIMS = ("liberty_arbitrary_detention", "ECHR art. 3", "family_life_unity")
# p95 targets by corpus size, through HTTP.
TARGETS_P95_MS = {10_000: 50.0, 100_000: 150.0}
TARGET_AT = 100_000
FLOOR_RUNS = 60
OUT_DIR = Path(__file__).resolve().parent / "out"
EXPLAIN_PATH = OUT_DIR / "match_explain.txt"
EXPLAIN_STATEMENTS = 3


def _say(message: str) -> None:
    print(f"[{NAME}] {message}", file=sys.stderr, flush=True)


def make_drafts(n: int = N_DRAFTS, *, seed: int = 11) -> list[dict[str, Any]]:
    """n match requests: ~300 words of corpus facts each, alternating target States."""
    rng = random.Random(seed)
    facts = corpus.sentence_pool().facts
    drafts = []
    for i in range(n):
        chosen: list[str] = []
        words = 0
        while words < DRAFT_WORDS:
            sentence = rng.choice(facts)
            chosen.append(sentence)
            words += len(sentence.split())
        drafts.append(
            {
                "draft": {
                    "facts": " ".join(chosen),
                    "target_jurisdiction": TARGETS[i % len(TARGETS)],
                    "claims": list(CLAIMS),
                }
            }
        )
    return drafts


class _Poster:
    """One keep-alive connection posting JSON bodies."""

    def __init__(self, api: ApiProcess) -> None:
        self.conn = http.client.HTTPConnection(api.host, api.port, timeout=60)

    def post(self, path: str, body: bytes) -> tuple[int, bytes]:
        self.conn.request(
            "POST",
            path,
            body=body,
            headers={"Content-Type": "application/json", "Accept": "application/json"},
        )
        response = self.conn.getresponse()
        return response.status, response.read()

    def close(self) -> None:
        self.conn.close()


def _load(
    api: ApiProcess, bodies: list[bytes], name: str, requests: int, warmup: int
) -> http_load.LoadResult:
    poster = _Poster(api)
    latencies: list[float] = []
    errors = 0
    first_error: str | None = None
    total_bytes = 0
    try:
        for i in range(warmup):
            poster.post("/api/v1/match", bodies[i % len(bodies)])
        began = time.perf_counter()
        for i in range(requests):
            started = time.perf_counter()
            status, body = poster.post("/api/v1/match", bodies[i % len(bodies)])
            latencies.append((time.perf_counter() - started) * 1000)
            total_bytes += len(body)
            if status != 200:
                errors += 1
                first_error = first_error or f"HTTP {status}: {body[:200]!r}"
        seconds = time.perf_counter() - began
    finally:
        poster.close()
    measured = sorted(latencies)
    return http_load.LoadResult(
        name=name,
        requests=requests,
        errors=errors,
        concurrency=1,
        seconds=seconds,
        p50_ms=http_load.percentile(measured, 50),
        p95_ms=http_load.percentile(measured, 95),
        p99_ms=http_load.percentile(measured, 99),
        max_ms=measured[-1],
        mean_bytes=total_bytes / len(measured),
        first_error=first_error,
        latencies_ms=tuple(measured),
    )


def _rss_mb(pid: int) -> float:
    """Resident memory of the process and any children (uvicorn workers), in MiB."""
    process = psutil.Process(pid)
    members = [process, *process.children(recursive=True)]
    total: int = sum(p.memory_info().rss for p in members)
    return total / 2**20


def _check(api: ApiProcess, bodies: list[bytes]) -> tuple[str, float]:
    """A description of what each draft finds, and the median latency in seconds."""
    poster = _Poster(api)
    found = []
    seconds = []
    try:
        for body in bodies:
            began = time.perf_counter()
            status, answer = poster.post("/api/v1/match", body)
            seconds.append(time.perf_counter() - began)
            if status != 200:
                raise RuntimeError(f"POST /api/v1/match answered {status}: {answer[:500]!r}")
            result = json.loads(answer)
            found.append((result["candidates"], len(result["results"])))
    finally:
        poster.close()
    if not any(n for n, _ in found):
        raise RuntimeError("no draft finds a candidate")
    median = sorted(seconds)[len(seconds) // 2]
    times = ", ".join(f"{t:.2f}" for t in seconds)
    return f"(candidates, results) per draft: {found}; first calls {times} s", median


def _plan(requests: int, estimate_s: float) -> tuple[int, int]:
    """(requests, warm-up) that fit the time budget at estimate_s seconds a request."""
    if estimate_s * (requests + WARMUP) <= BUDGET_S:
        return requests, WARMUP
    fitted = max(MIN_REQUESTS, int(BUDGET_S / estimate_s))
    return min(requests, fitted), MIN_WARMUP


def _bm25_floor(drafts: list[dict[str, Any]]) -> tuple[float, float]:
    """p50 and p95 (ms) of the floor the full match is compared with: the same drafts' BM25
    top 10 in SQL (term statistics, postings, nothing else), in-process."""
    from app import db
    from app.matching import repository

    times = []
    for i in range(FLOOR_RUNS):
        facts = drafts[i % len(drafts)]["draft"]["facts"]
        began = time.perf_counter()
        with db.session_scope() as session:
            q = repository.text_query(session, facts)
            assert q is not None
            repository.text_top(session, q, [], 10, [])
        times.append((time.perf_counter() - began) * 1000)
    times.sort()
    return http_load.percentile(times, 50), http_load.percentile(times, 95)


def _explain(
    engine: Engine, draft: dict[str, Any], result: http_load.LoadResult, n_cases: int
) -> str:
    """One request in-process: its statements, the slowest statements' plans, a profile."""
    import cProfile
    import io
    import pstats

    from app import db
    from app.auth.principal import ANONYMOUS
    from app.matching import service
    from app.matching.schemas import MatchRequest

    def call() -> int:
        with db.session_scope() as session:
            found = service.find_knock_on_wins(
                session, ANONYMOUS, MatchRequest.model_validate(draft)
            )
        return found.candidates

    with sql_trace.capture(engine) as statements:
        began = time.perf_counter()
        candidates = call()
        traced_ms = (time.perf_counter() - began) * 1000
    profile = cProfile.Profile()
    profile.runcall(call)
    report = io.StringIO()
    stats = pstats.Stats(profile, stream=report)
    stats.sort_stats("cumulative").print_stats(r"app/|orm/loading|psycopg/_queries", 25)
    sql_ms = sum(s.ms for s in statements)
    lines = [
        f"== match at {n_cases:,} cases: HTTP p95 {result.p95_ms:.1f} ms over "
        f"{result.requests} requests, target <= {TARGETS_P95_MS[n_cases]:.0f} ms",
        f"draft: target {draft['draft']['target_jurisdiction']}, claims {CLAIMS}; "
        f"{candidates:,} candidates",
        f"in-process call {traced_ms:.0f} ms, of which {sql_ms:.0f} ms waiting on "
        f"{len(statements)} statements, the rest Python",
        "statements (ms): " + ", ".join(f"{s.ms:.1f}" for s in statements),
        "",
    ]
    for statement in sorted(statements, key=lambda s: -s.ms)[:EXPLAIN_STATEMENTS]:
        lines += [
            f"-- {statement.ms:.1f} ms in the traced call",
            f"-- parameters: {sql_trace.clip(repr(statement.parameters))}",
            sql_trace.clip(statement.sql, 6_000),
            "",
            sql_trace.explain(engine, statement),
            "",
        ]
    lines += [
        "-- profile of a second call (cProfile adds overhead), application frames:",
        report.getvalue(),
    ]
    return "\n".join(lines) + "\n"


def run(*, steps: tuple[int, ...] = STEPS, requests: int = REQUESTS) -> list[Row]:
    drafts = make_drafts()
    bodies = [json.dumps(d).encode() for d in drafts]
    words = [len(d["draft"]["facts"].split()) for d in drafts]
    _say(f"{len(drafts)} drafts of {min(words)}-{max(words)} words, claims {list(CLAIMS)}")
    rows: list[Row] = []
    with BenchDatabase() as database:
        n_cases = 0
        for step in steps:
            n_cases, row = corpus.grow(database.engine, n_cases, step, NAME)
            rows.append(row)
            with database.serve(workers=1) as api:
                rss_ready = _rss_mb(api.pid)
                described, estimate_s = _check(api, bodies)
                _say(described)
                measured, warmup = _plan(requests, estimate_s)
                if measured < requests:
                    _say(
                        f"~{estimate_s:.1f} s a request: measuring {measured} requests after "
                        f"{warmup} warm-up, not {requests} after {WARMUP}"
                    )
                result = _load(api, bodies, f"match @ {n_cases:,}", measured, warmup)
                rss_after = _rss_mb(api.pid)
                _say(result.line())
                _say(f"server RSS {rss_ready:.0f} MiB when ready, {rss_after:.0f} MiB after")
                target = TARGETS_P95_MS.get(n_cases)
                checked = target is not None
                where = f"POST /match @ {corpus.size_label(n_cases)}"
                floor_p50, floor_p95 = _bm25_floor(drafts)
                rows += [
                    Row(NAME, f"{where} p50", result.p50_ms, "ms"),
                    Row(
                        NAME,
                        f"{where} p95",
                        result.p95_ms,
                        "ms",
                        f"<= {target:g}" if target else None,
                    ),
                    Row(
                        NAME,
                        f"bare SQL BM25 top-10 @ {corpus.size_label(n_cases)} p50",
                        floor_p50,
                        "ms",
                    ),
                    Row(
                        NAME,
                        f"bare SQL BM25 top-10 @ {corpus.size_label(n_cases)} p95",
                        floor_p95,
                        "ms",
                    ),
                    Row(NAME, f"{where} server RSS after run", rss_after, "MiB"),
                    Row(NAME, f"{where} requests measured", float(result.requests)),
                ]
                if result.errors:
                    rows.append(Row(NAME, f"{where} errors", float(result.errors), "", "<= 0"))
                if checked and target and result.p95_ms > target:
                    OUT_DIR.mkdir(exist_ok=True)
                    EXPLAIN_PATH.write_text(
                        _explain(database.engine, drafts[0], result, n_cases), encoding="utf-8"
                    )
                    _say(f"target missed: statements and plans written to {EXPLAIN_PATH}")
    return rows
