"""Model-pleading use cases: write, version, publish, adapt, record uses, attach files and
render a pleading for a case."""

from __future__ import annotations

import hashlib
import html
import re
import uuid
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import select, tuple_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.audit import service as audit
from app.auth import repository as users
from app.auth.principal import Principal
from app.cases import policy as case_policy
from app.cases import repository as case_repo
from app.cases import service as case_service
from app.cases.models import LegalCase, Outcome
from app.core.crypto import Keyring
from app.core.etag import check_version
from app.core.pagination import (
    Page,
    after_newest_first,
    newest_first_cursor,
)
from app.errors import (
    ConflictError,
    DomainError,
    FieldError,
    NotFoundError,
    PayloadTooLarge,
    ValidationFailed,
)
from app.matching.schemas import Language
from app.matching.service import PleadingPrecedent as Precedent
from app.matching.service import knock_on_for_case
from app.orgs.models import Role, Visibility
from app.pleadings import attachments as files
from app.pleadings import policy
from app.pleadings import repository as repo
from app.pleadings.models import (
    AdaptationKind,
    AttachmentContent,
    ModelPleading,
    PleadingAdaptation,
    PleadingAttachment,
    PleadingStatus,
    PleadingUse,
    PleadingVersion,
)
from app.pleadings.rendering import (
    TemplateError,
    VariableSpec,
    diff_versions,
    markdown_to_docx,
    markdown_to_html,
    render_markdown,
    validate_template,
)
from app.pleadings.schemas import (
    AttachmentFile,
    AttachmentRead,
    AuthorityRef,
    AuthorityRisk,
    ForkCreate,
    PleadingCreate,
    PleadingPatch,
    PleadingQuery,
    PleadingRead,
    PleadingSummary,
    Rendered,
    RenderFormat,
    RenderRequest,
    SectionIn,
    SectionRead,
    UpstreamRead,
    UsageStats,
    UseCreate,
    UseRead,
    UsesRead,
    VariableIn,
    VariableRead,
    VersionCreate,
    VersionPatch,
    VersionRead,
    VersionState,
    VersionSummary,
)
from app.reference import lookup
from app.reference.models import Forum, Instrument, Jurisdiction, RightConcept

PLEADING_FIELDS = (
    "title",
    "summary",
    "language",
    "forum_levels",
    "jurisdictions",
    "tags",
    "visibility",
    "status",
)
DOCX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FALLBACK_WHY = "Cited as supporting authority in this model pleading"
PRECEDENT_LIMIT = 5


class TemplateInvalid(ValidationFailed):
    code = "template_error"
    title = "The template cannot be used"


class VersionPublished(ConflictError):
    code = "version_published"
    title = "A published version cannot change"


class DraftExists(ConflictError):
    code = "draft_exists"
    title = "A draft version is already open"


class NoPublishedVersion(ConflictError):
    code = "no_published_version"
    title = "The pleading has no published version"


class PleadingWithdrawn(ConflictError):
    code = "pleading_withdrawn"
    title = "The pleading is withdrawn"


class DuplicateUse(ConflictError):
    code = "duplicate_use"
    title = "This use is already recorded"


class UnsupportedAttachment(DomainError):
    status = 415
    code = "unsupported_media_type"
    title = "Unsupported attachment type"


class AttachmentTypeMismatch(UnsupportedAttachment):
    code = "attachment_type_mismatch"
    title = "The file is not what it claims to be"


# ---------------------------------------------------------------- reading


def _pleading(session: Session, principal: Principal, pleading_id: uuid.UUID) -> ModelPleading:
    pleading = repo.readable_pleading(session, principal, pleading_id)
    if pleading is None:
        raise NotFoundError("No such model pleading.")
    return pleading


def get_pleading(session: Session, principal: Principal, pleading_id: uuid.UUID) -> PleadingRead:
    pleading = _pleading(session, principal, pleading_id)
    summary = _summaries(session, principal, [pleading])[0]
    risks = repo.authorities_at_risk(session, principal, [pleading.id]).get(pleading.id, [])
    return PleadingRead(
        **summary.model_dump(),
        reference_key=pleading.reference_key,
        upstream=_upstream(session, principal, pleading),
        risks=[_risk(r) for r in risks],
    )


def _summaries(
    session: Session, principal: Principal, pleadings: Sequence[ModelPleading]
) -> list[PleadingSummary]:
    ids = [p.id for p in pleadings]
    rights = repo.rights_of(session, ids)
    latest = repo.latest_published_numbers(session, ids)
    adaptations = repo.adaptations_of(session, ids)
    upstream_ids = [a.upstream_pleading_id for a in adaptations.values() if a.upstream_pleading_id]
    readable_upstreams = repo.readable_ids(session, principal, upstream_ids)
    outcomes = repo.outcome_counts(session, principal, ids)
    at_risk = repo.authorities_at_risk(session, principal, ids)
    out = []
    for p in pleadings:
        adaptation = adaptations.get(p.id)
        out.append(
            PleadingSummary(
                id=p.id,
                title=p.title,
                summary=p.summary,
                language=p.language,
                rights=rights[p.id],
                forum_levels=p.forum_levels,
                jurisdictions=p.jurisdictions,
                tags=p.tags,
                owner_org_id=p.owner_org_id,
                visibility=p.visibility,
                status=p.status,
                latest_version=latest.get(p.id),
                upstream_pleading_id=adaptation.upstream_pleading_id
                if adaptation and adaptation.upstream_pleading_id in readable_upstreams
                else None,
                usage=_usage(outcomes[p.id]),
                authority_at_risk=bool(at_risk.get(p.id)),
                version=p.version,
                created_at=p.created_at,
                updated_at=p.updated_at,
            )
        )
    return out


def _usage(outcomes: dict[str, int]) -> UsageStats:
    return UsageStats(
        cases=sum(outcomes.values()),
        wins=outcomes.get(Outcome.win, 0),
        outcomes={Outcome(k): v for k, v in sorted(outcomes.items())},
    )


def _risk(row: repo.RiskRow) -> AuthorityRisk:
    if row.reason == "negative_treatment":
        treatment = row.treatment.value if row.treatment else "negative"
        detail = f"{row.citing_case_title} treats it negatively ({treatment})."
    else:
        detail = "The decision is recorded as not implemented."
    if row.via_pleading_id is not None:
        detail += " It supports the upstream version this adaptation was made from."
    return AuthorityRisk(
        case_id=row.case_id,
        case_title=row.case_title,
        reason="negative_treatment" if row.reason == "negative_treatment" else "not_implemented",
        detail=detail,
        treatment=row.treatment,
        citing_case_id=row.citing_case_id,
        citing_case_title=row.citing_case_title,
        via_pleading_id=row.via_pleading_id,
    )


def _upstream(
    session: Session, principal: Principal, pleading: ModelPleading
) -> UpstreamRead | None:
    adaptation = repo.adaptations_of(session, [pleading.id]).get(pleading.id)
    if (
        adaptation is None
        or adaptation.upstream_pleading_id is None
        or adaptation.upstream_version_number is None
    ):
        return None
    source = repo.readable_pleading(session, principal, adaptation.upstream_pleading_id)
    if source is None:
        return None
    base = repo.version(session, source.id, adaptation.upstream_version_number)
    latest = repo.latest_version(session, source.id, published=True)
    changed = base is not None and latest is not None and latest.number > base.number
    diff = None
    if changed and base is not None and latest is not None:
        diff = diff_versions(
            base.body,
            latest.body,
            old_label=f"upstream v{base.number}",
            new_label=f"upstream v{latest.number}",
        )
    return UpstreamRead(
        kind=adaptation.kind,
        pleading_id=source.id,
        title=source.title,
        version=adaptation.upstream_version_number,
        latest_version=latest.number if latest else None,
        changed=changed,
        diff=diff,
    )


def list_pleadings(
    session: Session, principal: Principal, query: PleadingQuery
) -> Page[PleadingSummary]:
    """Newest first, with a keyset cursor on (created_at, id)."""
    stmt = repo.filtered_pleadings(
        principal, query.model_dump(exclude={"cursor", "limit"}, mode="json")
    )
    if query.cursor:
        created_at, last_id = after_newest_first(query.cursor)
        stmt = stmt.where(
            tuple_(ModelPleading.created_at, ModelPleading.id) < tuple_(created_at, last_id)
        )
    rows = list(
        session.scalars(
            stmt.order_by(ModelPleading.created_at.desc(), ModelPleading.id.desc()).limit(
                query.limit + 1
            )
        )
    )
    more = len(rows) > query.limit
    rows = rows[: query.limit]
    cursor = newest_first_cursor(rows[-1].created_at, rows[-1].id) if more else None
    return Page[PleadingSummary](items=_summaries(session, principal, rows), next_cursor=cursor)


# ---------------------------------------------------------------- writing pleadings


def create_pleading(
    session: Session, principal: Principal, body: PleadingCreate, *, now: datetime
) -> PleadingRead:
    owner = policy.owning_org_for_new_pleading(principal, body.owner_org_id)
    policy.require_sharing(principal, owner, body.visibility)
    pleading = write_pleading(session, principal.user_id, owner, body, now=now)
    return get_pleading(session, principal, pleading.id)


def write_pleading(
    session: Session,
    actor: uuid.UUID | None,
    owner: uuid.UUID,
    body: PleadingCreate,
    *,
    now: datetime,
    reference_key: str | None = None,
    principal: Principal | None = None,
) -> ModelPleading:
    """Validate and write a pleading's metadata (also used by the demo loader)."""
    lookup.require_rights(session, body.rights, ["body", "rights"])
    lookup.require_jurisdictions(session, body.jurisdictions, ["body", "jurisdictions"])
    pleading = ModelPleading(
        id=uuid.uuid4(),
        reference_key=reference_key,
        title=body.title,
        summary=body.summary,
        language=body.language,
        forum_levels=[level.value for level in body.forum_levels],
        jurisdictions=list(dict.fromkeys(body.jurisdictions)),
        tags=list(dict.fromkeys(body.tags)),
        owner_org_id=owner,
        visibility=body.visibility,
        status=PleadingStatus.draft,
        created_by=actor,
        updated_by=actor,
    )
    session.add(pleading)
    session.flush()
    repo.set_rights(session, pleading.id, body.rights)
    audit.record(
        session,
        principal,
        action="pleading.create",
        object_type="model_pleading",
        object_id=pleading.id,
        organisation_id=owner,
        after={**audit.snapshot(pleading, PLEADING_FIELDS), "rights": body.rights},
        now=now,
    )
    return pleading


def _editable(
    session: Session,
    principal: Principal,
    pleading_id: uuid.UUID,
    expected: int | None,
    action: str,
    minimum: Role = Role.litigator,
) -> ModelPleading:
    pleading = _pleading(session, principal, pleading_id)
    policy.require_role(principal, pleading, minimum, action)
    if expected is not None:
        check_version(pleading.version, expected)
    return pleading


def patch_pleading(
    session: Session,
    principal: Principal,
    pleading_id: uuid.UUID,
    patch: PleadingPatch,
    *,
    expected_version: int,
    now: datetime,
) -> PleadingRead:
    pleading = _pleading(session, principal, pleading_id)
    changes = patch.model_dump(exclude_unset=True)
    if set(changes) - {"visibility"} or not changes:
        policy.require_role(principal, pleading, Role.litigator, "edit it")
    for key, value in changes.items():
        if value is None:
            raise ValidationFailed(
                f"{key} cannot be null.",
                errors=[FieldError(loc=["body", key], msg="cannot be null", type="null")],
            )
    if "visibility" in changes:
        policy.require_visibility_change(principal, pleading, changes["visibility"])
    check_version(pleading.version, expected_version)
    if "status" in changes:
        _check_status(session, pleading, changes["status"])
    if "rights" in changes:
        lookup.require_rights(session, changes["rights"], ["body", "rights"])
    if "jurisdictions" in changes:
        lookup.require_jurisdictions(session, changes["jurisdictions"], ["body", "jurisdictions"])
    before = {**audit.snapshot(pleading, PLEADING_FIELDS)}
    for key, value in changes.items():
        if key == "rights":
            repo.set_rights(session, pleading.id, value)
        elif key == "forum_levels":
            pleading.forum_levels = [str(v) for v in value]
        elif key in ("jurisdictions", "tags"):
            setattr(pleading, key, list(dict.fromkeys(value)))
        else:
            setattr(pleading, key, value)
    _touch(pleading, principal, now)
    session.flush()
    audit.record(
        session,
        principal,
        action="pleading.update",
        object_type="model_pleading",
        object_id=pleading.id,
        organisation_id=pleading.owner_org_id,
        before=before,
        after=patch.model_dump(mode="json", exclude_unset=True),
        now=now,
    )
    return get_pleading(session, principal, pleading.id)


def _check_status(session: Session, pleading: ModelPleading, wanted: PleadingStatus) -> None:
    published = repo.latest_version(session, pleading.id, published=True) is not None
    if wanted is PleadingStatus.draft and published:
        raise ConflictError("A pleading with a published version cannot return to draft.")
    if wanted is PleadingStatus.published and not published:
        raise NoPublishedVersion("Publish a version first.")


def _touch(pleading: ModelPleading, principal: Principal, now: datetime) -> None:
    pleading.updated_by = principal.user_id
    pleading.updated_at = now


def delete_pleading(
    session: Session,
    principal: Principal,
    pleading_id: uuid.UUID,
    *,
    expected_version: int,
    now: datetime,
) -> None:
    pleading = _editable(
        session, principal, pleading_id, expected_version, "delete it", minimum=Role.admin
    )
    before = audit.snapshot(pleading, PLEADING_FIELDS)
    session.delete(pleading)
    session.flush()
    audit.record(
        session,
        principal,
        action="pleading.delete",
        object_type="model_pleading",
        object_id=pleading_id,
        organisation_id=pleading.owner_org_id,
        before=before,
        now=now,
    )


# ---------------------------------------------------------------- versions


def _state(version: PleadingVersion) -> VersionState:
    return VersionState.draft if version.published_at is None else VersionState.published


def _version(
    session: Session, principal: Principal, pleading: ModelPleading, number: int
) -> PleadingVersion:
    version = repo.version(session, pleading.id, number)
    if version is None or (
        version.published_at is None and not policy.may_see_drafts(principal, pleading)
    ):
        raise NotFoundError(f"No version {number} of this pleading.")
    return version


def list_versions(
    session: Session, principal: Principal, pleading_id: uuid.UUID
) -> list[VersionSummary]:
    pleading = _pleading(session, principal, pleading_id)
    drafts = policy.may_see_drafts(principal, pleading)
    versions = repo.versions_of(session, pleading.id, drafts=drafts)
    names = users.display_names(session, (v.author_id for v in versions))
    return [_version_summary(v, names) for v in versions]


def _version_summary(v: PleadingVersion, names: dict[uuid.UUID, str]) -> VersionSummary:
    return VersionSummary(
        number=v.number,
        state=_state(v),
        changelog=v.changelog,
        author_id=v.author_id,
        author_name=names.get(v.author_id) if v.author_id else None,
        published_at=v.published_at,
        created_at=v.created_at,
    )


def get_version(
    session: Session, principal: Principal, pleading_id: uuid.UUID, number: int
) -> VersionRead:
    pleading = _pleading(session, principal, pleading_id)
    return _version_read(session, principal, _version(session, principal, pleading, number))


def _version_read(session: Session, principal: Principal, v: PleadingVersion) -> VersionRead:
    rows = repo.sections_of(session, v.id)
    cases = repo.readable_cases(session, principal, [c for r in rows for c in r.authority_ids])
    return VersionRead(
        **_version_summary(v, users.display_names(session, [v.author_id])).model_dump(),
        pleading_id=v.pleading_id,
        body=v.body,
        variables=[VariableRead.model_validate(spec) for spec in v.variables],
        sections=[
            SectionRead(
                position=r.section.position,
                heading=r.section.heading,
                argument=r.section.argument,
                rights=r.rights,
                authorities=[
                    AuthorityRef(case_id=c.id, title=c.title, citation=c.citation)
                    for c in (cases.get(i) for i in r.authority_ids)
                    if c is not None
                ],
            )
            for r in rows
        ],
        revision=v.revision,
        updated_at=v.updated_at,
    )


def _template_problem(exc: TemplateError, loc: list[str | int]) -> TemplateInvalid:
    return TemplateInvalid(
        str(exc),
        errors=[FieldError(loc=loc, msg=str(exc), type=exc.kind)],
        kind=exc.kind,
        line=exc.line,
    )


def _specs(variables: Sequence[VariableIn | dict[str, Any]]) -> list[VariableSpec]:
    specs = []
    for position, raw in enumerate(variables):
        item = raw if isinstance(raw, VariableIn) else VariableIn.model_validate(raw)
        try:
            specs.append(
                VariableSpec(
                    name=item.name,
                    type=item.type,
                    description=item.description,
                    required=item.required,
                    default=item.default,
                )
            )
        except TemplateError as exc:
            raise _template_problem(exc, ["body", "variables", position]) from None
    return specs


def _check_template(body: str, variables: Sequence[VariableIn | dict[str, Any]]) -> None:
    """Refuse a template that does not compile, escapes the sandbox or names undeclared
    values, before anything is stored: it is never executed."""
    specs = _specs(variables)
    try:
        validate_template(body, specs)
    except TemplateError as exc:
        raise _template_problem(exc, ["body", "body"]) from None


def _check_sections(session: Session, principal: Principal, sections: Sequence[SectionIn]) -> None:
    for position, section in enumerate(sections):
        lookup.require_rights(session, section.rights, ["body", "sections", position, "rights"])
        found = repo.readable_cases(session, principal, section.authorities)
        for index, case_id in enumerate(section.authorities):
            if case_id not in found:
                raise ValidationFailed(
                    "A supporting authority does not exist or is not visible to you.",
                    errors=[
                        FieldError(
                            loc=["body", "sections", position, "authorities", index],
                            msg="unknown case",
                            type="unknown_case",
                        )
                    ],
                )


def _write_sections(session: Session, version_id: uuid.UUID, sections: Sequence[SectionIn]) -> None:
    repo.delete_sections(session, version_id)
    for position, s in enumerate(sections):
        repo.add_section(
            session, version_id, position, s.heading, s.argument, s.rights, s.authorities
        )


def _sections_in(session: Session, version: PleadingVersion) -> list[SectionIn]:
    return [
        SectionIn(
            heading=r.section.heading,
            argument=r.section.argument,
            rights=r.rights,
            authorities=r.authority_ids,
        )
        for r in repo.sections_of(session, version.id)
    ]


def create_version(
    session: Session,
    principal: Principal,
    pleading_id: uuid.UUID,
    body: VersionCreate,
    *,
    now: datetime,
) -> VersionRead:
    """Open the next draft; what the body leaves out is copied from the latest version."""
    pleading = _editable(session, principal, pleading_id, None, "write versions")
    if repo.draft_of(session, pleading.id) is not None:
        raise DraftExists("Publish or edit the open draft before starting another.")
    previous = repo.latest_version(session, pleading.id, published=False)
    if body.body is None and previous is None:
        raise ValidationFailed(
            "The first version needs a body.",
            errors=[FieldError(loc=["body", "body"], msg="required", type="missing")],
        )
    template = body.body if body.body is not None else previous.body  # type: ignore[union-attr]
    variables: list[Any] = (
        list(body.variables)
        if body.variables is not None
        else list(previous.variables if previous else [])
    )
    if body.sections is not None:
        _check_sections(session, principal, body.sections)
        sections = body.sections
    else:
        sections = _readable_sections(session, principal, previous) if previous else []
    _check_template(template, variables)
    version = _add_version(
        session,
        pleading,
        principal.user_id,
        number=repo.highest_number(session, pleading.id) + 1,
        changelog=body.changelog,
        template=template,
        variables=variables,
        sections=sections,
    )
    audit.record(
        session,
        principal,
        action="pleading_version.create",
        object_type="pleading_version",
        object_id=version.id,
        organisation_id=pleading.owner_org_id,
        after={"pleading_id": pleading.id, "number": version.number},
        now=now,
    )
    return _version_read(session, principal, version)


def _readable_sections(
    session: Session, principal: Principal, version: PleadingVersion
) -> list[SectionIn]:
    """A version's sections, keeping only the authorities the principal may read."""
    sections = _sections_in(session, version)
    readable = repo.readable_cases(session, principal, [c for s in sections for c in s.authorities])
    for s in sections:
        s.authorities = [c for c in s.authorities if c in readable]
    return sections


def _add_version(
    session: Session,
    pleading: ModelPleading,
    author: uuid.UUID | None,
    *,
    number: int,
    changelog: str,
    template: str,
    variables: Sequence[VariableIn | dict[str, Any]],
    sections: Sequence[SectionIn],
    published_at: datetime | None = None,
) -> PleadingVersion:
    version = PleadingVersion(
        pleading_id=pleading.id,
        number=number,
        author_id=author,
        changelog=changelog,
        body=template,
        variables=[
            v.model_dump(mode="json") if isinstance(v, VariableIn) else v for v in variables
        ],
        published_at=published_at,
        published_by=author if published_at else None,
    )
    session.add(version)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as exc:
        raise DraftExists("Another version was just started; reload and try again.") from exc
    _write_sections(session, version.id, sections)
    return version


def patch_version(
    session: Session,
    principal: Principal,
    pleading_id: uuid.UUID,
    number: int,
    patch: VersionPatch,
    *,
    expected_revision: int,
    now: datetime,
) -> VersionRead:
    pleading = _editable(session, principal, pleading_id, None, "edit versions")
    version = _version(session, principal, pleading, number)
    check_version(version.revision, expected_revision)
    if version.published_at is not None:
        raise VersionPublished(f"Version {number} is published; start a new version instead.")
    changes = patch.model_dump(exclude_unset=True)
    for key, value in changes.items():
        if value is None:
            raise ValidationFailed(
                f"{key} cannot be null.",
                errors=[FieldError(loc=["body", key], msg="cannot be null", type="null")],
            )
    template = patch.body if patch.body is not None else version.body
    variables: list[Any] = (
        list(patch.variables) if patch.variables is not None else list(version.variables)
    )
    _check_template(template, variables)
    if patch.sections is not None:
        _check_sections(session, principal, patch.sections)
        _write_sections(session, version.id, patch.sections)
    version.body = template
    version.variables = [
        v.model_dump(mode="json") if isinstance(v, VariableIn) else v for v in variables
    ]
    if patch.changelog is not None:
        version.changelog = patch.changelog
    version.updated_at = now
    session.flush()
    audit.record(
        session,
        principal,
        action="pleading_version.update",
        object_type="pleading_version",
        object_id=version.id,
        organisation_id=pleading.owner_org_id,
        after={"number": number, "fields": sorted(changes)},
        now=now,
    )
    return _version_read(session, principal, version)


def publish_version(
    session: Session,
    principal: Principal,
    pleading_id: uuid.UUID,
    number: int,
    *,
    expected_revision: int | None,
    now: datetime,
) -> VersionRead:
    """Freeze a draft and make it the version others see, adapt and use."""
    pleading = _editable(session, principal, pleading_id, None, "publish versions")
    version = _version(session, principal, pleading, number)
    if expected_revision is not None:
        check_version(version.revision, expected_revision)
    if version.published_at is not None:
        raise VersionPublished(f"Version {number} is already published.")
    _check_template(version.body, version.variables)
    version.published_at = now
    version.published_by = principal.user_id
    if pleading.status is not PleadingStatus.published:
        pleading.status = PleadingStatus.published
    _touch(pleading, principal, now)
    session.flush()
    audit.record(
        session,
        principal,
        action="pleading_version.publish",
        object_type="pleading_version",
        object_id=version.id,
        organisation_id=pleading.owner_org_id,
        after={"pleading_id": pleading.id, "number": number},
        now=now,
    )
    return _version_read(session, principal, version)


def write_version(
    session: Session,
    pleading: ModelPleading,
    *,
    changelog: str,
    template: str,
    variables: Sequence[VariableIn],
    sections: Sequence[SectionIn],
    publish: bool,
    now: datetime,
) -> PleadingVersion:
    """Write the next version as the operator (the demo loader), published at once if asked."""
    _check_template(template, variables)
    version = _add_version(
        session,
        pleading,
        None,
        number=repo.highest_number(session, pleading.id) + 1,
        changelog=changelog,
        template=template,
        variables=variables,
        sections=sections,
        published_at=now if publish else None,
    )
    if publish:
        pleading.status = PleadingStatus.published
    session.flush()
    audit.record(
        session,
        None,
        action="pleading_version.publish" if publish else "pleading_version.create",
        object_type="pleading_version",
        object_id=version.id,
        organisation_id=pleading.owner_org_id,
        after={"pleading_id": pleading.id, "number": version.number},
        now=now,
    )
    return version


def version_content(session: Session, version: PleadingVersion) -> dict[str, Any]:
    """What a version says, comparable across loads: template, variables, sections."""
    return {
        "body": version.body,
        "variables": version.variables,
        "sections": [
            {
                "heading": s.heading,
                "argument": s.argument,
                "rights": sorted(s.rights),
                "authorities": sorted(str(c) for c in s.authorities),
            }
            for s in _sections_in(session, version)
        ],
    }


def _published(
    session: Session, principal: Principal, pleading: ModelPleading, number: int | None
) -> PleadingVersion:
    if number is None:
        latest = repo.latest_version(session, pleading.id, published=True)
        if latest is None:
            raise NoPublishedVersion("The pleading has no published version yet.")
        return latest
    version = _version(session, principal, pleading, number)
    if version.published_at is None:
        raise NoPublishedVersion(f"Version {number} is a draft; publish it first.")
    return version


# ---------------------------------------------------------------- adaptations


def fork_pleading(
    session: Session,
    principal: Principal,
    pleading_id: uuid.UUID,
    body: ForkCreate,
    *,
    now: datetime,
) -> PleadingRead:
    """Adapt a published version for another country or language; the adaptation keeps its
    link to the upstream version and shows when the upstream publishes a newer one."""
    upstream = _pleading(session, principal, pleading_id)
    if upstream.status is PleadingStatus.withdrawn:
        raise PleadingWithdrawn("A withdrawn pleading cannot be adapted.")
    source = _published(session, principal, upstream, body.version)
    owner = policy.owning_org_for_new_pleading(principal, body.owner_org_id)
    fork = write_pleading(
        session,
        principal.user_id,
        owner,
        PleadingCreate(
            title=body.title or upstream.title,
            summary=upstream.summary,
            rights=repo.rights_of(session, [upstream.id])[upstream.id],
            forum_levels=upstream.forum_levels,
            jurisdictions=body.jurisdictions
            if body.jurisdictions is not None
            else upstream.jurisdictions,
            language=body.language or upstream.language,
            tags=upstream.tags,
            visibility=Visibility.private,
        ),
        now=now,
        principal=principal,
    )
    session.add(
        PleadingAdaptation(
            pleading_id=fork.id,
            upstream_pleading_id=upstream.id,
            upstream_version_number=source.number,
            kind=body.kind,
        )
    )
    _add_version(
        session,
        fork,
        principal.user_id,
        number=1,
        changelog=f"{_adapted(body.kind)} {upstream.title}, version {source.number}.",
        template=source.body,
        variables=source.variables,
        sections=_readable_sections(session, principal, source),
    )
    audit.record(
        session,
        principal,
        action="pleading.fork",
        object_type="model_pleading",
        object_id=fork.id,
        organisation_id=owner,
        after={"upstream_pleading_id": upstream.id, "upstream_version": source.number},
        now=now,
    )
    return get_pleading(session, principal, fork.id)


def _adapted(kind: AdaptationKind) -> str:
    return "Translated from" if kind is AdaptationKind.translation else "Adapted from"


# ---------------------------------------------------------------- uses


def list_uses(session: Session, principal: Principal, pleading_id: uuid.UUID) -> UsesRead:
    pleading = _pleading(session, principal, pleading_id)
    rows = repo.uses_of(session, principal, pleading.id)
    return UsesRead(
        usage=_usage(repo.outcome_counts(session, principal, [pleading.id])[pleading.id]),
        items=[
            UseRead(
                case_id=case.id,
                case_title=case.title,
                version=use.version_number,
                outcome=case.outcome,
                recorded_at=use.created_at,
            )
            for use, case in rows
        ],
    )


def _case_in_body(session: Session, principal: Principal, case_id: uuid.UUID) -> LegalCase:
    case = case_repo.readable_case(session, principal, case_id)
    if case is None:
        raise ValidationFailed(
            "The case does not exist or is not visible to you.",
            errors=[FieldError(loc=["body", "case_id"], msg="unknown case", type="unknown_case")],
        )
    return case


def record_use(
    session: Session,
    principal: Principal,
    pleading_id: uuid.UUID,
    body: UseCreate,
    *,
    now: datetime,
) -> UseRead:
    """Record that a case used a published version (litigators of the case's organisation)."""
    pleading = _pleading(session, principal, pleading_id)
    case = _case_in_body(session, principal, body.case_id)
    case_policy.require_role(principal, case, Role.litigator, "record the pleadings it used")
    version = _published(session, principal, pleading, body.version)
    if repo.use_exists(session, pleading.id, version.number, case.id):
        raise DuplicateUse(f"This case's use of version {version.number} is already recorded.")
    use = PleadingUse(
        pleading_id=pleading.id,
        version_number=version.number,
        case_id=case.id,
        recorded_by=principal.user_id,
    )
    session.add(use)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as exc:
        raise DuplicateUse("This use was just recorded.") from exc
    audit.record(
        session,
        principal,
        action="pleading_use.create",
        object_type="pleading_use",
        object_id=use.id,
        organisation_id=case.owner_org_id,
        after={"pleading_id": pleading.id, "version": version.number, "case_id": case.id},
        now=now,
    )
    return UseRead(
        case_id=case.id,
        case_title=case.title,
        version=version.number,
        outcome=case.outcome,
        recorded_at=use.created_at,
    )


# ---------------------------------------------------------------- rendering


def _precedents(
    session: Session,
    principal: Principal,
    case: LegalCase,
    version: PleadingVersion,
    language: str,
) -> list[Precedent]:
    """The case's top knock-on matches, their reasons in the pleading's language where
    Comity speaks it; the version's own authorities where it has none."""
    spoken: Language = "es" if language == "es" else "fr" if language == "fr" else "en"
    matches = knock_on_for_case(session, principal, case.id, limit=PRECEDENT_LIMIT, language=spoken)
    return matches or _authorities(session, principal, version, exclude=case.id)


def _authorities(
    session: Session, principal: Principal, version: PleadingVersion, *, exclude: uuid.UUID
) -> list[Precedent]:
    """The version's readable supporting authorities in the order its sections cite them
    (newest first within a section), leaving out the case being pleaded."""
    rows = repo.sections_of(session, version.id)
    ordered = list(dict.fromkeys(c for r in rows for c in r.authority_ids if c != exclude))
    cases = repo.readable_cases(session, principal, ordered)
    claims = case_repo.claims_of(session, list(cases))
    out = []
    for case_id in ordered:
        case = cases.get(case_id)
        if case is None:
            continue
        forum = session.get(Forum, case.forum_id)
        out.append(
            Precedent(
                case_id=case.id,
                title=case.title,
                citation=case.citation,
                forum_name=forum.name if forum else case.forum_id,
                decided_on=case.decided_on,
                held=case.holding,
                why=FALLBACK_WHY,
                rights=list(dict.fromkeys(c.right_id for c in claims[case.id] if c.right_id)),
            )
        )
    return out[:PRECEDENT_LIMIT]


def _case_context(
    session: Session,
    principal: Principal,
    keyring: Keyring,
    case: LegalCase,
    *,
    language: str,
    include_protected: bool,
    today: date,
    now: datetime,
) -> tuple[dict[str, Any], bool]:
    """The case as plain data for the template; client identities only when asked for by a
    caller allowed to read them."""
    claims = case_repo.claims_of(session, [case.id])[case.id]
    provisions = case_repo.provisions_of_claims(session, [c.id for c in claims])
    identifiers = case_repo.identifiers_of(session, [case.id])[case.id]
    forum = session.get(Forum, case.forum_id)
    rights = {
        r.id: r
        for r in session.scalars(
            select(RightConcept).where(RightConcept.id.in_([c.right_id for c in claims]))
        )
    }
    label_field = f"label_{language}" if language in ("en", "es", "fr") else "label_en"

    def provision_text(p: Any) -> str:
        instrument = session.get(Instrument, p.instrument_id)
        return f"{instrument.short_code if instrument else p.instrument_id} {p.label}"

    reveal = include_protected and case_policy.may_read_protected(principal, case)
    parties = []
    for party, has_protected in case_repo.parties_of(session, case.id):
        name = party.pseudonym
        if reveal and has_protected:
            data = case_service.get_protected(
                session, principal, keyring, case.id, party.id, now=now
            )
            name = ", ".join(data.legal_names) or name
        parties.append({"name": name, "role": party.role})
    respondents = {
        j.code: j.name
        for j in session.scalars(
            select(Jurisdiction).where(Jurisdiction.code.in_(case.respondent_states))
        )
    }
    return {
        "case": {
            "title": case.title,
            "summary": case.facts_summary,
            "reference": identifiers[0].value if identifiers else (case.citation or ""),
        },
        "claims": [
            {
                "right": c.right_id or "",
                "label": getattr(rights[c.right_id], label_field)
                if c.right_id in rights
                else ", ".join(provision_text(p) for p in provisions[c.id]),
                "provisions": ", ".join(provision_text(p) for p in provisions[c.id]),
                "facts": c.argument_summary or "",
            }
            for c in claims
        ],
        "parties": parties,
        "forum": {
            "id": case.forum_id,
            "name": forum.name if forum else case.forum_id,
            "level": forum.level.value if forum else "",
            "jurisdiction": case.forum_jurisdiction,
        },
        "respondents": [
            {"code": code, "name": respondents.get(code, code)} for code in case.respondent_states
        ],
        "timeline": [
            {"date": u.occurred_on, "event": u.summary}
            for u in case_service.list_updates(session, principal, case.id)
        ],
        "today": today,
    }, reveal


def operator(session: Session, pleading_id: uuid.UUID, case_id: uuid.UUID) -> Principal:
    """The CLI operator: a hub admin who administers the pleading's and the case's owners."""
    owners = [
        session.scalar(select(ModelPleading.owner_org_id).where(ModelPleading.id == pleading_id)),
        session.scalar(select(LegalCase.owner_org_id).where(LegalCase.id == case_id)),
    ]
    return Principal(
        user_id=None,
        is_hub_admin=True,
        roles={owner: Role.admin for owner in owners if owner is not None},
    )


def _comparative_section(precedents: Sequence[Precedent]) -> str:
    lines = ["", "## Comparative jurisprudence", ""]
    if not precedents:
        lines += ["Comity holds no comparable decision for this case yet.", ""]
    for number, p in enumerate(precedents, start=1):
        decided = f", {p.decided_on.isoformat()}" if p.decided_on else ""
        lines += [f"### {number}. {_inline(p.title)}", ""]
        lines += [f"*{_inline(p.citation or p.title)}* ({_inline(p.forum_name)}{decided})", ""]
        if p.held:
            lines += [f"**Held:** {_inline(p.held)}", ""]
        lines += [f"**Why it matters here:** {_inline(p.why)}", ""]
    return "\n".join(lines)


def _inline(text: str) -> str:
    """Stored text on one Markdown line: it may not open a block of its own."""
    return " ".join(text.split())


def render_pleading(
    session: Session,
    principal: Principal,
    keyring: Keyring,
    pleading_id: uuid.UUID,
    body: RenderRequest,
    *,
    today: date,
    now: datetime,
) -> Rendered:
    """Fill a version's template from a case and append the comparative jurisprudence."""
    pleading = _pleading(session, principal, pleading_id)
    if body.version is None:
        version = _published(session, principal, pleading, None)
    else:
        version = _version(session, principal, pleading, body.version)
    case = _case_in_body(session, principal, body.case_id)
    context, revealed = _case_context(
        session,
        principal,
        keyring,
        case,
        language=pleading.language,
        include_protected=body.include_protected,
        today=today,
        now=now,
    )
    precedents = _precedents(session, principal, case, version, pleading.language)
    context["precedents"] = [
        {
            "id": str(p.case_id),
            "title": p.title,
            "citation": p.citation or p.title,
            "rights": p.rights,
        }
        for p in precedents
    ]
    specs = _specs(version.variables)
    try:
        markdown = render_markdown(version.body, specs, body.variables, context)
    except TemplateError as exc:
        loc: list[str | int] = ["body", "variables"] if exc.kind == "bad_value" else ["template"]
        raise _template_problem(exc, loc) from None
    markdown = markdown.rstrip("\n") + "\n" + _comparative_section(precedents)
    if revealed:
        audit.record(
            session,
            principal,
            action="pleading.render_protected",
            object_type="legal_case",
            object_id=case.id,
            organisation_id=case.owner_org_id,
            after={"pleading_id": pleading.id, "version": version.number},
            now=now,
        )
    stem = f"{_slug(pleading.title)}-v{version.number}"
    title = f"{pleading.title}: {case.short_title or case.title}"
    if body.format is RenderFormat.markdown:
        return Rendered(
            content=markdown.encode(),
            media_type="text/markdown; charset=utf-8",
            filename=f"{stem}.md",
            protected_included=revealed,
        )
    if body.format is RenderFormat.html:
        page = (
            f'<!DOCTYPE html>\n<html lang="{pleading.language}">\n<head>\n'
            f'<meta charset="utf-8">\n<title>{html.escape(title)}</title>\n</head>\n<body>\n'
            f"{markdown_to_html(markdown)}</body>\n</html>\n"
        )
        return Rendered(
            content=page.encode(),
            media_type="text/html; charset=utf-8",
            filename=f"{stem}.html",
            protected_included=revealed,
        )
    return Rendered(
        content=markdown_to_docx(markdown, title=title),
        media_type=DOCX_MEDIA_TYPE,
        filename=f"{stem}.docx",
        protected_included=revealed,
    )


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "pleading"


# ---------------------------------------------------------------- attachments


def list_attachments(
    session: Session, principal: Principal, pleading_id: uuid.UUID, number: int
) -> list[AttachmentRead]:
    pleading = _pleading(session, principal, pleading_id)
    version = _version(session, principal, pleading, number)
    return [AttachmentRead.model_validate(a) for a in repo.attachments_of(session, version.id)]


def add_attachment(
    session: Session,
    principal: Principal,
    pleading_id: uuid.UUID,
    number: int,
    *,
    filename: str,
    declared_type: str | None,
    data: bytes,
    max_bytes: int,
    now: datetime,
) -> AttachmentRead:
    """Attach a file to a draft version, once its bytes prove it is what its name says."""
    pleading = _editable(session, principal, pleading_id, None, "attach files")
    version = _version(session, principal, pleading, number)
    if version.published_at is not None:
        raise VersionPublished(f"Version {number} is published; attach files to a new version.")
    if len(data) > max_bytes:
        raise PayloadTooLarge(f"Attachments are limited to {max_bytes} bytes.")
    if not data:
        raise ValidationFailed(
            "The file is empty.",
            errors=[FieldError(loc=["body", "file"], msg="empty file", type="empty_file")],
        )
    name = files.clean_filename(filename)
    try:
        kind = files.check_upload(name, declared_type, data)
    except files.AttachmentRefused as exc:
        refused = AttachmentTypeMismatch if exc.mismatch else UnsupportedAttachment
        raise refused(exc.detail) from None
    attachment = PleadingAttachment(
        version_id=version.id,
        filename=name,
        kind=kind,
        media_type=files.MEDIA_TYPES[kind],
        size_bytes=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=principal.user_id,
    )
    session.add(attachment)
    session.flush()
    session.add(AttachmentContent(attachment_id=attachment.id, data=data))
    session.flush()
    audit.record(
        session,
        principal,
        action="pleading_attachment.create",
        object_type="pleading_attachment",
        object_id=attachment.id,
        organisation_id=pleading.owner_org_id,
        after={
            "pleading_id": pleading.id,
            "version": number,
            "filename": name,
            "sha256": attachment.sha256,
        },
        now=now,
    )
    return AttachmentRead.model_validate(attachment)


def get_attachment(
    session: Session,
    principal: Principal,
    pleading_id: uuid.UUID,
    number: int,
    attachment_id: uuid.UUID,
) -> AttachmentFile:
    pleading = _pleading(session, principal, pleading_id)
    version = _version(session, principal, pleading, number)
    attachment = session.get(PleadingAttachment, attachment_id)
    if attachment is None or attachment.version_id != version.id:
        raise NotFoundError("No such attachment.")
    data = repo.attachment_content(session, attachment.id)
    if data is None:
        raise NotFoundError("No such attachment.")
    return AttachmentFile(
        content=data, media_type=attachment.media_type, filename=attachment.filename
    )
