"""Organisation and membership use cases."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.audit import service as audit
from app.auth import repository as auth_repository
from app.auth import service as auth_service
from app.auth.models import UserAccount
from app.auth.principal import Principal
from app.errors import ConflictError, NotFoundError, ValidationFailed
from app.orgs import policy, repository
from app.orgs.models import Membership, Organisation, Role
from app.orgs.schemas import (
    MemberAdd,
    MemberAdded,
    MemberPatch,
    MemberRead,
    OrganisationCreate,
    OrganisationPatch,
    OrganisationRead,
)

ORG_FIELDS = ("slug", "name", "kind", "country", "active")


class LastAdminError(ConflictError):
    code = "last_admin"
    title = "An organisation needs at least one admin"


def create_organisation(
    session: Session, principal: Principal, body: OrganisationCreate, *, now: datetime
) -> OrganisationRead:
    policy.require_hub_admin(principal, "create organisations")
    return OrganisationRead.model_validate(add_organisation(session, principal, body, now=now))


def add_organisation(
    session: Session, principal: Principal | None, body: OrganisationCreate, *, now: datetime
) -> Organisation:
    """Create an organisation (also used by the CLI, which acts as the operator)."""
    if repository.organisation_by_slug(session, body.slug) is not None:
        raise ConflictError(f"The slug {body.slug!r} is taken.")
    org = Organisation(**body.model_dump())
    session.add(org)
    try:
        session.flush()
    except IntegrityError as exc:
        raise ConflictError(f"The slug {body.slug!r} is taken.") from exc
    audit.record(
        session,
        principal,
        action="organisation.create",
        object_type="organisation",
        object_id=org.id,
        organisation_id=org.id,
        after=audit.snapshot(org, ORG_FIELDS),
        now=now,
    )
    return org


def list_organisations(session: Session, principal: Principal) -> list[OrganisationRead]:
    orgs = repository.list_organisations(session, include_inactive=principal.is_hub_admin)
    return [OrganisationRead.model_validate(o) for o in orgs]


def _organisation(session: Session, principal: Principal, org_id: uuid.UUID) -> Organisation:
    org = repository.organisation(session, org_id)
    if org is None or not (org.active or principal.is_hub_admin):
        raise NotFoundError("No such organisation.")
    return org


def get_organisation(session: Session, principal: Principal, org_id: uuid.UUID) -> OrganisationRead:
    return OrganisationRead.model_validate(_organisation(session, principal, org_id))


def patch_organisation(
    session: Session,
    principal: Principal,
    org_id: uuid.UUID,
    patch: OrganisationPatch,
    *,
    expected_version: int,
    now: datetime,
) -> OrganisationRead:
    from app.core.etag import check_version

    org = _organisation(session, principal, org_id)
    changes = patch.model_dump(exclude_unset=True, exclude_none=True)
    if "active" in changes:
        policy.require_hub_admin(principal, "activate or deactivate organisations")
    else:
        policy.require_org_admin(principal, org, "edit the organisation")
    check_version(org.version, expected_version)
    before = audit.snapshot(org, ORG_FIELDS)
    for key, value in changes.items():
        setattr(org, key, value)
    session.flush()
    audit.record(
        session,
        principal,
        action="organisation.update",
        object_type="organisation",
        object_id=org.id,
        organisation_id=org.id,
        before=before,
        after=audit.snapshot(org, ORG_FIELDS),
        now=now,
    )
    return OrganisationRead.model_validate(org)


def list_members(session: Session, principal: Principal, org_id: uuid.UUID) -> list[MemberRead]:
    org = _organisation(session, principal, org_id)
    policy.require_member(principal, org, "list its members")
    return [_member_read(m, u) for m, u in repository.members(session, org.id)]


def _member_read(m: Membership, u: UserAccount) -> MemberRead:
    return MemberRead(
        user_id=u.id, email=u.email, display_name=u.display_name, role=m.role, active=u.active
    )


def add_member(
    session: Session, principal: Principal, org_id: uuid.UUID, body: MemberAdd, *, now: datetime
) -> MemberAdded:
    org = _organisation(session, principal, org_id)
    policy.require_org_admin(principal, org, "add members")
    user = auth_repository.user_by_email(session, body.email)
    invitation = None
    if user is None:
        user = UserAccount(
            email=str(body.email), display_name=body.display_name or str(body.email).split("@")[0]
        )
        session.add(user)
        session.flush()
        invitation = auth_service.create_invitation(session, user, now)
        audit.record(
            session,
            principal,
            action="user.invite",
            object_type="user",
            object_id=user.id,
            organisation_id=org.id,
            after={"email": user.email},
            now=now,
        )
    membership = add_membership(session, principal, org, user, body.role, now=now)
    return MemberAdded(**_member_read(membership, user).model_dump(), invitation_token=invitation)


def add_membership(
    session: Session,
    principal: Principal | None,
    org: Organisation,
    user: UserAccount,
    role: Role,
    *,
    now: datetime,
) -> Membership:
    if repository.membership_for_update(session, org.id, user.id) is not None:
        raise ConflictError(f"{user.email} is already a member of {org.slug}.")
    membership = Membership(user_id=user.id, organisation_id=org.id, role=role)
    session.add(membership)
    session.flush()
    audit.record(
        session,
        principal,
        action="membership.create",
        object_type="membership",
        object_id=user.id,
        organisation_id=org.id,
        after={"role": role},
        now=now,
    )
    return membership


def change_role(
    session: Session,
    principal: Principal,
    org_id: uuid.UUID,
    user_id: uuid.UUID,
    body: MemberPatch,
    *,
    now: datetime,
) -> MemberRead:
    org = _organisation(session, principal, org_id)
    policy.require_org_admin(principal, org, "change roles")
    membership = _membership(session, org, user_id)
    if membership.role is Role.admin and body.role is not Role.admin:
        _keep_an_admin(session, org, user_id)
    before = {"role": membership.role}
    membership.role = body.role
    user = _user(session, user_id)
    auth_service.revoke_everything(session, user, now)
    audit.record(
        session,
        principal,
        action="membership.update",
        object_type="membership",
        object_id=user_id,
        organisation_id=org.id,
        before=before,
        after={"role": body.role},
        now=now,
    )
    return _member_read(membership, user)


def remove_member(
    session: Session, principal: Principal, org_id: uuid.UUID, user_id: uuid.UUID, *, now: datetime
) -> None:
    org = _organisation(session, principal, org_id)
    policy.require_org_admin(principal, org, "remove members")
    membership = _membership(session, org, user_id)
    if membership.role is Role.admin:
        _keep_an_admin(session, org, user_id)
    session.delete(membership)
    auth_service.revoke_everything(session, _user(session, user_id), now)
    audit.record(
        session,
        principal,
        action="membership.delete",
        object_type="membership",
        object_id=user_id,
        organisation_id=org.id,
        before={"role": membership.role},
        now=now,
    )


def _membership(session: Session, org: Organisation, user_id: uuid.UUID) -> Membership:
    membership = repository.membership_for_update(session, org.id, user_id)
    if membership is None:
        raise NotFoundError("No such member.")
    return membership


def _user(session: Session, user_id: uuid.UUID) -> UserAccount:
    user = auth_repository.user_by_id(session, user_id)
    if user is None:
        raise NotFoundError("No such user.")
    return user


def _keep_an_admin(session: Session, org: Organisation, leaving: uuid.UUID) -> None:
    if set(repository.lock_admins(session, org.id)) <= {leaving}:
        raise LastAdminError(f"{org.slug} would have no admin left; appoint another first.")


def resolve_role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError as exc:
        raise ValidationFailed(f"Unknown role {value!r}.") from exc
