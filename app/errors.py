"""Every error becomes an RFC 9457 problem+json response with a stable `code`."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from app.core.request_context import current_request_id

log = logging.getLogger("comity.errors")

PROBLEM_MEDIA_TYPE = "application/problem+json"


class FieldError(BaseModel):
    loc: list[str | int]
    msg: str
    type: str


class Problem(BaseModel):
    """An RFC 9457 problem document."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    code: str = Field(description="Stable snake_case key that clients switch on.")
    request_id: str | None = None
    errors: list[FieldError] | None = None


class DomainError(Exception):
    """Base of every error the application raises on purpose."""

    status: int = 400
    code: str = "bad_request"
    title: str = "Bad request"
    # True for the few refusals whose own writes must land (failed-login counters, the
    # revocation of a reused refresh token's family): the request commits, then answers.
    persist_writes: bool = False

    def __init__(
        self,
        detail: str | None = None,
        *,
        errors: Sequence[FieldError] | None = None,
        headers: Mapping[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail or self.title)
        self.detail = detail
        self.errors = list(errors) if errors else None
        self.headers = dict(headers or {})
        self.extra = extra


class NotFoundError(DomainError):
    status = 404
    code = "not_found"
    title = "Resource not found"


class ValidationFailed(DomainError):
    status = 422
    code = "validation_error"
    title = "The request is not valid"


class ConflictError(DomainError):
    status = 409
    code = "conflict"
    title = "Conflict with the current state"


class PermissionDenied(DomainError):
    status = 403
    code = "forbidden"
    title = "Not allowed"


class AuthenticationRequired(DomainError):
    status = 401
    code = "unauthenticated"
    title = "Authentication required"

    def __init__(self, detail: str | None = None, **kw: Any) -> None:
        kw.setdefault("headers", {"WWW-Authenticate": "Bearer"})
        super().__init__(detail, **kw)


class PreconditionRequired(DomainError):
    status = 428
    code = "precondition_required"
    title = "If-Match header required"


class PreconditionFailed(DomainError):
    status = 412
    code = "precondition_failed"
    title = "The resource changed since you read it"


class PayloadTooLarge(DomainError):
    status = 413
    code = "payload_too_large"
    title = "Request body too large"


class ServiceUnavailable(DomainError):
    status = 503
    code = "service_unavailable"
    title = "Service temporarily unavailable"


_STATUS_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "too_many_requests",
    431: "headers_too_large",
}


def problem_response(
    request: Request | None,
    *,
    status: int,
    code: str,
    title: str | None = None,
    detail: str | None = None,
    errors: Iterable[FieldError] | None = None,
    headers: Mapping[str, str] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": title or HTTPStatus(status).phrase,
        "status": status,
        "code": code,
        "request_id": current_request_id(),
    }
    if detail:
        body["detail"] = detail
    if request is not None:
        body["instance"] = request.url.path
    if errors is not None:
        body["errors"] = [e.model_dump() for e in errors]
    if extra:
        body.update({k: v for k, v in extra.items() if k not in body})
    return JSONResponse(
        body, status_code=status, headers=dict(headers or {}), media_type=PROBLEM_MEDIA_TYPE
    )


def _field_errors(exc: RequestValidationError) -> list[FieldError]:
    out = []
    for err in exc.errors():
        loc = [p if isinstance(p, int) else str(p) for p in err.get("loc", ())]
        out.append(FieldError(loc=loc, msg=str(err.get("msg", "")), type=str(err.get("type", ""))))
    return out


async def _domain_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    return problem_response(
        request,
        status=exc.status,
        code=exc.code,
        title=exc.title,
        detail=exc.detail,
        errors=exc.errors,
        headers=exc.headers,
        extra=exc.extra,
    )


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = _field_errors(exc)
    malformed = any(e.type == "json_invalid" for e in errors)
    return problem_response(
        request,
        status=422,
        code="malformed_json" if malformed else "validation_error",
        title="The request is not valid",
        detail="The body is not valid JSON." if malformed else f"{len(errors)} field error(s).",
        errors=errors,
    )


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    headers = dict(exc.headers or {})
    if exc.status_code == 405:
        headers["Allow"] = ", ".join(_allowed_methods(request))
    return problem_response(
        request,
        status=exc.status_code,
        code=_STATUS_CODES.get(exc.status_code, "http_error"),
        detail=exc.detail if isinstance(exc.detail, str) else None,
        headers=headers,
    )


def _allowed_methods(request: Request) -> list[str]:
    """Union the methods of every route on this path: Starlette's Allow names only one route's."""
    return [
        method
        for method in _METHODS
        if any(
            route.matches({**request.scope, "method": method})[0] is Match.FULL
            for route in request.app.router.routes
        )
    ]


_METHODS = ("DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT")


async def _database_unavailable(request: Request, exc: Exception) -> JSONResponse:
    log.warning("database unavailable: %s", type(exc).__name__)
    return problem_response(
        request,
        status=503,
        code="database_unavailable",
        title="The database is unavailable",
        detail="Try again shortly.",
        headers={"Retry-After": "2"},
    )


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error", extra={"path": request.url.path})
    return problem_response(
        request,
        status=500,
        code="internal_error",
        title="Internal server error",
        detail="Something went wrong on our side; quote the request id when you report it.",
        # Sent by the outermost middleware, past the one that normally adds this header.
        headers={"X-Request-ID": current_request_id() or ""},
    )


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(DomainError, _domain_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(PoolTimeoutError, _database_unavailable)
    app.add_exception_handler(DBAPIError, _database_errors)
    app.add_exception_handler(StaleDataError, _stale_write)
    app.add_exception_handler(Exception, _unexpected)


async def _database_errors(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DBAPIError)
    if exc.connection_invalidated or isinstance(exc, OperationalError):
        # A lost connection, a server that is down or restarting, a cancelled query: the
        # transaction is gone whole, so the client may simply try again.
        return await _database_unavailable(request, exc)
    if isinstance(exc, IntegrityError):
        # A constraint caught what validation did not (a race, or a missed check): the
        # write is refused whole, as a conflict rather than a server error.
        return problem_response(
            request,
            status=409,
            code="constraint_violation",
            title="Conflict with stored data",
            detail="The change conflicts with stored data (a duplicate or a missing reference).",
        )
    if isinstance(exc, DataError):
        # The database refused a value the schema let through (a NUL character, an
        # out-of-range number): the client's data, not our fault, and nothing was written.
        return problem_response(
            request,
            status=422,
            code="unstorable_value",
            title="The request is not valid",
            detail="A value contains characters or magnitudes that cannot be stored.",
        )
    return await _unexpected(request, exc)


async def _stale_write(request: Request, exc: Exception) -> JSONResponse:
    """A concurrent writer got there first (the version column no longer matched)."""
    return problem_response(
        request,
        status=412,
        code="precondition_failed",
        title="The resource changed since you read it",
        detail="Another change was saved first; reload and apply yours again.",
    )


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses=` entries documenting problem+json bodies for these statuses."""
    return {
        status: {
            "description": HTTPStatus(status).phrase,
            "model": Problem,
            "content": {PROBLEM_MEDIA_TYPE: {}},
        }
        for status in statuses
    }
