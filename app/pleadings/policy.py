"""Who may do what to a model pleading they can see."""

from __future__ import annotations

import uuid

from app.auth.principal import Principal
from app.errors import PermissionDenied, ValidationFailed
from app.orgs.models import Role, Visibility
from app.pleadings.models import ModelPleading


def require_role(principal: Principal, pleading: ModelPleading, minimum: Role, action: str) -> None:
    if not principal.has_role(pleading.owner_org_id, minimum):
        raise PermissionDenied(
            f"Only {minimum.value}s (or above) of the owning organisation may {action}."
        )


def may_see_drafts(principal: Principal, pleading: ModelPleading) -> bool:
    """Unpublished versions are work in progress of the owning organisation."""
    return principal.role_in(pleading.owner_org_id) is not None


def require_visibility_change(
    principal: Principal, pleading: ModelPleading, wanted: Visibility
) -> None:
    """Organisation admins choose who sees a pleading; hub admins may share it with the
    network they curate."""
    if principal.has_role(pleading.owner_org_id, Role.admin):
        return
    if principal.is_hub_admin and wanted is Visibility.network:
        return
    raise PermissionDenied(
        "Only admins of the owning organisation may change who sees a pleading "
        "(hub admins may share it with the network)."
    )


def require_sharing(principal: Principal, owner: uuid.UUID, visibility: Visibility) -> None:
    """The same rule for a new pleading, before it exists."""
    if visibility is Visibility.private or principal.has_role(owner, Role.admin):
        return
    if principal.is_hub_admin and visibility is Visibility.network:
        return
    raise PermissionDenied("Only organisation admins may share a model pleading beyond it.")


def owning_org_for_new_pleading(principal: Principal, requested: uuid.UUID | None) -> uuid.UUID:
    """The organisation a new pleading or adaptation belongs to: one where the caller litigates."""
    litigating = sorted(o for o, r in principal.roles.items() if r.at_least(Role.litigator))
    if requested is not None:
        if requested not in litigating:
            raise PermissionDenied(
                "You may write model pleadings only for organisations you litigate for."
            )
        return requested
    if len(litigating) == 1:
        return litigating[0]
    if not litigating:
        raise PermissionDenied("Only litigators and admins may write model pleadings.")
    raise ValidationFailed("You litigate for several organisations: give owner_org_id.")
