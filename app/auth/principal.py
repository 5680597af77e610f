"""Who is making the request: a user with roles per organisation, or nobody."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field

from app.orgs.models import Role

READ_SCOPE = "read"
WRITE_SCOPE = "write"
ALL_SCOPES = frozenset({READ_SCOPE, WRITE_SCOPE})


@dataclass(frozen=True, slots=True)
class Principal:
    user_id: uuid.UUID | None
    is_hub_admin: bool = False
    roles: Mapping[uuid.UUID, Role] = field(default_factory=dict)
    scopes: frozenset[str] = ALL_SCOPES
    # Organisations whose role in `roles` comes from a support grant, not from membership.
    supported: frozenset[uuid.UUID] = frozenset()

    @property
    def authenticated(self) -> bool:
        return self.user_id is not None

    @property
    def org_ids(self) -> frozenset[uuid.UUID]:
        return frozenset(self.roles)

    def role_in(self, org_id: uuid.UUID | None) -> Role | None:
        return self.roles.get(org_id) if org_id is not None else None

    def has_role(self, org_id: uuid.UUID | None, minimum: Role) -> bool:
        role = self.role_in(org_id)
        return role is not None and role.at_least(minimum)

    def is_member_admin(self, org_id: uuid.UUID) -> bool:
        """An admin by membership: only these manage members and support grants."""
        return self.has_role(org_id, Role.admin) and org_id not in self.supported


ANONYMOUS = Principal(user_id=None, scopes=frozenset({READ_SCOPE}))
