"""Reference use cases: read the law, find equivalent provisions, curate the data."""

from __future__ import annotations

import difflib
import uuid
from collections import defaultdict
from datetime import datetime
from typing import Any

from babel import Locale
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.audit import service as audit
from app.auth.principal import Principal
from app.core.etag import check_version
from app.errors import ConflictError, FieldError, NotFoundError, ValidationFailed
from app.orgs.policy import require_hub_admin
from app.reference import cache, lookup
from app.reference import repository as repo
from app.reference.models import (
    CrosswalkRow,
    Forum,
    Instrument,
    InstrumentType,
    Jurisdiction,
    JurisdictionKind,
    Provision,
    Ratification,
    RatificationStatus,
    RightConcept,
)
from app.reference.parsing import (
    ProvisionParseError,
    ProvisionRef,
    label_for,
    parse_key,
    parse_provision,
)
from app.reference.policy import require_may_propose_forum
from app.reference.schemas import (
    ComplaintMechanism,
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
    MembershipRead,
    MonitoringBodyRead,
    Obligation,
    ObligationsRead,
    ParsedProvision,
    ProvisionCreate,
    ProvisionRead,
    RatificationPut,
    RatificationRead,
    ReservationRead,
    RightCreate,
    RightDetail,
    RightPatch,
    RightRead,
    WithdrawalRead,
)

IN_FORCE = (RatificationStatus.party, RatificationStatus.member)


# ---------------------------------------------------------------- provisions


class UnknownProvision(ValidationFailed):
    code = "unknown_provision"
    title = "Provision not recognised"


def instrument_aliases(session: Session) -> dict[str, str]:
    """Short code or id -> instrument id, for the parser."""
    return cache.memo(session, ("instrument_aliases",), _instrument_aliases)


def _instrument_aliases(session: Session) -> dict[str, str]:
    aliases: dict[str, str] = {}
    for instrument in repo.instruments(session, system=None, type_=None, binding=None):
        aliases[instrument.short_code] = instrument.id
        aliases[instrument.id] = instrument.id
    return aliases


def parse(session: Session, text: str, *, field: str = "provision") -> ProvisionRef:
    """A key (`ECHR:5-1-f`) or typed text, checked against known instruments; else a 422
    listing the closest known provisions."""
    try:
        ref = parse_key(text) if ":" in text else parse_provision(text, instrument_aliases(session))
    except ProvisionParseError as exc:
        raise _unknown(session, text, str(exc), field) from exc
    if ref.instrument_id not in instrument_aliases(session).values():
        raise _unknown(session, text, f"No instrument {ref.instrument_id!r} is recorded.", field)
    return ref


def _unknown(session: Session, text: str, reason: str, field: str) -> UnknownProvision:
    return UnknownProvision(
        f"{reason} Closest known provisions are listed in `suggestions`.",
        errors=[FieldError(loc=[field], msg=reason, type="unknown_provision")],
        suggestions=suggest(session, text),
    )


def suggest(session: Session, text: str, limit: int = 5) -> list[dict[str, str]]:
    codes = {
        i.id: i.short_code for i in repo.instruments(session, system=None, type_=None, binding=None)
    }
    candidates = {
        f"{codes.get(p.instrument_id, p.instrument_id)} {p.label}".lower(): (
            f"{p.instrument_id}:{p.path}",
            p.label,
        )
        for p in repo.all_provisions(session)
    }
    matches = difflib.get_close_matches(text.lower(), list(candidates), n=limit, cutoff=0.3)
    return [{"key": candidates[m][0], "label": candidates[m][1]} for m in matches]


def resolve_provision(session: Session, text: str, *, field: str = "provision") -> Provision:
    """The stored provision a reference names, recording it on first use.

    Articles of a known instrument are facts of that instrument, so a valid reference to one
    Comity has not seen before (ECHR art. 6(1)) is added rather than refused.
    """
    ref = parse(session, text, field=field)
    found = repo.provision(session, ref.instrument_id, ref.path)
    if found is None:
        found = Provision(instrument_id=ref.instrument_id, path=ref.path, label=label_for(ref.path))
        session.add(found)
        session.flush()
    return found


def parse_for_display(session: Session, text: str) -> ParsedProvision:
    ref = parse(session, text, field="text")
    instrument = repo.instruments_by_ids(session, [ref.instrument_id])[ref.instrument_id]
    return ParsedProvision(
        key=ref.key,
        instrument_id=ref.instrument_id,
        instrument_name=instrument.name,
        path=ref.path,
        label=ref.label,
        known=repo.provision(session, ref.instrument_id, ref.path) is not None,
    )


def _provision_read(p: Provision, successor: Provision | None) -> ProvisionRead:
    return ProvisionRead(
        id=p.id,
        key=f"{p.instrument_id}:{p.path}",
        instrument_id=p.instrument_id,
        path=p.path,
        label=p.label,
        valid_from=p.valid_from,
        valid_to=p.valid_to,
        successor_key=f"{successor.instrument_id}:{successor.path}" if successor else None,
    )


def list_provisions(session: Session, instrument_id: str) -> list[ProvisionRead]:
    _instrument(session, instrument_id)
    provisions = repo.provisions_of(session, instrument_id)
    successors = repo.provisions_by_ids(
        session, [p.successor_id for p in provisions if p.successor_id]
    )
    return [
        _provision_read(p, successors.get(p.successor_id) if p.successor_id else None)
        for p in provisions
    ]


# ---------------------------------------------------------------- instruments


def _instrument(session: Session, instrument_id: str) -> Instrument:
    instrument = session.get(Instrument, instrument_id)
    if instrument is None:
        raise NotFoundError(f"No instrument {instrument_id!r}.")
    return instrument


def list_instruments(session: Session, query: InstrumentQuery) -> list[InstrumentRead]:
    rows = repo.instruments(session, system=query.system, type_=query.type, binding=query.binding)
    return [InstrumentRead.model_validate(i) for i in rows]


def get_instrument(session: Session, instrument_id: str) -> InstrumentDetail:
    instrument = _instrument(session, instrument_id)
    return InstrumentDetail(
        **InstrumentRead.model_validate(instrument).model_dump(),
        monitoring_bodies=[
            MonitoringBodyRead(forum_id=m.forum_id, mechanism=m.mechanism)
            for m in repo.monitoring_bodies(session, instrument_id)
        ],
    )


def create_instrument(
    session: Session, principal: Principal, body: InstrumentCreate, *, now: datetime
) -> InstrumentDetail:
    require_hub_admin(principal, "add instruments")
    if session.get(Instrument, body.id) is not None:
        raise ConflictError(f"Instrument {body.id!r} already exists.")
    if body.parent_id is not None:
        _instrument(session, body.parent_id)
    if body.system != "national":
        _check_jurisdiction(session, body.system, field="system", kind=JurisdictionKind.system)
    instrument = Instrument(**body.model_dump(), interprets=[])
    session.add(instrument)
    session.flush()
    audit.record(
        session,
        principal,
        action="instrument.create",
        object_type="instrument",
        object_id=instrument.id,
        after=body.model_dump(),
        now=now,
    )
    return get_instrument(session, instrument.id)


def patch_instrument(
    session: Session,
    principal: Principal,
    instrument_id: str,
    body: InstrumentPatch,
    *,
    expected_version: int,
    now: datetime,
) -> InstrumentDetail:
    require_hub_admin(principal, "edit instruments")
    instrument = _instrument(session, instrument_id)
    check_version(instrument.version, expected_version)
    _apply(
        session,
        principal,
        instrument,
        body.model_dump(exclude_unset=True),
        "instrument",
        instrument.id,
        now,
    )
    return get_instrument(session, instrument.id)


def add_provision(
    session: Session,
    principal: Principal,
    instrument_id: str,
    body: ProvisionCreate,
    *,
    now: datetime,
) -> ProvisionRead:
    require_hub_admin(principal, "add provisions")
    instrument = _instrument(session, instrument_id)
    ref = parse(session, f"{instrument.id}:{_path_of(body.article)}", field="article")
    if repo.provision(session, ref.instrument_id, ref.path) is not None:
        raise ConflictError(f"{ref.key} already exists.")
    successor = (
        resolve_provision(session, body.successor, field="successor") if body.successor else None
    )
    provision = Provision(
        instrument_id=ref.instrument_id,
        path=ref.path,
        label=ref.label,
        valid_from=body.valid_from,
        valid_to=body.valid_to,
        successor_id=successor.id if successor else None,
    )
    session.add(provision)
    session.flush()
    audit.record(
        session,
        principal,
        action="provision.create",
        object_type="provision",
        object_id=provision.id,
        after={"key": ref.key},
        now=now,
    )
    return _provision_read(provision, successor)


def _path_of(article: str) -> str:
    from app.reference.parsing import canonical_path

    try:
        return canonical_path(article)
    except ProvisionParseError as exc:
        raise ValidationFailed(
            str(exc), errors=[FieldError(loc=["body", "article"], msg=str(exc), type="value_error")]
        ) from exc


def _apply(
    session: Session,
    principal: Principal,
    obj: Any,
    changes: dict[str, Any],
    object_type: str,
    object_id: str,
    now: datetime,
) -> None:
    before = {k: getattr(obj, k) for k in changes}
    for key, value in changes.items():
        setattr(obj, key, value)
    session.flush()
    audit.record(
        session,
        principal,
        action=f"{object_type}.update",
        object_type=object_type,
        object_id=object_id,
        before=before,
        after=changes,
        now=now,
    )


# ---------------------------------------------------------------- rights and crosswalk


def _right(session: Session, right_id: str) -> RightConcept:
    right = session.get(RightConcept, right_id)
    if right is None:
        raise NotFoundError(f"No right concept {right_id!r}.")
    return right


def list_rights(session: Session) -> list[RightRead]:
    return [RightRead.model_validate(r) for r in repo.rights(session)]


def right_labels(session: Session, language: str) -> dict[str, str]:
    """Right concepts' labels in English, Spanish or French, by id (cached until the
    reference data changes; read-only)."""

    def build(s: Session) -> dict[str, str]:
        return {r.id: getattr(r, f"label_{language}") for r in repo.rights(s)}

    return cache.memo(session, ("right_labels", language), build)


def state_names(session: Session, language: str) -> dict[str, str]:
    """Jurisdictions' names by code: as recorded in English, CLDR's names in Spanish and
    French where CLDR has one (cached until the reference data changes; read-only)."""

    def build(s: Session) -> dict[str, str]:
        recorded = {j.code: j.name for j in repo.jurisdictions(s, None)}
        if language == "en":
            return recorded
        local = Locale.parse(language).territories
        return {code: local.get(code, name) for code, name in recorded.items()}

    return cache.memo(session, ("state_names", language), build)


def get_right(session: Session, right_id: str) -> RightDetail:
    right = _right(session, right_id)
    grouped: dict[str, list[CrosswalkEntry]] = defaultdict(list)
    for entry in _entries(session, repo.crosswalk_for_rights(session, [right_id])):
        grouped[entry.system].append(entry)
    return RightDetail(**RightRead.model_validate(right).model_dump(), crosswalk=dict(grouped))


def _entries(session: Session, rows: list[CrosswalkRow]) -> list[CrosswalkEntry]:
    provisions = repo.provisions_by_ids(session, [r.provision_id for r in rows])
    instruments = repo.instruments_by_ids(session, [p.instrument_id for p in provisions.values()])
    entries = []
    for row in rows:
        p = provisions[row.provision_id]
        i = instruments[p.instrument_id]
        entries.append(
            CrosswalkEntry(
                id=row.id,
                right_id=row.right_id,
                provision=f"{p.instrument_id}:{p.path}",
                label=p.label,
                instrument_id=i.id,
                instrument_name=i.name,
                system=i.system,
                binding=i.binding,
                basis=row.basis,
                note=row.note,
                via=row.via,
                uncertain=row.uncertain,
            )
        )
    return sorted(entries, key=lambda e: (e.system, e.instrument_id, e.provision, e.right_id))


def equivalents(session: Session, query: EquivalentsQuery) -> EquivalentsRead:
    ref = parse(session, query.provision, field="provision")
    own = repo.lineage(session, ref.instrument_id, ref.path)
    rights = sorted(
        {r.right_id for r in repo.crosswalk_for_provisions(session, [p.id for p in own])}
    )
    related: list[str] = []
    if query.include_related:
        known = repo.rights_by_ids(session, rights)
        related = sorted({rel for r in known.values() for rel in r.related} - set(rights))
    rows = repo.crosswalk_for_rights(session, rights + related)
    entries = [e for e in _entries(session, rows) if e.instrument_id != ref.instrument_id]
    instrument = repo.instruments_by_ids(session, [ref.instrument_id])[ref.instrument_id]
    return EquivalentsRead(
        provision=ParsedProvision(
            key=ref.key,
            instrument_id=ref.instrument_id,
            instrument_name=instrument.name,
            path=ref.path,
            label=ref.label,
            known=bool(own),
        ),
        rights=rights,
        related_rights=related,
        equivalents=entries,
    )


def create_right(
    session: Session, principal: Principal, body: RightCreate, *, now: datetime
) -> RightDetail:
    require_hub_admin(principal, "add right concepts")
    if session.get(RightConcept, body.id) is not None:
        raise ConflictError(f"Right concept {body.id!r} already exists.")
    lookup.require_rights(session, body.related, ["body", "related"])
    session.add(RightConcept(**body.model_dump()))
    session.flush()
    audit.record(
        session,
        principal,
        action="right.create",
        object_type="right_concept",
        object_id=body.id,
        after=body.model_dump(),
        now=now,
    )
    return get_right(session, body.id)


def patch_right(
    session: Session,
    principal: Principal,
    right_id: str,
    body: RightPatch,
    *,
    expected_version: int,
    now: datetime,
) -> RightDetail:
    require_hub_admin(principal, "edit right concepts")
    right = _right(session, right_id)
    check_version(right.version, expected_version)
    changes = body.model_dump(exclude_unset=True, exclude_none=True)
    if "related" in changes:
        lookup.require_rights(session, changes["related"], ["body", "related"])
    _apply(session, principal, right, changes, "right_concept", right.id, now)
    return get_right(session, right.id)


def add_crosswalk(
    session: Session, principal: Principal, body: CrosswalkCreate, *, now: datetime
) -> CrosswalkEntry:
    require_hub_admin(principal, "edit the crosswalk")
    lookup.require_rights(session, [body.right_id], ["body", "right_id"], indexed=False)
    provision = resolve_provision(session, body.provision)
    row = CrosswalkRow(
        right_id=body.right_id,
        provision_id=provision.id,
        basis=body.basis,
        note=body.note,
        via=body.via,
        uncertain=body.uncertain,
    )
    session.add(row)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as exc:
        raise ConflictError(
            f"{body.right_id} is already linked to {provision.instrument_id}:{provision.path}."
        ) from exc
    audit.record(
        session,
        principal,
        action="crosswalk.create",
        object_type="crosswalk_row",
        object_id=row.id,
        after=body.model_dump(),
        now=now,
    )
    return _entries(session, [row])[0]


def delete_crosswalk(
    session: Session, principal: Principal, row_id: uuid.UUID, *, now: datetime
) -> None:
    require_hub_admin(principal, "edit the crosswalk")
    row = session.get(CrosswalkRow, row_id)
    if row is None:
        raise NotFoundError("No such crosswalk row.")
    before = {"right_id": row.right_id, "provision_id": row.provision_id, "basis": row.basis}
    session.delete(row)
    audit.record(
        session,
        principal,
        action="crosswalk.delete",
        object_type="crosswalk_row",
        object_id=row_id,
        before=before,
        now=now,
    )


# ---------------------------------------------------------------- forums


def _forum(session: Session, forum_id: str) -> Forum:
    forum = session.get(Forum, forum_id)
    if forum is None:
        raise NotFoundError(f"No forum {forum_id!r}.")
    return forum


def list_forums(session: Session, query: ForumQuery) -> list[ForumRead]:
    rows = repo.forums(session, level=query.level, jurisdiction=query.jurisdiction)
    return [ForumRead.model_validate(f) for f in rows]


def get_forum(session: Session, forum_id: str) -> ForumRead:
    return ForumRead.model_validate(_forum(session, forum_id))


def create_forum(
    session: Session, principal: Principal, body: ForumCreate, *, now: datetime
) -> ForumRead:
    """Hub admins add curated forums; litigators may propose a national court, uncurated."""
    proposing_org = require_may_propose_forum(principal, body.level)
    if session.get(Forum, body.id) is not None:
        raise ConflictError(f"Forum {body.id!r} already exists.")
    _check_jurisdiction(session, body.jurisdiction_code)
    missing = sorted(
        set(body.instruments_applied)
        - set(repo.instruments_by_ids(session, body.instruments_applied))
    )
    if missing:
        raise ValidationFailed(
            f"Unknown instruments: {', '.join(missing)}.",
            errors=[
                FieldError(
                    loc=["body", "instruments_applied"],
                    msg="unknown instrument",
                    type="unknown_instrument",
                )
            ],
        )
    forum = Forum(
        **body.model_dump(), curated=proposing_org is None, proposed_by_org_id=proposing_org
    )
    session.add(forum)
    session.flush()
    audit.record(
        session,
        principal,
        action="forum.create",
        object_type="forum",
        object_id=forum.id,
        organisation_id=proposing_org,
        after=body.model_dump(),
        now=now,
    )
    return ForumRead.model_validate(forum)


def _check_jurisdiction(
    session: Session,
    code: str,
    *,
    field: str = "jurisdiction_code",
    kind: JurisdictionKind | None = None,
) -> None:
    found = session.get(Jurisdiction, code)
    if found is None or (kind is not None and found.kind is not kind):
        raise ValidationFailed(
            f"Unknown {kind.value if kind else 'jurisdiction'} {code!r}.",
            errors=[FieldError(loc=["body", field], msg="unknown", type="unknown_jurisdiction")],
        )


def patch_forum(
    session: Session,
    principal: Principal,
    forum_id: str,
    body: ForumPatch,
    *,
    expected_version: int,
    now: datetime,
) -> ForumRead:
    require_hub_admin(principal, "curate forums")
    forum = _forum(session, forum_id)
    check_version(forum.version, expected_version)
    _apply(session, principal, forum, body.model_dump(exclude_unset=True), "forum", forum.id, now)
    return ForumRead.model_validate(forum)


# ---------------------------------------------------------------- jurisdictions


def _jurisdiction(session: Session, code: str) -> Jurisdiction:
    found = session.get(Jurisdiction, code)
    if found is None:
        raise NotFoundError(f"No jurisdiction {code!r}.")
    return found


def list_jurisdictions(session: Session, query: JurisdictionQuery) -> list[JurisdictionRead]:
    return [JurisdictionRead.model_validate(j) for j in repo.jurisdictions(session, query.kind)]


def get_jurisdiction(session: Session, code: str) -> JurisdictionDetail:
    jurisdiction = _jurisdiction(session, code)
    return JurisdictionDetail(
        **JurisdictionRead.model_validate(jurisdiction).model_dump(),
        memberships=[_membership(m) for m in repo.memberships(session, code)],
    )


def _membership(m: Any) -> MembershipRead:
    return MembershipRead(
        state_code=m.state_code,
        system_code=m.system_code,
        since_year=m.since_year,
        uncertain=m.uncertain,
    )


def obligations(session: Session, code: str) -> ObligationsRead:
    """What binds a State, directly or through its organisations, and where its residents
    can bring individual complaints."""
    jurisdiction = _jurisdiction(session, code)
    if jurisdiction.kind is not JurisdictionKind.state:
        raise ValidationFailed(f"{code} is a system, not a State: obligations are per State.")
    systems = [m for m in repo.memberships(session, code) if m.state_code == code]
    ratified = repo.ratifications_of(session, code)
    items = [
        Obligation(
            instrument_id=i.id,
            instrument_name=i.name,
            type=i.type,
            system=i.system,
            # A signature binds to nothing but the object and purpose (VCLT art. 18).
            binding=i.binding and r.status in IN_FORCE,
            status=r.status,
            year=r.year,
            through="ratification",
            uncertain=r.uncertain,
        )
        for r, i in ratified
    ]
    seen = {o.instrument_id for o in items}
    for membership in systems:
        for instrument in _membership_bound(session, membership.system_code):
            if instrument.id not in seen:
                seen.add(instrument.id)
                items.append(
                    Obligation(
                        instrument_id=instrument.id,
                        instrument_name=instrument.name,
                        type=instrument.type,
                        system=instrument.system,
                        binding=instrument.binding,
                        status=None,
                        year=membership.since_year,
                        through=f"membership:{membership.system_code}",
                        uncertain=membership.uncertain,
                    )
                )
    accepted = {r.instrument_id: r for r, _ in ratified if r.status in IN_FORCE}
    mechanisms = [
        ComplaintMechanism(
            forum_id=forum.id,
            forum_name=forum.name,
            requires=route.requires_instrument_id,
            available=route.requires_instrument_id in accepted,
            uncertain=(
                accepted[route.requires_instrument_id].uncertain
                if route.requires_instrument_id in accepted
                else False
            ),
            note=route.note,
        )
        for route, forum in repo.complaint_routes(session)
    ]
    return ObligationsRead(
        jurisdiction=JurisdictionRead.model_validate(jurisdiction),
        systems=[_membership(m) for m in systems],
        obligations=items,
        complaint_mechanisms=mechanisms,
        withdrawals=[
            WithdrawalRead(
                instrument_id=w.instrument_id,
                effective_on=w.effective_on,
                uncertain=w.uncertain,
                note=w.note,
            )
            for w in repo.withdrawals_of(session, code)
        ],
        reservations=[
            ReservationRead.model_validate(r) for r in repo.reservations_of(session, code)
        ],
    )


def _membership_bound(session: Session, system: str) -> list[Instrument]:
    """Instruments binding through membership rather than ratification: EU law binds every
    EU member; the American Declaration binds every OAS member through the OAS Charter
    (IACtHR Advisory Opinion OC-10/89)."""
    if system == "EU":
        return repo.instruments_of_system(session, "EU", [InstrumentType.eu_law])
    if system == "OAS":
        return [i for i in [session.get(Instrument, "ADRDM")] if i is not None]
    return []


def put_ratification(
    session: Session,
    principal: Principal,
    state: str,
    instrument_id: str,
    body: RatificationPut,
    *,
    now: datetime,
) -> RatificationRead:
    require_hub_admin(principal, "record ratifications")
    jurisdiction = _jurisdiction(session, state)
    if jurisdiction.kind is not JurisdictionKind.state:
        raise ValidationFailed(f"{state} is not a State.")
    _instrument(session, instrument_id)
    row = repo.ratification(session, state, instrument_id)
    before = RatificationRead.model_validate(row).model_dump() if row else None
    if row is None:
        row = Ratification(state_code=state, instrument_id=instrument_id, source="hub")
        session.add(row)
    for key, value in body.model_dump().items():
        setattr(row, key, value)
    session.flush()
    after = RatificationRead.model_validate(row)
    audit.record(
        session,
        principal,
        action="ratification.put",
        object_type="ratification",
        object_id=f"{state}:{instrument_id}",
        before=before,
        after=after.model_dump(),
        now=now,
    )
    return after
