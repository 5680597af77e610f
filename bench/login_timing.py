"""Login timing: an unknown e-mail and a wrong password take alike, so that latency does not
tell which addresses have accounts.

The module's one job: with one account, time `POST /api/v1/auth/token` through real HTTP,
alternating an unknown address and the account's address with a wrong password, ROUNDS of
each (the login throttle raised for the run, so that every answer is the same 401). Target:
median(unknown) / median(wrong) within 0.8-1.2.
"""

from __future__ import annotations

import http.client
import statistics
import sys
import time
import uuid
from urllib.parse import urlencode

from sqlalchemy.orm import Session

from bench.results import Row
from bench.server import BenchDatabase

__all__ = ["run"]

NAME = "login_timing"
ROUNDS = 60
WARMUP = 5
THROTTLE_OFF = {
    "COMITY_LOGIN_ACCOUNT_THRESHOLD": "100000",
    "COMITY_LOGIN_ADDRESS_THRESHOLD": "100000",
}


def _say(message: str) -> None:
    print(f"[{NAME}] {message}", file=sys.stderr, flush=True)


def _account(database: BenchDatabase) -> str:
    from app.auth.models import UserAccount
    from app.auth.passwords import hash_password

    email = f"login-{uuid.uuid4().hex[:8]}@bench.test"
    with Session(database.engine) as session:
        session.add(
            UserAccount(
                email=email,
                display_name="Bench account",
                password_hash=hash_password("the right password"),
            )
        )
        session.commit()
    return email


def _login_ms(conn: http.client.HTTPConnection, email: str) -> tuple[float, int]:
    body = urlencode({"username": email, "password": "not the password"})
    started = time.perf_counter()
    conn.request(
        "POST",
        "/api/v1/auth/token",
        body=body,
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    response = conn.getresponse()
    response.read()
    return (time.perf_counter() - started) * 1000, response.status


def run(*, rounds: int = ROUNDS) -> list[Row]:
    with BenchDatabase() as database:
        email = _account(database)
        with database.serve(workers=1, env=THROTTLE_OFF) as api:
            conn = http.client.HTTPConnection(api.host, api.port, timeout=30)
            unknown: list[float] = []
            wrong: list[float] = []
            try:
                for i in range(WARMUP + rounds):
                    pairs = ((f"nobody{i}@bench.test", unknown), (email, wrong))
                    for address, sink in pairs if i % 2 else reversed(pairs):
                        ms, status = _login_ms(conn, address)
                        if status != 401:
                            raise RuntimeError(f"login answered {status}, expected 401")
                        if i >= WARMUP:
                            sink.append(ms)
            finally:
                conn.close()
    ratio = statistics.median(unknown) / statistics.median(wrong)
    _say(
        f"unknown address p50 {statistics.median(unknown):.1f} ms, wrong password "
        f"p50 {statistics.median(wrong):.1f} ms, ratio {ratio:.2f}"
    )
    return [
        Row(NAME, "unknown address p50", statistics.median(unknown), "ms"),
        Row(NAME, "wrong password p50", statistics.median(wrong), "ms"),
        Row(NAME, "unknown / wrong (low bound)", ratio, "x", ">= 0.8"),
        Row(NAME, "unknown / wrong (high bound)", ratio, "x", "<= 1.2"),
    ]
