"""Sending mail: SMTP when COMITY_SMTP_URL is set, the log in development, nothing otherwise."""

from __future__ import annotations

import logging
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any, Protocol
from urllib.parse import parse_qs, unquote, urlsplit

from app.config import ConfigError, Settings

log = logging.getLogger("comity.mail")
SMTP_TIMEOUT_SECONDS = 15


@dataclass(frozen=True, slots=True)
class Mail:
    to: str
    subject: str
    body: str
    html: str | None = None  # an HTML alternative to the plain text
    headers: tuple[tuple[str, str], ...] = ()  # e.g. List-Unsubscribe

    def as_payload(self) -> dict[str, Any]:
        payload: dict[str, Any] = {"to": self.to, "subject": self.subject, "body": self.body}
        if self.html is not None:
            payload["html"] = self.html
        if self.headers:
            payload["headers"] = [list(h) for h in self.headers]
        return payload

    @classmethod
    def from_payload(cls, payload: Any) -> Mail:
        return cls(
            to=payload["to"],
            subject=payload["subject"],
            body=payload["body"],
            html=payload.get("html"),
            headers=tuple((str(k), str(v)) for k, v in payload.get("headers", ())),
        )


class Mailer(Protocol):
    def send(self, mail: Mail) -> None: ...


class MailNotConfigured(RuntimeError):
    """Production without COMITY_SMTP_URL: mail waits in the outbox until one is set."""


@dataclass(frozen=True, slots=True)
class SmtpMailer:
    host: str
    port: int
    sender: str
    implicit_tls: bool
    starttls: bool
    username: str | None
    password: str | None

    def send(self, mail: Mail) -> None:
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = mail.to
        message["Subject"] = mail.subject
        for name, value in mail.headers:
            message[name] = value
        message.set_content(mail.body)
        if mail.html is not None:
            message.add_alternative(mail.html, subtype="html")
        context = ssl.create_default_context()
        smtp: smtplib.SMTP = (
            smtplib.SMTP_SSL(self.host, self.port, timeout=SMTP_TIMEOUT_SECONDS, context=context)
            if self.implicit_tls
            else smtplib.SMTP(self.host, self.port, timeout=SMTP_TIMEOUT_SECONDS)
        )
        with smtp:
            if self.starttls:
                smtp.starttls(context=context)
            if self.username:
                smtp.login(self.username, self.password or "")
            smtp.send_message(message)


class LogMailer:
    """Development: the mail, secrets included, goes to the log for the developer to read."""

    def send(self, mail: Mail) -> None:
        log.info("mail", extra={"to": mail.to, "subject": mail.subject, "body": mail.body})


class UnconfiguredMailer:
    def send(self, mail: Mail) -> None:
        raise MailNotConfigured("COMITY_SMTP_URL is not set; the mail stays in the outbox.")


def parse_smtp_url(url: str, sender: str) -> SmtpMailer:
    """`smtp://user:pw@host:587?starttls=true` or `smtps://user:pw@host:465`."""
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ConfigError("COMITY_SMTP_URL must look like smtp://user:pw@host:587?starttls=true.")
    implicit = parts.scheme == "smtps"
    query = parse_qs(parts.query)
    return SmtpMailer(
        host=parts.hostname,
        port=parts.port or (465 if implicit else 25),
        sender=sender,
        implicit_tls=implicit,
        starttls=not implicit and query.get("starttls", ["false"])[0].lower() in ("1", "true"),
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
    )


def mailer_for(settings: Settings) -> Mailer:
    if settings.smtp_url:
        return parse_smtp_url(settings.smtp_url, settings.mail_from)
    return UnconfiguredMailer() if settings.is_production else LogMailer()
