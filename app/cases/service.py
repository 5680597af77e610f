"""Case-record use cases: file and edit cases, claims, timeline, parties and citations."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, func, select, tuple_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.audit import service as audit
from app.auth import repository as users
from app.auth.principal import Principal
from app.cases import policy
from app.cases import repository as repo
from app.cases.models import (
    FAVOURABLE_FINDINGS,
    CaseCitation,
    CaseIdentifier,
    CaseParty,
    CaseStatus,
    CaseUpdate,
    IdentifierKind,
    LegalCase,
    Proceeding,
    ProtectedPartyData,
    Provenance,
    ReviewState,
    RightsClaim,
    UpdateKind,
)
from app.cases.outcomes import derive_outcome
from app.cases.schemas import (
    CaseCreate,
    CasePatch,
    CaseQuery,
    CaseRead,
    CaseSort,
    CaseSummary,
    CitationCreate,
    CitationPatch,
    CitationRead,
    CitedByQuery,
    ClaimIn,
    ClaimPatch,
    ClaimRead,
    FollowedUpdate,
    IdentifierIn,
    PartyCreate,
    PartyRead,
    ProtectedData,
    UpdateCreate,
    UpdateRead,
)
from app.core.crypto import DecryptionError, Keyring
from app.core.etag import check_version
from app.core.pagination import Page, decode_cursor, encode_cursor
from app.deadlines import service as deadlines
from app.errors import (
    AuthenticationRequired,
    ConflictError,
    FieldError,
    NotFoundError,
    PermissionDenied,
    ValidationFailed,
)
from app.orgs.models import Role, Visibility
from app.orgs.visibility import member_view
from app.outbox import events
from app.reference import lookup
from app.reference import repository as reference_repo
from app.reference import service as reference
from app.reference.models import Forum

CASE_FIELDS = (
    "title",
    "short_title",
    "citation",
    "forum_id",
    "respondent_states",
    "language",
    "filed_on",
    "decided_on",
    "status",
    "decision_type",
    "procedural_posture",
    "outcome",
    "facts_summary",
    "holding",
    "keywords",
    "populations",
    "importance",
    "implementation_status",
    "implementation_note",
    "visibility",
)
GLOBAL_SCOPE = "*"


class Undecryptable(ConflictError):
    code = "undecryptable"
    title = "Stored client data fails its integrity check"
    # Never a silent wrong answer: a value moved between rows or a missing key shows here.


class DuplicateCase(ConflictError):
    code = "duplicate_case"
    title = "A case with this identifier exists"


# ---------------------------------------------------------------- reading


def _case(session: Session, principal: Principal, case_id: uuid.UUID) -> LegalCase:
    case = repo.readable_case(session, principal, case_id)
    if case is None:
        raise NotFoundError("No such case.")
    return case


def case_json(session: Session, principal: Principal, case_id: uuid.UUID) -> tuple[int, str]:
    """The case (with claims and identifiers) as `CaseRead` JSON, and its version."""
    document = repo.case_document(session, principal, case_id)
    if document is None:
        raise NotFoundError("No such case.")
    return document


def get_case(session: Session, principal: Principal, case_id: uuid.UUID) -> CaseRead:
    return CaseRead.model_validate_json(case_json(session, principal, case_id)[1])


def _summary(c: LegalCase) -> CaseSummary:
    return CaseSummary(
        id=c.id,
        title=c.title,
        short_title=c.short_title,
        citation=c.citation,
        forum_id=c.forum_id,
        forum_jurisdiction=c.forum_jurisdiction,
        respondent_states=c.respondent_states,
        decided_on=c.decided_on,
        status=c.status,
        outcome=c.outcome,
        importance=c.importance,
        owner_org_id=c.owner_org_id,
        visibility=c.visibility,
    )


def list_cases(session: Session, principal: Principal, query: CaseQuery) -> Page[CaseSummary]:
    filters = query.model_dump(exclude={"sort", "cursor", "limit", "provision"})
    if query.provision:
        ref = reference.parse(session, query.provision, field="provision")
        filters["provision_ids"] = [
            p.id for p in reference_repo.lineage(session, ref.instrument_id, ref.path)
        ]
    stmt = repo.filtered_cases(principal, filters)
    key_column, descending = _SORTS[query.sort]
    if query.cursor:
        payload = decode_cursor(query.cursor, list)
        if len(payload) != 2:
            raise _bad_cursor()
        stmt = stmt.where(_after(key_column, descending, *payload))
    order = key_column.desc() if descending else key_column.asc()
    id_order = LegalCase.id.desc() if descending else LegalCase.id.asc()
    rows = list(session.scalars(stmt.order_by(order, id_order).limit(query.limit + 1)))
    more = len(rows) > query.limit
    rows = rows[: query.limit]
    cursor = None
    if more:
        last = rows[-1]
        cursor = encode_cursor([_sort_value(last, query.sort), str(last.id)])
    return Page[CaseSummary](items=[_summary(c) for c in rows], next_cursor=cursor)


_EPOCH = "0001-01-01"
_SORTS: dict[CaseSort, tuple[Any, bool]] = {
    CaseSort.decided_desc: (func.coalesce(LegalCase.decided_on, func.date(_EPOCH)), True),
    CaseSort.decided_asc: (func.coalesce(LegalCase.decided_on, func.date(_EPOCH)), False),
    CaseSort.title_asc: (LegalCase.title, False),
    CaseSort.created_desc: (LegalCase.created_at, True),
}


def _sort_value(case: LegalCase, sort: CaseSort) -> str:
    if sort in (CaseSort.decided_desc, CaseSort.decided_asc):
        return case.decided_on.isoformat() if case.decided_on else _EPOCH
    if sort is CaseSort.title_asc:
        return case.title
    return case.created_at.isoformat()


def _bad_cursor() -> ValidationFailed:
    return ValidationFailed(
        "The cursor is not one this API issued.",
        errors=[FieldError(loc=["query", "cursor"], msg="invalid cursor", type="value_error")],
    )


def _after(column: Any, descending: bool, value: Any, last_id: Any) -> Any:
    """Keyset condition: rows strictly after (value, last_id) in the sort order."""
    try:
        last = uuid.UUID(str(last_id))
        typed: Any = value
        if column is LegalCase.created_at:
            typed = datetime.fromisoformat(value)
        elif column is not LegalCase.title:
            typed = date.fromisoformat(value)
    except (TypeError, ValueError) as exc:
        raise _bad_cursor() from exc
    pair = tuple_(column, LegalCase.id)
    return pair < tuple_(typed, last) if descending else pair > tuple_(typed, last)


# ---------------------------------------------------------------- filing and editing


def _forum(session: Session, forum_id: str, field: str = "forum_id") -> Forum:
    forum = session.get(Forum, forum_id)
    if forum is None:
        raise ValidationFailed(
            f"Unknown forum {forum_id!r}.",
            errors=[FieldError(loc=["body", field], msg="unknown forum", type="unknown_forum")],
        )
    return forum


def file_case(
    session: Session,
    principal: Principal,
    body: CaseCreate,
    *,
    now: datetime,
    reference_key: str | None = None,
) -> CaseRead:
    owner = policy.owning_org_for_new_case(principal, body.owner_org_id)
    if body.visibility is not Visibility.private and not principal.has_role(owner, Role.admin):
        raise PermissionDenied("Only organisation admins may share a case beyond it.")
    case = create_case_record(
        session, principal.user_id, owner, body, now=now, reference_key=reference_key
    )
    _favourable_news(session, case, now)
    audit.record(
        session,
        principal,
        action="case.create",
        object_type="case",
        object_id=case.id,
        organisation_id=owner,
        after=audit.snapshot(case, CASE_FIELDS),
        now=now,
    )
    return get_case(session, principal, case.id)


def create_case_record(
    session: Session,
    actor: uuid.UUID | None,
    owner: uuid.UUID,
    body: CaseCreate,
    *,
    now: datetime,
    reference_key: str | None = None,
) -> LegalCase:
    """Validate and write a case with its identifiers and claims (also used by imports)."""
    forum = _forum(session, body.forum_id)
    lookup.require_states(session, body.respondent_states, ["body", "respondent_states"])
    fields = body.model_dump(exclude={"owner_org_id", "identifiers", "claims", "visibility"})
    case = LegalCase(
        **fields | {"outcome": body.outcome or derive_outcome(c.finding for c in body.claims)},
        id=uuid.uuid4(),
        reference_key=reference_key,
        forum_jurisdiction=forum.jurisdiction_code,
        outcome_explicit=body.outcome is not None,
        owner_org_id=owner,
        visibility=body.visibility,
        created_by=actor,
        updated_by=actor,
    )
    session.add(case)
    session.flush()
    _replace_identifiers(session, case, body.identifiers)
    for position, claim in enumerate(body.claims):
        _add_claim(session, case, claim, position, field=["body", "claims", position])
    return case


def _replace_identifiers(
    session: Session, case: LegalCase, identifiers: list[IdentifierIn]
) -> None:
    session.execute(delete(CaseIdentifier).where(CaseIdentifier.case_id == case.id))
    for ident in identifiers:
        scope = GLOBAL_SCOPE if ident.kind is IdentifierKind.ecli else case.forum_id
        # Only cases the owner's members may read count: a private case of another
        # organisation neither blocks this one nor reveals that it exists.
        holders = [
            h
            for h in repo.identifier_holders(
                session, member_view(case.owner_org_id), ident.kind, ident.value, scope
            )
            if h.case_id != case.id
        ]
        same = next((h for h in holders if h.decision_type == case.decision_type), None)
        if same is not None:
            raise DuplicateCase(
                f"A {case.decision_type.value} decision with {ident.kind.value} {ident.value} "
                "already exists.",
                existing=f"/api/v1/cases/{same.case_id}",
            )
        for sibling in holders:
            if sibling.owner_org_id == case.owner_org_id:
                _join_proceeding(session, case, sibling.case_id)
        session.add(
            CaseIdentifier(
                case_id=case.id,
                kind=ident.kind,
                value=ident.value,
                forum_id=scope,
                owner_org_id=case.owner_org_id,
                decision_type=case.decision_type,
            )
        )
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as exc:
        raise DuplicateCase("A case with one of these identifiers was just filed.") from exc


def _join_proceeding(session: Session, case: LegalCase, sibling_id: uuid.UUID) -> None:
    """Put case and another decision of its matter (same owner) in one proceeding: the
    sibling's, or the case's, or a new one; two proceedings found to be one are merged."""
    sibling = session.get(LegalCase, sibling_id)
    assert sibling is not None
    ours, theirs = case.proceeding_id, sibling.proceeding_id
    if ours and theirs and ours != theirs:
        repo.merge_proceedings(session, theirs, into=ours)
    else:
        case.proceeding_id = sibling.proceeding_id = (
            ours or theirs or _new_proceeding(session, case)
        )
    session.flush()


def _new_proceeding(session: Session, case: LegalCase) -> uuid.UUID:
    proceeding = Proceeding(id=uuid.uuid4(), owner_org_id=case.owner_org_id, forum_id=case.forum_id)
    session.add(proceeding)
    session.flush()
    return proceeding.id


def _add_claim(
    session: Session, case: LegalCase, body: ClaimIn, position: int, field: list[Any]
) -> RightsClaim:
    lookup.require_rights(session, [body.right_id], [*field, "right_id"], indexed=False)
    provision_ids = [
        reference.resolve_provision(
            session, text, field=".".join(map(str, [*field, "provisions"]))
        ).id
        for text in body.provisions
    ]
    claim = RightsClaim(
        case_id=case.id,
        position=position,
        right_id=body.right_id,
        argument_summary=body.argument_summary,
        finding=body.finding,
        remedy=body.remedy,
    )
    session.add(claim)
    session.flush()
    repo.set_claim_provisions(session, claim.id, provision_ids)
    return claim


def _editable(
    session: Session,
    principal: Principal,
    case_id: uuid.UUID,
    expected: int | None,
    minimum: Role,
    action: str,
) -> LegalCase:
    case = _case(session, principal, case_id)
    policy.require_role(principal, case, minimum, action)
    if expected is not None:
        check_version(case.version, expected)
    return case


def patch_case(
    session: Session,
    principal: Principal,
    case_id: uuid.UUID,
    patch: CasePatch,
    *,
    expected_version: int,
    now: datetime,
) -> CaseRead:
    case = _editable(
        session, principal, case_id, expected_version, policy.CASE_ACTIONS["edit"], "edit it"
    )
    changes = patch.model_dump(exclude_unset=True)
    if "visibility" in changes:
        policy.require_role(principal, case, Role.admin, "change its visibility")
        if changes["visibility"] is None:
            raise ValidationFailed("visibility cannot be null.")
    for required in ("title", "forum_id", "status", "facts_summary", "holding", "decision_type"):
        if required in changes and changes[required] is None:
            raise ValidationFailed(f"{required} cannot be null.")
    before = audit.snapshot(case, CASE_FIELDS)
    if "forum_id" in changes:
        case.forum_jurisdiction = _forum(session, changes["forum_id"]).jurisdiction_code
    if changes.get("respondent_states") is not None:
        lookup.require_states(session, changes["respondent_states"], ["body", "respondent_states"])
    if "identifiers" in changes or "decision_type" in changes:
        # The identifiers carry the decision type: another decision of the same type with
        # the same number is a duplicate, one of another type joins this proceeding.
        if "decision_type" in changes:
            case.decision_type = changes.pop("decision_type")
        if "identifiers" in changes:
            wanted = patch.identifiers or []
            del changes["identifiers"]
        else:
            held = repo.identifiers_of(session, [case.id])[case.id]
            wanted = [IdentifierIn(kind=i.kind, value=i.value) for i in held]
        _replace_identifiers(session, case, wanted)
    if "outcome" in changes:
        case.outcome_explicit = changes["outcome"] is not None
        if changes["outcome"] is None:
            del changes["outcome"]
            _refresh_outcome(session, case)
    for key, value in changes.items():
        setattr(case, key, value)
    _touch(case, principal, now)
    session.flush()
    _emit_updated(session, case, now, fields=sorted(patch.model_dump(exclude_unset=True)))
    audit.record(
        session,
        principal,
        action="case.update",
        object_type="case",
        object_id=case.id,
        organisation_id=case.owner_org_id,
        before=before,
        after=audit.snapshot(case, CASE_FIELDS),
        now=now,
    )
    return get_case(session, principal, case.id)


def last_editor(session: Session, principal: Principal, case_id: uuid.UUID) -> str | None:
    """Who last changed a visible case, by display name."""
    case = _case(session, principal, case_id)
    if case.updated_by is None:
        return None
    return users.display_names(session, [case.updated_by]).get(case.updated_by)


def _emit_updated(
    session: Session, case: LegalCase, now: datetime, *, fields: list[str] | None = None
) -> None:
    """One `case.updated` per case and transaction, however many parts changed."""
    events.emit(
        session,
        events.EventType.case_updated,
        case_id=case.id,
        data={"fields": fields or []},
        now=now,
        once_key=f"case.updated:{case.id}",
    )


def _favourable_news(session: Session, case: LegalCase, now: datetime) -> None:
    """A case that now holds a favourable finding may help open cases elsewhere."""
    if any(c.finding in FAVOURABLE_FINDINGS for c in repo.claims_of(session, [case.id])[case.id]):
        events.queue_knock_on(session, [case.id], now=now)


def _touch(case: LegalCase, principal: Principal, now: datetime) -> None:
    """Any change to the case or its parts updates its row, so its version (ETag) moves."""
    case.updated_by = principal.user_id
    case.updated_at = now


def _refresh_outcome(session: Session, case: LegalCase) -> None:
    if not case.outcome_explicit:
        case.outcome = derive_outcome(
            c.finding for c in repo.claims_of(session, [case.id])[case.id]
        )


def delete_case(
    session: Session,
    principal: Principal,
    case_id: uuid.UUID,
    *,
    expected_version: int,
    now: datetime,
) -> None:
    case = _editable(session, principal, case_id, expected_version, Role.admin, "delete it")
    before = audit.snapshot(case, CASE_FIELDS)
    session.delete(case)
    session.flush()
    audit.record(
        session,
        principal,
        action="case.delete",
        object_type="case",
        object_id=case_id,
        organisation_id=case.owner_org_id,
        before=before,
        now=now,
    )


# ---------------------------------------------------------------- claims


def list_claims(session: Session, principal: Principal, case_id: uuid.UUID) -> list[ClaimRead]:
    return get_case(session, principal, case_id).claims


def add_claim(
    session: Session, principal: Principal, case_id: uuid.UUID, body: ClaimIn, *, now: datetime
) -> ClaimRead:
    case = _editable(session, principal, case_id, None, Role.litigator, "add claims")
    position = len(repo.claims_of(session, [case.id])[case.id])
    claim = _add_claim(session, case, body, position, field=["body"])
    _refresh_outcome(session, case)
    _touch(case, principal, now)
    session.flush()
    _emit_updated(session, case, now, fields=["claims"])
    if body.finding in FAVOURABLE_FINDINGS:
        events.queue_knock_on(session, [case.id], now=now)
    audit.record(
        session,
        principal,
        action="claim.create",
        object_type="claim",
        object_id=claim.id,
        organisation_id=case.owner_org_id,
        after=body.model_dump(),
        now=now,
    )
    return _claim(session, principal, case.id, claim.id)


def _claim(
    session: Session, principal: Principal, case_id: uuid.UUID, claim_id: uuid.UUID
) -> ClaimRead:
    for claim in get_case(session, principal, case_id).claims:
        if claim.id == claim_id:
            return claim
    raise NotFoundError("No such claim.")


def patch_claim(
    session: Session,
    principal: Principal,
    case_id: uuid.UUID,
    claim_id: uuid.UUID,
    patch: ClaimPatch,
    *,
    expected_version: int,
    now: datetime,
) -> ClaimRead:
    case = _editable(session, principal, case_id, expected_version, Role.litigator, "edit claims")
    claim = session.get(RightsClaim, claim_id)
    if claim is None or claim.case_id != case.id:
        raise NotFoundError("No such claim.")
    changes = patch.model_dump(exclude_unset=True)
    before = {k: getattr(claim, k, None) for k in changes if k != "provisions"}
    if changes.get("right_id") is not None:
        lookup.require_rights(session, [changes["right_id"]], ["body", "right_id"], indexed=False)
    if "provisions" in changes:
        ids = [
            reference.resolve_provision(session, t, field="provisions").id
            for t in changes.pop("provisions") or []
        ]
        repo.set_claim_provisions(session, claim.id, ids)
    for key, value in changes.items():
        if value is None and key in ("right_id", "finding"):
            raise ValidationFailed(f"{key} cannot be null.")
        setattr(claim, key, value)
    session.flush()
    _refresh_outcome(session, case)
    _touch(case, principal, now)
    session.flush()
    _emit_updated(session, case, now, fields=["claims"])
    if changes.get("finding") in FAVOURABLE_FINDINGS and before.get("finding") != claim.finding:
        events.queue_knock_on(session, [case.id], now=now)
    audit.record(
        session,
        principal,
        action="claim.update",
        object_type="claim",
        object_id=claim.id,
        organisation_id=case.owner_org_id,
        before=before,
        after=patch.model_dump(exclude_unset=True),
        now=now,
    )
    return _claim(session, principal, case.id, claim.id)


def delete_claim(
    session: Session,
    principal: Principal,
    case_id: uuid.UUID,
    claim_id: uuid.UUID,
    *,
    expected_version: int,
    now: datetime,
) -> None:
    case = _editable(session, principal, case_id, expected_version, Role.litigator, "edit claims")
    claim = session.get(RightsClaim, claim_id)
    if claim is None or claim.case_id != case.id:
        raise NotFoundError("No such claim.")
    session.delete(claim)
    session.flush()
    _refresh_outcome(session, case)
    _touch(case, principal, now)
    session.flush()
    _emit_updated(session, case, now, fields=["claims"])
    audit.record(
        session,
        principal,
        action="claim.delete",
        object_type="claim",
        object_id=claim_id,
        organisation_id=case.owner_org_id,
        before={"right_id": claim.right_id, "finding": claim.finding},
        now=now,
    )


# ---------------------------------------------------------------- timeline


def list_updates(session: Session, principal: Principal, case_id: uuid.UUID) -> list[UpdateRead]:
    case = _case(session, principal, case_id)
    internal = policy.may_see_internal(principal, case)
    updates = repo.updates_of(session, case.id, internal=internal)
    names = users.display_names(session, (u.author_id for u in updates))
    return [_update_read(u, names) for u in updates]


def _update_read(update: CaseUpdate, names: dict[uuid.UUID, str]) -> UpdateRead:
    read = UpdateRead.model_validate(update)
    read.author_name = names.get(update.author_id) if update.author_id else None
    return read


def add_update(
    session: Session,
    principal: Principal,
    case_id: uuid.UUID,
    body: UpdateCreate,
    *,
    now: datetime,
) -> UpdateRead:
    """Record a timeline event; a decision with findings updates the claims, the outcome and
    `decided_on` in the same transaction."""
    case = _editable(
        session, principal, case_id, None, policy.CASE_ACTIONS["post_updates"], "post updates"
    )
    if body.interim is not None:
        _forum(session, body.interim.forum_id, field="interim.forum_id")
    if body.findings:
        policy.require_role(
            principal, case, policy.CASE_ACTIONS["record_findings"], "record findings"
        )
        claims = {c.id: c for c in repo.claims_of(session, [case.id])[case.id]}
        for position, change in enumerate(body.findings):
            claim = claims.get(change.claim_id)
            if claim is None:
                raise ValidationFailed(
                    "A finding names a claim of another case.",
                    errors=[
                        FieldError(
                            loc=["body", "findings", position, "claim_id"],
                            msg="not a claim of this case",
                            type="unknown_claim",
                        )
                    ],
                )
            claim.finding = change.finding
        session.flush()
        _refresh_outcome(session, case)
    if body.kind is UpdateKind.decision:
        case.decided_on = body.occurred_on
        case.status = CaseStatus.decided
    update = CaseUpdate(
        case_id=case.id,
        kind=body.kind,
        occurred_on=body.occurred_on,
        summary=body.summary,
        internal=body.internal,
        author_id=principal.user_id,
        findings=[f.model_dump(mode="json") for f in body.findings] if body.findings else None,
        notified_on=body.notified_on,
        interim=body.interim.model_dump(mode="json") if body.interim else None,
    )
    session.add(update)
    _touch(case, principal, now)
    session.flush()
    _emit_update(session, case, update, now)
    if body.kind is UpdateKind.domestic_final:
        deadlines.compute_for_update(session, principal, case, update, now=now)
    audit.record(
        session,
        principal,
        action="case_update.create",
        object_type="case_update",
        object_id=update.id,
        organisation_id=case.owner_org_id,
        after={"kind": body.kind, "occurred_on": body.occurred_on},
        now=now,
    )
    return _update_read(update, users.display_names(session, [update.author_id]))


def _emit_update(session: Session, case: LegalCase, update: CaseUpdate, now: datetime) -> None:
    """A decision is `case.decision_recorded` (and, with a favourable finding, the reverse
    knock-on job); any other entry is `case.updated`. Internal entries reach members only."""
    data: dict[str, Any] = {
        "update": {
            "id": str(update.id),
            "kind": update.kind.value,
            "occurred_on": update.occurred_on.isoformat(),
            "internal": update.internal,
        }
    }
    if update.kind is not UpdateKind.decision:
        events.emit(session, events.EventType.case_updated, case_id=case.id, data=data, now=now)
        return
    data["findings"] = update.findings or []
    events.emit(
        session, events.EventType.case_decision_recorded, case_id=case.id, data=data, now=now
    )
    # The findings are the case's (its claims), whoever may read this entry.
    _favourable_news(session, case, now)


# ---------------------------------------------------------------- following


def follow_case(
    session: Session, principal: Principal, case_id: uuid.UUID, *, now: datetime
) -> None:
    """Follow a case one may read: its updates then appear among one's followed updates."""
    user_id = _signed_in(principal)
    case = _case(session, principal, case_id)
    repo.follow(session, user_id, case.id, now)


def unfollow_case(session: Session, principal: Principal, case_id: uuid.UUID) -> None:
    user_id = _signed_in(principal)
    case = _case(session, principal, case_id)
    repo.unfollow(session, user_id, case.id)


def is_following(session: Session, principal: Principal, case_id: uuid.UUID) -> bool:
    return principal.user_id is not None and repo.follows(session, principal.user_id, case_id)


def followed_updates(
    session: Session, principal: Principal, *, limit: int = 20
) -> list[FollowedUpdate]:
    """The newest updates of the cases one follows, among those one may still read."""
    user_id = _signed_in(principal)
    rows = repo.followed_updates(session, principal, user_id, limit)
    names = users.display_names(session, (u.author_id for u, _ in rows))
    return [
        FollowedUpdate(**_update_read(u, names).model_dump(), case_id=u.case_id, case_title=t)
        for u, t in rows
    ]


def case_titles(
    session: Session, principal: Principal, ids: Iterable[uuid.UUID | None]
) -> dict[uuid.UUID, str]:
    """The titles of the cases one may read among ids (for lists that name cases)."""
    return repo.titles(session, principal, (i for i in ids if i is not None))


def _signed_in(principal: Principal) -> uuid.UUID:
    if principal.user_id is None:
        raise AuthenticationRequired("Log in first.")
    return principal.user_id


# ---------------------------------------------------------------- parties


def list_parties(session: Session, principal: Principal, case_id: uuid.UUID) -> list[PartyRead]:
    case = _case(session, principal, case_id)
    return [
        PartyRead(id=p.id, role=p.role, pseudonym=p.pseudonym, has_protected_data=has)
        for p, has in repo.parties_of(session, case.id)
    ]


def add_party(
    session: Session,
    principal: Principal,
    keyring: Keyring,
    case_id: uuid.UUID,
    body: PartyCreate,
    *,
    now: datetime,
) -> PartyRead:
    case = _editable(session, principal, case_id, None, Role.litigator, "add parties")
    party = CaseParty(case_id=case.id, role=body.role, pseudonym=body.pseudonym)
    session.add(party)
    session.flush()
    if body.protected is not None:
        _seal(session, keyring, party.id, body.protected)
    audit.record(
        session,
        principal,
        action="party.create",
        object_type="party",
        object_id=party.id,
        organisation_id=case.owner_org_id,
        after={
            "role": body.role,
            "pseudonym": body.pseudonym,
            "protected": body.protected is not None,
        },
        now=now,
    )
    return PartyRead(
        id=party.id,
        role=party.role,
        pseudonym=party.pseudonym,
        has_protected_data=body.protected is not None,
    )


def _seal(session: Session, keyring: Keyring, party_id: uuid.UUID, data: ProtectedData) -> None:
    sealed = keyring.encrypt(data.model_dump_json().encode(), party_id.bytes)
    row = session.get(ProtectedPartyData, party_id)
    if row is None:
        session.add(ProtectedPartyData(party_id=party_id, ciphertext=sealed))
    else:
        row.ciphertext = sealed
    session.flush()


def _party(
    session: Session, principal: Principal, case_id: uuid.UUID, party_id: uuid.UUID
) -> tuple[LegalCase, CaseParty]:
    case = _case(session, principal, case_id)
    party = session.get(CaseParty, party_id)
    if party is None or party.case_id != case.id:
        raise NotFoundError("No such party.")
    return case, party


def get_protected(
    session: Session,
    principal: Principal,
    keyring: Keyring,
    case_id: uuid.UUID,
    party_id: uuid.UUID,
    *,
    now: datetime,
) -> ProtectedData:
    """A party's protected data, decrypted; every reading is in the audit trail."""
    case, party = _party(session, principal, case_id, party_id)
    if not policy.may_read_protected(principal, case):
        raise PermissionDenied("Only litigators and admins of the owning organisation see this.")
    row = session.get(ProtectedPartyData, party.id)
    if row is None:
        raise NotFoundError("No protected data is recorded for this party.")
    try:
        data = ProtectedData.model_validate_json(keyring.decrypt(row.ciphertext, party.id.bytes))
    except DecryptionError as exc:
        raise Undecryptable("The stored data does not decrypt for this party.") from exc
    audit.record(
        session,
        principal,
        action="party.protected_read",
        object_type="party",
        object_id=party.id,
        organisation_id=case.owner_org_id,
        now=now,
    )
    return data


def put_protected(
    session: Session,
    principal: Principal,
    keyring: Keyring,
    case_id: uuid.UUID,
    party_id: uuid.UUID,
    body: ProtectedData,
    *,
    now: datetime,
) -> None:
    case, party = _party(session, principal, case_id, party_id)
    policy.require_role(principal, case, Role.litigator, "record client data")
    _seal(session, keyring, party.id, body)
    audit.record(
        session,
        principal,
        action="party.protected_update",
        object_type="party",
        object_id=party.id,
        organisation_id=case.owner_org_id,
        after={"protected": "[redacted]"},
        now=now,
    )


def erase_protected(
    session: Session,
    principal: Principal,
    case_id: uuid.UUID,
    party_id: uuid.UUID,
    *,
    now: datetime,
) -> None:
    case, party = _party(session, principal, case_id, party_id)
    policy.require_role(principal, case, Role.litigator, "erase client data")
    row = session.get(ProtectedPartyData, party.id)
    if row is None:
        raise NotFoundError("No protected data is recorded for this party.")
    session.delete(row)
    session.flush()
    audit.record(
        session,
        principal,
        action="party.protected_erase",
        object_type="party",
        object_id=party.id,
        organisation_id=case.owner_org_id,
        now=now,
    )


def _sealed_elsewhere(keyring: Keyring) -> Any:
    """Protected values sealed under a key other than the active one (the key id leads)."""
    prefix = keyring.active.encode() + b"."
    return func.substr(ProtectedPartyData.ciphertext, 1, len(prefix)) != prefix


def count_to_reseal(session: Session, keyring: Keyring) -> int:
    """How many protected values a key rotation still has to re-seal."""
    count = select(func.count()).select_from(ProtectedPartyData).where(_sealed_elsewhere(keyring))
    return session.scalar(count) or 0


def reseal_batch(session: Session, keyring: Keyring, *, limit: int) -> int:
    """Re-seal up to `limit` protected values under the active key (after a new key was put
    first in the keyring), skipping rows a concurrent write holds; returns how many. Raises
    `DecryptionError` for a value sealed under a key the keyring lacks."""
    rows = session.scalars(
        select(ProtectedPartyData)
        .where(_sealed_elsewhere(keyring))
        .order_by(ProtectedPartyData.party_id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    for row in rows:
        plain = keyring.decrypt(row.ciphertext, row.party_id.bytes)
        row.ciphertext = keyring.encrypt(plain, row.party_id.bytes)
    session.flush()
    return len(rows)


# ---------------------------------------------------------------- citations


def _citation_read(
    c: CaseCitation, citing: LegalCase | None, cited: LegalCase | None
) -> CitationRead:
    return CitationRead(
        id=c.id,
        citing_case_id=c.citing_case_id,
        cited_case_id=c.cited_case_id,
        cited_title=cited.title if cited else None,
        citing_title=citing.title if citing else None,
        unresolved_text=c.unresolved_text,
        identifier_kind=c.identifier_kind,
        identifier_value=c.identifier_value,
        treatment=c.treatment,
        pinpoint=c.pinpoint,
        provenance=c.provenance,
        review_state=c.review_state,
        uncertain=c.uncertain,
        knock_on=bool(citing and cited and is_knock_on(citing, cited)),
    )


def is_knock_on(citing: LegalCase, cited: LegalCase) -> bool:
    """A decision relied on in another jurisdiction: the heart of cross-border reception."""
    return citing.forum_jurisdiction != cited.forum_jurisdiction


def list_citations(
    session: Session, principal: Principal, case_id: uuid.UUID
) -> list[CitationRead]:
    case = _case(session, principal, case_id)
    citations = repo.citations_from(session, case.id)
    targets = repo.cases_by_ids(session, [c.cited_case_id for c in citations if c.cited_case_id])
    visible_targets = {
        t.id for t in targets.values() if repo.readable_case(session, principal, t.id) is not None
    }
    return [
        _citation_read(
            c, case, targets.get(c.cited_case_id) if c.cited_case_id in visible_targets else None
        )
        for c in citations
    ]


def cited_by(
    session: Session, principal: Principal, case_id: uuid.UUID, query: CitedByQuery
) -> list[CitationRead]:
    case = _case(session, principal, case_id)
    out = []
    for citation, citing in repo.citing_cases(session, principal, case.id):
        read = _citation_read(citation, citing, case)
        if query.jurisdiction and citing.forum_jurisdiction != query.jurisdiction:
            continue
        if query.treatment and citation.treatment is not query.treatment:
            continue
        if query.knock_on is not None and read.knock_on != query.knock_on:
            continue
        out.append(read)
    return out


def add_citation(
    session: Session,
    principal: Principal,
    case_id: uuid.UUID,
    body: CitationCreate,
    *,
    now: datetime,
) -> CitationRead:
    case = _editable(session, principal, case_id, None, Role.litigator, "add citations")
    cited = None
    if body.cited_case_id is not None:
        cited = repo.readable_case(session, principal, body.cited_case_id)
        if cited is None:
            raise ValidationFailed(
                "The cited case does not exist or is not visible to you.",
                errors=[
                    FieldError(
                        loc=["body", "cited_case_id"], msg="unknown case", type="unknown_case"
                    )
                ],
            )
        if cited.id == case.id:
            raise ValidationFailed("A case cannot cite itself.")
    citation = CaseCitation(
        citing_case_id=case.id,
        cited_case_id=cited.id if cited else None,
        unresolved_text=body.citation_text,
        treatment=body.treatment,
        pinpoint=body.pinpoint,
        provenance=Provenance.manual,
        review_state=ReviewState.accepted,
    )
    session.add(citation)
    session.flush()
    audit.record(
        session,
        principal,
        action="citation.create",
        object_type="citation",
        object_id=citation.id,
        organisation_id=case.owner_org_id,
        after=body.model_dump(mode="json"),
        now=now,
    )
    return _citation_read(citation, case, cited)


def patch_citation(
    session: Session,
    principal: Principal,
    case_id: uuid.UUID,
    citation_id: uuid.UUID,
    body: CitationPatch,
    *,
    now: datetime,
) -> CitationRead:
    case = _editable(session, principal, case_id, None, Role.litigator, "review citations")
    citation = session.get(CaseCitation, citation_id)
    if citation is None or citation.citing_case_id != case.id:
        raise NotFoundError("No such citation.")
    changes = body.model_dump(exclude_unset=True, exclude_none=True)
    for key, value in changes.items():
        setattr(citation, key, value)
    session.flush()
    audit.record(
        session,
        principal,
        action="citation.update",
        object_type="citation",
        object_id=citation.id,
        organisation_id=case.owner_org_id,
        after=body.model_dump(mode="json", exclude_unset=True),
        now=now,
    )
    cited = (
        repo.readable_case(session, principal, citation.cited_case_id)
        if citation.cited_case_id
        else None
    )
    return _citation_read(citation, case, cited)
