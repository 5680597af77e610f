"""Search latency at 10,000 and 100,000 cases: text + filters, filters only, autocomplete.

The module's one job: through real HTTP, with one keep-alive connection (latency, not
throughput), measure p50/p95 of three anonymous requests, each varied across a small pool of
values, at two corpus sizes in one database (10,000 cases, then 90,000 more):

text
    ``GET /api/v1/search?q=<two words>&finding=violation&region=CoE&decided_from=2000-01-01``
    with all facets; the words are common in the generated texts. Target p95 <= 50 ms.
filters
    ``GET /api/v1/search?right=<right>&outcome=win&forum=ECTHR`` with all facets.
    Target p95 <= 30 ms.
suggest
    ``GET /api/v1/search/suggest?q=<a five-letter surname of the titles, last letter wrong>``.
    Target p95 <= 20 ms.

Targets are checked at 100,000 cases; the 10,000 figures inform. After each corpus step the
tables are vacuumed and analysed (so the GIN pending lists are merged and autovacuum does not
start in the middle of a measurement), and a fresh API process serves. When a target is
missed, the slowest pool value of that scenario is run in-process with its SQL captured, and
``EXPLAIN (ANALYZE, BUFFERS)`` of its slowest statements goes to ``bench/out/search_explain.txt``.
Beside them, the floor: the text scenario's words as a bare ``websearch_to_tsquery`` over
the English texts' GIN index (top 20 by rank), in-process.
"""

from __future__ import annotations

import http.client
import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import Engine, text

from bench import corpus, http_load, sql_trace
from bench.results import Row
from bench.server import BenchDatabase

__all__ = ["run"]

NAME = "search"
STEPS = (10_000, 90_000)  # cases added before each measurement
REQUESTS = 200
WARMUP = 20
OUT_DIR = Path(__file__).resolve().parent / "out"
EXPLAIN_PATH = OUT_DIR / "search_explain.txt"
EXPLAIN_STATEMENTS = 3

# Two content words each, all frequent in the ECtHR facts and law sentences the corpus uses.
TEXT_QUERIES = (
    "detention children",
    "police investigation",
    "prison medical",
    "family child",
    "criminal proceedings",
    "detention conditions",
    "hospital treatment",
    "expulsion protection",
)
TEXT_FILTERS = {"finding": "violation", "region": "CoE", "decided_from": "2000-01-01"}
FILTER_RIGHTS = (
    "liberty_arbitrary_detention",
    "non_refoulement",
    "family_life_unity",
    "detention_judicial_review",
    "inhuman_treatment_detention_conditions",
    "effective_remedy_suspensive",
)
FILTER_FILTERS = {"outcome": "win", "forum": "ECTHR"}
SUGGEST_POOL = 10
TARGETS_MS = {"text": 50.0, "filters": 30.0, "suggest": 20.0}
TARGET_AT = 100_000


@dataclass(frozen=True, slots=True)
class Scenario:
    key: str
    label: str
    params: list[dict[str, str]]
    endpoint: str  # "search" or "suggest"

    @property
    def paths(self) -> list[str]:
        base = "/api/v1/search" if self.endpoint == "search" else "/api/v1/search/suggest"
        return [f"{base}?{urlencode(p)}" for p in self.params]


def _say(message: str) -> None:
    print(f"[{NAME}] {message}", file=sys.stderr, flush=True)


def _misspell(surname: str) -> str:
    """The surname lower-cased with its last letter changed (`Hirsi` -> `hirsy`)."""
    word = surname.lower()
    last = word[-1]
    swap = {"a": "e", "e": "a", "i": "y", "o": "u", "u": "o", "y": "i"}
    return word[:-1] + swap.get(last, "a" if last != "a" else "e")


def _suggest_terms(engine: Engine) -> list[str]:
    """Five-letter surnames common among public titles, misspelt."""
    with engine.connect() as conn:
        surnames = list(
            conn.scalars(
                text(
                    "SELECT split_part(short_title, ' ', 1) AS s FROM legal_case "
                    "WHERE visibility = 'public' "
                    "AND split_part(short_title, ' ', 1) ~ '^[A-Z][a-z]{4}$' "
                    "GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT :n"
                ),
                {"n": SUGGEST_POOL},
            )
        )
    if not surnames:
        raise RuntimeError("no five-letter surname among the generated titles")
    return [_misspell(s) for s in surnames]


def _scenarios(engine: Engine) -> list[Scenario]:
    return [
        Scenario(
            "text",
            "two words + finding/region/decided_from, facets",
            [{"q": q, **TEXT_FILTERS} for q in TEXT_QUERIES],
            "search",
        ),
        Scenario(
            "filters",
            "right/outcome/forum, no q, facets",
            [{"right": r, **FILTER_FILTERS} for r in FILTER_RIGHTS],
            "search",
        ),
        Scenario(
            "suggest",
            "suggest, misspelt 5-letter surname",
            [{"q": term} for term in _suggest_terms(engine)],
            "suggest",
        ),
    ]


def _get(host: str, port: int, path: str) -> Any:
    conn = http.client.HTTPConnection(host, port, timeout=30)
    try:
        conn.request("GET", path, headers={"Accept": "application/json"})
        response = conn.getresponse()
        body = response.read()
    finally:
        conn.close()
    if response.status != 200:
        raise RuntimeError(f"GET {path} answered {response.status}: {body[:500]!r}")
    return json.loads(body)


def _describe(host: str, port: int, scenario: Scenario) -> str:
    """Fail early on an error; say how much each pool value finds."""
    found = []
    for path in scenario.paths:
        body = _get(host, port, path)
        found.append(len(body) if scenario.endpoint == "suggest" else body["total"])
    if not any(found):
        raise RuntimeError(f"{scenario.key}: no request of the pool finds anything")
    unit = "suggestions" if scenario.endpoint == "suggest" else "hits"
    return f"{scenario.key}: {unit} per pool value {found}"


def _call(scenario: Scenario, params: dict[str, str]) -> Callable[[], Any]:
    from app import db
    from app.auth.principal import ANONYMOUS
    from app.search import service
    from app.search.schemas import SearchQuery, SuggestQuery

    def call() -> Any:
        with db.session_scope() as session:
            if scenario.endpoint == "suggest":
                return service.suggest(session, ANONYMOUS, SuggestQuery.model_validate(params))
            return service.search(session, ANONYMOUS, SearchQuery.model_validate(params))

    return call


def _explain(
    engine: Engine, scenario: Scenario, result: http_load.LoadResult, n_cases: int, target: float
) -> str:
    """The slowest pool value of scenario, run in-process: its statements and their plans."""
    timings: list[tuple[float, dict[str, str]]] = []
    for params in scenario.params:
        call = _call(scenario, params)
        call()
        began = time.perf_counter()
        for _ in range(3):
            call()
        timings.append(((time.perf_counter() - began) / 3 * 1000, params))
    slowest_ms, params = max(timings, key=lambda t: t[0])
    with sql_trace.capture(engine) as statements:
        began = time.perf_counter()
        _call(scenario, params)()
        traced_ms = (time.perf_counter() - began) * 1000
    lines = [
        f"== {scenario.key} ({scenario.label}) at {n_cases:,} cases: "
        f"HTTP p95 {result.p95_ms:.1f} ms, target <= {target:.0f} ms",
        f"slowest pool value in-process: {params} ({slowest_ms:.1f} ms per call)",
        "in-process times of the pool: " + ", ".join(f"{ms:.1f}" for ms, _ in timings) + " ms",
        f"traced call {traced_ms:.1f} ms, of which SQL {sum(s.ms for s in statements):.1f} ms "
        f"in {len(statements)} statements (ms): " + ", ".join(f"{s.ms:.1f}" for s in statements),
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


FLOOR_RUNS = 60
# The English texts' own condition, so that their GIN index answers (migration 0021).
_FLOOR = text(
    "SELECT id FROM legal_case, websearch_to_tsquery('english', :q) AS q "
    "WHERE (language IS NULL OR language IN ('en')) AND search_vector @@ q "
    "ORDER BY ts_rank_cd(search_vector, q) DESC LIMIT 20"
)


def _floor(engine: Engine) -> tuple[float, float]:
    """p50 and p95 (ms) of the floor the text search is compared with: the same words as a
    bare `websearch_to_tsquery` over the English texts' GIN index, its top 20 by rank, no
    visibility, filters, thesaurus, other languages or facets; in-process, one statement
    per call."""
    times = []
    with engine.connect() as conn:
        for i in range(FLOOR_RUNS):
            began = time.perf_counter()
            conn.execute(_FLOOR, {"q": TEXT_QUERIES[i % len(TEXT_QUERIES)]}).all()
            times.append((time.perf_counter() - began) * 1000)
    times.sort()
    return http_load.percentile(times, 50), http_load.percentile(times, 95)


def run(*, steps: tuple[int, ...] = STEPS, requests: int = REQUESTS) -> list[Row]:
    rows: list[Row] = []
    explains: list[str] = []
    with BenchDatabase() as database:
        n_cases = 0
        for step in steps:
            n_cases, row = corpus.grow(database.engine, n_cases, step, NAME)
            rows.append(row)
            scenarios = _scenarios(database.engine)
            with database.serve(workers=1) as api:
                for scenario in scenarios:
                    _say(_describe(api.host, api.port, scenario))
                for scenario in scenarios:
                    result = http_load.run(
                        api.base_url,
                        scenario.paths,
                        name=f"{scenario.key} @ {n_cases:,}",
                        requests=requests,
                        warmup=WARMUP,
                        concurrency=1,
                    )
                    _say(result.line())
                    target_ms = TARGETS_MS[scenario.key]
                    checked = n_cases >= TARGET_AT
                    where = f"{scenario.label} @ {corpus.size_label(n_cases)}"
                    rows += [
                        Row(NAME, f"{where} p50", result.p50_ms, "ms"),
                        Row(
                            NAME,
                            f"{where} p95",
                            result.p95_ms,
                            "ms",
                            f"<= {target_ms:g}" if checked else None,
                        ),
                    ]
                    if result.errors:
                        rows.append(Row(NAME, f"{where} errors", float(result.errors), "", "<= 0"))
                    if checked and result.p95_ms > target_ms:
                        explains.append(
                            _explain(database.engine, scenario, result, n_cases, target_ms)
                        )
                floor_p50, floor_p95 = _floor(database.engine)
                where = f"bare websearch_to_tsquery + GIN top-20 @ {corpus.size_label(n_cases)}"
                rows += [
                    Row(NAME, f"{where} p50", floor_p50, "ms"),
                    Row(NAME, f"{where} p95", floor_p95, "ms"),
                ]
        if explains:
            OUT_DIR.mkdir(exist_ok=True)
            EXPLAIN_PATH.write_text("\n".join(explains), encoding="utf-8")
            _say(f"target missed: plans written to {EXPLAIN_PATH}")
    return rows
