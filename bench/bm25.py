"""An in-memory Okapi BM25 index over id -> text, the lexical baseline of the retrieval evaluation.

The module's one job: rank documents for a query text. Standard library only, no I/O.

Choices
-------
Tokens
    Case-folded runs of Unicode letters; digits split words and are dropped, because in the
    ECtHR corpus paragraph numbers run into the text ("CASE5. The applicant") and dates and
    paragraph numbers would otherwise dominate. One-letter tokens and a short English stopword
    list are dropped, and a light plural stemmer (Harman's S-stemmer) folds "applicants" into
    "applicant" and "authorities" into "authority".
Scoring
    ``idf(t) = ln(1 + (N - df + 0.5) / (df + 0.5))`` (never negative, as in Lucene) times
    ``tf * (k1 + 1) / (tf + k1 * (1 - b + b * dl / avgdl))``, k1 = 1.2, b = 0.75. A query
    term counts once per occurrence in the query, as in the usual implementations.
Long queries
    A query is a judgment's whole facts section (thousands of tokens). Only its
    ``max_query_terms`` (default 100; None for all) distinct terms with the highest
    ``idf * query tf`` are scored: the rare, repeated words that carry the facts (places,
    procedures, substances); the frequent words have long postings and small idf. On the dev
    qrels (508 queries, facts against facts + law of earlier judgments) the cap makes the
    searches about 7 times faster and costs about 0.01 R@10 on all citations and 0.035 R@10
    on the knock-on slice; pass None where the last points matter more than the time.
Results
    Documents that share no scored term with the query are not returned, so a search may give
    fewer than k results. Ties are broken by id, so rankings are reproducible.
"""

from __future__ import annotations

import functools
import math
import re
from array import array
from collections import Counter
from collections.abc import Mapping
from typing import Final

__all__ = ["STOPWORDS", "Bm25Index", "tokenize"]

# fmt: off
STOPWORDS: Final = frozenset({
    "a", "about", "above", "after", "again", "against", "all", "also", "am", "an", "and", "any",
    "are", "as", "at", "be", "because", "been", "before", "being", "below", "between", "both",
    "but", "by", "can", "could", "did", "do", "does", "doing", "down", "during", "each", "few",
    "for", "from", "further", "had", "has", "have", "having", "he", "her", "here", "hers",
    "herself", "him", "himself", "his", "how", "i", "if", "in", "into", "is", "it", "its",
    "itself", "may", "me", "more", "most", "must", "my", "no", "nor", "not", "of", "off", "on",
    "once", "only", "or", "other", "our", "ours", "out", "over", "own", "same", "shall", "she",
    "should", "so", "some", "such", "than", "that", "the", "their", "theirs", "them",
    "themselves", "then", "there", "these", "they", "this", "those", "through", "to", "too",
    "under", "until", "up", "upon", "very", "was", "we", "were", "what", "when", "where",
    "which", "while", "who", "whom", "why", "will", "with", "would", "you", "your",
})
# fmt: on

_WORD: Final = re.compile(r"[^\W\d_]+")


def _stem(word: str) -> str:
    """Harman's S-stemmer: strip English plural endings only."""
    if len(word) <= 3:
        return word
    if word.endswith("ies") and not word.endswith(("eies", "aies")):
        return word[:-3] + "y"
    if word.endswith("es") and not word.endswith(("aes", "ees", "oes")):
        return word[:-1]
    if word.endswith("s") and not word.endswith(("us", "ss")):
        return word[:-1]
    return word


@functools.cache
def _term(word: str) -> str:
    """The index term of a case-folded word, or "" for a word that is not indexed."""
    return "" if len(word) < 2 or word in STOPWORDS else _stem(word)


def tokenize(text: str) -> list[str]:
    """Index terms of a text, in order: "The applicants' CASE5." -> ["applicant", "case"]."""
    return [term for word in _WORD.findall(text.casefold()) if (term := _term(word))]


class Bm25Index:
    """Okapi BM25 over a fixed set of documents; build once, search many times."""

    def __init__(
        self,
        documents: Mapping[str, str],
        *,
        k1: float = 1.2,
        b: float = 0.75,
        max_query_terms: int | None = 100,
    ) -> None:
        if max_query_terms is not None and max_query_terms < 1:
            raise ValueError(f"max_query_terms must be positive, not {max_query_terms}")
        self.k1 = k1
        self.b = b
        self.max_query_terms = max_query_terms
        self._ids: list[str] = list(documents)
        self._position = {doc_id: i for i, doc_id in enumerate(self._ids)}
        counts = [Counter(tokenize(documents[doc_id])) for doc_id in self._ids]
        lengths = [sum(c.values()) for c in counts]
        average = sum(lengths) / len(lengths) if lengths and sum(lengths) else 1.0
        # Per term: the documents holding it and each one's saturated term-frequency weight, so a
        # search is one multiply-add per posting. Arrays keep ~2.5M postings to tens of MB.
        self._postings: dict[str, tuple[array[int], array[float]]] = {}
        docs_of: dict[str, list[int]] = {}
        weights_of: dict[str, list[float]] = {}
        for position, (count, length) in enumerate(zip(counts, lengths, strict=True)):
            norm = k1 * (1.0 - b + b * length / average)
            for term, tf in count.items():
                if term not in docs_of:
                    docs_of[term] = []
                    weights_of[term] = []
                docs_of[term].append(position)
                weights_of[term].append(tf * (k1 + 1.0) / (tf + norm))
        for term, positions in docs_of.items():
            self._postings[term] = (array("i", positions), array("d", weights_of.pop(term)))
        n = len(self._ids)
        self._idf = {
            term: math.log(1.0 + (n - len(docs) + 0.5) / (len(docs) + 0.5))
            for term, (docs, _) in self._postings.items()
        }

    def __len__(self) -> int:
        return len(self._ids)

    def idf(self, term: str) -> float:
        """The idf of an index term (already tokenized); 0.0 for a term no document holds."""
        return self._idf.get(term, 0.0)

    def query_terms(self, query_text: str) -> dict[str, int]:
        """The query terms that will be scored, with their counts in the query."""
        counts = Counter(t for t in tokenize(query_text) if t in self._idf)
        ranked = sorted(counts, key=lambda t: (-self._idf[t] * counts[t], t))
        return {t: counts[t] for t in ranked[: self.max_query_terms]}

    def search(
        self, query_text: str, k: int, allowed_ids: set[str] | None = None
    ) -> list[tuple[str, float]]:
        """The k best (id, score) pairs, best first, among allowed_ids when given.

        allowed_ids restricts the candidates (e.g. judgments decided before the query); ids the
        index does not hold are ignored.
        """
        if k < 1:
            raise ValueError(f"k must be positive, not {k}")
        allowed: set[int] | None = None
        if allowed_ids is not None:
            allowed = {self._position[i] for i in allowed_ids if i in self._position}
            if not allowed:
                return []
        scores: dict[int, float] = {}
        for term, query_tf in self.query_terms(query_text).items():
            weight = self._idf[term] * query_tf
            docs, tf_weights = self._postings[term]
            for position, tf_weight in zip(docs, tf_weights, strict=True):
                scores[position] = scores.get(position, 0.0) + weight * tf_weight
        if allowed is not None:
            scores = {p: s for p, s in scores.items() if p in allowed}
        best = sorted(scores.items(), key=lambda item: (-item[1], self._ids[item[0]]))[:k]
        return [(self._ids[position], score) for position, score in best]
