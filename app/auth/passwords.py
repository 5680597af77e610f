"""Password hashing (argon2id through pwdlib) and the opaque secrets we hand out."""

from __future__ import annotations

import hashlib
import secrets
from functools import lru_cache

from pwdlib import PasswordHash

MIN_PASSWORD_LENGTH = 12


@lru_cache
def _hasher() -> PasswordHash:
    return PasswordHash.recommended()


@lru_cache
def _dummy_hash() -> str:
    return _hasher().hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password: str, password_hash: str | None) -> bool:
    """Constant-work check: an unknown user still costs one full verification."""
    if password_hash is None:
        _hasher().verify(password, _dummy_hash())
        return False
    return _hasher().verify(password, password_hash)


def new_secret(prefix: str = "") -> str:
    return prefix + secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    """Tokens are high-entropy, so a fast hash suffices to store them safely."""
    return hashlib.sha256(secret.encode()).hexdigest()


def generate_password() -> str:
    return secrets.token_urlsafe(18)
