"""Knock-on matcher latency and server memory at 10,000 and 100,000 cases.

The module's one job: through real HTTP, with one keep-alive connection, measure p50/p95 of
``POST /api/v1/match`` for drafts of ~300 words of facts (sentences of the generated corpus'
texts), target jurisdiction Mexico or France and three claims (two right concepts and one
provision written as a lawyer would), at two corpus sizes in one database (10,000 cases, then
90,000 more), and the resident memory of the uvicorn process after each run. Target at
100,000 cases: p95 <= 150 ms. When it is missed, the slowest draft is run in-process and its
statements' times and plans go to ``bench/out/match_explain.txt``.
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
from sqlalchemy import Engine, text

from bench import corpus, http_load, sql_trace
from bench.results import Row
from bench.server import ApiProcess, BenchDatabase

__all__ = ["make_drafts", "run"]

NAME = "match"
STEPS = (10_000, 90_000)
REQUESTS = 200
WARMUP = 20
N_DRAFTS = 6
DRAFT_WORDS = 300
TARGETS = ("MX", "FR")
CLAIMS = ("liberty_arbitrary_detention", "ECHR art. 3", "family_life_unity")
TARGET_P95_MS = 150.0
TARGET_AT = 100_000
OUT_DIR = Path(__file__).resolve().parent / "out"
EXPLAIN_PATH = OUT_DIR / "match_explain.txt"
EXPLAIN_STATEMENTS = 3


def _size(n: int) -> str:
    return f"{n // 1000}k" if n >= 1000 and n % 1000 == 0 else f"{n:,}"


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


def _load(api: ApiProcess, bodies: list[bytes], name: str, requests: int) -> http_load.LoadResult:
    poster = _Poster(api)
    latencies: list[float] = []
    errors = 0
    first_error: str | None = None
    total_bytes = 0
    try:
        for i in range(WARMUP):
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


def _check(api: ApiProcess, bodies: list[bytes]) -> str:
    poster = _Poster(api)
    found = []
    try:
        for body in bodies:
            status, answer = poster.post("/api/v1/match", body)
            if status != 200:
                raise RuntimeError(f"POST /api/v1/match answered {status}: {answer[:500]!r}")
            result = json.loads(answer)
            found.append((result["candidates"], len(result["results"])))
    finally:
        poster.close()
    if not any(n for n, _ in found):
        raise RuntimeError("no draft finds a candidate")
    return f"(candidates, results) per draft: {found}"


def _vacuum(engine: Engine) -> float:
    started = time.perf_counter()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(
            text(
                "VACUUM (ANALYZE) organisation, legal_case, rights_claim, claim_provision, "
                "case_identifier, case_citation"
            )
        )
    return time.perf_counter() - started


def _explain(
    engine: Engine, drafts: list[dict[str, Any]], result: http_load.LoadResult, n_cases: int
) -> str:
    from app import db
    from app.auth.principal import ANONYMOUS
    from app.matching import service
    from app.matching.schemas import MatchRequest

    def call(draft: dict[str, Any]) -> None:
        with db.session_scope() as session:
            service.find_knock_on_wins(session, ANONYMOUS, MatchRequest.model_validate(draft))

    timings = []
    for draft in drafts:
        call(draft)
        began = time.perf_counter()
        call(draft)
        timings.append(((time.perf_counter() - began) * 1000, draft))
    slowest_ms, draft = max(timings, key=lambda t: t[0])
    with sql_trace.capture(engine) as statements:
        began = time.perf_counter()
        call(draft)
        traced_ms = (time.perf_counter() - began) * 1000
    lines = [
        f"== match at {n_cases:,} cases: HTTP p95 {result.p95_ms:.1f} ms, "
        f"target <= {TARGET_P95_MS:.0f} ms",
        f"in-process times per draft: {', '.join(f'{ms:.1f}' for ms, _ in timings)} ms",
        f"slowest draft: target {draft['draft']['target_jurisdiction']}, {slowest_ms:.1f} ms; "
        f"traced call {traced_ms:.1f} ms, of which SQL "
        f"{sum(s.ms for s in statements):.1f} ms in {len(statements)} statements",
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
            stats = corpus.generate(database.engine, step)
            n_cases += stats["cases"]
            vacuum_s = _vacuum(database.engine)
            _say(
                f"{n_cases:,} cases ({stats['cases']:,} added in {stats['seconds_total']} s, "
                f"vacuum/analyze {vacuum_s:.1f} s)"
            )
            rows.append(
                Row(
                    NAME,
                    f"corpus +{stats['cases']:,} cases -> {n_cases:,}",
                    stats["seconds_total"],
                    "s",
                )
            )
            with database.serve(workers=1) as api:
                rss_ready = _rss_mb(api.pid)
                _say(_check(api, bodies))
                result = _load(api, bodies, f"match @ {n_cases:,}", requests)
                rss_after = _rss_mb(api.pid)
                _say(result.line())
                _say(f"server RSS {rss_ready:.0f} MiB when ready, {rss_after:.0f} MiB after")
                checked = n_cases >= TARGET_AT
                where = f"POST /match @ {_size(n_cases)}"
                rows += [
                    Row(NAME, f"{where} p50", result.p50_ms, "ms"),
                    Row(
                        NAME,
                        f"{where} p95",
                        result.p95_ms,
                        "ms",
                        f"<= {TARGET_P95_MS:g}" if checked else None,
                    ),
                    Row(NAME, f"{where} server RSS after run", rss_after, "MiB"),
                ]
                if result.errors:
                    rows.append(Row(NAME, f"{where} errors", float(result.errors), "", "<= 0"))
                if checked and result.p95_ms > TARGET_P95_MS:
                    OUT_DIR.mkdir(exist_ok=True)
                    EXPLAIN_PATH.write_text(
                        _explain(database.engine, drafts, result, n_cases), encoding="utf-8"
                    )
                    _say(f"target missed: statements and plans written to {EXPLAIN_PATH}")
    return rows
