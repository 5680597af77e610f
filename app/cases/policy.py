"""Who may do what to a case they can see."""

from __future__ import annotations

import uuid

from app.auth.principal import Principal
from app.cases.models import LegalCase
from app.errors import PermissionDenied, ValidationFailed
from app.orgs.models import Role

# The least role each action on a case needs: the services enforce these, and the pages show
# only what the reader may do, saying why the rest is closed to them.
CASE_ACTIONS = {
    "post_updates": Role.staff,
    "record_findings": Role.litigator,
    "edit": Role.litigator,
    "read_protected": Role.litigator,
}


def require_role(principal: Principal, case: LegalCase, minimum: Role, action: str) -> None:
    if not principal.has_role(case.owner_org_id, minimum):
        raise PermissionDenied(
            f"Only {minimum.value}s (or above) of the owning organisation may {action}."
        )


def may_see_internal(principal: Principal, case: LegalCase) -> bool:
    """Internal notes and updates stay inside the owning organisation."""
    return principal.role_in(case.owner_org_id) is not None


def may_read_protected(principal: Principal, case: LegalCase) -> bool:
    return principal.has_role(case.owner_org_id, CASE_ACTIONS["read_protected"])


def owning_org_for_new_case(principal: Principal, requested: uuid.UUID | None) -> uuid.UUID:
    """The organisation a new case belongs to: one where the caller litigates."""
    litigating = sorted(o for o, r in principal.roles.items() if r.at_least(Role.litigator))
    if requested is not None:
        if requested not in litigating:
            raise PermissionDenied("You may file cases only for organisations you litigate for.")
        return requested
    if len(litigating) == 1:
        return litigating[0]
    if not litigating:
        raise PermissionDenied("Only litigators and admins may create cases.")
    raise ValidationFailed("You litigate for several organisations: give owner_org_id.")


def allowed_actions(principal: Principal, owner_org_id: uuid.UUID) -> dict[str, bool]:
    return {
        action: principal.has_role(owner_org_id, minimum)
        for action, minimum in CASE_ACTIONS.items()
    }
