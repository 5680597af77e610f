"""Multipart forms read as strictly as JSON bodies: an unknown field is an error, not ignored."""

from __future__ import annotations

from fastapi import Request
from fastapi.routing import APIRoute

from app.errors import FieldError, ValidationFailed


async def forbid_unknown_form_fields(request: Request) -> None:
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return
    known = {p.alias for p in route.dependant.body_params}
    unknown = sorted(set((await request.form()).keys()) - known)
    if unknown:
        raise ValidationFailed(
            f"Unknown form field(s): {', '.join(unknown)}.",
            errors=[
                FieldError(loc=["body", name], msg="unknown field", type="extra_forbidden")
                for name in unknown
            ],
        )


async def forbid_empty_form_fields(request: Request) -> None:
    """Refuse an empty form field instead of reading it as the field's default, as FastAPI
    would (an empty `format` imported as JSON Lines): omit a field to get its default."""
    empty = sorted(name for name, value in (await request.form()).multi_items() if value == "")
    if empty:
        raise ValidationFailed(
            f"Empty form field(s): {', '.join(empty)}; omit a field to use its default.",
            errors=[
                FieldError(loc=["body", name], msg="empty value", type="value_error")
                for name in empty
            ],
        )
