"""Bulk import of interchange records: validate everything first, then write in bulk.

By default a file imports all-or-nothing; with `partial` the valid records land and the
rest are reported. Records match existing cases by reference key or typed identifier, so
importing the same file twice updates rather than duplicates.
"""

from __future__ import annotations

import re
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from app.audit import service as audit
from app.auth.principal import Principal
from app.cases import repository as repo
from app.cases import resolution
from app.cases.interchange import InterchangeCase, RecordError, validate
from app.cases.models import (
    FAVOURABLE_FINDINGS,
    CaseCitation,
    CaseIdentifier,
    IdentifierKind,
    LegalCase,
    Proceeding,
    Provenance,
    ReviewState,
    RightsClaim,
    claim_provision,
)
from app.cases.outcomes import derive_outcome
from app.orgs.models import Visibility
from app.orgs.visibility import member_view
from app.outbox import events
from app.reference import service as reference
from app.reference.models import (
    Basis,
    CrosswalkRow,
    Forum,
    Instrument,
    Jurisdiction,
    JurisdictionKind,
    Provision,
    RightConcept,
)
from app.reference.parsing import ProvisionParseError, label_for, parse_key, parse_provision

GLOBAL_SCOPE = "*"
_KEY_PATH = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,79}")
BATCH = 2000


class ImportReport(BaseModel):
    records: int = 0
    created: int = 0
    updated: int = 0
    claims: int = 0
    citations_resolved: int = 0
    citations_unresolved: int = 0
    # Of the unresolved: those that may mean several decisions (candidates, never picked).
    citations_ambiguous: int = 0
    errors: list[RecordError] = []
    warnings: list[RecordError] = []
    dry_run: bool = False
    written: bool = False


@dataclass
class _Prepared:
    line: int
    case: InterchangeCase
    claims: list[tuple[str | None, list[tuple[str, str]]]]
    scopes: list[tuple[IdentifierKind, str, str]]
    existing_id: uuid.UUID | None = None
    case_id: uuid.UUID = field(default_factory=uuid.uuid4)


class _Reference:
    """Reference lookups cached for the whole import."""

    def __init__(self, session: Session) -> None:
        self.forums = {f.id: f.jurisdiction_code for f in session.scalars(select(Forum))}
        self.states = set(
            session.scalars(
                select(Jurisdiction.code).where(Jurisdiction.kind == JurisdictionKind.state)
            )
        )
        self.rights = set(session.scalars(select(RightConcept.id)))
        self.instruments = set(session.scalars(select(Instrument.id)))
        self.aliases = reference.instrument_aliases(session)
        self.provisions = {
            (p.instrument_id, p.path): p.id for p in session.scalars(select(Provision))
        }
        self.crosswalk: dict[str, list[tuple[str, str, Basis]]] = defaultdict(list)
        for row, provision in session.execute(
            select(CrosswalkRow, Provision).join(
                Provision, Provision.id == CrosswalkRow.provision_id
            )
        ):
            self.crosswalk[provision.instrument_id].append(
                (provision.path, row.right_id, row.basis)
            )
        self._parsed: dict[str, tuple[str, str] | str] = {}

    def parse(self, text: str) -> tuple[str, str] | str:
        """(instrument, path) or an error message."""
        if text not in self._parsed:
            instrument, _, path = text.partition(":")
            # Keys of free-form provisions (`US-CONST:14th-amendment`) are not canonical
            # article paths; for a known instrument they are taken as written.
            if (instrument, path) in self.provisions or (
                instrument in self.instruments and _KEY_PATH.fullmatch(path)
            ):
                self._parsed[text] = (instrument, path)
                return self._parsed[text]
            try:
                ref = parse_key(text) if ":" in text else parse_provision(text, self.aliases)
                self._parsed[text] = (
                    (ref.instrument_id, ref.path)
                    if ref.instrument_id in self.instruments
                    else f"no instrument {ref.instrument_id!r} is recorded"
                )
            except ProvisionParseError as exc:
                self._parsed[text] = str(exc)
        return self._parsed[text]

    def primary_right(self, refs: list[tuple[str, str]]) -> str | None:
        """The right a claim on these provisions is about, through the crosswalk: textual
        links before interpretive ones, the provision itself before its article or parts."""
        best: tuple[int, int, str] | None = None
        for instrument, path in refs:
            for row_path, right, basis in self.crosswalk.get(instrument, []):
                if row_path == path:
                    distance = 0
                elif path.startswith(row_path + "-"):
                    distance = 1
                elif row_path.startswith(path + "-"):
                    distance = 2
                else:
                    continue
                rank = (0 if basis is Basis.explicit else 1, distance, right)
                best = rank if best is None or rank < best else best
        return best[2] if best else None


def import_cases(
    session: Session,
    records: Iterable[tuple[int, dict[str, Any] | RecordError]],
    *,
    owner_org_id: uuid.UUID,
    visibility: Visibility,
    actor: Principal | None,
    partial: bool = False,
    dry_run: bool = False,
    now: datetime,
    progress: Callable[[int], None] = lambda _: None,
) -> ImportReport:
    ref = _Reference(session)
    report = ImportReport(dry_run=dry_run)
    prepared: list[_Prepared] = []
    seen_identifiers: dict[tuple[str, str, str, str], int] = {}
    for line, raw in records:
        report.records += 1
        if isinstance(raw, RecordError):
            report.errors.append(raw)
            continue
        checked = _check(line, raw, ref, seen_identifiers, report.warnings)
        if isinstance(checked, list):
            report.errors.extend(checked)
        else:
            prepared.append(checked)
    _match_existing(session, prepared, owner_org_id, report)
    valid_lines = {e.line for e in report.errors}
    prepared = [p for p in prepared if p.line not in valid_lines]
    if dry_run or (report.errors and not partial):
        return report
    _write(session, ref, prepared, owner_org_id, visibility, actor, now, report, progress)
    report.written = True
    audit.record(
        session,
        actor,
        action="import.run",
        object_type="import",
        object_id=None,
        organisation_id=owner_org_id,
        after={"created": report.created, "updated": report.updated, "errors": len(report.errors)},
        now=now,
    )
    return report


def _check(
    line: int,
    raw: dict[str, Any],
    ref: _Reference,
    seen: dict[tuple[str, str, str, str], int],
    warnings: list[RecordError],
) -> _Prepared | list[RecordError]:
    case = validate(line, raw)
    if isinstance(case, list):
        return case
    errors: list[RecordError] = []

    def fail(where: str, reason: str) -> None:
        errors.append(RecordError(line=line, field=where, reason=reason))

    if case.forum_id not in ref.forums:
        fail("forum_id", f"unknown forum {case.forum_id!r}")
    for code in case.respondent_states:
        if code not in ref.states:
            fail("respondent_states", f"unknown State {code!r}")
    claims: list[tuple[str | None, list[tuple[str, str]]]] = []
    for i, claim in enumerate(case.claims):
        refs: list[tuple[str, str]] = []
        for j, text in enumerate(claim.provisions):
            parsed = ref.parse(text)
            if isinstance(parsed, str):
                fail(f"claims.{i}.provisions.{j}", parsed)
            else:
                refs.append(parsed)
        right = claim.right_id or ref.primary_right(refs)
        if claim.right_id and claim.right_id not in ref.rights:
            fail(f"claims.{i}.right_id", f"unknown right concept {claim.right_id!r}")
        if right is None and not refs:
            fail(f"claims.{i}", "a claim needs a right concept or a provision")
        claims.append((right, refs))
    scopes = []
    for i, ident in enumerate(case.identifiers):
        scope = GLOBAL_SCOPE if ident.kind is IdentifierKind.ecli else case.forum_id
        # The decisions of one communication share its number, each with its own type
        # (admissibility, merits...); they are linked in one proceeding when written.
        key = (ident.kind.value, ident.value, scope, case.decision_type.value)
        if key in seen:
            # Two decisions of the same type with one number (a judgment and its correction,
            # say): a record with its own reference key keeps its place, and the number
            # stays with the first decision.
            if case.reference_key:
                warnings.append(
                    RecordError(
                        line=line,
                        field=f"identifiers.{i}",
                        reason=f"kept on line {seen[key]} only (shared by several "
                        f"{case.decision_type.value} decisions)",
                    )
                )
                continue
            fail(f"identifiers.{i}", f"also on line {seen[key]} of this file")
        seen[key] = line
        scopes.append((ident.kind, ident.value, scope))
    return errors or _Prepared(line=line, case=case, claims=claims, scopes=scopes)


def _match_existing(
    session: Session, prepared: list[_Prepared], owner: uuid.UUID, report: ImportReport
) -> None:
    """Find the cases these records update, among those the owner's members may read.

    A private case of another organisation is invisible here as everywhere: it neither
    matches nor refuses a record, so an import cannot learn that it exists.
    """
    view = member_view(owner)
    keys = [p.case.reference_key for p in prepared if p.case.reference_key]
    triples: list[tuple[str, str, str | None]] = [
        (k.value, v, s) for p in prepared for k, v, s in p.scopes
    ]
    key_rows = repo.visible_with_reference_keys(session, view, keys)
    ident_rows = [
        row
        for chunk in _chunks(triples, BATCH)
        for row in repo.visible_with_identifiers(session, view, chunk)
    ]
    owners = {row[1]: row[2] for row in key_rows} | {row[3]: row[4] for row in ident_rows}
    # Own cases sort last, so they win a key or identifier that a readable foreign case shares.
    by_key = {k: c for k, c, o in sorted(key_rows, key=lambda r: r[2] == owner)}
    by_ident = {
        (k, v, s, d): c for k, v, s, c, o, d in sorted(ident_rows, key=lambda r: r[4] == owner)
    }
    for p in prepared:
        kind = p.case.decision_type
        existing = (by_key.get(p.case.reference_key) if p.case.reference_key else None) or next(
            (
                by_ident[(k.value, v, s, kind)]
                for k, v, s in p.scopes
                if (k.value, v, s, kind) in by_ident
            ),
            None,
        )
        if existing is None:
            continue
        if owners.get(existing) != owner:
            report.errors.append(
                RecordError(
                    line=p.line,
                    field="identifiers",
                    reason="another organisation already shares a case with this identifier",
                )
            )
            continue
        p.existing_id = existing
        p.case_id = existing


def _write(
    session: Session,
    ref: _Reference,
    prepared: list[_Prepared],
    owner: uuid.UUID,
    visibility: Visibility,
    actor: Principal | None,
    now: datetime,
    report: ImportReport,
    progress: Callable[[int], None],
) -> None:
    missing = sorted(
        {r for p in prepared for _, refs in p.claims for r in refs if r not in ref.provisions}
    )
    for chunk in _chunks(missing, BATCH):
        rows = [
            {"id": uuid.uuid4(), "instrument_id": i, "path": path, "label": _label(path)}
            for i, path in chunk
        ]
        session.execute(insert(Provision), rows)
        ref.provisions.update({(r["instrument_id"], r["path"]): r["id"] for r in rows})
    existing = [p.existing_id for p in prepared if p.existing_id]
    for chunk in _chunks(existing, BATCH):
        for model, column in (
            (RightsClaim, RightsClaim.case_id),
            (CaseIdentifier, CaseIdentifier.case_id),
        ):
            session.execute(delete(model).where(column.in_(chunk)))
        session.execute(
            delete(CaseCitation).where(
                CaseCitation.citing_case_id.in_(chunk),
                CaseCitation.provenance == Provenance.imported,
            )
        )
    loaded = {
        c.id: c
        for chunk in _chunks(existing, BATCH)
        for c in session.scalars(select(LegalCase).where(LegalCase.id.in_(chunk)))
    }
    actor_id = actor.user_id if actor else None
    for done, chunk in enumerate(_chunks(prepared, BATCH), start=1):
        new_rows, claim_rows, link_rows, ident_rows = [], [], [], []
        for p in chunk:
            fields = _case_fields(ref, p)
            if p.existing_id:
                case = loaded[p.existing_id]
                for key, value in fields.items():
                    setattr(case, key, value)
                case.updated_by, case.updated_at = actor_id, now
                report.updated += 1
            else:
                new_rows.append(
                    {
                        **fields,
                        "id": p.case_id,
                        "owner_org_id": owner,
                        "visibility": visibility,
                        "reference_key": p.case.reference_key,
                        "created_by": actor_id,
                        "updated_by": actor_id,
                        "version": 1,
                    }
                )
                report.created += 1
            for position, (claim, (right, refs)) in enumerate(
                zip(p.case.claims, p.claims, strict=True)
            ):
                claim_id = uuid.uuid4()
                claim_rows.append(
                    {
                        "id": claim_id,
                        "case_id": p.case_id,
                        "position": position,
                        "right_id": right,
                        "finding": claim.finding,
                        "argument_summary": claim.argument_summary,
                        "remedy": claim.remedy,
                    }
                )
                link_rows += [
                    {"claim_id": claim_id, "provision_id": ref.provisions[r]}
                    for r in dict.fromkeys(refs)
                ]
            ident_rows += [
                {
                    "id": uuid.uuid4(),
                    "case_id": p.case_id,
                    "kind": k,
                    "value": v,
                    "forum_id": s,
                    "owner_org_id": owner,
                    "decision_type": p.case.decision_type,
                }
                for k, v, s in p.scopes
            ]
        _insert_many(session, LegalCase.__table__, new_rows)
        session.flush()
        _insert_many(session, RightsClaim.__table__, claim_rows)
        _insert_many(session, CaseIdentifier.__table__, ident_rows)
        _insert_many(session, claim_provision, link_rows)
        report.claims += len(claim_rows)
        progress(done * BATCH)
    _link_proceedings(session, prepared, owner)
    _write_citations(session, prepared, owner, report)
    wins = [
        p.case_id for p in prepared if any(c.finding in FAVOURABLE_FINDINGS for c in p.case.claims)
    ]
    events.queue_knock_on(session, wins, now=now)


def _link_proceedings(session: Session, prepared: list[_Prepared], owner: uuid.UUID) -> None:
    """Group the owner's decisions that share an identifier (of this file or already held)
    into proceedings: an admissibility decision, the views and a follow-up of one
    communication, or a joint decision with each communication it decides."""
    triples = sorted({(k.value, v, s) for p in prepared for k, v, s in p.scopes})
    holders: dict[tuple[str, str, str], set[uuid.UUID]] = defaultdict(set)
    proceeding_of: dict[uuid.UUID, uuid.UUID | None] = {}
    for chunk in _chunks(triples, BATCH):
        for k, v, s, case_id, proceeding in repo.owned_with_identifiers(session, owner, chunk):
            holders[(k, v, s)].add(case_id)
            proceeding_of[case_id] = proceeding
    # Union-find over the cases: two decisions sharing a number are one matter.
    parent: dict[uuid.UUID, uuid.UUID] = {}

    def root(x: uuid.UUID) -> uuid.UUID:
        while parent.get(x, x) != x:
            x = parent[x]
        return x

    for cases in holders.values():
        first, *rest = sorted(cases)
        for other in rest:
            a, b = root(first), root(other)
            if a != b:
                parent[max(a, b)] = min(a, b)
    groups: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
    for case_id in proceeding_of:
        groups[root(case_id)].append(case_id)
    forum_of = {p.case_id: p.case.forum_id for p in prepared}
    for members in groups.values():
        if len(members) < 2:
            continue
        known = sorted({p for c in members if (p := proceeding_of[c]) is not None})
        target = known[0] if known else uuid.uuid4()
        if not known:
            forum = next(forum_of[c] for c in members if c in forum_of)
            session.add(Proceeding(id=target, owner_org_id=owner, forum_id=forum))
            session.flush()
        for other in known[1:]:
            repo.merge_proceedings(session, other, into=target)
        moved = [c for c in members if proceeding_of[c] != target]
        if moved:
            repo.assign_proceeding(session, target, moved)


def _insert_many(session: Session, table: Any, rows: list[dict[str, Any]]) -> None:
    """Multi-row INSERT statements (RETURNING makes SQLAlchemy batch the rows) rather than
    one statement a row: the matcher's index triggers run once a statement, so a batch
    indexes its cases together."""
    if rows:
        session.execute(insert(table).returning(*table.primary_key.columns), rows)


def _case_fields(ref: _Reference, p: _Prepared) -> dict[str, Any]:
    c = p.case
    return {
        "title": c.title,
        "short_title": c.short_title,
        "citation": c.citation,
        "forum_id": c.forum_id,
        "forum_jurisdiction": ref.forums[c.forum_id],
        "respondent_states": c.respondent_states,
        "language": c.language,
        "filed_on": c.filed_on,
        "decided_on": c.decided_on,
        "status": c.status,
        "decision_type": c.decision_type,
        "outcome": c.outcome or derive_outcome(cl.finding for cl in c.claims),
        "outcome_explicit": c.outcome is not None,
        "facts_summary": c.facts_summary,
        "holding": c.holding,
        "law_text": c.law_text,
        "keywords": c.keywords,
        "populations": [p.value for p in c.populations],
        "importance": c.importance,
        "implementation_status": c.implementation_status,
    }


def _write_citations(
    session: Session, prepared: list[_Prepared], owner: uuid.UUID, report: ImportReport
) -> None:
    """Resolve citations against the cases the owner's members may read, this file included."""
    view = member_view(owner)
    by_key: dict[str, set[uuid.UUID]] = defaultdict(set)
    for key, case_id, _ in repo.visible_with_reference_keys(
        session,
        view,
        {cit.reference_key for p in prepared for cit in p.case.citations if cit.reference_key},
    ):
        by_key[key].add(case_id)
    wanted = sorted(
        {
            (cit.identifier.kind.value, cit.identifier.value)
            for p in prepared
            for cit in p.case.citations
            if cit.identifier
        }
    )
    by_ident: dict[tuple[str, str], dict[uuid.UUID, resolution.Target]] = defaultdict(dict)
    for chunk in _chunks(wanted, BATCH):
        for kind, value, found_target in repo.citation_targets(session, view, chunk):
            by_ident[(kind, value)][found_target.case_id] = found_target
    rows = []
    for p in prepared:
        for cit in p.case.citations:
            found = by_key.get(cit.reference_key, set()) if cit.reference_key else set()
            target = next(iter(found)) if len(found) == 1 else None
            if not found and cit.identifier:
                # A number means a decision of the citing forum, and of one matter
                # (`resolution.choose`); never the citing decision itself.
                targets = by_ident.get((cit.identifier.kind.value, cit.identifier.value), {})
                chosen, candidates = resolution.choose(
                    [t for i, t in sorted(targets.items()) if i != p.case_id],
                    citing_forum=p.case.forum_id,
                    forum_hint=None,
                )
                target = chosen.case_id if chosen else None
                if candidates:
                    report.citations_ambiguous += 1
            if target == p.case_id:
                target = None
            rows.append(
                {
                    "id": uuid.uuid4(),
                    "citing_case_id": p.case_id,
                    "cited_case_id": target,
                    "unresolved_text": None if target else (cit.text or _describe(cit)),
                    "identifier_kind": cit.identifier.kind.value if cit.identifier else None,
                    "identifier_value": cit.identifier.value if cit.identifier else None,
                    "treatment": cit.treatment,
                    "pinpoint": cit.pinpoint,
                    "provenance": Provenance.imported,
                    "review_state": ReviewState.accepted,
                    "uncertain": cit.uncertain,
                }
            )
            if target:
                report.citations_resolved += 1
            else:
                report.citations_unresolved += 1
    for chunk in _chunks(rows, BATCH):
        session.execute(insert(CaseCitation), chunk)


def _describe(cit: Any) -> str:
    if cit.identifier:
        return f"{cit.identifier.kind.value} {cit.identifier.value}"
    return str(cit.reference_key or "")


def _label(path: str) -> str:
    try:
        return label_for(path)
    except ProvisionParseError:
        return path.replace("-", " ")


def _chunks(items: list[Any], size: int) -> Iterable[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
