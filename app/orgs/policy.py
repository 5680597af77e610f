"""Who may do what to organisations and their members."""

from __future__ import annotations

from app.auth.principal import Principal
from app.errors import PermissionDenied
from app.orgs.models import Organisation, Role


def require_hub_admin(principal: Principal, action: str) -> None:
    if not principal.is_hub_admin:
        raise PermissionDenied(f"Only hub admins may {action}.")


def require_org_admin(principal: Principal, org: Organisation, action: str) -> None:
    """Organisation admins manage their own organisation; hub admins manage any."""
    if not (principal.is_hub_admin or principal.has_role(org.id, Role.admin)):
        raise PermissionDenied(f"Only admins of {org.slug} may {action}.")


def require_member(principal: Principal, org: Organisation, action: str) -> None:
    if not (principal.is_hub_admin or principal.role_in(org.id) is not None):
        raise PermissionDenied(f"Only members of {org.slug} may {action}.")
