"""HTTP endpoints for cases and their claims, timeline, parties and citations."""

from __future__ import annotations

import itertools
import uuid
from enum import StrEnum
from typing import Annotated, Any

from fastapi import (
    APIRouter,
    Depends,
    File,
    Form,
    Query,
    Response,
    UploadFile,
    status,
)
from fastapi.responses import StreamingResponse

from app.auth.dependencies import KeyringDep, PrincipalDep, StreamingPrincipalDep, UserDep
from app.cases import extraction, interchange, service, transfer
from app.cases.extraction import ExtractRequest, FoundCitation
from app.cases.importing import ImportReport
from app.cases.schemas import (
    CaseCreate,
    CasePatch,
    CaseQuery,
    CaseRead,
    CaseSummary,
    CitationCreate,
    CitationPatch,
    CitationRead,
    CitedByQuery,
    ClaimIn,
    ClaimPatch,
    ClaimRead,
    FollowedUpdate,
    PartyCreate,
    PartyRead,
    ProtectedData,
    UpdateCreate,
    UpdateRead,
)
from app.core.etag import IfMatch, etag, parse_if_match
from app.core.forms import forbid_empty_form_fields, forbid_unknown_form_fields
from app.core.idempotency import IdempotencyDep
from app.core.pagination import Page
from app.core.time import utcnow
from app.db import SessionDep, StreamingSessionDep
from app.errors import ValidationFailed, problem_responses
from app.orgs.models import Visibility

router = APIRouter(prefix="/api/v1/cases", tags=["cases"])
READ = problem_responses(404)
WRITE = problem_responses(401, 403, 404, 409)
CONDITIONAL = problem_responses(401, 403, 404, 409, 412, 428)


@router.get("", response_model=Page[CaseSummary], responses=problem_responses(422))
def list_cases(
    query: Annotated[CaseQuery, Query()], session: SessionDep, principal: PrincipalDep
) -> Page[CaseSummary]:
    """Cases you may read, filtered, newest decision first, with cursor pagination."""
    return service.list_cases(session, principal, query)


@router.post("", response_model=CaseRead, status_code=status.HTTP_201_CREATED, responses=WRITE)
def create_case(
    body: CaseCreate, session: SessionDep, principal: UserDep, idempotency: IdempotencyDep
) -> Any:
    """File a case with its identifiers and claims (litigators and admins)."""
    return idempotency.run(
        principal.user_id,
        body,
        lambda: service.file_case(session, principal, body, now=utcnow()),
        status_code=status.HTTP_201_CREATED,
    )


@router.get("/{case_id}", response_model=CaseRead, responses=READ)
def get_case(case_id: uuid.UUID, session: SessionDep, principal: PrincipalDep) -> Response:
    """One case with its claims; the ETag is needed to change it."""
    # The database writes the JSON (see repository.case_document): the hottest read skips
    # the ORM and a second validation of the response.
    version, document = service.case_json(session, principal, case_id)
    return Response(document, media_type="application/json", headers={"ETag": etag(version)})


@router.patch("/{case_id}", response_model=CaseRead, responses=CONDITIONAL)
def patch_case(
    case_id: uuid.UUID,
    body: CasePatch,
    session: SessionDep,
    principal: UserDep,
    response: Response,
    if_match: IfMatch = None,
) -> CaseRead:
    """Edit a case (litigators; visibility: admins). Requires If-Match."""
    case = service.patch_case(
        session, principal, case_id, body, expected_version=parse_if_match(if_match), now=utcnow()
    )
    response.headers["ETag"] = etag(case.version)
    return case


@router.delete("/{case_id}", status_code=status.HTTP_204_NO_CONTENT, responses=CONDITIONAL)
def delete_case(
    case_id: uuid.UUID, session: SessionDep, principal: UserDep, if_match: IfMatch = None
) -> Response:
    """Delete a case (admins of the owning organisation). Requires If-Match."""
    service.delete_case(
        session, principal, case_id, expected_version=parse_if_match(if_match), now=utcnow()
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.put(
    "/{case_id}/follow",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(401, 404),
)
def follow_case(case_id: uuid.UUID, session: SessionDep, principal: UserDep) -> Response:
    """Follow a case you may read: its updates join `GET /api/v1/me/followed-updates`."""
    service.follow_case(session, principal, case_id, now=utcnow())
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.delete(
    "/{case_id}/follow",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(401, 404),
)
def unfollow_case(case_id: uuid.UUID, session: SessionDep, principal: UserDep) -> Response:
    """Stop following a case."""
    service.unfollow_case(session, principal, case_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/{case_id}/claims", response_model=list[ClaimRead], responses=READ)
def list_claims(
    case_id: uuid.UUID, session: SessionDep, principal: PrincipalDep
) -> list[ClaimRead]:
    """The case's rights claims with provisions and findings."""
    return service.list_claims(session, principal, case_id)


@router.post(
    "/{case_id}/claims",
    response_model=ClaimRead,
    status_code=status.HTTP_201_CREATED,
    responses=WRITE,
)
def add_claim(
    case_id: uuid.UUID,
    body: ClaimIn,
    session: SessionDep,
    principal: UserDep,
    idempotency: IdempotencyDep,
) -> Any:
    """Add a rights claim (litigators)."""
    return idempotency.run(
        principal.user_id,
        body,
        lambda: service.add_claim(session, principal, case_id, body, now=utcnow()),
        status_code=status.HTTP_201_CREATED,
    )


@router.patch("/{case_id}/claims/{claim_id}", response_model=ClaimRead, responses=CONDITIONAL)
def patch_claim(
    case_id: uuid.UUID,
    claim_id: uuid.UUID,
    body: ClaimPatch,
    session: SessionDep,
    principal: UserDep,
    if_match: IfMatch = None,
) -> ClaimRead:
    """Edit a claim (litigators). Requires the case's If-Match."""
    return service.patch_claim(
        session,
        principal,
        case_id,
        claim_id,
        body,
        expected_version=parse_if_match(if_match),
        now=utcnow(),
    )


@router.delete(
    "/{case_id}/claims/{claim_id}", status_code=status.HTTP_204_NO_CONTENT, responses=CONDITIONAL
)
def delete_claim(
    case_id: uuid.UUID,
    claim_id: uuid.UUID,
    session: SessionDep,
    principal: UserDep,
    if_match: IfMatch = None,
) -> Response:
    """Remove a claim (litigators). Requires the case's If-Match."""
    service.delete_claim(
        session,
        principal,
        case_id,
        claim_id,
        expected_version=parse_if_match(if_match),
        now=utcnow(),
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/{case_id}/updates", response_model=list[UpdateRead], responses=READ)
def list_updates(
    case_id: uuid.UUID, session: SessionDep, principal: PrincipalDep
) -> list[UpdateRead]:
    """The case's timeline, oldest first (internal entries for the owning organisation only)."""
    return service.list_updates(session, principal, case_id)


@router.post(
    "/{case_id}/updates",
    response_model=UpdateRead,
    status_code=status.HTTP_201_CREATED,
    responses=WRITE,
)
def add_update(
    case_id: uuid.UUID,
    body: UpdateCreate,
    session: SessionDep,
    principal: UserDep,
    idempotency: IdempotencyDep,
) -> Any:
    """Post a filing, hearing, interim measure, decision (with findings) or note (staff)."""
    return idempotency.run(
        principal.user_id,
        body,
        lambda: service.add_update(session, principal, case_id, body, now=utcnow()),
        status_code=status.HTTP_201_CREATED,
    )


@router.get("/{case_id}/parties", response_model=list[PartyRead], responses=READ)
def list_parties(
    case_id: uuid.UUID, session: SessionDep, principal: PrincipalDep
) -> list[PartyRead]:
    """Parties by pseudonym; identities are never listed here."""
    return service.list_parties(session, principal, case_id)


@router.post(
    "/{case_id}/parties",
    response_model=PartyRead,
    status_code=status.HTTP_201_CREATED,
    responses=WRITE,
)
def add_party(
    case_id: uuid.UUID,
    body: PartyCreate,
    session: SessionDep,
    principal: UserDep,
    keyring: KeyringDep,
    idempotency: IdempotencyDep,
) -> Any:
    """Add a party with a pseudonym and, optionally, encrypted client data (litigators)."""
    return idempotency.run(
        principal.user_id,
        body,
        lambda: service.add_party(session, principal, keyring, case_id, body, now=utcnow()),
        status_code=status.HTTP_201_CREATED,
    )


@router.get(
    "/{case_id}/parties/{party_id}/protected",
    response_model=ProtectedData,
    responses=problem_responses(401, 403, 404),
)
def get_protected(
    case_id: uuid.UUID,
    party_id: uuid.UUID,
    session: SessionDep,
    principal: UserDep,
    keyring: KeyringDep,
) -> ProtectedData:
    """A party's client data (litigators and admins of the owning organisation)."""
    return service.get_protected(session, principal, keyring, case_id, party_id, now=utcnow())


@router.put(
    "/{case_id}/parties/{party_id}/protected",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(401, 403, 404),
)
def put_protected(
    case_id: uuid.UUID,
    party_id: uuid.UUID,
    body: ProtectedData,
    session: SessionDep,
    principal: UserDep,
    keyring: KeyringDep,
) -> Response:
    """Record or replace a party's client data, encrypted at rest (litigators)."""
    service.put_protected(session, principal, keyring, case_id, party_id, body, now=utcnow())
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.delete(
    "/{case_id}/parties/{party_id}/protected",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(401, 403, 404),
)
def erase_protected(
    case_id: uuid.UUID, party_id: uuid.UUID, session: SessionDep, principal: UserDep
) -> Response:
    """Erase a party's client data for good; an audit record remains (litigators)."""
    service.erase_protected(session, principal, case_id, party_id, now=utcnow())
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/{case_id}/citations", response_model=list[CitationRead], responses=READ)
def list_citations(
    case_id: uuid.UUID, session: SessionDep, principal: PrincipalDep
) -> list[CitationRead]:
    """Decisions this case cites, with their treatment."""
    return service.list_citations(session, principal, case_id)


@router.post(
    "/{case_id}/citations",
    response_model=CitationRead,
    status_code=status.HTTP_201_CREATED,
    responses=WRITE,
)
def add_citation(
    case_id: uuid.UUID,
    body: CitationCreate,
    session: SessionDep,
    principal: UserDep,
    idempotency: IdempotencyDep,
) -> Any:
    """Record that this case cites another decision (litigators)."""
    return idempotency.run(
        principal.user_id,
        body,
        lambda: service.add_citation(session, principal, case_id, body, now=utcnow()),
        status_code=status.HTTP_201_CREATED,
    )


@router.patch("/{case_id}/citations/{citation_id}", response_model=CitationRead, responses=WRITE)
def patch_citation(
    case_id: uuid.UUID,
    citation_id: uuid.UUID,
    body: CitationPatch,
    session: SessionDep,
    principal: UserDep,
) -> CitationRead:
    """Review a citation: accept or reject an extracted one, correct its treatment."""
    return service.patch_citation(session, principal, case_id, citation_id, body, now=utcnow())


@router.post("/{case_id}/extract-citations", response_model=list[FoundCitation], responses=WRITE)
def propose_citations(
    case_id: uuid.UUID, session: SessionDep, principal: UserDep
) -> list[FoundCitation]:
    """Find what the case's own texts cite and record it as citations pending review."""
    return extraction.propose_for_case(session, principal, case_id, now=utcnow())


@router.get("/{case_id}/cited-by", response_model=list[CitationRead], responses=READ)
def cited_by(
    case_id: uuid.UUID,
    query: Annotated[CitedByQuery, Query()],
    session: SessionDep,
    principal: PrincipalDep,
) -> list[CitationRead]:
    """Later decisions you may read that cite this one; `knock_on=true` keeps foreign ones."""
    return service.cited_by(session, principal, case_id, query)


me_router = APIRouter(prefix="/api/v1/me", tags=["cases"])


@me_router.get(
    "/followed-updates", response_model=list[FollowedUpdate], responses=problem_responses(401)
)
def followed_updates(
    session: SessionDep,
    principal: UserDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> list[FollowedUpdate]:
    """The newest updates of the cases you follow, among those you may still read."""
    return service.followed_updates(session, principal, limit=limit)


citations_router = APIRouter(prefix="/api/v1/citations", tags=["citations"])


@citations_router.post(
    "/extract", response_model=list[FoundCitation], responses=problem_responses(413)
)
def extract_citations(
    body: ExtractRequest, session: SessionDep, principal: PrincipalDep
) -> list[FoundCitation]:
    """Every case citation in a text, with its span and whether Comity holds the decision."""
    return extraction.extract_request(session, principal, body)


transfer_router = APIRouter(prefix="/api/v1", tags=["transfer"])


class ExportFormat(StrEnum):
    jsonl = "jsonl"
    csv = "csv"


class ExportQuery(CaseQuery):
    format: ExportFormat = ExportFormat.jsonl


@transfer_router.post(
    "/imports",
    response_model=ImportReport,
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 403, 413),
    dependencies=[Depends(forbid_unknown_form_fields), Depends(forbid_empty_form_fields)],
)
def import_cases(
    session: SessionDep,
    principal: UserDep,
    file: Annotated[UploadFile, File(description="A Comity interchange file.")],
    format: Annotated[ExportFormat, Form()] = ExportFormat.jsonl,
    visibility: Annotated[Visibility, Form()] = Visibility.private,
    owner_org_id: Annotated[uuid.UUID | None, Form()] = None,
    dry_run: Annotated[bool, Form()] = False,
    partial: Annotated[bool, Form()] = False,
) -> Any:
    """Import cases (litigators): all-or-nothing unless `partial`; errors by line and field."""
    report = transfer.import_file(
        session,
        principal,
        file.file.read(),
        fmt=format.value,
        owner_org_id=owner_org_id,
        visibility=visibility,
        partial=partial,
        dry_run=dry_run,
        now=utcnow(),
    )
    if report.errors and not report.written and not report.dry_run:
        raise ImportRejected(
            f"{len(report.errors)} record error(s); nothing was imported.",
            report=report.model_dump(mode="json"),
        )
    return report


class ImportRejected(ValidationFailed):
    code = "import_rejected"
    title = "The file has invalid records"


@transfer_router.get(
    "/exports/cases",
    response_class=StreamingResponse,
    responses={200: {"content": {"application/x-ndjson": {}, "text/csv": {}}}},
)
def export_cases(
    query: Annotated[ExportQuery, Query()],
    principal: StreamingPrincipalDep,
    session: StreamingSessionDep,
) -> StreamingResponse:
    """Stream the cases you may read as JSON Lines or CSV (never client data)."""

    # Run the first page now: a value the database refuses becomes a problem response
    # instead of an error after the stream has started.
    cases = transfer.export_cases(session, principal, query)
    first = next(cases, None)
    records = itertools.chain([] if first is None else [first], cases)

    def body() -> Any:
        if query.format is ExportFormat.csv:
            yield from interchange.to_csv_rows(records)
        else:
            for case in records:
                yield interchange.to_jsonl_line(case)

    media = "text/csv" if query.format is ExportFormat.csv else "application/x-ndjson"
    return StreamingResponse(
        body(),
        media_type=media,
        headers={
            "Content-Disposition": f'attachment; filename="comity-cases.{query.format.value}"'
        },
    )
