"""The pure scoring engine."""

from __future__ import annotations

import uuid

from app.matching.engine import (
    BEST_CLAIM_SHARE,
    Candidate,
    ClaimMatch,
    MatchKind,
    Transferability,
    Weights,
    authority_score,
    legal_basis_score,
    rank,
    reception_score,
)
from app.matching.explain import citations_sentence


def ID(name: str) -> uuid.UUID:
    """A case id that sorts like its name."""
    return uuid.UUID(bytes=name.encode().ljust(16, b"\0"))


def cand(name: str, **kw: object) -> Candidate:
    base: dict[str, object] = dict(
        case_id=ID(name),
        text_score=0.0,
        matches=(),
        transferability=Transferability.persuasive,
        importance=2,
        knock_on_citations=0,
        negative_treatments=0,
        not_implemented=False,
    )
    base.update(kw)
    return Candidate(**base)  # type: ignore[arg-type]


class TestBases:
    def test_best_match_per_claim_mixes_the_best_claim_with_the_mean(self) -> None:
        matches = [
            ClaimMatch("liberty", "l", "ACHR:7", MatchKind.equivalent_explicit),
            ClaimMatch("liberty", "l", "ECHR:5", MatchKind.same_provision),
        ]

        # The best claim scores 1.0, the mean over two claims 0.5.
        assert legal_basis_score(matches, 2) == BEST_CLAIM_SHARE + (1 - BEST_CLAIM_SHARE) * 0.5

    def test_one_exact_match_beats_weak_matches_on_every_claim(self) -> None:
        exact = [ClaimMatch("a", "r", "ECHR:5", MatchKind.same_provision)]
        weak = [ClaimMatch(q, "r", None, MatchKind.related_right) for q in "abc"]

        assert legal_basis_score(exact, 3) > legal_basis_score(weak, 3)

    def test_citations_raise_authority(self) -> None:
        assert authority_score(cand("a", cited_by=20)) > authority_score(cand("b"))

    def test_negative_treatment_lowers_reception(self) -> None:
        followed = cand("a", knock_on_citations=6)
        doubted = cand("b", knock_on_citations=6, negative_treatments=1, not_implemented=True)

        assert reception_score(doubted) < reception_score(followed)


class TestRank:
    def test_binding_outranks_persuasive_all_else_equal(self) -> None:
        ranked = rank(
            [cand("eu"), cand("ia", transferability=Transferability.binding)], 1, Weights(), 10
        )

        assert [s.candidate.case_id for s in ranked] == [ID("ia"), ID("eu")]

    def test_weights_choose_the_basis(self) -> None:
        texty = cand("t", text_score=0.9)
        legal = cand("l", matches=(ClaimMatch("q", "r", None, MatchKind.same_right),))

        by_text = rank([texty, legal], 1, Weights(1, 0, 0, 0), 2)
        by_law = rank([texty, legal], 1, Weights(0, 1, 0, 0), 2)

        assert by_text[0].candidate.case_id == ID("t") and by_law[0].candidate.case_id == ID("l")

    def test_deterministic_ties(self) -> None:
        ranked = rank([cand("b"), cand("a"), cand("c")], 1, Weights(), 3)

        assert [s.candidate.case_id for s in ranked] == [ID("a"), ID("b"), ID("c")]

    def test_ties_follow_the_stable_order_key_not_the_id(self) -> None:
        later = cand("z", order=(-2, "HUDOC-2"))
        earlier = cand("a", order=(-1, "HUDOC-1"))

        ranked = rank([earlier, later], 1, Weights(), 2)

        assert [s.candidate.case_id for s in ranked] == [ID("z"), ID("a")]


def test_the_citation_count_reads_as_a_sentence() -> None:
    assert (
        citations_sentence(41, 9)
        == "Cited by 41 later decisions in the corpus, concerning 9 States."
    )
    assert (
        citations_sentence(1, 1)
        == "Cited by one later decision in the corpus, concerning one State."
    )


def test_citing_decisions_without_a_respondent_name_no_states() -> None:
    assert citations_sentence(2, 0) == "Cited by 2 later decisions in the corpus."
