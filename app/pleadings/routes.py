"""HTTP endpoints for model pleadings: versions, adaptations, uses, rendering, attachments."""

from __future__ import annotations

import hashlib
import re
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Header, Path, Query, Response, UploadFile
from fastapi import status as http

from app.auth.dependencies import KeyringDep, PrincipalDep, SettingsDep, UserDep
from app.config import Settings
from app.core.etag import IfMatch, etag, parse_if_match
from app.core.forms import forbid_unknown_form_fields
from app.core.idempotency import IdempotencyDep
from app.core.middleware import BodyAllowance
from app.core.pagination import Page
from app.core.time import utcnow
from app.db import SessionDep
from app.errors import problem_responses
from app.pleadings import service
from app.pleadings.attachments import content_disposition
from app.pleadings.schemas import (
    AttachmentRead,
    ForkCreate,
    PleadingCreate,
    PleadingPatch,
    PleadingQuery,
    PleadingRead,
    PleadingSummary,
    RenderRequest,
    UseCreate,
    UseRead,
    UsesRead,
    VersionCreate,
    VersionPatch,
    VersionRead,
    VersionSummary,
)

PREFIX = "/api/v1/model-pleadings"
router = APIRouter(prefix=PREFIX, tags=["model-pleadings"])
Number = Annotated[int, Path(ge=1, le=100_000, description="Version number.")]
READ = problem_responses(404, 422)
WRITE = problem_responses(401, 403, 404, 409, 422)
CONDITIONAL = problem_responses(401, 403, 404, 409, 412, 422, 428)
UPLOAD_PATH = re.compile(rf"{PREFIX}/[^/]+/versions/[^/]+/attachments")
# Room for the multipart envelope around a file of the largest allowed size.
MULTIPART_OVERHEAD = 64 * 1024
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def upload_allowances(settings: Settings) -> list[BodyAllowance]:
    """Attachment uploads may exceed the general body limit, up to the attachment limit."""
    return [BodyAllowance("POST", UPLOAD_PATH, settings.max_attachment_bytes + MULTIPART_OVERHEAD)]


@router.get("", response_model=Page[PleadingSummary], responses=problem_responses(422))
def list_pleadings(
    query: Annotated[PleadingQuery, Query()], session: SessionDep, principal: PrincipalDep
) -> Page[PleadingSummary]:
    """Model pleadings you may read, filtered, newest first, with cursor pagination."""
    return service.list_pleadings(session, principal, query)


@router.post("", response_model=PleadingRead, status_code=http.HTTP_201_CREATED, responses=WRITE)
def create_pleading(
    body: PleadingCreate, session: SessionDep, principal: UserDep, idempotency: IdempotencyDep
) -> Any:
    """Start a model pleading (litigators and admins); add its text as a version."""
    return idempotency.run(
        principal.user_id,
        body,
        lambda: service.create_pleading(session, principal, body, now=utcnow()),
        status_code=http.HTTP_201_CREATED,
    )


@router.get("/{pleading_id}", response_model=PleadingRead, responses=READ)
def get_pleading(
    pleading_id: uuid.UUID, session: SessionDep, principal: PrincipalDep, response: Response
) -> PleadingRead:
    """One model pleading with its usage, authorities at risk and upstream changes."""
    pleading = service.get_pleading(session, principal, pleading_id)
    response.headers["ETag"] = etag(pleading.version)
    return pleading


@router.patch("/{pleading_id}", response_model=PleadingRead, responses=CONDITIONAL)
def patch_pleading(
    pleading_id: uuid.UUID,
    body: PleadingPatch,
    session: SessionDep,
    principal: UserDep,
    response: Response,
    if_match: IfMatch = None,
) -> PleadingRead:
    """Edit a pleading (litigators; visibility: admins). Requires If-Match."""
    pleading = service.patch_pleading(
        session,
        principal,
        pleading_id,
        body,
        expected_version=parse_if_match(if_match),
        now=utcnow(),
    )
    response.headers["ETag"] = etag(pleading.version)
    return pleading


@router.delete("/{pleading_id}", status_code=http.HTTP_204_NO_CONTENT, responses=CONDITIONAL)
def delete_pleading(
    pleading_id: uuid.UUID, session: SessionDep, principal: UserDep, if_match: IfMatch = None
) -> Response:
    """Delete a pleading (admins of the owning organisation). Requires If-Match."""
    service.delete_pleading(
        session, principal, pleading_id, expected_version=parse_if_match(if_match), now=utcnow()
    )
    return Response(status_code=http.HTTP_204_NO_CONTENT)


@router.get("/{pleading_id}/versions", response_model=list[VersionSummary], responses=READ)
def list_versions(
    pleading_id: uuid.UUID, session: SessionDep, principal: PrincipalDep
) -> list[VersionSummary]:
    """Published versions, oldest first (drafts too for the owning organisation)."""
    return service.list_versions(session, principal, pleading_id)


@router.post(
    "/{pleading_id}/versions",
    response_model=VersionRead,
    status_code=http.HTTP_201_CREATED,
    responses=WRITE,
)
def create_version(
    pleading_id: uuid.UUID,
    body: VersionCreate,
    session: SessionDep,
    principal: UserDep,
    idempotency: IdempotencyDep,
) -> Any:
    """Open the next draft version (litigators); the template is checked, never run."""
    return idempotency.run(
        principal.user_id,
        body,
        lambda: service.create_version(session, principal, pleading_id, body, now=utcnow()),
        status_code=http.HTTP_201_CREATED,
    )


@router.get("/{pleading_id}/versions/{number}", response_model=VersionRead, responses=READ)
def get_version(
    pleading_id: uuid.UUID,
    number: Number,
    session: SessionDep,
    principal: PrincipalDep,
    response: Response,
) -> VersionRead:
    """One version with its template, variables and argument sections."""
    version = service.get_version(session, principal, pleading_id, number)
    response.headers["ETag"] = etag(version.revision)
    return version


@router.patch("/{pleading_id}/versions/{number}", response_model=VersionRead, responses=CONDITIONAL)
def patch_version(
    pleading_id: uuid.UUID,
    number: Number,
    body: VersionPatch,
    session: SessionDep,
    principal: UserDep,
    response: Response,
    if_match: IfMatch = None,
) -> VersionRead:
    """Edit a draft version (litigators); published versions never change. Requires If-Match."""
    version = service.patch_version(
        session,
        principal,
        pleading_id,
        number,
        body,
        expected_revision=parse_if_match(if_match),
        now=utcnow(),
    )
    response.headers["ETag"] = etag(version.revision)
    return version


@router.post(
    "/{pleading_id}/versions/{number}/publish",
    response_model=VersionRead,
    responses=problem_responses(401, 403, 404, 409, 412, 422),
)
def publish_version(
    pleading_id: uuid.UUID,
    number: Number,
    session: SessionDep,
    principal: UserDep,
    idempotency: IdempotencyDep,
    response: Response,
    if_match: Annotated[
        str | None, Header(description="The draft's ETag, to publish exactly what you read.")
    ] = None,
) -> Any:
    """Publish a draft version (litigators): it is frozen from now on."""
    expected = parse_if_match(if_match) if if_match and if_match.strip() else None
    published = idempotency.run(
        principal.user_id,
        {"publish": number},
        lambda: service.publish_version(
            session, principal, pleading_id, number, expected_revision=expected, now=utcnow()
        ),
        status_code=http.HTTP_200_OK,
    )
    if isinstance(published, VersionRead):
        response.headers["ETag"] = etag(published.revision)
    return published


@router.post(
    "/{pleading_id}/fork",
    response_model=PleadingRead,
    status_code=http.HTTP_201_CREATED,
    responses=WRITE,
)
def fork_pleading(
    pleading_id: uuid.UUID,
    body: ForkCreate,
    session: SessionDep,
    principal: UserDep,
    idempotency: IdempotencyDep,
) -> Any:
    """Adapt a published version for your country or language (litigators and admins)."""
    return idempotency.run(
        principal.user_id,
        body,
        lambda: service.fork_pleading(session, principal, pleading_id, body, now=utcnow()),
        status_code=http.HTTP_201_CREATED,
    )


@router.get("/{pleading_id}/uses", response_model=UsesRead, responses=READ)
def list_uses(pleading_id: uuid.UUID, session: SessionDep, principal: PrincipalDep) -> UsesRead:
    """Cases you may read that used this pleading, with their outcomes."""
    return service.list_uses(session, principal, pleading_id)


@router.post(
    "/{pleading_id}/uses",
    response_model=UseRead,
    status_code=http.HTTP_201_CREATED,
    responses=WRITE,
)
def record_use(
    pleading_id: uuid.UUID,
    body: UseCreate,
    session: SessionDep,
    principal: UserDep,
    idempotency: IdempotencyDep,
) -> Any:
    """Record that a case used a published version (litigators of the case's organisation)."""
    return idempotency.run(
        principal.user_id,
        body,
        lambda: service.record_use(session, principal, pleading_id, body, now=utcnow()),
        status_code=http.HTTP_201_CREATED,
    )


RENDERED = {
    200: {
        "description": "The rendered pleading, as a download.",
        "content": {
            DOCX: {"schema": {"type": "string", "format": "binary"}},
            "text/markdown": {"schema": {"type": "string"}},
            "text/html": {"schema": {"type": "string"}},
        },
        "headers": {
            "Content-Disposition": {
                "description": "`attachment` with a file name.",
                "schema": {"type": "string"},
            },
            "Comity-Protected-Data": {
                "description": "`included` when clients' names were filled in, else `omitted`.",
                "schema": {"type": "string", "enum": ["included", "omitted"]},
            },
        },
    },
    **problem_responses(401, 404, 409, 422),
}


@router.post(
    "/{pleading_id}/render",
    response_class=Response,
    responses=RENDERED,
)
def render_pleading(
    pleading_id: uuid.UUID,
    body: RenderRequest,
    session: SessionDep,
    principal: UserDep,
    keyring: KeyringDep,
) -> Response:
    """Fill a version from a case, with comparative jurisprudence: DOCX, Markdown or HTML.

    Template errors are 422 problems naming the template line.
    """
    now = utcnow()
    rendered = service.render_pleading(
        session, principal, keyring, pleading_id, body, today=now.date(), now=now
    )
    return Response(
        rendered.content,
        media_type=rendered.media_type,
        headers={
            "Content-Disposition": content_disposition(rendered.filename),
            "Comity-Protected-Data": "included" if rendered.protected_included else "omitted",
            "X-Content-Type-Options": "nosniff",
        },
    )


@router.get(
    "/{pleading_id}/versions/{number}/attachments",
    response_model=list[AttachmentRead],
    responses=READ,
)
def list_attachments(
    pleading_id: uuid.UUID, number: Number, session: SessionDep, principal: PrincipalDep
) -> list[AttachmentRead]:
    """Files attached to a version."""
    return service.list_attachments(session, principal, pleading_id, number)


@router.post(
    "/{pleading_id}/versions/{number}/attachments",
    response_model=AttachmentRead,
    status_code=http.HTTP_201_CREATED,
    responses=problem_responses(401, 403, 404, 409, 413, 415, 422),
    dependencies=[Depends(forbid_unknown_form_fields)],
)
def add_attachment(
    pleading_id: uuid.UUID,
    number: Number,
    file: Annotated[UploadFile, File(description="A .docx, .pdf, .odt or .md file.")],
    session: SessionDep,
    principal: UserDep,
    settings: SettingsDep,
    idempotency: IdempotencyDep,
) -> Any:
    """Attach a file to a draft version (litigators); its type is checked by content."""
    data = file.file.read(settings.max_attachment_bytes + 1)
    filename = file.filename or ""
    return idempotency.run(
        principal.user_id,
        {"filename": filename, "size": len(data), "sha256": _digest(data)},
        lambda: service.add_attachment(
            session,
            principal,
            pleading_id,
            number,
            filename=filename,
            declared_type=file.content_type,
            data=data,
            max_bytes=settings.max_attachment_bytes,
            now=utcnow(),
        ),
        status_code=http.HTTP_201_CREATED,
    )


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@router.get(
    "/{pleading_id}/versions/{number}/attachments/{attachment_id}",
    response_class=Response,
    responses={
        200: {
            "description": "The file, as a download.",
            "content": {
                "application/pdf": {"schema": {"type": "string", "format": "binary"}},
                DOCX: {"schema": {"type": "string", "format": "binary"}},
                "application/vnd.oasis.opendocument.text": {
                    "schema": {"type": "string", "format": "binary"}
                },
                "text/markdown": {"schema": {"type": "string"}},
            },
        },
        **problem_responses(404, 422),
    },
)
def download_attachment(
    pleading_id: uuid.UUID,
    number: Number,
    attachment_id: uuid.UUID,
    session: SessionDep,
    principal: PrincipalDep,
) -> Response:
    """Download an attached file."""
    found = service.get_attachment(session, principal, pleading_id, number, attachment_id)
    return Response(
        found.content,
        media_type=found.media_type,
        headers={
            "Content-Disposition": content_disposition(found.filename),
            "X-Content-Type-Options": "nosniff",
        },
    )
