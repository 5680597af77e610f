"""Find and explain knock-on wins: candidates in SQL, scoring in the pure engine."""

from __future__ import annotations

import dataclasses
import html
import math
import re
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
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
    FAVOURABLE_FINDINGS,
    NEGATIVE_TREATMENTS,
    POSITIVE_TREATMENTS,
    CaseCitation,
    ImplementationStatus,
    LegalCase,
    Outcome,
    RightsClaim,
    claim_provision,
)
from app.errors import FieldError, NotFoundError, ValidationFailed
from app.matching import engine
from app.matching.engine import ClaimMatch, MatchKind, Transferability
from app.matching.schemas import (
    Draft,
    MatchRequest,
    MatchResult,
    MatchResults,
    MinFinding,
    Precedent,
    Reason,
)
from app.reference import repository as reference_repo
from app.reference import service as reference
from app.reference.models import (
    Basis,
    ComplaintRoute,
    CrosswalkRow,
    DecisionEffect,
    Forum,
    Jurisdiction,
    JurisdictionKind,
    Provision,
    Ratification,
    RatificationStatus,
    RightConcept,
    SystemMembership,
)

TEXT_CANDIDATES = 200
# Candidates ranked on text per round trip once the top text matches are known.
RANK_BATCH = 500
QUERY_TERMS = 40
# The facts' most frequent words, among which the query keeps the most telling.
TERM_POOL = 150
BINDING = {DecisionEffect.binding_on_parties, DecisionEffect.binding_erga_omnes}
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


@dataclass
class QueryClaim:
    label: str
    rights: set[str] = field(default_factory=set)
    provisions: set[uuid.UUID] = field(default_factory=set)


@dataclass
class Subject:
    facts: str
    target: str
    claims: list[QueryClaim]
    exclude_case: uuid.UUID | None = None


def _bad(loc: list[str | int], msg: str, **extra: Any) -> ValidationFailed:
    return ValidationFailed(msg, errors=[FieldError(loc=loc, msg=msg, type="value_error")], **extra)


def _subject(session: Session, principal: Principal, request: MatchRequest) -> Subject:
    if request.case_id is not None:
        case = case_repo.readable_case(session, principal, request.case_id)
        if case is None:
            raise NotFoundError("No such case.")
        claims = case_repo.claims_of(session, [case.id])[case.id]
        provisions = case_repo.provisions_of_claims(session, [c.id for c in claims])
        texts = [c.right_id or "" for c in claims]
        qcs = [
            _claim_from_parts(session, c.right_id, [p.id for p in provisions[c.id]], label)
            for c, label in zip(claims, texts, strict=True)
        ]
        target = (case.respondent_states or [case.forum_jurisdiction])[0]
        return Subject(f"{case.facts_summary}\n{case.holding}", target, qcs, case.id)
    draft = request.draft
    assert draft is not None
    return _draft_subject(session, draft)


def _draft_subject(session: Session, draft: Draft) -> Subject:
    target = draft.target_jurisdiction.upper()
    state = session.get(Jurisdiction, target)
    if state is None or state.kind is not JurisdictionKind.state:
        raise _bad(["body", "draft", "target_jurisdiction"], f"unknown State {target!r}")
    if not draft.facts.strip() and not draft.claims:
        raise _bad(["body", "draft"], "nothing to match on: give facts or claims")
    claims = []
    for i, text in enumerate(draft.claims):
        if session.get(RightConcept, text) is not None:
            claims.append(_claim_from_parts(session, text, [], text))
            continue
        ref = reference.parse(session, text, field=f"draft.claims.{i}")
        lineage = reference_repo.lineage(session, ref.instrument_id, ref.path)
        ids = [p.id for p in lineage] or [reference.resolve_provision(session, text).id]
        claims.append(_claim_from_parts(session, None, ids, text))
    return Subject(draft.facts, target, claims)


def _claim_from_parts(
    session: Session, right: str | None, provision_ids: list[uuid.UUID], label: str
) -> QueryClaim:
    rights = {right} if right else set()
    if provision_ids:
        rights |= set(
            session.scalars(
                select(CrosswalkRow.right_id).where(CrosswalkRow.provision_id.in_(provision_ids))
            )
        )
    return QueryClaim(label=label or "claim", rights=rights, provisions=set(provision_ids))


def find_knock_on_wins(
    session: Session, principal: Principal, request: MatchRequest
) -> MatchResults:
    subject = _subject(session, principal, request)
    filters = _case_filters(principal, request, subject)
    legal = _legal_candidates(session, subject, filters, request.min_finding)
    tsq = _facts_query(session, subject.facts)
    text_scores = _top_text(session, tsq, filters, request.min_finding) if tsq is not None else {}
    ids = set(legal) | set(text_scores)
    # Only the columns scoring needs: candidates run to tens of thousands at scale.
    cases = {
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
            ).where(LegalCase.id == any_array(ids))
        )
    }
    if not request.include_partial:
        ids = {i for i in ids if cases[i].outcome is not Outcome.partial}
    forums = {
        f.id: f
        for f in session.scalars(
            select(Forum).where(Forum.id.in_({c.forum_id for c in cases.values()}))
        )
    }
    transfer = _transferability(session, subject.target, forums)
    reception = _reception(session, principal, ids, request.decided_before, cases)
    candidates = [
        engine.Candidate(
            case_id=str(i),
            text_score=text_scores.get(i, 0.0),
            matches=tuple(legal.get(i, ())),
            transferability=transfer[cases[i].forum_id][0],
            importance=cases[i].importance,
            knock_on_citations=reception[i][0],
            negative_treatments=reception[i][1],
            not_implemented=cases[i].implementation_status is ImplementationStatus.not_implemented,
        )
        for i in ids
    ]
    w = request.weights
    ranked = _rank(
        session,
        candidates,
        text_scores,
        tsq,
        len(subject.claims),
        engine.Weights(w.text, w.legal_basis, w.authority, w.reception),
        request.limit,
    )
    chosen = [uuid.UUID(s.candidate.case_id) for s in ranked]
    evidence = _evidence(session, chosen, tsq)
    precedents = case_repo.cases_by_ids(session, chosen)
    results = [
        _result(
            s,
            precedents[uuid.UUID(s.candidate.case_id)],
            forums,
            transfer,
            subject,
            evidence.get(uuid.UUID(s.candidate.case_id), []),
        )
        for s in ranked
    ]
    return MatchResults(
        query={
            "target_jurisdiction": subject.target,
            "claims": [{"label": c.label, "rights": sorted(c.rights)} for c in subject.claims],
        },
        candidates=len(candidates),
        results=results,
    )


def any_array(ids: Iterable[uuid.UUID]) -> Any:
    """`= ANY(array)`: one parameter however many ids, where IN would bind one each."""
    return any_(bindparam("ids", list(ids), type_=ARRAY(Uuid), unique=True))


def _case_filters(principal: Principal, request: MatchRequest, subject: Subject) -> list[Any]:
    conds: list[Any] = [case_repo.visible(principal)]
    if request.decided_before:
        conds.append(LegalCase.decided_on < request.decided_before)
    if request.exclude_same_jurisdiction:
        conds.append(not_(LegalCase.respondent_states.contains([subject.target])))
        conds.append(LegalCase.forum_jurisdiction != subject.target)
    if subject.exclude_case:
        conds.append(LegalCase.id != subject.exclude_case)
    return conds


def _findings(min_finding: MinFinding) -> Any:
    if min_finding is MinFinding.violation:
        return RightsClaim.finding.in_(sorted(FAVOURABLE_FINDINGS))
    return literal_column("true")


def _legal_candidates(
    session: Session, subject: Subject, filters: list[Any], min_finding: MinFinding
) -> dict[uuid.UUID, list[ClaimMatch]]:
    """Upheld claims on the same provision, an equivalent one, the same or a related right."""
    rights = set().union(*(c.rights for c in subject.claims)) if subject.claims else set()
    provisions = set().union(*(c.provisions for c in subject.claims)) if subject.claims else set()
    if not rights and not provisions:
        return {}
    related = {
        r
        for right in session.scalars(select(RightConcept).where(RightConcept.id.in_(rights)))
        for r in right.related
    } - rights
    equivalents: dict[uuid.UUID, tuple[str, Basis]] = {}
    for row in session.scalars(select(CrosswalkRow).where(CrosswalkRow.right_id.in_(rights))):
        equivalents.setdefault(row.provision_id, (row.right_id, row.basis))
    keys = {
        p.id: f"{p.instrument_id}:{p.path}"
        for p in session.scalars(
            select(Provision).where(Provision.id.in_(set(equivalents) | provisions))
        )
    }
    # Untyped: the driver already returns UUIDs, and tens of thousands of claims at scale
    # would each pay for a per-element conversion.
    claim_provisions = func.array_agg(claim_provision.c.provision_id, type_=NullType())
    rows = session.execute(
        select(RightsClaim.case_id, RightsClaim.right_id, claim_provisions)
        .join(LegalCase, LegalCase.id == RightsClaim.case_id)
        .outerjoin(claim_provision, claim_provision.c.claim_id == RightsClaim.id)
        .where(
            *filters,
            _findings(min_finding),
            or_(
                RightsClaim.right_id.in_(rights | related),
                claim_provision.c.provision_id.in_(set(equivalents) | provisions),
            ),
        )
        .group_by(RightsClaim.id)
    )
    out: dict[uuid.UUID, list[ClaimMatch]] = defaultdict(list)
    # Claims repeat the same right and provisions across thousands of cases: match each
    # combination once.
    known: dict[tuple[str | None, tuple[uuid.UUID, ...]], list[ClaimMatch]] = {}
    for case_id, right, prov_ids in rows:
        key = (right, tuple(sorted(p for p in prov_ids if p is not None)))
        if key not in known:
            known[key] = [
                m
                for q in subject.claims
                if (m := _best_match(q, right, key[1], related, equivalents, keys)) is not None
            ]
        out[case_id].extend(known[key])
    return out


def _best_match(
    q: QueryClaim,
    right: str | None,
    prov_ids: Sequence[uuid.UUID],
    related: set[str],
    equivalents: dict[uuid.UUID, tuple[str, Basis]],
    keys: dict[uuid.UUID, str],
) -> ClaimMatch | None:
    for p in prov_ids:
        if p in q.provisions:
            return ClaimMatch(q.label, right, keys.get(p), MatchKind.same_provision)
    for p in prov_ids:
        eq = equivalents.get(p)
        if eq and eq[0] in q.rights:
            kind = (
                MatchKind.equivalent_explicit
                if eq[1] is Basis.explicit
                else MatchKind.equivalent_interpretive
            )
            return ClaimMatch(q.label, right, keys.get(p), kind, eq[1].value)
    if right and right in q.rights:
        return ClaimMatch(q.label, right, None, MatchKind.same_right)
    if right and right in related:
        return ClaimMatch(q.label, right, None, MatchKind.related_right)
    return None


def _facts_query(session: Session, facts: str) -> Any:
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


def _top_text(
    session: Session, tsq: Any, filters: list[Any], min_finding: MinFinding
) -> dict[uuid.UUID, float]:
    """The wins whose texts match the facts best, with their text scores."""
    rank = _text_rank(tsq)
    won = select(RightsClaim.case_id).where(_findings(min_finding))
    top = session.execute(
        select(LegalCase.id, rank)
        .where(*filters, LegalCase.search_vector.op("@@")(tsq), LegalCase.id.in_(won))
        .order_by(rank.desc(), LegalCase.id)
        .limit(TEXT_CANDIDATES)
    )
    return {i: float(r) for i, r in top}


def _text_rank(tsq: Any) -> Any:
    return func.ts_rank(LegalCase.search_vector, tsq, 32)


def _rank(
    session: Session,
    candidates: list[engine.Candidate],
    top_text: dict[uuid.UUID, float],
    tsq: Any,
    query_claims: int,
    weights: engine.Weights,
    limit: int,
) -> list[engine.Scored]:
    """The exact top `limit`, computing text scores only where they can change it.

    A candidate outside the top text matches scores on text at most what the last of them
    scores (a better match would be among them; a text that does not match scores 0). So
    the others are taken in order of their score without text, and ranked on text in
    batches, until even that bound cannot reach the current last place.
    """
    known = [c for c in candidates if uuid.UUID(c.case_id) in top_text]
    rest = [c for c in candidates if uuid.UUID(c.case_id) not in top_text]
    if tsq is None or not rest:
        return engine.rank(candidates, query_claims, weights, limit)
    if not known:  # the top text matches were all filtered out: nothing bounds the rest
        return engine.rank(_with_text(session, tsq, rest), query_claims, weights, limit)
    # Text counts relative to the best candidate; nobody outside `known` can beat it.
    best_text = max(c.text_score for c in known)
    floor = min(top_text.values()) if len(top_text) >= TEXT_CANDIDATES else 0.0
    headroom = weights.normalised().text * floor / best_text
    without_text = {c.case_id: engine.score_without_text(c, query_claims, weights) for c in rest}
    rest.sort(key=lambda c: (-without_text[c.case_id], c.case_id))
    best = engine.rank(known, query_claims, weights, limit, top_text=best_text)
    for start in range(0, len(rest), RANK_BATCH):
        batch = rest[start : start + RANK_BATCH]
        # Scores are rounded to 6 places; the margin keeps a tie from being cut off.
        if len(best) >= limit and without_text[batch[0].case_id] + headroom < best[-1].score - 1e-6:
            break
        pool = [s.candidate for s in best] + _with_text(session, tsq, batch)
        best = engine.rank(pool, query_claims, weights, limit, top_text=best_text)
    return best


def _with_text(
    session: Session, tsq: Any, candidates: list[engine.Candidate]
) -> list[engine.Candidate]:
    ids = [uuid.UUID(c.case_id) for c in candidates]
    ranks = {
        str(i): float(r)
        for i, r in session.execute(
            select(LegalCase.id, _text_rank(tsq)).where(LegalCase.id == any_array(ids))
        )
    }
    return [dataclasses.replace(c, text_score=ranks.get(c.case_id, 0.0)) for c in candidates]


def _transferability(
    session: Session, target: str, forums: dict[str, Forum]
) -> dict[str, tuple[Transferability, str, bool | None]]:
    """Per forum: how its decisions reach the target State, why, and whether the target
    accepts the same complaint mechanism (None where the forum takes no complaints)."""
    systems = set(
        session.scalars(
            select(SystemMembership.system_code).where(SystemMembership.state_code == target)
        )
    )
    accepted = set(
        session.scalars(
            select(Ratification.instrument_id).where(
                Ratification.state_code == target,
                Ratification.status.in_([RatificationStatus.party, RatificationStatus.member]),
            )
        )
    )
    routes: dict[str, list[str]] = defaultdict(list)
    for route in session.scalars(select(ComplaintRoute)):
        routes[route.forum_id].append(route.requires_instrument_id)
    out: dict[str, tuple[Transferability, str, bool | None]] = {}
    for forum in forums.values():
        needs = routes.get(forum.id)
        complaint = None if not needs else all(n in accepted for n in needs)
        if (
            forum.jurisdiction_code in systems
            and forum.decision_effect in BINDING
            and complaint is not False
        ):
            out[forum.id] = (
                Transferability.binding,
                f"{forum.name} binds {target} as a member of "
                f"{forum.jurisdiction_code} that accepts its jurisdiction",
                complaint,
            )
        elif forum.decision_effect is DecisionEffect.authoritative_interpretation and (
            set(forum.instruments_applied) & accepted
        ):
            treaty = sorted(set(forum.instruments_applied) & accepted)[0]
            out[forum.id] = (
                Transferability.authoritative,
                f"{forum.name} authoritatively interprets {treaty}, which {target} has ratified",
                complaint,
            )
        else:
            out[forum.id] = (
                Transferability.persuasive,
                f"{forum.name} does not bind {target}; its reasoning is persuasive authority there",
                complaint,
            )
    return out


def _reception(
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


def _evidence(session: Session, ids: list[uuid.UUID], tsq: Any) -> dict[uuid.UUID, list[str]]:
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


def _result(
    s: engine.Scored,
    case: LegalCase,
    forums: dict[str, Forum],
    transfer: dict[str, tuple[Transferability, str, bool | None]],
    subject: Subject,
    evidence: list[str],
) -> MatchResult:
    forum = forums[case.forum_id]
    kind, why, complaint = transfer[case.forum_id]
    reasons = [_claim_reason(m, forum) for m in s.candidate.matches]
    reasons.append(
        Reason(
            kind="transferability",
            sentence=f"{why[0].upper()}{why[1:]}.",
            detail={"transferability": kind.value, "decision_effect": forum.decision_effect.value},
        )
    )
    if complaint is not None:
        reasons.append(
            Reason(
                kind="complaint_mechanism",
                sentence=(
                    f"{subject.target} accepts complaints to {forum.name}."
                    if complaint
                    else f"{subject.target} does not accept complaints to {forum.name}."
                ),
                detail={"accepted": complaint},
            )
        )
    c = s.candidate
    if c.knock_on_citations:
        reasons.append(
            Reason(
                kind="reception",
                detail={"knock_on_citations": c.knock_on_citations},
                sentence=f"Followed or applied {c.knock_on_citations} time(s) "
                "in other jurisdictions.",
            )
        )
    if c.negative_treatments or c.not_implemented:
        parts = []
        if c.negative_treatments:
            parts.append(f"distinguished or questioned {c.negative_treatments} time(s)")
        if c.not_implemented:
            parts.append("not implemented by the respondent State")
        reasons.append(
            Reason(
                kind="caution",
                sentence="Caution: " + " and ".join(parts) + ".",
                detail={
                    "negative_treatments": c.negative_treatments,
                    "not_implemented": c.not_implemented,
                },
            )
        )
    if evidence:
        reasons.append(
            Reason(
                kind="evidence",
                sentence="Passages close to the facts are quoted.",
                detail={"passages": len(evidence)},
            )
        )
    return MatchResult(
        precedent=Precedent(
            id=case.id,
            title=case.title,
            citation=case.citation,
            forum_id=forum.id,
            forum_name=forum.name,
            forum_jurisdiction=case.forum_jurisdiction,
            respondent_states=case.respondent_states,
            decided_on=case.decided_on,
            outcome=case.outcome.value,
        ),
        score=s.score,
        breakdown=s.breakdown,
        reasons=reasons,
        evidence=evidence,
    )


def _claim_reason(m: ClaimMatch, forum: Forum) -> Reason:
    how = {
        MatchKind.same_provision: f"on the same provision ({m.provision})",
        MatchKind.equivalent_explicit: f"under {m.provision}, an equivalent provision that states "
        "the right expressly",
        MatchKind.equivalent_interpretive: f"under {m.provision}, an equivalent provision as "
        "interpreted by courts and treaty bodies",
        MatchKind.same_right: f"on the same right ({m.right_id})",
        MatchKind.related_right: f"on a related right ({m.right_id})",
    }[m.kind]
    return Reason(
        kind="matching_claim",
        sentence=f"{forum.name} upheld a claim matching “{m.query_label}” {how}.",
        detail={
            "query_claim": m.query_label,
            "right_id": m.right_id,
            "provision": m.provision,
            "match": m.kind.value,
            "basis": m.basis,
        },
    )


@dataclass(frozen=True)
class PleadingPrecedent:
    case_id: uuid.UUID
    title: str
    citation: str | None
    forum_name: str
    decided_on: date | None
    held: str
    why: str
    rights: list[str]


def knock_on_for_case(
    session: Session, principal: Principal, case_id: uuid.UUID, limit: int = 5
) -> list[PleadingPrecedent]:
    """The top matches for a case, shaped for a pleading's comparative section."""
    results = find_knock_on_wins(session, principal, MatchRequest(case_id=case_id, limit=limit))
    cases = case_repo.cases_by_ids(session, [r.precedent.id for r in results.results])
    return [
        PleadingPrecedent(
            case_id=r.precedent.id,
            title=r.precedent.title,
            citation=r.precedent.citation,
            forum_name=r.precedent.forum_name,
            decided_on=r.precedent.decided_on,
            held=(cases[r.precedent.id].holding or cases[r.precedent.id].facts_summary)[:600],
            why=" ".join(
                x.sentence for x in r.reasons if x.kind in ("transferability", "matching_claim")
            ),
            rights=sorted(
                {
                    x.detail["right_id"]
                    for x in r.reasons
                    if x.kind == "matching_claim" and x.detail.get("right_id")
                }
            ),
        )
        for r in results.results
    ]
