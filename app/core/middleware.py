"""Pure ASGI middleware: request ids, the access log line, and the request body limit."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.request_context import set_request_id

access_log = logging.getLogger("comity.access")


class RequestContextMiddleware:
    """Honour or generate X-Request-ID, echo it, log one JSON line per request, and mark
    every response to an authenticated request `Cache-Control: no-store`."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = _header(scope, b"x-request-id")
        rid = set_request_id(incoming)
        scope.setdefault("state", {})["request_id"] = rid
        started = time.perf_counter()
        status = 500
        # A response to a credential may hold what only its holder may read: no cache keeps it.
        private = _header(scope, b"authorization") is not None

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                dropped = {b"x-request-id", b"cache-control"} if private else {b"x-request-id"}
                headers = [(k, v) for k, v in message.get("headers", []) if k not in dropped]
                headers.append((b"x-request-id", rid.encode()))
                if private:
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            route = scope.get("route")
            access_log.info(
                "request",
                extra={
                    "method": scope["method"],
                    "path": getattr(route, "path", None) or "<unmatched>",
                    "status": status,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                    "request_id": rid,
                },
            )


@dataclass(frozen=True, slots=True)
class BodyAllowance:
    """A larger body limit for the one route built to receive it (a file upload)."""

    method: str
    path: re.Pattern[str]
    max_bytes: int


class RequestLimitMiddleware:
    """Answer 431 for oversized headers, and 413 as soon as a body is known or seen to exceed
    the limit.

    The body limit is `max_bytes` except for requests an allowance names by method and path.
    The header limit applies even where the server in front would accept more.
    """

    def __init__(
        self,
        app: ASGIApp,
        max_bytes: int,
        max_header_bytes: int,
        allowances: Sequence[BodyAllowance] = (),
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.max_header_bytes = max_header_bytes
        self.allowances = tuple(allowances)

    def limit_for(self, scope: Scope) -> int:
        for allowance in self.allowances:
            if scope["method"] == allowance.method and allowance.path.fullmatch(scope["path"]):
                return allowance.max_bytes
        return self.max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        header_bytes = sum(len(k) + len(v) for k, v in scope.get("headers", []))
        if header_bytes > self.max_header_bytes:
            await _send_problem(send, 431, self.max_header_bytes)
            return
        limit = self.limit_for(scope)
        declared = _header(scope, b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await _send_problem(send, 413 if declared.isdigit() else 400, limit)
            return
        seen = 0
        response_started = False

        async def limited_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise _BodyTooLarge()
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal response_started
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _BodyTooLarge:
            if not response_started:
                await _send_problem(send, 413, limit)


class _BodyTooLarge(HTTPException):
    """An HTTPException, so FastAPI's body parsing re-raises it and it renders as a 413 problem."""

    def __init__(self) -> None:
        super().__init__(413, "The request body exceeds the configured limit.")


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return bytes(value).decode("latin-1")
    return None


async def _send_problem(send: Send, status: int, limit: int) -> None:
    import json

    from app.core.request_context import current_request_id

    body: dict[str, Any] = {
        "type": "about:blank",
        "status": status,
        "request_id": current_request_id(),
    }
    if status == 413:
        body |= {
            "title": "Request body too large",
            "code": "payload_too_large",
            "detail": f"The body exceeds the limit of {limit} bytes.",
        }
    elif status == 431:
        body |= {
            "title": "Request headers too large",
            "code": "headers_too_large",
            "detail": f"The headers exceed the limit of {limit} bytes.",
        }
    else:
        body |= {
            "title": "Bad request",
            "code": "bad_content_length",
            "detail": "Content-Length is not a number.",
        }
    payload = json.dumps(body).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/problem+json"),
                (b"content-length", str(len(payload)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})
