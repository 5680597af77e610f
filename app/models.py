"""Every domain's tables, imported so that Alembic and tests see one complete metadata."""

from app.alerts import models as alert_models
from app.audit import models as audit_models
from app.auth import models as auth_models
from app.cases import models as case_models
from app.core import idempotency
from app.db import Base
from app.deadlines import models as deadline_models
from app.matching import models as matching_models
from app.orgs import models as org_models
from app.outbox import models as outbox_models
from app.pleadings import models as pleading_models
from app.reference import models as reference_models
from app.webhooks import models as webhook_models

metadata = Base.metadata

__all__ = [
    "alert_models",
    "audit_models",
    "auth_models",
    "case_models",
    "deadline_models",
    "idempotency",
    "matching_models",
    "metadata",
    "org_models",
    "outbox_models",
    "pleading_models",
    "reference_models",
    "webhook_models",
]
