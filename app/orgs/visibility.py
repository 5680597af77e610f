"""What a principal may see, as a SQL condition every read path starts from."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import ColumnElement, or_

from app.auth.principal import Principal
from app.orgs.models import Role, Visibility


def in_network(principal: Principal) -> bool:
    """Members of any organisation, and the hub admins who curate the network."""
    return bool(principal.org_ids) or principal.is_hub_admin


def visible_scopes(principal: Principal) -> list[Visibility]:
    """The visibilities readable beyond one's own organisations."""
    return [Visibility.public, Visibility.network] if in_network(principal) else [Visibility.public]


def readable(
    principal: Principal, owner_column: Any, visibility_column: Any
) -> ColumnElement[bool]:
    """Private rows to their organisation, network rows to the network, public rows to all.

    Hub admins curate the network, not members' files: they see private rows only of
    organisations they belong to, like everyone else.
    """
    clauses = [visibility_column.in_(visible_scopes(principal))]
    if principal.org_ids:
        clauses.append(owner_column.in_(sorted(principal.org_ids)))
    return or_(*clauses)


def member_view(org_id: uuid.UUID) -> Principal:
    """What any member of org may read: the view that a write on org's behalf (an import,
    duplicate detection, citation resolution) may consult, and no more."""
    return Principal(user_id=None, roles={org_id: Role.viewer})
