"""The reference facts the matcher's legal rules read, as typed rows. Read-only."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.matching.explain import Labels
from app.matching.transfer import ForumFacts, StateFacts, Tie
from app.reference.models import (
    ComplaintRoute,
    Forum,
    Instrument,
    InstrumentType,
    Jurisdiction,
    Ratification,
    RatificationStatus,
    Reservation,
    RightConcept,
    Withdrawal,
)

# Instruments that bind a State through its membership of an organisation rather than its
# own ratification: the American Declaration through the OAS Charter (IACtHR, OC-10/89).
THROUGH_MEMBERSHIP = {"OAS-CHARTER": ("ADRDM",)}


def state_facts(session: Session, code: str) -> StateFacts:
    """The target State's tie to every instrument: ratification, signature, membership, and
    the date any denunciation or withdrawal took effect."""
    ties: dict[str, Tie] = {
        r.instrument_id: Tie(r.status, r.uncertain)
        for r in session.scalars(select(Ratification).where(Ratification.state_code == code))
    }
    for w in session.scalars(select(Withdrawal).where(Withdrawal.state_code == code)):
        earlier = ties.get(w.instrument_id)
        ties[w.instrument_id] = Tie(
            earlier.status if earlier else RatificationStatus.party,
            w.uncertain or (earlier.uncertain if earlier else False),
            w.effective_on,
        )
    for through, instruments in THROUGH_MEMBERSHIP.items():
        tie = ties.get(through)
        if tie is not None and tie.withdrawn_on is None:
            for instrument in instruments:
                ties.setdefault(instrument, Tie(RatificationStatus.member, tie.uncertain))
    return StateFacts(code=code, ties=ties)


def forum_facts(forums: Iterable[Forum]) -> dict[str, ForumFacts]:
    return {
        f.id: ForumFacts(
            id=f.id,
            name=f.name,
            level=f.level,
            jurisdiction=f.jurisdiction_code,
            effect=f.decision_effect,
            instruments=tuple(f.instruments_applied),
        )
        for f in forums
    }


def complaint_routes(session: Session) -> dict[str, list[str]]:
    routes: dict[str, list[str]] = defaultdict(list)
    for route in session.scalars(select(ComplaintRoute).order_by(ComplaintRoute.forum_id)):
        routes[route.forum_id].append(route.requires_instrument_id)
    return routes


def instrument_systems(session: Session) -> dict[str, str]:
    return {i: system for i, system in session.execute(select(Instrument.id, Instrument.system))}


def reservations_of(session: Session, code: str) -> list[Reservation]:
    return list(session.scalars(select(Reservation).where(Reservation.state_code == code)))


def labels(session: Session) -> Labels:
    """Display names of States, instruments and rights (a few hundred rows, all small)."""
    instruments = {
        i.id: instrument_label(i.short_code, i.name, i.type)
        for i in session.scalars(select(Instrument))
    }
    return Labels(
        states={c: n for c, n in session.execute(select(Jurisdiction.code, Jurisdiction.name))},
        instruments=instruments,
        rights={r: n for r, n in session.execute(select(RightConcept.id, RightConcept.label_en))},
    )


def instrument_label(short_code: str, name: str, kind: InstrumentType) -> str:
    """The short code ("ECHR"), but the name of a protocol or optional-clause declaration
    ("Protocol No. 4 to the ECHR"), whose bare code ("P4") means nothing in a sentence."""
    if kind in (InstrumentType.protocol, InstrumentType.optional_clause):
        return name.split(" (")[0]
    return short_code
