"""Every query the matcher runs: candidates, text, reception, and the reference facts its
legal rules read, as typed rows. Read-only: matching never writes."""

from __future__ import annotations

import html
import math
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import (
    Double,
    Integer,
    Text,
    Uuid,
    and_,
    any_,
    bindparam,
    cast,
    func,
    literal_column,
    not_,
    or_,
    select,
    union_all,
)
from sqlalchemy import text as sql_text
from sqlalchemy.dialects.postgresql import ARRAY, TSQUERY
from sqlalchemy.dialects.postgresql import insert as pg_insert
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
    CaseStatus,
    LegalCase,
    Outcome,
    RightsClaim,
    claim_provision,
)
from app.matching import explain
from app.matching.explain import Labels
from app.matching.models import CaseMatchFeatures as F
from app.matching.models import CasePosting, MatchCorpus, MatchWatermark
from app.matching.schemas import MatchRequest, MinFinding
from app.matching.transfer import ForumFacts, StateFacts, Tie
from app.orgs.models import Organisation
from app.orgs.visibility import readable
from app.reference import cache
from app.reference import service as reference_service
from app.reference.models import (
    Basis,
    ComplaintRoute,
    CrosswalkRow,
    Forum,
    Instrument,
    InstrumentType,
    Jurisdiction,
    JurisdictionKind,
    Provision,
    Ratification,
    RatificationStatus,
    Reservation,
    RightConcept,
    SystemMembership,
    Withdrawal,
)
from app.reference.multilingual import ENGLISH, Reading

# Instruments that bind a State through its membership of an organisation rather than its
# own ratification: the American Declaration through the OAS Charter (IACtHR, OC-10/89).
THROUGH_MEMBERSHIP = {"OAS-CHARTER": ("ADRDM",)}


def state_facts(session: Session, code: str) -> StateFacts:
    """The target State's tie to every instrument: ratification, signature, membership, and
    the date any denunciation or withdrawal took effect."""
    return cache.memo(session, ("state_facts", code), lambda s: _state_facts(s, code))


def _state_facts(session: Session, code: str) -> StateFacts:
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


def systems_of(session: Session, code: str) -> frozenset[str]:
    """The regional systems a State belongs to."""
    return cache.memo(
        session,
        ("systems", code),
        lambda s: frozenset(
            s.scalars(
                select(SystemMembership.system_code).where(SystemMembership.state_code == code)
            )
        ),
    )


def forum_facts(session: Session) -> dict[str, ForumFacts]:
    """Every forum's facts, by id."""
    return cache.memo(
        session,
        ("forums",),
        lambda s: {
            f.id: ForumFacts(
                id=f.id,
                name=f.name,
                level=f.level,
                jurisdiction=f.jurisdiction_code,
                effect=f.decision_effect,
                instruments=tuple(f.instruments_applied),
            )
            for f in s.scalars(select(Forum))
        },
    )


def complaint_routes(session: Session) -> dict[str, list[str]]:
    return cache.memo(session, ("routes",), _complaint_routes)


def _complaint_routes(session: Session) -> dict[str, list[str]]:
    routes: dict[str, list[str]] = defaultdict(list)
    for route in session.scalars(select(ComplaintRoute).order_by(ComplaintRoute.forum_id)):
        routes[route.forum_id].append(route.requires_instrument_id)
    return dict(routes)


def instrument_systems(session: Session) -> dict[str, str]:
    return cache.memo(
        session,
        ("instrument_systems",),
        lambda s: {i: system for i, system in s.execute(select(Instrument.id, Instrument.system))},
    )


def reservations_of(session: Session, code: str) -> list[Reservation]:
    return list(session.scalars(select(Reservation).where(Reservation.state_code == code)))


def labels(session: Session, language: str = "en") -> Labels:
    """Display names of States, instruments and rights in one language (a few hundred rows,
    all small): instruments as recorded (the sentences' Speech names the main ones)."""
    return cache.memo(session, ("labels", language), lambda s: _labels(s, language))


def _labels(session: Session, language: str) -> Labels:
    instruments = {
        i.id: instrument_label(i.short_code, i.name, i.type)
        for i in session.scalars(select(Instrument))
    }
    return Labels(
        states=reference_service.state_names(session, language),
        instruments=instruments,
        rights=reference_service.right_labels(session, language),
        speech=explain.speech(language),
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
    return any_(_uuids(ids))


def candidate_filters(
    principal: Principal, request: MatchRequest, target: str, exclude_case: uuid.UUID | None
) -> list[Any]:
    """The conditions on every candidate's feature row: readable, decided in time, from
    elsewhere."""
    conds: list[Any] = [readable(principal, F.owner_org_id, F.visibility)]
    if request.decided_before:
        conds.append(F.decided_on < request.decided_before)
    if request.exclude_same_jurisdiction:
        conds.append(not_(F.respondent_states.contains([target])))
        conds.append(F.forum_jurisdiction != target)
    if exclude_case:
        conds.append(F.case_id != exclude_case)
    return conds


def ranked_filters(request: MatchRequest) -> list[Any]:
    """What a ranked candidate needs beyond `candidate_filters`: a claim decided (won, by
    default), and no partial outcome unless asked for."""
    decided = (
        F.won_claims
        if request.min_finding is MinFinding.violation
        else F.won_claims + F.lost_claims
    )
    conds: list[Any] = [decided > 0]
    if not request.include_partial:
        conds.append(F.outcome != Outcome.partial)
    return conds


def stable_order() -> list[Any]:
    """Ties go to the later decision, then to the reference key and title: never to ids,
    which differ between two imports of the same corpus."""
    return [F.decided_on.desc().nulls_last(), F.reference_key.nulls_last(), F.title, F.case_id]


def related_rights(session: Session, rights: set[str]) -> set[str]:
    related = _crosswalk(session).related
    return {r for right in rights for r in related.get(right, ())} - rights


def equivalents(session: Session, rights: set[str]) -> dict[uuid.UUID, tuple[str, Basis]]:
    """Provision -> (right, basis) for every provision the crosswalk ties to these rights
    (the first right by id where it ties one to several)."""
    out: dict[uuid.UUID, tuple[str, Basis]] = {}
    for provision_id, right_id, basis in _crosswalk(session).rows:
        if right_id in rights:
            out.setdefault(provision_id, (right_id, basis))
    return out


def provision_rights(
    session: Session, provision_ids: Iterable[uuid.UUID]
) -> list[tuple[str, Basis]]:
    """(right, basis) of every crosswalk row of these provisions, by provision and right."""
    wanted = set(provision_ids)
    return [(r, b) for p, r, b in _crosswalk(session).rows if p in wanted]


@dataclass(frozen=True)
class _Crosswalk:
    rows: tuple[tuple[uuid.UUID, str, Basis], ...]  # by provision, then right
    related: dict[str, tuple[str, ...]]


def _crosswalk(session: Session) -> _Crosswalk:
    return cache.memo(session, ("crosswalk",), _read_crosswalk)


def _read_crosswalk(session: Session) -> _Crosswalk:
    rows = session.execute(
        select(CrosswalkRow.provision_id, CrosswalkRow.right_id, CrosswalkRow.basis).order_by(
            CrosswalkRow.provision_id, CrosswalkRow.right_id
        )
    )
    related = session.execute(select(RightConcept.id, RightConcept.related))
    return _Crosswalk(
        rows=tuple((p, r, b) for p, r, b in rows),
        related={r: tuple(rel) for r, rel in related},
    )


def provision_keys(session: Session, ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, str]:
    """These provisions' keys ("ECHR:5-1-f")."""
    return {
        i: f"{instrument}:{path}"
        for i, instrument, path in session.execute(
            select(Provision.id, Provision.instrument_id, Provision.path).where(
                Provision.id == any_array(ids)
            )
        )
    }


def claim_rows(
    session: Session, ids: Iterable[uuid.UUID], rights: set[str], provisions: set[uuid.UUID]
) -> Any:
    """(case id, right, finding, provision ids) of every decided claim of these cases on one
    of the rights or provisions."""
    # Each claim's provisions by index, in a subquery: a join would hash the whole table.
    # Untyped: the driver already returns UUIDs, and thousands of claims would each pay for
    # a per-element conversion.
    linked = (
        select(func.array_agg(claim_provision.c.provision_id, type_=NullType()))
        .where(claim_provision.c.claim_id == RightsClaim.id)
        .scalar_subquery()
    )
    claims = (
        select(
            RightsClaim.case_id,
            RightsClaim.right_id,
            RightsClaim.finding,
            func.coalesce(linked, literal_column("'{}'::uuid[]")).label("provisions"),
        )
        .where(
            RightsClaim.case_id == any_array(ids),
            RightsClaim.finding.in_(sorted(FAVOURABLE_FINDINGS | ADVERSE_FINDINGS)),
        )
        .subquery()
    )
    return session.execute(
        select(claims).where(
            or_(
                claims.c.right_id.in_(rights),
                claims.c.provisions.op("&&")(_uuids(sorted(provisions))),
            )
        )
    )


def feature_rows(session: Session, ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, Any]:
    """What scoring and the legal rules read of each candidate."""
    return {
        row.case_id: row
        for row in session.execute(
            select(
                F.case_id,
                F.forum_id,
                F.forum_jurisdiction,
                F.respondent_states,
                F.importance,
                F.outcome,
                F.implementation_status,
                F.decided_on,
                F.reference_key,
                F.title,
                LegalCase.proceeding_id,
                LegalCase.decision_type,
            )
            .join(LegalCase, LegalCase.id == F.case_id)
            .where(F.case_id == any_array(ids))
        )
    }


# ---------------------------------------------------------------- legal basis


def authority_order() -> list[Any]:
    """Leading cases first: by importance, then the stable order (index-backed)."""
    return [F.authority_rank, F.reference_key, F.title, F.case_id]


def legal_top(
    session: Session,
    claims: list[tuple[set[uuid.UUID], set[str]]],
    filters: list[Any],
    limit: int,
    lost_too: bool,
) -> list[uuid.UUID]:
    """For each query claim (the provisions and rights that match it closely), the leading
    cases that won such a claim (or, with `lost_too`, decided one): an equal share of
    `limit` per claim, walked in authority order from the GIN-indexed feature arrays."""
    won_provisions: Any = F.won_provisions
    won_rights: Any = F.won_rights
    if lost_too:
        won_provisions = func.array_cat(F.won_provisions, F.lost_provisions)
        won_rights = func.array_cat(F.won_rights, F.lost_rights)
    parts = []
    for provisions, rights in claims:
        conds = []
        if provisions:
            conds.append(won_provisions.op("&&")(_uuids(sorted(provisions))))
        if rights:
            conds.append(won_rights.op("&&")(_texts(sorted(rights))))
        if conds:
            parts.append(
                select(F.case_id)
                .where(*filters, or_(*conds))
                .order_by(*authority_order())
                .limit(max(1, limit // len(claims)))
            )
    if not parts:
        return []
    return list(dict.fromkeys(session.scalars(union_all(*parts))))


def adverse_pool(
    session: Session,
    filters: list[Any],
    jurisdictions: Iterable[str],
    rights: set[str],
    provisions: set[uuid.UUID],
    limit: int,
) -> list[uuid.UUID]:
    """Decisions of these jurisdictions' forums that went against a claim on these rights
    or provisions, the most important and latest first."""
    conds = []
    if rights:
        conds.append(F.lost_rights.overlap(_texts(sorted(rights))))
    if provisions:
        conds.append(F.lost_provisions.overlap(_uuids(sorted(provisions))))
    if not conds:
        return []
    return list(
        session.scalars(
            select(F.case_id)
            .where(*filters, F.forum_jurisdiction.in_(sorted(jurisdictions)), or_(*conds))
            .order_by(*authority_order())
            .limit(limit)
        )
    )


def _uuids(values: Iterable[uuid.UUID]) -> Any:
    return bindparam(None, list(values), type_=ARRAY(Uuid), unique=True)


def _floats(values: Iterable[float]) -> Any:
    return bindparam(None, list(values), type_=ARRAY(Double), unique=True)


def _ints(values: Iterable[int]) -> Any:
    return bindparam(None, list(values), type_=ARRAY(Integer), unique=True)


def _texts(values: Iterable[str]) -> Any:
    return bindparam(None, list(values), type_=ARRAY(Text), unique=True)


# ---------------------------------------------------------------- text: BM25

# Okapi BM25 over each case's title, holding, keywords, facts and law (one document, term
# frequencies summed over the fields; see migration 0013). k1 and b as in Lucene; a query
# term's frequency in the facts saturates as in BM25's k3 (Robertson et al., TREC-3).
K1 = 1.2
B = 0.75
K3 = 8.0
# The facts' most telling terms (highest idf times saturated query frequency) that a query
# keeps, while their postings fit the budget: a 10,000-word facts section would otherwise
# read half the index, and a query's time grows with the postings it reads. A term that
# would overflow the budget is skipped for rarer ones (it is common, so it weighs little).
QUERY_TERMS = 100
POSTINGS_BUDGET = 50_000
OVERFETCH = 8


@dataclass(frozen=True)
class TextQuery:
    term_ids: list[int]
    weights: list[float]  # idf times the saturated query term frequency
    lexemes: list[str]
    avgdl: float

    def tsquery(self) -> Any:
        """The terms as a tsquery, for quoting passages (already stemmed: cast, not parsed)."""
        quoted = " | ".join("'" + t.replace("'", "''") + "'" for t in self.lexemes)
        return cast(quoted, TSQUERY)


def text_query(session: Session, facts: str, reading: Reading | None = None) -> TextQuery | None:
    """The facts' most telling terms, weighted by BM25's idf from the term statistics that
    every write keeps current. Words no case uses, and stop words, have no term.

    Facts in Spanish or French also count the English terms of their phrases (`reading`),
    and their own words stemmed as the corpus indexes texts in their language.
    """
    if not facts.strip():
        return None
    reading = reading or ENGLISH
    corpus = session.get(MatchCorpus, 1)
    if corpus is None or corpus.docs == 0:
        return None
    n = corpus.docs
    english = facts if reading.language == "en" else " ".join(reading.english)
    own = "" if reading.language == "en" else facts
    rows = session.execute(
        _QUERY_TERMS, {"english": english, "own": own, "language": reading.language}
    ).all()
    if not rows:
        return None

    def weight(df: int, qtf: int) -> float:
        idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
        return idf * (K3 + 1) * qtf / (K3 + qtf)

    chosen: list[Any] = []
    postings = 0
    for r in sorted(rows, key=lambda r: (-weight(r.df, r.qtf), r.term)):
        if len(chosen) == QUERY_TERMS:
            break
        if postings + r.df <= POSTINGS_BUDGET:
            chosen.append(r)
            postings += r.df
    if not chosen:
        return None
    return TextQuery(
        term_ids=[r.id for r in chosen],
        weights=[weight(r.df, r.qtf) for r in chosen],
        lexemes=[r.term for r in chosen],
        avgdl=corpus.total_len / n,
    )


_QUERY_TERMS = sql_text(
    """
    SELECT t.id, t.term, t.df, u.qtf
    FROM (
        SELECT lexeme, sum(cardinality(positions)) AS qtf
        FROM unnest(
            to_tsvector('english'::regconfig, comity_unaccent(:english))
            || to_tsvector(comity_ts_config(:language), comity_unaccent(:own))
        )
        GROUP BY lexeme
    ) AS u
    JOIN match_term t ON t.term = u.lexeme
    WHERE t.df > 0
    """
)


_TERMS = sql_text(
    """
    SELECT c.docs, c.total_len, t.id, t.term, t.df
    FROM match_corpus c
    LEFT JOIN match_term t ON t.term = ANY(:terms) AND t.df > 0
    WHERE c.id = 1
    """
)


def term_queries(session: Session, *term_sets: Iterable[str]) -> list[TextQuery | None]:
    """For each set of stemmed terms (a search's words, read one way or another), the terms
    each counted once and weighted by their idf; those no case holds drop out, and a set
    left with none gives None. One statement for all the sets."""
    sets = [set(terms) for terms in term_sets]
    rows = session.execute(_TERMS, {"terms": sorted(set().union(*sets))}).all()
    known = [r for r in rows if r.id is not None]
    if not known or not known[0].docs:
        return [None for _ in sets]
    n, avgdl = known[0].docs, known[0].total_len / known[0].docs
    out: list[TextQuery | None] = []
    for terms in sets:
        chosen = sorted((r for r in known if r.term in terms), key=lambda r: r.term)
        out.append(
            TextQuery(
                term_ids=[r.id for r in chosen],
                weights=[math.log(1 + (n - r.df + 0.5) / (r.df + 0.5)) for r in chosen],
                lexemes=[r.term for r in chosen],
                avgdl=avgdl,
            )
            if chosen
            else None
        )
    return out


def bm25_of(q: TextQuery, case_id: Any) -> Any:
    """The BM25 score of the case whose id is the column case_id, as a correlated scalar:
    the query's terms looked up in that case's postings only (for hits already found)."""
    terms = select(
        func.unnest(_ints(q.term_ids)).label("term_id"),
        func.unnest(_floats(q.weights)).label("w"),
    ).subquery("query_terms")
    p = CasePosting
    norm = K1 * (1 - B) + (K1 * B / q.avgdl) * p.dl
    bm25 = func.sum(terms.c.w * p.tf * (K1 + 1) / (p.tf + norm))
    return (
        select(bm25)
        .select_from(terms)
        .join(p, and_(p.term_id == terms.c.term_id, p.case_id == case_id))
        .scalar_subquery()
    )


def bm25_scores(q: TextQuery, ids: Iterable[uuid.UUID] | None = None) -> Any:
    """(case_id, bm25) of every case holding a query term (or of those of `ids`): one pass
    over the terms' postings, each term's read by the index in turn (a nested loop)."""
    terms = select(
        func.unnest(_ints(q.term_ids)).label("term_id"),
        func.unnest(_floats(q.weights)).label("w"),
    ).subquery("query_terms")
    p = CasePosting
    norm = K1 * (1 - B) + (K1 * B / q.avgdl) * p.dl
    bm25 = func.sum(terms.c.w * p.tf * (K1 + 1) / (p.tf + norm))
    scores = select(p.case_id, bm25.label("bm25")).select_from(terms)
    scores = scores.join(p, p.term_id == terms.c.term_id)
    if ids is not None:
        scores = scores.where(p.case_id == any_array(ids))
    return scores.group_by(p.case_id)


def text_top(
    session: Session, q: TextQuery, filters: list[Any], limit: int, also: Iterable[uuid.UUID]
) -> dict[uuid.UUID, float]:
    """The candidates whose texts score best for the facts, and the cases `also` names (the
    legal window), with their BM25 scores: one pass over the query terms' postings."""
    scores = bm25_scores(q).cte("scores").prefix_with("MATERIALIZED")
    # The best scores first, then the filters on them alone (a join per posting, or over
    # every feature row, would cost more than the scoring). Filters that remove more than
    # OVERFETCH - 1 of every OVERFETCH best cases leave the window short.
    best = (
        select(scores.c.case_id, scores.c.bm25)
        .order_by(scores.c.bm25.desc())
        .limit(limit * OVERFETCH)
        .subquery()
    )
    top = (
        select(best.c.case_id, best.c.bm25)
        .join(F, F.case_id == best.c.case_id)
        .where(*filters)
        .order_by(best.c.bm25.desc(), *stable_order())
        .limit(limit)
    )
    named = select(scores.c.case_id, scores.c.bm25).where(scores.c.case_id == any_array(also))
    rows = session.execute(union_all(top.subquery().select(), named))
    return {i: float(s) for i, s in rows}


@dataclass(frozen=True)
class Reception:
    followed_abroad: int  # positive treatments by decisions on other States
    negative: int  # distinguished, criticised, overruled...
    cited_by: int  # decisions citing it at all: the leading-case signal
    citing_states: int  # the respondent States of those decisions


def reception(
    session: Session,
    principal: Principal,
    ids: set[uuid.UUID],
    cutoff: date | None,
    cases: dict[uuid.UUID, Any],
) -> dict[uuid.UUID, Reception]:
    """How each case was received by the readable decisions before the cutoff."""
    out = {i: Reception(0, 0, 0, 0) for i in ids}
    if not ids:
        return out
    citing = LegalCase
    stmt = (
        select(
            CaseCitation.cited_case_id,
            CaseCitation.citing_case_id,
            CaseCitation.treatment,
            citing.respondent_states,
            citing.forum_jurisdiction,
        )
        .join(citing, citing.id == CaseCitation.citing_case_id)
        .where(CaseCitation.cited_case_id == any_array(ids), case_repo.visible(principal))
    )
    if cutoff:
        stmt = stmt.where(citing.decided_on < cutoff)
    followed: Counter[uuid.UUID] = Counter()
    negative: Counter[uuid.UUID] = Counter()
    citers: dict[uuid.UUID, set[uuid.UUID]] = defaultdict(set)
    states: dict[uuid.UUID, set[str]] = defaultdict(set)
    for cited, by, treatment, respondents, jurisdiction in session.execute(stmt):
        if cited is None:
            continue
        target = cases[cited]
        abroad = (
            not (set(respondents) & set(target.respondent_states))
            or jurisdiction != target.forum_jurisdiction
        )
        if treatment in POSITIVE_TREATMENTS and abroad:
            followed[cited] += 1
        elif treatment in NEGATIVE_TREATMENTS:
            negative[cited] += 1
        citers[cited].add(by)
        # Respondent States only: a forum's system ("OAS", "UN") is not a State.
        states[cited].update(respondents)
    for i in citers:
        out[i] = Reception(followed[i], negative[i], len(citers[i]), len(states[i]))
    return out


def evidence(
    session: Session, ids: list[uuid.UUID], q: TextQuery | None
) -> dict[uuid.UUID, list[str]]:
    """Up to two passages of each case's holding and facts where the query's terms occur."""
    if q is None or not ids:
        return {}
    tsq = q.tsquery()
    options = "StartSel=\x02, StopSel=\x03, MaxWords=30, MinWords=10, MaxFragments=2"
    document = func.concat_ws(" ", LegalCase.holding, func.left(LegalCase.facts_summary, 20000))
    rows = session.execute(
        select(
            LegalCase.id,
            # Each text parsed as its own language's configuration indexed it.
            func.ts_headline(func.comity_ts_config(LegalCase.language), document, tsq, options),
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


# ---------------------------------------------------------------- reverse knock-on

OPEN_STATUSES = (CaseStatus.draft, CaseStatus.pending, CaseStatus.appealed)


@dataclass(frozen=True)
class OpenCase:
    case_id: uuid.UUID
    owner_org_id: uuid.UUID
    version: int
    target: str  # the State the case is brought against


def open_cases_sharing(
    session: Session,
    rights: set[str],
    provisions: set[uuid.UUID],
    owners: list[uuid.UUID] | None,
    exclude: uuid.UUID,
) -> list[OpenCase]:
    """Open cases with a claim on one of these rights, or on a provision tied to one, of
    active organisations (or of `owners` only)."""
    link = (
        select(claim_provision.c.claim_id)
        .where(
            claim_provision.c.claim_id == RightsClaim.id,
            claim_provision.c.provision_id == any_array(provisions),
        )
        .exists()
    )
    shares = (
        select(RightsClaim.id)
        .where(
            RightsClaim.case_id == LegalCase.id,
            or_(RightsClaim.right_id == any_(cast(sorted(rights), ARRAY(Text))), link),
        )
        .exists()
    )
    query = (
        select(
            LegalCase.id,
            LegalCase.owner_org_id,
            LegalCase.version,
            func.coalesce(LegalCase.respondent_states[1], LegalCase.forum_jurisdiction),
        )
        .join(Organisation, Organisation.id == LegalCase.owner_org_id)
        .where(
            LegalCase.status.in_(OPEN_STATUSES),
            LegalCase.id != exclude,
            Organisation.active.is_(True),
            shares,
        )
        .order_by(LegalCase.id)
    )
    if owners is not None:
        query = query.where(LegalCase.owner_org_id.in_(owners))
    return [OpenCase(i, o, v, str(t)) for i, o, v, t in session.execute(query)]


def watermarks(session: Session, ids: list[uuid.UUID]) -> dict[uuid.UUID, MatchWatermark]:
    rows = session.scalars(select(MatchWatermark).where(MatchWatermark.case_id == any_array(ids)))
    return {w.case_id: w for w in rows}


def set_watermark(session: Session, mark: MatchWatermark) -> None:
    values = {
        "case_version": mark.case_version,
        "threshold": mark.threshold,
        "top_text": mark.top_text,
        "term_ids": mark.term_ids,
        "term_weights": mark.term_weights,
        "computed_at": mark.computed_at,
    }
    session.execute(
        pg_insert(MatchWatermark)
        .values(case_id=mark.case_id, **values)
        .on_conflict_do_update(index_elements=["case_id"], set_=values)
    )


def term_scores(session: Session, case_id: uuid.UUID) -> dict[int, float]:
    """What each of a case's terms adds to its BM25 score per unit of query weight (the
    saturated, length-normalised term frequency of `bm25_scores`)."""
    corpus = session.get(MatchCorpus, 1)
    if corpus is None or corpus.docs == 0:
        return {}
    avgdl = corpus.total_len / corpus.docs
    rows = session.execute(
        select(CasePosting.term_id, CasePosting.tf, CasePosting.dl).where(
            CasePosting.case_id == case_id
        )
    )
    return {t: tf * (K1 + 1) / (tf + K1 * (1 - B) + K1 * B * dl / avgdl) for t, tf, dl in rows}


def instruments_of_case(session: Session, case_id: uuid.UUID) -> set[str]:
    """The instruments of the provisions a case's claims rest on."""
    return set(
        session.scalars(
            select(Provision.instrument_id)
            .join(claim_provision, claim_provision.c.provision_id == Provision.id)
            .join(RightsClaim, RightsClaim.id == claim_provision.c.claim_id)
            .where(RightsClaim.case_id == case_id)
            .distinct()
        )
    )


def open_case_ids(session: Session) -> list[tuple[uuid.UUID, uuid.UUID]]:
    """(case, owner) of every open case of an active organisation."""
    rows = session.execute(
        select(LegalCase.id, LegalCase.owner_org_id)
        .join(Organisation, Organisation.id == LegalCase.owner_org_id)
        .where(LegalCase.status.in_(OPEN_STATUSES), Organisation.active.is_(True))
        .order_by(LegalCase.id)
    )
    return [(i, o) for i, o in rows]


def system_codes(session: Session) -> frozenset[str]:
    """The regional and international systems (`CoE`, `OAS`, ...)."""
    return cache.memo(
        session,
        ("system_codes",),
        lambda s: frozenset(
            s.scalars(select(Jurisdiction.code).where(Jurisdiction.kind == JurisdictionKind.system))
        ),
    )
