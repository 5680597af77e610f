"""Typed builders for test data. They flush, never commit."""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from datetime import timedelta

from fastapi import FastAPI
from sqlalchemy.orm import Session

from app.auth import passwords
from app.auth.models import UserAccount
from app.auth.tokens import issue_access_token
from app.cases.models import LegalCase
from app.cases.schemas import CaseCreate
from app.cases.service import create_case_record
from app.core.time import utcnow
from app.orgs.models import Membership, Organisation, OrgKind, Role, Visibility
from app.pleadings import service as pleading_service
from app.pleadings.models import ModelPleading
from app.pleadings.schemas import PleadingCreate, SectionIn, VariableIn

_seq = itertools.count(1)


def make_org(
    session: Session, *, kind: OrgKind = OrgKind.clinic, country: str = "CO", active: bool = True
) -> Organisation:
    n = next(_seq)
    org = Organisation(
        slug=f"org-{n}", name=f"Organisation {n}", kind=kind, country=country, active=active
    )
    session.add(org)
    session.flush()
    return org


def make_user(
    session: Session,
    *,
    member_of: Organisation | None = None,
    role: Role = Role.viewer,
    hub_admin: bool = False,
    password: str | None = None,
    active: bool = True,
    email: str | None = None,
) -> UserAccount:
    n = next(_seq)
    user = UserAccount(
        email=email or f"user{n}@example.org",
        display_name=f"User {n}",
        password_hash=passwords.hash_password(password) if password else None,
        is_hub_admin=hub_admin,
        active=active,
    )
    session.add(user)
    session.flush()
    if member_of is not None:
        add_member(session, member_of, user, role)
    return user


def add_member(session: Session, org: Organisation, user: UserAccount, role: Role) -> None:
    session.add(Membership(user_id=user.id, organisation_id=org.id, role=role))
    session.flush()


def access_token(app: FastAPI, user: UserAccount, *, ttl: timedelta = timedelta(minutes=15)) -> str:
    token, _ = issue_access_token(
        app.state.signing_keys,
        subject=user.id,
        token_version=user.token_version,
        now=utcnow(),
        ttl=ttl,
    )
    return token


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def make_case(
    session: Session,
    *,
    org: Organisation,
    visibility: Visibility = Visibility.private,
    forum_id: str = "ECTHR",
    claims: Sequence[Mapping[str, object]] | None = None,
    **fields: object,
) -> LegalCase:
    """A case written as the service writes it, owned by org."""
    reference_key = fields.pop("reference_key", None)
    body = CaseCreate.model_validate(
        {
            "title": fields.pop("title", f"Case {next(_seq)} v. Italy"),
            "forum_id": forum_id,
            "respondent_states": fields.pop("respondent_states", ["IT"]),
            "claims": claims
            if claims is not None
            else [
                {
                    "right_id": "collective_expulsion",
                    "provisions": ["ECHR-P4:4"],
                    "finding": "violation",
                },
            ],
            **fields,
        }
    )
    body.visibility = visibility
    return create_case_record(
        session,
        None,
        org.id,
        body,
        now=utcnow(),
        reference_key=str(reference_key) if reference_key is not None else None,
    )


PLEADING_BODY = (
    "# {{ case.title }}\n\n"
    "Submission to the {{ forum.name }} on behalf of {{ applicant }}.\n\n"
    "## The law\n\n"
    "{% for p in precedents %}- {{ p.citation }}\n{% endfor %}"
)


def make_pleading(
    session: Session,
    *,
    org: Organisation,
    visibility: Visibility = Visibility.private,
    published: bool = True,
    body: str = PLEADING_BODY,
    variables: list[dict[str, object]] | None = None,
    authorities: list[LegalCase] | None = None,
    **fields: object,
) -> ModelPleading:
    """A model pleading owned by org with one version (published unless told otherwise)."""
    meta = PleadingCreate.model_validate(
        {
            "title": fields.pop("title", f"Model pleading {next(_seq)}"),
            "rights": fields.pop("rights", ["collective_expulsion"]),
            "forum_levels": fields.pop("forum_levels", ["regional"]),
            "jurisdictions": fields.pop("jurisdictions", ["CoE"]),
            "visibility": visibility,
            **fields,
        }
    )
    pleading = pleading_service.write_pleading(session, None, org.id, meta, now=utcnow())
    pleading_service.write_version(
        session,
        pleading,
        changelog="First version.",
        template=body,
        variables=[
            VariableIn.model_validate(v)
            for v in (
                variables
                if variables is not None
                else [{"name": "applicant", "type": "text", "description": "Who applies"}]
            )
        ],
        sections=[
            SectionIn(
                heading="Collective expulsion",
                rights=["collective_expulsion"],
                authorities=[c.id for c in authorities or []],
            )
        ],
        publish=published,
        now=utcnow(),
    )
    return pleading
