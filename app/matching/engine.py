"""Scoring knock-on precedents: pure functions over facts gathered by the service, no I/O.

Four bases, each in [0, 1], weighted by the caller:
- text: how close the precedent's texts are to the new facts (relative to the best match);
- legal basis: how its upheld claims meet the new claims (same provision, an equivalent one
  through the crosswalk, or a related right);
- authority: whether it binds the target State, interprets a treaty the State ratified, or
  only persuades; its importance; how often later decisions cite it;
- reception: how often it was followed abroad, less negative treatment and non-implementation.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class MatchKind(StrEnum):
    same_provision = "same_provision"
    equivalent_explicit = "equivalent_explicit"
    equivalent_interpretive = "equivalent_interpretive"
    same_right = "same_right"
    related_right = "related_right"


MATCH_STRENGTH = {
    MatchKind.same_provision: 1.0,
    MatchKind.equivalent_explicit: 0.85,
    MatchKind.same_right: 0.75,
    MatchKind.equivalent_interpretive: 0.65,
    MatchKind.related_right: 0.35,
}


class Transferability(StrEnum):
    binding = "binding"
    authoritative = "authoritative"
    persuasive = "persuasive"


TRANSFER_STRENGTH = {
    Transferability.binding: 1.0,
    Transferability.authoritative: 0.75,
    Transferability.persuasive: 0.35,
}


@dataclass(frozen=True, slots=True)
class Weights:
    text: float = 0.35
    legal_basis: float = 0.1
    authority: float = 0.4
    reception: float = 0.2

    def normalised(self) -> Weights:
        total = self.text + self.legal_basis + self.authority + self.reception
        return Weights(
            self.text / total,
            self.legal_basis / total,
            self.authority / total,
            self.reception / total,
        )


@dataclass(frozen=True, slots=True)
class ClaimMatch:
    query_label: str  # the new case's claim as the litigator named it
    right_id: str | None  # the precedent claim's right
    provision: str | None  # the precedent provision that matched, e.g. "ACHR:7"
    kind: MatchKind
    basis: str | None = None  # crosswalk basis for equivalents
    instrument_id: str | None = None  # the instrument the precedent applied to the claim
    weight: float = 1.0  # how closely the crosswalk ties the query claim to the right
    strength: float = field(init=False, compare=False)  # read per claim row: computed once

    def __post_init__(self) -> None:
        object.__setattr__(self, "strength", MATCH_STRENGTH[self.kind] * self.weight)


@dataclass(frozen=True, slots=True)
class Candidate:
    case_id: uuid.UUID
    text_score: float
    matches: tuple[ClaimMatch, ...]
    transferability: Transferability
    importance: int | None
    knock_on_citations: int
    negative_treatments: int
    not_implemented: bool
    cited_by: int = 0  # decisions citing it: the leading-case signal
    citing_states: int = 0
    order: tuple[Any, ...] = ()  # the stable tie-break: decision date, reference key, title


@dataclass(frozen=True, slots=True)
class Scored:
    candidate: Candidate
    score: float
    breakdown: dict[str, float] = field(default_factory=dict)


# How much the single best claim match counts against the mean over all query claims: one
# exact match on the decisive claim is worth more than weak matches on every claim.
BEST_CLAIM_SHARE = 0.5
# Citations at which the leading-case signal reaches 63 % of its range.
CITATION_SCALE = 10.0


def legal_basis_score(matches: Sequence[ClaimMatch], query_claims: int) -> float:
    """Best match per query claim: the best of them and their mean over the claims the
    litigator made, mixed by BEST_CLAIM_SHARE."""
    if query_claims <= 0:
        return 0.0
    best: dict[str, float] = {}
    for m in matches:
        best[m.query_label] = max(best.get(m.query_label, 0.0), m.strength)
    mean = sum(best.values()) / query_claims
    return BEST_CLAIM_SHARE * max(best.values(), default=0.0) + (1 - BEST_CLAIM_SHARE) * mean


def authority_score(c: Candidate) -> float:
    """How the decision reaches the target State, its importance, and how often it is cited
    (in-degree in the citation graph: the leading-case signal)."""
    importance = {1: 1.0, 2: 0.8, 3: 0.6, 4: 0.4}.get(c.importance or 0, 0.6)
    cited = 1 - math.exp(-c.cited_by / CITATION_SCALE)
    return 0.7 * TRANSFER_STRENGTH[c.transferability] + 0.15 * importance + 0.15 * cited


def reception_score(c: Candidate) -> float:
    followed = 1 - math.exp(-c.knock_on_citations / 3)
    penalty = 0.25 * min(c.negative_treatments, 2) + (0.3 if c.not_implemented else 0.0)
    return max(0.0, followed - penalty)


def rank(
    candidates: Sequence[Candidate],
    query_claims: int,
    weights: Weights,
    limit: int,
) -> list[Scored]:
    """Deterministic ranking: score, then the candidates' stable order keys.

    Text scores count relative to the best among the candidates.
    """
    w = weights.normalised()
    top_text = max((c.text_score for c in candidates), default=0.0)
    scored = []
    for c in candidates:
        breakdown = {
            "text": c.text_score / top_text if top_text > 0 else 0.0,
            "legal_basis": legal_basis_score(c.matches, query_claims),
            "authority": authority_score(c),
            "reception": reception_score(c),
        }
        score = (
            w.text * breakdown["text"]
            + w.legal_basis * breakdown["legal_basis"]
            + w.authority * breakdown["authority"]
            + w.reception * breakdown["reception"]
        )
        scored.append(Scored(c, round(score, 6), {k: round(v, 4) for k, v in breakdown.items()}))
    scored.sort(key=lambda s: (-s.score, s.candidate.order, s.candidate.case_id))
    return scored[:limit]
