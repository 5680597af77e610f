"""create_app(): routers, error handlers and middleware. No logic."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi_offline import FastAPIOffline
from starlette.concurrency import run_in_threadpool

from app import __version__, db
from app.alerts.routes import router as alerts_router
from app.audit.routes import router as audit_router
from app.auth.routes import router as auth_router
from app.auth.routes import users_router
from app.auth.tokens import load_keys
from app.cases.routes import citations_router, me_router, transfer_router
from app.cases.routes import router as cases_router
from app.config import DEFAULT_SECRET_KEY, ConfigError, Settings, get_settings
from app.core.crypto import load_keyring
from app.core.logging import configure_logging
from app.core.middleware import RequestContextMiddleware, RequestLimitMiddleware
from app.deadlines.routes import router as deadlines_router
from app.errors import install_error_handlers, problem_responses
from app.health.routes import router as health_router
from app.matching.routes import router as matching_router
from app.orgs.routes import router as orgs_router
from app.pleadings.routes import router as pleadings_router
from app.pleadings.routes import upload_allowances
from app.reference.routes import router as reference_router
from app.search.routes import router as search_router
from app.web import install as install_web
from app.webhooks.routes import router as webhooks_router

API_DESCRIPTION = (
    "Comity coordinates strategic litigation for migrants' and refugees' rights: cases with "
    "claim-level legal bases, a crosswalk of equivalent provisions across instruments, and a "
    "matcher that ranks prior wins from other jurisdictions. Every error is an RFC 9457 "
    "`application/problem+json` document with a stable `code`."
)


def operation_id(route: APIRoute) -> str:
    """Stable operation ids `{tag}-{function}` that client generators can rely on."""
    tag = route.tags[0] if route.tags else "default"
    return f"{tag}-{route.name}"


def check_servable(settings: Settings) -> None:
    """Raise ConfigError when this configuration must not serve requests."""
    if settings.is_production and settings.secret_key in (None, "", DEFAULT_SECRET_KEY):
        raise ConfigError(
            "COMITY_SECRET_KEY is missing or the development default; "
            "production refuses to start without a secret of at least 32 bytes."
        )
    load_keys(settings)
    load_keyring(settings)


def create_app(settings: Settings | None = None, *, check_database: bool = True) -> FastAPI:
    settings = settings or get_settings()
    check_servable(settings)
    configure_logging(settings.log_level)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if check_database:
            await run_in_threadpool(lambda: db.ensure_servable(db.get_engine()))
        # What start-up built (modules, mappers, compiled queries) lives as long as the
        # process: out of the collector's view, it is not scanned again by every full
        # collection, which otherwise costs a request tens of milliseconds now and then.
        gc.freeze()
        yield

    app = FastAPIOffline(
        title="Comity",
        version=__version__,
        description=API_DESCRIPTION,
        lifespan=lifespan,
        generate_unique_id_function=operation_id,
        responses=problem_responses(400, 422, 500),
    )
    app.state.settings = settings
    app.state.signing_keys = load_keys(settings)
    app.state.keyring = load_keyring(settings)
    install_error_handlers(app)
    app.add_middleware(
        RequestLimitMiddleware,
        max_bytes=settings.max_body_bytes,
        max_header_bytes=settings.max_header_bytes,
        allowances=upload_allowances(settings),
    )
    app.add_middleware(RequestContextMiddleware)
    routers = (
        health_router,
        auth_router,
        users_router,
        orgs_router,
        audit_router,
        reference_router,
        cases_router,
        citations_router,
        me_router,
        transfer_router,
        search_router,
        matching_router,
        pleadings_router,
        deadlines_router,
        alerts_router,
        webhooks_router,
    )
    for router in routers:
        app.include_router(router)
    install_web(app)
    return app
