"""Moving cases in and out: the demo corpus, file imports and streaming exports."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.principal import Principal
from app.cases import demo, interchange
from app.cases import repository as repo
from app.cases.importing import ImportReport, import_cases
from app.cases.interchange import InterchangeCase, RecordError
from app.cases.models import CaseCitation, CaseIdentifier, LegalCase
from app.cases.policy import owning_org_for_new_case
from app.cases.schemas import CaseQuery
from app.errors import PermissionDenied, ValidationFailed
from app.orgs import repository as org_repo
from app.orgs.models import Organisation, OrgKind, Role, Visibility
from app.orgs.schemas import OrganisationCreate
from app.orgs.service import add_organisation

PARSERS: dict[str, Callable[[bytes], Iterable[tuple[int, dict[str, Any] | RecordError]]]] = {
    "jsonl": interchange.parse_jsonl,
    "csv": interchange.parse_csv,
}
EXPORT_PAGE = 500


def demo_organisation(session: Session, now: datetime) -> Organisation:
    org = org_repo.organisation_by_slug(session, demo.DEMO_ORG["slug"])
    if org is None:
        org = add_organisation(
            session,
            None,
            OrganisationCreate(
                name=demo.DEMO_ORG["name"],
                slug=demo.DEMO_ORG["slug"],
                kind=OrgKind.hub,
                country=demo.DEMO_ORG["country"],
            ),
            now=now,
        )
    return org


def load_demo(session: Session, *, now: datetime) -> ImportReport:
    org = demo_organisation(session, now)
    return import_cases(
        session,
        demo.demo_records(),
        owner_org_id=org.id,
        visibility=Visibility.public,
        actor=None,
        now=now,
    )


def import_file(
    session: Session,
    principal: Principal,
    data: bytes,
    *,
    fmt: str,
    owner_org_id: uuid.UUID | None,
    visibility: Visibility,
    partial: bool,
    dry_run: bool,
    now: datetime,
) -> ImportReport:
    """Import an uploaded interchange file as the caller (litigators and admins)."""
    owner = owning_org_for_new_case(principal, owner_org_id)
    if visibility is not Visibility.private and not principal.has_role(owner, Role.admin):
        raise PermissionDenied("Only organisation admins may import cases shared beyond it.")
    parser = PARSERS.get(fmt)
    if parser is None:
        raise ValidationFailed(f"Unknown format {fmt!r}: use jsonl or csv.")
    return import_cases(
        session,
        parser(data),
        owner_org_id=owner,
        visibility=visibility,
        actor=principal,
        partial=partial,
        dry_run=dry_run,
        now=now,
    )


def export_cases(
    session: Session, principal: Principal, query: CaseQuery
) -> Iterator[InterchangeCase]:
    """Every readable case matching the filters, in interchange form, page by page.

    Protected client data, parties and internal notes are never part of an export.
    """
    filters = query.model_dump(exclude={"sort", "cursor", "limit", "provision"})
    last: uuid.UUID | None = None
    while True:
        stmt = repo.filtered_cases(principal, filters).order_by(LegalCase.id).limit(EXPORT_PAGE)
        if last is not None:
            stmt = stmt.where(LegalCase.id > last)
        cases = list(session.scalars(stmt))
        if not cases:
            return
        yield from _records(session, principal, cases)
        last = cases[-1].id


def _records(
    session: Session, principal: Principal, cases: list[LegalCase]
) -> Iterator[InterchangeCase]:
    ids = [c.id for c in cases]
    claims = repo.claims_of(session, ids)
    provisions = repo.provisions_of_claims(session, [cl.id for g in claims.values() for cl in g])
    identifiers = repo.identifiers_of(session, ids)
    citations: dict[uuid.UUID, list[CaseCitation]] = {i: [] for i in ids}
    for c in session.scalars(select(CaseCitation).where(CaseCitation.citing_case_id.in_(ids))):
        citations[c.citing_case_id].append(c)
    targets = repo.cases_by_ids(
        session, {c.cited_case_id for g in citations.values() for c in g if c.cited_case_id}
    )
    readable = set(
        session.scalars(
            select(LegalCase.id).where(LegalCase.id.in_(list(targets)), repo.visible(principal))
        )
    )
    target_idents = repo.identifiers_of(session, list(targets))
    for case in cases:
        yield InterchangeCase(
            reference_key=case.reference_key,
            title=case.title,
            short_title=case.short_title,
            citation=case.citation,
            forum_id=case.forum_id,
            respondent_states=case.respondent_states,
            language=case.language,
            filed_on=case.filed_on,
            decided_on=case.decided_on,
            status=case.status,
            decision_type=case.decision_type,
            outcome=case.outcome if case.outcome_explicit else None,
            importance=case.importance,
            keywords=case.keywords,
            populations=case.populations,
            implementation_status=case.implementation_status,
            facts_summary=case.facts_summary,
            holding=case.holding,
            law_text=case.law_text,
            identifiers=[{"kind": i.kind, "value": i.value} for i in identifiers[case.id]],
            claims=[
                {
                    "right_id": cl.right_id,
                    "provisions": [f"{p.instrument_id}:{p.path}" for p in provisions[cl.id]],
                    "finding": cl.finding,
                    "argument_summary": cl.argument_summary,
                    "remedy": cl.remedy,
                }
                for cl in claims[case.id]
            ],
            citations=[_citation(c, targets, readable, target_idents) for c in citations[case.id]],
        )


def _citation(
    c: CaseCitation,
    targets: dict[uuid.UUID, LegalCase],
    readable: set[uuid.UUID],
    idents: dict[uuid.UUID, list[CaseIdentifier]],
) -> dict[str, Any]:
    base: dict[str, Any] = {
        "treatment": c.treatment,
        "pinpoint": c.pinpoint,
        "uncertain": c.uncertain,
    }
    target = targets.get(c.cited_case_id) if c.cited_case_id in readable else None
    if target is not None and target.reference_key:
        return base | {"reference_key": target.reference_key}
    if target is not None and idents.get(target.id):
        first = idents[target.id][0]
        return base | {"identifier": {"kind": first.kind, "value": first.value}}
    if c.identifier_kind and c.identifier_value:
        return base | {"identifier": {"kind": c.identifier_kind, "value": c.identifier_value}}
    return base | {"text": c.unresolved_text or "unresolved citation"}
