"""A search query in the user's words, rewritten in the words the corpus uses.

Pure functions over two files that ship with the code: the thesaurus (`thesaurus.yaml`:
legal synonyms and word forms such as detention / detained / detainee) and the Spanish and
French vocabulary (`multilingual.yaml`). A word or phrase of the query that one of them
knows becomes an OR of every member of its group, so that `detención de niños` also
searches `detention` and `children`. The query is read as web search syntax is read
(`parse`), and written as a `tsquery` (`render`) once the database has stemmed each form:

    parse('detained children')
    -> [[Item(('detained', 'detention', ...)), Item(('children', 'child', 'minor', ...))]]
    render(that, stems) -> "(('detain') | ('detent') | ...) & (('children') | ('child') | ...)"

Forms that stem alike are written once: each duplicate operand would be evaluated again on
every document the query is tested against.

Quoted phrases stay phrases (a quoted term of art reads as any of its forms, each quoted),
an excluded word excludes every form of it, and a Spanish or French query's function words
(`de`, `les`), which English stemming would keep, are dropped.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from app.reference import multilingual

__all__ = ["Item", "literal", "parse", "render", "terms"]

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


@dataclass(frozen=True, slots=True)
class Item:
    """One required (or, negated, excluded) term of the query: any of its forms."""

    forms: tuple[str, ...]
    negated: bool = False


def literal(form: str) -> str:
    """One word or phrase as a quoted `to_tsquery` operand: the configuration still stems
    it, a phrase becomes `<->`, and nothing typed can act as an operator."""
    return "'" + form.replace("\\", "\\\\").replace("'", "\\'") + "'"


_LEXEME = re.compile(r"'(?:[^']|'')*'")


def _without_subsumed(operands: list[str]) -> list[str]:
    """The non-empty operands of one OR, less those that require a lexeme which is itself
    an operand: `refoul | non <-> refoul` matches exactly the documents `refoul` does, and
    the phrase would only be tested again on each of them."""
    single = {o for o in operands if _LEXEME.fullmatch(o)}

    def subsumed(operand: str) -> bool:
        lexemes = _LEXEME.findall(operand)
        conjunctive = not set(_LEXEME.sub("", operand)) & set("|!")
        return conjunctive and len(lexemes) > 1 and any(lex in single for lex in lexemes)

    return [o for o in operands if o and not subsumed(o)]


def render(runs: list[list[Item]], stems: Mapping[str, str]) -> str:
    """The parsed query as `tsquery` text, given each form's own `to_tsquery` text in one
    configuration (empty for a stop word, which drops out as `to_tsquery` drops it)."""
    out = []
    for run in runs:
        items = []
        for item in run:
            either = _without_subsumed(list(dict.fromkeys(stems[f] for f in item.forms)))
            if either:
                joined = " | ".join(f"({operand})" for operand in either)
                items.append(f"!({joined})" if item.negated else f"({joined})")
        if items:
            out.append(f"({' & '.join(items)})")
    return " | ".join(out)


def terms(runs: list[list[Item]], stems: Mapping[str, str]) -> tuple[str, ...]:
    """The lexemes the rendered query asks for (excluded ones aside), each once: what
    ranks the documents it matches."""
    found: dict[str, None] = {}
    for run in runs:
        for item in run:
            if not item.negated:
                for operand in _without_subsumed([stems[f] for f in item.forms]):
                    for lexeme in _LEXEME.findall(operand):
                        found[lexeme[1:-1].replace("''", "'")] = None
    return tuple(found)


def parse(q: str) -> list[list[Item]]:
    """The query read as web search syntax is: runs joined by `OR`, each a list of items that
    are all required (words and quoted phrases) or excluded (`-`)."""
    language = multilingual.language_of(q)
    dropped = multilingual.FUNCTION_WORDS[language] if language != "en" else frozenset()
    table = _groups()
    runs: list[list[Item]] = [[]]
    words: list[str] = []  # a sequence of bare words, looked up as phrases

    def flush() -> None:
        keys = [_key(w) for w in words]
        i = 0
        while i < len(words):
            for n in range(min(MAX_PHRASE, len(words) - i), 0, -1):
                key = tuple(part for k in keys[i : i + n] for part in k)
                if key and all(keys[i : i + n]) and key in table:
                    runs[-1].append(Item(table[key]))
                    i += n
                    break
            else:
                if not (keys[i] and len(keys[i]) == 1 and keys[i][0] in dropped):
                    runs[-1].append(Item((words[i],)))
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
            runs[-1].append(Item(forms or (typed,), negated))
    flush()
    return [run for run in runs if run]
