"""Find case citations in free text and parse each into a normalised, resolvable identifier.

The module's one job: given a draft brief or a judgment as a string, return every recognised case
citation with its character span, the kind of identifier, a normalised value that can be compared
with stored case identifiers, and a forum hint where the citation form itself implies the forum.
It is pure (no I/O, no database, no web); resolving a citation against stored cases is the
caller's job.

Conventions
-----------
Span
    ``text[start:end]`` is the stretch the value was parsed from. Where the identifier is a bare
    number after a label ("no.", "Application No.", "Communication No.", "Complaint No.",
    "Report No.", "Docket No.", "Case" before an IACHR case number) the label is context and is
    left out of the span, so a list such as "nos. 8675/15 and 8697/15" gives one citation per
    number, each spanning its number. Self-describing forms ("Series C No. 218", "OC-21/14",
    "[2023] UKSC 42", "C-61/11 PPU", ECLIs, UN document symbols, law-report references,
    "Amparo en Revisión 275/2019") are spanned whole.
Overlaps and duplicates
    Each pattern claims a stretch of text, label included. Claims are taken left to right, the
    longest first where two start together, and a claim overlapping one already taken is
    dropped: "Communication No. 71/92" is never also an ECtHR "No. 71/92", and
    "ECLI:EU:C:2011:268" is not also reported as its short tail "EU:C:2011:268". Deduplication is
    by span; a citation repeated at several places is reported at each place, so callers that
    want distinct identifiers key on ``(kind, value)``.
CJEU case numbers versus Colombian Constitutional Court judgments
    Both read ``<letter>-<number>/<yy>`` (CJEU C-411/10, T-192/16; Colombia C-577/11,
    T-210/18). The first rule that applies decides:

    1. ``SU-`` prefix, or a four-digit year ("T-025 de 2004", "T-025 of 2004"): Colombia.
    2. ``PPU`` or ``P`` suffix, or a one- or two-digit number: CJEU (Colombia zero-pads to three
       digits, the CJEU never pads).
    3. A three-digit number with a leading zero ("T-025/04"): Colombia.
    4. The nearest cue in the 80 characters before; failing that, the nearest in the 60
       characters after, up to the end of the clause (";", line or sentence end), since a cue
       after the number usually belongs to the next citation. Colombian cues: "Sentencia",
       "Corte Constitucional", "M.P.", "magistrado", "tutela", "Colombia". CJEU cues: "Case(s)",
       "CJEU", "ECJ", "Court of Justice", "General Court", "Advocate General",
       "preliminary ruling", "ECR", "EU:C", "ECLI:EU".
    5. No cue: CJEU, whose case register the bare form belongs to.
Series A
    Both the ECtHR (judgments before 1996) and the IACtHR (advisory opinions) publish a
    "Series A". The ECtHR writes "Series A no. 161" (lower-case "no.") and ran to no. 338, while
    the IACtHR writes "No." and is still below 40; so a lower-case "no." or a number above 40
    means ECtHR, anything else IACtHR. Series C and E are IACtHR only.
ECtHR numbers without a label
    "no. 27765/09" counts only after punctuation ("[GC], no. 27765/09", "(no. ...") or at the
    start of the text, because "Law No. 12/19" and "Resolution No. 1/20" have the same shape.
Forum hints
    Forum ids are those of ``forums.yaml`` (``ECTHR``, ``HRCTTEE``, ``GB-UKSC``, ``CA-SCC``,
    ``CO-CC``...). A communication number gets the committee of a UN document symbol ending in
    the same number and year within 300 characters; a two-digit year means the African
    Commission, whose register is the only one to use it.
Running time
    Quantifiers are bounded, except list repeats that must consume a whole number per round and
    the ECLI ordinal's single character class, which only starts after a literal "ECLI:...".
    Nothing can backtrack over an unbounded stretch, so matching is linear in the input length.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from enum import StrEnum

__all__ = [
    "ExtractedCitation",
    "IdentifierKind",
    "extract_citations",
    "normalise_application_number",
]


class IdentifierKind(StrEnum):
    """The shape of an identifier; tells a resolver which stored identifier field to compare."""

    ecli = "ecli"
    application_number = "application_number"
    communication_number = "communication_number"
    un_document_symbol = "un_document_symbol"
    series_number = "series_number"
    advisory_opinion = "advisory_opinion"
    neutral_citation = "neutral_citation"
    cjeu_case_number = "cjeu_case_number"
    docket_number = "docket_number"
    reporter = "reporter"


@dataclass(frozen=True, slots=True)
class ExtractedCitation:
    """One citation found in a text: ``text[start:end] == self.text``."""

    start: int
    end: int
    text: str
    kind: IdentifierKind
    value: str
    forum_hint: str | None


# A claim: (claim_start, claim_end, citations). The claim may be wider than the citations' spans
# because it includes the label that made the match unambiguous.
_Found = tuple[int, int, tuple[ExtractedCitation, ...]]

# Tokens substituted into patterns by _compile; str.replace rather than str.format because the
# patterns are full of regex braces.
_TOKENS = {
    # Typesetters, and the CJEU's own documents, use non-ASCII hyphens in case numbers.
    "{H}": "[-\\u2010\\u2011\\u2012\\u2013]",
    # Separators inside a list of numbers: "a, b and c", "a & b", French "et", Spanish "y".
    "{SEP}": (
        r"\s{0,3}(?:,\s{0,3}(?:and\s{1,3}|&\s{0,3}|et\s{1,3}|y\s{1,3})?"
        r"|and\s{1,3}|&\s{0,3}|et\s{1,3}|y\s{1,3})"
    ),
    # Not preceded or followed by a digit or slash, so dates such as 12/03/2020 never match.
    "{ECHR_NO}": r"(?<![0-9/])[0-9]{1,6}\s?/\s?[0-9]{2}(?![0-9/])",
    "{APP_NO}": r"(?<![0-9/])[0-9]{1,6}\s?/\s?(?:[0-9]{4}|[0-9]{2})(?![0-9/])",
    "{COMM_NO}": r"(?<![0-9/])[0-9]{1,4}/(?:[0-9]{4}|[0-9]{2})(?![0-9/])",
    "{COMPLAINT_NO}": r"(?<![0-9/])[0-9]{1,3}/[0-9]{4}(?![0-9/])",
    "{NO}": r"(?i:nos?\.?|n[\u00b0\u00ba]s?|numbers?|n[u\u00fa]m\.|n[u\u00fa]meros?)",
}


def _compile(pattern: str) -> re.Pattern[str]:
    for token, replacement in _TOKENS.items():
        pattern = pattern.replace(token, replacement)
    return re.compile(pattern)


_WHITESPACE_RUN = re.compile(r"\s+")
_HYPHENS = re.compile(_TOKENS["{H}"])


def _squash(s: str) -> str:
    return _WHITESPACE_RUN.sub(" ", s).strip()


def _cite(
    text: str, start: int, end: int, kind: IdentifierKind, value: str, forum: str | None
) -> ExtractedCitation:
    return ExtractedCitation(start, end, text[start:end], kind, value, forum)


def _whole(
    m: re.Match[str], text: str, kind: IdentifierKind, value: str, forum: str | None
) -> _Found:
    return m.start(), m.end(), (_cite(text, m.start(), m.end(), kind, value, forum),)


def _group(m: re.Match[str], name: str) -> str:
    """The text of a named group, or "" when it did not take part in the match."""
    found = m.group(name)
    return found if isinstance(found, str) else ""


# ---------------------------------------------------------------------------------------- numbers

_SLASH_VARIANTS = str.maketrans({"\u2044": "/", "\u2215": "/", "\uff0f": "/"})
_APPLICATION_LABEL = re.compile(
    r"^(?i:(?:applications?|app\.?|requ\u00eates?|req\.?)\s*)?"
    r"(?i:nos?\.?|n[\u00b0\u00ba]s?|numbers?)?\s*"
)
_APPLICATION_NUMBER = re.compile(r"[0-9]{1,6}/(?:[0-9]{2}|[0-9]{4})")


def normalise_application_number(s: str) -> str:
    """Return an application number as registries store it: "27765 / 09" -> "27765/09".

    Accepts a leading label ("no.", "Application No.", "app. no.", "req. n\u00b0"), any whitespace
    and the Unicode slash look-alikes; keeps leading zeros, which are significant in African
    Court numbers ("012/2015"). Raises ValueError when no application number remains.
    """
    stripped = s.translate(_SLASH_VARIANTS).strip()
    stripped = _APPLICATION_LABEL.sub("", stripped, count=1)
    compact = "".join(stripped.split())
    if not _APPLICATION_NUMBER.fullmatch(compact):
        raise ValueError(f"not an application number: {s!r}")
    return compact


def _application_forum(value: str) -> str | None:
    if re.fullmatch(r"[0-9]{1,6}/[0-9]{2}", value):
        return "ECTHR"
    if re.fullmatch(r"[0-9]{3}/[0-9]{4}", value):
        return "AFCHPR"
    return None


def _numbers_in(
    text: str, m: re.Match[str], item: re.Pattern[str]
) -> Iterator[tuple[int, int, str]]:
    for number in item.finditer(text, m.start("list"), m.end("list")):
        yield number.start(), number.end(), number.group()


_ECHR_ITEM = _compile("{ECHR_NO}")
_APP_ITEM = _compile("{APP_NO}")
_COMM_ITEM = _compile("{COMM_NO}")
_COMPLAINT_ITEM = _compile("{COMPLAINT_NO}")

_APP_LABELLED_RE = _compile(
    r"(?<!\w)(?i:applications?|app\.|requ\u00eates?|req\.)\s{0,3}(?:{NO}\s{0,3})?"
    r"(?P<list>{APP_NO}(?:{SEP}{APP_NO})*)"
)


def _find_labelled_applications(text: str) -> Iterator[_Found]:
    for m in _APP_LABELLED_RE.finditer(text):
        cites = []
        for start, end, raw in _numbers_in(text, m, _APP_ITEM):
            value = normalise_application_number(raw)
            kind = IdentifierKind.application_number
            cites.append(_cite(text, start, end, kind, value, _application_forum(value)))
        yield m.start(), m.end(), tuple(cites)


_APP_BARE_RE = _compile(
    r"(?<![\w.])(?:[Nn]os?\.|[Nn][\u00b0\u00ba]s?)\s{0,3}(?P<list>{ECHR_NO}(?:{SEP}{ECHR_NO})*)"
)
_PUNCTUATION_BEFORE_NO = frozenset(",;:([)]\u2013\u2014")


def _bare_number_allowed(text: str, start: int) -> bool:
    # Bounded look-back: an unbounded rstrip of text[:start] would be quadratic over many matches.
    before = text[max(0, start - 20) : start].rstrip()
    return not before or before[-1] in _PUNCTUATION_BEFORE_NO


def _find_bare_applications(text: str) -> Iterator[_Found]:
    for m in _APP_BARE_RE.finditer(text):
        if not _bare_number_allowed(text, m.start()):
            continue
        cites = tuple(
            _cite(
                text,
                start,
                end,
                IdentifierKind.application_number,
                normalise_application_number(raw),
                "ECTHR",
            )
            for start, end, raw in _numbers_in(text, m, _ECHR_ITEM)
        )
        yield m.start(), m.end(), cites


_COMM_RE = _compile(
    r"(?<!\w)(?i:communications?|comunicaci[o\u00f3]n(?:es)?|comm\.)\s{0,3}(?:{NO}\s{0,3})?"
    r"(?P<list>{COMM_NO}(?:{SEP}{COMM_NO})*)"
)


def _find_communications(text: str) -> Iterator[_Found]:
    for m in _COMM_RE.finditer(text):
        cites = []
        for start, end, raw in _numbers_in(text, m, _COMM_ITEM):
            # Only the African Commission registers communications with two-digit years.
            forum = "ACHPR-COMM" if len(raw.rsplit("/", 1)[1]) == 2 else None
            kind = IdentifierKind.communication_number
            cites.append(_cite(text, start, end, kind, raw, forum))
        yield m.start(), m.end(), tuple(cites)


_COMPLAINT_RE = _compile(
    r"(?<!\w)(?i:(?:collective\s{1,3})?complaints?|r[e\u00e9]clamations?(?:\s{1,3}collectives?)?)"
    r"\s{0,3}{NO}\s{0,3}(?P<list>{COMPLAINT_NO}(?:{SEP}{COMPLAINT_NO})*)"
)


def _find_complaints(text: str) -> Iterator[_Found]:
    for m in _COMPLAINT_RE.finditer(text):
        cites = tuple(
            _cite(text, start, end, IdentifierKind.docket_number, raw, "ECSR")
            for start, end, raw in _numbers_in(text, m, _COMPLAINT_ITEM)
        )
        yield m.start(), m.end(), cites


# Label, number pattern, forum: each a single docket number whose label names the forum.
_LABELLED_DOCKETS: tuple[tuple[re.Pattern[str], str | None], ...] = (
    # IACHR merits and admissibility reports: "Report No. 51/96" (year of the report series).
    (
        _compile(
            r"(?<!\w)(?:Report|Informe|Rapport)\s{1,3}{NO}\s{0,3}"
            r"(?P<num>[0-9]{1,3}/[0-9]{2})(?![0-9/])"
        ),
        "IACHR",
    ),
    # IACHR case numbers keep the thousands dot: "Case 10.675".
    (
        _compile(
            r"(?<!\w)(?:Case|Caso)\s{1,3}(?:(?i:no\.)\s{0,3})?"
            r"(?P<num>[0-9]{1,2}\.[0-9]{3})(?![0-9]|\.[0-9])"
        ),
        "IACHR",
    ),
    # Working Group on Arbitrary Detention opinions: "Opinion No. 5/2020".
    (
        _compile(
            r"(?<!\w)(?:Opinion|Opini\u00f3n|Avis)\s{1,3}{NO}\s{0,3}"
            r"(?P<num>[0-9]{1,3}/[0-9]{4})(?![0-9/])"
        ),
        "WGAD",
    ),
    # US slip opinions are cited by docket until reported; the forum is not in the number.
    (
        _compile(r"(?<!\w)(?i:docket)\s{1,3}{NO}\s{0,3}(?P<num>[0-9]{2}{H}[0-9]{1,5})(?![0-9])"),
        None,
    ),
)


def _find_labelled_dockets(text: str) -> Iterator[_Found]:
    for pattern, forum in _LABELLED_DOCKETS:
        for m in pattern.finditer(text):
            value = _HYPHENS.sub("-", m["num"])
            kind = IdentifierKind.docket_number
            cite = _cite(text, m.start("num"), m.end("num"), kind, value, forum)
            yield m.start(), m.end(), (cite,)


_BVERFG_RE = re.compile(
    r"(?<![\w/])(?P<senate>[12])\s{1,2}(?P<register>Bv[A-Z])\s{1,2}"
    r"(?P<num>[0-9]{1,4})/(?P<yy>[0-9]{2})(?![0-9/])"
)


def _find_bverfg_dockets(text: str) -> Iterator[_Found]:
    for m in _BVERFG_RE.finditer(text):
        value = f"{m['senate']} {m['register']} {m['num']}/{m['yy']}"
        yield _whole(m, text, IdentifierKind.docket_number, value, "DE-BVERFG")


_SCJN_RE = _compile(
    r"(?<!\w)(?P<label>(?i:amparo\s{1,3}directo\s{1,3}en\s{1,3}revisi[o\u00f3]n"
    r"|amparo\s{1,3}en\s{1,3}revisi[o\u00f3]n|acci[o\u00f3]n\s{1,3}de\s{1,3}inconstitucionalidad"
    r"|contradicci[o\u00f3]n\s{1,3}de\s{1,3}tesis))\s{1,3}(?:{NO}\s{0,3})?"
    r"(?P<num>[0-9]{1,5})/(?P<year>[0-9]{4})(?![0-9/])"
)


def _scjn_abbreviation(label: str) -> str:
    words = _squash(label).lower().split(" ")
    if words[0] == "amparo":
        return "ADR" if words[1] == "directo" else "AR"
    return "AI" if words[0].startswith("acci") else "CT"


def _find_scjn_dockets(text: str) -> Iterator[_Found]:
    for m in _SCJN_RE.finditer(text):
        value = f"{_scjn_abbreviation(m['label'])} {m['num']}/{m['year']}"
        yield _whole(m, text, IdentifierKind.docket_number, value, "MX-SCJN")


# ------------------------------------------------------------------------------- self-describing

_ECLI_RE = re.compile(
    r"(?<![A-Za-z0-9])ECLI:(?P<country>[A-Z]{2}):(?P<court>[A-Za-z0-9]{1,7}):"
    r"(?P<year>[0-9]{4}):(?P<ordinal>[A-Za-z0-9.]+)"
)
_ECLI_FORUMS = {
    ("EU", "C"): "CJEU",
    ("EU", "T"): "CJEU",
    ("EU", "F"): "CJEU",
    ("CE", "ECHR"): "ECTHR",
    ("DE", "BVERFG"): "DE-BVERFG",
    ("FR", "CC"): "FR-CC",
    ("IT", "COST"): "IT-CC",
    ("ES", "TC"): "ES-TC",
}


def _ecli_forum(country: str, court: str) -> str | None:
    forum = _ECLI_FORUMS.get((country, court.upper()))
    # The Conseil d'Etat uses several court codes (CE, CEORD, CECHR, CESJS, CEASS).
    if forum is None and country == "FR" and court.upper().startswith("CE"):
        return "FR-CE"
    return forum


def _find_ecli(text: str) -> Iterator[_Found]:
    for m in _ECLI_RE.finditer(text):
        # A full stop after the ordinal ends the sentence; it is not part of the identifier.
        ordinal = m["ordinal"].rstrip(".")
        if not ordinal or len(ordinal) > 25 or text.startswith(":", m.end()):
            continue
        end = m.start("ordinal") + len(ordinal)
        value = f"ECLI:{m['country']}:{m['court']}:{m['year']}:{ordinal}"
        forum = _ecli_forum(m["country"], m["court"])
        yield m.start(), end, (_cite(text, m.start(), end, IdentifierKind.ecli, value, forum),)


# The CJEU prints its ECLIs without the "ECLI:" prefix ("EU:C:2014:2453").
_EU_SHORT_ECLI_RE = re.compile(
    r"(?<![A-Za-z0-9:])EU:(?P<court>[CTF]):(?P<year>[0-9]{4}):(?P<ordinal>[0-9]{1,6})(?![A-Za-z0-9])"
)


def _find_eu_short_ecli(text: str) -> Iterator[_Found]:
    for m in _EU_SHORT_ECLI_RE.finditer(text):
        value = f"ECLI:EU:{m['court']}:{m['year']}:{m['ordinal']}"
        yield _whole(m, text, IdentifierKind.ecli, value, "CJEU")


_UN_SYMBOL_RE = re.compile(
    r"(?<![A-Za-z0-9/.])(?:"
    r"(?:(?P<treaty>CCPR|CAT|CRC|CERD|CEDAW|CRPD|CED|CMW)/C|(?P<cescr>E/C\.12))"
    r"/[0-9]{1,3}/D/[0-9]{1,4}/[0-9]{4}"
    r"|(?P<wgad>A/HRC/WGAD)/[0-9]{4}/[0-9]{1,3}"
    r")(?![0-9])"
)
_TREATY_BODIES = {
    "CCPR": "HRCTTEE",
    "CAT": "CAT-C",
    "CRC": "CRC-C",
    "CERD": "CERD-C",
    "CEDAW": "CEDAW-C",
    "CRPD": "CRPD-C",
    "CED": "CED-C",
    "CMW": "CMW-C",
}


def _find_un_symbols(text: str) -> Iterator[_Found]:
    for m in _UN_SYMBOL_RE.finditer(text):
        forum = _TREATY_BODIES.get(_group(m, "treaty")) or ("CESCR" if m["cescr"] else "WGAD")
        yield _whole(m, text, IdentifierKind.un_document_symbol, m.group(), forum)


_SERIES_RE = re.compile(
    r"(?<!\w)(?:Series?\s{1,3}(?P<letter>[ACE])\s{0,2},?"
    r"|\((?i:ser)\.\s{0,2}(?P<bluebook>[ACE])\))"
    r"\s{0,3}(?P<no>[Nn][o\u00ba\u00b0]\.?)\s{0,3}(?P<num>[0-9]{1,3})(?![0-9])"
)


def _find_series(text: str) -> Iterator[_Found]:
    for m in _SERIES_RE.finditer(text):
        letter = m["letter"] or m["bluebook"]
        number = str(int(m["num"]))
        ecthr = (
            letter == "A" and not m["bluebook"] and (m["no"].startswith("n") or int(number) > 40)
        )
        forum = "ECTHR" if ecthr else "IACTHR"
        value = f"Series {letter} No. {number}"
        yield _whole(m, text, IdentifierKind.series_number, value, forum)


_ADVISORY_OPINION_RE = _compile(
    r"(?<![\w\u2010-\u2013-])OC\s?{H}\s?(?P<num>[0-9]{1,2})/(?P<yy>[0-9]{2})(?![0-9/])"
)


def _find_advisory_opinions(text: str) -> Iterator[_Found]:
    for m in _ADVISORY_OPINION_RE.finditer(text):
        value = f"OC-{int(m['num'])}/{m['yy']}"
        yield _whole(m, text, IdentifierKind.advisory_opinion, value, "IACTHR")


_LETTER_CASE_RE = _compile(
    r"(?<![\w/\u2010-\u2013-])(?P<prefix>SU|C|T){H}(?P<num>[0-9]{1,4})"
    r"(?:/(?P<yy>[0-9]{2})(?![0-9/])(?:\s(?P<suffix>PPU|P)(?![\w\u2010-\u2013-]))?"
    r"|\s{1,3}(?:de|of)\s{1,3}(?P<yyyy>[0-9]{4})(?![0-9]))"
)
_COLOMBIA_CUE = re.compile(
    r"(?<!\w)(?:[Ss]entencias?|Corte\s{1,3}Constitucional|M\.\s?P\.|[Mm]agistrad[oa]s?"
    r"|[Tt]utelas?|Colombian?)(?!\w)"
)
_CJEU_CUE = re.compile(
    r"(?<!\w)(?:Cases?|CJEU|ECJ|CJUE|TJUE|EuGH|Court\s{1,3}of\s{1,3}Justice|General\s{1,3}Court"
    r"|Tribunal\s{1,3}General|Advocate\s{1,3}General|preliminary\s{1,3}ruling|ECR|EU:[CT]"
    r"|ECLI:EU)(?!\w)"
)
_CUE_BEFORE = 80
_CUE_AFTER = 60


# A lower-case letter, digit or bracket before the full stop keeps "M.P." inside the clause.
_CLAUSE_END = re.compile(r";|\n|(?<=[a-z0-9)])\.(?:\s|$)")


def _nearest_cue(text: str, start: int, end: int) -> str | None:
    """Return "CO" or "EU" for the cue nearest the number, or None when there is none."""
    before = text[max(0, start - _CUE_BEFORE) : start]
    distances = {}
    for name, cue in (("CO", _COLOMBIA_CUE), ("EU", _CJEU_CUE)):
        found = list(cue.finditer(before))
        if found:
            distances[name] = len(before) - found[-1].end()
    if not distances:
        after = text[end : end + _CUE_AFTER]
        clause_end = _CLAUSE_END.search(after)
        after = after[: clause_end.start()] if clause_end else after
        for name, cue in (("CO", _COLOMBIA_CUE), ("EU", _CJEU_CUE)):
            first = cue.search(after)
            if first is not None:
                distances[name] = first.start()
    return min(distances, key=lambda name: distances[name]) if distances else None


def _is_colombian(m: re.Match[str], text: str) -> bool:
    if m["prefix"] == "SU" or m["yyyy"]:
        return True
    if m["suffix"] or len(m["num"]) < 3:
        return False
    if len(m["num"]) == 3 and m["num"].startswith("0"):
        return True
    return _nearest_cue(text, m.start(), m.end()) == "CO"


def _find_letter_cases(text: str) -> Iterator[_Found]:
    for m in _LETTER_CASE_RE.finditer(text):
        year = m["yy"] or _group(m, "yyyy")[2:]
        value = f"{m['prefix']}-{m['num']}/{year}"
        if _is_colombian(m, text):
            yield _whole(m, text, IdentifierKind.docket_number, value, "CO-CC")
        else:
            suffix = f" {m['suffix']}" if m["suffix"] else ""
            yield _whole(m, text, IdentifierKind.cjeu_case_number, value + suffix, "CJEU")


_NEUTRAL_RE = re.compile(
    r"\[(?P<year>[0-9]{4})\]\s{1,3}(?P<court>[A-Z][A-Za-z]{1,9})(?:\s{1,3}(?P<division>Civ|Crim))?"
    r"\s{1,3}(?P<num>[0-9]{1,5})(?![0-9])"
    r"(?:\s{0,2}\((?P<suffix>Admin|IAC|Fam|QB|KB|Ch|Comm|TCC|Pat|IPEC|AAC|LC|OJ|AJ|KLR)\))?"
)
# Law-report abbreviations share the "[year] ABBR page" shape but are not neutral citations.
_NOT_NEUTRAL = frozenset(
    {"ECR", "EHRR", "WLR", "AC", "QB", "KB", "CLR", "SCR", "AHRLR", "INLR", "BHRC", "BCLR", "SA"}
    | {"UKHRR", "HRLR", "CMLR", "ELR", "IRLR", "ER", "All", "Imm", "EMLR", "Lloyd", "OJ"}
)
_NEUTRAL_FORUMS = {
    "UKSC": "GB-UKSC",
    "UKHL": "GB-UKHL",
    "HCA": "AU-HCA",
    "ZACC": "ZA-CC",
    "ZASCA": "ZA-SCA",
    "AfCHPR": "AFCHPR",
    "NZSC": "NZ-SC",
    "CCJ": "CCJ",
    "KEHC": "KE-HC",
    "KECA": "KE-CA",
    "KESC": "KE-SC",
    "INSC": "IN-SC",
    "SCC": "CA-SCC",
}


def _find_bracketed_neutral(text: str) -> Iterator[_Found]:
    for m in _NEUTRAL_RE.finditer(text):
        court = m["court"]
        # Court codes are acronyms; one capital means an ordinary word ("[2019] Art 5").
        if court in _NOT_NEUTRAL or sum(ch.isupper() for ch in court) < 2:
            continue
        division = f" {m['division']}" if m["division"] else ""
        suffix = f" ({m['suffix']})" if m["suffix"] else ""
        value = f"[{m['year']}] {court}{division} {m['num']}{suffix}"
        forum = _NEUTRAL_FORUMS.get(court)
        yield _whole(m, text, IdentifierKind.neutral_citation, value, forum)


# Canadian and Indian neutral citations carry no brackets; only known courts, since
# "<year> <ABBR> <n>" is otherwise common prose.
_UNBRACKETED_NEUTRAL_RE = re.compile(
    r"(?<![\w\[(])(?P<year>[0-9]{4})\s{1,3}"
    r"(?P<court>SCC|FCA|FC|ONCA|BCCA|QCCA|ABCA|NSCA|MBCA|SKCA|NBCA|INSC)"
    r"\s{1,3}(?P<num>[0-9]{1,5})(?![0-9])"
)


def _find_unbracketed_neutral(text: str) -> Iterator[_Found]:
    for m in _UNBRACKETED_NEUTRAL_RE.finditer(text):
        value = f"{m['year']} {m['court']} {m['num']}"
        forum = _NEUTRAL_FORUMS.get(m["court"])
        yield _whole(m, text, IdentifierKind.neutral_citation, value, forum)


# Kenya Law's "[2013] eKLR" names neither the court nor the decision; it is only a weak reporter.
_EKLR_RE = re.compile(r"\[(?P<year>[0-9]{4})\]\s{1,3}eKLR(?!\w)")


def _find_eklr(text: str) -> Iterator[_Found]:
    for m in _EKLR_RE.finditer(text):
        yield _whole(m, text, IdentifierKind.reporter, f"[{m['year']}] eKLR", None)


# ------------------------------------------------------------------------------------- reporters

_US_REPORTER_RE = re.compile(
    r"(?<![\w.])(?P<volume>[0-9]{1,3})\s(?P<reporter>U\.\s?S\.|S\.\s?Ct\.|L\.\s?Ed\.\s?2d"
    r"|F\.\s?(?:2d|3d|4th)|F\.\s?Supp\.(?:\s?[23]d)?|F\.\s?App'x)"
    r"\s(?P<page>[0-9]{1,4})(?![0-9])(?:\s\((?P<court>[A-Za-z. ]{0,30}?)\s?[0-9]{4}\))?"
)
_US_CANONICAL = {
    "U.S.": "U.S.",
    "S.Ct.": "S. Ct.",
    "L.Ed.2d": "L. Ed. 2d",
    "F.2d": "F.2d",
    "F.3d": "F.3d",
    "F.4th": "F.4th",
    "F.Supp.": "F. Supp.",
    "F.Supp.2d": "F. Supp. 2d",
    "F.Supp.3d": "F. Supp. 3d",
    "F.App'x": "F. App'x",
}


def _find_us_reporters(text: str) -> Iterator[_Found]:
    for m in _US_REPORTER_RE.finditer(text):
        reporter = _US_CANONICAL["".join(m["reporter"].split())]
        if reporter in {"U.S.", "S. Ct.", "L. Ed. 2d"}:
            forum: str | None = "US-SCOTUS"
        else:
            # The Federal Reporter covers every circuit; only the parenthetical names one.
            forum = "US-CADC" if _squash(_group(m, "court")) == "D.C. Cir." else None
        value = f"{m['volume']} {reporter} {m['page']}"
        cite = _cite(text, m.start(), m.end("page"), IdentifierKind.reporter, value, forum)
        yield m.start(), m.end(), (cite,)


def _forum_from(table: dict[str, str]) -> Callable[[re.Match[str]], str | None]:
    def pick(m: re.Match[str]) -> str | None:
        return table.get(_group(m, "court"))

    return pick


def _fixed(forum: str | None) -> Callable[[re.Match[str]], str | None]:
    def pick(m: re.Match[str]) -> str | None:
        return forum

    return pick


_ZA_COURTS = {"CC": "ZA-CC", "SCA": "ZA-SCA"}
_AHRLR_BODIES = {"ACHPR": "ACHPR-COMM", "AfCHPR": "AFCHPR", "ACERWC": "ACERWC"}

# Law reports whose reference, as written with whitespace squashed, is the stored value.
_REPORTERS: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str | None]], ...] = (
    (
        re.compile(r"\[[0-9]{4}\]\s{1,3}[0-9]{1,2}\s{1,3}S\.C\.R\.\s{1,3}[0-9]{1,4}(?![0-9])"),
        _fixed("CA-SCC"),
    ),
    (
        re.compile(
            r"\[[0-9]{4}\]\s{1,3}(?:[0-9]{1,2}\s{1,3})?(?:WLR|All\s{1,3}ER|AC|QB|KB|Imm\s{1,3}AR"
            r"|INLR)\s{1,3}[0-9]{1,4}(?![0-9])"
        ),
        _fixed(None),
    ),
    (
        re.compile(
            r"\[[0-9]{4}\]\s{1,3}[0-9]{1,2}\s{1,3}All\s{1,3}SA\s{1,3}[0-9]{1,4}(?![0-9])"
            r"(?:\s{1,3}\((?P<court>[A-Z]{1,5})\))?"
        ),
        _forum_from(_ZA_COURTS),
    ),
    (
        re.compile(
            r"(?<![\w(])[0-9]{4}\s{1,3}\([0-9]{1,2}\)\s{1,3}(?:SA|BCLR)\s{1,3}[0-9]{1,4}(?![0-9])"
            r"(?:\s{1,3}\((?P<court>[A-Z]{1,5})\))?"
        ),
        _forum_from(_ZA_COURTS),
    ),
    (
        re.compile(
            r"\([0-9]{4}\)\s{1,3}[0-9]{1,3}\s{1,3}(?P<court>CLR|SCC|EHRR)\s{1,3}[0-9]{1,4}"
            r"(?![0-9])"
        ),
        _forum_from({"CLR": "AU-HCA", "SCC": "IN-SC", "EHRR": "ECTHR"}),
    ),
    (
        re.compile(
            r"\([0-9]{4}\)\s{1,3}AHRLR\s{1,3}[0-9]{1,4}(?![0-9])"
            r"(?:\s{1,3}\((?P<court>[A-Za-z]{2,8})\s{1,3}[0-9]{4}\))?"
        ),
        _forum_from(_AHRLR_BODIES),
    ),
    (re.compile(r"(?<!\w)AIR\s{1,3}[0-9]{4}\s{1,3}SC\s{1,3}[0-9]{1,5}(?![0-9])"), _fixed("IN-SC")),
    (
        re.compile(r"(?<!\w)BVerfGE\s{1,3}[0-9]{1,3},\s{1,3}[0-9]{1,4}(?![0-9])"),
        _fixed("DE-BVERFG"),
    ),
    (
        _compile(r"\[[0-9]{4}\]\s{1,3}ECR\s{1,3}(?:I{1,2}{H})?[0-9]{1,5}(?![0-9])"),
        _fixed("CJEU"),
    ),
)

_ICJ_RE = re.compile(
    r"(?<!\w)I\.?\s?C\.?\s?J\.?\s{1,3}Reports\s{1,3}(?P<year>[0-9]{4}),?\s{1,3}"
    r"pp?\.?\s{0,2}(?P<page>[0-9]{1,4})(?![0-9])"
)


def _find_reporters(text: str) -> Iterator[_Found]:
    for pattern, forum_of in _REPORTERS:
        for m in pattern.finditer(text):
            value = _HYPHENS.sub("-", _squash(m.group()))
            yield _whole(m, text, IdentifierKind.reporter, value, forum_of(m))
    for m in _ICJ_RE.finditer(text):
        value = f"I.C.J. Reports {m['year']}, p. {m['page']}"
        yield _whole(m, text, IdentifierKind.reporter, value, "ICJ")


# ------------------------------------------------------------------------------------- assembly

# Order breaks ties between claims with the same start and length: more specific forms first.
_EXTRACTORS: tuple[Callable[[str], Iterator[_Found]], ...] = (
    _find_ecli,
    _find_eu_short_ecli,
    _find_un_symbols,
    _find_series,
    _find_advisory_opinions,
    _find_labelled_dockets,
    _find_complaints,
    _find_communications,
    _find_labelled_applications,
    _find_bare_applications,
    _find_scjn_dockets,
    _find_bverfg_dockets,
    _find_letter_cases,
    _find_reporters,
    _find_us_reporters,
    _find_eklr,
    _find_bracketed_neutral,
    _find_unbracketed_neutral,
)

_SYMBOL_HINT_DISTANCE = 300


def _hint_communications_from_symbols(cites: list[ExtractedCitation]) -> list[ExtractedCitation]:
    """Give a communication number the committee of a nearby UN symbol for the same number.

    "Communication No. 560/1993 ... CCPR/C/59/D/560/1993" names the Human Rights Committee only
    in the symbol; the number alone fits any treaty body.
    """
    by_tail: dict[str, list[tuple[int, int, str | None]]] = {}
    for c in cites:
        if c.kind is IdentifierKind.un_document_symbol and "/D/" in c.value:
            tail = c.value.split("/D/", 1)[1]
            by_tail.setdefault(tail, []).append((c.start, c.end, c.forum_hint))
    if not by_tail:
        return cites
    hinted = []
    for c in cites:
        symbols = by_tail.get(c.value) if c.kind is IdentifierKind.communication_number else None
        if symbols and c.forum_hint is None:
            i = bisect.bisect_left(symbols, (c.start,))
            for start, end, forum in symbols[max(0, i - 1) : i + 1]:
                gap = start - c.end if start >= c.end else c.start - end
                if gap <= _SYMBOL_HINT_DISTANCE:
                    c = replace(c, forum_hint=forum)
                    break
        hinted.append(c)
    return hinted


def extract_citations(text: str) -> list[ExtractedCitation]:
    """Return the case citations in ``text``, sorted by start, with no overlapping spans."""
    claims: list[tuple[int, int, int, tuple[ExtractedCitation, ...]]] = []
    for order, extractor in enumerate(_EXTRACTORS):
        for claim_start, claim_end, cites in extractor(text):
            if cites:
                claims.append((claim_start, claim_end, order, cites))
    claims.sort(key=lambda claim: (claim[0], claim[0] - claim[1], claim[2]))
    accepted: list[ExtractedCitation] = []
    frontier = 0
    for claim_start, claim_end, _, cites in claims:
        if claim_start >= frontier:
            accepted.extend(cites)
            frontier = claim_end
    accepted.sort(key=lambda c: c.start)
    return _hint_communications_from_symbols(accepted)
