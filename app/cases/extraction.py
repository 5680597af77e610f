"""Citations found in text, resolved against the cases the caller may read."""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit import service as audit
from app.auth.principal import Principal
from app.cases import policy, resolution
from app.cases import repository as repo
from app.cases.citation_extraction import ExtractedCitation, extract_citations
from app.cases.models import (
    CaseCitation,
    CaseIdentifier,
    LegalCase,
    Provenance,
    ReviewState,
    Treatment,
)
from app.errors import FieldError, NotFoundError, ValidationFailed
from app.orgs.models import Role
from app.reference.models import Forum

MAX_TEXT = 500_000


class ResolutionStatus(StrEnum):
    resolved = "resolved"
    ambiguous = "ambiguous"
    unmatched = "unmatched"


class Candidate(BaseModel):
    case_id: uuid.UUID
    title: str
    forum_id: str
    decided_on: str | None


class FoundCitation(BaseModel):
    start: int
    end: int
    text: str
    kind: str
    value: str
    forum_hint: str | None
    status: ResolutionStatus
    case_id: uuid.UUID | None = Field(default=None, description="When resolved.")
    candidates: list[Candidate] = Field(default_factory=list, description="When ambiguous.")


class ExtractRequest(BaseModel):
    text: str = Field(min_length=1, max_length=MAX_TEXT)
    forum_id: str | None = Field(
        default=None,
        max_length=40,
        description="The forum of the decision the text comes from: a bare number then "
        "means one of that forum's decisions first (each forum numbers its own).",
    )


def resolve(
    session: Session,
    principal: Principal,
    found: list[ExtractedCitation],
    *,
    citing_forum: str | None = None,
) -> list[FoundCitation]:
    """Each citation with the readable case it means (`resolution.choose`), or the
    candidates when it may mean several."""
    values = sorted({c.value for c in found})
    matches: dict[str, dict[uuid.UUID, LegalCase]] = defaultdict(dict)
    if values:
        rows = session.execute(
            select(CaseIdentifier.value, LegalCase)
            .join(LegalCase, LegalCase.id == CaseIdentifier.case_id)
            .where(CaseIdentifier.value.in_(values), repo.visible(principal))
            .order_by(LegalCase.decided_on.nulls_last(), LegalCase.id)
        )
        for value, case in rows:
            matches[value][case.id] = case
    out = []
    for c in found:
        cases = matches.get(c.value, {})
        chosen, candidates = resolution.choose(
            [_target(k) for k in cases.values()], citing_forum=citing_forum, forum_hint=c.forum_hint
        )
        status = (
            ResolutionStatus.resolved
            if chosen
            else ResolutionStatus.ambiguous
            if candidates
            else ResolutionStatus.unmatched
        )
        out.append(
            FoundCitation(
                start=c.start,
                end=c.end,
                text=c.text,
                kind=c.kind.value,
                value=c.value,
                forum_hint=c.forum_hint,
                status=status,
                case_id=chosen.case_id if chosen else None,
                candidates=[
                    Candidate(
                        case_id=t.case_id,
                        title=cases[t.case_id].title,
                        forum_id=t.forum_id,
                        decided_on=t.decided_on.isoformat() if t.decided_on else None,
                    )
                    for t in candidates
                ],
            )
        )
    return out


def _target(case: LegalCase) -> resolution.Target:
    return resolution.Target(
        case.id, case.forum_id, case.proceeding_id, case.decision_type, case.decided_on
    )


def extract_request(
    session: Session, principal: Principal, body: ExtractRequest
) -> list[FoundCitation]:
    if body.forum_id is not None and session.get(Forum, body.forum_id) is None:
        msg = f"unknown forum {body.forum_id!r}"
        raise ValidationFailed(
            "Unknown forum.",
            errors=[FieldError(loc=["body", "forum_id"], msg=msg, type="unknown_forum")],
        )
    return extract(session, principal, body.text, citing_forum=body.forum_id)


def extract(
    session: Session, principal: Principal, text: str, *, citing_forum: str | None = None
) -> list[FoundCitation]:
    return resolve(session, principal, extract_citations(text), citing_forum=citing_forum)


def propose_for_case(
    session: Session, principal: Principal, case_id: uuid.UUID, *, now: datetime
) -> list[FoundCitation]:
    """Read the case's own texts and record what it cites as citations pending review."""
    case = repo.readable_case(session, principal, case_id)
    if case is None:
        raise NotFoundError("No such case.")
    policy.require_role(principal, case, Role.litigator, "add citations")
    text = "\n".join([case.facts_summary, case.holding, case.law_text])
    found = [
        f
        for f in extract(session, principal, text, citing_forum=case.forum_id)
        if f.case_id != case.id
    ]
    known = {(c.cited_case_id, c.identifier_value) for c in repo.citations_from(session, case.id)}
    for f in found:
        target = f.case_id
        if (target, f.value) in known or (target is not None and (target, None) in known):
            continue
        known.add((target, f.value))
        session.add(
            CaseCitation(
                citing_case_id=case.id,
                cited_case_id=target,
                unresolved_text=None if target else f.text,
                identifier_kind=f.kind,
                identifier_value=f.value,
                treatment=Treatment.supports,
                provenance=Provenance.extracted,
                review_state=ReviewState.pending,
            )
        )
    session.flush()
    audit.record(
        session,
        principal,
        action="citation.extract",
        object_type="case",
        object_id=case.id,
        organisation_id=case.owner_org_id,
        after={"found": len(found)},
        now=now,
    )
    return found
