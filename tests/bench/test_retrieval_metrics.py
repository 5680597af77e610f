"""Retrieval metrics: hand-computed values for known rankings, and the bounds they must keep."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bench.retrieval_metrics import (
    average_precision,
    ndcg_at,
    recall_at,
    reciprocal_rank,
    summarise,
)

# Relevant a (rank 1) and c (rank 3); f is never retrieved.
RANKED = ["a", "b", "c", "d", "e"]
RELEVANT = {"a", "c", "f"}


class TestRecallAt:
    @pytest.mark.parametrize(
        ("k", "expected"), [(1, 1 / 3), (2, 1 / 3), (3, 2 / 3), (5, 2 / 3), (100, 2 / 3)]
    )
    def test_counts_relevant_documents_within_the_cutoff(self, k: int, expected: float) -> None:
        assert recall_at(RANKED, RELEVANT, k) == pytest.approx(expected)

    def test_repeated_id_counts_once_and_takes_one_rank(self) -> None:
        assert recall_at(["a", "a", "b"], {"a", "b"}, 2) == pytest.approx(1.0)
        assert recall_at(["a", "a"], {"a", "b"}, 2) == pytest.approx(0.5)

    def test_empty_relevant_set_is_an_error(self) -> None:
        with pytest.raises(ValueError, match="empty"):
            recall_at(RANKED, set(), 10)

    def test_non_positive_k_is_an_error(self) -> None:
        with pytest.raises(ValueError, match="positive"):
            recall_at(RANKED, RELEVANT, 0)


class TestAveragePrecision:
    def test_known_ranking_gives_hand_computed_value(self) -> None:
        # (1/1 + 2/3) / 3 relevant documents
        assert average_precision(RANKED, RELEVANT) == pytest.approx(5 / 9)

    def test_single_relevant_at_rank_two_gives_one_half(self) -> None:
        assert average_precision(["x", "a"], {"a"}) == pytest.approx(0.5)

    def test_no_relevant_retrieved_gives_zero(self) -> None:
        assert average_precision(["x", "y"], {"a"}) == 0.0

    def test_empty_relevant_set_is_an_error(self) -> None:
        with pytest.raises(ValueError, match="empty"):
            average_precision(RANKED, set())


class TestReciprocalRank:
    def test_first_relevant_at_rank_three_gives_one_third(self) -> None:
        assert reciprocal_rank(["x", "y", "c", "a"], {"a", "c"}) == pytest.approx(1 / 3)

    def test_no_relevant_retrieved_gives_zero(self) -> None:
        assert reciprocal_rank(["x"], {"a"}) == 0.0

    def test_empty_ranking_gives_zero(self) -> None:
        assert reciprocal_rank([], {"a"}) == 0.0


class TestNdcgAt:
    def test_known_ranking_gives_hand_computed_value(self) -> None:
        dcg = 1 / math.log2(2) + 1 / math.log2(4)  # hits at ranks 1 and 3
        ideal = 1 / math.log2(2) + 1 / math.log2(3) + 1 / math.log2(4)  # 3 relevant, k = 10
        assert ndcg_at(RANKED, RELEVANT, 10) == pytest.approx(dcg / ideal)
        assert ndcg_at(RANKED, RELEVANT, 10) == pytest.approx(0.7039181)

    def test_ideal_is_cut_at_k(self) -> None:
        # k = 1: the ideal list holds one relevant document, and the ranking has it first.
        assert ndcg_at(RANKED, RELEVANT, 1) == pytest.approx(1.0)

    def test_relevant_document_below_cutoff_gives_zero(self) -> None:
        assert ndcg_at(["x", "y", "a"], {"a"}, 2) == 0.0

    def test_perfect_ranking_gives_one(self) -> None:
        assert ndcg_at(["a", "b", "x"], {"a", "b"}, 10) == pytest.approx(1.0)


class TestSummarise:
    def test_averages_over_queries_with_relevant_documents(self) -> None:
        runs = {
            "q1": (RANKED, RELEVANT),
            "q2": (["x", "a"], {"a"}),
            "q3": (["a"], set()),  # left out
        }

        summary = summarise(runs)

        assert set(summary) == {"queries", "R@10", "R@50", "R@100", "MAP", "MRR", "nDCG@10"}
        assert summary["queries"] == 2
        assert summary["R@10"] == pytest.approx((2 / 3 + 1) / 2)
        assert summary["MAP"] == pytest.approx((5 / 9 + 1 / 2) / 2)
        assert summary["MRR"] == pytest.approx((1 + 1 / 2) / 2)
        assert summary["nDCG@10"] == pytest.approx((0.7039181 + 1 / math.log2(3)) / 2)

    def test_no_query_with_relevant_documents_is_an_error(self) -> None:
        with pytest.raises(ValueError, match="no query"):
            summarise({"q": (["a"], set())})


ids = st.sampled_from("abcdefghij")


class TestMetricBounds:
    @given(
        ranked=st.lists(ids, max_size=15), relevant=st.sets(ids, min_size=1), k=st.integers(1, 12)
    )
    def test_every_metric_lies_between_zero_and_one(
        self, ranked: list[str], relevant: set[str], k: int
    ) -> None:
        for value in (
            recall_at(ranked, relevant, k),
            average_precision(ranked, relevant),
            reciprocal_rank(ranked, relevant),
            ndcg_at(ranked, relevant, k),
        ):
            assert 0.0 <= value <= 1.0 + 1e-12

    @given(relevant=st.sets(ids, min_size=1))
    def test_relevant_documents_first_score_one_everywhere(self, relevant: set[str]) -> None:
        ranked = [*sorted(relevant), "z"]
        summary = summarise({"q": (ranked, relevant)})
        assert all(summary[m] == pytest.approx(1.0) for m in ("R@10", "MAP", "MRR", "nDCG@10"))
