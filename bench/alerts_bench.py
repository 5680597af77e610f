"""Alerts: outbox throughput, commit-to-webhook latency, and the reverse knock-on job.

The module's one job, in three parts, each against real `comity worker` processes or the
job itself on a fresh database:

- throughput: two idle workers; EVENTS `case.updated` events committed at once, one
  organisation's webhook to a local receiver (a threaded HTTP server answering 204); events
  per second from the commit until the receiver holds every event id. Target >= 500/s.
- latency: one idle worker; ROUNDS times, commit one event and time until its webhook
  arrives. Target p95 <= 2 s.
- reverse knock-on: a corpus of 100,000 cases of which OPEN are open, a new public
  ECtHR judgment with a violation of the liberty right; the job's time with no watermarks
  (every open case sharing the right is matched in full) and then, for a second such
  judgment, with the watermarks the first run left. Target (warm) <= 60 s.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bench import corpus
from bench.results import Row
from bench.server import BenchDatabase

__all__ = ["run"]

NAME = "alerts"
EVENTS = 3_000
ROUNDS = 100
CORPUS = 100_000
OPEN = 5_000  # the figure: the corpus's other pending and appealed cases are closed
COMITY = str(Path(sys.executable).parent / "comity")


def _say(message: str) -> None:
    print(f"[{NAME}] {message}", file=sys.stderr, flush=True)


class _Receiver:
    def __init__(self) -> None:
        self.arrived: dict[str, float] = {}
        self.lock = threading.Lock()
        self.url = ""

    def count(self) -> int:
        with self.lock:
            return len(self.arrived)


@contextmanager
def _receiver() -> Iterator[_Receiver]:
    receiver = _Receiver()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("content-length", "0")))
            with receiver.lock:
                receiver.arrived.setdefault(self.headers["webhook-id"], time.perf_counter())
            self.send_response(204)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()


def _tenant(database: BenchDatabase, url: str) -> uuid.UUID:
    """An organisation with a case and a webhook taking `case.updated`; the case's id."""
    from app.core.crypto import Keyring
    from app.core.time import utcnow
    from app.orgs.models import Organisation, OrgKind
    from app.webhooks import signing
    from app.webhooks.models import WebhookEndpoint
    from bench.corpus import DEMO_ORG_SLUG

    with Session(database.engine) as s:
        org = s.scalar(
            select(Organisation).where(Organisation.slug.in_([DEMO_ORG_SLUG, "bench-alerts"]))
        )
        if org is None:
            org = Organisation(slug="bench-alerts", name="Bench", kind=OrgKind.ngo, country="CO")
            s.add(org)
            s.flush()
        endpoint_id = uuid.uuid4()
        s.add(
            WebhookEndpoint(
                id=endpoint_id,
                organisation_id=org.id,
                url=url,
                events=["case.updated"],
                secret=Keyring.parse(database.data_key).encrypt(
                    signing.new_secret().encode(), b"webhook:" + endpoint_id.bytes
                ),
                created_at=utcnow(),
                updated_at=utcnow(),
            )
        )
        case_id = _a_case(s, org.id)
        s.commit()
    return case_id


def _a_case(s: Session, org_id: uuid.UUID) -> uuid.UUID:
    from app.cases.schemas import CaseCreate
    from app.cases.service import create_case_record
    from app.core.time import utcnow

    body = CaseCreate.model_validate(
        {
            "title": "Bench v. Italy",
            "forum_id": "ECTHR",
            "respondent_states": ["IT"],
            "claims": [{"right_id": "collective_expulsion", "finding": "pending"}],
            "status": "pending",
            "outcome": "pending",
        }
    )
    return create_case_record(s, None, org_id, body, now=utcnow()).id


def _emit(database: BenchDatabase, case_id: uuid.UUID, n: int) -> None:
    from app.core.time import utcnow
    from app.outbox import events

    with Session(database.engine) as s:
        for _ in range(n):
            events.emit(s, events.EventType.case_updated, case_id=case_id, data={}, now=utcnow())
        s.commit()


def _drained(database: BenchDatabase) -> None:
    """Mark what the set-up queued (the case's own event) as handled."""
    from app.core.time import utcnow
    from app.outbox.models import OutboxMessage

    with Session(database.engine) as s:
        s.execute(
            OutboxMessage.__table__.update()  # type: ignore[attr-defined]
            .where(OutboxMessage.delivered_at.is_(None))
            .values(delivered_at=utcnow())
        )
        s.commit()


def _workers(database: BenchDatabase, n: int) -> list[subprocess.Popen[bytes]]:
    env = database.process_env({"COMITY_WEBHOOK_ALLOW_PRIVATE": "true"})
    return [
        subprocess.Popen([COMITY, "worker"], env=env, stdout=subprocess.DEVNULL) for _ in range(n)
    ]


def _stop(workers: list[subprocess.Popen[bytes]]) -> None:
    for w in workers:
        w.terminate()
    for w in workers:
        try:
            w.wait(30)
        except subprocess.TimeoutExpired:
            w.kill()


def _wait(condition: object, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.01)
    return False


def _throughput(database: BenchDatabase) -> list[Row]:
    with _receiver() as receiver:
        case_id = _tenant(database, receiver.url)
        _drained(database)
        workers = _workers(database, 2)
        try:
            time.sleep(3)  # both workers up and idle
            started = time.perf_counter()
            _emit(database, case_id, EVENTS)
            done = _wait(lambda: receiver.count() >= EVENTS, 600)
            seconds = time.perf_counter() - started
        finally:
            _stop(workers)
    rate = receiver.count() / seconds
    _say(f"{receiver.count()} of {EVENTS} events in {seconds:.1f} s with 2 workers")
    rows = [Row(NAME, "outbox -> webhook, 2 workers", rate, "events/s", ">= 500")]
    if not done:
        rows.append(Row(NAME, "events not delivered within 10 min", EVENTS - receiver.count()))
    return rows


def _latency(database: BenchDatabase) -> list[Row]:
    with _receiver() as receiver:
        case_id = _tenant(database, receiver.url)
        _drained(database)
        workers = _workers(database, 1)
        latencies = []
        try:
            time.sleep(3)  # the worker is up and idle
            for _ in range(ROUNDS):
                before = receiver.count()
                committed = time.perf_counter()
                _emit(database, case_id, 1)
                if not _wait(lambda b=before: receiver.count() > b, 30):
                    raise RuntimeError("a webhook did not arrive within 30 s")
                with receiver.lock:
                    arrived = max(receiver.arrived.values())
                latencies.append(arrived - committed)
                time.sleep(0.05)
        finally:
            _stop(workers)
    latencies.sort()
    p50 = latencies[len(latencies) // 2]
    p95 = latencies[int(len(latencies) * 0.95) - 1]
    return [
        Row(NAME, "commit -> webhook p50, idle worker", p50 * 1000, "ms"),
        Row(NAME, "commit -> webhook p95, idle worker", p95 * 1000, "ms", "<= 2000"),
    ]


def _judgment(database: BenchDatabase, title: str) -> uuid.UUID:
    """A new public ECtHR judgment finding a violation of Art. 5 § 1 (f) (detention)."""
    from app.cases.schemas import CaseCreate
    from app.cases.service import create_case_record
    from app.core.time import utcnow
    from app.orgs.models import Organisation, Visibility
    from bench.corpus import DEMO_ORG_SLUG

    with Session(database.engine) as s:
        org_id = s.scalar(select(Organisation.id).where(Organisation.slug == DEMO_ORG_SLUG))
        assert org_id is not None
        body = CaseCreate.model_validate(
            {
                "title": title,
                "forum_id": "ECTHR",
                "respondent_states": ["GR"],
                "decided_on": "2026-11-20",
                "status": "decided",
                "facts_summary": "The applicants, asylum seekers, were held in immigration "
                "detention for months in a border facility pending removal, with no "
                "realistic prospect of removal and no speedy judicial review.",
                "holding": "Violation of Article 5 § 1 (f) and Article 5 § 4.",
                "claims": [
                    {
                        "right_id": "liberty_arbitrary_detention",
                        "provisions": ["ECHR:5-1-f"],
                        "finding": "violation",
                    },
                    {
                        "right_id": "detention_judicial_review",
                        "provisions": ["ECHR:5-4"],
                        "finding": "violation",
                    },
                ],
            }
        )
        body.visibility = Visibility.public
        case_id = create_case_record(s, None, org_id, body, now=utcnow()).id
        s.commit()
    return case_id


def _reverse(database: BenchDatabase) -> list[Row]:
    from app.cases.models import LegalCase
    from app.core.time import utcnow
    from app.matching import reverse
    from app.matching.models import MatchWatermark

    rows: list[Row] = []
    n_cases, grown = corpus.grow(database.engine, 0, CORPUS, NAME)
    rows.append(grown)
    with Session(database.engine) as s:
        surplus = [i for i, _ in reverse.open_cases(s)[OPEN:]]
        s.execute(
            LegalCase.__table__.update()  # type: ignore[attr-defined]
            .where(LegalCase.id.in_(surplus))
            .values(status="closed")
        )
        s.commit()
        open_cases = len(reverse.open_cases(s))
    rows.append(Row(NAME, f"open cases at {corpus.size_label(n_cases)}", open_cases))
    for label, title in (("no watermarks", "First v. Greece"), ("warm", "Second v. Greece")):
        decision = _judgment(database, title)
        with Session(database.engine) as s:
            started = time.perf_counter()
            helped, stats = reverse.cases_helped_by(s, decision, now=utcnow())
            seconds = time.perf_counter() - started
            marks = s.scalar(select(func.count()).select_from(MatchWatermark))
            s.commit()
        _say(
            f"{label}: {stats.open_cases} open cases share a right, {stats.screened_out} "
            f"screened out, {stats.matched} matched, {len(helped)} helped, {seconds:.1f} s "
            f"({marks} watermarks)"
        )
        target = "<= 60" if label == "warm" else None
        rows += [
            Row(NAME, f"reverse knock-on job, {label}", seconds, "s", target),
            Row(NAME, f"  open cases sharing a right ({label})", stats.open_cases),
            Row(NAME, f"  matched in full ({label})", stats.matched),
            Row(NAME, f"  new win enters the top 10 ({label})", len(helped)),
        ]
    return rows


def run() -> list[Row]:
    rows: list[Row] = []
    with BenchDatabase() as database:
        rows += _throughput(database)
        rows += _latency(database)
        rows += _reverse(database)
    return rows
