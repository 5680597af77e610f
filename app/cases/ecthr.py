"""Read the ECtHR development corpus (gzip JSON Lines) into typed, immutable judgments.

The module's one job: turn the research corpus described in
``/work/shared/data/ecthr/README.md`` into :class:`EcthrJudgment` values that the retrieval
evaluation and the matcher can use without knowing the file's quirks. It touches no database;
the only I/O is :func:`read_judgments` streaming the file it is given.

What the corpus holds, and what a judgment makes of it
------------------------------------------------------
Title
    ``CASE OF <APPLICANTS> v. <STATE(S)>``, upper case, sometimes with doubled spaces, ``V.``,
    a ``(No. 2)`` or ``[Extracts]`` annotation, or a translation note. Whitespace runs are
    collapsed. 311 recent judgments (2021-2024, beyond the HUDOC catalogue) have no title,
    application numbers or respondent in the corpus: their ``title``/``short_title`` are
    ``None`` and ``respondent_states``/``application_numbers`` are empty. Respondents are not
    guessed from the facts.
Respondent States
    ISO 3166-1 alpha-2, in title order, read by :func:`respondents_from_title`. Serbia and
    Montenegro maps to ``RS``: the State union's ISO code ``CS`` was withdrawn and is ambiguous
    with Czechoslovakia's, and Serbia continued its Council of Europe membership in 2006.
Formation
    From ``court_level`` (``GRANDCHAMBER``, ``CHAMBER``, ``COMMITTEE``), or from ``doctype``
    ("Grand Chamber Judgment" ...) where ``court_level`` is null.
Texts
    ``facts`` and ``law`` are ``""`` where the corpus has null.
Findings
    ``article_outcomes`` keeps the corpus's article keys (``"3"``, protocol articles as
    ``"P1-1"``) and maps its values to ``"violation"`` / ``"no_violation"``
    (the corpus writes ``"nonviolation"``). :func:`article_to_provision` turns a key into a
    provision reference of the reference data (``("ECHR-P4", "4")``).
Errors
    A record that cannot be read (unknown State, article key or finding, bad date, no
    formation) raises ``ValueError`` naming its ``itemid``: a silently wrong judgment would
    skew every metric computed from the corpus.
"""

from __future__ import annotations

import functools
import gzip
import json
import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final, Literal, TextIO

import pycountry

from app.cases import citation_extraction

__all__ = [
    "EcthrJudgment",
    "Finding",
    "Formation",
    "article_to_provision",
    "judgment_from_record",
    "normalise_application_number",
    "read_judgments",
    "respondents_from_title",
    "short_title_from_title",
]

Finding = Literal["violation", "no_violation"]


class Formation(StrEnum):
    """The bench that gave the judgment."""

    grand_chamber = "grand_chamber"
    chamber = "chamber"
    committee = "committee"


@dataclass(frozen=True, slots=True)
class EcthrJudgment:
    """One judgment of the corpus; see the module docstring for how each field is read."""

    source_id: str  # the corpus's HUDOC itemid, e.g. "001-109231"
    title: str | None
    short_title: str | None
    respondent_states: tuple[str, ...]
    decided_on: date
    formation: Formation
    importance: int | None
    application_numbers: tuple[str, ...]
    facts: str
    law: str
    # A read-only view; left out of the hash because mappings are unhashable.
    article_outcomes: Mapping[str, Finding] = field(hash=False)
    cited_application_numbers: tuple[str, ...]


# ------------------------------------------------------------------------------------- articles

# Articles each instrument has, so a typo such as "P1-9" is an error rather than a provision.
_ARTICLE_COUNTS: Final[Mapping[str, int]] = MappingProxyType(
    {
        "ECHR": 59,
        "ECHR-P1": 6,
        "ECHR-P4": 7,
        "ECHR-P6": 9,
        "ECHR-P7": 10,
        "ECHR-P12": 6,
        "ECHR-P13": 8,
    }
)
_ARTICLE_KEY: Final = re.compile(
    r"(?:P(?P<protocol>[0-9]{1,2})-)?(?P<article>[0-9]{1,2})(?P<subs>(?:-(?:[0-9]{1,2}|[a-z]))*)"
)


def article_to_provision(article_key: str) -> tuple[str, str]:
    """Map a corpus article key to ``(instrument id, article path)``.

    ``"3"`` -> ``("ECHR", "3")``, ``"5-1"`` -> ``("ECHR", "5-1")``, ``"6-3-c"`` ->
    ``("ECHR", "6-3-c")``, ``"P1-1"`` -> ``("ECHR-P1", "1")``, ``"P4-4"`` -> ``("ECHR-P4", "4")``.
    Protocols with substantive articles are covered (1, 4, 6, 7, 12, 13). Raises ValueError for
    any other form, an unknown protocol, or an article the instrument does not have.
    """
    m = _ARTICLE_KEY.fullmatch(article_key.strip())
    if m is None:
        raise ValueError(f"not an ECHR article key: {article_key!r}")
    protocol = m.group("protocol")
    instrument = "ECHR" if protocol is None else f"ECHR-P{int(protocol)}"
    count = _ARTICLE_COUNTS.get(instrument)
    if count is None:
        raise ValueError(f"no substantive articles in Protocol No. {protocol}: {article_key!r}")
    article = int(m.group("article"))
    if not 1 <= article <= count:
        raise ValueError(f"{instrument} has no Article {article}: {article_key!r}")
    return instrument, f"{article}{m.group('subs')}"


_FINDINGS: Final[Mapping[str, Finding]] = MappingProxyType(
    {"violation": "violation", "nonviolation": "no_violation", "noviolation": "no_violation"}
)


def _finding(value: str) -> Finding:
    finding = _FINDINGS.get(re.sub(r"[^a-z]", "", value.lower()))
    if finding is None:
        raise ValueError(f"unknown finding {value!r}")
    return finding


# ---------------------------------------------------------------------------- application numbers


def normalise_application_number(value: str) -> str:
    """Return an ECtHR application number as "27765/09", accepting "no. 27765 / 09"."""
    number = citation_extraction.normalise_application_number(value)
    if re.fullmatch(r"[0-9]{1,6}/[0-9]{2}", number) is None:
        raise ValueError(f"not an ECtHR application number: {value!r}")
    return number


def _application_numbers(values: object, itemid: str) -> tuple[str, ...]:
    if values is None:
        return ()
    if not isinstance(values, list):
        raise ValueError(f"{itemid}: application numbers are not a list: {values!r}")
    numbers = (normalise_application_number(str(v)) for v in values)
    return tuple(dict.fromkeys(numbers))


# ---------------------------------------------------------------------------------------- titles

# Names that pycountry does not know, or knows under another name. Keys are folded (_fold).
_STATE_ALIASES: Final[Mapping[str, str]] = MappingProxyType(
    {
        "russia": "RU",
        "turkey": "TR",
        "moldova": "MD",
        "former yugoslav republic of macedonia": "MK",
        "macedonia": "MK",
        "great britain": "GB",
        "holland": "NL",
        # See the module docstring: "CS" is withdrawn and ambiguous.
        "serbia and montenegro": "RS",
    }
)

_WHITESPACE: Final = re.compile(r"\s+")
_CASE_OF: Final = re.compile(r"^CASE\s+OF\s+", re.IGNORECASE)
# Lower-case "v." first: in "C.N. AND V. v. FRANCE" the applicant "V." is not the separator.
_VERSUS: Final = re.compile(r"(?<=\s)v\.(?=\s)")
_VERSUS_ANY_CASE: Final = re.compile(r"(?<=\s)v\.(?=\s)", re.IGNORECASE)
_TRAILING_NOTE: Final = re.compile(r"\s*(\[[^\[\]]*\]|\([^()]*\))\s*$")
_STATE_SEPARATOR: Final = re.compile(r"(\s*,\s*(?:and\s+)?|\s+and\s+)", re.IGNORECASE)
_QUOTES: Final = re.compile('["\u201c\u201d\u201e\u00ab\u00bb]')


def _fold(name: str) -> str:
    """Compare State names ignoring case, accents, punctuation and a leading "the"."""
    decomposed = unicodedata.normalize("NFKD", name)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    words = re.sub(r"[^\w]+", " ", bare).split()
    if words[:1] == ["the"]:
        words = words[1:]
    return " ".join(words)


@functools.cache
def _state_index() -> Mapping[str, str]:
    index: dict[str, str] = {}
    for country in pycountry.countries:
        code = str(country.alpha_2)
        for attribute in ("name", "official_name", "common_name"):
            name = getattr(country, attribute, None)
            if not isinstance(name, str):
                continue
            index[_fold(name)] = code
            # "Moldova, Republic of" is also written "Republic of Moldova".
            head, comma, tail = name.partition(", ")
            if comma:
                index[_fold(f"{tail} {head}")] = code
    index.update(_STATE_ALIASES)
    return MappingProxyType(index)


def _cut_unbracketed_dash(text: str) -> str:
    """Drop a trailing " - note" outside brackets ("GREECE - [English Translation] by ...")."""
    depth = 0
    for i, char in enumerate(text):
        if char in "([":
            depth += 1
        elif char in ")]":
            depth = max(depth - 1, 0)
        elif depth == 0 and text.startswith(" - ", i):
            return text[:i]
    return text


@dataclass(frozen=True, slots=True)
class _TitleParts:
    applicants: str
    respondents: str
    notes: tuple[str, ...]  # parenthesised notes kept in the short title, e.g. "(No. 2)"


def _split_title(title: str) -> _TitleParts:
    text = _CASE_OF.sub("", _WHITESPACE.sub(" ", title).strip())
    matches = list(_VERSUS.finditer(text)) or list(_VERSUS_ANY_CASE.finditer(text))
    if not matches:
        raise ValueError(f"no ' v. ' in title {title!r}")
    last = matches[-1]
    applicants, respondents = text[: last.start()].strip(), text[last.end() :].strip()
    respondents = _cut_unbracketed_dash(respondents)
    notes: list[str] = []
    while (m := _TRAILING_NOTE.search(respondents)) is not None and m.start() > 0:
        if m.group(1).startswith("("):
            notes.insert(0, m.group(1))
        respondents = respondents[: m.start()]
    respondents = _QUOTES.sub("", respondents).strip(" '")
    if not respondents:
        raise ValueError(f"no respondent State in title {title!r}")
    return _TitleParts(applicants.strip(), respondents, tuple(notes))


def respondents_from_title(title: str) -> tuple[str, ...]:
    """Return the respondent States of a case title as ISO 3166-1 alpha-2 codes, in title order.

    "CASE OF M.S.S. v. BELGIUM AND GREECE" -> ("BE", "GR"). "BOSNIA AND HERZEGOVINA" is one
    State: a run of names joined by "and" or commas is read longest-known-name first. Raises
    ValueError when the title has no " v. " or names a State that cannot be identified.
    """
    parts = _STATE_SEPARATOR.split(_split_title(title).respondents)
    names, separators = parts[0::2], parts[1::2]
    index = _state_index()
    states: list[str] = []
    i = 0
    while i < len(names):
        for j in range(len(names) - 1, i - 1, -1):
            candidate = names[i] + "".join(
                s + n for s, n in zip(separators[i:j], names[i + 1 : j + 1], strict=True)
            )
            code = index.get(_fold(candidate))
            if code is not None:
                states.append(code)
                i = j + 1
                break
        else:
            raise ValueError(f"unknown State {names[i]!r} in title {title!r}")
    return tuple(dict.fromkeys(states))


# Joining words kept lower case inside names ("Van der Heijden", "Rodrigues da Silva").
# fmt: off
_LOWER_WORDS: Final = frozenset({
    "and", "of", "the", "for", "in", "on", "to", "van", "von", "der", "den", "de", "del", "della",
    "di", "da", "du", "zur", "und", "et", "en", "die", "des",
})
# Company forms and acronyms that stay as they are written.
_KEPT_WORDS: Final[Mapping[str, str]] = MappingProxyType({
    **{w: w for w in ("OOO", "ZAO", "OAO", "PAO", "LLC", "RTBF", "AG", "AS", "AD", "AB", "OY",
                      "KFT", "ZRT", "TOV", "SA", "SRL", "NV", "BV", "UAB")},
    "GMBH": "GmbH",
    "MBH": "mbH",
})
# fmt: on
_INITIALS: Final = re.compile(r"(?:[^\W\d_]{1,2}\.)*[^\W\d_]{1,2}\.?|[^\W\d_]")
_ROMAN: Final = re.compile(r"(?=[IVX])X{0,3}(?:IX|IV|V?I{0,3})")
_NUMBER_NOTE: Final = re.compile(r"\((?:nos?|n[\u00b0\u00ba])\.?\s*([^)]*)\)", re.IGNORECASE)


def _lower(text: str) -> str:
    # str.lower() turns Turkish "İ" into "i" plus a combining dot.
    return text.replace("\u0130", "i").lower()


def _capitalise(piece: str) -> str:
    upper = piece.upper()
    if upper.startswith("MC") and len(piece) > 2:
        return "Mc" + _capitalise(piece[2:])
    return piece[:1].upper() + _lower(piece[1:])


def _case_core(core: str, *, first: bool, respondent: bool) -> str:
    upper = core.upper()
    if upper in _KEPT_WORDS:
        return _KEPT_WORDS[upper]
    lowered = _lower(core)
    if respondent and lowered in {"the", "former"}:
        return lowered
    if lowered in _LOWER_WORDS and not first:
        return lowered
    if _INITIALS.fullmatch(core) and ("." in core or len(core) == 1):
        return upper
    cased: list[str] = []
    for part in core.split("-"):
        pieces = re.split(r"(['\u2019])", part)
        out = _capitalise(pieces[0])
        for k in range(1, len(pieces), 2):
            # O'Donoghue, D'Souza; but Jehovah's.
            after = pieces[k + 1]
            out += pieces[k] + (_capitalise(after) if len(pieces[k - 1]) == 1 else _lower(after))
        cased.append(out)
    return "-".join(cased)


def _case_words(text: str, *, respondent: bool) -> str:
    words: list[str] = []
    for n, word in enumerate(text.split(" ")):
        m = re.fullmatch(r"([\W_]*)(.*?)([\W_]*)", word)
        assert m is not None  # the pattern matches every string
        lead, core, trail = m.groups()
        if core.isalpha() or "." in core or "'" in core or "-" in core:
            core = _case_core(core, first=n == 0, respondent=respondent)
        words.append(lead + core + trail)
    return " ".join(words)


def _case_note(note: str) -> str:
    if (m := _NUMBER_NOTE.fullmatch(note)) is not None:
        label = "nos." if re.match(r"\(nos", note, re.IGNORECASE) else "no."
        return f"({label} {_lower(m.group(1)).strip()})"
    inner = note[1:-1].strip()
    return note if _ROMAN.fullmatch(inner) else f"({_lower(inner)})"


def short_title_from_title(title: str) -> str:
    """Return the readable case name: "CASE OF HIRSI JAMAA AND OTHERS v. ITALY" ->
    "Hirsi Jamaa and Others v. Italy"; "(No. 2)" becomes "(no. 2)", "[Extracts]" is dropped."""
    parts = _split_title(title)
    applicants = _case_words(parts.applicants, respondent=False)
    respondents = _case_words(parts.respondents, respondent=True)
    notes = "".join(f" {_case_note(n)}" for n in parts.notes)
    return f"{applicants} v. {respondents}{notes}"


# ------------------------------------------------------------------------------------- records

_FORMATIONS: Final[Mapping[str, Formation]] = MappingProxyType(
    {
        "grandchamber": Formation.grand_chamber,
        "chamber": Formation.chamber,
        "committee": Formation.committee,
    }
)


def _formation(court_level: object, doctype: object, itemid: str) -> Formation:
    for value in (court_level, doctype):
        if isinstance(value, str):
            key = re.sub(r"[^a-z]", "", value.lower()).removesuffix("judgment")
            if key in _FORMATIONS:
                return _FORMATIONS[key]
    raise ValueError(f"{itemid}: no formation in court_level {court_level!r}, doctype {doctype!r}")


def _importance(value: object) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def judgment_from_record(record: Mapping[str, object]) -> EcthrJudgment:
    """Build a judgment from one decoded corpus line; raises ValueError naming its itemid."""
    itemid = record.get("itemid")
    if not isinstance(itemid, str) or not itemid:
        raise ValueError(f"record without itemid: {str(record)[:200]}")
    try:
        raw_title = record.get("title")
        title = _WHITESPACE.sub(" ", raw_title).strip() if isinstance(raw_title, str) else None
        raw_date = record.get("date")
        if not isinstance(raw_date, str):
            raise ValueError(f"no date: {raw_date!r}")
        raw_outcomes = record.get("article_outcomes") or {}
        if not isinstance(raw_outcomes, dict):
            raise ValueError(f"article_outcomes is not an object: {raw_outcomes!r}")
        outcomes: dict[str, Finding] = {}
        for key, value in raw_outcomes.items():
            article_to_provision(key)
            outcomes[key] = _finding(str(value))
        return EcthrJudgment(
            source_id=itemid,
            title=title,
            short_title=short_title_from_title(title) if title else None,
            respondent_states=respondents_from_title(title) if title else (),
            decided_on=date.fromisoformat(raw_date[:10]),
            formation=_formation(record.get("court_level"), record.get("doctype"), itemid),
            importance=_importance(record.get("importance")),
            application_numbers=_application_numbers(record.get("appnos"), itemid),
            facts=_text(record.get("facts")),
            law=_text(record.get("law")),
            article_outcomes=MappingProxyType(outcomes),
            cited_application_numbers=_application_numbers(record.get("cited_appnos"), itemid),
        )
    except ValueError as exc:
        if str(exc).startswith(itemid):
            raise
        raise ValueError(f"{itemid}: {exc}") from exc


def read_judgments(path: Path) -> Iterator[EcthrJudgment]:
    """Stream the judgments of a JSON Lines file, gzip-compressed when its name ends in .gz."""
    with _open_text(path) as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            record = json.loads(line)
            if not isinstance(record, dict):
                raise ValueError(f"{path}:{number}: not a JSON object")
            yield judgment_from_record(record)


def _open_text(path: Path) -> TextIO:
    if path.suffix == ".gz":
        return gzip.open(path, "rt", encoding="utf-8")
    return path.open(encoding="utf-8")


def to_interchange(judgment: EcthrJudgment) -> dict[str, Any]:
    """The judgment as a Comity interchange record (one claim per Convention article)."""
    claims = []
    for article, finding in judgment.article_outcomes.items():
        instrument, path = article_to_provision(article)
        claims.append({"provisions": [f"{instrument}:{path}"], "finding": str(finding)})
    return {
        "reference_key": f"HUDOC-{judgment.source_id}",
        "title": judgment.short_title or judgment.title or f"ECtHR judgment {judgment.source_id}",
        "forum_id": "ECTHR",
        "respondent_states": list(judgment.respondent_states),
        "decided_on": judgment.decided_on.isoformat(),
        "status": "decided",
        "language": "en",
        "facts_summary": judgment.facts,
        "law_text": judgment.law,
        "identifiers": [
            {"kind": "application_number", "value": number}
            for number in judgment.application_numbers
        ],
        "claims": claims,
        "citations": [
            {"identifier": {"kind": "application_number", "value": number}, "treatment": "supports"}
            for number in judgment.cited_application_numbers
            if number not in judgment.application_numbers
        ],
    }


def interchange_records(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    for line, judgment in enumerate(read_judgments(path), start=1):
        yield line, to_interchange(judgment)
