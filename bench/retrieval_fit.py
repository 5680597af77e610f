"""Fitting and comparing the matcher's ranking constants on captured candidate pools.

The module's one job: given, per query, the candidates the matcher ranked (their basis
scores, as the engine computes them) and the relevant ids, re-rank them under other
constants exactly as the engine would, choose constants by k-fold cross-validation, and
compare two systems with a paired bootstrap. Pure functions, no I/O.

The matcher's candidate pool does not depend on the weights (its windows take the best text
and the best legal matches), so a re-ranking here is the ranking the matcher would return
with those constants.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from bench.retrieval_metrics import recall_at, reciprocal_rank

__all__ = ["Constants", "Pooled", "bootstrap_diff", "cross_validate", "grid", "rerank"]


@dataclass(frozen=True, slots=True)
class Pooled:
    """One candidate as the engine scored it: its basis scores and its stable order key."""

    doc: str
    text: float
    legal_best: float
    legal_mean: float
    authority: float
    reception: float
    order: tuple[object, ...]


@dataclass(frozen=True, slots=True)
class Constants:
    text: float
    legal_basis: float
    authority: float
    reception: float
    best_claim_share: float

    def as_dict(self) -> dict[str, float]:
        return {
            "text": self.text,
            "legal_basis": self.legal_basis,
            "authority": self.authority,
            "reception": self.reception,
            "best_claim_share": self.best_claim_share,
        }


def rerank(pool: Sequence[Pooled], c: Constants, depth: int) -> list[str]:
    """The engine's formula: normalised weights, ties by the stable order key."""
    total = c.text + c.legal_basis + c.authority + c.reception
    if total <= 0:
        return [p.doc for p in sorted(pool, key=lambda p: p.order)][:depth]
    wt, wl, wa, wr = (x / total for x in (c.text, c.legal_basis, c.authority, c.reception))
    s = c.best_claim_share

    def score(p: Pooled) -> float:
        legal = s * p.legal_best + (1 - s) * p.legal_mean
        return round(wt * p.text + wl * legal + wa * p.authority + wr * p.reception, 6)

    return [p.doc for p in sorted(pool, key=lambda p: (-score(p), p.order))][:depth]


def grid(values: Mapping[str, Sequence[float]]) -> list[Constants]:
    keys = ("text", "legal_basis", "authority", "reception", "best_claim_share")
    return [
        Constants(**dict(zip(keys, combo, strict=True)))
        for combo in itertools.product(*(values[k] for k in keys))
    ]


def cross_validate(
    pools: Mapping[str, Sequence[Pooled]],
    relevant: Mapping[str, set[str]],
    candidates: Sequence[Constants],
    *,
    folds: int = 5,
    depth: int = 100,
    seed: int = 7,
) -> tuple[dict[str, list[str]], list[Constants]]:
    """k-fold cross-validation: constants chosen on k-1 folds rank the held-out fold.

    Returns the held-out rankings of all folds, and the constants each fold chose (their
    spread shows how stable the fit is).
    """
    queries = sorted(q for q in pools if relevant.get(q))
    random.Random(seed).shuffle(queries)
    # Each candidate's per-query objective, computed once for every fold.
    per_query = [
        [_objective(rerank(pools[q], c, depth), relevant[q]) for q in queries] for c in candidates
    ]
    held_out: dict[str, list[str]] = {}
    chosen: list[Constants] = []
    for k in range(folds):
        train = [i for i in range(len(queries)) if i % folds != k]
        best = max(range(len(candidates)), key=lambda c: (sum(per_query[c][i] for i in train), -c))
        chosen.append(candidates[best])
        for i in range(k, len(queries), folds):
            held_out[queries[i]] = rerank(pools[queries[i]], candidates[best], depth)
    return held_out, chosen


def _objective(ranking: list[str], relevant: set[str]) -> float:
    """What the fit maximises, per query: R@10 and reciprocal rank, equally."""
    return (recall_at(ranking, relevant, 10) + reciprocal_rank(ranking, relevant)) / 2


def bootstrap_diff(
    a: Mapping[str, list[str]],
    b: Mapping[str, list[str]],
    relevant: Mapping[str, set[str]],
    metric: Callable[[list[str], set[str]], float] = lambda r, rel: recall_at(r, rel, 10),
    *,
    resamples: int = 10_000,
    seed: int = 11,
) -> dict[str, float]:
    """Mean difference a - b of a per-query metric, with a paired bootstrap 95% interval."""
    queries = sorted(q for q in a if q in b and relevant.get(q))
    diffs = [metric(a[q], relevant[q]) - metric(b[q], relevant[q]) for q in queries]
    if not diffs:
        return {"diff": 0.0, "low": 0.0, "high": 0.0, "queries": 0}
    rng = random.Random(seed)
    n = len(diffs)
    means = sorted(sum(diffs[rng.randrange(n)] for _ in range(n)) / n for _ in range(resamples))
    return {
        "diff": round(sum(diffs) / n, 4),
        "low": round(means[int(0.025 * resamples)], 4),
        "high": round(means[int(0.975 * resamples) - 1], 4),
        "queries": n,
    }
