"""A webhook receiver, an SMTP server and a worker loop for the alerts tests."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller
from fastapi import FastAPI
from sqlalchemy.orm import Session

from app.alerts import service as alerts
from app.config import Settings
from app.core.crypto import load_keyring
from app.core.time import utcnow
from app.outbox import service as outbox
from app.outbox.mail import Mailer
from app.worker import handlers


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    at: float = field(default_factory=time.monotonic)  # when the request began

    @property
    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Receiver:
    """A webhook receiver: answers `status` (after `delay` seconds) and keeps what came,
    and the event ids it saw (a receiver de-duplicates on them)."""

    status: int = 204
    delay: float = 0.0
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    url: str = ""

    def unique_ids(self) -> list[str]:
        with self.lock:
            return sorted({r.headers["webhook-id"] for r in self.received})


def serve_receiver(receiver: Receiver) -> Iterator[Receiver]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length", "0")))
            with receiver.lock:
                received = Received({k.lower(): v for k, v in self.headers.items()}, body)
                receiver.received.append(received)
            if receiver.delay:
                time.sleep(receiver.delay)
            self.send_response(receiver.status)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/comity"
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()


class Inbox:
    """What a real SMTP server (aiosmtpd) received, parsed."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append(parsed)
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]


def serve_smtp() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    with socket.socket() as probe:  # a free port: the controller checks it by connecting
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def text_of(message: EmailMessage) -> tuple[str, str]:
    plain = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert plain is not None and html is not None
    return plain.get_content(), html.get_content()


def work(
    session: Session, settings: Settings, mailer: Mailer, *, now: datetime | None = None
) -> int:
    """What `comity worker --once` does, inside the test's transaction."""
    routes = handlers(settings)
    keyring = load_keyring(settings)
    total = 0
    for _ in range(20):
        at = now or utcnow()
        claimed = outbox.drain_batch(session, routes, mailer, now=at, limit=500)
        jobs = alerts.check_saved_searches(session, at)
        jobs += alerts.send_digests(session, at, settings=settings, keyring=keyring)
        total += claimed
        if not claimed and not jobs:
            return total
    raise AssertionError("the outbox did not drain")


def with_settings(app: FastAPI, **changes: Any) -> Iterator[Settings]:
    """The app's settings with changes (webhooks to loopback, the test's SMTP server) for
    the duration of a test."""
    before = app.state.settings
    app.state.settings = before.model_copy(update=changes)
    try:
        yield app.state.settings
    finally:
        app.state.settings = before
