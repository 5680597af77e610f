"""BM25 baseline: tokens, hand-computed scores, ranking, the candidate filter and the term cap."""

from __future__ import annotations

import math

import pytest

from bench.bm25 import Bm25Index, tokenize

CORPUS = {
    "d1": "Asylum detention",
    "d2": "Detention conditions in prison",
    "d3": "Prison",
}


class TestTokenize:
    def test_lowercases_and_drops_stopwords(self) -> None:
        assert tokenize("The Applicant AND the Court") == ["applicant", "court"]

    def test_digits_split_words_and_are_dropped(self) -> None:
        assert tokenize("CASE5. The applicant, born in 1956") == ["case", "applicant", "born"]

    def test_plural_endings_are_stripped(self) -> None:
        assert tokenize("applicants authorities expulsions process status") == [
            "applicant",
            "authority",
            "expulsion",
            "process",
            "status",
        ]

    def test_unicode_letters_are_kept_and_one_letter_words_dropped(self) -> None:
        assert tokenize("Türkiye à Ališić") == ["türkiye", "ališić"]


class TestScores:
    def test_single_term_score_matches_hand_computation(self) -> None:
        index = Bm25Index(CORPUS)
        # N = 3, df = 1: idf = ln(1 + 2.5 / 1.5). d1 has 2 terms, avgdl = (2 + 3 + 1) / 3 = 2,
        # tf = 1: 1 * 2.2 / (1 + 1.2 * (0.25 + 0.75 * 2 / 2)) = 1.
        results = index.search("asylum", 10)

        assert [doc_id for doc_id, _ in results] == ["d1"]
        assert results[0][1] == pytest.approx(math.log(8 / 3))

    def test_idf_is_zero_for_unknown_term(self) -> None:
        assert Bm25Index(CORPUS).idf("unknown") == 0.0


class TestSearch:
    def test_obviously_matching_document_ranks_first(self) -> None:
        index = Bm25Index(
            {
                "hirsi": "Push-back of migrants on the high seas to Libya by Italian vessels",
                "soering": "Extradition to the United States and the death row phenomenon",
                "chahal": "Deportation to India of a Sikh separatist on national-security grounds",
            }
        )

        results = index.search("migrants intercepted on the high seas and returned to Libya", 3)

        assert results[0][0] == "hirsi"
        assert [doc_id for doc_id, _ in results] == ["hirsi"]

    def test_allowed_ids_excludes_other_documents(self) -> None:
        index = Bm25Index(CORPUS)

        assert [d for d, _ in index.search("prison detention", 10)] == ["d2", "d3", "d1"]
        assert [d for d, _ in index.search("prison detention", 10, {"d1", "d3"})] == ["d3", "d1"]

    def test_allowed_ids_unknown_to_the_index_give_no_results(self) -> None:
        assert Bm25Index(CORPUS).search("prison", 10, {"nope"}) == []

    def test_k_limits_the_results(self) -> None:
        assert len(Bm25Index(CORPUS).search("prison detention", 1)) == 1

    def test_query_without_known_terms_gives_no_results(self) -> None:
        assert Bm25Index(CORPUS).search("the of and", 10) == []

    def test_ties_are_broken_by_id(self) -> None:
        index = Bm25Index({"b": "equal text", "a": "equal text", "c": "prison"})

        assert [d for d, _ in index.search("equal", 10)] == ["a", "b"]

    def test_non_positive_k_is_an_error(self) -> None:
        with pytest.raises(ValueError, match="positive"):
            Bm25Index(CORPUS).search("prison", 0)


class TestQueryTermCap:
    def test_keeps_terms_with_highest_idf_times_query_frequency(self) -> None:
        index = Bm25Index(CORPUS, max_query_terms=1)

        # "asylum" (df 1) outweighs "prison" (df 2), so d3, which only says "prison", is not found.
        assert index.query_terms("prison asylum") == {"asylum": 1}
        assert [d for d, _ in index.search("prison asylum", 10)] == ["d1"]

    def test_query_frequency_can_outweigh_idf(self) -> None:
        index = Bm25Index(CORPUS, max_query_terms=1)

        assert index.query_terms("prison prison prison asylum") == {"prison": 3}

    def test_none_scores_every_query_term(self) -> None:
        index = Bm25Index(CORPUS, max_query_terms=None)

        assert index.query_terms("prison asylum unknown") == {"asylum": 1, "prison": 1}

    def test_non_positive_cap_is_an_error(self) -> None:
        with pytest.raises(ValueError, match="positive"):
            Bm25Index(CORPUS, max_query_terms=0)
