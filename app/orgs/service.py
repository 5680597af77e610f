"""Organisation and membership use cases."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.alerts import service as alerts
from app.audit import service as audit
from app.auth import passwords
from app.auth import repository as auth_repository
from app.auth import service as auth_service
from app.auth.models import UserAccount
from app.auth.principal import Principal
from app.auth.schemas import InvitationAccept, TokenPair
from app.auth.tokens import SigningKeys
from app.config import Settings
from app.errors import (
    AuthenticationRequired,
    ConflictError,
    FieldError,
    NotFoundError,
    PermissionDenied,
    ValidationFailed,
)
from app.orgs import messages, policy, repository
from app.orgs.models import Invitation, Membership, Organisation, Role, SupportGrant
from app.orgs.schemas import (
    InvitationRead,
    MemberAdd,
    MemberPatch,
    MemberRead,
    OrganisationCreate,
    OrganisationPatch,
    OrganisationRead,
    SupportGrantCreate,
    SupportGrantRead,
)
from app.outbox import service as outbox
from app.outbox.mail import Mailer

INVITATION_TOPIC = "invitation"
INVITATION_TTL = timedelta(days=7)
ORG_FIELDS = ("slug", "name", "kind", "country", "active")


class InvalidConsent(AuthenticationRequired):
    code = "invalid_credentials"
    title = "Invalid credentials"


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


# ---------------------------------------------------------------- invitations


def invite_member(
    session: Session, principal: Principal, org_id: uuid.UUID, body: MemberAdd, *, now: datetime
) -> InvitationRead:
    """Invite whoever receives mail at an address to join with a role.

    Nobody joins without accepting, and the token goes to the address only: the answer is
    the same whether an account exists for it or not. A new invitation to the same address
    replaces the open one.
    """
    org = _organisation(session, principal, org_id)
    policy.require_member_admin(principal, org, "invite members")
    email = str(body.email)
    user = auth_repository.user_by_email(session, email)
    if user is not None and repository.membership_role(session, org.id, user.id) is not None:
        raise ConflictError(f"{email} is already a member of {org.slug}.")
    previous = repository.open_invitation_for_update(session, org.id, email)
    if previous is not None:
        previous.revoked_at = now
        session.flush()
    invitation = Invitation(
        organisation_id=org.id,
        email=email,
        role=body.role,
        invited_by=principal.user_id,
        created_at=now,
        expires_at=now + INVITATION_TTL,
    )
    session.add(invitation)
    session.flush()
    outbox.enqueue(session, INVITATION_TOPIC, {"invitation_id": str(invitation.id)}, now=now)
    audit.record(
        session,
        principal,
        action="invitation.create",
        object_type="invitation",
        object_id=invitation.id,
        organisation_id=org.id,
        after={"email": email, "role": body.role},
        now=now,
    )
    return InvitationRead.model_validate(invitation)


def list_invitations(
    session: Session, principal: Principal, org_id: uuid.UUID, *, now: datetime
) -> list[InvitationRead]:
    org = _organisation(session, principal, org_id)
    policy.require_member_admin(principal, org, "list its invitations")
    return [
        InvitationRead.model_validate(i)
        for i in repository.open_invitations(session, now=now, org_id=org.id)
    ]


def revoke_invitation(
    session: Session,
    principal: Principal,
    org_id: uuid.UUID,
    invitation_id: uuid.UUID,
    *,
    now: datetime,
) -> None:
    org = _organisation(session, principal, org_id)
    policy.require_member_admin(principal, org, "revoke invitations")
    invitation = repository.invitation_for_update(session, invitation_id, org.id)
    if invitation is None or invitation.accepted_at is not None or invitation.revoked_at:
        raise NotFoundError("No open invitation with this id.")
    invitation.revoked_at = now
    audit.record(
        session,
        principal,
        action="invitation.revoke",
        object_type="invitation",
        object_id=invitation.id,
        organisation_id=org.id,
        now=now,
    )


def mint_invitation_token(invitation: Invitation) -> str:
    """A fresh token for the invitation; any earlier one stops working."""
    raw = passwords.new_secret("inv_")
    invitation.token_hash = passwords.digest(raw)
    return raw


def deliver_invitation(
    session: Session,
    payload: Mapping[str, Any],
    mailer: Mailer,
    now: datetime,
    *,
    settings: Settings,
) -> None:
    """Outbox handler: mint the token and mail it to the invitee, in the worker's transaction.

    The token's value exists only in the mail. If the send succeeds but the commit fails,
    the message is retried with a new token, and the mailed one never worked.
    """
    invitation = repository.invitation_for_update(session, uuid.UUID(str(payload["invitation_id"])))
    if invitation is None or not _is_open(invitation, now):
        return  # revoked, accepted or expired before delivery: nothing to send
    org = repository.organisation(session, invitation.organisation_id)
    inviter = (
        auth_repository.user_by_id(session, invitation.invited_by)
        if invitation.invited_by
        else None
    )
    token = mint_invitation_token(invitation)
    session.flush()
    mailer.send(
        messages.compose(
            "invitation",
            invitation.email,
            inviter=inviter.display_name if inviter else "An administrator",
            organisation=org.name if org else "an organisation",
            role=invitation.role.value,
            accept_url=f"{settings.public_url.rstrip('/')}/api/v1/auth/invitations/accept",
            days=str(max(1, (invitation.expires_at - now).days)),
            token=token,
        )
    )


def _is_open(invitation: Invitation, now: datetime) -> bool:
    return (
        invitation.accepted_at is None
        and invitation.revoked_at is None
        and invitation.expires_at > now
    )


def accept_invitation(
    session: Session,
    settings: Settings,
    keys: SigningKeys,
    principal: Principal,
    body: InvitationAccept,
    *,
    now: datetime,
) -> TokenPair:
    """Join an organisation with a token that reached the invitee's mailbox.

    The token proves the address. The account for it is then:
    - created, when none exists, with the password given;
    - the caller's own, when they are logged in as it;
    - reset to the password given, when its address was never proven (whoever set its
      password may not have owned the address), which ends every earlier session;
    - otherwise the holder's consent is its current password.
    """
    invitation = repository.invitation_by_hash_for_update(session, passwords.digest(body.token))
    if invitation is None or not _is_open(invitation, now):
        raise NotFoundError("No open invitation matches this token.")
    org = repository.organisation(session, invitation.organisation_id)
    if org is None or not org.active:
        raise NotFoundError("No open invitation matches this token.")
    user = auth_repository.user_by_email(session, invitation.email)
    if principal.authenticated and (user is None or principal.user_id != user.id):
        raise PermissionDenied("This invitation is for another address; log out to accept it.")
    if user is None:
        password = _required_password(body)
        user = UserAccount(
            email=invitation.email,
            display_name=body.display_name or invitation.email.split("@")[0],
            password_hash=passwords.hash_password(password),
        )
        session.add(user)
        session.flush()
    elif principal.authenticated:
        pass  # logged in as the invitee: that is consent
    elif user.email_verified_at is None or user.password_hash is None:
        user.password_hash = passwords.hash_password(_required_password(body))
        auth_service.revoke_everything(session, user, now, api_tokens=True)
    elif not passwords.verify_password(_required_password(body), user.password_hash):
        raise InvalidConsent("Give this account's current password, or log in first.")
    if not user.active:
        raise NotFoundError("No open invitation matches this token.")
    if repository.membership_role(session, org.id, user.id) is not None:
        raise ConflictError(f"You are already a member of {org.slug}.")
    user.email_verified_at = user.email_verified_at or now
    if body.display_name:
        user.display_name = body.display_name
    invitation.accepted_at, invitation.accepted_by = now, user.id
    acceptor = Principal(user_id=user.id)
    audit.record(
        session,
        acceptor,
        action="invitation.accept",
        object_type="invitation",
        object_id=invitation.id,
        organisation_id=org.id,
        now=now,
    )
    add_membership(session, acceptor, org, user, invitation.role, now=now)
    return auth_service.open_session(session, settings, keys, user, now=now)


def _required_password(body: InvitationAccept) -> str:
    if body.password is None:
        raise ValidationFailed(
            "A password is needed to accept this invitation.",
            errors=[FieldError(loc=["body", "password"], msg="Field required", type="missing")],
        )
    return body.password


def add_membership(
    session: Session,
    principal: Principal | None,
    org: Organisation,
    user: UserAccount,
    role: Role,
    *,
    now: datetime,
) -> Membership:
    """Make user a member (an accepted invitation, or the operator's CLI), and tell them."""
    if repository.membership_for_update(session, org.id, user.id) is not None:
        raise ConflictError(f"{user.email} is already a member of {org.slug}.")
    membership = Membership(user_id=user.id, organisation_id=org.id, role=role)
    session.add(membership)
    session.flush()
    alerts.ensure_defaults(session, user.id, org.id, role, now)
    _membership_event(session, principal, org, user, "membership.create", None, role, now=now)
    _notify(session, principal, "joined", user, org, now=now, role=role.value)
    return membership


def _membership_event(
    session: Session,
    principal: Principal | None,
    org: Organisation,
    user: UserAccount,
    action: str,
    before: Role | None,
    after: Role | None,
    *,
    now: datetime,
) -> None:
    audit.record(
        session,
        principal,
        action=action,
        object_type="membership",
        object_id=user.id,
        organisation_id=org.id,
        before={"role": before} if before else None,
        after={"role": after} if after else None,
        now=now,
    )


def _notify(
    session: Session,
    principal: Principal | None,
    kind: str,
    to: UserAccount,
    org: Organisation,
    *,
    now: datetime,
    **values: str,
) -> None:
    """Mail a person, through the outbox, what was done to their membership or access."""
    actor = (
        auth_repository.user_by_id(session, principal.user_id)
        if principal and principal.user_id
        else None
    )
    mail = messages.compose(
        kind,
        to.email,
        organisation=org.name,
        actor=actor.display_name if actor else "An administrator",
        **values,
    )
    outbox.enqueue_mail(session, mail, now=now)


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
    policy.require_member_admin(principal, org, "change roles")
    membership = _membership(session, org, user_id)
    if membership.role is Role.admin and body.role is not Role.admin:
        _keep_an_admin(session, org, user_id)
    before = membership.role
    membership.role = body.role
    alerts.ensure_defaults(session, user_id, org.id, body.role, now)
    user = _user(session, user_id)
    auth_service.revoke_everything(session, user, now)
    _membership_event(
        session, principal, org, user, "membership.update", before, body.role, now=now
    )
    _notify(
        session,
        principal,
        "role_changed",
        user,
        org,
        now=now,
        before=before.value,
        after=body.role.value,
    )
    return _member_read(membership, user)


def remove_member(
    session: Session, principal: Principal, org_id: uuid.UUID, user_id: uuid.UUID, *, now: datetime
) -> None:
    org = _organisation(session, principal, org_id)
    policy.require_member_admin(principal, org, "remove members")
    membership = _membership(session, org, user_id)
    if membership.role is Role.admin:
        _keep_an_admin(session, org, user_id)
    session.delete(membership)
    user = _user(session, user_id)
    auth_service.revoke_everything(session, user, now)
    _membership_event(
        session, principal, org, user, "membership.delete", membership.role, None, now=now
    )
    _notify(session, principal, "removed", user, org, now=now)


# ---------------------------------------------------------------- support access


def grant_support(
    session: Session,
    principal: Principal,
    org_id: uuid.UUID,
    body: SupportGrantCreate,
    *,
    now: datetime,
) -> SupportGrantRead:
    """An organisation admin lets a hub admin act in the organisation for a few hours."""
    org = _organisation(session, principal, org_id)
    policy.require_member_admin(principal, org, "grant support access")
    grantee = auth_repository.user_by_email(session, str(body.grantee_email))
    if grantee is None or not grantee.is_hub_admin or not grantee.active:
        raise ValidationFailed(
            "Support access goes to an active hub admin only.",
            errors=[
                FieldError(loc=["body", "grantee_email"], msg="not a hub admin", type="value_error")
            ],
        )
    for earlier in repository.active_support_grants(
        session, now=now, org_id=org.id, grantee_id=grantee.id
    ):
        earlier.revoked_at = now
    grant = SupportGrant(
        organisation_id=org.id,
        grantee_id=grantee.id,
        role=body.role,
        reason=body.reason,
        granted_by=principal.user_id,
        created_at=now,
        expires_at=now + timedelta(hours=body.hours),
    )
    session.add(grant)
    session.flush()
    audit.record(
        session,
        principal,
        action="support_grant.create",
        object_type="support_grant",
        object_id=grant.id,
        organisation_id=org.id,
        after={
            "grantee_id": grantee.id,
            "role": body.role,
            "expires_at": grant.expires_at,
            "reason": body.reason,
        },
        now=now,
    )
    _notify(
        session,
        principal,
        "support_granted",
        grantee,
        org,
        now=now,
        role=body.role.value,
        expires=grant.expires_at.strftime("%Y-%m-%d %H:%M"),
        reason=body.reason,
    )
    return SupportGrantRead.model_validate(grant)


def list_support_grants(
    session: Session, principal: Principal, org_id: uuid.UUID
) -> list[SupportGrantRead]:
    org = _organisation(session, principal, org_id)
    policy.require_member_admin(principal, org, "list support grants")
    return [SupportGrantRead.model_validate(g) for g in repository.support_grants(session, org.id)]


def revoke_support(
    session: Session, principal: Principal, org_id: uuid.UUID, grant_id: uuid.UUID, *, now: datetime
) -> None:
    org = _organisation(session, principal, org_id)
    policy.require_member_admin(principal, org, "revoke support access")
    grant = repository.support_grant_for_update(session, org.id, grant_id)
    if grant is None:
        raise NotFoundError("No such support grant.")
    if grant.revoked_at is not None or grant.expires_at <= now:
        return
    grant.revoked_at = now
    grantee = _user(session, grant.grantee_id)
    audit.record(
        session,
        principal,
        action="support_grant.revoke",
        object_type="support_grant",
        object_id=grant.id,
        organisation_id=org.id,
        now=now,
    )
    _notify(session, principal, "support_revoked", grantee, org, now=now)


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
