"""Typed builders for test data. They flush, never commit."""

from __future__ import annotations

import itertools
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
    claims: list[dict[str, object]] | None = None,
    **fields: object,
) -> LegalCase:
    """A case written as the service writes it, owned by org."""
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
    return create_case_record(session, None, org.id, body, now=utcnow())
