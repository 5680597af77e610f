"""Demo accounts for trying the web application on a development machine: a member clinic
with a litigator and a staff member, and an admin of the demo hub.

They share one published password, so they exist only outside production (the CLI refuses
there). Loading them again changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from app.auth import passwords
from app.auth import repository as users
from app.auth.models import UserAccount
from app.auth.principal import Principal
from app.cases import repository as case_repo
from app.cases import service as case_service
from app.cases.models import CaseStatus
from app.cases.schemas import CaseCreate, ClaimIn
from app.orgs import repository as org_repo
from app.orgs.models import Organisation, OrgKind, Role
from app.orgs.schemas import OrganisationCreate
from app.orgs.service import add_membership, add_organisation

DEMO_PASSWORD = "comity-demo-2026"
HUB_SLUG = "comity-demo"
CLINIC = OrganisationCreate(
    name="Clínica Jurídica de Migración (demo)",
    slug="demo-clinic",
    kind=OrgKind.clinic,
    country="ES",
)


@dataclass(frozen=True)
class DemoAccount:
    email: str
    name: str
    org_slug: str
    role: Role
    hub_admin: bool = False


ACCOUNTS = (
    DemoAccount("litigator@demo.comity.test", "Lucía Litigante", CLINIC.slug, Role.litigator),
    DemoAccount("staff@demo.comity.test", "Sam Staff", CLINIC.slug, Role.staff),
    DemoAccount("hub@demo.comity.test", "Hana Hub", HUB_SLUG, Role.admin, hub_admin=True),
)


# The clinic's own open case, private to it, so that its litigator has a case to match and
# to render pleadings for.
CLINIC_CASE_KEY = "demo-clinic-airport-detention"
CLINIC_CASE = CaseCreate(
    title="A.M. v. Spain (demo clinic case)",
    forum_id="ECTHR",
    respondent_states=["ES"],
    status=CaseStatus.pending,
    facts_summary=(
        "An asylum seeker from Mali was held for 40 days in the airport transit zone while "
        "his application was processed, without a decision ordering his detention and "
        "without access to a court; his removal was then ordered with an appeal that "
        "did not suspend it."
    ),
    claims=[
        ClaimIn(right_id="liberty_arbitrary_detention", provisions=["ECHR:5-1-f"]),
        ClaimIn(right_id="effective_remedy_suspensive", provisions=["ECHR:13"]),
    ],
)


def load_demo_accounts(session: Session, hub: Organisation, *, now: datetime) -> list[DemoAccount]:
    """Create the demo clinic, its case and the accounts that are missing; return the
    accounts."""
    clinic = org_repo.organisation_by_slug(session, CLINIC.slug) or add_organisation(
        session, None, CLINIC, now=now
    )
    orgs = {hub.slug: hub, clinic.slug: clinic}
    for account in ACCOUNTS:
        user = users.user_by_email(session, account.email)
        if user is None:
            user = UserAccount(
                email=account.email,
                display_name=account.name,
                password_hash=passwords.hash_password(DEMO_PASSWORD),
                email_verified_at=now,
                is_hub_admin=account.hub_admin,
            )
            session.add(user)
            session.flush()
            add_membership(session, None, orgs[account.org_slug], user, account.role, now=now)
        litigator = Principal(user_id=user.id, roles={clinic.id: Role.litigator})
        if account.role is Role.litigator and not case_repo.visible_with_reference_keys(
            session, litigator, [CLINIC_CASE_KEY]
        ):
            case_service.file_case(
                session, litigator, CLINIC_CASE, now=now, reference_key=CLINIC_CASE_KEY
            )
    return list(ACCOUNTS)
