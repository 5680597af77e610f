"""Rank-based retrieval metrics with binary relevance, as in the ECtHR-PCR protocol.

The module's one job: score a ranked list of document ids against the set of relevant ids, and
macro-average those scores over queries. Pure functions, no I/O.

Conventions: a document id repeated in a ranking counts at its first rank only; a relevant set
must be non-empty (the metrics are undefined otherwise, so the functions raise ValueError and
:func:`summarise` leaves such queries out); ``k`` must be positive.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence

__all__ = ["average_precision", "ndcg_at", "recall_at", "reciprocal_rank", "summarise"]

# Cut-offs reported by summarise, in the order of the ECtHR-PCR paper's tables.
_RECALL_CUTOFFS = (10, 50, 100)
_NDCG_CUTOFF = 10


def _check(relevant: set[str], k: int | None = None) -> None:
    if not relevant:
        raise ValueError("the relevant set is empty: the metric is undefined")
    if k is not None and k < 1:
        raise ValueError(f"k must be positive, not {k}")


def _hit_ranks(ranked: Sequence[str], relevant: set[str], k: int | None = None) -> Iterator[int]:
    """1-based ranks of the relevant documents within the first k distinct ids."""
    seen: set[str] = set()
    rank = 0
    for doc_id in ranked:
        if doc_id in seen:
            continue
        seen.add(doc_id)
        rank += 1
        if k is not None and rank > k:
            return
        if doc_id in relevant:
            yield rank


def recall_at(ranked: Sequence[str], relevant: set[str], k: int) -> float:
    """Share of the relevant documents found in the first k."""
    _check(relevant, k)
    return sum(1 for _ in _hit_ranks(ranked, relevant, k)) / len(relevant)


def average_precision(ranked: Sequence[str], relevant: set[str]) -> float:
    """Mean over relevant documents of the precision at each one's rank; unretrieved ones add 0."""
    _check(relevant)
    hits = enumerate(_hit_ranks(ranked, relevant), start=1)
    return sum(found / rank for found, rank in hits) / len(relevant)


def reciprocal_rank(ranked: Sequence[str], relevant: set[str]) -> float:
    """1 / rank of the first relevant document, or 0.0 when none is retrieved."""
    _check(relevant)
    first = next(_hit_ranks(ranked, relevant), None)
    return 0.0 if first is None else 1.0 / first


def ndcg_at(ranked: Sequence[str], relevant: set[str], k: int) -> float:
    """Normalised discounted cumulative gain at k with binary gains (log2 discount)."""
    _check(relevant, k)
    dcg = sum(1.0 / math.log2(rank + 1) for rank in _hit_ranks(ranked, relevant, k))
    ideal = sum(1.0 / math.log2(rank + 1) for rank in range(1, min(k, len(relevant)) + 1))
    return dcg / ideal


def summarise(runs: Mapping[str, tuple[Sequence[str], set[str]]]) -> dict[str, float]:
    """Macro-average the metrics over the queries (query id -> (ranking, relevant ids)).

    Queries with no relevant document are left out and not counted in ``queries``. Raises
    ValueError when no query is left.
    """
    scored = [(ranked, relevant) for ranked, relevant in runs.values() if relevant]
    if not scored:
        raise ValueError("no query has a relevant document")
    n = len(scored)
    summary: dict[str, float] = {"queries": float(n)}
    for k in _RECALL_CUTOFFS:
        summary[f"R@{k}"] = sum(recall_at(r, rel, k) for r, rel in scored) / n
    summary["MAP"] = sum(average_precision(r, rel) for r, rel in scored) / n
    summary["MRR"] = sum(reciprocal_rank(r, rel) for r, rel in scored) / n
    summary[f"nDCG@{_NDCG_CUTOFF}"] = sum(ndcg_at(r, rel, _NDCG_CUTOFF) for r, rel in scored) / n
    return summary
