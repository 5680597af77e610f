"""The web application: server-rendered pages over the same services as the API.

`install(app)` adds the pages, their static assets, and error handlers that answer a page's
request with an error page (in the reader's language) and an API request as before.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.errors import AuthenticationRequired, DomainError
from app.web.pages import PAGE_KEY, Page

STATIC_DIR = Path(__file__).resolve().parent / "static"
# Paths that belong to the API and its documentation: their errors stay problem+json.
API_PREFIXES = ("/api/", "/docs", "/redoc", "/openapi.json", "/static-offline-docs", "/healthz")
Handler = Callable[[Request, Any], Response | Awaitable[Response]]


def install(app: FastAPI) -> None:
    from app.web.routes import router

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.include_router(router)
    for kind in (DomainError, RequestValidationError, StarletteHTTPException, Exception):
        app.add_exception_handler(kind, _pages_or(app.exception_handlers[kind]))


def _pages_or(api: Handler) -> Handler:
    async def handle(request: Request, exc: Exception) -> Response:
        page: Page | None = request.scope.get(PAGE_KEY)
        if page is None and not _wants_page(request):
            return await _respond(api, request, exc)
        if isinstance(exc, AuthenticationRequired):
            target = request.url.path if request.method == "GET" else "/"
            return RedirectResponse(f"/?next={quote(target)}", status_code=303)
        if page is None:
            from app.web.pages import anonymous_page

            page = anonymous_page(request)
        status, code, detail = _describe(exc)
        if status >= 500:
            await _respond(api, request, exc)  # logs it as the API does
        return page.render("error.html", status=status, code=code, detail=detail)

    return handle


async def _respond(api: Handler, request: Request, exc: Exception) -> Response:
    response = api(request, exc)
    return await response if inspect.isawaitable(response) else response


def _wants_page(request: Request) -> bool:
    return not request.url.path.startswith(API_PREFIXES) and "text/html" in request.headers.get(
        "accept", ""
    )


def _describe(exc: Exception) -> tuple[int, str, Any]:
    if isinstance(exc, DomainError):
        return exc.status, exc.code, exc.detail
    if isinstance(exc, RequestValidationError):
        fields = sorted({".".join(str(p) for p in e.get("loc", ())[1:]) for e in exc.errors()})
        return 422, "validation_error", ", ".join(fields)
    if isinstance(exc, StarletteHTTPException):
        return exc.status_code, "not_found" if exc.status_code == 404 else "http_error", None
    return 500, "internal_error", None
