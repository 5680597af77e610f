"""HTTP endpoints for the reference model: public reads, curated writes."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from app.auth.dependencies import UserDep
from app.core.etag import IfMatch, etag, parse_if_match
from app.core.time import utcnow
from app.db import SessionDep
from app.errors import problem_responses
from app.reference import service
from app.reference.schemas import (
    CrosswalkCreate,
    CrosswalkEntry,
    EquivalentsQuery,
    EquivalentsRead,
    ForumCreate,
    ForumPatch,
    ForumQuery,
    ForumRead,
    InstrumentCreate,
    InstrumentDetail,
    InstrumentPatch,
    InstrumentQuery,
    InstrumentRead,
    JurisdictionDetail,
    JurisdictionQuery,
    JurisdictionRead,
    ObligationsRead,
    ParsedProvision,
    ProvisionCreate,
    ProvisionRead,
    RatificationPut,
    RatificationRead,
    RightCreate,
    RightDetail,
    RightPatch,
    RightRead,
)

router = APIRouter(prefix="/api/v1/reference", tags=["reference"])
WRITE_ERRORS = problem_responses(401, 403, 404, 409)
PATCH_ERRORS = problem_responses(401, 403, 404, 412, 428)


@router.get("/instruments", response_model=list[InstrumentRead])
def list_instruments(
    query: Annotated[InstrumentQuery, Query()], session: SessionDep
) -> list[InstrumentRead]:
    """Treaties, protocols, EU law, declarations, soft law and general comments."""
    return service.list_instruments(session, query)


@router.get(
    "/instruments/{instrument_id}",
    response_model=InstrumentDetail,
    responses=problem_responses(404),
)
def get_instrument(instrument_id: str, session: SessionDep, response: Response) -> InstrumentDetail:
    """One instrument with its monitoring bodies."""
    found = service.get_instrument(session, instrument_id)
    response.headers["ETag"] = etag(found.version)
    return found


@router.get(
    "/instruments/{instrument_id}/provisions",
    response_model=list[ProvisionRead],
    responses=problem_responses(404),
)
def list_provisions(instrument_id: str, session: SessionDep) -> list[ProvisionRead]:
    """The provisions Comity records for an instrument."""
    return service.list_provisions(session, instrument_id)


@router.post(
    "/instruments",
    response_model=InstrumentDetail,
    status_code=status.HTTP_201_CREATED,
    responses=WRITE_ERRORS,
)
def create_instrument(
    body: InstrumentCreate, session: SessionDep, principal: UserDep
) -> InstrumentDetail:
    """Add an instrument (hub admins)."""
    return service.create_instrument(session, principal, body, now=utcnow())


@router.patch(
    "/instruments/{instrument_id}", response_model=InstrumentDetail, responses=PATCH_ERRORS
)
def patch_instrument(
    instrument_id: str,
    body: InstrumentPatch,
    session: SessionDep,
    principal: UserDep,
    response: Response,
    if_match: IfMatch = None,
) -> InstrumentDetail:
    """Edit an instrument (hub admins). Requires If-Match."""
    found = service.patch_instrument(
        session,
        principal,
        instrument_id,
        body,
        expected_version=parse_if_match(if_match),
        now=utcnow(),
    )
    response.headers["ETag"] = etag(found.version)
    return found


@router.post(
    "/instruments/{instrument_id}/provisions",
    response_model=ProvisionRead,
    status_code=status.HTTP_201_CREATED,
    responses=WRITE_ERRORS,
)
def add_provision(
    instrument_id: str, body: ProvisionCreate, session: SessionDep, principal: UserDep
) -> ProvisionRead:
    """Record a provision, optionally with its validity and successor (hub admins)."""
    return service.add_provision(session, principal, instrument_id, body, now=utcnow())


@router.get("/rights", response_model=list[RightRead])
def list_rights(session: SessionDep) -> list[RightRead]:
    """Right concepts, labelled in English, Spanish and French."""
    return service.list_rights(session)


@router.get("/rights/{right_id}", response_model=RightDetail, responses=problem_responses(404))
def get_right(right_id: str, session: SessionDep, response: Response) -> RightDetail:
    """A right concept with the provisions that protect it, grouped by system."""
    found = service.get_right(session, right_id)
    response.headers["ETag"] = etag(found.version)
    return found


@router.post(
    "/rights",
    response_model=RightDetail,
    status_code=status.HTTP_201_CREATED,
    responses=WRITE_ERRORS,
)
def create_right(body: RightCreate, session: SessionDep, principal: UserDep) -> RightDetail:
    """Add a right concept (hub admins)."""
    return service.create_right(session, principal, body, now=utcnow())


@router.patch("/rights/{right_id}", response_model=RightDetail, responses=PATCH_ERRORS)
def patch_right(
    right_id: str,
    body: RightPatch,
    session: SessionDep,
    principal: UserDep,
    response: Response,
    if_match: IfMatch = None,
) -> RightDetail:
    """Edit a right concept (hub admins). Requires If-Match."""
    found = service.patch_right(
        session, principal, right_id, body, expected_version=parse_if_match(if_match), now=utcnow()
    )
    response.headers["ETag"] = etag(found.version)
    return found


@router.post(
    "/crosswalk",
    response_model=CrosswalkEntry,
    status_code=status.HTTP_201_CREATED,
    responses=WRITE_ERRORS,
)
def add_crosswalk(body: CrosswalkCreate, session: SessionDep, principal: UserDep) -> CrosswalkEntry:
    """Link a provision to a right concept with its basis (hub admins)."""
    return service.add_crosswalk(session, principal, body, now=utcnow())


@router.delete(
    "/crosswalk/{row_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(401, 403, 404),
)
def delete_crosswalk(row_id: uuid.UUID, session: SessionDep, principal: UserDep) -> Response:
    """Remove a crosswalk link (hub admins)."""
    service.delete_crosswalk(session, principal, row_id, now=utcnow())
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/equivalents", response_model=EquivalentsRead, responses=problem_responses(422))
def equivalents(
    query: Annotated[EquivalentsQuery, Query()], session: SessionDep
) -> EquivalentsRead:
    """Provisions of other instruments that protect the same rights, with basis and sources."""
    return service.equivalents(session, query)


@router.get("/parse-provision", response_model=ParsedProvision, responses=problem_responses(422))
def parse_provision(
    text: Annotated[str, Query(min_length=1, max_length=200)], session: SessionDep
) -> ParsedProvision:
    """Read a provision as litigators write it (`ECHR art. 5 § 1 (f)`, `artículo 7 CADH`)."""
    return service.parse_for_display(session, text)


@router.get("/forums", response_model=list[ForumRead])
def list_forums(query: Annotated[ForumQuery, Query()], session: SessionDep) -> list[ForumRead]:
    """Courts, treaty bodies and supervisory bodies."""
    return service.list_forums(session, query)


@router.get("/forums/{forum_id}", response_model=ForumRead, responses=problem_responses(404))
def get_forum(forum_id: str, session: SessionDep, response: Response) -> ForumRead:
    """One forum."""
    found = service.get_forum(session, forum_id)
    response.headers["ETag"] = etag(found.version)
    return found


@router.post(
    "/forums", response_model=ForumRead, status_code=status.HTTP_201_CREATED, responses=WRITE_ERRORS
)
def create_forum(body: ForumCreate, session: SessionDep, principal: UserDep) -> ForumRead:
    """Add a forum (hub admins), or propose a national court (litigators)."""
    return service.create_forum(session, principal, body, now=utcnow())


@router.patch("/forums/{forum_id}", response_model=ForumRead, responses=PATCH_ERRORS)
def patch_forum(
    forum_id: str,
    body: ForumPatch,
    session: SessionDep,
    principal: UserDep,
    response: Response,
    if_match: IfMatch = None,
) -> ForumRead:
    """Curate a forum (hub admins). Requires If-Match."""
    found = service.patch_forum(
        session, principal, forum_id, body, expected_version=parse_if_match(if_match), now=utcnow()
    )
    response.headers["ETag"] = etag(found.version)
    return found


@router.get("/jurisdictions", response_model=list[JurisdictionRead])
def list_jurisdictions(
    query: Annotated[JurisdictionQuery, Query()], session: SessionDep
) -> list[JurisdictionRead]:
    """States (ISO 3166-1 alpha-2) and regional or international systems."""
    return service.list_jurisdictions(session, query)


@router.get(
    "/jurisdictions/{code}", response_model=JurisdictionDetail, responses=problem_responses(404)
)
def get_jurisdiction(code: str, session: SessionDep) -> JurisdictionDetail:
    """A State with the systems it belongs to, or a system with its members."""
    return service.get_jurisdiction(session, code)


@router.get(
    "/jurisdictions/{code}/obligations",
    response_model=ObligationsRead,
    responses=problem_responses(404),
)
def obligations(code: str, session: SessionDep) -> ObligationsRead:
    """Instruments binding a State and the complaint mechanisms open to its residents."""
    return service.obligations(session, code)


@router.put(
    "/ratifications/{state}/{instrument_id}",
    response_model=RatificationRead,
    responses=problem_responses(401, 403, 404),
)
def put_ratification(
    state: str,
    instrument_id: str,
    body: RatificationPut,
    session: SessionDep,
    principal: UserDep,
) -> RatificationRead:
    """Record a State's ratification, signature or declaration (hub admins)."""
    return service.put_ratification(session, principal, state, instrument_id, body, now=utcnow())
