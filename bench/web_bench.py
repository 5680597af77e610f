"""The web pages' server time: the case page and the search page at 10,000 cases.

The module's one job: with 10,000 synthetic cases loaded, sign a litigator in with a real
session cookie and time, through real HTTP with one client (so that latency is server time
plus loopback), `GET /cases/{id}` on random public cases and `GET /search?q=...` over a
rotation of queries, against the JSON API calls that the pages wrap, in the same run.
Target: p95 <= 150 ms for each page.
"""

from __future__ import annotations

import random
import sys
import uuid

from sqlalchemy import text
from sqlalchemy.orm import Session

from bench import corpus, http_load
from bench.results import Row
from bench.server import BenchDatabase

__all__ = ["run"]

NAME = "web_pages"
N_CASES = 10_000
REQUESTS = 400
WARMUP = 30
TARGET_MS = 150.0
QUERIES = (
    "detention",
    "asylum seekers",
    "collective expulsion",
    "family reunification",
    "unaccompanied children",
    "effective remedy",
    "pushback",
    "non-refoulement",
)


def _say(message: str) -> None:
    print(f"[{NAME}] {message}", file=sys.stderr, flush=True)


def _session_cookie(database: BenchDatabase) -> str:
    """A signed-in litigator of a fresh organisation: the cookie of a real web session."""
    from app.auth import service as auth_service
    from app.auth.models import UserAccount
    from app.core.time import utcnow
    from app.orgs.models import Membership, Organisation, OrgKind, Role

    with Session(database.engine) as session:
        org = Organisation(
            slug=f"bench-{uuid.uuid4().hex[:8]}",
            name="Bench clinic",
            kind=OrgKind.clinic,
            country="ES",
        )
        user = UserAccount(email=f"{org.slug}@bench.test", display_name="Bench litigator")
        session.add_all([org, user])
        session.flush()
        session.add(Membership(user_id=user.id, organisation_id=org.id, role=Role.litigator))
        secret = auth_service.open_web_session(session, database.settings, user, now=utcnow())
        session.commit()
    return secret


def run(*, n_cases: int = N_CASES, requests: int = REQUESTS) -> list[Row]:
    from app.web.security import SESSION_COOKIE

    with BenchDatabase() as database:
        _, corpus_row = corpus.grow(database.engine, 0, n_cases, NAME)
        with database.engine.connect() as conn:
            ids = [
                str(i)
                for i in conn.scalars(
                    text("SELECT id FROM legal_case WHERE visibility = 'public' LIMIT 2000")
                )
            ]
        random.Random(11).shuffle(ids)
        headers = {"Cookie": f"{SESSION_COOKIE}={_session_cookie(database)}", "Accept": "text/html"}
        scenarios = {
            "case page": [f"/cases/{i}" for i in ids],
            "case API (same case, JSON)": [f"/api/v1/cases/{i}" for i in ids],
            "search page": [f"/search?q={q.replace(' ', '+')}" for q in QUERIES],
            "search API (same query, JSON)": [
                f"/api/v1/search?q={q.replace(' ', '+')}" for q in QUERIES
            ],
        }
        results = {}
        with database.serve(workers=1) as api:
            for label, paths in scenarios.items():
                result = http_load.run(
                    api.base_url,
                    paths,
                    name=label,
                    requests=requests,
                    warmup=WARMUP,
                    concurrency=1,
                    headers=headers,
                )
                _say(result.line())
                results[label] = result
    rows = [corpus_row]
    for label, result in results.items():
        target = f"<= {TARGET_MS:.0f}" if label.endswith("page") else None
        rows += [
            Row(NAME, f"{label} p50", result.p50_ms, "ms"),
            Row(NAME, f"{label} p95", result.p95_ms, "ms", target),
        ]
    rows.append(Row(NAME, "errors", float(sum(r.errors for r in results.values())), "", "<= 0"))
    return rows
