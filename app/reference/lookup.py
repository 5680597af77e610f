"""Read-only checks that values name known reference entries, with one error convention.

Every unknown value is a 422 whose field errors point at it by position
(`["body", "respondent_states", 1]`), with the message `unknown State 'ZZ'` and a stable
type (`unknown_state`, `unknown_right`, `unknown_jurisdiction`). Cases, pleadings, the
reference API and the matcher all use these, so a client handles one shape.
"""

from __future__ import annotations

from collections.abc import Sequence, Set

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import FieldError, ValidationFailed
from app.reference import cache
from app.reference.models import Jurisdiction, JurisdictionKind, RightConcept

Loc = list[str | int]


def _refuse(
    values: Sequence[str], known: Set[str], loc: Loc, what: str, kind: str, indexed: bool
) -> None:
    errors = [
        FieldError(loc=[*loc, i] if indexed else loc, msg=f"unknown {what} {v!r}", type=kind)
        for i, v in enumerate(values)
        if v not in known
    ]
    if errors:
        missing = ", ".join(repr(v) for v in values if v not in known)
        raise ValidationFailed(f"Unknown {what}: {missing}.", errors=errors)


def require_states(
    session: Session, codes: Sequence[str], loc: Loc, *, indexed: bool = True
) -> None:
    """ISO codes of States (not systems such as `CoE`); `indexed=False` for a single field."""
    if codes:
        _refuse(codes, _state_codes(session), loc, "State", "unknown_state", indexed)


def _state_codes(session: Session) -> frozenset[str]:
    return cache.memo(
        session,
        ("state_codes",),
        lambda s: frozenset(
            s.scalars(select(Jurisdiction.code).where(Jurisdiction.kind == JurisdictionKind.state))
        ),
    )


def require_jurisdictions(
    session: Session, codes: Sequence[str], loc: Loc, *, indexed: bool = True
) -> None:
    """State codes (`IT`) or regional and international systems (`CoE`, `OAS`)."""
    if codes:
        known = set(
            session.scalars(select(Jurisdiction.code).where(Jurisdiction.code.in_(list(codes))))
        )
        _refuse(codes, known, loc, "jurisdiction", "unknown_jurisdiction", indexed)


def require_rights(
    session: Session, right_ids: Sequence[str], loc: Loc, *, indexed: bool = True
) -> None:
    if right_ids:
        known = set(
            session.scalars(select(RightConcept.id).where(RightConcept.id.in_(list(right_ids))))
        )
        _refuse(right_ids, known, loc, "right concept", "unknown_right", indexed)
