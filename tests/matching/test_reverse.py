"""The reverse knock-on job decides as the matcher would: the open cases it names are those
whose top ten the new win enters, the bound it screens with is never below the win's real
score, and a case edited since its watermark is matched again."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from app.cases.models import LegalCase
from app.core.time import utcnow
from app.matching import repository as repo
from app.matching import reverse
from app.matching import service as matching
from app.matching.models import MatchWatermark
from app.matching.schemas import MatchRequest
from app.orgs.models import Organisation, Visibility
from app.orgs.visibility import member_view
from tests.factories import make_case, make_org

DETENTION = "Migrants held in immigration detention for months with no judge reviewing it."


def _open(session: Session, org: Organisation, state: str, right: str, provision: str) -> LegalCase:
    return make_case(
        session,
        org=org,
        forum_id="IACTHR" if state != "IT" else "ECTHR",
        respondent_states=[state],
        status="pending",
        outcome="pending",
        facts_summary=DETENTION,
        holding="Pending.",
        claims=[{"right_id": right, "provisions": [provision], "finding": "pending"}],
    )


def _win(
    session: Session, org: Organisation, visibility: Visibility = Visibility.public
) -> LegalCase:
    return make_case(
        session,
        org=org,
        visibility=visibility,
        forum_id="ECTHR",
        respondent_states=["IT"],
        status="decided",
        decided_on="2026-11-20",
        facts_summary=DETENTION,
        holding="Violation of Article 5 § 1 (f).",
        claims=[
            {
                "right_id": "liberty_arbitrary_detention",
                "provisions": ["ECHR:5-1-f"],
                "finding": "violation",
            }
        ],
    )


def _top_ten(session: Session, case: LegalCase) -> list[uuid.UUID]:
    request = MatchRequest(case_id=case.id, limit=reverse.TOP)
    results = matching.find_knock_on_wins(session, member_view(case.owner_org_id), request)
    return [r.precedent.id for r in results.results]


def _world(session: Session) -> dict[str, Any]:
    clinic, other = make_org(session, country="CO"), make_org(session, country="MX")
    return {
        "clinic": clinic,
        "colombia": _open(session, clinic, "CO", "liberty_arbitrary_detention", "ACHR:7"),
        "mexico": _open(session, other, "MX", "liberty_arbitrary_detention", "ACHR:7"),
        "education": _open(session, clinic, "CO", "right_to_education", "ACHR:26"),
        "italy": _open(session, clinic, "IT", "liberty_arbitrary_detention", "ECHR:5-1-f"),
        "ngo": make_org(session, country="IT"),
    }


def test_the_cases_named_are_those_whose_top_ten_the_win_enters(session: Session) -> None:
    w = _world(session)
    win = _win(session, w["ngo"])

    helped, stats = reverse.cases_helped_by(session, win.id, now=utcnow())

    # Only open cases on a right the win upheld, brought against another State.
    assert stats.open_cases == 2
    expected = {c.id for c in (w["colombia"], w["mexico"]) if win.id in _top_ten(session, c)}
    assert {h.case_id for h in helped} == expected == {w["colombia"].id, w["mexico"].id}
    [colombia] = [h for h in helped if h.case_id == w["colombia"].id]
    assert colombia.rank == _top_ten(session, w["colombia"]).index(win.id) + 1
    assert any(r.kind == "transferability" for r in colombia.result.reasons)


def test_a_private_win_reaches_only_its_own_organisations_cases(session: Session) -> None:
    w = _world(session)
    win = _win(session, w["clinic"], Visibility.private)
    helped, _ = reverse.cases_helped_by(session, win.id, now=utcnow())
    assert {h.case_id for h in helped} == {w["colombia"].id}


def test_the_bound_is_never_below_the_real_score(session: Session) -> None:
    w = _world(session)
    first = _win(session, w["ngo"])
    reverse.cases_helped_by(session, first.id, now=utcnow())  # leaves watermarks
    second = _win(session, w["ngo"])
    bound = reverse._Bound(session, second.id)
    rows = {
        r.case_id: r
        for r in repo.open_cases_sharing(
            session, {"liberty_arbitrary_detention"}, set(), None, second.id
        )
    }
    marks = repo.watermarks(session, list(rows))
    for case in (w["colombia"], w["mexico"]):
        request = MatchRequest(case_id=case.id, limit=reverse.TOP)
        results = matching.find_knock_on_wins(session, member_view(case.owner_org_id), request)
        [real] = [r for r in results.results if r.precedent.id == second.id]
        assert bound.score(rows[case.id], marks[case.id]) >= real.score


def test_watermarks_screen_and_an_edited_case_is_matched_again(session: Session) -> None:
    w = _world(session)
    reverse.cases_helped_by(session, _win(session, w["ngo"]).id, now=utcnow())
    for mark in repo.watermarks(session, [w["colombia"].id, w["mexico"].id]).values():
        mark.threshold = 10.0  # no score reaches it: both are skipped without matching
    session.flush()
    helped, stats = reverse.cases_helped_by(session, _win(session, w["ngo"]).id, now=utcnow())
    assert (stats.screened_out, stats.matched, helped) == (2, 0, [])

    w["mexico"].title = "Edited v. Mexico"
    session.flush()  # a new version: its watermark no longer counts
    helped, stats = reverse.cases_helped_by(session, _win(session, w["ngo"]).id, now=utcnow())
    assert (stats.screened_out, stats.matched) == (1, 1)
    assert [h.case_id for h in helped] == [w["mexico"].id]
    refreshed = session.get(MatchWatermark, w["mexico"].id, populate_existing=True)
    assert refreshed is not None and refreshed.threshold < 10.0  # refreshed by the match
