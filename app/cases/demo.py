"""The demo corpus: 60 landmark decisions as public cases of the Comity demo network."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from app.cases.models import Finding, Treatment
from app.reference.loading import provision_path

DEMO_FILE = Path(__file__).resolve().parent / "data" / "demo_cases.yaml"
DEMO_ORG = {"slug": "comity-demo", "name": "Comity demo network", "kind": "hub", "country": "CH"}

# The reference data's citation relations, in the case record's (Akoma Ntoso) vocabulary.
TREATMENTS = {
    "relied_on": Treatment.applies,
    "considered": Treatment.is_analog_to,
    "distinguished": Treatment.distinguishes,
    "disagreed": Treatment.puts_in_question,
    "overruled": Treatment.overrules,
    "related_proceeding": Treatment.supports,
}
IDENTIFIER_KINDS = {
    "ecli": "ecli",
    "application_no": "application_number",
    "communication_no": "communication_number",
    "complaint_no": "communication_number",
    "case_no": "docket_number",
    "docket_no": "docket_number",
    "report_no": "docket_number",
    "file_no": "docket_number",
    "series": "series_number",
    "un_doc": "un_document_symbol",
    "neutral_citation": "neutral_citation",
}
POPULATIONS = {
    "children": "children",
    "unaccompanied": "unaccompanied_children",
    "family": "families",
    "asylum-seekers": "asylum_seekers",
    "asylum": "asylum_seekers",
    "statelessness": "stateless_persons",
    "trafficking": "trafficked_persons",
    "labour": "migrant_workers",
    "irregular-migrants": "undocumented_migrants",
    "undocumented": "undocumented_migrants",
    "gender": "women",
    "climate": "climate_displaced",
}


def demo_records(path: Path = DEMO_FILE) -> Iterator[tuple[int, dict[str, Any]]]:
    """The demo cases as interchange records (line = position in the file)."""
    cases = yaml.safe_load(path.read_text(encoding="utf-8"))["cases"]
    for position, case in enumerate(cases, start=1):
        yield position, _record(case)


def _record(case: dict[str, Any]) -> dict[str, Any]:
    identifiers = []
    for key, value in (case.get("identifiers") or {}).items():
        kind = IDENTIFIER_KINDS.get(key)
        if kind is None:
            continue
        for item in value if isinstance(value, list) else [value]:
            identifiers.append({"kind": kind, "value": str(item)})
    keywords = list(case.get("keywords") or [])
    return {
        "reference_key": case["id"],
        "title": case["title"],
        "citation": case.get("citation"),
        "forum_id": case["forum"],
        "respondent_states": case.get("respondent_states") or case.get("requesting_states") or [],
        "decided_on": str(case["decision_date"]),
        "status": "decided",
        "outcome": case["outcome"],
        "importance": case.get("importance"),
        "keywords": keywords,
        "populations": sorted({POPULATIONS[k] for k in keywords if k in POPULATIONS}),
        "facts_summary": case.get("summary") or "",
        "holding": case.get("holding") or "",
        "identifiers": identifiers,
        "claims": [
            {
                "right_id": claim["right"],
                "provisions": [
                    f"{p['instrument']}:{provision_path(article)[0]}"
                    for p in claim.get("provisions") or []
                    for article in _articles(str(p["article"]))
                ],
                "finding": Finding(claim["finding"]).value,
                "argument_summary": claim.get("note"),
            }
            for claim in case.get("claims") or []
        ],
        "citations": [
            {
                "reference_key": cite["case"],
                "treatment": TREATMENTS[cite["relation"]].value,
                "uncertain": bool(cite.get("uncertain")),
            }
            for cite in case.get("cites") or []
        ],
    }


def _articles(article: str) -> list[str]:
    from app.reference.parsing import split_articles

    return split_articles(article)
