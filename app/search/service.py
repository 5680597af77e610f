"""Search over cases: full text with web syntax, legal-basis filters, facets, autocomplete."""

from __future__ import annotations

import html
import uuid
from datetime import date
from typing import Any

from sqlalchemy import (
    Float,
    Integer,
    Text,
    and_,
    case,
    cast,
    exists,
    false,
    func,
    literal,
    literal_column,
    or_,
    select,
    tuple_,
    union_all,
)
from sqlalchemy.orm import Session

from app.auth.principal import Principal
from app.cases import repository as case_repo
from app.cases.models import CaseParty, LegalCase, RightsClaim, claim_provision
from app.core.pagination import decode_cursor, encode_cursor
from app.db import Capabilities, detect_capabilities
from app.errors import FieldError, ValidationFailed
from app.reference import repository as reference_repo
from app.reference import service as reference
from app.reference.models import (
    CrosswalkRow,
    Forum,
    Jurisdiction,
    JurisdictionKind,
    Provision,
    RightConcept,
    SystemMembership,
)
from app.search.schemas import (
    FacetValue,
    SearchHit,
    SearchQuery,
    SearchResults,
    SearchSort,
    Suggestion,
    SuggestQuery,
)

HIGHLIGHT_START, HIGHLIGHT_STOP = "\x02", "\x03"
FACET_LIMIT = 20


def capabilities(session: Session) -> Capabilities:
    return detect_capabilities(session.connection())


def text_query(q: str) -> tuple[Any, Any]:
    """The query read as English (stemmed) and language-neutrally, with the match condition.

    Each case is matched with the reading of its own language's configuration: OR-ing two
    readings over one document would let `-word` in one reading undo the exclusion.
    """
    folded = func.comity_unaccent(q)
    english = func.websearch_to_tsquery(literal_column("'english'::regconfig"), folded)
    neutral = func.websearch_to_tsquery(literal_column("'simple'::regconfig"), folded)
    is_english = or_(LegalCase.language.is_(None), LegalCase.language == "en")
    match = or_(
        and_(is_english, LegalCase.search_vector.op("@@")(english)),
        and_(~is_english, LegalCase.search_vector.op("@@")(neutral)),
    )
    return case((is_english, english), else_=neutral), match


def _bad(field: str, msg: str) -> ValidationFailed:
    return ValidationFailed(
        msg, errors=[FieldError(loc=["query", field], msg=msg, type="value_error")]
    )


def _conditions(session: Session, principal: Principal, q: SearchQuery, match: Any) -> list[Any]:
    conds: list[Any] = [case_repo.visible(principal)]
    if match is not None:
        conds.append(match)
    simple = {
        "forum": LegalCase.forum_id,
        "jurisdiction": LegalCase.forum_jurisdiction,
        "outcome": LegalCase.outcome,
        "status": LegalCase.status,
        "importance": LegalCase.importance,
        "implementation_status": LegalCase.implementation_status,
        "owner_org_id": LegalCase.owner_org_id,
        "visibility": LegalCase.visibility,
    }
    for name, column in simple.items():
        value = getattr(q, name)
        if value is not None:
            conds.append(column == value)
    if q.forum_level:
        conds.append(LegalCase.forum_id.in_(select(Forum.id).where(Forum.level == q.forum_level)))
    if q.respondent:
        conds.append(LegalCase.respondent_states.contains([q.respondent.upper()]))
    if q.region:
        system = session.get(Jurisdiction, q.region)
        if system is None or system.kind is not JurisdictionKind.system:
            raise _bad("region", f"{q.region!r} is not a regional or international system")
        members = (
            select(func.array_agg(SystemMembership.state_code))
            .where(SystemMembership.system_code == q.region)
            .scalar_subquery()
        )
        conds.append(
            or_(
                LegalCase.respondent_states.overlap(members),
                LegalCase.forum_jurisdiction == q.region,
            )
        )
    if q.keyword:
        conds.append(LegalCase.keywords.contains([q.keyword]))
    if q.population:
        conds.append(LegalCase.populations.contains([q.population.value]))
    if q.decided_from:
        conds.append(LegalCase.decided_on >= q.decided_from)
    if q.decided_to:
        conds.append(LegalCase.decided_on <= q.decided_to)
    claim = _claim_conditions(session, q)
    if claim:
        conds.append(exists().where(RightsClaim.case_id == LegalCase.id, and_(*claim)))
    return conds


def _claim_conditions(session: Session, q: SearchQuery) -> list[Any]:
    """Conditions one and the same claim must meet (a violation *on* the equivalent right)."""
    conds: list[Any] = []
    if q.right:
        rights = {q.right}
        if q.include_related:
            found = session.get(RightConcept, q.right)
            rights |= set(found.related if found else [])
        conds.append(RightsClaim.right_id.in_(sorted(rights)))
    if q.finding:
        conds.append(RightsClaim.finding == q.finding)
    if q.instrument:
        conds.append(
            exists().where(
                claim_provision.c.claim_id == RightsClaim.id,
                claim_provision.c.provision_id.in_(
                    select(Provision.id).where(Provision.instrument_id == q.instrument)
                ),
            )
        )
    if q.provision:
        ref = reference.parse(session, q.provision, field="provision")
        ids = [p.id for p in reference_repo.lineage(session, ref.instrument_id, ref.path)]
        conds.append(_has_provision(ids))
    if q.provision_equivalent:
        ref = reference.parse(session, q.provision_equivalent, field="provision_equivalent")
        own = [p.id for p in reference_repo.lineage(session, ref.instrument_id, ref.path)]
        protected = select(CrosswalkRow.right_id).where(CrosswalkRow.provision_id.in_(own))
        equivalent = select(CrosswalkRow.provision_id).where(CrosswalkRow.right_id.in_(protected))
        conds.append(
            or_(
                RightsClaim.right_id.in_(protected),
                exists().where(
                    claim_provision.c.claim_id == RightsClaim.id,
                    claim_provision.c.provision_id.in_(equivalent),
                ),
            )
        )
    return conds


def _has_provision(ids: list[Any]) -> Any:
    if not ids:
        return false()
    return exists().where(
        claim_provision.c.claim_id == RightsClaim.id, claim_provision.c.provision_id.in_(ids)
    )


def search(session: Session, principal: Principal, q: SearchQuery) -> SearchResults:
    has_text = bool(q.q and q.q.strip())
    ts, match = text_query(q.q or "") if has_text else (None, None)
    conds = _conditions(session, principal, q, match)
    score = (
        func.ts_rank_cd(LegalCase.search_vector, ts)
        if ts is not None
        else cast(literal(0.0), Float)
    )
    sort = q.sort if (has_text or q.sort is not SearchSort.relevance) else SearchSort.decided_desc
    key, descending = _sort_key(sort, score)
    page = select(LegalCase, score.label("score")).where(*conds)
    if q.cursor:
        page = page.where(_after(q.cursor, key, descending, sort))
    order = (key.desc() if descending else key.asc()).nulls_last()
    rows = session.execute(page.order_by(order, LegalCase.id).limit(q.limit + 1)).all()
    more = len(rows) > q.limit
    rows = rows[: q.limit]
    total = session.scalar(select(func.count()).select_from(LegalCase).where(*conds)) or 0
    snippets = _snippets(session, [r[0].id for r in rows], ts)
    items = [
        SearchHit(
            id=c.id,
            title=c.title,
            citation=c.citation,
            forum_id=c.forum_id,
            forum_jurisdiction=c.forum_jurisdiction,
            respondent_states=c.respondent_states,
            decided_on=c.decided_on,
            outcome=c.outcome,
            importance=c.importance,
            score=round(float(s), 6) if has_text else None,
            snippet=snippets.get(c.id),
        )
        for c, s in rows
    ]
    cursor = None
    if more:
        last, last_score = rows[-1]
        cursor = encode_cursor([_cursor_value(last, last_score, sort), str(last.id)])
    return SearchResults(
        total=total,
        items=items,
        next_cursor=cursor,
        facets=_facets(session, conds) if q.facets else {},
    )


def _sort_key(sort: SearchSort, score: Any) -> tuple[Any, bool]:
    if sort is SearchSort.relevance:
        return score, True
    if sort is SearchSort.importance:
        return func.coalesce(LegalCase.importance, 5), False
    column = func.coalesce(LegalCase.decided_on, func.date("0001-01-01"))
    return column, sort is SearchSort.decided_desc


def _cursor_value(case: LegalCase, score: Any, sort: SearchSort) -> Any:
    if sort is SearchSort.relevance:
        return float(score)
    if sort is SearchSort.importance:
        return case.importance or 5
    return (case.decided_on or date(1, 1, 1)).isoformat()


def _after(cursor: str, key: Any, descending: bool, sort: SearchSort) -> Any:
    payload = decode_cursor(cursor, list)
    try:
        value, last_id = payload
        last = uuid.UUID(str(last_id))
        if sort is SearchSort.relevance:
            typed: Any = float(value)
        elif sort is SearchSort.importance:
            typed = int(value)
        else:
            typed = date.fromisoformat(str(value))
    except (TypeError, ValueError) as exc:
        raise _bad("cursor", "The cursor is not one this API issued.") from exc
    pair = tuple_(key, LegalCase.id)
    return (
        (key < typed) | ((key == typed) & (LegalCase.id > last))
        if descending
        else pair > tuple_(typed, last)
    )


def _snippets(session: Session, ids: list[Any], ts: Any) -> dict[Any, str]:
    if not ids:
        return {}
    if ts is None:
        rows = session.execute(
            select(
                LegalCase.id,
                func.left(
                    func.coalesce(func.nullif(LegalCase.holding, ""), LegalCase.facts_summary), 240
                ),
            ).where(LegalCase.id.in_(ids))
        )
        return {i: html.escape(text or "") for i, text in rows}
    options = (
        f"StartSel={HIGHLIGHT_START}, StopSel={HIGHLIGHT_STOP}, MaxWords=35, MinWords=12, "
        'MaxFragments=2, FragmentDelimiter=" … "'
    )
    document = func.concat_ws(" ", LegalCase.holding, func.left(LegalCase.facts_summary, 20000))
    rows = session.execute(
        select(
            LegalCase.id,
            func.ts_headline(literal_column("'english'::regconfig"), document, ts, options),
        ).where(LegalCase.id.in_(ids))
    )
    return {i: _mark(text or "") for i, text in rows}


def _mark(text: str) -> str:
    """Escape the passage, then turn our private markers into <b> tags."""
    return html.escape(text).replace(HIGHLIGHT_START, "<b>").replace(HIGHLIGHT_STOP, "</b>")


def _facets(session: Session, conds: list[Any]) -> dict[str, list[FacetValue]]:
    hits = (
        select(
            LegalCase.id,
            LegalCase.forum_id,
            LegalCase.forum_jurisdiction,
            LegalCase.respondent_states,
            LegalCase.outcome,
            LegalCase.importance,
            LegalCase.implementation_status,
            LegalCase.keywords,
            LegalCase.populations,
            LegalCase.visibility,
            LegalCase.decided_on,
        )
        .where(*conds)
        .cte("hits")
    )

    def plain(name: str, column: Any) -> Any:
        return (
            select(
                literal(name).label("facet"),
                cast(column, Text).label("value"),
                func.count().label("n"),
            )
            .select_from(hits)
            .group_by(column)
        )

    def unnested(name: str, column: Any) -> Any:
        item = func.unnest(column).table_valued("value").render_derived()
        return (
            select(
                literal(name).label("facet"), item.c.value.label("value"), func.count().label("n")
            )
            .select_from(hits)
            .join(item, literal(True))
            .group_by(item.c.value)
        )

    claims = (
        select(RightsClaim.case_id, RightsClaim.right_id, RightsClaim.finding)
        .join(hits, hits.c.id == RightsClaim.case_id)
        .cte("hit_claims")
    )
    queries = [
        plain("forum", hits.c.forum_id),
        plain("jurisdiction", hits.c.forum_jurisdiction),
        plain("outcome", hits.c.outcome),
        plain("importance", hits.c.importance),
        plain("implementation_status", hits.c.implementation_status),
        plain("visibility", hits.c.visibility),
        plain(
            "decade",
            func.concat(
                cast(func.floor(func.extract("year", hits.c.decided_on) / 10) * 10, Integer), "s"
            ),
        ),
        unnested("respondent", hits.c.respondent_states),
        unnested("keyword", hits.c.keywords),
        unnested("population", hits.c.populations),
        select(
            literal("forum_level").label("facet"),
            cast(Forum.level, Text).label("value"),
            func.count().label("n"),
        )
        .select_from(hits)
        .join(Forum, Forum.id == hits.c.forum_id)
        .group_by(Forum.level),
        select(
            literal("right").label("facet"),
            claims.c.right_id.label("value"),
            func.count(func.distinct(claims.c.case_id)).label("n"),
        ).group_by(claims.c.right_id),
        select(
            literal("finding").label("facet"),
            cast(claims.c.finding, Text).label("value"),
            func.count(func.distinct(claims.c.case_id)).label("n"),
        ).group_by(claims.c.finding),
    ]
    out: dict[str, list[FacetValue]] = {}
    for facet, val, n in session.execute(union_all(*queries)):
        if val is None:
            continue
        out.setdefault(facet, []).append(FacetValue(value=str(val), count=int(n)))
    return {k: sorted(v, key=lambda f: (-f.count, f.value))[:FACET_LIMIT] for k, v in out.items()}


def suggest(session: Session, principal: Principal, q: SuggestQuery) -> list[Suggestion]:
    """Titles and party pseudonyms close to what was typed, tolerant of typos."""
    text = q.q.strip()
    if not text:
        return []
    visible = case_repo.visible(principal)
    if capabilities(session).pg_trgm:
        title_sim = func.word_similarity(text, LegalCase.title)
        party_sim = func.word_similarity(text, CaseParty.pseudonym)
        titles = select(LegalCase.id, LegalCase.title, literal("title"), title_sim).where(
            visible, literal(text).op("<%")(LegalCase.title)
        )
        parties = (
            select(LegalCase.id, CaseParty.pseudonym, literal("party"), party_sim)
            .join(CaseParty, CaseParty.case_id == LegalCase.id)
            .where(visible, literal(text).op("<%")(CaseParty.pseudonym))
        )
    else:
        pattern = f"%{text.replace('%', '').replace('_', '')}%"
        titles = select(LegalCase.id, LegalCase.title, literal("title"), literal(0.5)).where(
            visible, LegalCase.title.ilike(pattern)
        )
        parties = (
            select(LegalCase.id, CaseParty.pseudonym, literal("party"), literal(0.5))
            .join(CaseParty, CaseParty.case_id == LegalCase.id)
            .where(visible, CaseParty.pseudonym.ilike(pattern))
        )
    both = union_all(titles, parties).subquery()
    rows = session.execute(select(both).order_by(both.c[3].desc(), both.c[1]).limit(q.limit))
    return [
        Suggestion(case_id=r[0], text=r[1], kind=r[2], similarity=round(float(r[3]), 3))
        for r in rows
    ]
