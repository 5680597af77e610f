"""SQL for the case record. Every read starts from `readable(principal)`."""

from __future__ import annotations

import functools
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import (
    Select,
    Text,
    Uuid,
    and_,
    any_,
    bindparam,
    case,
    cast,
    delete,
    exists,
    func,
    literal_column,
    or_,
    select,
    tuple_,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY, aggregate_order_by, psycopg
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session, aliased

from app.alerts.models import Rate, Subscription, SubscriptionKind
from app.auth.principal import Principal
from app.cases import resolution
from app.cases.models import (
    CaseCitation,
    CaseIdentifier,
    CaseParty,
    CaseUpdate,
    DecisionType,
    LegalCase,
    Proceeding,
    ProtectedPartyData,
    RightsClaim,
    claim_provision,
)
from app.cases.schemas import CaseRead, ClaimRead, DecisionRef, IdentifierRead, ProvisionRef
from app.orgs.visibility import readable, visible_scopes
from app.reference.models import Provision


def visible(principal: Principal, row: Any = LegalCase) -> Any:
    """Whether principal may read row (`LegalCase` or an alias of it)."""
    return readable(principal, row.owner_org_id, row.visibility)


def readable_case(session: Session, principal: Principal, case_id: uuid.UUID) -> LegalCase | None:
    return session.scalar(select(LegalCase).where(LegalCase.id == case_id, visible(principal)))


_EMPTY_LIST: Any = literal_column("'[]'::json")


def _json_document(schema: type[BaseModel], row: Any, **computed: Any) -> Any:
    """The JSON of schema, built by PostgreSQL: each field is the expression `computed`
    gives it, or else row's column of the same name."""
    fields = {
        name: computed[name] if name in computed else getattr(row, name)
        for name in schema.model_fields
    }
    return func.json_build_object(*(part for field in fields.items() for part in field))


def _json_list(element: Any, *order_by: Any) -> Any:
    return func.coalesce(func.json_agg(aggregate_order_by(element, *order_by)), _EMPTY_LIST)


def case_document(
    session: Session, principal: Principal, case_id: uuid.UUID
) -> tuple[int, str] | None:
    """The case as `CaseRead` JSON with its version, assembled by PostgreSQL in one statement.

    The hottest read in the product: one round trip, no ORM objects, and SQL compiled once
    (the principal's rights travel as array parameters), which the driver then prepares.
    """
    sql, constants = _case_document_sql()
    row = (
        session.connection()
        .exec_driver_sql(
            sql,
            constants
            | {
                "case_id": case_id,
                "scopes": [str(v) for v in visible_scopes(principal)],
                "org_ids": sorted(principal.org_ids),
            },
        )
        .one_or_none()
    )
    return None if row is None else (row[0], row[1])


@functools.cache
def _case_document_sql() -> tuple[str, dict[str, Any]]:
    provisions = (
        select(
            _json_list(
                _json_document(
                    ProvisionRef, Provision, key=Provision.instrument_id + ":" + Provision.path
                ),
                Provision.instrument_id,
                Provision.path,
            )
        )
        .select_from(claim_provision.join(Provision))
        .where(claim_provision.c.claim_id == RightsClaim.id)
        .scalar_subquery()
    )
    claims = (
        select(
            _json_list(
                _json_document(ClaimRead, RightsClaim, provisions=provisions),
                RightsClaim.position,
                RightsClaim.id,
            )
        )
        .where(RightsClaim.case_id == LegalCase.id)
        .scalar_subquery()
    )
    identifiers = (
        select(
            _json_list(
                _json_document(IdentifierRead, CaseIdentifier),
                CaseIdentifier.kind,
                CaseIdentifier.value,
            )
        )
        .where(CaseIdentifier.case_id == LegalCase.id)
        .scalar_subquery()
    )
    c = LegalCase
    org_ids = bindparam("org_ids", type_=ARRAY(Uuid))
    scopes = bindparam("scopes", type_=ARRAY(Text))

    def readable_here(row: Any) -> Any:
        # The rule of app.orgs.visibility.readable, with the principal as parameters.
        return or_(cast(row.visibility, Text) == any_(scopes), row.owner_org_id == any_(org_ids))

    other = aliased(LegalCase)
    proceeding = (
        select(
            _json_list(
                _json_document(DecisionRef, other),
                other.decided_on.nulls_last(),
                other.title,
                other.id,
            )
        )
        .where(other.proceeding_id == c.proceeding_id, other.id != c.id, readable_here(other))
        .scalar_subquery()
    )
    # Internal notes stay inside the owning organisation (policy.may_see_internal).
    own = c.owner_org_id == any_(org_ids)
    document = _json_document(
        CaseRead,
        c,
        outcome_source=case((c.outcome_explicit, "explicit"), else_="derived"),
        internal_notes=case((own, c.internal_notes)),
        identifiers=identifiers,
        claims=claims,
        proceeding=proceeding,
    )
    stmt = select(c.version, cast(document, Text)).where(
        c.id == bindparam("case_id", type_=Uuid), readable_here(c)
    )
    compiled = stmt.compile(dialect=psycopg.dialect())  # type: ignore[no-untyped-call]
    return str(compiled), compiled.params


def claims_of(
    session: Session, case_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, list[RightsClaim]]:
    out: dict[uuid.UUID, list[RightsClaim]] = defaultdict(list)
    for claim in session.scalars(
        select(RightsClaim)
        .where(RightsClaim.case_id.in_(list(case_ids)))
        .order_by(RightsClaim.position, RightsClaim.id)
    ):
        out[claim.case_id].append(claim)
    return out


def provisions_of_claims(
    session: Session, claim_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, list[Provision]]:
    out: dict[uuid.UUID, list[Provision]] = defaultdict(list)
    rows = session.execute(
        select(claim_provision.c.claim_id, Provision)
        .join(Provision, Provision.id == claim_provision.c.provision_id)
        .where(claim_provision.c.claim_id.in_(list(claim_ids)))
        .order_by(Provision.instrument_id, Provision.path)
    )
    for claim_id, provision in rows:
        out[claim_id].append(provision)
    return out


def set_claim_provisions(
    session: Session, claim_id: uuid.UUID, provision_ids: Iterable[uuid.UUID]
) -> None:
    session.execute(claim_provision.delete().where(claim_provision.c.claim_id == claim_id))
    ids = list(dict.fromkeys(provision_ids))
    if ids:
        session.execute(
            claim_provision.insert(), [{"claim_id": claim_id, "provision_id": p} for p in ids]
        )


def identifiers_of(
    session: Session, case_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, list[CaseIdentifier]]:
    out: dict[uuid.UUID, list[CaseIdentifier]] = defaultdict(list)
    for ident in session.scalars(
        select(CaseIdentifier)
        .where(CaseIdentifier.case_id.in_(list(case_ids)))
        .order_by(CaseIdentifier.kind, CaseIdentifier.value)
    ):
        out[ident.case_id].append(ident)
    return out


@dataclass(frozen=True, slots=True)
class Holder:
    case_id: uuid.UUID
    decision_type: DecisionType
    owner_org_id: uuid.UUID


def identifier_holders(
    session: Session, principal: Principal, kind: str, value: str, forum_scope: str
) -> list[Holder]:
    """The cases that principal may read carrying this identifier, own cases first."""
    rows = session.execute(
        select(CaseIdentifier.case_id, LegalCase.decision_type, LegalCase.owner_org_id)
        .join(LegalCase, LegalCase.id == CaseIdentifier.case_id)
        .where(
            CaseIdentifier.kind == kind,
            CaseIdentifier.value == value,
            CaseIdentifier.forum_id == forum_scope,
            visible(principal),
        )
        .order_by(LegalCase.owner_org_id.in_(sorted(principal.org_ids)).desc(), LegalCase.id)
    )
    return [Holder(*row) for row in rows]


def merge_proceedings(session: Session, source: uuid.UUID, *, into: uuid.UUID) -> None:
    """Move every decision of proceeding source into proceeding into, and drop source."""
    session.execute(
        update(LegalCase)
        .where(LegalCase.proceeding_id == source)
        .values(proceeding_id=into)
        .execution_options(synchronize_session="fetch")
    )
    session.execute(delete(Proceeding).where(Proceeding.id == source))


def visible_with_reference_keys(
    session: Session, principal: Principal, keys: Iterable[str]
) -> list[tuple[str, uuid.UUID, uuid.UUID]]:
    """(reference key, case id, owner) of the readable cases with these keys."""
    wanted = sorted(set(keys))
    if not wanted:
        return []
    rows = session.execute(
        select(LegalCase.reference_key, LegalCase.id, LegalCase.owner_org_id).where(
            LegalCase.reference_key.in_(wanted), visible(principal)
        )
    )
    return [(str(k), i, o) for k, i, o in rows]


def visible_with_identifiers(
    session: Session, principal: Principal, triples: list[tuple[str, str, str | None]]
) -> list[tuple[str, str, str, uuid.UUID, uuid.UUID, DecisionType]]:
    """(kind, value, forum scope, case id, owner, decision type) of readable cases carrying
    these identifiers; a scope of None matches the identifier in any forum."""
    if not triples:
        return []
    scoped = [(k, v, s) for k, v, s in triples if s is not None]
    unscoped = [(k, v) for k, v, s in triples if s is None]
    ident = CaseIdentifier
    conditions = []
    if scoped:
        conditions.append(tuple_(ident.kind, ident.value, ident.forum_id).in_(scoped))
    if unscoped:
        conditions.append(tuple_(ident.kind, ident.value).in_(unscoped))
    rows = session.execute(
        select(
            ident.kind,
            ident.value,
            ident.forum_id,
            ident.case_id,
            LegalCase.owner_org_id,
            LegalCase.decision_type,
        )
        .join(LegalCase, LegalCase.id == ident.case_id)
        .where(or_(*conditions), visible(principal))
    )
    return [(str(k), v, f, c, o, d) for k, v, f, c, o, d in rows]


def citation_targets(
    session: Session, principal: Principal, pairs: list[tuple[str, str]]
) -> list[tuple[str, str, resolution.Target]]:
    """(kind, value, target) of the readable cases carrying these identifiers, any forum."""
    if not pairs:
        return []
    ident = CaseIdentifier
    rows = session.execute(
        select(
            ident.kind,
            ident.value,
            LegalCase.id,
            LegalCase.forum_id,
            LegalCase.proceeding_id,
            LegalCase.decision_type,
            LegalCase.decided_on,
        )
        .join(LegalCase, LegalCase.id == ident.case_id)
        .where(tuple_(ident.kind, ident.value).in_(pairs), visible(principal))
    )
    return [(str(k), v, resolution.Target(i, f, p, d, on)) for k, v, i, f, p, d, on in rows]


def owned_with_identifiers(
    session: Session, owner: uuid.UUID, triples: list[tuple[str, str, str]]
) -> list[tuple[str, str, str, uuid.UUID, uuid.UUID | None]]:
    """(kind, value, forum scope, case id, proceeding) of the owner's cases carrying these
    identifiers, whatever their decision type."""
    if not triples:
        return []
    ident = CaseIdentifier
    rows = session.execute(
        select(ident.kind, ident.value, ident.forum_id, ident.case_id, LegalCase.proceeding_id)
        .join(LegalCase, LegalCase.id == ident.case_id)
        .where(
            tuple_(ident.kind, ident.value, ident.forum_id).in_(triples),
            ident.owner_org_id == owner,
        )
    )
    return [(str(k), v, f, c, p) for k, v, f, c, p in rows]


def assign_proceeding(
    session: Session, proceeding_id: uuid.UUID, case_ids: list[uuid.UUID]
) -> None:
    session.execute(
        update(LegalCase)
        .where(LegalCase.id.in_(case_ids))
        .values(proceeding_id=proceeding_id)
        .execution_options(synchronize_session=False)
    )


def filtered_cases(principal: Principal, filters: dict[str, Any]) -> Select[LegalCase]:
    """Readable cases narrowed by the list filters (claims filters join through EXISTS)."""
    stmt = select(LegalCase).where(visible(principal))
    simple = {
        "forum": LegalCase.forum_id,
        "jurisdiction": LegalCase.forum_jurisdiction,
        "outcome": LegalCase.outcome,
        "status": LegalCase.status,
        "owner_org_id": LegalCase.owner_org_id,
        "visibility": LegalCase.visibility,
    }
    for name, column in simple.items():
        if filters.get(name) is not None:
            stmt = stmt.where(column == filters[name])
    if filters.get("respondent"):
        stmt = stmt.where(LegalCase.respondent_states.contains([filters["respondent"]]))
    if filters.get("keyword"):
        stmt = stmt.where(LegalCase.keywords.contains([filters["keyword"]]))
    if filters.get("population"):
        stmt = stmt.where(LegalCase.populations.contains([filters["population"]]))
    if filters.get("decided_from"):
        stmt = stmt.where(LegalCase.decided_on >= filters["decided_from"])
    if filters.get("decided_to"):
        stmt = stmt.where(LegalCase.decided_on <= filters["decided_to"])
    claim_conditions = []
    if filters.get("right"):
        claim_conditions.append(RightsClaim.right_id == filters["right"])
    if filters.get("finding"):
        claim_conditions.append(RightsClaim.finding == filters["finding"])
    if filters.get("provision_ids") is not None:
        claim_conditions.append(
            exists().where(
                claim_provision.c.claim_id == RightsClaim.id,
                claim_provision.c.provision_id.in_(filters["provision_ids"]),
            )
        )
    if claim_conditions:
        stmt = stmt.where(
            exists().where(RightsClaim.case_id == LegalCase.id, and_(*claim_conditions))
        )
    return stmt


def updates_of(session: Session, case_id: uuid.UUID, *, internal: bool) -> list[CaseUpdate]:
    stmt = select(CaseUpdate).where(CaseUpdate.case_id == case_id)
    if not internal:
        stmt = stmt.where(CaseUpdate.internal.is_(False))
    return list(session.scalars(stmt.order_by(CaseUpdate.occurred_on, CaseUpdate.created_at)))


def _following(user_id: Any, case_id: Any) -> Any:
    return and_(
        Subscription.kind == SubscriptionKind.case,
        Subscription.user_id == user_id,
        Subscription.case_id == case_id,
    )


def follow(session: Session, user_id: uuid.UUID, case_id: uuid.UUID, now: datetime) -> None:
    """Following a case is a subscription to it (daily mail; notifications at once)."""
    session.execute(
        pg_insert(Subscription)
        .values(
            id=uuid.uuid4(),
            user_id=user_id,
            kind=SubscriptionKind.case,
            case_id=case_id,
            rate=Rate.daily,
            enabled=True,
            language="en",
            created_at=now,
        )
        .on_conflict_do_update(  # following again switches back on what a mail link stopped
            index_elements=["user_id", "case_id"],
            index_where=Subscription.kind == SubscriptionKind.case,
            set_={"enabled": True},
        )
    )


def unfollow(session: Session, user_id: uuid.UUID, case_id: uuid.UUID) -> None:
    session.execute(delete(Subscription).where(_following(user_id, case_id)))


def follows(session: Session, user_id: uuid.UUID, case_id: uuid.UUID) -> bool:
    return session.scalar(select(Subscription.id).where(_following(user_id, case_id))) is not None


def followed_updates(
    session: Session, principal: Principal, user_id: uuid.UUID, limit: int
) -> list[tuple[CaseUpdate, str]]:
    """The newest updates, with their case's title, of the cases user_id follows and may
    still read; internal ones only inside the owning organisation (policy.may_see_internal)."""
    rows = session.execute(
        select(CaseUpdate, LegalCase.title)
        .join(LegalCase, LegalCase.id == CaseUpdate.case_id)
        .join(Subscription, _following(user_id, CaseUpdate.case_id))
        .where(
            visible(principal),
            or_(
                CaseUpdate.internal.is_(False),
                LegalCase.owner_org_id.in_(sorted(principal.org_ids)),
            ),
        )
        .order_by(CaseUpdate.created_at.desc(), CaseUpdate.id)
        .limit(limit)
    )
    return [(u, str(t)) for u, t in rows]


def parties_of(session: Session, case_id: uuid.UUID) -> list[tuple[CaseParty, bool]]:
    rows = session.execute(
        select(CaseParty, ProtectedPartyData.party_id.is_not(None))
        .outerjoin(ProtectedPartyData, ProtectedPartyData.party_id == CaseParty.id)
        .where(CaseParty.case_id == case_id)
        .order_by(CaseParty.role, CaseParty.pseudonym)
    )
    return [(p, bool(has)) for p, has in rows]


def citations_from(session: Session, case_id: uuid.UUID) -> list[CaseCitation]:
    return list(
        session.scalars(
            select(CaseCitation)
            .where(CaseCitation.citing_case_id == case_id)
            .order_by(CaseCitation.created_at, CaseCitation.id)
        )
    )


def citing_cases(
    session: Session, principal: Principal, case_id: uuid.UUID
) -> list[tuple[CaseCitation, LegalCase]]:
    """Citations of case_id made by decisions the principal may read."""
    rows = session.execute(
        select(CaseCitation, LegalCase)
        .join(LegalCase, LegalCase.id == CaseCitation.citing_case_id)
        .where(CaseCitation.cited_case_id == case_id, visible(principal))
        .order_by(LegalCase.decided_on.desc().nulls_last(), LegalCase.id)
    )
    return [(c, case) for c, case in rows]


def cases_by_ids(session: Session, ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, LegalCase]:
    return {c.id: c for c in session.scalars(select(LegalCase).where(LegalCase.id.in_(list(ids))))}


def titles(
    session: Session, principal: Principal, ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, str]:
    """The titles of the cases of ids that principal may read."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    rows = session.execute(
        select(LegalCase.id, LegalCase.title).where(LegalCase.id.in_(wanted), visible(principal))
    )
    return {i: str(t) for i, t in rows}
