"""What keeps the pages safe in a browser: the session cookie, CSRF tokens, and the headers
that forbid inline script, framing and sniffing."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from starlette.responses import Response

from app.config import Settings
from app.errors import PermissionDenied

SESSION_COOKIE = "comity_session"
# Binds the sign-in form's CSRF token while there is no session yet.
ANONYMOUS_COOKIE = "comity_csrf"
LANGUAGE_COOKIE = "comity_lang"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    )
)
PAGE_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


class CsrfFailed(PermissionDenied):
    code = "csrf_failed"
    title = "The form has expired"


def new_binding() -> str:
    return secrets.token_urlsafe(32)


def csrf_token(settings: Settings, binding: str) -> str:
    """The token that forms of the browser holding binding (its session or sign-in cookie)
    must send back."""
    key = settings.effective_secret_key().encode()
    return hmac.new(key, b"csrf:" + binding.encode(), hashlib.sha256).hexdigest()


def check_csrf(settings: Settings, binding: str | None, sent: str | None) -> None:
    if not binding or not sent or not hmac.compare_digest(csrf_token(settings, binding), sent):
        raise CsrfFailed("Reload the page and send the form again.")


def set_cookie(
    response: Response, settings: Settings, name: str, value: str, *, max_age: int | None = None
) -> None:
    """Every cookie of the pages: HttpOnly, SameSite=Lax, Secure in production."""
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        httponly=True,
        samesite="lax",
        secure=settings.is_production,
        path="/",
    )
