"""The request's page context (who reads, in which language, with which CSRF token) and the
rendering of templates and error pages with the headers every page carries."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from sqlalchemy.orm import Session

from app.alerts import service as alerts_service
from app.auth import service as auth_service
from app.auth.dependencies import SettingsDep
from app.auth.principal import ANONYMOUS, Principal
from app.auth.schemas import MeRead
from app.config import Settings
from app.core import i18n
from app.core.time import utcnow
from app.db import SessionDep
from app.errors import AuthenticationRequired
from app.web import security
from app.web.terms import TERMS

# Where a page's request keeps its Page, so that its errors render as pages.
PAGE_KEY = "comity_page"


@functools.cache
def environment(language: str) -> Environment:
    """One template environment per language, its gettext installed once."""
    env = Environment(
        loader=PackageLoader("app.web", "templates"),
        autoescape=select_autoescape(default=True),
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(i18n.translations(language), newstyle=True)  # type: ignore[attr-defined]
    env.filters["date"] = functools.partial(_date_filter, language=language)
    env.filters["number"] = functools.partial(_number_filter, language=language)
    env.filters["term"] = functools.partial(_term_filter, language=language)
    env.globals["LANGUAGES"] = i18n.LANGUAGE_NAMES
    env.globals["language"] = language
    return env


def _date_filter(value: Any, *, language: str) -> str:
    return i18n.date_text(value, language)


def _term_filter(value: Any, *, language: str) -> str:
    text = str(value)
    return i18n.translations(language).gettext(TERMS.get(text, text))


def _number_filter(value: Any, *, language: str) -> str:
    return i18n.number_text(value, language)


@dataclass
class Page:
    request: Request
    settings: Settings
    principal: Principal
    language: str
    me: MeRead | None
    binding: str
    session_secret: str | None
    cookies: dict[str, str] = field(default_factory=dict)
    unread: int = 0  # the header's badge: notifications not read yet

    @property
    def csrf(self) -> str:
        return security.csrf_token(self.settings, self.binding)

    @property
    def signed_in(self) -> bool:
        return self.principal.authenticated

    def render(self, template: str, *, status: int = 200, **context: Any) -> HTMLResponse:
        html = environment(self.language).get_template(template).render(page=self, **context)
        response = HTMLResponse(html, status_code=status, headers=security.PAGE_HEADERS)
        self._send_cookies(response)
        return response

    def redirect(self, url: str) -> RedirectResponse:
        response = RedirectResponse(url, status_code=303, headers=security.PAGE_HEADERS)
        self._send_cookies(response)
        return response

    def _send_cookies(self, response: HTMLResponse | RedirectResponse) -> None:
        for name, value in self.cookies.items():
            security.set_cookie(response, self.settings, name, value)


async def get_page(request: Request, session: SessionDep, settings: SettingsDep) -> Page:
    secret = request.cookies.get(security.SESSION_COOKIE)
    principal = None
    if secret:
        principal = await run_in_threadpool(
            auth_service.web_principal, session, secret, now=utcnow()
        )
    language = i18n.negotiate(
        request.cookies.get(security.LANGUAGE_COOKIE), request.headers.get("accept-language")
    )
    if principal is not None and secret is not None:
        me, unread = await run_in_threadpool(_me_and_unread, session, principal)
        page = Page(request, settings, principal, language, me, secret, secret, unread=unread)
    else:
        page = anonymous_page(request, language)
    request.scope[PAGE_KEY] = page
    return page


def _me_and_unread(session: Session, principal: Principal) -> tuple[MeRead, int]:
    return auth_service.me(session, principal), alerts_service.unread_count(session, principal)


def anonymous_page(request: Request, language: str | None = None) -> Page:
    """The page of a reader who is not signed in; its CSRF token is bound to a cookie of its
    own until they sign in."""
    settings: Settings = request.app.state.settings
    if language is None:
        language = i18n.negotiate(
            request.cookies.get(security.LANGUAGE_COOKIE), request.headers.get("accept-language")
        )
    page = Page(request, settings, ANONYMOUS, language, None, "", None)
    anonymous = request.cookies.get(security.ANONYMOUS_COOKIE)
    if not anonymous:
        anonymous = security.new_binding()
        page.cookies[security.ANONYMOUS_COOKIE] = anonymous
    page.binding = anonymous
    return page


PageDep = Annotated[Page, Depends(get_page)]


async def get_form_page(request: Request, page: PageDep) -> Page:
    """A page that changes something: its form (or htmx header) must carry the CSRF token
    of this browser's session."""
    form = await request.form()
    sent = request.headers.get(security.CSRF_HEADER) or form.get(security.CSRF_FIELD)
    security.check_csrf(page.settings, page.binding, sent if isinstance(sent, str) else None)
    return page


FormPageDep = Annotated[Page, Depends(get_form_page)]


def signed_in(page: Page) -> Principal:
    """The reader, who must be signed in: otherwise the error page sends them to sign in."""
    if not page.signed_in:
        raise AuthenticationRequired("Sign in first.")
    return page.principal
