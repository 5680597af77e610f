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
from app.cases import policy
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
from app.errors import NotFoundError
from app.orgs.models import Role

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


def resolve(
    session: Session, principal: Principal, found: list[ExtractedCitation]
) -> list[FoundCitation]:
    values = sorted({c.value for c in found})
    matches: dict[str, list[LegalCase]] = defaultdict(list)
    if values:
        rows = session.execute(
            select(CaseIdentifier.value, LegalCase)
            .join(LegalCase, LegalCase.id == CaseIdentifier.case_id)
            .where(CaseIdentifier.value.in_(values), repo.visible(principal))
        )
        for value, case in rows:
            if case not in matches[value]:
                matches[value].append(case)
    out = []
    for c in found:
        cases = matches.get(c.value, [])
        if c.forum_hint and len(cases) > 1:
            cases = [k for k in cases if k.forum_id == c.forum_hint] or cases
        status = (
            ResolutionStatus.unmatched
            if not cases
            else ResolutionStatus.resolved
            if len(cases) == 1
            else ResolutionStatus.ambiguous
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
                case_id=cases[0].id if status is ResolutionStatus.resolved else None,
                candidates=[
                    Candidate(
                        case_id=k.id,
                        title=k.title,
                        forum_id=k.forum_id,
                        decided_on=k.decided_on.isoformat() if k.decided_on else None,
                    )
                    for k in cases
                ]
                if status is ResolutionStatus.ambiguous
                else [],
            )
        )
    return out


def extract(session: Session, principal: Principal, text: str) -> list[FoundCitation]:
    return resolve(session, principal, extract_citations(text))


def propose_for_case(
    session: Session, principal: Principal, case_id: uuid.UUID, *, now: datetime
) -> list[FoundCitation]:
    """Read the case's own texts and record what it cites as citations pending review."""
    case = repo.readable_case(session, principal, case_id)
    if case is None:
        raise NotFoundError("No such case.")
    policy.require_role(principal, case, Role.litigator, "add citations")
    text = "\n".join([case.facts_summary, case.holding, case.law_text])
    found = [f for f in extract(session, principal, text) if f.case_id != case.id]
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
