"""HTTP endpoints for organisations and their members."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Header, Response, status

from app.auth.dependencies import UserDep
from app.core.etag import etag, parse_if_match
from app.core.time import utcnow
from app.db import SessionDep
from app.errors import problem_responses
from app.orgs import service
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

router = APIRouter(prefix="/api/v1/organisations", tags=["organisations"])


@router.post(
    "",
    response_model=OrganisationRead,
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 403, 409),
)
def create_organisation(
    body: OrganisationCreate, session: SessionDep, principal: UserDep, response: Response
) -> OrganisationRead:
    """Create a member organisation (hub admins)."""
    org = service.create_organisation(session, principal, body, now=utcnow())
    response.headers["ETag"] = etag(org.version)
    return org


@router.get("", response_model=list[OrganisationRead], responses=problem_responses(401))
def list_organisations(session: SessionDep, principal: UserDep) -> list[OrganisationRead]:
    """The network's organisations."""
    return service.list_organisations(session, principal)


@router.get("/{org_id}", response_model=OrganisationRead, responses=problem_responses(401, 404))
def get_organisation(
    org_id: uuid.UUID, session: SessionDep, principal: UserDep, response: Response
) -> OrganisationRead:
    """One organisation, with its ETag."""
    org = service.get_organisation(session, principal, org_id)
    response.headers["ETag"] = etag(org.version)
    return org


@router.patch(
    "/{org_id}",
    response_model=OrganisationRead,
    responses=problem_responses(401, 403, 404, 412, 428),
)
def patch_organisation(
    org_id: uuid.UUID,
    body: OrganisationPatch,
    session: SessionDep,
    principal: UserDep,
    response: Response,
    if_match: Annotated[str | None, Header()] = None,
) -> OrganisationRead:
    """Edit an organisation (its admins; activation by hub admins). Requires If-Match."""
    org = service.patch_organisation(
        session, principal, org_id, body, expected_version=parse_if_match(if_match), now=utcnow()
    )
    response.headers["ETag"] = etag(org.version)
    return org


@router.get(
    "/{org_id}/members", response_model=list[MemberRead], responses=problem_responses(401, 403, 404)
)
def list_members(org_id: uuid.UUID, session: SessionDep, principal: UserDep) -> list[MemberRead]:
    """Members of an organisation with their roles (its members and hub admins)."""
    return service.list_members(session, principal, org_id)


@router.post(
    "/{org_id}/members",
    response_model=InvitationRead,
    status_code=status.HTTP_202_ACCEPTED,
    responses=problem_responses(401, 403, 404, 409),
)
def invite_member(
    org_id: uuid.UUID, body: MemberAdd, session: SessionDep, principal: UserDep
) -> InvitationRead:
    """Invite a person by email with a role; they join when they accept the mailed token."""
    return service.invite_member(session, principal, org_id, body, now=utcnow())


@router.get(
    "/{org_id}/invitations",
    response_model=list[InvitationRead],
    responses=problem_responses(401, 403, 404),
)
def list_invitations(
    org_id: uuid.UUID, session: SessionDep, principal: UserDep
) -> list[InvitationRead]:
    """Open invitations of an organisation (its admins)."""
    return service.list_invitations(session, principal, org_id, now=utcnow())


@router.delete(
    "/{org_id}/invitations/{invitation_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(401, 403, 404),
)
def revoke_invitation(
    org_id: uuid.UUID, invitation_id: uuid.UUID, session: SessionDep, principal: UserDep
) -> Response:
    """Withdraw an open invitation: its token stops working."""
    service.revoke_invitation(session, principal, org_id, invitation_id, now=utcnow())
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.patch(
    "/{org_id}/members/{user_id}",
    response_model=MemberRead,
    responses=problem_responses(401, 403, 404, 409),
)
def change_member_role(
    org_id: uuid.UUID,
    user_id: uuid.UUID,
    body: MemberPatch,
    session: SessionDep,
    principal: UserDep,
) -> MemberRead:
    """Change a member's role; the last admin cannot be demoted."""
    return service.change_role(session, principal, org_id, user_id, body, now=utcnow())


@router.delete(
    "/{org_id}/members/{user_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(401, 403, 404, 409),
)
def remove_member(
    org_id: uuid.UUID, user_id: uuid.UUID, session: SessionDep, principal: UserDep
) -> Response:
    """Remove a member; the last admin cannot be removed."""
    service.remove_member(session, principal, org_id, user_id, now=utcnow())
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/{org_id}/support-grants",
    response_model=SupportGrantRead,
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 403, 404),
)
def grant_support(
    org_id: uuid.UUID, body: SupportGrantCreate, session: SessionDep, principal: UserDep
) -> SupportGrantRead:
    """Let a hub admin act in the organisation with a role for a few hours (its admins)."""
    return service.grant_support(session, principal, org_id, body, now=utcnow())


@router.get(
    "/{org_id}/support-grants",
    response_model=list[SupportGrantRead],
    responses=problem_responses(401, 403, 404),
)
def list_support_grants(
    org_id: uuid.UUID, session: SessionDep, principal: UserDep
) -> list[SupportGrantRead]:
    """Support grants of an organisation, newest first (its admins)."""
    return service.list_support_grants(session, principal, org_id)


@router.delete(
    "/{org_id}/support-grants/{grant_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(401, 403, 404),
)
def revoke_support_grant(
    org_id: uuid.UUID, grant_id: uuid.UUID, session: SessionDep, principal: UserDep
) -> Response:
    """End a support grant now."""
    service.revoke_support(session, principal, org_id, grant_id, now=utcnow())
    return Response(status_code=status.HTTP_204_NO_CONTENT)
