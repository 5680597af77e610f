"""A search query in the user's words, rewritten in the words the corpus uses.

Pure functions over two files that ship with the code: the thesaurus (`thesaurus.yaml`:
legal synonyms and word forms such as detention / detained / detainee) and the Spanish and
French vocabulary (`multilingual.yaml`). A word or phrase of the query that one of them
knows becomes an OR of every member of its group, so that `detención de niños` also
searches `detention` and `children`. The query is read as web search syntax is read, and
written as a `to_tsquery` expression, which can group:

    expand('detained children')
    -> "(('detained' | 'detention' | ...) & ('children' | 'child' | 'minor' | ...))"

Quoted phrases stay phrases (a quoted term of art reads as any of its forms, each quoted),
an excluded word excludes every form of it, and a Spanish or French query's function words
(`de`, `les`), which English stemming would keep, are dropped.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import yaml

from app.reference import multilingual

__all__ = ["expand"]

THESAURUS = Path(multilingual.PATH).with_name("thesaurus.yaml")
# The longest phrase looked up, in words.
MAX_PHRASE = 8
_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_EDGE = re.compile(r"^[^\w'-]+|[^\w'-]+$")


def _key(phrase: str) -> tuple[str, ...]:
    return tuple(multilingual.fold(phrase).replace("-", " ").split())


@functools.cache
def _groups() -> dict[tuple[str, ...], tuple[str, ...]]:
    """Folded phrase -> every form it may be read as (itself first), in file order."""
    table: dict[tuple[str, ...], list[str]] = {}

    def add(member: str, forms: list[str]) -> None:
        known = table.setdefault(_key(member), [member])
        known += [f for f in forms if f not in known]

    # The thesaurus' groups read both ways: each member as any other.
    for group in yaml.safe_load(THESAURUS.read_text(encoding="utf-8"))["groups"]:
        forms = [multilingual.fold(m) for m in group]
        for member in forms:
            add(member, forms)
    # A Spanish or French phrase also reads as its English terms, never the other way: the
    # English terms of one concept are not synonyms of each other.
    for entry in multilingual.entries():
        english = [multilingual.fold(e) for e in entry.english]
        for phrase in entry.phrases:
            add(phrase, english)
    return {k: tuple(v) for k, v in table.items()}


def _literal(form: str) -> str:
    """One word or phrase as a quoted `to_tsquery` operand: the configuration still stems
    it, a phrase becomes `<->`, and nothing typed can act as an operator."""
    return "'" + form.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _item(forms: tuple[str, ...] | list[str], negated: bool) -> str:
    either = " | ".join(_literal(f) for f in forms)
    return f"!({either})" if negated else f"({either})"


def expand(q: str) -> str:
    """The query in `to_tsquery` syntax, read as web search syntax is: words and quoted
    phrases are all required, `-` excludes, and `OR` joins the runs on either side."""
    language = multilingual.language_of(q)
    dropped = multilingual.FUNCTION_WORDS[language] if language != "en" else frozenset()
    table = _groups()
    runs: list[list[str]] = [[]]  # runs joined by OR, each a list of required items
    words: list[str] = []  # a sequence of bare words, looked up as phrases

    def flush() -> None:
        keys = [_key(w) for w in words]
        i = 0
        while i < len(words):
            for n in range(min(MAX_PHRASE, len(words) - i), 0, -1):
                key = tuple(part for k in keys[i : i + n] for part in k)
                if key and all(keys[i : i + n]) and key in table:
                    runs[-1].append(_item(table[key], negated=False))
                    i += n
                    break
            else:
                if not (keys[i] and len(keys[i]) == 1 and keys[i][0] in dropped):
                    runs[-1].append(_item([words[i]], negated=False))
                i += 1
        words.clear()

    for match in _TOKEN.finditer(q):
        minus, phrase, bare = match.groups()
        if bare == "OR":
            flush()
            runs.append([])
        elif bare is not None and not bare.startswith("-"):
            words.append(_EDGE.sub("", bare) or bare)
        else:
            flush()
            negated = bool(minus) if phrase is not None else True
            typed = phrase if phrase is not None else bare[1:]
            if not typed.strip():
                continue
            forms = table.get(_key(typed))
            runs[-1].append(_item(forms or [typed], negated=negated))
    flush()
    return " | ".join(f"({' & '.join(run)})" for run in runs if run)
