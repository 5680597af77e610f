"""Who may do what to organisations and their members.

Hub admins curate the network: reference data, organisations' names and activation, and
moderation. They never join, read or manage an organisation on their own say-so; for that
they need its admin's time-limited support grant, which shows up in their roles.
"""

from __future__ import annotations

from app.auth.principal import Principal
from app.errors import PermissionDenied
from app.orgs.models import Organisation, Role


def require_hub_admin(principal: Principal, action: str) -> None:
    if not principal.is_hub_admin:
        raise PermissionDenied(f"Only hub admins may {action}.")


def require_org_admin(principal: Principal, org: Organisation, action: str) -> None:
    """The organisation's record (name, kind, country): its admins, and hub admins."""
    if not (principal.is_hub_admin or principal.has_role(org.id, Role.admin)):
        raise PermissionDenied(f"Only admins of {org.slug} may {action}.")


def require_member_admin(principal: Principal, org: Organisation, action: str) -> None:
    """Membership and support grants: admins by membership only."""
    if not principal.is_member_admin(org.id):
        raise PermissionDenied(f"Only admins of {org.slug} may {action}.")


def require_member(principal: Principal, org: Organisation, action: str) -> None:
    if principal.role_in(org.id) is None:
        raise PermissionDenied(f"Only members of {org.slug} may {action}.")
