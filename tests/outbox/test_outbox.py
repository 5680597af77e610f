"""The outbox: retries on schedule, workers that never share a message, and real SMTP."""

from __future__ import annotations

import socketserver
import threading
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from app.cli import cli
from app.config import Settings
from app.core.time import utcnow
from app.orgs.models import Invitation, Role
from app.outbox import service as outbox
from app.outbox.mail import LogMailer, Mail, UnconfiguredMailer, mailer_for, parse_smtp_url
from app.outbox.models import OutboxMessage
from app.worker import drain
from tests.factories import make_org
from tests.orgs.test_membership_attacks import TOKEN, RecordingMailer


class FailingMailer:
    def send(self, mail: Mail) -> None:
        raise ConnectionRefusedError("relay down")


def mail(n: int = 0) -> Mail:
    return Mail(to=f"person{n}@example.org", subject="Subject", body="Body")


class TestDelivery:
    def test_a_failed_send_is_retried_later_and_given_up_after_the_last_attempt(
        self, session: Session
    ) -> None:
        now = utcnow()
        outbox.enqueue_mail(session, mail(), now=now)
        session.flush()
        routes = {outbox.MAIL_TOPIC: outbox.send_mail}

        outbox.drain_batch(session, routes, FailingMailer(), now=now)
        row = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()
        assert row is not None
        assert (row.attempts, row.delivered_at, row.available_at) == (
            1,
            None,
            now + timedelta(seconds=30),
        )
        assert "relay down" in (row.last_error or "")
        assert outbox.drain_batch(session, routes, FailingMailer(), now=now) == 0  # not due yet

        for _ in range(2, outbox.MAX_ATTEMPTS + 1):
            outbox.drain_batch(session, routes, FailingMailer(), now=row.available_at)
        assert row.failed_at is not None and row.attempts == outbox.MAX_ATTEMPTS

    def test_one_failure_does_not_undo_the_batch(self, session: Session) -> None:
        now = utcnow()
        for n in range(3):
            outbox.enqueue_mail(session, mail(n), now=now)
        outbox.enqueue(session, "no-such-topic", {}, now=now)
        session.flush()
        mailer = RecordingMailer()

        outbox.drain_batch(session, {outbox.MAIL_TOPIC: outbox.send_mail}, mailer, now=now)

        assert [m.to for m in mailer.sent][-3:] == [f"person{n}@example.org" for n in range(3)]

    def test_development_logs_mail_and_production_keeps_it_waiting(self) -> None:
        assert isinstance(mailer_for(Settings()), LogMailer)
        assert isinstance(mailer_for(Settings(env="production")), UnconfiguredMailer)
        smtp = parse_smtp_url("smtp://u%40x:p%3Aw@mail.example.org:587?starttls=true", "C <c@x>")
        assert (smtp.host, smtp.port, smtp.username, smtp.password, smtp.starttls) == (
            "mail.example.org",
            587,
            "u@x",
            "p:w",
            True,
        )


class _SmtpHandler(socketserver.StreamRequestHandler):
    """Just enough of RFC 5321 for smtplib to hand over one message."""

    received: list[str]

    def reply(self, line: str) -> None:
        self.wfile.write(f"{line}\r\n".encode())

    def handle(self) -> None:
        self.reply("220 test ESMTP")
        while line := self.rfile.readline().decode():
            verb = line[:4].upper()
            if verb == "DATA":
                self.reply("354 go on")
                body = []
                while (data := self.rfile.readline().decode()) not in (".\r\n", ""):
                    body.append(data)
                self.received.append("".join(body))
                self.reply("250 queued")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("250 ok")


@pytest.fixture
def smtp_server() -> Iterator[tuple[int, list[str]]]:
    received: list[str] = []
    handler = type("Handler", (_SmtpHandler,), {"received": received})
    with socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler) as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        yield server.server_address[1], received
        server.shutdown()


class TestSmtp:
    def test_an_invitation_reaches_a_real_smtp_server(
        self, session: Session, smtp_server: tuple[int, list[str]]
    ) -> None:
        port, received = smtp_server
        settings = Settings(smtp_url=f"smtp://127.0.0.1:{port}")
        org = make_org(session)
        now = utcnow()
        invitation = Invitation(
            organisation_id=org.id,
            email="invitee@example.org",
            role=Role.viewer,
            created_at=now,
            expires_at=now + timedelta(days=7),
        )
        session.add(invitation)
        session.flush()
        outbox.enqueue(session, "invitation", {"invitation_id": str(invitation.id)}, now=now)
        session.flush()
        from app.worker import handlers

        outbox.drain_batch(session, handlers(settings), mailer_for(settings), now=now)

        [message] = received
        assert "To: invitee@example.org" in message
        assert TOKEN.search(message) is not None
        assert invitation.token_hash is not None


@pytest.fixture
def committed_mail(engine: Engine) -> Iterator[list[int]]:
    now = utcnow()
    with Session(engine) as s:
        rows = [
            OutboxMessage(
                topic=outbox.MAIL_TOPIC,
                payload={"to": f"p{n}@example.org", "subject": "s", "body": "b"},
                created_at=now,
                available_at=now,
            )
            for n in range(60)
        ]
        s.add_all(rows)
        s.commit()
        ids = [r.id for r in rows]
    yield ids
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM outbox_message WHERE id = ANY(:ids)"), {"ids": ids})


class TestWorkers:
    def test_two_workers_deliver_every_message_exactly_once(
        self, engine: Engine, committed_mail: list[int]
    ) -> None:
        mailers = [RecordingMailer(), RecordingMailer()]
        barrier = threading.Barrier(2)

        def work(i: int) -> None:
            barrier.wait()
            drain(Settings(), mailer=mailers[i], batch=5)

        threads = [threading.Thread(target=work, args=(i,)) for i in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

        sent = [m.to for mailer in mailers for m in mailer.sent]
        ours = {f"p{n}@example.org" for n in range(60)}
        assert sorted(s for s in sent if s in ours) == sorted(ours)
        with Session(engine) as s:
            undelivered = s.scalar(
                select(func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.id.in_(committed_mail), OutboxMessage.delivered_at.is_(None))
            )
        assert undelivered == 0


class TestCommands:
    def test_worker_once_and_invitations_show(self, engine: Engine) -> None:
        now = utcnow()
        with Session(engine, expire_on_commit=False) as s:
            org = make_org(s)
            s.add(
                Invitation(
                    organisation_id=org.id,
                    email="shown@example.org",
                    role=Role.staff,
                    created_at=now,
                    expires_at=now + timedelta(days=7),
                )
            )
            s.commit()
        runner = CliRunner()
        try:
            worked = runner.invoke(cli, ["worker", "--once"])
            shown = runner.invoke(cli, ["invitations", "show", "--org", org.slug])

            assert worked.exit_code == 0, worked.output
            assert shown.exit_code == 0, shown.output
            assert "shown@example.org" in shown.output
            token = TOKEN.search(shown.output)
            assert token is not None
            with Session(engine) as s:
                stored = s.scalar(
                    select(Invitation.token_hash).where(Invitation.organisation_id == org.id)
                )
            from app.auth.passwords import digest

            assert stored == digest(token.group(0))
        finally:
            with engine.begin() as conn:
                conn.execute(text("DELETE FROM organisation WHERE id = :o"), {"o": org.id})
