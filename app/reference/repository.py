"""SQL for the reference model."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.reference.models import (
    ComplaintRoute,
    CrosswalkRow,
    Forum,
    ForumLevel,
    Instrument,
    InstrumentType,
    Jurisdiction,
    JurisdictionKind,
    MonitoringBody,
    Provision,
    Ratification,
    Reservation,
    RightConcept,
    SystemMembership,
    Withdrawal,
)


def instruments(
    session: Session, *, system: str | None, type_: InstrumentType | None, binding: bool | None
) -> list[Instrument]:
    stmt = select(Instrument).order_by(Instrument.system, Instrument.id)
    if system:
        stmt = stmt.where(Instrument.system == system)
    if type_:
        stmt = stmt.where(Instrument.type == type_)
    if binding is not None:
        stmt = stmt.where(Instrument.binding.is_(binding))
    return list(session.scalars(stmt))


def instruments_by_ids(session: Session, ids: Iterable[str]) -> dict[str, Instrument]:
    rows = session.scalars(select(Instrument).where(Instrument.id.in_(list(set(ids)))))
    return {i.id: i for i in rows}


def monitoring_bodies(session: Session, instrument_id: str) -> list[MonitoringBody]:
    return list(
        session.scalars(
            select(MonitoringBody)
            .where(MonitoringBody.instrument_id == instrument_id)
            .order_by(MonitoringBody.forum_id)
        )
    )


def provisions_of(session: Session, instrument_id: str) -> list[Provision]:
    return list(
        session.scalars(
            select(Provision)
            .where(Provision.instrument_id == instrument_id)
            .order_by(Provision.path)
        )
    )


def provision(session: Session, instrument_id: str, path: str) -> Provision | None:
    return session.scalar(
        select(Provision).where(Provision.instrument_id == instrument_id, Provision.path == path)
    )


def provisions_by_ids(session: Session, ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, Provision]:
    rows = session.scalars(select(Provision).where(Provision.id.in_(list(set(ids)))))
    return {p.id: p for p in rows}


def all_provisions(session: Session) -> list[Provision]:
    return list(session.scalars(select(Provision)))


def lineage(session: Session, instrument_id: str, path: str) -> list[Provision]:
    """The provision, the articles it belongs to, and its own subdivisions.

    A crosswalk row on art. 5 covers 5(1)(f), and one on 5(1)(f) is about art. 5.
    """
    parts = path.split("-")
    ancestors = ["-".join(parts[:i]) for i in range(1, len(parts) + 1)]
    return list(
        session.scalars(
            select(Provision).where(
                Provision.instrument_id == instrument_id,
                or_(Provision.path.in_(ancestors), Provision.path.startswith(path + "-")),
            )
        )
    )


def crosswalk_for_provisions(
    session: Session, provision_ids: list[uuid.UUID]
) -> list[CrosswalkRow]:
    return list(
        session.scalars(select(CrosswalkRow).where(CrosswalkRow.provision_id.in_(provision_ids)))
    )


def crosswalk_for_rights(session: Session, right_ids: Iterable[str]) -> list[CrosswalkRow]:
    return list(
        session.scalars(select(CrosswalkRow).where(CrosswalkRow.right_id.in_(list(right_ids))))
    )


def rights(session: Session) -> list[RightConcept]:
    return list(session.scalars(select(RightConcept).order_by(RightConcept.id)))


def rights_by_ids(session: Session, ids: Iterable[str]) -> dict[str, RightConcept]:
    rows = session.scalars(select(RightConcept).where(RightConcept.id.in_(list(set(ids)))))
    return {r.id: r for r in rows}


def forums(session: Session, *, level: ForumLevel | None, jurisdiction: str | None) -> list[Forum]:
    stmt = select(Forum).order_by(Forum.id)
    if level:
        stmt = stmt.where(Forum.level == level)
    if jurisdiction:
        stmt = stmt.where(Forum.jurisdiction_code == jurisdiction)
    return list(session.scalars(stmt))


def jurisdictions(session: Session, kind: JurisdictionKind | None) -> list[Jurisdiction]:
    stmt = select(Jurisdiction).order_by(Jurisdiction.kind, Jurisdiction.code)
    if kind:
        stmt = stmt.where(Jurisdiction.kind == kind)
    return list(session.scalars(stmt))


def memberships(session: Session, code: str) -> list[SystemMembership]:
    return list(
        session.scalars(
            select(SystemMembership)
            .where(or_(SystemMembership.state_code == code, SystemMembership.system_code == code))
            .order_by(SystemMembership.system_code, SystemMembership.state_code)
        )
    )


def ratifications_of(session: Session, state: str) -> list[tuple[Ratification, Instrument]]:
    rows = session.execute(
        select(Ratification, Instrument)
        .join(Instrument, Instrument.id == Ratification.instrument_id)
        .where(Ratification.state_code == state)
        .order_by(Instrument.system, Instrument.id)
    )
    return [(r, i) for r, i in rows]


def instruments_of_system(
    session: Session, system: str, types: Iterable[InstrumentType]
) -> list[Instrument]:
    return list(
        session.scalars(
            select(Instrument)
            .where(
                Instrument.system == system,
                Instrument.type.in_(list(types)),
                Instrument.binding.is_(True),
            )
            .order_by(Instrument.id)
        )
    )


def complaint_routes(session: Session) -> list[tuple[ComplaintRoute, Forum]]:
    rows = session.execute(
        select(ComplaintRoute, Forum)
        .join(Forum, Forum.id == ComplaintRoute.forum_id)
        .order_by(ComplaintRoute.forum_id)
    )
    return [(r, f) for r, f in rows]


def reservations_of(session: Session, state: str) -> list[Reservation]:
    return list(
        session.scalars(
            select(Reservation)
            .where(Reservation.state_code == state)
            .order_by(Reservation.instrument_id, Reservation.path)
        )
    )


def withdrawals_of(session: Session, state: str) -> list[Withdrawal]:
    return list(
        session.scalars(
            select(Withdrawal)
            .where(Withdrawal.state_code == state)
            .order_by(Withdrawal.instrument_id)
        )
    )


def ratification(session: Session, state: str, instrument_id: str) -> Ratification | None:
    return session.get(Ratification, (state, instrument_id))
