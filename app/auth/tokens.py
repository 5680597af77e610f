"""Signed access tokens (JWT). The only module that imports python-jose.

python-jose's defaults are lenient (tokens without `exp` or `aud`, any `iss`, a future
`iat`, short HMAC keys, and algorithm confusion when `algorithms` is omitted), so every
decode pins the algorithm, requires every claim, checks the `typ` header and rejects a
future `iat` here.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from jose import JWTError, jwt

from app.config import ConfigError, Settings

ACCESS_TOKEN_TYPE = "at+jwt"
MAX_TOKEN_BYTES = 4096
MIN_HMAC_BYTES = 32
MIN_RSA_BITS = 2048
# Numeric claims must be below this (year 3058): later than any token we issue, and within
# what datetime can represent.
MAX_TIMESTAMP = 2**35
REQUIRED_CLAIMS = ("exp", "iat", "nbf", "aud", "iss", "sub", "jti")
_ISSUED_HEADERS = frozenset({"alg", "typ"})
_KEY_MATERIAL_MARKERS = ("-----BEGIN", "ssh-rsa", "ssh-ed25519", "ecdsa-sha2", "MII")


class TokenError(Exception):
    """The token is not an access token we issued and that is still valid."""


@dataclass(frozen=True, slots=True)
class SigningKeys:
    algorithm: str
    signing_key: Any
    verifying_key: Any
    issuer: str
    audience: str


@dataclass(frozen=True, slots=True)
class AccessClaims:
    subject: uuid.UUID
    token_version: int
    jti: str
    expires_at: datetime


def load_keys(settings: Settings) -> SigningKeys:
    """Build the signing keys, refusing weak or misused key material."""
    alg = settings.jwt_algorithm
    if alg == "HS256":
        secret = settings.effective_secret_key()
        if len(secret.encode()) < MIN_HMAC_BYTES:
            raise ConfigError(
                f"COMITY_SECRET_KEY is {len(secret.encode())} bytes; HS256 needs at least "
                f"{MIN_HMAC_BYTES}."
            )
        if secret.lstrip().startswith(_KEY_MATERIAL_MARKERS):
            raise ConfigError(
                "COMITY_SECRET_KEY looks like a public or private key; use a random secret."
            )
        return SigningKeys(alg, secret, secret, settings.jwt_issuer, settings.jwt_audience)
    if alg in ("RS256", "ES256"):
        if not settings.jwt_private_key_file or not settings.jwt_public_key_file:
            raise ConfigError(
                f"{alg} needs COMITY_JWT_PRIVATE_KEY_FILE and COMITY_JWT_PUBLIC_KEY_FILE."
            )
        private = Path(settings.jwt_private_key_file).read_text()
        public = Path(settings.jwt_public_key_file).read_text()
        _check_asymmetric(alg, public)
        return SigningKeys(alg, private, public, settings.jwt_issuer, settings.jwt_audience)
    raise ConfigError(f"COMITY_JWT_ALGORITHM {alg!r} is not one of HS256, RS256, ES256.")


def _check_asymmetric(alg: str, public_pem: str) -> None:
    from cryptography.hazmat.primitives.asymmetric import ec, rsa
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    key = load_pem_public_key(public_pem.encode())
    if alg == "RS256":
        if not isinstance(key, rsa.RSAPublicKey) or key.key_size < MIN_RSA_BITS:
            raise ConfigError(f"RS256 needs an RSA key of at least {MIN_RSA_BITS} bits.")
    elif not isinstance(key, ec.EllipticCurvePublicKey) or key.curve.name != "secp256r1":
        raise ConfigError("ES256 needs a P-256 elliptic-curve key.")


def issue_access_token(
    keys: SigningKeys, *, subject: uuid.UUID, token_version: int, now: datetime, ttl: timedelta
) -> tuple[str, datetime]:
    expires = now + ttl
    claims = {
        "sub": str(subject),
        "ver": token_version,
        "iat": int(now.timestamp()),
        "nbf": int(now.timestamp()),
        "exp": int(expires.timestamp()),
        "iss": keys.issuer,
        "aud": keys.audience,
        "jti": uuid.uuid4().hex,
    }
    token = jwt.encode(
        claims, keys.signing_key, algorithm=keys.algorithm, headers={"typ": ACCESS_TOKEN_TYPE}
    )
    return token, expires


def decode_access_token(keys: SigningKeys, token: str, *, now: datetime) -> AccessClaims:
    if len(token) > MAX_TOKEN_BYTES:
        raise TokenError("token too long")
    try:
        header = jwt.get_unverified_header(token)
        if header.get("typ") != ACCESS_TOKEN_TYPE or header.get("alg") != keys.algorithm:
            raise TokenError("not an access token")
        if set(header) - _ISSUED_HEADERS:
            # We never issue kid/jku/jwk/x5u: a token naming a key is not one of ours.
            raise TokenError("unexpected header parameters")
        claims = jwt.decode(
            token,
            keys.verifying_key,
            algorithms=[keys.algorithm],
            audience=keys.audience,
            issuer=keys.issuer,
            options={f"require_{c}": True for c in REQUIRED_CLAIMS}
            | {"verify_signature": True, "verify_aud": True, "verify_iss": True},
        )
        for name in ("exp", "iat", "nbf", "ver"):
            _require_int_claim(claims, name)
        if claims["iat"] > now.timestamp() + 30:
            raise TokenError("issued in the future")
        return AccessClaims(
            subject=uuid.UUID(str(claims["sub"])),
            token_version=int(claims["ver"]),
            jti=str(claims["jti"]),
            expires_at=datetime.fromtimestamp(int(claims["exp"]), now.tzinfo),
        )
    except (JWTError, KeyError, ValueError, TypeError, AttributeError, OverflowError) as exc:
        raise TokenError(str(exc)) from exc


def _require_int_claim(claims: dict[str, Any], name: str) -> None:
    """Numeric claims are JSON integers in range: not strings, booleans, floats or 10**30."""
    value = claims[name]
    if type(value) is not int or not 0 <= value < MAX_TIMESTAMP:
        raise TokenError(f"claim {name!r} is not an integer in range")
