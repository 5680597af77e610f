"""The Comity interchange format for cases: JSON Lines, or CSV with one row per claim.

JSON Lines: one case per line, the fields of `InterchangeCase`. CSV: the case columns repeat
on each of the case's claim rows; list fields are `;`-separated; identifiers are
`kind:value` pairs; citations are `treatment>reference` where the reference is a
reference key (`key:ECTHR-2012-HIRSI-JAMAA`), an identifier (`application_number:27765/09`)
or free text.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from typing import Any

from pydantic import BaseModel, Field, StrictBool, ValidationError, field_validator

from app.cases.models import (
    CaseStatus,
    DecisionType,
    Finding,
    ImplementationStatus,
    Outcome,
    Population,
    Treatment,
)
from app.cases.schemas import ISO2, IdentifierIn
from app.core.types import IsoDate, Strict

CSV_CASE_COLUMNS = (
    "reference_key",
    "title",
    "short_title",
    "citation",
    "forum_id",
    "respondent_states",
    "language",
    "filed_on",
    "decided_on",
    "status",
    "decision_type",
    "outcome",
    "importance",
    "keywords",
    "populations",
    "implementation_status",
    "facts_summary",
    "holding",
    "law_text",
    "identifiers",
    "citations",
)
CSV_CLAIM_COLUMNS = ("claim_right_id", "claim_provisions", "claim_finding", "claim_argument")
CSV_COLUMNS = CSV_CASE_COLUMNS + CSV_CLAIM_COLUMNS
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class InterchangeClaim(Strict):
    right_id: str | None = Field(default=None, max_length=60)
    provisions: list[str] = Field(default_factory=list, max_length=20)
    finding: Finding = Finding.pending
    argument_summary: str | None = Field(default=None, max_length=20_000)
    remedy: str | None = Field(default=None, max_length=5_000)


class InterchangeCitation(Strict):
    reference_key: str | None = Field(default=None, max_length=80)
    identifier: IdentifierIn | None = None
    text: str | None = Field(default=None, max_length=500)
    treatment: Treatment = Treatment.supports
    pinpoint: str | None = Field(default=None, max_length=100)
    uncertain: StrictBool = False


class InterchangeCase(Strict):
    reference_key: str | None = Field(default=None, max_length=80)
    title: str = Field(min_length=1, max_length=500)
    short_title: str | None = Field(default=None, max_length=200)
    citation: str | None = Field(default=None, max_length=500)
    forum_id: str = Field(min_length=1, max_length=40)
    respondent_states: list[str] = Field(default_factory=list, max_length=30)
    language: str | None = Field(default=None, pattern=r"^[a-z]{2}$")
    filed_on: IsoDate | None = None
    decided_on: IsoDate | None = None
    status: CaseStatus = CaseStatus.decided
    decision_type: DecisionType = DecisionType.merits
    outcome: Outcome | None = None
    importance: int | None = Field(default=None, ge=1, le=4)
    keywords: list[str] = Field(default_factory=list, max_length=50)
    populations: list[Population] = Field(default_factory=list, max_length=20)
    implementation_status: ImplementationStatus | None = None
    facts_summary: str = Field(default="", max_length=200_000)
    holding: str = Field(default="", max_length=50_000)
    law_text: str = Field(default="", max_length=400_000)
    identifiers: list[IdentifierIn] = Field(default_factory=list, max_length=50)
    claims: list[InterchangeClaim] = Field(default_factory=list, max_length=100)
    citations: list[InterchangeCitation] = Field(default_factory=list, max_length=500)

    @field_validator("respondent_states")
    @classmethod
    def _states(cls, values: list[str]) -> list[str]:
        codes = [v.upper() for v in values]
        bad = [v for v in codes if not ISO2.match(v)]
        if bad:
            raise ValueError(f"not ISO 3166-1 alpha-2: {', '.join(bad)}")
        return codes


class RecordError(BaseModel):
    line: int
    field: str
    reason: str


def parse_jsonl(data: bytes) -> Iterator[tuple[int, dict[str, Any] | RecordError]]:
    text = _decode(data)
    if isinstance(text, RecordError):
        yield 0, text
        return
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            yield number, RecordError(line=number, field="", reason=f"not JSON: {exc.msg}")
            continue
        if not isinstance(value, dict):
            yield number, RecordError(line=number, field="", reason="a line must hold an object")
            continue
        yield number, value


def _decode(data: bytes) -> str | RecordError:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return RecordError(line=0, field="", reason=f"the file is not UTF-8 (byte {exc.start})")


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.split(";") if v.strip()]


def parse_csv(data: bytes) -> Iterator[tuple[int, dict[str, Any] | RecordError]]:
    """Group claim rows into cases; a case ends where the next row starts another case."""
    text = _decode(data)
    if isinstance(text, RecordError):
        yield 0, text
        return
    reader = csv.DictReader(io.StringIO(text, newline=""))
    unknown = [c for c in reader.fieldnames or [] if c not in CSV_COLUMNS]
    missing = [c for c in ("title", "forum_id") if c not in (reader.fieldnames or [])]
    if unknown or missing:
        reason = "; ".join(
            ([f"unknown columns: {', '.join(unknown)}"] if unknown else [])
            + ([f"missing columns: {', '.join(missing)}"] if missing else [])
        )
        yield 1, RecordError(line=1, field="header", reason=reason)
        return
    current: dict[str, Any] | None = None
    start = 0
    try:
        for row in reader:
            line = reader.line_num
            bad = [k for k, v in row.items() if k is None or v is None]
            if bad:
                yield line, RecordError(line=line, field="", reason="wrong number of columns")
                continue
            formula = next((k for k, v in row.items() if v and v.startswith(("=", "@"))), None)
            if formula:
                yield (
                    line,
                    RecordError(
                        line=line, field=formula, reason="a value starts like a spreadsheet formula"
                    ),
                )
                continue
            row = {k: _unescape(v) for k, v in row.items()}
            case_part = {k: row.get(k, "") for k in CSV_CASE_COLUMNS}
            if current is None or case_part != current["_raw"]:
                if current is not None:
                    yield start, _csv_case(current)
                current, start = {"_raw": case_part, "claims": []}, line
            if row.get("claim_right_id") or row.get("claim_provisions"):
                current["claims"].append(
                    {
                        "right_id": row.get("claim_right_id") or None,
                        "provisions": _split(row.get("claim_provisions", "")),
                        "finding": row.get("claim_finding") or "pending",
                        "argument_summary": row.get("claim_argument") or None,
                    }
                )
    except csv.Error as exc:
        yield reader.line_num, RecordError(line=reader.line_num, field="", reason=str(exc))
        return
    if current is not None:
        yield start, _csv_case(current)


def _unescape(value: str) -> str:
    """Undo `neutralise`, so an exported CSV imports back to the same text."""
    return (
        value[1:]
        if value.startswith("'") and value[1:2].startswith(FORMULA_PREFIXES) and value[1:2] != ""
        else value
    )


def _csv_case(group: dict[str, Any]) -> dict[str, Any]:
    raw = group["_raw"]
    record: dict[str, Any] = {
        k: v
        for k, v in raw.items()
        if v != ""
        and k not in ("respondent_states", "keywords", "populations", "identifiers", "citations")
    }
    for key in ("respondent_states", "keywords", "populations"):
        record[key] = _split(raw.get(key, ""))
    record["identifiers"] = [
        {"kind": kind, "value": value}
        for kind, _, value in (i.partition(":") for i in _split(raw.get("identifiers", "")))
    ]
    record["citations"] = [_csv_citation(c) for c in _split(raw.get("citations", ""))]
    if "importance" in record:
        record["importance"] = (
            int(record["importance"]) if record["importance"].isdigit() else record["importance"]
        )
    record["claims"] = group["claims"]
    return record


def _csv_citation(value: str) -> dict[str, Any]:
    treatment, sep, target = value.partition(">")
    if not sep:
        treatment, target = "supports", value
    kind, _, rest = target.partition(":")
    out: dict[str, Any] = {"treatment": treatment}
    if kind == "key":
        out["reference_key"] = rest
    elif kind in {
        "ecli",
        "application_number",
        "communication_number",
        "docket_number",
        "neutral_citation",
        "series_number",
        "un_document_symbol",
        "other",
    }:
        out["identifier"] = {"kind": kind, "value": rest}
    else:
        out["text"] = target
    return out


def validate(line: int, raw: dict[str, Any]) -> InterchangeCase | list[RecordError]:
    try:
        return InterchangeCase.model_validate(raw)
    except ValidationError as exc:
        return [
            RecordError(line=line, field=".".join(str(p) for p in e["loc"]), reason=e["msg"])
            for e in exc.errors()
        ]


# ---------------------------------------------------------------- export


def neutralise(value: str) -> str:
    """Prefix formula-like cells so a spreadsheet shows them as text (CSV injection)."""
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


def to_jsonl_line(case: InterchangeCase) -> str:
    return case.model_dump_json(exclude_none=True) + "\n"


def to_csv_rows(cases: Iterable[InterchangeCase]) -> Iterator[str]:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    yield _drain(out)
    for case in cases:
        base = [
            case.reference_key or "",
            case.title,
            case.short_title or "",
            case.citation or "",
            case.forum_id,
            ";".join(case.respondent_states),
            case.language or "",
            case.filed_on.isoformat() if case.filed_on else "",
            case.decided_on.isoformat() if case.decided_on else "",
            case.status.value,
            case.decision_type.value,
            case.outcome.value if case.outcome else "",
            str(case.importance or ""),
            ";".join(case.keywords),
            ";".join(p.value for p in case.populations),
            case.implementation_status.value if case.implementation_status else "",
            case.facts_summary,
            case.holding,
            case.law_text,
            ";".join(f"{i.kind.value}:{i.value}" for i in case.identifiers),
            ";".join(_citation_cell(c) for c in case.citations),
        ]
        claims = case.claims or [InterchangeClaim()]
        for claim in claims:
            writer.writerow(
                [
                    neutralise(v)
                    for v in [
                        *base,
                        claim.right_id or "",
                        ";".join(claim.provisions),
                        claim.finding.value if case.claims else "",
                        claim.argument_summary or "",
                    ]
                ]
            )
        yield _drain(out)


def _citation_cell(c: InterchangeCitation) -> str:
    if c.reference_key:
        target = f"key:{c.reference_key}"
    elif c.identifier:
        target = f"{c.identifier.kind.value}:{c.identifier.value}"
    else:
        target = c.text or ""
    return f"{c.treatment.value}>{target}"


def _drain(buffer: io.StringIO) -> str:
    value = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return value
