"""The per-process memory of reference facts follows every write, and forgets rolled-back ones."""

from __future__ import annotations

from sqlalchemy import delete, event, insert, update
from sqlalchemy.orm import Session

from app.auth.principal import ANONYMOUS
from app.matching import repository as match_repo
from app.matching import service
from app.matching.schemas import MatchRequest
from app.reference import cache
from app.reference.models import Jurisdiction, JurisdictionKind, RightConcept, SystemMembership


def test_every_kind_of_write_moves_the_revision_on(session: Session) -> None:
    seen = [cache.revision(session)]
    session.execute(
        insert(Jurisdiction).values(code="ZQ", name="Zedland", kind=JurisdictionKind.state)
    )
    seen.append(cache.revision(session))
    session.execute(update(Jurisdiction).where(Jurisdiction.code == "ZQ").values(name="Zed"))
    seen.append(cache.revision(session))
    session.execute(delete(Jurisdiction).where(Jurisdiction.code == "ZQ"))
    seen.append(cache.revision(session))
    assert None not in seen
    assert len(set(seen)) == 4


def test_a_cached_label_follows_an_edit_in_the_same_transaction(session: Session) -> None:
    assert match_repo.labels(session).rights["non_refoulement"] != "Renamed"
    right = session.get(RightConcept, "non_refoulement")
    assert right is not None
    right.label_en = "Renamed"
    # The read flushes the edit, whose trigger moves the revision on.
    assert match_repo.labels(session).rights["non_refoulement"] == "Renamed"


def test_facts_read_inside_a_rolled_back_write_are_not_served_after_it(session: Session) -> None:
    before = match_repo.systems_of(session, "FR")
    assert "CoE" in before
    savepoint = session.begin_nested()
    session.execute(
        delete(SystemMembership).where(
            SystemMembership.state_code == "FR", SystemMembership.system_code == "CoE"
        )
    )
    assert "CoE" not in match_repo.systems_of(session, "FR")
    savepoint.rollback()
    assert match_repo.systems_of(session, "FR") == before


def test_a_match_reads_the_revision_once(session: Session) -> None:
    seen: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        if "reference_revision" in statement:
            seen.append(statement)

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", count)
    try:
        draft = {"facts": "Detention of a child.", "target_jurisdiction": "FR"}
        service.find_knock_on_wins(
            session, ANONYMOUS, MatchRequest.model_validate({"draft": draft})
        )
        service.find_knock_on_wins(
            session, ANONYMOUS, MatchRequest.model_validate({"draft": draft})
        )
    finally:
        event.remove(engine, "before_cursor_execute", count)

    assert len(seen) == 2
