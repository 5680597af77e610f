"""Find and explain knock-on wins: candidates in SQL, scoring in the pure engine."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from app.auth.principal import Principal
from app.cases import repository as case_repo
from app.cases import resolution
from app.cases.models import (
    FAVOURABLE_FINDINGS,
    ImplementationStatus,
    LegalCase,
    Outcome,
)
from app.errors import FieldError, NotFoundError, ValidationFailed
from app.matching import engine, explain, transfer
from app.matching import repository as repo
from app.matching.engine import ClaimMatch, MatchKind
from app.matching.schemas import (
    ClaimFinding,
    Draft,
    Language,
    MatchRequest,
    MatchResult,
    MatchResults,
    MinFinding,
    Precedent,
    Reason,
)
from app.reference import cache as reference_cache
from app.reference import lookup, multilingual
from app.reference import repository as reference_repo
from app.reference import service as reference
from app.reference.models import (
    Basis,
    Reservation,
)


@dataclass
class QueryClaim:
    label: str
    # The rights the claim engages, each with the crosswalk basis that links it to the
    # claim's provision (explicit for a claim named by its right).
    rights: dict[str, Basis] = field(default_factory=dict)
    provisions: set[uuid.UUID] = field(default_factory=set)
    # Where the claim names a provision: its instrument and path, and whether the reference
    # data knows it (an unknown one is matched on its known articles and rights only).
    instrument_id: str | None = None
    path: str | None = None
    known: bool = True


@dataclass
class Subject:
    facts: str
    target: str
    claims: list[QueryClaim]
    exclude_case: uuid.UUID | None = None
    # What the facts' Spanish or French phrases mean in the corpus's English, and whether
    # the claims were read from them (the litigator named none).
    reading: multilingual.Reading = multilingual.ENGLISH
    inferred: bool = False


def _bad(loc: list[str | int], msg: str, **extra: Any) -> ValidationFailed:
    return ValidationFailed(msg, errors=[FieldError(loc=loc, msg=msg, type="value_error")], **extra)


def _subject(session: Session, principal: Principal, request: MatchRequest) -> Subject:
    if request.case_id is not None:
        case = case_repo.readable_case(session, principal, request.case_id)
        if case is None:
            raise NotFoundError("No such case.")
        claims = case_repo.claims_of(session, [case.id])[case.id]
        provisions = case_repo.provisions_of_claims(session, [c.id for c in claims])
        qcs = [
            _claim_from_parts(session, c.right_id, [p.id for p in provisions[c.id]], c.right_id)
            for c in claims
        ]
        target = (case.respondent_states or [case.forum_jurisdiction])[0]
        facts = f"{case.facts_summary}\n{case.holding}"
        return _read(session, Subject(facts, target, qcs, case.id))
    draft = request.draft
    assert draft is not None
    return _draft_subject(session, draft)


def _draft_subject(session: Session, draft: Draft) -> Subject:
    """The draft's claims, read without writing: a provision the reference data does not
    record is matched on the articles it belongs to and their rights only."""
    target = draft.target_jurisdiction.upper()
    lookup.require_states(
        session, [target], ["body", "draft", "target_jurisdiction"], indexed=False
    )
    if not draft.facts.strip() and not draft.claims:
        raise _bad(["body", "draft"], "nothing to match on: give facts or claims")
    claims = []
    for i, text in enumerate(draft.claims):
        if text in repo.labels(session).rights:
            claims.append(_claim_from_parts(session, text, [], text))
            continue
        ref = reference.parse(session, text, field=f"draft.claims.{i}")
        lineage = reference_repo.lineage(session, ref.instrument_id, ref.path)
        claim = _claim_from_parts(session, None, [p.id for p in lineage], text)
        claim.instrument_id, claim.path = ref.instrument_id, ref.path
        claim.known = any(p.path == ref.path for p in lineage)
        claims.append(claim)
    return _read(session, Subject(draft.facts, target, claims))


def _read(session: Session, subject: Subject) -> Subject:
    """The subject with its facts read in their language: a Spanish or French text adds the
    English terms of its phrases, and where no claim is named, the rights they name."""
    reading = multilingual.read(subject.facts)
    subject.reading = reading
    if not subject.claims and reading.rights:
        subject.claims = [_claim_from_parts(session, r, [], r) for r in reading.rights]
        subject.inferred = True
    return subject


BASIS_ORDER = list(Basis)  # strongest first: explicit, interpretive, ..., national


def _claim_from_parts(
    session: Session, right: str | None, provision_ids: list[uuid.UUID], label: str | None
) -> QueryClaim:
    rights: dict[str, Basis] = {right: Basis.explicit} if right else {}
    if provision_ids:
        for right_id, basis in repo.provision_rights(session, provision_ids):
            if right_id not in rights or BASIS_ORDER.index(basis) < BASIS_ORDER.index(
                rights[right_id]
            ):
                rights[right_id] = basis
    return QueryClaim(label=label or "claim", rights=rights, provisions=set(provision_ids))


def find_knock_on_wins(
    session: Session, principal: Principal, request: MatchRequest
) -> MatchResults:
    """Rank the wins elsewhere that the subject can argue, with a legal verdict per matched
    claim, and list the adverse authority of the target's own systems apart. Never writes."""
    return _knock_on(session, principal, request).results


# Candidates per source: the best text matches, and the best legal matches. The union is
# ranked exactly, and its best ones explained.
TEXT_WINDOW = 200
LEGAL_WINDOW = 200
ADVERSE_WINDOW = 50


@dataclass(frozen=True)
class Matched:
    results: MatchResults
    precedents: dict[uuid.UUID, LegalCase]
    top_text: float  # the best BM25 score among the candidates: what text scores count against
    query: repo.TextQuery | None  # the facts' terms that the text scores came from


def _knock_on(session: Session, principal: Principal, request: MatchRequest) -> Matched:
    # Matching never writes: the reference facts stay at one revision for the whole match.
    with reference_cache.pinned(session):
        return _match(session, principal, request)


def _match(session: Session, principal: Principal, request: MatchRequest) -> Matched:
    subject = _subject(session, principal, request)
    filters = repo.candidate_filters(principal, request, subject.target, subject.exclude_case)
    ranked_filters = filters + repo.ranked_filters(request)
    lost_too = request.min_finding is MinFinding.any_decided
    rights, provisions = _claimed(subject)
    equivalents = repo.equivalents(session, rights)
    legal_window = repo.legal_top(
        session, _selecting(subject, equivalents), ranked_filters, LEGAL_WINDOW, lost_too
    )
    q = repo.text_query(session, subject.facts, subject.reading)
    text = repo.text_top(session, q, ranked_filters, TEXT_WINDOW, legal_window) if q else {}
    pool = set(text) | set(legal_window)
    systems = repo.systems_of(session, subject.target)
    adverse_pool = repo.adverse_pool(
        session, filters, systems | {subject.target}, rights, provisions, ADVERSE_WINDOW
    )
    cases = repo.feature_rows(session, pool | set(adverse_pool))
    pool = _one_per_proceeding(cases, pool)
    legal = _legal_candidates(session, subject, pool | set(adverse_pool), equivalents)
    law = _law(session, subject.target, systems, request.language)
    reception = repo.reception(session, principal, pool, request.decided_before, cases)
    candidates = [
        engine.Candidate(
            case_id=i,
            text_score=text.get(i, 0.0),
            matches=tuple(legal[i].support if i in legal else ()),
            transferability=_overall(law, cases[i], legal.get(i)).transferability,
            importance=cases[i].importance,
            knock_on_citations=reception[i].followed_abroad,
            negative_treatments=reception[i].negative,
            not_implemented=cases[i].implementation_status is ImplementationStatus.not_implemented,
            cited_by=reception[i].cited_by,
            citing_states=reception[i].citing_states,
            order=_order_key(cases[i]),
        )
        for i in pool
    ]
    w = request.weights
    ranked = engine.rank(
        candidates,
        len(subject.claims),
        engine.Weights(w.text, w.legal_basis, w.authority, w.reception),
        request.limit,
    )
    chosen = [s.candidate.case_id for s in ranked]
    # A precedent that decided every claim it shares with the subject against the claimant
    # offers no support on them: in the pool it ranks on its facts alone, its claims shown as
    # adverse; from the target's own systems it is listed apart.
    adverse_ids = [
        i for i in adverse_pool if i in legal and legal[i].adverse and not legal[i].support
    ]
    adverse = _adverse_authority(law, cases, adverse_ids, legal)
    evidence = repo.evidence(session, chosen, q)
    precedents = case_repo.cases_by_ids(session, chosen + adverse)
    results = [
        _result(
            law,
            subject,
            precedents[s.candidate.case_id],
            legal.get(s.candidate.case_id, Findings()),
            evidence.get(s.candidate.case_id, []),
            s,
        )
        for s in ranked
    ]
    matched = MatchResults(
        query={
            "target_jurisdiction": subject.target,
            "language": subject.reading.language,
            "claims_inferred": subject.inferred,
            "claims": [
                {"label": c.label, "rights": sorted(c.rights), "known": c.known}
                for c in subject.claims
            ],
        },
        candidates=len(candidates),
        results=results,
        adverse=[_result(law, subject, precedents[i], legal[i], [], None) for i in adverse],
    )
    top_text = max((c.text_score for c in candidates), default=0.0)
    return Matched(matched, precedents, top_text, q)


def _one_per_proceeding(cases: dict[uuid.UUID, Any], pool: set[uuid.UUID]) -> set[uuid.UUID]:
    """The pool with one decision per proceeding: the one that stands as the matter's
    authority (the merits before admissibility or follow-up), so a matter is argued once."""
    grouped: dict[uuid.UUID, list[resolution.Target]] = defaultdict(list)
    for i in pool:
        c = cases[i]
        if c.proceeding_id is not None:
            target = resolution.Target(
                i, c.forum_id, c.proceeding_id, c.decision_type, c.decided_on
            )
            grouped[c.proceeding_id].append(target)
    dropped = {
        t.case_id
        for members in grouped.values()
        if len(members) > 1
        for t in members
        if t is not resolution.authority(members)
    }
    return pool - dropped


def _order_key(case: Any) -> tuple[Any, ...]:
    """The stable tie-break: later decisions first, then reference key and title."""
    return (
        -(case.decided_on.toordinal() if case.decided_on else 0),
        case.reference_key or "\uffff",
        case.title,
        str(case.case_id),
    )


def _claimed(subject: Subject) -> tuple[set[str], set[uuid.UUID]]:
    rights = set().union(*(c.rights for c in subject.claims)) if subject.claims else set()
    provisions = set().union(*(c.provisions for c in subject.claims)) if subject.claims else set()
    return rights, provisions


def _selecting(
    subject: Subject, equivalents: dict[uuid.UUID, tuple[str, Basis]]
) -> list[tuple[set[uuid.UUID], set[str]]]:
    """Per query claim, what brings a precedent into the legal window: the claim's own
    provisions and their crosswalk equivalents, and its rights (a related right only adds
    to a precedent found otherwise: it would bring in half the corpus)."""
    return [
        (
            q.provisions | {p for p, (right, _) in equivalents.items() if right in q.rights},
            set(q.rights),
        )
        for q in subject.claims
    ]


# How firmly the crosswalk ties a claim's provision to a right. A right the text states, or
# that binding case law reads into it, counts fully; one resting on a treaty body's general
# comment, soft law or a domestic source does not bind, and counts less.
BASIS_WEIGHT = {
    Basis.explicit: 1.0,
    Basis.interpretive: 1.0,
    Basis.general_comment: 0.6,
    Basis.soft_law: 0.5,
    Basis.national: 0.5,
}


@dataclass
class Findings:
    """A precedent's best match per query claim: where it upheld the claim (support), and
    where it decided against it (adverse), never both for one claim."""

    support: list[ClaimMatch] = field(default_factory=list)
    adverse: list[ClaimMatch] = field(default_factory=list)
    # (won, query claim) -> the precedent's finding on the claim that matched it.
    decided: dict[tuple[bool, str], str] = field(default_factory=dict)


def _legal_candidates(
    session: Session,
    subject: Subject,
    ids: set[uuid.UUID],
    equivalents: dict[uuid.UUID, tuple[str, Basis]],
) -> dict[uuid.UUID, Findings]:
    """Per case, its decided claims on the same provision, an equivalent one, the same or a
    related right."""
    rights, provisions = _claimed(subject)
    if not ids or (not rights and not provisions):
        return {}
    related = repo.related_rights(session, rights)
    rows = repo.claim_rows(session, ids, rights | related, set(equivalents) | provisions).all()
    keys = repo.provision_keys(session, {p for row in rows for p in row.provisions})
    # Per case and (won, query claim): the closest match and the finding it carries.
    best: dict[uuid.UUID, dict[tuple[bool, str], tuple[ClaimMatch, Any]]] = defaultdict(dict)
    # Claims repeat the same right and provisions across thousands of cases: match each
    # combination once, whatever its finding.
    known: dict[tuple[Any, ...], list[ClaimMatch]] = {}
    for case_id, right, finding, prov_ids in rows:
        key = (right, tuple(sorted(p for p in prov_ids if p is not None)))
        matches = known.get(key)
        if matches is None:
            # The claim's first provision, named where the match is on its right only.
            named = min((keys[p] for p in key[1]), default=None)
            matches = known[key] = [
                m
                for q in subject.claims
                if (m := _best_match(q, right, key[1], related, equivalents, keys, named))
                is not None
            ]
        won = finding in FAVOURABLE_FINDINGS
        slots = best[case_id]
        for m in matches:
            held = slots.get((won, m.query_label))
            if held is None or m.strength > held[0].strength:
                slots[(won, m.query_label)] = (m, finding)
    out: dict[uuid.UUID, Findings] = {}
    for case_id, slots in best.items():
        found = out[case_id] = Findings()
        lost: dict[str, float] = {}
        for (won, label), (m, finding) in slots.items():
            found.decided[(won, label)] = finding
            if won:
                found.support.append(m)
            else:
                found.adverse.append(m)
                lost[label] = m.strength
        if lost:
            # A win on a more remote claim does not outweigh a loss on the claim itself:
            # where the closest match went against the claimant, that claim finds no support;
            # and a loss on a more remote claim than the win is no caution worth a line.
            won_at = {m.query_label: m.strength for m in found.support}
            found.support = [m for m in found.support if m.strength >= lost.get(m.query_label, 0)]
            found.adverse = [m for m in found.adverse if m.strength >= won_at.get(m.query_label, 0)]
    return out


def _best_match(
    q: QueryClaim,
    right: str | None,
    prov_ids: Sequence[uuid.UUID],
    related: set[str],
    equivalents: dict[uuid.UUID, tuple[str, Basis]],
    keys: dict[uuid.UUID, str],
    named: str | None,
) -> ClaimMatch | None:
    """The closest link between a query claim and a precedent's claim; a related right only
    when nothing closer exists. `named` is the precedent claim's first provision, cited
    where the link is its right."""

    def match(
        kind: MatchKind,
        provision: str | None,
        shared: str | None,
        basis: Basis | None,
        weight: float,
    ) -> ClaimMatch:
        return ClaimMatch(
            q.label,
            shared,
            provision,
            kind,
            basis.value if basis else None,
            instrument_id=provision.split(":")[0] if provision else None,
            weight=weight,
        )

    found: list[ClaimMatch] = []
    for p in prov_ids:
        if p in q.provisions:
            return match(MatchKind.same_provision, keys.get(p), right, None, 1.0)
    for p in prov_ids:
        eq = equivalents.get(p)
        if eq and eq[0] in q.rights:
            # The right both provisions protect, not whatever the precedent filed it under.
            found.append(
                match(
                    _equivalent_kind(eq[1]),
                    keys.get(p),
                    eq[0],
                    eq[1],
                    BASIS_WEIGHT[q.rights[eq[0]]],
                )
            )
    if right and right in q.rights:
        found.append(match(MatchKind.same_right, named, right, None, BASIS_WEIGHT[q.rights[right]]))
    if right and right in related and not found:
        found.append(match(MatchKind.related_right, named, right, None, 1.0))
    # The strongest link, the first found among equals.
    return max(found, key=lambda m: m.strength, default=None)


def _equivalent_kind(basis: Basis) -> MatchKind:
    return (
        MatchKind.equivalent_explicit
        if basis is Basis.explicit
        else MatchKind.equivalent_interpretive
    )


@dataclass(frozen=True)
class Law:
    """The reference facts the legal rules read for one target State."""

    target: transfer.StateFacts
    forums: dict[str, transfer.ForumFacts]
    systems: frozenset[str]
    instrument_systems: dict[str, str]
    routes: dict[str, list[str]]
    reservations: list[Reservation]
    labels: explain.Labels
    # Verdicts already reached in this request: thousands of candidates share a few forums.
    verdicts: dict[tuple[Any, ...], transfer.Verdict] = field(default_factory=dict)


def _law(session: Session, target: str, systems: frozenset[str], language: str) -> Law:
    return Law(
        target=repo.state_facts(session, target),
        forums=repo.forum_facts(session),
        systems=systems,
        instrument_systems=repo.instrument_systems(session),
        routes=repo.complaint_routes(session),
        reservations=repo.reservations_of(session, target),
        labels=repo.labels(session, language),
    )


@dataclass(frozen=True)
class Verdicts:
    per_match: dict[str, transfer.Verdict]  # query label -> verdict on its supporting match
    overall: transfer.Verdict  # the strongest, which scoring uses


def _verdicts(
    law: Law, case: Any, findings: Findings | None, *, per_claim: bool = True
) -> Verdicts:
    """The verdict on each supporting match, and the strongest of them."""
    forum = law.forums[case.forum_id]
    respondent = law.target.code in case.respondent_states
    advisory = case.outcome is Outcome.advisory
    # Only the Brexit rule reads the date, and only on which side of the transition it falls.
    era = case.decided_on is not None and case.decided_on <= transfer.EU_TRANSITION_END

    def of(instrument_id: str | None) -> transfer.Verdict:
        instrument_id = instrument_id or (forum.instruments[0] if forum.instruments else None)
        key = (forum.id, instrument_id, respondent, advisory, era)
        found = law.verdicts.get(key)
        if found is None:
            found = law.verdicts[key] = transfer.verdict(
                forum,
                instrument_id,
                law.instrument_systems.get(instrument_id or ""),
                target=law.target,
                respondents=case.respondent_states,
                advisory=advisory,
                decided_on=case.decided_on,
            )
        return found

    support = findings.support if findings else []
    if not per_claim:
        return Verdicts({}, transfer.strongest([of(m.instrument_id) for m in support]) or of(None))
    per_match = {m.query_label: of(m.instrument_id) for m in support}
    return Verdicts(per_match, transfer.strongest(list(per_match.values())) or of(None))


def _overall(law: Law, case: Any, findings: Findings | None) -> transfer.Verdict:
    """The strongest verdict, which scoring uses (the same as `_verdicts`, without the
    per-claim map that only displayed results need)."""
    return _verdicts(law, case, findings, per_claim=False).overall


ADVERSE_LIMIT = 5


def _adverse_authority(
    law: Law, cases: dict[uuid.UUID, Any], ids: list[uuid.UUID], legal: dict[uuid.UUID, Findings]
) -> list[uuid.UUID]:
    """Decisions of the target's own courts and regional systems that went against the same
    claims: counsel must address them, so they are listed apart, never as support."""
    own = [
        i
        for i in ids
        if (forum := law.forums[cases[i].forum_id]).jurisdiction == law.target.code
        or forum.jurisdiction in law.systems
    ]
    own.sort(
        key=lambda i: (
            -len(legal[i].adverse),
            cases[i].importance or 9,
            _order_key(cases[i]),
        )
    )
    return own[:ADVERSE_LIMIT]


def _result(
    law: Law,
    subject: Subject,
    case: LegalCase,
    findings: Findings,
    evidence: list[str],
    scored: engine.Scored | None,
) -> MatchResult:
    """The precedent with one sentence per basis: each matched claim and its finding, how
    the decision reaches the target State and why, the route to the forum, and cautions."""
    verdicts = _verdicts(law, case, findings)
    forum = law.forums[case.forum_id]
    labels, target = law.labels, law.target
    state = labels.state(target.code)
    reasons: list[Reason] = []
    claims: list[ClaimFinding] = []
    order = [c.label for c in subject.claims]
    matched = [(True, m) for m in findings.support] + [(False, m) for m in findings.adverse]
    for supports, m in sorted(matched, key=lambda sm: order.index(sm[1].query_label)):
        v = verdicts.per_match.get(m.query_label) if supports else None
        path = m.provision.split(":", 1)[1] if m.provision else None
        provision = labels.provision(m.instrument_id, path)
        finding = findings.decided[(supports, m.query_label)]
        sentence = explain.claim_sentence(
            speech=labels.speech,
            query=_query_label(labels, subject, m.query_label),
            forum=forum.name,
            finding=finding,
            provision=provision,
            kind=m.kind,
            right=labels.right(m.right_id),
        )
        reasons.append(
            Reason(
                kind="matching_claim" if supports else "caution",
                sentence=sentence,
                detail={
                    "query_claim": m.query_label,
                    "right_id": m.right_id,
                    "provision": m.provision,
                    "match": m.kind.value,
                    "basis": m.basis,
                    "finding": finding,
                    "supports": supports,
                },
            )
        )
        claims.append(
            ClaimFinding(
                query_claim=m.query_label,
                right_id=m.right_id,
                right_label=labels.right(m.right_id) if m.right_id else None,
                provision=m.provision,
                provision_label=provision or labels.right(m.right_id),
                match=m.kind.value,
                finding=finding,
                supports=supports,
                transferability=v.transferability.value if v else None,
                rule=v.rule.value if v else None,
                source=v.source if v else None,
                uncertain=v.uncertain if v else False,
            )
        )
    shown = list(dict.fromkeys(verdicts.per_match.values())) or [verdicts.overall]
    for v in shown:
        reasons.append(
            Reason(
                kind="transferability",
                sentence=explain.verdict_sentence(
                    v,
                    forum=forum.name,
                    state=state,
                    instrument=labels.instrument(v.instrument_id),
                    speech=labels.speech,
                ),
                detail={
                    "transferability": v.transferability.value,
                    "rule": v.rule.value,
                    "instrument_id": v.instrument_id,
                    "source": v.source,
                    "uncertain": v.uncertain,
                    "decision_effect": forum.effect.value,
                },
            )
        )
    route = transfer.access(forum.id, law.routes.get(forum.id, []), target)
    # A closed door is worth saying only where the target could have opened it: a forum of
    # the UN or of one of its own regional systems.
    if route is not None and (
        route.access is not transfer.Access.not_accepted
        or forum.jurisdiction in law.systems | {"UN"}
    ):
        reasons.append(
            Reason(
                kind="complaint_mechanism",
                sentence=explain.access_sentence(
                    route,
                    forum=forum.name,
                    state=state,
                    requires=labels.instrument(route.requires),
                    speech=labels.speech,
                ),
                detail={"access": route.access.value, "requires": route.requires},
            )
        )
    reasons += _reservation_cautions(law, subject, findings)
    c = scored.candidate if scored else None
    if c and c.knock_on_citations:
        reasons.append(
            Reason(
                kind="reception",
                detail={"knock_on_citations": c.knock_on_citations},
                sentence=explain.reception_sentence(c.knock_on_citations, labels.speech),
            )
        )
    if c and c.cited_by:
        reasons.append(
            Reason(
                kind="authority",
                detail={"cited_by": c.cited_by, "citing_states": c.citing_states},
                sentence=explain.citations_sentence(c.cited_by, c.citing_states, labels.speech),
            )
        )
    if c and c.negative_treatments:
        reasons.append(
            Reason(
                kind="caution",
                sentence=explain.negative_sentence(c.negative_treatments, labels.speech),
                detail={"negative_treatments": c.negative_treatments},
            )
        )
    if c and c.not_implemented:
        reasons.append(
            Reason(
                kind="caution",
                sentence=labels.speech.say(explain.NOT_IMPLEMENTED),
                detail={"not_implemented": True},
            )
        )
    if evidence:
        reasons.append(
            Reason(
                kind="evidence",
                sentence=labels.speech.say(explain.EVIDENCE),
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
        score=scored.score if scored else 0.0,
        breakdown=scored.breakdown if scored else {},
        claims=claims,
        reasons=reasons,
        evidence=evidence,
    )


def _query_label(labels: explain.Labels, subject: Subject, label: str) -> str:
    """A right-id claim reads as the right's name; a provision as the litigator typed it."""
    return labels.rights.get(label, label)


def _reservation_cautions(law: Law, subject: Subject, findings: Findings) -> list[Reason]:
    """The target's reservations on a provision the precedent or the draft relies on."""
    relied = {
        tuple(m.provision.split(":", 1)) for m in findings.support + findings.adverse if m.provision
    } | {(c.instrument_id, c.path) for c in subject.claims if c.instrument_id and c.path}
    out = []
    for r in law.reservations:
        if any(
            instrument == r.instrument_id
            and (not r.path or path == r.path or path.startswith(r.path + "-"))
            for instrument, path in relied
        ):
            out.append(
                Reason(
                    kind="caution",
                    sentence=explain.reservation_sentence(
                        state=law.labels.state(r.state_code),
                        kind=r.kind,
                        provision=law.labels.provision(r.instrument_id, r.path)
                        or law.labels.instrument(r.instrument_id),
                        summary=r.summary,
                        source=r.source,
                        uncertain=r.uncertain,
                        speech=law.labels.speech,
                    ),
                    detail={
                        "reservation": f"{r.instrument_id}:{r.path}",
                        "kind": r.kind,
                        "uncertain": r.uncertain,
                    },
                )
            )
    return out


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
    session: Session,
    principal: Principal,
    case_id: uuid.UUID,
    limit: int = 5,
    language: Language = "en",
) -> list[PleadingPrecedent]:
    """The top matches for a case, shaped for a pleading's comparative section."""
    request = MatchRequest(case_id=case_id, limit=limit, language=language)
    matched = _knock_on(session, principal, request)
    results, cases = matched.results, matched.precedents
    return [
        PleadingPrecedent(
            case_id=r.precedent.id,
            title=r.precedent.title,
            citation=r.precedent.citation,
            forum_name=r.precedent.forum_name,
            decided_on=r.precedent.decided_on,
            held=(cases[r.precedent.id].holding or cases[r.precedent.id].facts_summary)[:600],
            why=" ".join(
                x.sentence for x in r.reasons if x.kind in ("matching_claim", "transferability")
            ),
            rights=sorted({c.right_id for c in r.claims if c.supports and c.right_id}),
        )
        for r in results.results
    ]
