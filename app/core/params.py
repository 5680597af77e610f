"""Request-parameter helpers shared by the routers."""

from __future__ import annotations

from fastapi import Request
from fastapi.routing import APIRoute

from app.errors import FieldError, ValidationFailed


def reject_unknown_query_params(request: Request) -> None:
    """Strict endpoints answer 422 to query parameters they do not declare.

    A typo such as `?finding=violaton` is caught by validation; a typo in the *name*
    (`?findng=violation`) would otherwise be silently ignored and return unfiltered data.
    """
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return
    known = {p.alias for p in route.dependant.query_params}
    for dep in route.dependant.dependencies:
        known |= {p.alias for p in dep.query_params}
    unknown = sorted(set(request.query_params) - known)
    if unknown:
        raise ValidationFailed(
            f"Unknown query parameter(s): {', '.join(unknown)}.",
            errors=[
                FieldError(loc=["query", name], msg="unknown parameter", type="extra_forbidden")
                for name in unknown
            ],
        )
