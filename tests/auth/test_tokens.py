"""The python-jose tripwires from SECURITY.md, each against our decode path."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from app.auth.tokens import (
    SigningKeys,
    TokenError,
    decode_access_token,
    issue_access_token,
    load_keys,
)
from app.config import ConfigError, Settings
from app.core.time import utcnow

SECRET = "s" * 40
KEYS = SigningKeys("HS256", SECRET, SECRET, "comity", "comity-api")


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def forge(
    header: dict[str, Any], claims: dict[str, Any], key: bytes, digest: Any = hashlib.sha256
) -> str:
    signing_input = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(claims).encode())}"
    sig = hmac.new(key, signing_input.encode(), digest).digest()
    return f"{signing_input}.{b64(sig)}"


def good_claims(**overrides: Any) -> dict[str, Any]:
    now = int(utcnow().timestamp())
    claims = {
        "sub": str(uuid.uuid4()),
        "ver": 1,
        "iat": now,
        "nbf": now,
        "exp": now + 600,
        "iss": "comity",
        "aud": "comity-api",
        "jti": uuid.uuid4().hex,
    }
    claims.update(overrides)
    return {k: v for k, v in claims.items() if v is not None}


HEADER = {"alg": "HS256", "typ": "at+jwt"}


class TestDecodeRejects:
    def test_accepts_a_well_formed_token(self) -> None:
        token = forge(HEADER, good_claims(), SECRET.encode())

        assert decode_access_token(KEYS, token, now=utcnow()).token_version == 1

    @pytest.mark.parametrize(
        ("name", "header", "claims"),
        [
            ("alg none", {"alg": "none", "typ": "at+jwt"}, good_claims()),
            ("missing exp", HEADER, good_claims(exp=None)),
            ("missing aud", HEADER, good_claims(aud=None)),
            ("missing iss", HEADER, good_claims(iss=None)),
            ("missing jti", HEADER, good_claims(jti=None)),
            ("missing nbf", HEADER, good_claims(nbf=None)),
            ("missing iat", HEADER, good_claims(iat=None)),
            ("missing sub", HEADER, good_claims(sub=None)),
            ("wrong aud", HEADER, good_claims(aud="someone-else")),
            ("wrong iss", HEADER, good_claims(iss="evil")),
            ("expired", HEADER, good_claims(exp=int(utcnow().timestamp()) - 60)),
            ("not yet valid", HEADER, good_claims(nbf=int(utcnow().timestamp()) + 3600)),
            ("iat in the future", HEADER, good_claims(iat=int(utcnow().timestamp()) + 86400 * 3)),
            ("no typ", {"alg": "HS256"}, good_claims()),
            ("other typ", {"alg": "HS256", "typ": "JWT"}, good_claims()),
            ("foreign jku", {**HEADER, "jku": "http://10.0.0.1/keys"}, good_claims()),
        ],
    )
    def test_rejects(self, name: str, header: dict[str, Any], claims: dict[str, Any]) -> None:
        token = forge(header, claims, SECRET.encode())
        if header.get("alg") == "none":
            token = token.rsplit(".", 1)[0] + "."

        with pytest.raises(TokenError):
            decode_access_token(KEYS, token, now=utcnow())

    def test_rejects_bad_signature(self) -> None:
        token = forge(HEADER, good_claims(), b"another-secret-of-sufficient-length!!")

        with pytest.raises(TokenError):
            decode_access_token(KEYS, token, now=utcnow())

    def test_rejects_other_hmac_algorithm_with_same_secret(self) -> None:
        token = forge(
            {"alg": "HS512", "typ": "at+jwt"}, good_claims(), SECRET.encode(), hashlib.sha512
        )

        with pytest.raises(TokenError):
            decode_access_token(KEYS, token, now=utcnow())

    def test_rejects_der_public_key_forgery_against_rs256(self, tmp_path: Path) -> None:
        keys = load_keys(rsa_settings(tmp_path, 2048))
        public_der = rsa_public_der(tmp_path)
        token = forge(HEADER, good_claims(), public_der)

        with pytest.raises(TokenError):
            decode_access_token(keys, token, now=utcnow())

    def test_rejects_oversized_token(self) -> None:
        with pytest.raises(TokenError):
            decode_access_token(KEYS, "a" * 5000, now=utcnow())

    def test_rejects_foreign_kid_without_fetching(self) -> None:
        token = forge({**HEADER, "kid": "http://127.0.0.1:9/key"}, good_claims(), b"x" * 40)

        with pytest.raises(TokenError):
            decode_access_token(KEYS, token, now=utcnow())


class TestRoundTrip:
    def test_rs256_round_trip(self, tmp_path: Path) -> None:
        keys = load_keys(rsa_settings(tmp_path, 2048))
        subject = uuid.uuid4()
        token, _ = issue_access_token(
            keys, subject=subject, token_version=3, now=utcnow(), ttl=timedelta(minutes=5)
        )

        claims = decode_access_token(keys, token, now=utcnow())

        assert (claims.subject, claims.token_version) == (subject, 3)


class TestKeyStrength:
    @pytest.mark.parametrize(
        "secret",
        [
            "short",
            "x" * 31,
            "-----BEGIN PUBLIC KEY-----" + "A" * 64,
            "ssh-rsa " + "A" * 64,
            "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA",
        ],
    )
    def test_refuses_weak_or_key_like_secrets(self, secret: str) -> None:
        with pytest.raises(ConfigError):
            load_keys(Settings(secret_key=secret))

    def test_refuses_rsa_under_2048_bits(self, tmp_path: Path) -> None:
        with pytest.raises(ConfigError, match="2048"):
            load_keys(rsa_settings(tmp_path, 1024))


def rsa_settings(tmp_path: Path, bits: int) -> Settings:
    key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    private = tmp_path / "private.pem"
    public = tmp_path / "public.pem"
    private.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    public.write_bytes(
        key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    return Settings(jwt_algorithm="RS256", jwt_private_key_file=private, jwt_public_key_file=public)


def rsa_public_der(tmp_path: Path) -> bytes:
    key = serialization.load_pem_public_key((tmp_path / "public.pem").read_bytes())
    return key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
