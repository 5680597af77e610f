"""Every query the matcher runs: candidates, text, reception, and the reference facts its
legal rules read, as typed rows. Read-only: matching never writes."""

from __future__ import annotations

import html
import math
import re
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import Uuid, any_, bindparam, func, literal_column, not_, or_, select
from sqlalchemy import text as sql_text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session
from sqlalchemy.types import NullType

from app.auth.principal import Principal
from app.cases import repository as case_repo
from app.cases.models import (
    ADVERSE_FINDINGS,
    FAVOURABLE_FINDINGS,
    NEGATIVE_TREATMENTS,
    POSITIVE_TREATMENTS,
    CaseCitation,
    LegalCase,
    RightsClaim,
    claim_provision,
)
from app.matching.explain import Labels
from app.matching.schemas import MatchRequest, MinFinding
from app.matching.transfer import ForumFacts, StateFacts, Tie
from app.reference.models import (
    Basis,
    ComplaintRoute,
    CrosswalkRow,
    Forum,
    Instrument,
    InstrumentType,
    Jurisdiction,
    Provision,
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


# ---------------------------------------------------------------- candidates


def any_array(ids: Iterable[uuid.UUID]) -> Any:
    """`= ANY(array)`: one parameter however many ids, where IN would bind one each."""
    return any_(bindparam("ids", list(ids), type_=ARRAY(Uuid), unique=True))


def case_filters(
    principal: Principal, request: MatchRequest, target: str, exclude_case: uuid.UUID | None
) -> list[Any]:
    """The candidates' conditions: readable, decided in time, from elsewhere."""
    conds: list[Any] = [case_repo.visible(principal)]
    if request.decided_before:
        conds.append(LegalCase.decided_on < request.decided_before)
    if request.exclude_same_jurisdiction:
        conds.append(not_(LegalCase.respondent_states.contains([target])))
        conds.append(LegalCase.forum_jurisdiction != target)
    if exclude_case:
        conds.append(LegalCase.id != exclude_case)
    return conds


def findings_filter(min_finding: MinFinding) -> Any:
    if min_finding is MinFinding.violation:
        return RightsClaim.finding.in_(sorted(FAVOURABLE_FINDINGS))
    return literal_column("true")


def related_rights(session: Session, rights: set[str]) -> set[str]:
    return {
        r
        for right in session.scalars(select(RightConcept).where(RightConcept.id.in_(rights)))
        for r in right.related
    } - rights


def equivalents(session: Session, rights: set[str]) -> dict[uuid.UUID, tuple[str, Basis]]:
    """Provision -> (right, basis) for every provision the crosswalk ties to these rights."""
    out: dict[uuid.UUID, tuple[str, Basis]] = {}
    for row in session.scalars(select(CrosswalkRow).where(CrosswalkRow.right_id.in_(rights))):
        out.setdefault(row.provision_id, (row.right_id, row.basis))
    return out


def provision_keys(session: Session) -> dict[uuid.UUID, str]:
    """Every provision's key ("ECHR:5-1-f"): a few thousand small rows, read once a match."""
    return {
        i: f"{instrument}:{path}"
        for i, instrument, path in session.execute(
            select(Provision.id, Provision.instrument_id, Provision.path)
        )
    }


def claim_rows(
    session: Session, filters: list[Any], rights: set[str], provisions: set[uuid.UUID]
) -> Any:
    """(case id, right, finding, provision ids) of every decided claim of a candidate on one
    of the rights or provisions."""
    # Untyped: the driver already returns UUIDs, and tens of thousands of claims at scale
    # would each pay for a per-element conversion.
    claim_provisions = func.array_agg(claim_provision.c.provision_id, type_=NullType())
    return session.execute(
        select(RightsClaim.case_id, RightsClaim.right_id, RightsClaim.finding, claim_provisions)
        .join(LegalCase, LegalCase.id == RightsClaim.case_id)
        .outerjoin(claim_provision, claim_provision.c.claim_id == RightsClaim.id)
        .where(
            *filters,
            RightsClaim.finding.in_(sorted(FAVOURABLE_FINDINGS | ADVERSE_FINDINGS)),
            or_(
                RightsClaim.right_id.in_(rights),
                claim_provision.c.provision_id.in_(provisions),
            ),
        )
        .group_by(RightsClaim.id)
    )


def scoring_rows(session: Session, ids: set[uuid.UUID]) -> dict[uuid.UUID, Any]:
    """Only the columns scoring needs: candidates run to tens of thousands at scale."""
    return {
        row.id: row
        for row in session.execute(
            select(
                LegalCase.id,
                LegalCase.forum_id,
                LegalCase.forum_jurisdiction,
                LegalCase.respondent_states,
                LegalCase.importance,
                LegalCase.outcome,
                LegalCase.implementation_status,
                LegalCase.decided_on,
            ).where(LegalCase.id == any_array(ids))
        )
    }


# ---------------------------------------------------------------- text


QUERY_TERMS = 40
# The facts' most frequent words, among which the query keeps the most telling.
TERM_POOL = 150
_WORD = re.compile(r"[a-z]{4,}")
_STOP = frozenset(
    [
        "that",
        "this",
        "with",
        "from",
        "were",
        "have",
        "been",
        "which",
        "their",
        "there",
        "they",
        "them",
        "than",
        "then",
        "also",
        "into",
        "upon",
        "other",
        "such",
        "these",
        "those",
        "only",
        "more",
        "most",
        "some",
        "very",
        "when",
        "where",
        "while",
        "would",
        "could",
        "should",
        "about",
        "after",
        "before",
        "between",
        "under",
        "over",
        "being",
        "does",
        "done",
        "said",
        "same",
        "each",
        "both",
        "what",
        "your",
        "applicant",
        "applicants",
        "court",
        "government",
        "article",
        "case",
        "state",
        "states",
    ]
)


def facts_query(session: Session, facts: str) -> Any:
    """An OR-query of the facts' most telling words (a long text ANDed would match nothing).

    A word tells more the more often the facts use it and the fewer cases contain it
    (tf-idf). How many cases contain a word comes from PostgreSQL's own statistics on the
    search vectors; a word missing from its most common lexemes is rarer than any listed.
    Without statistics (a new database) the facts' counts alone decide.
    """
    counts = Counter(w for w in _WORD.findall(facts.lower()) if w not in _STOP)
    pool = [w for w, _ in counts.most_common(TERM_POOL)]
    if not pool:
        return None  # claims only: nothing to ask the database
    # Words the stemmer drops as stop words have no row.
    shares: dict[str, float | None] = {
        word: share for word, share in session.execute(_CORPUS_SHARES, {"words": pool})
    }
    if not shares:
        return None
    rarest = min((share for share in shares.values() if share is not None), default=1.0)

    def telling(word: str) -> float:
        return (1 + math.log(counts[word])) * math.log1p(1 / (shares[word] or rarest))

    chosen = sorted(shares, key=lambda w: (-telling(w), pool.index(w)))[:QUERY_TERMS]
    return func.to_tsquery(literal_column("'english'::regconfig"), " | ".join(chosen))


# Each word's stem with the share of cases whose search vector holds it, where ANALYZE
# counted it among the most common elements (null otherwise).
_CORPUS_SHARES = sql_text(
    """
    WITH common AS (
        SELECT e.lexeme, e.share
        FROM pg_stats s,
            unnest(s.most_common_elems::text::text[], s.most_common_elem_freqs)
                AS e(lexeme, share)
        WHERE s.schemaname = current_schema() AND s.tablename = 'legal_case'
            AND s.attname = 'search_vector'
    )
    SELECT w.word, common.share
    FROM unnest(CAST(:words AS text[])) AS w(word)
    CROSS JOIN LATERAL unnest(ts_lexize('english_stem', w.word)) AS l(lexeme)
    LEFT JOIN common ON common.lexeme = l.lexeme
    """
)


def top_text(
    session: Session, tsq: Any, filters: list[Any], min_finding: MinFinding, limit: int
) -> dict[uuid.UUID, float]:
    """The wins whose texts match the facts best, with their text scores."""
    rank = text_rank(tsq)
    won = select(RightsClaim.case_id).where(findings_filter(min_finding))
    top = session.execute(
        select(LegalCase.id, rank)
        .where(*filters, LegalCase.search_vector.op("@@")(tsq), LegalCase.id.in_(won))
        .order_by(rank.desc(), LegalCase.id)
        .limit(limit)
    )
    return {i: float(r) for i, r in top}


def text_rank(tsq: Any) -> Any:
    return func.ts_rank(LegalCase.search_vector, tsq, 32)


def text_ranks(session: Session, tsq: Any, ids: list[uuid.UUID]) -> dict[uuid.UUID, float]:
    return {
        i: float(r)
        for i, r in session.execute(
            select(LegalCase.id, text_rank(tsq)).where(LegalCase.id == any_array(ids))
        )
    }


def reception(
    session: Session,
    principal: Principal,
    ids: set[uuid.UUID],
    cutoff: date | None,
    cases: dict[uuid.UUID, Any],
) -> dict[uuid.UUID, tuple[int, int]]:
    """(positive citations from other jurisdictions, negative treatments), before the cutoff."""
    out = {i: (0, 0) for i in ids}
    if not ids:
        return out
    citing = LegalCase
    stmt = (
        select(
            CaseCitation.cited_case_id,
            CaseCitation.treatment,
            citing.respondent_states,
            citing.forum_jurisdiction,
        )
        .join(citing, citing.id == CaseCitation.citing_case_id)
        .where(CaseCitation.cited_case_id == any_array(ids), case_repo.visible(principal))
    )
    if cutoff:
        stmt = stmt.where(citing.decided_on < cutoff)
    counts: dict[uuid.UUID, list[int]] = defaultdict(lambda: [0, 0])
    for cited, treatment, states, jurisdiction in session.execute(stmt):
        if cited is None:
            continue
        target = cases[cited]
        abroad = (
            not (set(states) & set(target.respondent_states))
            or jurisdiction != target.forum_jurisdiction
        )
        if treatment in POSITIVE_TREATMENTS and abroad:
            counts[cited][0] += 1
        elif treatment in NEGATIVE_TREATMENTS:
            counts[cited][1] += 1
    out.update({i: (c[0], c[1]) for i, c in counts.items()})
    return out


def evidence(session: Session, ids: list[uuid.UUID], tsq: Any) -> dict[uuid.UUID, list[str]]:
    if tsq is None or not ids:
        return {}
    options = "StartSel=\x02, StopSel=\x03, MaxWords=30, MinWords=10, MaxFragments=2"
    document = func.concat_ws(" ", LegalCase.holding, func.left(LegalCase.facts_summary, 20000))
    rows = session.execute(
        select(
            LegalCase.id,
            func.ts_headline(literal_column("'english'::regconfig"), document, tsq, options),
        ).where(LegalCase.id.in_(ids))
    )
    return {
        i: [
            html.escape(part).replace("\x02", "<b>").replace("\x03", "</b>")
            for part in (text or "").split(" ... ")
            if "\x02" in part
        ][:2]
        for i, text in rows
    }
