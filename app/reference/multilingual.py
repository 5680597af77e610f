"""Spanish and French drafts read against an English corpus: the words of the shipped
`multilingual.yaml` map a draft's phrases onto English terms and onto right concepts.

Pure functions over a file that ships with the code; no I/O beyond reading it once.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import yaml

PATH = Path(__file__).resolve().parent / "data" / "multilingual.yaml"

# The most frequent function words of each language: enough to tell a paragraph's language.
FUNCTION_WORDS = {
    "en": frozenset(
        ["the", "of", "and", "to", "in", "was", "were", "that", "his", "her", "with", "for"]
    ),
    "es": frozenset(
        ["el", "la", "los", "las", "de", "del", "que", "en", "y", "por", "una", "con", "fue"]
    ),
    "fr": frozenset(
        ["le", "la", "les", "des", "du", "de", "que", "et", "en", "une", "dans", "pour", "est"]
    ),
}
_WORDS = re.compile(r"[a-z']+")


def fold(text: str) -> str:
    """Lower case without accents, typographic apostrophes straight: "Détention" ->
    "detention", "d\u2019asile" -> "d'asile"."""
    decomposed = unicodedata.normalize("NFKD", text.lower().replace("\u2019", "'"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def language_of(text: str) -> str:
    """ "en", "es" or "fr": whichever language's function words the text uses most (English
    on a tie or with none)."""
    counts = Counter(_WORDS.findall(fold(text)))
    scores = {lang: sum(counts[w] for w in words) for lang, words in FUNCTION_WORDS.items()}
    best = max(scores, key=lambda lang: (scores[lang], lang == "en"))
    return best if scores[best] > 0 else "en"


@dataclass(frozen=True)
class Entry:
    english: tuple[str, ...]
    pattern: dict[str, re.Pattern[str]]  # language -> its phrases, as whole words
    right_id: str | None = None
    phrases: tuple[str, ...] = ()  # the Spanish and French phrases, folded


@dataclass(frozen=True)
class Reading:
    language: str
    english: tuple[str, ...]  # English words for the concepts the draft speaks of
    rights: tuple[str, ...]  # right concepts its phrases name


ENGLISH = Reading("en", (), ())


def _pattern(phrases: list[str]) -> re.Pattern[str]:
    alternatives = sorted({fold(p) for p in phrases}, key=len, reverse=True)
    return re.compile(r"(?<![a-z])(?:" + "|".join(map(re.escape, alternatives)) + r")(?![a-z])")


@functools.cache
def entries() -> tuple[Entry, ...]:
    data = yaml.safe_load(PATH.read_text(encoding="utf-8"))

    def entry(words: dict[str, list[str]], right_id: str | None) -> Entry:
        return Entry(
            english=tuple(words.get("en", [])),
            pattern={lang: _pattern(words[lang]) for lang in ("es", "fr") if words.get(lang)},
            right_id=right_id,
            phrases=tuple(fold(p) for lang in ("es", "fr") for p in words.get(lang, [])),
        )

    rights = [entry(words, right_id) for right_id, words in sorted(data["rights"].items())]
    return tuple(rights + [entry(words, None) for words in data["terms"]])


def read(text: str) -> Reading:
    """The English words and the rights of a Spanish or French text's phrases; nothing for
    English, which the corpus already speaks."""
    language = language_of(text)
    if language == "en":
        return ENGLISH
    folded = fold(text)
    english: list[str] = []
    rights: list[str] = []
    for e in entries():
        pattern = e.pattern.get(language)
        if pattern is None:
            continue
        hits = len(pattern.findall(folded))
        if hits:
            english += list(e.english) * hits
            if e.right_id:
                rights.append(e.right_id)
    return Reading(language, tuple(english), tuple(rights))
