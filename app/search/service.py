"""Search over cases: full text with web syntax, legal-basis filters, facets, autocomplete."""

from __future__ import annotations

import html
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from sqlalchemy import (
    Float,
    Integer,
    Numeric,
    Text,
    Uuid,
    and_,
    case,
    cast,
    exists,
    false,
    func,
    literal,
    null,
    or_,
    select,
    text,
    true,
    tuple_,
    union_all,
)
from sqlalchemy.dialects.postgresql import TSQUERY, aggregate_order_by, distinct_on
from sqlalchemy.orm import Session, aliased

from app.auth.principal import Principal
from app.cases import repository as case_repo
from app.cases.models import (
    AUTHORITY_ORDER,
    TEXT_CONFIGS,
    CaseParty,
    LegalCase,
    RightsClaim,
    claim_provision,
    language_is,
)
from app.cases.schemas import DecisionRef
from app.core.pagination import decode_cursor, encode_cursor
from app.db import Capabilities, detect_capabilities
from app.errors import FieldError, ValidationFailed
from app.matching import repository as match_repo
from app.matching.models import CaseMatchFeatures as MatchFeatures
from app.pleadings import repository as pleading_repo
from app.pleadings.models import ModelPleading, pleading_right
from app.reference import multilingual
from app.reference import repository as reference_repo
from app.reference import service as reference
from app.reference.models import (
    Basis,
    CrosswalkRow,
    Forum,
    Jurisdiction,
    JurisdictionKind,
    Provision,
    RightConcept,
    SystemMembership,
)
from app.search import expansion
from app.search.schemas import (
    FacetValue,
    SearchHit,
    SearchQuery,
    SearchResults,
    SearchSort,
    SearchType,
    Suggestion,
    SuggestQuery,
)

HIGHLIGHT_START, HIGHLIGHT_STOP = "\x02", "\x03"
FACET_LIMIT = 20
_HEADLINE = (
    f"StartSel={HIGHLIGHT_START}, StopSel={HIGHLIGHT_STOP}, MaxWords=35, MinWords=12, "
    'MaxFragments=2, FragmentDelimiter=" … "'
)
_HIT_FIELDS = (
    "id",
    "title",
    "citation",
    "forum_id",
    "forum_jurisdiction",
    "respondent_states",
    "decided_on",
    "outcome",
    "importance",
    "decision_type",
)
# What the facets count, carried by every hit.
_FACET_COLUMNS = (
    LegalCase.id,
    LegalCase.forum_id,
    LegalCase.forum_jurisdiction,
    LegalCase.respondent_states,
    LegalCase.outcome,
    LegalCase.status,
    LegalCase.owner_org_id,
    LegalCase.importance,
    LegalCase.implementation_status,
    LegalCase.keywords,
    LegalCase.populations,
    LegalCase.visibility,
    LegalCase.decided_on,
    LegalCase.proceeding_id,
    case(
        {t.value: i for i, t in enumerate(AUTHORITY_ORDER)},
        value=cast(LegalCase.decision_type, Text),
    ).label("authority"),
)


def capabilities(session: Session) -> Capabilities:
    return detect_capabilities(session.connection())


# Each form as each configuration of TEXT_CONFIGS reads it, in that order.
_STEMS = text(
    """
    SELECT f.form, to_tsquery('english', f.literal)::text, to_tsquery('spanish', f.literal)::text,
        to_tsquery('french', f.literal)::text, to_tsquery('simple', f.literal)::text
    FROM unnest(CAST(:forms AS text[]), CAST(:literals AS text[])) AS f(form, literal)
    """
)


@dataclass(frozen=True, slots=True)
class Reading:
    """One reading of the query's words: a tsquery, the rows it applies to (by their
    language), and the terms it requires, which rank the cases it finds (BM25)."""

    ts: Any
    applies: Any
    terms: match_repo.TextQuery | None = None


NO_WORDS = [Reading(None, true())]


def text_query(
    session: Session, q: str, language: Any = LegalCase.language, *, ranked: bool = True
) -> list[Reading]:
    """The query, accents folded as the documents' are, widened by the thesaurus and the
    Spanish and French vocabulary (`expansion`), read in each text search configuration
    (English, Spanish and French stemmed, other languages neutrally), each reading with the
    cases it applies to and (`ranked`) the weights of the terms it requires.

    The folding comes first: it may turn a typographic quote into an ASCII one, which must
    then be escaped like any other character of a `to_tsquery` literal. Each form is then
    stemmed on its own, so that forms which stem alike are searched once.

    Each case is matched with the reading of its own language's configuration: OR-ing two
    readings over one document would let `-word` in one reading undo the exclusion. Each
    reading is searched on its own (a UNION ALL) over its own configuration's GIN index of
    the cases (migration 0021), so that the index answers exactly for those rows and no
    other case's search vector is read back to recheck the condition.
    """
    folded = session.scalar(select(func.comity_unaccent(q))) or ""
    runs = expansion.parse(folded)
    forms = sorted({form for run in runs for item in run for form in item.forms})
    stems: list[dict[str, str]] = [{} for _ in TEXT_CONFIGS]
    if forms:
        literals = [expansion.literal(form) for form in forms]
        for form, *stemmed in session.execute(_STEMS, {"forms": forms, "literals": literals}):
            for config, each in zip(stems, stemmed, strict=True):
                config[form] = each
    ranks = (
        match_repo.term_queries(session, *(expansion.terms(runs, s) for s in stems))
        if ranked
        else [None for _ in TEXT_CONFIGS]
    )
    return [
        Reading(
            cast(literal(expansion.render(runs, s)), TSQUERY),
            language_is(language, languages),
            rank,
        )
        for s, (_, languages), rank in zip(stems, TEXT_CONFIGS, ranks, strict=True)
    ]


def _own_reading(readings: list[Reading]) -> Any:
    """Per row, the reading of the query for that row's language."""
    *first, last = readings
    return case(*((r.applies, r.ts) for r in first), else_=last.ts)


def _branches(
    readings: list[Reading],
    conds: list[Any],
    vector: Any,
    rows: Callable[[Reading], Any],
) -> list[Any]:
    """One select per reading of the query (one in all without words): `rows(reading)`,
    a select, narrowed to the rows meeting `conds` whose `vector` matches that reading."""
    branches = []
    for reading in readings:
        where = [*conds, reading.applies]
        if reading.ts is not None:
            where.append(vector.op("@@")(reading.ts))
        branches.append(rows(reading).where(*where))
    return branches


def _bad(field: str, msg: str) -> ValidationFailed:
    return ValidationFailed(
        msg, errors=[FieldError(loc=["query", field], msg=msg, type="value_error")]
    )


def _conditions(session: Session, principal: Principal, q: SearchQuery) -> list[Any]:
    conds: list[Any] = [case_repo.visible(principal)]
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
        conds.append(RightsClaim.right_id.in_(_rights(session, q.right, q.include_related)))
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
        rights, provisions = _equivalents(session, ref.instrument_id, ref.path)
        conds.append(
            or_(
                _has_provision(sorted(provisions)),
                # A claim filed under the right without naming its provision.
                and_(
                    RightsClaim.right_id.in_(sorted(rights)),
                    ~exists().where(claim_provision.c.claim_id == RightsClaim.id),
                ),
            )
        )
    return conds


def _equivalents(session: Session, instrument_id: str, path: str) -> tuple[set[str], set[Any]]:
    """The rights the provision's own crosswalk rows carry, and the provisions equivalent to
    it: those whose text carries one of these rights too.

    Its own rows are those of the closest article in its lineage that has rows (itself, else
    the article it belongs to), else those of its subdivisions. Where a text states the right,
    only the texts that state it are its equivalents: a case-law reading (ECHR art. 3 read as
    barring the detention of children) or a general comment ties a provision to a right, but
    does not make it another instrument's article on liberty. A provision that carries its
    rights only by such a reading is equivalent to those read the same way or stated.
    """
    lineage = reference_repo.lineage(session, instrument_id, path)
    rows = session.execute(
        select(Provision.path, CrosswalkRow.right_id, CrosswalkRow.basis)
        .join(CrosswalkRow, CrosswalkRow.provision_id == Provision.id)
        .where(Provision.id.in_([p.id for p in lineage]))
    ).all()
    ancestors = [r for r in rows if path == r.path or path.startswith(r.path + "-")]
    closest = max((len(r.path) for r in ancestors), default=None)
    own = [r for r in ancestors if len(r.path) == closest] if ancestors else rows
    stated = [r for r in own if r.basis is Basis.explicit]
    chosen = stated or own
    rights = {r.right_id for r in chosen}
    bases = {Basis.explicit, *(r.basis for r in chosen)}
    provisions = {p.id for p in lineage}
    carrying = (
        select(Provision.instrument_id, Provision.path)
        .join(CrosswalkRow, CrosswalkRow.provision_id == Provision.id)
        .where(CrosswalkRow.right_id.in_(sorted(rights)), CrosswalkRow.basis.in_(sorted(bases)))
        .subquery()
    )
    # Each carrying provision with the articles it belongs to and its subdivisions (the
    # lineage rule of `reference_repo.lineage`).
    related = session.scalars(
        select(Provision.id)
        .join(carrying, carrying.c.instrument_id == Provision.instrument_id)
        .where(
            or_(
                Provision.path == carrying.c.path,
                carrying.c.path.startswith(Provision.path + "-"),
                Provision.path.startswith(carrying.c.path + "-"),
            )
        )
    )
    return rights, provisions | set(related)


def _rights(session: Session, right: str, include_related: bool) -> list[str]:
    rights = {right}
    if include_related:
        found = session.get(RightConcept, right)
        rights |= set(found.related if found else [])
    return sorted(rights)


def _has_provision(ids: list[Any]) -> Any:
    if not ids:
        return false()
    return exists().where(
        claim_provision.c.claim_id == RightsClaim.id, claim_provision.c.provision_id.in_(ids)
    )


def search(session: Session, principal: Principal, q: SearchQuery) -> SearchResults:
    """One statement finds the hits once and returns their total, the page and the facets."""
    # The driver prepares statements it sees repeatedly, and PostgreSQL may then settle on a
    # generic plan; hit counts swing by orders of magnitude with the filter values, so plan
    # each search for its own values (measured at 100,000 cases: 58 -> 38 ms).
    session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))
    if q.type is SearchType.pleading:
        return _search_pleadings(session, principal, q)
    has_text = bool(q.q and q.q.strip())
    conds = _conditions(session, principal, q)
    sort = q.sort if (has_text or q.sort is not SearchSort.relevance) else SearchSort.decided_desc
    readings = text_query(session, q.q or "") if has_text else NO_WORDS
    ranked = sort is SearchSort.relevance

    def rows(reading: Reading) -> Any:
        if not ranked:
            return select(*_FACET_COLUMNS, _sort_key(sort).label("sort_key"))
        # Only a relevance sort ranks every hit; otherwise just the page is ranked. Each hit
        # is scored from its own postings: scoring every posting of the query's terms and
        # joining would cost more than the search at 100,000 cases.
        if reading.terms is None:
            return select(*_FACET_COLUMNS, literal(0.0).label("sort_key"))
        bm25 = match_repo.bm25_of(reading.terms, LegalCase.id)
        score = cast(func.round(cast(func.coalesce(bm25, 0.0), Numeric), 6), Float)
        return select(*_FACET_COLUMNS, score.label("sort_key"))

    branches = _branches(readings, conds, LegalCase.search_vector, rows)
    descending = sort is not SearchSort.importance and sort is not SearchSort.decided_asc
    collapse = _one_per_proceeding if q.group_proceedings else None
    found = _find(session, q, branches, sort, descending, _facet_counts, collapse)
    ids = [i for i, _ in found.page]
    # A relevance sort already ranked the page by each hit's BM25.
    scores = {i: float(key) for i, key in found.page} if has_text and ranked else None
    cases = _hit_rows(session, ids, readings if has_text else None, scores)
    decisions = _other_decisions(session, principal, ids)
    results = found.results(
        [SearchHit.model_validate(cases[i] | {"decisions": decisions.get(i, [])}) for i in ids]
    )
    if has_text and not found.total and not q.cursor:
        results.did_you_mean = _did_you_mean(session, principal, q)
    return results


_QUERY_WORDS = re.compile(r"[^\W\d_]{3,}")
# The query's words that no case holds (by their English stem), stop words aside.
_UNKNOWN_WORDS = text(
    """
    SELECT w.word
    FROM unnest(CAST(:words AS text[])) WITH ORDINALITY AS w(word, n),
        LATERAL tsvector_to_array(to_tsvector('english', comity_unaccent(w.word))) AS s(stems)
    WHERE cardinality(s.stems) > 0
      AND NOT EXISTS (SELECT 1 FROM match_term t WHERE t.term = ANY (s.stems) AND t.df > 0)
    ORDER BY w.n
    """
)
_TITLE_WORDS = re.compile(r"[a-z0-9]+")


def _did_you_mean(session: Session, principal: Principal, q: SearchQuery) -> str | None:
    """The query with each word that no case holds replaced by the closest word of the
    titles the reader may see (a typo is most often in a name), offered only if it then
    finds a case: nothing from a case they may not read is ever suggested."""
    typed = q.q or ""
    words = _QUERY_WORDS.findall(typed)
    if not words or not capabilities(session).pg_trgm:
        return None
    session.execute(text(f"SET LOCAL pg_trgm.word_similarity_threshold = {WORD_SIMILARITY}"))
    corrected = typed
    for word in session.scalars(_UNKNOWN_WORDS, {"words": words}):
        folded = multilingual.fold(word)
        title = func.comity_unaccent(LegalCase.title)
        titles = session.scalars(
            select(LegalCase.title)
            .where(case_repo.visible(principal), literal(folded).op("<%")(title))
            .order_by(func.word_similarity(folded, title).desc(), LegalCase.title)
            .limit(5)
        )
        close = [w for t in titles for w in _TITLE_WORDS.findall(multilingual.fold(t))]
        best = min(close, key=lambda w: (-_similarity(folded, w), w), default=None)
        if best and best != folded:
            corrected = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", best, corrected, count=1)
    if corrected == typed:
        return None
    probe = q.model_copy(update={"q": corrected, "facets": False, "limit": 1})
    return corrected if search(session, principal, probe).total else None


def _similarity(a: str, b: str) -> float:
    """pg_trgm's similarity of two words: shared trigrams over all trigrams."""

    def trigrams(word: str) -> set[str]:
        padded = f"  {word} "
        return {padded[i : i + 3] for i in range(len(padded) - 2)}

    x, y = trigrams(a), trigrams(b)
    return len(x & y) / len(x | y)


@dataclass(frozen=True, slots=True)
class _Found:
    total: int
    page: list[tuple[uuid.UUID, str]]  # (id, sort key as text)
    next_cursor: str | None
    facets: dict[str, list[FacetValue]]

    def results(self, items: list[SearchHit]) -> SearchResults:
        return SearchResults(
            total=self.total, items=items, next_cursor=self.next_cursor, facets=self.facets
        )


def _find(
    session: Session,
    q: SearchQuery,
    branches: list[Any],
    sort: SearchSort,
    descending: bool,
    facet_counts: Callable[[Any], list[Any]],
    collapse: Callable[[Any], Any] | None = None,
) -> _Found:
    """The hit set (the union of `branches`, each selecting `id` and `sort_key` and what the
    facets count, narrowed by `collapse`) computed once: its total, one cursor page, and its
    facet counts."""
    union: Any = branches[0] if len(branches) == 1 else union_all(*branches)
    hits = collapse(union.cte("matched")).cte("hits") if collapse else union.cte("hits")
    page = select(hits.c.id, hits.c.sort_key)
    if q.cursor:
        page = page.where(_after(q.cursor, hits.c.sort_key, hits.c.id, descending, sort))
    order = hits.c.sort_key.desc() if descending else hits.c.sort_key.asc()
    page_rows = page.order_by(order.nulls_last(), hits.c.id).limit(q.limit + 1).subquery()
    page_order = page_rows.c.sort_key.desc() if descending else page_rows.c.sort_key.asc()
    columns = [
        select(func.count()).select_from(hits).scalar_subquery().label("total"),
        select(
            func.json_agg(
                aggregate_order_by(
                    func.json_build_array(page_rows.c.id, cast(page_rows.c.sort_key, Text)),
                    page_order.nulls_last(),
                    page_rows.c.id,
                )
            )
        )
        .scalar_subquery()
        .label("page"),
    ]
    if q.facets:
        counts = union_all(*facet_counts(hits)).subquery()
        columns.append(
            select(func.json_agg(func.json_build_array(counts.c.facet, counts.c.value, counts.c.n)))
            .scalar_subquery()
            .label("facets")
        )
    texted = bool(q.q and q.q.strip())
    if texted:
        # The planner prices a sequential scan without the cost of reading back each TOASTed
        # search vector to test it; through the GIN index only the candidates are read
        # (10,000 cases, one reading of a common word: 41 -> 17 ms).
        session.execute(text("SET LOCAL enable_seqscan = off"))
    row = session.execute(select(*columns)).one()
    if texted:
        session.execute(text("RESET enable_seqscan"))
    found = [(uuid.UUID(i), key) for i, key in (row.page or [])]
    cursor = None
    if len(found) > q.limit:
        found = found[: q.limit]
        last_id, last_key = found[-1]
        cursor = encode_cursor([last_key, str(last_id)])
    facets = _facet_values(row.facets or []) if q.facets else {}
    return _Found(row.total, found, cursor, facets)


def _one_per_proceeding(matched: Any) -> Any:
    """Of the matching decisions of each proceeding, the one that stands as its authority
    (by decision type, then the latest); decisions outside a proceeding all stay. Only the
    few hits in a proceeding are sorted."""
    grouped = (
        select(matched)
        .where(matched.c.proceeding_id.is_not(None))
        .ext(distinct_on(matched.c.proceeding_id))
        .order_by(
            matched.c.proceeding_id,
            matched.c.authority,
            matched.c.decided_on.desc().nulls_last(),
            matched.c.id,
        )
    )
    return union_all(select(matched).where(matched.c.proceeding_id.is_(None)), grouped)


# Built once: an alias of a mapped class proxies each of its columns.
_HIT, _OTHER = aliased(LegalCase, name="hit"), aliased(LegalCase, name="other")


def _other_decisions(
    session: Session, principal: Principal, ids: list[uuid.UUID]
) -> dict[uuid.UUID, list[DecisionRef]]:
    """Per hit in a proceeding, the proceeding's other decisions the reader may see."""
    if not ids:
        return {}
    hit, other = _HIT, _OTHER
    rows = session.execute(
        select(hit.id, other.id, other.title, other.decision_type, other.decided_on)
        .join(other, and_(other.proceeding_id == hit.proceeding_id, other.id != hit.id))
        .where(hit.id.in_(ids), case_repo.visible(principal, other))
        .order_by(hit.id, other.decided_on.nulls_last(), other.title, other.id)
    )
    out: dict[uuid.UUID, list[DecisionRef]] = {}
    for hit_id, *decision in rows:
        out.setdefault(hit_id, []).append(
            DecisionRef(
                id=decision[0], title=decision[1], decision_type=decision[2], decided_on=decision[3]
            )
        )
    return out


# Filters that describe cases; a pleading search given one says so rather than ignore it.
_CASE_ONLY = (
    "forum",
    "respondent",
    "region",
    "instrument",
    "provision",
    "provision_equivalent",
    "finding",
    "outcome",
    "status",
    "decided_from",
    "decided_to",
    "keyword",
    "population",
    "importance",
    "implementation_status",
)


def _search_pleadings(session: Session, principal: Principal, q: SearchQuery) -> SearchResults:
    """Model pleadings by words (title, summary, tags), rights, forum level and country."""
    misplaced = [name for name in _CASE_ONLY if getattr(q, name) is not None]
    if misplaced:
        raise ValidationFailed(
            "These filters apply to cases, not to model pleadings.",
            errors=[
                FieldError(loc=["query", name], msg="applies to cases only", type="value_error")
                for name in misplaced
            ],
        )
    if q.sort is not SearchSort.relevance:
        raise _bad("sort", "Model pleadings are sorted by relevance, or by last update.")
    p = ModelPleading
    conds: list[Any] = [pleading_repo.visible(principal)]
    if q.right:
        conds.append(
            exists().where(
                pleading_right.c.pleading_id == p.id,
                pleading_right.c.right_id.in_(_rights(session, q.right, q.include_related)),
            )
        )
    if q.forum_level:
        conds.append(p.forum_levels.contains([q.forum_level.value]))
    if q.jurisdiction:
        conds.append(p.jurisdictions.contains([q.jurisdiction]))
    if q.owner_org_id:
        conds.append(p.owner_org_id == q.owner_org_id)
    if q.visibility:
        conds.append(p.visibility == q.visibility)
    has_text = bool(q.q and q.q.strip())
    readings = text_query(session, q.q or "", p.language, ranked=False) if has_text else NO_WORDS

    def rows(reading: Reading) -> Any:
        # A float either way, so one cursor format serves both orders.
        key = (
            _score(reading.ts, p.search_vector)
            if reading.ts is not None
            else func.extract("epoch", p.updated_at)
        )
        facets = (p.language, p.forum_levels, p.jurisdictions, p.visibility, p.status)
        return select(p.id, *facets, cast(key, Float).label("sort_key"))

    branches = _branches(readings, conds, p.search_vector, rows)
    found = _find(session, q, branches, SearchSort.relevance, True, _pleading_facet_counts)
    ids = [i for i, _ in found.page]
    return found.results(_pleading_hits(session, ids, readings if has_text else None))


def _pleading_facet_counts(hits: Any) -> list[Any]:
    return [
        _count_columns(
            hits,
            {
                "language": hits.c.language,
                "visibility": hits.c.visibility,
                "status": hits.c.status,
            },
        ),
        _count_items(hits, "forum_level", hits.c.forum_levels),
        _count_items(hits, "jurisdiction", hits.c.jurisdictions),
        select(
            literal("right").label("facet"),
            pleading_right.c.right_id.label("value"),
            func.count().label("n"),
        )
        .join(hits, hits.c.id == pleading_right.c.pleading_id)
        .group_by(pleading_right.c.right_id),
    ]


def _pleading_hits(
    session: Session, ids: list[uuid.UUID], readings: list[Reading] | None
) -> list[SearchHit]:
    p = ModelPleading
    if readings is None:
        snippet: Any = func.left(p.summary, 240)
        score: Any = null()
    else:
        own_reading = _own_reading(readings)
        snippet = func.ts_headline(
            func.comity_ts_config(p.language), p.summary, own_reading, _HEADLINE
        )
        score = _score(own_reading, p.search_vector)
    rows = {
        row.id: row
        for row in session.execute(
            select(p.id, p.title, snippet.label("snippet"), score.label("score")).where(
                p.id.in_(ids)
            )
        )
    }
    return [
        SearchHit(
            id=i,
            type=SearchType.pleading,
            title=rows[i].title,
            score=None if rows[i].score is None else round(rows[i].score, 6),
            snippet=_mark(rows[i].snippet or "")
            if readings
            else html.escape(rows[i].snippet or ""),
        )
        for i in ids
    ]


def _sort_key(sort: SearchSort) -> Any:
    if sort is SearchSort.importance:
        return func.coalesce(LegalCase.importance, 5)
    return func.coalesce(LegalCase.decided_on, func.date("0001-01-01"))


def _bm25(reading: Reading, ids: list[uuid.UUID] | None = None) -> Any:
    """(case_id, bm25) of the cases holding the reading's terms (or of `ids`), rounded so
    that a score read back from a cursor compares exactly; no row at all without terms."""
    if reading.terms is None:
        return select(literal(None, Uuid).label("case_id"), literal(0.0).label("bm25")).where(
            false()
        )
    scores = match_repo.bm25_scores(reading.terms, ids).subquery()
    rounded = cast(func.round(cast(scores.c.bm25, Numeric), 6), Float)
    return select(scores.c.case_id, rounded.label("bm25"))


def _score(ts: Any, vector: Any = LegalCase.search_vector) -> Any:
    # Double precision, so that a score read back from a cursor compares exactly.
    return cast(func.ts_rank_cd(vector, ts), Float)


def _after(cursor: str, key: Any, id_column: Any, descending: bool, sort: SearchSort) -> Any:
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
    return (
        (key < typed) | ((key == typed) & (id_column > last))
        if descending
        else tuple_(key, id_column) > tuple_(typed, last)
    )


def _hit_rows(
    session: Session,
    ids: list[uuid.UUID],
    readings: list[Reading] | None,
    scores: dict[uuid.UUID, float] | None = None,
) -> dict[uuid.UUID, dict[str, Any]]:
    """The page's cases as `SearchHit` fields, each with its snippet (highlighted if text)
    and its score: the BM25 of its own reading, from `scores` when given."""
    if not ids:
        return {}
    stmt = select(*(getattr(LegalCase, name) for name in _HIT_FIELDS))
    score: Any = null()
    if readings is None:
        snippet = func.left(
            func.coalesce(func.nullif(LegalCase.holding, ""), LegalCase.facts_summary), 240
        )
    else:
        document = func.concat_ws(" ", LegalCase.holding, func.left(LegalCase.facts_summary, 20000))
        snippet = func.ts_headline(
            func.comity_ts_config(LegalCase.language),
            document,
            _own_reading(readings),
            _HEADLINE,
        )
        if scores is None:
            scored = []
            for reading in readings:
                bm25 = _bm25(reading, ids).subquery()
                stmt = stmt.outerjoin(bm25, bm25.c.case_id == LegalCase.id)
                scored.append(replace(reading, ts=bm25.c.bm25))
            score = func.coalesce(_own_reading(scored), 0.0)
    out = {}
    for row in session.execute(stmt.add_columns(snippet, score).where(LegalCase.id.in_(ids))):
        *values, text, rank = row
        rank = scores[row.id] if scores is not None else rank
        marked = html.escape(text or "") if readings is None else _mark(text or "")
        out[row.id] = dict(zip(_HIT_FIELDS, values, strict=True)) | {
            "snippet": marked,
            "score": None if rank is None else round(rank, 6),
        }
    return out


def _mark(text: str) -> str:
    """Escape the passage, then turn our private markers into <b> tags."""
    return html.escape(text).replace(HIGHLIGHT_START, "<b>").replace(HIGHLIGHT_STOP, "</b>")


def _count_columns(hits: Any, columns: dict[str, Any], *joins: tuple[Any, Any]) -> Any:
    """(facet, value, count) of each named column over the hit set, in one pass: one
    grouping set per column, each output row told apart by `grouping()`."""
    named = list(columns.items())
    facet = case(*((func.grouping(column) == 0, literal(name)) for name, column in named))
    value = func.coalesce(*(cast(column, Text) for _, column in named))
    counted = select(facet.label("facet"), value.label("value"), func.count().label("n"))
    counted = counted.select_from(hits)
    for table, on in joins:
        counted = counted.join(table, on)
    return counted.group_by(func.grouping_sets(*(column for _, column in named)))


def _count_items(hits: Any, name: str, column: Any) -> Any:
    """(facet, value, count) of the items of an array column over the hit set."""
    # unnest in the select list (a ProjectSet) costs far less per hit than a lateral join.
    items = select(func.unnest(column).label("value")).select_from(hits).subquery()
    return select(literal(name).label("facet"), items.c.value, func.count().label("n")).group_by(
        items.c.value
    )


def _facet_counts(hits: Any) -> list[Any]:
    """(facet, value, count) selects over the hit set, one per filter dimension."""

    # Each hit's claims as its feature row's arrays: one row a hit, not one a claim.
    claims = (
        select(MatchFeatures.claim_rights, MatchFeatures.claim_findings)
        .join(hits, hits.c.id == MatchFeatures.case_id)
        .cte("hit_claims")
    )
    decade = func.concat(
        cast(func.floor(func.extract("year", hits.c.decided_on) / 10) * 10, Integer), "s"
    )
    columns = {
        "forum": hits.c.forum_id,
        "jurisdiction": hits.c.forum_jurisdiction,
        "outcome": hits.c.outcome,
        "status": hits.c.status,
        "owner_org_id": hits.c.owner_org_id,
        "importance": hits.c.importance,
        "implementation_status": hits.c.implementation_status,
        "visibility": hits.c.visibility,
        "decade": decade,
        "forum_level": Forum.level,
    }
    return [
        _count_columns(hits, columns, (Forum, Forum.id == hits.c.forum_id)),
        _count_items(hits, "respondent", hits.c.respondent_states),
        _count_items(hits, "keyword", hits.c.keywords),
        _count_items(hits, "population", hits.c.populations),
        _count_items(claims, "right", claims.c.claim_rights),
        _count_items(claims, "finding", claims.c.claim_findings),
    ]


def _facet_values(rows: list[list[Any]]) -> dict[str, list[FacetValue]]:
    out: dict[str, list[FacetValue]] = {}
    for facet, value, n in rows:
        if value is not None:
            out.setdefault(facet, []).append(FacetValue(value=str(value), count=int(n)))
    return {k: sorted(v, key=lambda f: (-f.count, f.value))[:FACET_LIMIT] for k, v in out.items()}


WORD_SIMILARITY = 0.5


def suggest(session: Session, principal: Principal, q: SuggestQuery) -> list[Suggestion]:
    """Titles and party pseudonyms close to what was typed, tolerant of typos."""
    typed = q.q.strip()
    if not typed:
        return []
    visible = case_repo.visible(principal)
    if capabilities(session).pg_trgm:
        # Accents folded on both sides (the trigram indexes are over the folded text), and a
        # threshold low enough for one wrong letter in a short name: `zadvidas` -> Zadvydas.
        session.execute(text(f"SET LOCAL pg_trgm.word_similarity_threshold = {WORD_SIMILARITY}"))
        folded = func.comity_unaccent(typed)
        title, party = (
            func.comity_unaccent(LegalCase.title),
            func.comity_unaccent(CaseParty.pseudonym),
        )
        titles = select(
            LegalCase.id, LegalCase.title, literal("title"), func.word_similarity(folded, title)
        ).where(visible, folded.op("<%")(title))
        parties = (
            select(
                LegalCase.id,
                CaseParty.pseudonym,
                literal("party"),
                func.word_similarity(folded, party),
            )
            .join(CaseParty, CaseParty.case_id == LegalCase.id)
            .where(visible, folded.op("<%")(party))
        )
    else:
        pattern = f"%{typed.replace('%', '').replace('_', '')}%"
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
