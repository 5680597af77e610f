"""Every domain's tables, imported so that Alembic and tests see one complete metadata."""

from app.audit.models import AuditEvent
from app.auth.models import ApiToken, Invitation, LoginThrottle, RefreshToken, UserAccount
from app.db import Base
from app.orgs.models import Membership, Organisation

metadata = Base.metadata

__all__ = [
    "ApiToken",
    "AuditEvent",
    "Invitation",
    "LoginThrottle",
    "Membership",
    "Organisation",
    "RefreshToken",
    "UserAccount",
    "metadata",
]
