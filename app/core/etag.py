"""Optimistic concurrency: versions as ETags, If-Match required on writes."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import Header

from app.errors import PreconditionFailed, PreconditionRequired

IfMatch = Annotated[str | None, Header()]
_WEAK_OR_STRONG = re.compile(r'^\s*(?:W/)?"(\d{1,18})"\s*$')


def etag(version: int) -> str:
    return f'"{version}"'


def parse_if_match(header: str | None) -> int:
    """The version a client last read, from If-Match; 428 when absent, 412 when unusable."""
    if header is None or not header.strip():
        raise PreconditionRequired("Send If-Match with the ETag you last read.")
    match = _WEAK_OR_STRONG.match(header)
    if match is None:
        raise PreconditionFailed("If-Match does not name a version of this resource.")
    return int(match.group(1))


def check_version(current: int, expected: int) -> None:
    if current != expected:
        raise PreconditionFailed(
            "The resource changed since you read it; reload and apply your change again.",
            current_version=current,
            current_etag=etag(current),
        )
