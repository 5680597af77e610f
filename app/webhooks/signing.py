"""Standard Webhooks signatures (https://www.standardwebhooks.com): pure functions, no I/O.

The secret is `whsec_` + base64 of random bytes; the signature is
`v1,` + base64(HMAC-SHA256(secret bytes, "{id}.{timestamp}.{body}")), and several may be
sent, space-separated, while a rotated secret is still honoured.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

PREFIX = "whsec_"
SECRET_BYTES = 32
TOLERANCE_SECONDS = 5 * 60


class SignatureError(ValueError):
    pass


def new_secret() -> str:
    return PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def _key(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix(PREFIX))


def sign(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def headers(secrets_: list[str], msg_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    """The three headers, signed with every secret in secrets_ (current first)."""
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(sign(s, msg_id, timestamp, body) for s in secrets_),
    }


def verify(secret: str, headers_: dict[str, str], body: bytes, *, now: int) -> None:
    """What a receiver does: a fresh timestamp and one matching v1 signature, or raise."""
    msg_id = headers_["webhook-id"]
    timestamp = int(headers_["webhook-timestamp"])
    if abs(now - timestamp) > TOLERANCE_SECONDS:
        raise SignatureError("timestamp outside the tolerance")
    expected = sign(secret, msg_id, timestamp, body)
    if not any(
        hmac.compare_digest(expected, given) for given in headers_["webhook-signature"].split()
    ):
        raise SignatureError("no matching signature")
