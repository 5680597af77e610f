"""Encryption at rest for protected client data: AES-256-GCM with a key id in every value.

A value is `kid` (ASCII) + b"." + 12-byte nonce + ciphertext-with-tag. The caller passes
associated data (the row's id), so a ciphertext copied onto another row fails to decrypt.
Keys come from COMITY_DATA_KEY as `kid:base64key[,kid:base64key...]`: the first encrypts,
all decrypt, which is how keys rotate without a pause in reads.
"""

from __future__ import annotations

import base64
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from app.config import ConfigError, Settings

_KID = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
NONCE_BYTES = 12


class DecryptionError(Exception):
    """The value was not made with a known key for this row, or was altered."""


@dataclass(frozen=True, slots=True)
class Keyring:
    active: str
    keys: dict[str, bytes]

    @classmethod
    def parse(cls, spec: str) -> Keyring:
        keys: dict[str, bytes] = {}
        order: list[str] = []
        for part in (p.strip() for p in spec.split(",") if p.strip()):
            kid, _, encoded = part.partition(":")
            try:
                key = base64.b64decode(encoded, validate=True)
            except ValueError as exc:
                raise ConfigError(f"COMITY_DATA_KEY: key {kid!r} is not base64.") from exc
            if not _KID.match(kid) or len(key) != 32:
                raise ConfigError(
                    "COMITY_DATA_KEY must be `kid:base64(32 bytes)`, comma-separated for rotation."
                )
            keys[kid] = key
            order.append(kid)
        if not order:
            raise ConfigError("COMITY_DATA_KEY is empty.")
        return cls(active=order[0], keys=keys)

    def encrypt(self, plaintext: bytes, associated: bytes) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        sealed = AESGCM(self.keys[self.active]).encrypt(nonce, plaintext, associated)
        return self.active.encode() + b"." + nonce + sealed

    def key_id(self, value: bytes) -> str:
        return value.split(b".", 1)[0].decode("ascii", "replace")

    def decrypt(self, value: bytes, associated: bytes) -> bytes:
        kid, sep, rest = value.partition(b".")
        key = self.keys.get(kid.decode("ascii", "replace"))
        if not sep or key is None or len(rest) <= NONCE_BYTES:
            raise DecryptionError("unknown key or malformed value")
        try:
            return AESGCM(key).decrypt(rest[:NONCE_BYTES], rest[NONCE_BYTES:], associated)
        except InvalidTag as exc:
            raise DecryptionError("ciphertext does not belong to this row or was altered") from exc


def new_key_spec(kid: str = "k1") -> str:
    return f"{kid}:{base64.b64encode(secrets.token_bytes(32)).decode()}"


def load_keyring(settings: Settings) -> Keyring:
    """The configured keys; in development a key is generated once into the data folder."""
    if settings.data_key:
        return Keyring.parse(settings.data_key)
    if settings.is_production:
        raise ConfigError("COMITY_DATA_KEY is missing; production refuses to start without it.")
    path = Path(settings.data_dir) / "data.key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(new_key_spec("dev1"))
        path.chmod(0o600)
    return Keyring.parse(path.read_text().strip())
