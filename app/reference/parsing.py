"""Parse what litigators type into a canonical provision reference (instrument id + article path).

The module's one job: turn "ECHR art. 5 § 1 (f)", "artículo 22(7) CADH" or "article 4 du
Protocole n° 4" into ``ProvisionRef("ECHR", "5-1-f")`` and friends, and split the ``article``
strings of the reference data ("5, 12(3)", "1(1)-(3), 5") into single provisions. It is pure: no
I/O at import or call time, no database. Resolving an instrument id against stored instruments is
the caller's job; callers may pass extra aliases (e.g. short codes loaded from the database).

Conventions
-----------
Key
    ``"<instrument id>:<path>"``, e.g. ``"ECHR:5-1-f"``, ``"ECHR-P4:4"``, ``"REF1967:I-1"``,
    ``"HRC-GC31:para-12"``. :func:`parse_key` accepts exactly this form and nothing looser.
Path
    Dash-separated segments. An article path starts with the article number (``5``, ``1A``,
    roman ``XXVII``, or a single letter such as the Revised Social Charter's ``E``), followed by
    at most six subdivisions: numbers, single lower-case letters or lower-case roman numerals
    (``5(d)(ii)`` -> ``5-d-ii``). Letter suffixes of article numbers are upper-cased
    (``1A``, ``16A``). Soft-law and statutory texts numbered otherwise use a designator first:
    ``para-12``, ``principle-16-2``, ``objective-21``, ``guideline-1``, ``rule-43``,
    ``section-198A``; a designator other than ``para`` may carry a paragraph
    (``objective-13-para-29-h`` for "Objective 13 (para. 29(h))").
Dashes
    In typed text and canonical paths a dash separates subdivisions ("5-1-f" is 5(1)(f)). In
    the reference data's ``article`` lists a dash between two numbers is a range ("1-3, 24"),
    so :func:`split_articles` expands ranges and :func:`canonical_path` never sees them.
Instruments
    :data:`INSTRUMENT_ALIASES` maps ids, short codes, and English, Spanish and French names and
    abbreviations to ids; matching ignores case, accents and punctuation and takes the longest
    alias. Words that name no single instrument on their own ("the Convention", "Covenant",
    "Charter", "Protocol", "Declaration"...) are rejected unless the text also names the
    instrument, or a protocol of it ("Protocol No. 4 to the Convention" is ECHR-P4).
Errors
    Everything that cannot be read raises :class:`ProvisionParseError` (a ``ValueError``) whose
    message quotes the input and says what was not understood.
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

__all__ = [
    "INSTRUMENT_ALIASES",
    "ProvisionParseError",
    "ProvisionRef",
    "canonical_path",
    "label_for",
    "parse_key",
    "parse_provision",
    "split_articles",
]


class ProvisionParseError(ValueError):
    """Text that is not a provision reference; the message says what was not understood."""


# --------------------------------------------------------------------------- canonical paths

_NUM = r"[1-9][0-9]{0,4}"
_SUB = rf"(?:{_NUM}|[a-z]|[ivx]{{2,6}})"
# O is left out of article-number suffixes because a typed "1º" means "first", not "1O".
_HEAD_SUFFIX = "[A-NP-Z]"
_DESIGNATOR_KINDS: Final = ("para", "principle", "objective", "guideline", "section", "rule")
_PATH_RE: Final = re.compile(
    rf"(?:(?P<head>{_NUM}{_HEAD_SUFFIX}?|[A-Z]|[IVXLCDM]{{2,15}})"
    rf"|(?P<kind>{'|'.join(_DESIGNATOR_KINDS)})-(?P<number>{_NUM}{_HEAD_SUFFIX}?))"
    rf"(?P<subs>(?:-{_SUB}){{0,6}})"
    rf"(?:-para-(?P<para>{_NUM})(?P<para_subs>(?:-{_SUB}){{0,6}}))?"
)
_ID_RE: Final = re.compile(r"[A-Z0-9]+(?:-[A-Z0-9]+)*")
_ROMAN_RE: Final = re.compile(r"M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})")
_KIND_LABELS: Final = {
    "para": "Para.",
    "principle": "Principle",
    "objective": "Objective",
    "guideline": "Guideline",
    "section": "s.",
    "rule": "Rule",
}
_MAX_SUBS: Final = 6
_MAX_TEXT: Final = 500


def _is_roman(word: str) -> bool:
    return bool(word) and _ROMAN_RE.fullmatch(word.upper()) is not None


def _match_path(path: str) -> re.Match[str]:
    m = _PATH_RE.fullmatch(path)
    if m is None:
        raise ProvisionParseError(f"not a canonical provision path: {path!r}")
    head = m["head"]
    if head and len(head) > 1 and head.isalpha() and not _is_roman(head):
        raise ProvisionParseError(f"not a canonical provision path: {path!r} ({head} is not roman)")
    if m["para"] and m["kind"] in (None, "para"):
        raise ProvisionParseError(f"not a canonical provision path: {path!r} (misplaced para)")
    for group in ("subs", "para_subs"):
        for sub in (m[group] or "").split("-")[1:]:
            if len(sub) > 1 and sub.isalpha() and not _is_roman(sub):
                raise ProvisionParseError(f"not a canonical provision path: {path!r} ({sub!r})")
    return m


def _parens(subs: str | None) -> str:
    return "".join(f"({s})" for s in (subs or "").split("-")[1:])


def label_for(path: str) -> str:
    """Display label of a canonical path: ``"5-1-f"`` -> ``"Art. 5(1)(f)"``, ``"para-12"`` ->
    ``"Para. 12"``, ``"objective-21-para-37"`` -> ``"Objective 21, para. 37"``."""
    m = _match_path(path)
    if m["head"]:
        return f"Art. {m['head']}{_parens(m['subs'])}"
    label = f"{_KIND_LABELS[m['kind']]} {m['number']}{_parens(m['subs'])}"
    if m["para"]:
        label += f", para. {m['para']}{_parens(m['para_subs'])}"
    return label


@dataclass(frozen=True, slots=True)
class ProvisionRef:
    """One provision of one instrument, e.g. ``ProvisionRef("ECHR", "5-1-f")``."""

    instrument_id: str
    path: str

    def __post_init__(self) -> None:
        # Validated here so that every ProvisionRef, however built, round-trips through its key.
        if not isinstance(self.instrument_id, str) or not _ID_RE.fullmatch(self.instrument_id):
            raise ProvisionParseError(f"not an instrument id: {self.instrument_id!r}")
        if not isinstance(self.path, str):
            raise ProvisionParseError(f"not a canonical provision path: {self.path!r}")
        _match_path(self.path)

    @property
    def key(self) -> str:
        """``"ECHR:5-1-f"``."""
        return f"{self.instrument_id}:{self.path}"

    @property
    def label(self) -> str:
        """``"Art. 5(1)(f)"``; the instrument is not part of the label."""
        return label_for(self.path)


def parse_key(key: str) -> ProvisionRef:
    """Read the strict ``"<instrument id>:<canonical path>"`` form of ``ProvisionRef.key``."""
    instrument_id, sep, path = key.partition(":")
    if not sep:
        raise ProvisionParseError(f"provision key {key!r} has no ':' between instrument and path")
    if not _ID_RE.fullmatch(instrument_id):
        raise ProvisionParseError(f"provision key {key!r}: {instrument_id!r} is not an id")
    return ProvisionRef(instrument_id, path)


# --------------------------------------------------------------------------- text folding

_TRANSLATE: Final = str.maketrans(
    {
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u2018": "'",
        "\u2019": "'",
        "\u02bc": "'",
        "\u00b4": "'",
        "\u00a0": " ",
    }
)
# "No. 4", "n° 4", "nº 4" (folds to "no 4"), "n.º 4" (folds to "n.o 4"), "Nr. 4": the number word
# carries nothing, and dropping it lets "Protocol No. 4" and "Protocole n° 4" meet "protocol 4".
_NUMBER_WORD_RE: Final = re.compile(
    r"\b(?:numero|number|nros?|nr|nos?|n)\s*[.\u00b0]?\s*(?:o\b\s*\.?\s*)?(?=[0-9])"
)
# UK shorthand "A1P1" is article 1 of Protocol No. 1.
_AXPY_RE: Final = re.compile(r"\ba([0-9]{1,3})p([0-9]{1,2})\b")


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.translate(_TRANSLATE))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return bare.casefold().translate(_TRANSLATE)


def _prepare(text: str) -> str:
    folded = _NUMBER_WORD_RE.sub(" ", _fold(text))
    return _AXPY_RE.sub(r"p\2-\1", folded)


# --------------------------------------------------------------------------- article grammar

_ARTICLE_WORDS: Final = frozenset(
    {"art", "arts", "artt", "article", "articles", "articulo", "articulos"}
)
_PARA_WORDS: Final = frozenset(
    {
        "para",
        "paras",
        "paragraph",
        "paragraphs",
        "paragraphe",
        "paragraphes",
        "par",
        "parr",
        "parrafo",
        "parrafos",
    }
)
_DESIGNATORS: Final[Mapping[str, str]] = MappingProxyType(
    {
        **dict.fromkeys(_PARA_WORDS, "para"),
        **dict.fromkeys(
            ("principle", "principles", "principio", "principios", "principe", "principes"),
            "principle",
        ),
        **dict.fromkeys(
            ("objective", "objectives", "objetivo", "objetivos", "objectif", "objectifs"),
            "objective",
        ),
        **dict.fromkeys(("guideline", "guidelines", "directriz", "directrices"), "guideline"),
        **dict.fromkeys(
            ("section", "sections", "s", "ss", "sec", "secs", "seccion", "secciones"), "section"
        ),
        **dict.fromkeys(("rule", "rules", "regla", "reglas", "regle", "regles"), "rule"),
    }
)
_PLURAL_WORDS: Final = frozenset(
    {"arts", "artt", "articles", "articulos", "ss", "secciones", "directrices"}
    | {w for w in _DESIGNATORS if w.endswith("s") and w[:-1] in _DESIGNATORS}
)
# Words that introduce a subdivision after the article number ("§ 1", "para. 1", "alinéa 2",
# "inciso 8", "lit. a").
_SUB_MARKERS: Final = _PARA_WORDS | frozenset(
    {
        "al",
        "alinea",
        "alineas",
        "inciso",
        "inc",
        "numeral",
        "lit",
        "litt",
        "litera",
        "literal",
        "letter",
        "lettre",
        "letra",
        "sub",
        "subpara",
        "subparagraph",
        "point",
        "punto",
        "apartado",
        "apdo",
    }
)
_LIST_WORDS: Final = frozenset({"and", "y", "et", "with", "con", "avec", "to", "or", "o", "ou"})
_TOKEN_RE: Final = re.compile(
    r"\s*(?:(?P<num>[0-9]+)(?:(?P<ord>er|re|o|\u00b0)|(?P<suf>[a-z]))?(?![a-z0-9])"
    r"|(?P<word>[a-z]+)|(?P<punct>[().,\u00a7\u00b6-]))"
)
_SUBPARA_RE: Final = re.compile(r"\bsub[\s-]*(?=para)")
# "l'article 3", "el artículo 22.8", "the article 5" as pasted from running prose.
_DETERMINER_RE: Final = re.compile(r"^(?:l'\s*|(?:el|le|the)\s+)(?=[a-z])")
_PROTOCOL_REF_RE: Final = re.compile(r"p[0-9]{1,2}\s*-")


@dataclass(frozen=True, slots=True)
class _Tok:
    kind: str  # "num" | "word" | "punct"
    text: str
    suffix: str = ""


def _tokenize(text: str, source: str) -> list[_Tok]:
    tokens: list[_Tok] = []
    pos = 0
    end = len(text.rstrip())
    while pos < end:
        m = _TOKEN_RE.match(text, pos)
        if m is None or m.end() == pos:
            bad = text[pos:end].split()[0] if text[pos:end].split() else text[pos:end]
            raise ProvisionParseError(f"could not understand {bad!r} in {source!r}")
        if m["num"] is not None:
            tokens.append(_Tok("num", m["num"], m["suf"] or ""))
        elif m["word"] is not None:
            tokens.append(_Tok("word", m["word"]))
        else:
            tokens.append(_Tok("punct", m["punct"]))
        pos = m.end()
    return tokens


def _number(digits: str, source: str) -> str:
    value = digits.lstrip("0")
    if not value:
        raise ProvisionParseError(f"numbering starts at 1, not {digits!r}, in {source!r}")
    if len(value) > 5:
        raise ProvisionParseError(f"number {digits!r} is too long in {source!r}")
    return value


class _PathParser:
    """Recursive-descent reader of one provision's article part (already folded)."""

    def __init__(self, tokens: list[_Tok], source: str) -> None:
        self.toks = tokens
        self.i = 0
        self.source = source

    # -- token helpers
    def _peek(self, ahead: int = 0) -> _Tok | None:
        j = self.i + ahead
        return self.toks[j] if j < len(self.toks) else None

    def _is(self, kind: str, texts: frozenset[str] | str, ahead: int = 0) -> bool:
        tok = self._peek(ahead)
        if tok is None or tok.kind != kind:
            return False
        return tok.text in texts if isinstance(texts, frozenset) else tok.text == texts

    def _error(self, what: str) -> ProvisionParseError:
        return ProvisionParseError(f"{what} in {self.source!r}")

    def _unexpected(self) -> ProvisionParseError:
        tok = self._peek()
        if tok is None:
            return self._error("unexpected end")
        return self._error(f"could not understand {tok.text + tok.suffix!r}")

    def _skip_dot(self) -> None:
        if self._is("punct", "."):
            self.i += 1

    def _is_marker(self) -> bool:
        return self._is("word", _SUB_MARKERS) or self._is("punct", frozenset({"\u00a7", "\u00b6"}))

    # -- grammar
    def parse(self) -> str:
        plural = False
        while self._is("word", _ARTICLE_WORDS):
            plural = plural or self._is("word", _PLURAL_WORDS)
            self.i += 1
            self._skip_dot()
        tok = self._peek()
        if tok is None:
            raise self._error("no article number")
        if (tok.kind == "word" and tok.text in _DESIGNATORS) or self._is("punct", "\u00b6"):
            kind = _DESIGNATORS.get(tok.text, "para")
            plural = plural or tok.text in _PLURAL_WORDS
            self.i += 1
            self._skip_dot()
            if self._is("punct", "-"):
                self.i += 1
            segments = [kind, self._numbered_head()]
            segments += self._subs(chain_allowed=kind != "para", closing=False)
        else:
            segments = [self._article_head(), *self._subs(chain_allowed=False, closing=False)]
        if self.i != len(self.toks):
            raise self._unexpected()
        if plural and any(t.kind == "punct" and t.text == "-" for t in self.toks):
            raise self._error("a range names several provisions; split it with split_articles")
        path = "-".join(segments)
        try:
            _match_path(path)
        except ProvisionParseError:
            raise self._error(f"too many subdivisions ({path!r})") from None
        return path

    def _article_head(self) -> str:
        tok = self._peek()
        if tok is None:
            raise self._error("no article number")
        self.i += 1
        if tok.kind == "num":
            return _number(tok.text, self.source) + tok.suffix.upper()
        if tok.kind == "word" and (len(tok.text) == 1 or _is_roman(tok.text)):
            return tok.text.upper()
        self.i -= 1
        if tok.kind == "word":
            raise self._error(f"{tok.text!r} is not an article number")
        raise self._unexpected()

    def _numbered_head(self) -> str:
        tok = self._peek()
        if tok is None or tok.kind != "num":
            raise self._error("a number must follow the paragraph, principle or section word")
        self.i += 1
        return _number(tok.text, self.source) + tok.suffix.upper()

    def _sub(self) -> list[str]:
        tok = self._peek()
        if tok is None:
            raise self._error("a subdivision is missing at the end")
        if tok.kind == "num":
            self.i += 1
            return [_number(tok.text, self.source), *([tok.suffix] if tok.suffix else [])]
        if tok.kind == "word" and (
            len(tok.text) == 1
            or (len(tok.text) <= 6 and set(tok.text) <= set("ivx") and _is_roman(tok.text))
        ):
            self.i += 1
            return [tok.text]
        if tok.kind == "word" and tok.text in _LIST_WORDS:
            raise self._error("several provisions are named; cite one at a time")
        raise self._unexpected()

    def _expect(self, punct: str) -> None:
        if not self._is("punct", punct):
            raise self._error(f"expected {punct!r}") if self._peek() is None else self._unexpected()
        self.i += 1

    def _chain(self) -> list[str]:
        self.i += 1  # the paragraph word
        self._skip_dot()
        if self._is("punct", "-"):
            self.i += 1
        return ["para", self._numbered_head(), *self._subs(chain_allowed=False, closing=True)]

    def _subs(self, *, chain_allowed: bool, closing: bool) -> list[str]:
        subs: list[str] = []
        after_close = False
        while (tok := self._peek()) is not None:
            if len(subs) > 3 * _MAX_SUBS:
                raise self._error("too many subdivisions")
            closed = False
            if closing and self._is("punct", ")"):
                break
            if chain_allowed and self._is("word", _PARA_WORDS):
                subs += self._chain()
                chain_allowed = False
            elif self._is("punct", "("):
                self.i += 1
                if chain_allowed and self._is("word", _PARA_WORDS):
                    subs += self._chain()
                    chain_allowed = False
                else:
                    if self._is_marker():
                        self.i += 1
                        self._skip_dot()
                    subs += self._sub()
                self._expect(")")
                closed = True
            elif self._is("punct", frozenset({".", "-"})):
                self.i += 1
                if tok.text == "." and self._peek() is None:
                    break
                if chain_allowed and self._is("word", _PARA_WORDS):
                    subs += self._chain()
                    chain_allowed = False
                else:
                    subs += self._sub()
            elif self._is("punct", ","):
                self.i += 1
                if not (self._is_marker() or (chain_allowed and self._is("word", _PARA_WORDS))):
                    raise self._error("several provisions are named; cite one at a time")
            elif self._is_marker():
                self.i += 1
                self._skip_dot()
                if self._is("punct", "("):
                    self.i += 1
                    subs += self._sub()
                    self._expect(")")
                    closed = True
                else:
                    subs += self._sub()
                    if self._is("punct", ")") and not closing:
                        self.i += 1
                        closed = True
            elif tok.kind == "word" and tok.text in _LIST_WORDS and not self._is("punct", ")", 1):
                raise self._error("several provisions are named; cite one at a time")
            elif tok.kind in ("num", "word") and (after_close or self._is("punct", ")", 1)):
                subs += self._sub()
                if self._is("punct", ")") and not closing:
                    self.i += 1
                    closed = True
            else:
                raise self._unexpected()
            after_close = closed
        return subs


def _annotation_start(text: str) -> int | None:
    """Index where a trailing note such as "(as amended 2004)" or "[from memory]" begins."""
    stripped = text.rstrip()
    if not stripped or stripped[-1] not in ")]":
        return None
    close = stripped[-1]
    opener = "(" if close == ")" else "["
    depth = 0
    for j in range(len(stripped) - 1, -1, -1):
        c = stripped[j]
        if c == close:
            depth += 1
        elif c == opener:
            depth -= 1
            if depth == 0:
                inner = _fold(stripped[j + 1 : -1]).strip()
                if close == "]":
                    return j
                # A short bracketed word such as "(ff)" is a garbled subdivision, not a note.
                if _is_structural(inner) or not (" " in inner or len(inner) >= 4):
                    return None
                return j
    return None  # unbalanced: "f)" in French usage is structure, not a note


def _is_structural(inner: str) -> bool:
    """True for "(1)", "(f)", "(ii)", "(para. 37)": parts of the reference, not a note on it."""
    if re.fullmatch(r"[0-9]+|[a-z]|[ivx]{1,6}", inner):
        return True
    first = re.match(r"[a-z]+", inner)
    return first is not None and (first.group() in _PARA_WORDS or first.group() in _SUB_MARKERS)


def _strip_annotations(text: str) -> str:
    while (start := _annotation_start(text)) is not None:
        text = text[:start]
    return text.strip()


def _unwrap(text: str) -> str:
    """ "(art. 5)" -> "art. 5", when the brackets enclose the whole text."""
    if not (text.startswith("(") and text.endswith(")")):
        return text
    depth = 0
    for j, c in enumerate(text):
        depth += {"(": 1, ")": -1}.get(c, 0)
        if depth == 0:
            return text[1:-1].strip() if j == len(text) - 1 else text
    return text


def _path_from_folded(folded: str, source: str) -> str:
    text = _DETERMINER_RE.sub("", _SUBPARA_RE.sub("sub", folded).strip(), count=1)
    text = _strip_annotations(_unwrap(text))
    if not text:
        raise ProvisionParseError(f"no article number in {source!r}")
    if _PROTOCOL_REF_RE.match(text):
        raise ProvisionParseError(
            f"{source!r} names a provision of a protocol; give the instrument too "
            "(e.g. 'ECHR P1-1') and use parse_provision"
        )
    return _PathParser(_tokenize(text, source), source).parse()


def canonical_path(article: str) -> str:
    """Canonical path of one article reference, without instrument.

    ``"5(1)(f)"``, ``"5 § 1 (f)"``, ``"5.1.f"``, ``"Art. 5 para. 1 (f)"`` -> ``"5-1-f"``;
    ``"I(1)"`` -> ``"I-1"``; ``"para. 12"`` -> ``"para-12"``. Trailing notes in brackets are
    ignored ("s 10 (dignity)" -> ``"section-10"``). Lists and ranges raise; split them first with
    :func:`split_articles`.
    """
    if len(article) > _MAX_TEXT:
        raise ProvisionParseError(f"article reference is too long ({len(article)} characters)")
    return _path_from_folded(_prepare(article).strip(), article)


# --------------------------------------------------------------------------- article lists

_GROUP_SEPARATOR: Final = re.compile(r"\s*;\s*")
_ITEM_SEPARATOR: Final = re.compile(r"\s*,\s*|\s*&\s*|\s+(?:and|y|et|with)\s+", re.IGNORECASE)
_LEADING_WORD: Final = re.compile(r"(?P<word>[^\W\d_]+)(?P<dot>\.?)\s*(?P<rest>.*)", re.S)
_BARE_RANGE: Final = re.compile(r"([0-9]{1,5})\s*-\s*([0-9]{1,5})")
_PAREN_RANGE: Final = re.compile(
    r"(?P<base>.*?)\((?P<a>[0-9]{1,5}|[a-z]{1,6})\)\s*-\s*\((?P<b>[0-9]{1,5}|[a-z]{1,6})\)",
    re.S,
)
_MAX_RANGE: Final = 200


def _split_top_level(text: str, separator: re.Pattern[str]) -> list[str]:
    """Split on ``separator`` outside brackets, so notes such as "(guardianship; consent to
    removal)" or "(with Citizenship Act 1955, s. 5)" stay attached to their item."""
    parts: list[str] = []
    depth = 0
    start = i = 0
    while i < len(text):
        c = text[i]
        if c in "([":
            depth += 1
        elif c in ")]":
            depth = max(0, depth - 1)
        elif depth == 0 and (m := separator.match(text, i)) is not None and m.end() > i:
            parts.append(text[start:i])
            start = i = m.end()
            continue
        i += 1
    parts.append(text[start:])
    return [p.strip() for p in parts]


def _range_values(a: str, b: str, source: str) -> list[str]:
    if a.isdigit() and b.isdigit():
        lo, hi = int(a), int(b)
        values = [str(k) for k in range(lo, hi + 1)]
    elif a.isalpha() and b.isalpha():
        small_roman = set(a + b) <= set("ivx") and _is_roman(a) and _is_roman(b)
        if small_roman and (len(a) > 1 or len(b) > 1 or {a, b} <= {"i", "v", "x"}):
            numerals = [_to_roman(k).lower() for k in range(1, 40)]
            lo, hi = numerals.index(a), numerals.index(b)
            values = numerals[lo : hi + 1]
        elif len(a) == 1 and len(b) == 1:
            lo, hi = ord(a), ord(b)
            values = [chr(k) for k in range(lo, hi + 1)]
        else:
            raise ProvisionParseError(f"cannot expand the range {a!r}-{b!r} in {source!r}")
    else:
        raise ProvisionParseError(f"cannot expand the range {a!r}-{b!r} in {source!r}")
    if hi <= lo:
        raise ProvisionParseError(f"the range {a!r}-{b!r} runs backwards in {source!r}")
    if len(values) > _MAX_RANGE:
        raise ProvisionParseError(f"the range {a!r}-{b!r} is too long to expand in {source!r}")
    return values


def _to_roman(value: int) -> str:
    out = ""
    for numeral, amount in (("X", 10), ("IX", 9), ("V", 5), ("IV", 4), ("I", 1)):
        while value >= amount:
            out += numeral
            value -= amount
    return out


def _expand_range(core: str, source: str) -> list[str] | None:
    """``"19-23"`` -> 19..23, ``"1(1)-(3)"`` -> 1(1)..1(3); None if ``core`` is not a range."""
    bare = _BARE_RANGE.fullmatch(core)
    if bare is not None:
        # "5-1" is the typed form of 5(1), not a backwards range.
        if int(bare[1]) >= int(bare[2]):
            return None
        return _range_values(bare[1], bare[2], source)
    paren = _PAREN_RANGE.fullmatch(core)
    if paren is None:
        return None
    a, b = paren["a"].lower(), paren["b"].lower()
    return [f"{paren['base']}({v})" for v in _range_values(a, b, source)]


def _reads_as_provision(item: str) -> bool:
    try:
        canonical_path(item)
    except ProvisionParseError:
        # "14 with P1-1": a provision of a protocol, resolved by the caller with parse_provision.
        return bool(re.fullmatch(r"P[0-9]{1,2}-[0-9]{1,5}(?:\([0-9a-z]{1,5}\))*", item.strip()))
    return True


def _expand_items(parts: list[str], source: str) -> list[str] | None:
    """Single provisions of one list, or None when some part is not a provision reference."""
    designator = ""
    items: list[str] = []
    for part in parts:
        lead = _LEADING_WORD.fullmatch(part)
        rest = part
        if lead is not None:
            word = _fold(lead["word"])
            if word in _ARTICLE_WORDS:
                designator, rest = "", lead["rest"]
            elif word in _DESIGNATORS:
                plural = word.endswith("s") and word[:-1] in _DESIGNATORS
                singular = lead["word"][:-1] if plural else lead["word"]
                designator, rest = singular + lead["dot"], lead["rest"]
        expanded = _expand_range(_strip_annotations(rest), source)
        pieces = expanded if expanded is not None else [rest.strip()]
        for piece in pieces:
            item = f"{designator} {piece}" if designator else piece
            if not item or not _reads_as_provision(item):
                return None
            items.append(item)
    return items


def split_articles(article: str) -> list[str]:
    """Split a reference-data ``article`` string into single provisions.

    ``"6, 7"`` -> ``["6", "7"]``; ``"1(1)-(3), 5"`` -> ``["1(1)", "1(2)", "1(3)", "5"]``;
    ``"10(2), 17; 14 with 3"`` -> ``["10(2)", "17", "14", "3"]``; ``"Objectives 2 and 5"`` ->
    ``["Objective 2", "Objective 5"]``. A designator word is carried over, in the singular, to
    the bare numbers after it ("ss 10, 29" -> ``["s 10", "s 29"]``); "Art."/"Arts." is dropped.
    A list that does not read item by item as provisions ("whole", "Ch. V, Reg. 33",
    "8 U.S.C. 1101(a)(42), 1158 (well-founded fear)") is returned whole, one item per
    ";"-separated group, so no text is lost; :func:`canonical_path` rejects such items. Notes in
    brackets stay on their item, except in an expanded range. Raises
    :class:`ProvisionParseError` only for a range that runs backwards or has over 200 items.
    """
    text = " ".join(article.translate(_TRANSLATE).split())
    if len(text) > _MAX_TEXT * 4:
        raise ProvisionParseError(f"article list is too long ({len(text)} characters)")
    items: list[str] = []
    for group in _split_top_level(text, _GROUP_SEPARATOR):
        if not group:
            continue
        parts = [p for p in _split_top_level(group, _ITEM_SEPARATOR) if p]
        expanded = _expand_items(parts, article) if parts else None
        items.extend(expanded if expanded is not None else [group])
    return items


# --------------------------------------------------------------------------- instruments

# Alias -> instrument id. Ids and short codes come from instruments.yaml and
# ratifications/instruments_extra.yaml; the rest are names and abbreviations in English, Spanish
# and French. Keys are written as people write them; lookups fold case, accents, punctuation
# and "No."/"n°". Optional-clause declarations (CAT-ART22 ...) are left out on purpose: "CAT
# art. 22" cites the treaty article, not the declaration.
_ALIASES: Final[dict[str, str]] = {
    # ---- UN core treaties
    "UDHR": "UDHR",
    "Universal Declaration": "UDHR",
    "Universal Declaration of Human Rights": "UDHR",
    "DUDH": "UDHR",
    "Déclaration universelle des droits de l'homme": "UDHR",
    "Declaración Universal de Derechos Humanos": "UDHR",
    "Declaración Universal de los Derechos Humanos": "UDHR",
    "ICCPR": "ICCPR",
    "CCPR": "ICCPR",
    "International Covenant on Civil and Political Rights": "ICCPR",
    "Covenant on Civil and Political Rights": "ICCPR",
    "PIDCP": "ICCPR",
    "Pacto Internacional de Derechos Civiles y Políticos": "ICCPR",
    "Pacte international relatif aux droits civils et politiques": "ICCPR",
    "ICCPR-OP1": "ICCPR-OP1",
    "ICCPR-OP": "ICCPR-OP1",
    "First Optional Protocol": "ICCPR-OP1",
    "First Optional Protocol to the ICCPR": "ICCPR-OP1",
    "Optional Protocol to the ICCPR": "ICCPR-OP1",
    "Optional Protocol to the International Covenant on Civil and Political Rights": "ICCPR-OP1",
    "Protocolo Facultativo del Pacto Internacional de Derechos Civiles y Políticos": "ICCPR-OP1",
    "Protocole facultatif se rapportant au Pacte international relatif aux droits civils et "
    "politiques": "ICCPR-OP1",
    "ICCPR-OP2": "ICCPR-OP2",
    "Second Optional Protocol": "ICCPR-OP2",
    "Second Optional Protocol to the ICCPR": "ICCPR-OP2",
    "ICESCR": "ICESCR",
    "CESCR": "ICESCR",
    "International Covenant on Economic, Social and Cultural Rights": "ICESCR",
    "PIDESC": "ICESCR",
    "Pacto Internacional de Derechos Económicos, Sociales y Culturales": "ICESCR",
    "Pacte international relatif aux droits économiques, sociaux et culturels": "ICESCR",
    "ICESCR-OP": "ICESCR-OP",
    "OP-ICESCR": "ICESCR-OP",
    "Optional Protocol to the ICESCR": "ICESCR-OP",
    "Optional Protocol to the International Covenant on Economic, Social and Cultural "
    "Rights": "ICESCR-OP",
    "ICERD": "ICERD",
    "CERD": "ICERD",
    "CIEDR": "ICERD",
    "Racial Discrimination Convention": "ICERD",
    "International Convention on the Elimination of All Forms of Racial Discrimination": "ICERD",
    "Convención Internacional sobre la Eliminación de todas las Formas de Discriminación "
    "Racial": "ICERD",
    "Convention internationale sur l'élimination de toutes les formes de discrimination "
    "raciale": "ICERD",
    "CEDAW": "CEDAW",
    "Convention on the Elimination of All Forms of Discrimination against Women": "CEDAW",
    "Convención sobre la eliminación de todas las formas de discriminación contra la "
    "mujer": "CEDAW",
    "Convention sur l'élimination de toutes les formes de discrimination à l'égard des "
    "femmes": "CEDAW",
    "CEDAW-OP": "CEDAW-OP",
    "OP-CEDAW": "CEDAW-OP",
    "Optional Protocol to CEDAW": "CEDAW-OP",
    "Optional Protocol to the CEDAW": "CEDAW-OP",
    "CAT": "CAT",
    "UNCAT": "CAT",
    "Convention against Torture": "CAT",
    "UN Convention against Torture": "CAT",
    "Torture Convention": "CAT",
    "Convention against Torture and Other Cruel, Inhuman or Degrading Treatment or "
    "Punishment": "CAT",
    "Convention contre la torture": "CAT",
    "Convention contre la torture et autres peines ou traitements cruels, inhumains ou "
    "dégradants": "CAT",
    "Convención contra la Tortura": "CAT",
    "Convención contra la Tortura y Otros Tratos o Penas Crueles, Inhumanos o Degradantes": "CAT",
    "OPCAT": "OPCAT",
    "OP-CAT": "OPCAT",
    "Optional Protocol to the Convention against Torture": "OPCAT",
    "CRC": "CRC",
    "UNCRC": "CRC",
    "Convention on the Rights of the Child": "CRC",
    "UN Convention on the Rights of the Child": "CRC",
    "CDN": "CRC",
    "Convención sobre los Derechos del Niño": "CRC",
    "CIDE": "CRC",
    "CDE": "CRC",
    "Convention internationale des droits de l'enfant": "CRC",
    "Convention internationale relative aux droits de l'enfant": "CRC",
    "Convention relative aux droits de l'enfant": "CRC",
    "CRC-OP3": "CRC-OP3",
    "OPIC": "CRC-OP3",
    "OP3-CRC": "CRC-OP3",
    "Third Optional Protocol to the CRC": "CRC-OP3",
    "Optional Protocol to the CRC on a communications procedure": "CRC-OP3",
    "CRC-OPSC": "CRC-OPSC",
    "OPSC": "CRC-OPSC",
    "Optional Protocol to the CRC on the sale of children": "CRC-OPSC",
    "CRC-OPAC": "CRC-OPAC",
    "OPAC": "CRC-OPAC",
    "Optional Protocol to the CRC on the involvement of children in armed conflict": "CRC-OPAC",
    "CMW": "CMW",
    "ICRMW": "CMW",
    "ICMW": "CMW",
    "Migrant Workers Convention": "CMW",
    "International Convention on the Protection of the Rights of All Migrant Workers and "
    "Members of Their Families": "CMW",
    "Convención Internacional sobre la Protección de los Derechos de Todos los Trabajadores "
    "Migratorios y de sus Familiares": "CMW",
    "Convención sobre los Trabajadores Migratorios": "CMW",
    "Convention internationale sur la protection des droits de tous les travailleurs migrants "
    "et des membres de leur famille": "CMW",
    "Convention sur les travailleurs migrants": "CMW",
    "CRPD": "CRPD",
    "CDPD": "CRPD",
    "Convention on the Rights of Persons with Disabilities": "CRPD",
    "Convención sobre los Derechos de las Personas con Discapacidad": "CRPD",
    "Convention relative aux droits des personnes handicapées": "CRPD",
    "CRPD-OP": "CRPD-OP",
    "OP-CRPD": "CRPD-OP",
    "Optional Protocol to the CRPD": "CRPD-OP",
    "CPED": "CPED",
    "ICPPED": "CPED",
    "CED": "CPED",
    "Enforced Disappearance Convention": "CPED",
    "International Convention for the Protection of All Persons from Enforced "
    "Disappearance": "CPED",
    "Convención Internacional para la Protección de Todas las Personas contra las "
    "Desapariciones Forzadas": "CPED",
    "Convention internationale pour la protection de toutes les personnes contre les "
    "disparitions forcées": "CPED",
    # ---- refugees and statelessness
    "REF1951": "REF1951",
    "1951 Convention": "REF1951",
    "1951 Refugee Convention": "REF1951",
    "Refugee Convention": "REF1951",
    "Refugees Convention": "REF1951",
    "Geneva Convention": "REF1951",
    "Geneva Refugee Convention": "REF1951",
    "Convention relating to the Status of Refugees": "REF1951",
    "Convention de Genève": "REF1951",
    "Convention de Genève de 1951": "REF1951",
    "Convention de 1951": "REF1951",
    "Convention relative au statut des réfugiés": "REF1951",
    "Convención de Ginebra": "REF1951",
    "Convención de 1951": "REF1951",
    "Convención sobre el Estatuto de los Refugiados": "REF1951",
    "REF1967": "REF1967",
    "1967 Protocol": "REF1967",
    "New York Protocol": "REF1967",
    "Protocol relating to the Status of Refugees": "REF1967",
    "Protocole de 1967": "REF1967",
    "Protocole relatif au statut des réfugiés": "REF1967",
    "Protocolo de 1967": "REF1967",
    "Protocolo sobre el Estatuto de los Refugiados": "REF1967",
    "STATELESS1954": "STATELESS1954",
    "1954 Convention": "STATELESS1954",
    "1954 Statelessness Convention": "STATELESS1954",
    "Convention relating to the Status of Stateless Persons": "STATELESS1954",
    "Convention relative au statut des apatrides": "STATELESS1954",
    "Convención sobre el Estatuto de los Apátridas": "STATELESS1954",
    "STATELESS1961": "STATELESS1961",
    "1961 Convention": "STATELESS1961",
    "1961 Statelessness Convention": "STATELESS1961",
    "Convention on the Reduction of Statelessness": "STATELESS1961",
    "Convention sur la réduction des cas d'apatridie": "STATELESS1961",
    "Convención para reducir los casos de apatridia": "STATELESS1961",
    "DECL-TERRITORIAL-ASYLUM": "DECL-TERRITORIAL-ASYLUM",
    "DTA 1967": "DECL-TERRITORIAL-ASYLUM",
    "Declaration on Territorial Asylum": "DECL-TERRITORIAL-ASYLUM",
    # ---- trafficking, smuggling, consular, maritime
    "UN-TIP": "UN-TIP",
    "Palermo Protocol": "UN-TIP",
    "Trafficking Protocol": "UN-TIP",
    "UN Trafficking Protocol": "UN-TIP",
    "Protocol to Prevent, Suppress and Punish Trafficking in Persons": "UN-TIP",
    "Protocole de Palerme": "UN-TIP",
    "Protocolo de Palermo": "UN-TIP",
    "UN-SOM": "UN-SOM",
    "Smuggling Protocol": "UN-SOM",
    "Migrant Smuggling Protocol": "UN-SOM",
    "Protocol against the Smuggling of Migrants by Land, Sea and Air": "UN-SOM",
    "Protocolo contra el tráfico ilícito de migrantes": "UN-SOM",
    "Protocole contre le trafic illicite de migrants": "UN-SOM",
    "VCCR": "VCCR",
    "Vienna Convention on Consular Relations": "VCCR",
    "Convención de Viena sobre Relaciones Consulares": "VCCR",
    "Convention de Vienne sur les relations consulaires": "VCCR",
    "UNCLOS": "UNCLOS",
    "LOSC": "UNCLOS",
    "CONVEMAR": "UNCLOS",
    "CNUDM": "UNCLOS",
    "United Nations Convention on the Law of the Sea": "UNCLOS",
    "Law of the Sea Convention": "UNCLOS",
    "SOLAS": "SOLAS",
    "SOLAS Convention": "SOLAS",
    "International Convention for the Safety of Life at Sea": "SOLAS",
    "SAR1979": "SAR1979",
    "SAR Convention": "SAR1979",
    "International Convention on Maritime Search and Rescue": "SAR1979",
    # ---- ILO, UNESCO, WHO
    "ILO-C97": "ILO-C97",
    "C097": "ILO-C97",
    "C97": "ILO-C97",
    "ILO Convention 97": "ILO-C97",
    "Convention 97": "ILO-C97",
    "Migration for Employment Convention": "ILO-C97",
    "ILO-C143": "ILO-C143",
    "C143": "ILO-C143",
    "ILO Convention 143": "ILO-C143",
    "Convention 143": "ILO-C143",
    "Migrant Workers (Supplementary Provisions) Convention": "ILO-C143",
    "ILO-C189": "ILO-C189",
    "C189": "ILO-C189",
    "ILO Convention 189": "ILO-C189",
    "Convention 189": "ILO-C189",
    "Domestic Workers Convention": "ILO-C189",
    "ILO-C29": "ILO-C29",
    "C029": "ILO-C29",
    "C29": "ILO-C29",
    "ILO Convention 29": "ILO-C29",
    "Convention 29": "ILO-C29",
    "Forced Labour Convention": "ILO-C29",
    "ILO-P29": "ILO-P29",
    "P029": "ILO-P29",
    "P29": "ILO-P29",
    "Forced Labour Protocol": "ILO-P29",
    "Protocol of 2014 to the Forced Labour Convention": "ILO-P29",
    "ILO-C87": "ILO-C87",
    "C087": "ILO-C87",
    "C87": "ILO-C87",
    "ILO Convention 87": "ILO-C87",
    "Convention 87": "ILO-C87",
    "Freedom of Association and Protection of the Right to Organise Convention": "ILO-C87",
    "ILO-C118": "ILO-C118",
    "C118": "ILO-C118",
    "ILO Convention 118": "ILO-C118",
    "Convention 118": "ILO-C118",
    "Equality of Treatment (Social Security) Convention": "ILO-C118",
    "UNESCO-CADE": "UNESCO-CADE",
    "CADE": "UNESCO-CADE",
    "Convention against Discrimination in Education": "UNESCO-CADE",
    "UNESCO Convention against Discrimination in Education": "UNESCO-CADE",
    "IHR2005": "IHR2005",
    "IHR (2005)": "IHR2005",
    "IHR": "IHR2005",
    "International Health Regulations": "IHR2005",
    # ---- UN declarations, compacts and soft law
    "DECL-NONNATIONALS-1985": "DECL-NONNATIONALS-1985",
    "1985 Declaration": "DECL-NONNATIONALS-1985",
    "Declaration on the Human Rights of Individuals who are not Nationals of the Country in "
    "which They Live": "DECL-NONNATIONALS-1985",
    "NYD2016": "NYD2016",
    "New York Declaration": "NYD2016",
    "New York Declaration for Refugees and Migrants": "NYD2016",
    "GCM": "GCM",
    "Global Compact for Migration": "GCM",
    "Global Compact for Safe, Orderly and Regular Migration": "GCM",
    "Pacto Mundial para la Migración": "GCM",
    "Pacto Mundial para la Migración Segura, Ordenada y Regular": "GCM",
    "Pacte mondial sur les migrations": "GCM",
    "Pacte mondial pour des migrations sûres, ordonnées et régulières": "GCM",
    "GCR": "GCR",
    "Global Compact on Refugees": "GCR",
    "Pacto Mundial sobre los Refugiados": "GCR",
    "Pacte mondial sur les réfugiés": "GCR",
    "GPID": "GPID",
    "Guiding Principles (IDPs)": "GPID",
    "Guiding Principles on Internal Displacement": "GPID",
    "OHCHR-BORDERS": "OHCHR-BORDERS",
    "OHCHR Border Principles": "OHCHR-BORDERS",
    "OHCHR Recommended Principles and Guidelines on Human Rights at International "
    "Borders": "OHCHR-BORDERS",
    "UNHCR-DET-GL": "UNHCR-DET-GL",
    "UNHCR Detention Guidelines": "UNHCR-DET-GL",
    "UNHCR-HANDBOOK": "UNHCR-HANDBOOK",
    "UNHCR Handbook": "UNHCR-HANDBOOK",
    "Handbook on Procedures and Criteria for Determining Refugee Status": "UNHCR-HANDBOOK",
    "BODY-PRINCIPLES-1988": "BODY-PRINCIPLES-1988",
    "Body of Principles": "BODY-PRINCIPLES-1988",
    "Body of Principles for the Protection of All Persons under Any Form of Detention or "
    "Imprisonment": "BODY-PRINCIPLES-1988",
    "MANDELA-RULES": "MANDELA-RULES",
    "Nelson Mandela Rules": "MANDELA-RULES",
    "Mandela Rules": "MANDELA-RULES",
    "Standard Minimum Rules for the Treatment of Prisoners": "MANDELA-RULES",
    "DDPA": "DDPA",
    "Durban Declaration": "DDPA",
    "Durban Declaration and Programme of Action": "DDPA",
    "ILC-EXPULSION": "ILC-EXPULSION",
    "ILC Expulsion Articles": "ILC-EXPULSION",
    "ILC Draft Articles on the Expulsion of Aliens": "ILC-EXPULSION",
    "Draft Articles on the Expulsion of Aliens": "ILC-EXPULSION",
    "COVID-14P": "COVID-14P",
    "14 Principles (COVID-19)": "COVID-14P",
    "14 Principles": "COVID-14P",
    "IMBR": "IMBR",
    "International Migrants Bill of Rights": "IMBR",
    # ---- treaty-body general comments and recommendations
    "HRC-GC15": "HRC-GC15",
    "HRC GC 15": "HRC-GC15",
    "HRC General Comment 15": "HRC-GC15",
    "CCPR General Comment 15": "HRC-GC15",
    "HRC-GC31": "HRC-GC31",
    "HRC GC 31": "HRC-GC31",
    "HRC General Comment 31": "HRC-GC31",
    "CCPR General Comment 31": "HRC-GC31",
    "HRC-GC35": "HRC-GC35",
    "HRC GC 35": "HRC-GC35",
    "HRC General Comment 35": "HRC-GC35",
    "CCPR General Comment 35": "HRC-GC35",
    "HRC-GC36": "HRC-GC36",
    "HRC GC 36": "HRC-GC36",
    "HRC General Comment 36": "HRC-GC36",
    "CCPR General Comment 36": "HRC-GC36",
    "CESCR-GC14": "CESCR-GC14",
    "CESCR GC 14": "CESCR-GC14",
    "CESCR General Comment 14": "CESCR-GC14",
    "CESCR-GC20": "CESCR-GC20",
    "CESCR GC 20": "CESCR-GC20",
    "CESCR General Comment 20": "CESCR-GC20",
    "CESCR-STMT-2017": "CESCR-STMT-2017",
    "CESCR Statement 2017": "CESCR-STMT-2017",
    "CERD-GR30": "CERD-GR30",
    "CERD GR 30": "CERD-GR30",
    "CERD General Recommendation 30": "CERD-GR30",
    "CERD-GR36": "CERD-GR36",
    "CERD GR 36": "CERD-GR36",
    "CERD General Recommendation 36": "CERD-GR36",
    "CMW-GC2": "CMW-GC2",
    "CMW GC 2": "CMW-GC2",
    "CMW General Comment 2": "CMW-GC2",
    "CMW-GC5": "CMW-GC5",
    "CMW GC 5": "CMW-GC5",
    "CMW General Comment 5": "CMW-GC5",
    "JGC-CMW3-CRC22": "JGC-CMW3-CRC22",
    "Joint GC CMW 3 / CRC 22": "JGC-CMW3-CRC22",
    "CMW GC 3": "JGC-CMW3-CRC22",
    "CRC GC 22": "JGC-CMW3-CRC22",
    "CMW General Comment 3": "JGC-CMW3-CRC22",
    "CRC General Comment 22": "JGC-CMW3-CRC22",
    "JGC-CMW4-CRC23": "JGC-CMW4-CRC23",
    "Joint GC CMW 4 / CRC 23": "JGC-CMW4-CRC23",
    "CMW GC 4": "JGC-CMW4-CRC23",
    "CRC GC 23": "JGC-CMW4-CRC23",
    "CMW General Comment 4": "JGC-CMW4-CRC23",
    "CRC General Comment 23": "JGC-CMW4-CRC23",
    "CRC-GC6": "CRC-GC6",
    "CRC GC 6": "CRC-GC6",
    "CRC General Comment 6": "CRC-GC6",
    "CAT-GC4": "CAT-GC4",
    "CAT GC 4": "CAT-GC4",
    "CAT General Comment 4": "CAT-GC4",
    "CEDAW-GR26": "CEDAW-GR26",
    "CEDAW GR 26": "CEDAW-GR26",
    "CEDAW General Recommendation 26": "CEDAW-GR26",
    "CEDAW-GR32": "CEDAW-GR32",
    "CEDAW GR 32": "CEDAW-GR32",
    "CEDAW General Recommendation 32": "CEDAW-GR32",
    "CED-GC1": "CED-GC1",
    "CED GC 1": "CED-GC1",
    "CED General Comment 1": "CED-GC1",
    "WGAD-DELIB5": "WGAD-DELIB5",
    "WGAD Deliberation 5": "WGAD-DELIB5",
    "WGAD Revised Deliberation 5": "WGAD-DELIB5",
    "CMW-SR-COVID-2020": "CMW-SR-COVID-2020",
    "CMW/SR Joint Guidance Note": "CMW-SR-COVID-2020",
    # ---- Council of Europe
    "ECHR": "ECHR",
    "European Convention": "ECHR",
    "European Convention on Human Rights": "ECHR",
    "European Convention for the Protection of Human Rights and Fundamental Freedoms": "ECHR",
    "Convention for the Protection of Human Rights and Fundamental Freedoms": "ECHR",
    "CEDH": "ECHR",
    "CESDH": "ECHR",
    "Convention européenne": "ECHR",
    "Convention européenne des droits de l'homme": "ECHR",
    "Convention européenne de sauvegarde des droits de l'homme et des libertés "
    "fondamentales": "ECHR",
    "Convention de sauvegarde des droits de l'homme et des libertés fondamentales": "ECHR",
    "Convenio Europeo": "ECHR",
    "Convenio Europeo de Derechos Humanos": "ECHR",
    "Convenio Europeo para la Protección de los Derechos Humanos y de las Libertades "
    "Fundamentales": "ECHR",
    "ECHR-P1": "ECHR-P1",
    "P1": "ECHR-P1",
    "Protocol 1": "ECHR-P1",
    "First Protocol": "ECHR-P1",
    "Protocole 1": "ECHR-P1",
    "Protocolo 1": "ECHR-P1",
    "ECHR-P4": "ECHR-P4",
    "P4": "ECHR-P4",
    "Protocol 4": "ECHR-P4",
    "Fourth Protocol": "ECHR-P4",
    "Protocole 4": "ECHR-P4",
    "Protocolo 4": "ECHR-P4",
    "ECHR-P7": "ECHR-P7",
    "P7": "ECHR-P7",
    "Protocol 7": "ECHR-P7",
    "Seventh Protocol": "ECHR-P7",
    "Protocole 7": "ECHR-P7",
    "Protocolo 7": "ECHR-P7",
    "ECHR-P12": "ECHR-P12",
    "P12": "ECHR-P12",
    "Protocol 12": "ECHR-P12",
    "Twelfth Protocol": "ECHR-P12",
    "Protocole 12": "ECHR-P12",
    "Protocolo 12": "ECHR-P12",
    "ESC-1961": "ESC-1961",
    "ESC (1961)": "ESC-1961",
    "European Social Charter": "ESC-1961",
    "Charte sociale européenne": "ESC-1961",
    "Carta Social Europea": "ESC-1961",
    "ESC-REV": "ESC-REV",
    "RESC": "ESC-REV",
    "ESC (revised)": "ESC-REV",
    "Revised European Social Charter": "ESC-REV",
    "European Social Charter (Revised)": "ESC-REV",
    "Charte sociale européenne révisée": "ESC-REV",
    "Carta Social Europea revisada": "ESC-REV",
    "ESC-CCP": "ESC-CCP",
    "Collective Complaints Protocol": "ESC-CCP",
    "COE-TRAFFICKING": "COE-TRAFFICKING",
    "CETS 197": "COE-TRAFFICKING",
    "ECAT": "COE-TRAFFICKING",
    "Council of Europe Convention on Action against Trafficking in Human Beings": (
        "COE-TRAFFICKING"
    ),
    "Convention on Action against Trafficking in Human Beings": "COE-TRAFFICKING",
    "ISTANBUL": "ISTANBUL",
    "Istanbul Convention": "ISTANBUL",
    "Convention d'Istanbul": "ISTANBUL",
    "Convenio de Estambul": "ISTANBUL",
    "ECN": "ECN",
    "European Convention on Nationality": "ECN",
    "ECPT": "ECPT",
    "European Convention for the Prevention of Torture": "ECPT",
    "European Convention for the Prevention of Torture and Inhuman or Degrading Treatment or "
    "Punishment": "ECPT",
    "ECLSMW": "ECLSMW",
    "ETS 93": "ECLSMW",
    "European Convention on the Legal Status of Migrant Workers": "ECLSMW",
    "COE-108": "COE-108",
    "Convention 108(+)": "COE-108",
    "COE-STATUTE": "COE-STATUTE",
    "CoE Statute": "COE-STATUTE",
    "Statute of the Council of Europe": "COE-STATUTE",
    # ---- European Union
    "EU-CFR": "EU-CFR",
    "EU Charter": "EU-CFR",
    "CFR": "EU-CFR",
    "CFREU": "EU-CFR",
    "EUCFR": "EU-CFR",
    "Charter of Fundamental Rights": "EU-CFR",
    "EU Charter of Fundamental Rights": "EU-CFR",
    "Charter of Fundamental Rights of the European Union": "EU-CFR",
    "CDFUE": "EU-CFR",
    "Charte des droits fondamentaux": "EU-CFR",
    "Charte des droits fondamentaux de l'Union européenne": "EU-CFR",
    "Carta de los Derechos Fundamentales": "EU-CFR",
    "Carta de los Derechos Fundamentales de la Unión Europea": "EU-CFR",
    "TFEU": "TFEU",
    "TFUE": "TFEU",
    "Treaty on the Functioning of the European Union": "TFEU",
    "Traité sur le fonctionnement de l'Union européenne": "TFEU",
    "Tratado de Funcionamiento de la Unión Europea": "TFEU",
    "EU-QD": "EU-QD",
    "Qualification Directive (recast)": "EU-QD",
    "Qualification Directive": "EU-QD",
    "Directive 2011/95/EU": "EU-QD",
    "EU-APD": "EU-APD",
    "Asylum Procedures Directive (recast)": "EU-APD",
    "Asylum Procedures Directive": "EU-APD",
    "Procedures Directive": "EU-APD",
    "Directive 2013/32/EU": "EU-APD",
    "EU-RCD": "EU-RCD",
    "Reception Conditions Directive (recast)": "EU-RCD",
    "Reception Conditions Directive": "EU-RCD",
    "Directive 2013/33/EU": "EU-RCD",
    "EU-RD": "EU-RD",
    "Return Directive": "EU-RD",
    "Returns Directive": "EU-RD",
    "Directive 2008/115/EC": "EU-RD",
    "Directive retour": "EU-RD",
    "Directiva de retorno": "EU-RD",
    "EU-DUBLIN3": "EU-DUBLIN3",
    "Dublin III": "EU-DUBLIN3",
    "Dublin III Regulation": "EU-DUBLIN3",
    "Regulation (EU) No 604/2013": "EU-DUBLIN3",
    "Regulation 604/2013": "EU-DUBLIN3",
    "Règlement Dublin III": "EU-DUBLIN3",
    "Reglamento Dublín III": "EU-DUBLIN3",
    "EU-DUBLIN2": "EU-DUBLIN2",
    "Dublin II": "EU-DUBLIN2",
    "Dublin II Regulation": "EU-DUBLIN2",
    "Regulation 343/2003": "EU-DUBLIN2",
    "EU-FRD": "EU-FRD",
    "Family Reunification Directive": "EU-FRD",
    "Directive 2003/86/EC": "EU-FRD",
    "EU-ATD": "EU-ATD",
    "Anti-Trafficking Directive": "EU-ATD",
    "Directive 2011/36/EU": "EU-ATD",
    "EU-TPD": "EU-TPD",
    "Temporary Protection Directive": "EU-TPD",
    "Directive 2001/55/EC": "EU-TPD",
    "EU-SBC": "EU-SBC",
    "Schengen Borders Code": "EU-SBC",
    "Regulation 2016/399": "EU-SBC",
    "Code frontières Schengen": "EU-SBC",
    "Código de fronteras Schengen": "EU-SBC",
    "EU-SEA": "EU-SEA",
    "Sea Borders Regulation": "EU-SEA",
    "Regulation 656/2014": "EU-SEA",
    "EU-ESD": "EU-ESD",
    "Employer Sanctions Directive": "EU-ESD",
    "Directive 2009/52/EC": "EU-ESD",
    "EU-GDPR": "EU-GDPR",
    "GDPR": "EU-GDPR",
    "RGPD": "EU-GDPR",
    "General Data Protection Regulation": "EU-GDPR",
    "EU-EURODAC": "EU-EURODAC",
    "Eurodac Regulation": "EU-EURODAC",
    "Eurodac": "EU-EURODAC",
    "EU-FD-RACISM": "EU-FD-RACISM",
    "Framework Decision on racism and xenophobia": "EU-FD-RACISM",
    "Framework Decision 2008/913/JHA": "EU-FD-RACISM",
    "EU-PACT-2024": "EU-PACT-2024",
    "Pact on Migration and Asylum": "EU-PACT-2024",
    "EU Pact on Migration and Asylum": "EU-PACT-2024",
    # ---- Organization of American States
    "ADRDM": "ADRDM",
    "American Declaration": "ADRDM",
    "American Declaration of the Rights and Duties of Man": "ADRDM",
    "DADDH": "ADRDM",
    "Declaración Americana": "ADRDM",
    "Declaración Americana de los Derechos y Deberes del Hombre": "ADRDM",
    "Déclaration américaine": "ADRDM",
    "Déclaration américaine des droits et devoirs de l'homme": "ADRDM",
    "ACHR": "ACHR",
    "American Convention": "ACHR",
    "American Convention on Human Rights": "ACHR",
    "Pact of San José": "ACHR",
    "CADH": "ACHR",
    "Convención Americana": "ACHR",
    "Convención Americana sobre Derechos Humanos": "ACHR",
    "Pacto de San José": "ACHR",
    "Pacto de San José de Costa Rica": "ACHR",
    "Convention américaine": "ACHR",
    "Convention américaine relative aux droits de l'homme": "ACHR",
    "ACHR-PSS": "ACHR-PSS",
    "Protocol of San Salvador": "ACHR-PSS",
    "San Salvador Protocol": "ACHR-PSS",
    "Additional Protocol to the American Convention": "ACHR-PSS",
    "Protocolo de San Salvador": "ACHR-PSS",
    "Protocole de San Salvador": "ACHR-PSS",
    "IACPPT": "IACPPT",
    "Inter-American Convention to Prevent and Punish Torture": "IACPPT",
    "Convención Interamericana para Prevenir y Sancionar la Tortura": "IACPPT",
    "BELEM": "BELEM",
    "Belém do Pará": "BELEM",
    "Belém do Pará Convention": "BELEM",
    "Convention of Belém do Pará": "BELEM",
    "Convención de Belém do Pará": "BELEM",
    "Inter-American Convention on the Prevention, Punishment and Eradication of Violence "
    "against Women": "BELEM",
    "IACRACISM": "IACRACISM",
    "Inter-American Convention against Racism": "IACRACISM",
    "CARTAGENA": "CARTAGENA",
    "Cartagena Declaration": "CARTAGENA",
    "Cartagena Declaration on Refugees": "CARTAGENA",
    "Declaración de Cartagena": "CARTAGENA",
    "Déclaration de Carthagène": "CARTAGENA",
    "BRAZIL-DPA": "BRAZIL-DPA",
    "Brazil Declaration": "BRAZIL-DPA",
    "Brazil Declaration and Plan of Action": "BRAZIL-DPA",
    "Declaración de Brasil": "BRAZIL-DPA",
    "IACHR-RES-04-19": "IACHR-RES-04-19",
    "IACHR Res. 04/19": "IACHR-RES-04-19",
    "IACHR Res. 4/19": "IACHR-RES-04-19",
    "IACHR Resolution 04/19": "IACHR-RES-04-19",
    "IACHR Resolution 4/19": "IACHR-RES-04-19",
    "Inter-American Principles": "IACHR-RES-04-19",
    "IACHR-RES-01-20": "IACHR-RES-01-20",
    "IACHR Res. 1/20": "IACHR-RES-01-20",
    "IACHR Res. 01/20": "IACHR-RES-01-20",
    "IACHR Resolution 1/20": "IACHR-RES-01-20",
    "IACHR Resolution 1/2020": "IACHR-RES-01-20",
    "IACHR-RES-01-21": "IACHR-RES-01-21",
    "IACHR Res. 1/21": "IACHR-RES-01-21",
    "IACHR Res. 01/21": "IACHR-RES-01-21",
    "IACHR Resolution 1/21": "IACHR-RES-01-21",
    "IACHR Resolution 1/2021": "IACHR-RES-01-21",
    "IACHR-RES-02-18": "IACHR-RES-02-18",
    "IACHR Res. 2/18": "IACHR-RES-02-18",
    "IACHR Res. 02/18": "IACHR-RES-02-18",
    "IACHR Resolution 2/18": "IACHR-RES-02-18",
    "IACHR-PBP-LIBERTY": "IACHR-PBP-LIBERTY",
    "IACHR Principles on Persons Deprived of Liberty": "IACHR-PBP-LIBERTY",
    "Principles and Best Practices on the Protection of Persons Deprived of Liberty in the "
    "Americas": "IACHR-PBP-LIBERTY",
    "OAS-CHARTER": "OAS-CHARTER",
    "OAS Charter": "OAS-CHARTER",
    "Charter of the Organization of American States": "OAS-CHARTER",
    "Carta de la OEA": "OAS-CHARTER",
    "Charte de l'OEA": "OAS-CHARTER",
    # ---- African Union and sub-regional
    "ACHPR": "ACHPR",
    "ACHPR (Banjul Charter)": "ACHPR",
    "African Charter": "ACHPR",
    "African Charter on Human and Peoples' Rights": "ACHPR",
    "Banjul Charter": "ACHPR",
    "CADHP": "ACHPR",
    "Charte africaine": "ACHPR",
    "Charte africaine des droits de l'homme et des peuples": "ACHPR",
    "Charte de Banjul": "ACHPR",
    "Carta Africana": "ACHPR",
    "Carta Africana de Derechos Humanos y de los Pueblos": "ACHPR",
    "Carta de Banjul": "ACHPR",
    "ACHPR-PCOURT": "ACHPR-PCOURT",
    "Court Protocol": "ACHPR-PCOURT",
    "African Court Protocol": "ACHPR-PCOURT",
    "Protocol to the African Charter on the Establishment of an African Court on Human and "
    "Peoples' Rights": "ACHPR-PCOURT",
    "OAU-REF": "OAU-REF",
    "OAU Refugee Convention": "OAU-REF",
    "OAU Convention": "OAU-REF",
    "1969 OAU Convention": "OAU-REF",
    "OAU Convention Governing the Specific Aspects of Refugee Problems in Africa": "OAU-REF",
    "Convention de l'OUA": "OAU-REF",
    "Convención de la OUA": "OAU-REF",
    "ACRWC": "ACRWC",
    "African Children's Charter": "ACRWC",
    "African Charter on the Rights and Welfare of the Child": "ACRWC",
    "CADBE": "ACRWC",
    "Charte africaine des droits et du bien-être de l'enfant": "ACRWC",
    "MAPUTO": "MAPUTO",
    "Maputo Protocol": "MAPUTO",
    "Protocole de Maputo": "MAPUTO",
    "Protocolo de Maputo": "MAPUTO",
    "KAMPALA": "KAMPALA",
    "Kampala Convention": "KAMPALA",
    "Convention de Kampala": "KAMPALA",
    "Convención de Kampala": "KAMPALA",
    "AU-FMP": "AU-FMP",
    "AU Free Movement Protocol": "AU-FMP",
    "AU-NAT-PROTOCOL": "AU-NAT-PROTOCOL",
    "AU Nationality Protocol": "AU-NAT-PROTOCOL",
    "ECOWAS-FMP": "ECOWAS-FMP",
    "ECOWAS Free Movement Protocol": "ECOWAS-FMP",
    "ECOWAS Protocol A/P.1/5/79": "ECOWAS-FMP",
    "AU-ACT": "AU-ACT",
    "AU Constitutive Act": "AU-ACT",
    "Constitutive Act of the African Union": "AU-ACT",
    # ---- Arab League, OIC, ASEAN, AALCO, CARICOM
    "ARAB-CHARTER": "ARAB-CHARTER",
    "Arab Charter": "ARAB-CHARTER",
    "Arab Charter on Human Rights": "ARAB-CHARTER",
    "Charte arabe des droits de l'homme": "ARAB-CHARTER",
    "Carta Árabe de Derechos Humanos": "ARAB-CHARTER",
    "ARAB-REF-1994": "ARAB-REF-1994",
    "Arab Refugee Convention": "ARAB-REF-1994",
    "LAS-PACT": "LAS-PACT",
    "Pact of the Arab League": "LAS-PACT",
    "Pact of the League of Arab States": "LAS-PACT",
    "CAIRO-DECL": "CAIRO-DECL",
    "Cairo Declaration": "CAIRO-DECL",
    "Cairo Declaration on Human Rights in Islam": "CAIRO-DECL",
    "AHRD": "AHRD",
    "ASEAN Human Rights Declaration": "AHRD",
    "ACTIP": "ACTIP",
    "ASEAN Convention Against Trafficking in Persons": "ACTIP",
    "ASEAN-CONSENSUS-MW": "ASEAN-CONSENSUS-MW",
    "ASEAN Consensus": "ASEAN-CONSENSUS-MW",
    "ASEAN-CEBU-MW": "ASEAN-CEBU-MW",
    "Cebu Declaration": "ASEAN-CEBU-MW",
    "ASEAN-CHARTER": "ASEAN-CHARTER",
    "ASEAN Charter": "ASEAN-CHARTER",
    "BANGKOK-PRINCIPLES": "BANGKOK-PRINCIPLES",
    "Bangkok Principles": "BANGKOK-PRINCIPLES",
    "CARICOM-RTC": "CARICOM-RTC",
    "Revised Treaty of Chaguaramas": "CARICOM-RTC",
    "Treaty of Chaguaramas": "CARICOM-RTC",
    # ---- national sources used by the cases ("Charter", CA-CHARTER's short code, is left to
    # the ambiguous words: in this field it as often means the EU or African Charter)
    "US-CONST": "US-CONST",
    "US Const.": "US-CONST",
    "U.S. Const.": "US-CONST",
    "US Constitution": "US-CONST",
    "United States Constitution": "US-CONST",
    "Constitution of the United States": "US-CONST",
    "GB-HRA": "GB-HRA",
    "HRA 1998": "GB-HRA",
    "HRA": "GB-HRA",
    "Human Rights Act 1998": "GB-HRA",
    "CA-CHARTER": "CA-CHARTER",
    "Canadian Charter": "CA-CHARTER",
    "Canadian Charter of Rights and Freedoms": "CA-CHARTER",
    "Charter of Rights and Freedoms": "CA-CHARTER",
    "Charte canadienne des droits et libertés": "CA-CHARTER",
    "CO-CONST": "CO-CONST",
    "C.P. 1991": "CO-CONST",
    "Constitución Política de Colombia": "CO-CONST",
    "MX-CONST": "MX-CONST",
    "CPEUM": "MX-CONST",
    "Constitución Política de los Estados Unidos Mexicanos": "MX-CONST",
    "ZA-CONST": "ZA-CONST",
    "Constitution 1996": "ZA-CONST",
    "South African Constitution": "ZA-CONST",
    "Constitution of the Republic of South Africa": "ZA-CONST",
    "IN-CONST": "IN-CONST",
    "Constitution of India": "IN-CONST",
    "Indian Constitution": "IN-CONST",
    "DE-GG": "DE-GG",
    "GG": "DE-GG",
    "Grundgesetz": "DE-GG",
    "Basic Law": "DE-GG",
    "Loi fondamentale": "DE-GG",
    "Ley Fundamental de Bonn": "DE-GG",
    "FR-CONST": "FR-CONST",
    "Constitution 1958": "FR-CONST",
    "Constitution de 1958": "FR-CONST",
    "French Constitution": "FR-CONST",
    "Constitution française": "FR-CONST",
    "IT-CONST": "IT-CONST",
    "Cost.": "IT-CONST",
    "Costituzione": "IT-CONST",
    "Italian Constitution": "IT-CONST",
    "AU-CONST": "AU-CONST",
    "Australian Constitution": "AU-CONST",
    "AU-MIGRATION-ACT": "AU-MIGRATION-ACT",
    "Migration Act 1958": "AU-MIGRATION-ACT",
    "Migration Act": "AU-MIGRATION-ACT",
    "KE-CONST": "KE-CONST",
    "Constitution of Kenya 2010": "KE-CONST",
    "Constitution of Kenya": "KE-CONST",
    "US-INA": "US-INA",
    "INA": "US-INA",
    "Immigration and Nationality Act": "US-INA",
    "AU-IGOC-ACT": "AU-IGOC-ACT",
    "IGOC Act 1946": "AU-IGOC-ACT",
    "IGOC Act": "AU-IGOC-ACT",
    "Immigration (Guardianship of Children) Act": "AU-IGOC-ACT",
}
INSTRUMENT_ALIASES: Final[Mapping[str, str]] = MappingProxyType(_ALIASES)

_CONVENTIONS: Final = (
    "ECHR",
    "REF1951",
    "CAT",
    "CRC",
    "ACHR",
    "CMW",
    "CRPD",
    "CPED",
    "ICERD",
    "CEDAW",
    "STATELESS1954",
    "STATELESS1961",
    "VCCR",
    "UNCLOS",
    "SOLAS",
    "SAR1979",
    "ISTANBUL",
    "ECN",
    "ECPT",
    "ECLSMW",
    "COE-TRAFFICKING",
    "COE-108",
    "IACPPT",
    "BELEM",
    "IACRACISM",
    "OAU-REF",
    "KAMPALA",
    "ACTIP",
    "ARAB-REF-1994",
    "UNESCO-CADE",
    "ILO-C97",
    "ILO-C143",
    "ILO-C189",
    "ILO-C29",
    "ILO-C87",
    "ILO-C118",
)
_COVENANTS: Final = ("ICCPR", "ICESCR")
_CHARTERS: Final = (
    "EU-CFR",
    "ACHPR",
    "ESC-1961",
    "ESC-REV",
    "CA-CHARTER",
    "ARAB-CHARTER",
    "ACRWC",
    "OAS-CHARTER",
    "ASEAN-CHARTER",
)
_OPTIONAL_PROTOCOLS: Final = (
    "ICCPR-OP1",
    "ICCPR-OP2",
    "ICESCR-OP",
    "CEDAW-OP",
    "OPCAT",
    "CRC-OP3",
    "CRC-OPSC",
    "CRC-OPAC",
    "CRPD-OP",
)
_PROTOCOLS: Final = (
    *_OPTIONAL_PROTOCOLS,
    "REF1967",
    "ECHR-P1",
    "ECHR-P4",
    "ECHR-P7",
    "ECHR-P12",
    "ESC-CCP",
    "ACHR-PSS",
    "ACHPR-PCOURT",
    "MAPUTO",
    "AU-NAT-PROTOCOL",
    "AU-FMP",
    "ECOWAS-FMP",
    "UN-TIP",
    "UN-SOM",
    "ILO-P29",
)
_DECLARATIONS: Final = (
    "UDHR",
    "ADRDM",
    "DECL-TERRITORIAL-ASYLUM",
    "DECL-NONNATIONALS-1985",
    "NYD2016",
    "DDPA",
    "CARTAGENA",
    "BRAZIL-DPA",
    "CAIRO-DECL",
    "AHRD",
    "ASEAN-CEBU-MW",
)
_DIRECTIVES: Final = ("EU-QD", "EU-APD", "EU-RCD", "EU-RD", "EU-FRD", "EU-ATD", "EU-TPD", "EU-ESD")
_REGULATIONS: Final = ("EU-DUBLIN3", "EU-DUBLIN2", "EU-SBC", "EU-SEA", "EU-GDPR", "EU-EURODAC")
_CONSTITUTIONS: Final = (
    "US-CONST",
    "CO-CONST",
    "MX-CONST",
    "ZA-CONST",
    "IN-CONST",
    "DE-GG",
    "FR-CONST",
    "IT-CONST",
    "AU-CONST",
    "KE-CONST",
)
_GENERAL_COMMENTS: Final = (
    "HRC-GC15",
    "HRC-GC31",
    "HRC-GC35",
    "HRC-GC36",
    "CESCR-GC14",
    "CESCR-GC20",
    "CERD-GR30",
    "CERD-GR36",
    "CMW-GC2",
    "CMW-GC5",
    "JGC-CMW3-CRC22",
    "JGC-CMW4-CRC23",
    "CRC-GC6",
    "CAT-GC4",
    "CEDAW-GR26",
    "CEDAW-GR32",
    "CED-GC1",
)

# Words that name a kind of instrument, not one instrument. Alone they are rejected; next to a
# definite name they are allowed when they fit it ("Protocol No. 4 to the Convention").
_AMBIGUOUS: Final[Mapping[str, tuple[str, ...]]] = MappingProxyType(
    {
        "Convention": _CONVENTIONS,
        "Convención": _CONVENTIONS,
        "Convenio": _CONVENTIONS,
        "Covenant": _COVENANTS,
        "International Covenant": _COVENANTS,
        "Pacte": _COVENANTS,
        "Pacte international": _COVENANTS,
        "Pacto": _COVENANTS,
        "Pacto Internacional": _COVENANTS,
        "Charter": _CHARTERS,
        "Charte": _CHARTERS,
        "Carta": _CHARTERS,
        "Protocol": _PROTOCOLS,
        "Protocole": _PROTOCOLS,
        "Protocolo": _PROTOCOLS,
        "Additional Protocol": _PROTOCOLS,
        "Protocole additionnel": _PROTOCOLS,
        "Protocolo Adicional": _PROTOCOLS,
        "Optional Protocol": _OPTIONAL_PROTOCOLS,
        "Protocole facultatif": _OPTIONAL_PROTOCOLS,
        "Protocolo Facultativo": _OPTIONAL_PROTOCOLS,
        "Optional Protocol to the CRC": ("CRC-OP3", "CRC-OPSC", "CRC-OPAC"),
        "Declaration": _DECLARATIONS,
        "Déclaration": _DECLARATIONS,
        "Declaración": _DECLARATIONS,
        "Directive": _DIRECTIVES,
        "Directiva": _DIRECTIVES,
        "Regulation": _REGULATIONS,
        "Règlement": _REGULATIONS,
        "Reglamento": _REGULATIONS,
        "Dublin": ("EU-DUBLIN3", "EU-DUBLIN2"),
        "Dublin Regulation": ("EU-DUBLIN3", "EU-DUBLIN2"),
        "Constitution": _CONSTITUTIONS,
        "Constitución": _CONSTITUTIONS,
        "Treaty": ("TFEU", "CARICOM-RTC"),
        "Traité": ("TFEU", "CARICOM-RTC"),
        "Tratado": ("TFEU", "CARICOM-RTC"),
        "Global Compact": ("GCM", "GCR"),
        "Pacto Mundial": ("GCM", "GCR"),
        "Pacte mondial": ("GCM", "GCR"),
        "General Comment": _GENERAL_COMMENTS,
        "General Recommendation": _GENERAL_COMMENTS,
        "Observation générale": _GENERAL_COMMENTS,
        "Recommandation générale": _GENERAL_COMMENTS,
        "Observación General": _GENERAL_COMMENTS,
        "Recomendación General": _GENERAL_COMMENTS,
    }
)

# Protocol -> parent treaty, so that "Article 4 of Protocol No. 4 to the ECHR" is ECHR-P4.
_PARENTS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "ICCPR-OP1": "ICCPR",
        "ICCPR-OP2": "ICCPR",
        "ICESCR-OP": "ICESCR",
        "CEDAW-OP": "CEDAW",
        "OPCAT": "CAT",
        "CRC-OP3": "CRC",
        "CRC-OPSC": "CRC",
        "CRC-OPAC": "CRC",
        "CRPD-OP": "CRPD",
        "REF1967": "REF1951",
        "ILO-P29": "ILO-C29",
        "ECHR-P1": "ECHR",
        "ECHR-P4": "ECHR",
        "ECHR-P7": "ECHR",
        "ECHR-P12": "ECHR",
        "ESC-CCP": "ESC-1961",
        "ACHR-PSS": "ACHR",
        "ACHPR-PCOURT": "ACHPR",
        "MAPUTO": "ACHPR",
        "AU-NAT-PROTOCOL": "ACHPR",
        "CAT-ART22": "CAT",
        "ICERD-ART14": "ICERD",
        "CPED-ART31": "CPED",
        "CMW-ART77": "CMW",
        "ACHR-ART62": "ACHR",
        "ACHPR-ART34-6": "ACHPR-PCOURT",
    }
)

_ALIAS_WORD_RE: Final = re.compile(r"[a-z0-9]+")
_ALIAS_TAIL_RE: Final = re.compile(r"[a-z0-9]([^a-z0-9]*)$")
_Target = str | tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Entry:
    target: _Target
    # Punctuation that ends the alias as written ("IHR (2005)" -> ")", "Cost." -> "."); it is
    # consumed with the alias so that it is not left over for the article reader.
    tails: frozenset[str]


def _alias_key(alias: str) -> tuple[str, ...]:
    return tuple(_ALIAS_WORD_RE.findall(_prepare(alias)))


def _alias_tail(alias: str) -> str:
    m = _ALIAS_TAIL_RE.search(_prepare(alias).rstrip())
    return "".join(m.group(1).split()) if m else ""


def _embeds_article(key: tuple[str, ...]) -> bool:
    return any(
        word in _ARTICLE_WORDS and nxt[:1].isdigit() for word, nxt in itertools.pairwise(key)
    )


_Index = dict[tuple[str, ...], _Entry]


def _build_index(base: _Index, aliases: Mapping[str, _Target]) -> _Index:
    index = dict(base)

    def add(alias: str, target: _Target) -> None:
        key = _alias_key(alias)
        if not key:
            return
        tails = {t for t in (_alias_tail(alias),) if t}
        if key in index:
            tails |= index[key].tails
        index[key] = _Entry(target, frozenset(tails))

    for alias, target in aliases.items():
        add(alias, target)
    return index


_BUILTIN_INDEX: Final = _build_index(_build_index({}, _AMBIGUOUS), _ALIASES)
_BUILTIN_LONGEST: Final = max(len(k) for k in _BUILTIN_INDEX)


@functools.lru_cache(maxsize=16)
def _extended_index(extra: frozenset[tuple[str, str]]) -> tuple[_Index, int]:
    # Cached because callers pass the same database map on every call.
    kept = {
        alias: instrument_id
        for alias, instrument_id in extra
        # A database short code such as "CAT art. 22" (an optional-clause declaration) is, when
        # typed, a citation of the treaty article; let the treaty alias and the article win.
        if not _embeds_article(_alias_key(alias))
    }
    index = _build_index(_BUILTIN_INDEX, kept)
    return index, max(len(k) for k in index)


@dataclass(frozen=True, slots=True)
class _Mention:
    start: int
    end: int
    phrase: str
    target: _Target


def _consume_tail(text: str, end: int, tails: frozenset[str]) -> int:
    for tail in sorted(tails, key=len, reverse=True):
        j = end
        for ch in tail:
            while j < len(text) and text[j].isspace():
                j += 1
            if j >= len(text) or text[j] != ch:
                break
            j += 1
        else:
            return j
    return end


def _find_mentions(text: str, index: _Index, longest: int) -> list[_Mention]:
    """Leftmost-longest alias matches over the word tokens of ``text``."""
    words = list(_ALIAS_WORD_RE.finditer(text))
    mentions: list[_Mention] = []
    i = 0
    while i < len(words):
        for n in range(min(longest, len(words) - i), 0, -1):
            key = tuple(w.group() for w in words[i : i + n])
            entry = index.get(key)
            if entry is not None:
                end = _consume_tail(text, words[i + n - 1].end(), entry.tails)
                mentions.append(_Mention(words[i].start(), end, " ".join(key), entry.target))
                i += n
                break
        else:
            i += 1
    return mentions


def _lineage(instrument_id: str) -> list[str]:
    chain = [instrument_id]
    while (parent := _PARENTS.get(chain[-1])) is not None and parent not in chain:
        chain.append(parent)
    return chain


def _resolve(mentions: list[_Mention], source: str) -> str:
    definite = sorted({m.target for m in mentions if isinstance(m.target, str)})
    vague = [(m.phrase, m.target) for m in mentions if isinstance(m.target, tuple)]
    if not definite:
        if vague:
            phrase, candidates = vague[0]
            more = "..." if len(candidates) > 5 else ""
            raise ProvisionParseError(
                f"{phrase!r} alone does not identify an instrument in {source!r} "
                f"(it could be {', '.join(candidates[:5])}{more}); name the instrument, "
                "e.g. 'ECHR art. 5'"
            )
        raise ProvisionParseError(
            f"no known instrument in {source!r}; name one, e.g. 'ECHR art. 5' or 'CAT art. 3'"
        )
    chosen = next((c for c in definite if all(other in _lineage(c) for other in definite)), None)
    if chosen is None:
        raise ProvisionParseError(
            f"{source!r} names several instruments ({', '.join(definite)}); cite one at a time"
        )
    for phrase, candidates in vague:
        if not any(a in candidates for a in _lineage(chosen)):
            raise ProvisionParseError(
                f"{phrase!r} in {source!r} does not fit {chosen}; name the instrument exactly"
            )
    return chosen


# Only whole words after a space count, so the "d" of "5-1-d" or "(d)" is never taken for one.
_CONNECTOR_TAIL: Final = re.compile(
    r"(?<![^\s])(?:a\s+(?:la|les|los|las|l')|of|the|to|under|in|de|del|la|le|les|los|las|el"
    r"|du|des|al|au|aux|en|[ld]')$"
)
_EMPTY_BRACKETS: Final = re.compile(r"\(\s*\)|\[\s*\]")


def _strip_connectors(piece: str) -> str:
    """Drop "of the", "de la", "du" ... left dangling where an instrument name was cut out."""
    while True:
        piece = piece.rstrip(" \t\n,;:")
        m = _CONNECTOR_TAIL.search(piece)
        if m is None:
            return piece
        piece = piece[: m.start()]


def parse_provision(text: str, known_instruments: Mapping[str, str] | None = None) -> ProvisionRef:
    """Read one typed provision reference: ``"ECHR art. 5 § 1 (f)"`` -> ``ECHR:5-1-f``.

    The instrument may come before or after the article, in English, Spanish or French.
    ``known_instruments`` adds aliases (alias -> instrument id, e.g. short codes from the
    database) over :data:`INSTRUMENT_ALIASES`. Raises :class:`ProvisionParseError` when the
    text is empty, names no instrument or an ambiguous one ("the Convention"), names several
    provisions or instruments, or has anything else left over that is not part of an article
    reference.
    """
    if not text.strip():
        raise ProvisionParseError("empty provision reference")
    if len(text) > _MAX_TEXT:
        raise ProvisionParseError(f"provision reference is too long ({len(text)} characters)")
    prepared = _prepare(text)
    index, longest = _BUILTIN_INDEX, _BUILTIN_LONGEST
    if known_instruments:
        index, longest = _extended_index(frozenset(known_instruments.items()))
    mentions = _find_mentions(prepared, index, longest)
    instrument_id = _resolve(mentions, text)
    pieces: list[str] = []
    cursor = 0
    for m in mentions:
        pieces.append(_strip_connectors(prepared[cursor : m.start]))
        cursor = m.end
    pieces.append(prepared[cursor:])
    rest = " ".join(p.lstrip(" \t\n,;:-.").rstrip(" \t\n,;:-") for p in pieces)
    rest = _EMPTY_BRACKETS.sub(" ", rest).strip(" \t\n,;:-")
    if not rest:
        raise ProvisionParseError(f"no article given for {instrument_id} in {text!r}")
    return ProvisionRef(instrument_id, _path_from_folded(rest, text))
