"""Who may curate reference data."""

from __future__ import annotations

import uuid

from app.auth.principal import Principal
from app.errors import PermissionDenied
from app.orgs.models import Role
from app.reference.models import ForumLevel

NATIONAL_LEVELS = frozenset(
    {ForumLevel.national_apex, ForumLevel.national_appellate, ForumLevel.national_first_instance}
)


def require_may_propose_forum(principal: Principal, level: ForumLevel) -> uuid.UUID | None:
    """Hub admins add any forum (None: curated). A litigator may propose a national court
    not yet listed; the proposal is recorded against their organisation for the hub to curate."""
    if principal.is_hub_admin:
        return None
    litigating = sorted(o for o, r in principal.roles.items() if r.at_least(Role.litigator))
    if not litigating:
        raise PermissionDenied("Only litigators and hub admins may add forums.")
    if level not in NATIONAL_LEVELS:
        raise PermissionDenied("Litigators may add national courts only; ask a hub admin.")
    return litigating[0]
