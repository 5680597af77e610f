"""The reverse knock-on: which open cases elsewhere a new win would help.

A new favourable decision D is matched from the open cases of every organisation that may
read it, the target being each case's State, as the matcher would run for that case: D
helps a case when it enters the case's top ten. Running the full matcher from thousands of
open cases would take minutes, so three cheap steps come first:

1. SQL keeps the open cases with a claim on a right D upheld (the claim's right, or a
   provision the crosswalk ties to it), owned by organisations that may read D, from
   another State than D's.
2. Each case's watermark (`MatchWatermark`) holds the tenth score of its last full match,
   and the query terms of its facts. An upper bound of D's score for the case comes from
   D's exact BM25 score for those terms (over D's postings, read once: no query per case),
   D's authority for the case's State and D's reception, with the legal basis at its
   maximum. A bound below the watermark means D cannot enter: no match runs.
3. The remaining cases (no watermark yet, a watermark older than the case's last edit, or
   a bound that reaches it) run the full matcher, which decides exactly and gives the
   reasons; its tenth score becomes the case's watermark.

A watermark below today's tenth score (wins added since) costs one full match too many. One
above it (decisions of its top ten deleted, hidden or re-decided since, or new weights or
reference data) misses a win that scores in between until it is refreshed: the job
refreshes those it matches, and `comity knock-on warm` refreshes them all.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from app.cases import repository as case_repo
from app.cases.models import FAVOURABLE_FINDINGS, LegalCase
from app.matching import engine, service
from app.matching import repository as repo
from app.matching.engine import ClaimMatch, MatchKind
from app.matching.models import MatchWatermark
from app.matching.schemas import MatchRequest, MatchResult
from app.orgs.models import Visibility
from app.orgs.visibility import member_view
from app.reference import cache as reference_cache

TOP = 10


@dataclass(frozen=True)
class Helped:
    case_id: uuid.UUID
    owner_org_id: uuid.UUID
    rank: int
    result: MatchResult


@dataclass
class Stats:
    open_cases: int = 0  # open cases sharing a right with the decision, from elsewhere
    screened_out: int = 0  # skipped: the bound cannot reach their watermark
    matched: int = 0  # the full matcher ran
    helped: int = 0


def won_basis(session: Session, case_id: uuid.UUID) -> tuple[set[str], set[str]]:
    """What a decision upheld: the rights of its favourable claims and of their provisions,
    and those provisions (`ECHR:5-1-f`)."""
    claims = [
        c
        for c in case_repo.claims_of(session, [case_id])[case_id]
        if c.finding in FAVOURABLE_FINDINGS
    ]
    by_claim = case_repo.provisions_of_claims(session, [c.id for c in claims])
    provisions = [p for ps in by_claim.values() for p in ps]
    rights = {c.right_id for c in claims if c.right_id}
    rights |= {r for r, _ in repo.provision_rights(session, [p.id for p in provisions])}
    return rights, {f"{p.instrument_id}:{p.path}" for p in provisions}


def cases_helped_by(
    session: Session, decision_id: uuid.UUID, *, now: datetime
) -> tuple[list[Helped], Stats]:
    """The open cases whose top ten the decision enters, with the matcher's result for it."""
    stats = Stats()
    decision = session.get(LegalCase, decision_id)
    if decision is None:
        return [], stats
    rights = won_basis(session, decision.id)[0]
    if not rights:
        return [], stats
    readers = None if decision.visibility is not Visibility.private else [decision.owner_org_id]
    elsewhere = set(decision.respondent_states) | {decision.forum_jurisdiction}
    rows = [
        r
        for r in repo.open_cases_sharing(
            session, rights, set(repo.equivalents(session, rights)), readers, decision.id
        )
        if r.target not in elsewhere
    ]
    stats.open_cases = len(rows)
    with reference_cache.pinned(session):
        bound = _Bound(session, decision.id)
        watermarks = repo.watermarks(session, [r.case_id for r in rows])
        helped = []
        for row in rows:
            mark = watermarks.get(row.case_id)
            if (
                mark is not None
                and mark.case_version == row.version
                and bound.score(row, mark) < mark.threshold
            ):
                stats.screened_out += 1
                continue
            stats.matched += 1
            found = match_and_mark(session, row.case_id, row.owner_org_id, now=now)
            for rank, result in enumerate(found, start=1):
                if result.precedent.id == decision.id:
                    helped.append(Helped(row.case_id, row.owner_org_id, rank, result))
                    break
    stats.helped = len(helped)
    return helped, stats


def match_and_mark(
    session: Session, case_id: uuid.UUID, owner: uuid.UUID, *, now: datetime
) -> list[MatchResult]:
    """The case's top ten as any member of its organisation sees them; the tenth score
    becomes its watermark."""
    request = MatchRequest(case_id=case_id, limit=TOP)
    matched = service._knock_on(session, member_view(owner), request)
    results = matched.results.results
    case = session.get(LegalCase, case_id)
    assert case is not None
    q = matched.query
    repo.set_watermark(
        session,
        MatchWatermark(
            case_id=case_id,
            case_version=case.version,
            threshold=results[-1].score if len(results) >= TOP else 0.0,
            top_text=matched.top_text,
            term_ids=list(q.term_ids) if q else [],
            term_weights=list(q.weights) if q else [],
            computed_at=now,
        ),
    )
    return results


class _Bound:
    """An upper bound of the decision's score as a candidate of one open case."""

    def __init__(self, session: Session, decision_id: uuid.UUID) -> None:
        self.session, self.decision_id = session, decision_id
        self.features = repo.feature_rows(session, [decision_id])[decision_id]
        self.instruments: list[str | None] = [
            *sorted(repo.instruments_of_case(session, decision_id))
        ]
        self.instruments = self.instruments or [None]  # the forum's first instrument
        self.weights = engine.Weights().normalised()
        self.terms = repo.term_scores(session, decision_id)
        self.laws: dict[str, service.Law] = {}
        self.receptions: dict[uuid.UUID, Any] = {}

    def score(self, row: Any, mark: MatchWatermark) -> float:
        # The decision's BM25 score for the case's facts: the case's query terms that the
        # decision holds, weighted; 1 % above, for the corpus length moving since.
        bm25 = 1.01 * sum(
            w * self.terms[t]
            for t, w in zip(mark.term_ids, mark.term_weights, strict=True)
            if t in self.terms
        )
        text = 1.0 if bm25 >= mark.top_text else bm25 / mark.top_text
        law = self.laws.get(row.target)
        if law is None:
            systems = repo.systems_of(self.session, row.target)
            law = self.laws[row.target] = service._law(self.session, row.target, systems, "en")
        support = [
            ClaimMatch(str(i), None, None, MatchKind.same_provision, instrument_id=i)
            for i in self.instruments
        ]
        verdict = service._overall(law, self.features, service.Findings(support=support))
        reception = self.receptions.get(row.owner_org_id)
        if reception is None:
            reception = self.receptions[row.owner_org_id] = repo.reception(
                self.session,
                member_view(row.owner_org_id),
                {self.decision_id},
                None,
                {self.decision_id: self.features},
            )[self.decision_id]
        candidate = engine.Candidate(
            case_id=self.decision_id,
            text_score=0.0,
            matches=(),
            transferability=verdict.transferability,
            importance=self.features.importance,
            knock_on_citations=reception.followed_abroad,
            negative_treatments=reception.negative,
            not_implemented=False,
            cited_by=reception.cited_by,
            citing_states=reception.citing_states,
        )
        w = self.weights
        return (
            w.text * text
            + w.legal_basis * 1.0
            + w.authority * engine.authority_score(candidate)
            + w.reception * engine.reception_score(candidate)
        )


def open_cases(session: Session) -> list[tuple[uuid.UUID, uuid.UUID]]:
    """(case, owner) of every open case: what `comity knock-on warm` matches."""
    return repo.open_case_ids(session)
