"""Identifiers scoped by their forum and decision; proceedings; citations read from where they
stand."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.cases import interchange
from app.cases.importing import ImportReport, import_cases
from app.cases.models import CaseCitation, LegalCase
from app.core.time import utcnow
from app.orgs.models import Role, Visibility
from tests.factories import make_org, make_user
from tests.helpers import assert_problem


def _record(
    title: str,
    forum: str,
    number: str,
    *,
    kind: str = "communication_number",
    decision: str = "merits",
    decided_on: str = "2021-05-04",
    cites: tuple[str, ...] = (),
    numbers: tuple[str, ...] = (),
) -> dict[str, Any]:
    return {
        "title": title,
        "forum_id": forum,
        "respondent_states": ["ES"],
        "decided_on": decided_on,
        "decision_type": decision,
        "identifiers": [{"kind": kind, "value": n} for n in (number, *numbers)],
        "claims": [{"right_id": "non_refoulement", "finding": "violation"}],
        "citations": [{"identifier": {"kind": kind, "value": c}} for c in cites],
    }


def _import(session: Session, org: Any, *records: dict[str, Any]) -> ImportReport:
    data = "".join(json.dumps(r) + "\n" for r in records).encode()
    report = import_cases(
        session,
        interchange.parse_jsonl(data),
        owner_org_id=org.id,
        visibility=Visibility.public,
        actor=None,
        now=utcnow(),
    )
    assert report.written, report.errors
    return report


def _case(session: Session, title: str) -> LegalCase:
    return session.scalars(select(LegalCase).where(LegalCase.title == title)).one()


def _cited(session: Session, citing: str) -> set[str | None]:
    case = _case(session, citing)
    rows = session.scalars(select(CaseCitation).where(CaseCitation.citing_case_id == case.id))
    cited = [session.get(LegalCase, c.cited_case_id) if c.cited_case_id else None for c in rows]
    return {c.title if c else None for c in cited}


def test_two_committees_with_the_same_number_resolve_within_their_own(session: Session) -> None:
    org = make_org(session)
    report = _import(
        session,
        org,
        _record("CRC 71/2019", "CRC-C", "71/2019"),
        _record("CRPD 71/2019", "CRPD-C", "71/2019"),
        _record("Later CRC views", "CRC-C", "99/2021", cites=("71/2019",)),
        _record("Later CRPD views", "CRPD-C", "98/2021", cites=("71/2019",)),
    )

    assert report.citations_resolved == 2 and report.citations_unresolved == 0
    assert _cited(session, "Later CRC views") == {"CRC 71/2019"}
    assert _cited(session, "Later CRPD views") == {"CRPD 71/2019"}


def test_an_admissibility_decision_and_views_are_both_kept_and_linked(
    session: Session, client: TestClient
) -> None:
    org = make_org(session)
    report = _import(
        session,
        org,
        _record("A v. Spain (admissibility)", "HRCTTEE", "3000/2017", decision="admissibility"),
        _record("A v. Spain", "HRCTTEE", "3000/2017", decided_on="2022-03-01"),
        _record("B v. Spain", "HRCTTEE", "3100/2018", cites=("3000/2017",)),
    )

    admissibility = _case(session, "A v. Spain (admissibility)")
    views = _case(session, "A v. Spain")
    assert report.created == 3 and not report.warnings
    assert admissibility.proceeding_id is not None
    assert admissibility.proceeding_id == views.proceeding_id
    # The citation means the matter, and resolves to its merits decision.
    assert _cited(session, "B v. Spain") == {"A v. Spain"}
    shown = client.get(f"/api/v1/cases/{views.id}").json()
    assert shown["decision_type"] == "merits"
    assert [d["title"] for d in shown["proceeding"]] == ["A v. Spain (admissibility)"]


def test_a_joint_decision_on_two_communications_links_both(session: Session) -> None:
    org = make_org(session)
    _import(
        session,
        org,
        _record("C (admissibility)", "CRC-C", "10/2020", decision="admissibility"),
        _record("D (admissibility)", "CRC-C", "11/2020", decision="admissibility"),
        _record("C and D v. Spain", "CRC-C", "10/2020", numbers=("11/2020",)),
    )

    proceedings = {
        _case(session, t).proceeding_id for t in ("C (admissibility)", "D (admissibility)")
    } | {_case(session, "C and D v. Spain").proceeding_id}
    assert len(proceedings) == 1 and None not in proceedings


def test_an_ecthr_admissibility_decision_and_judgment_in_one_application(
    session: Session, client: TestClient, as_user: Any
) -> None:
    org = make_org(session)
    litigator = make_user(session, member_of=org, role=Role.litigator)
    body = {
        "owner_org_id": str(org.id),
        "title": "E v. Spain",
        "forum_id": "ECTHR",
        "respondent_states": ["ES"],
        "identifiers": [{"kind": "application_number", "value": "4321/19"}],
        "claims": [{"right_id": "non_refoulement", "finding": "violation"}],
    }
    headers = as_user(litigator)
    decision = client.post(
        "/api/v1/cases", json=body | {"decision_type": "admissibility"}, headers=headers
    )
    judgment = client.post("/api/v1/cases", json=body, headers=headers)
    again = client.post("/api/v1/cases", json=body, headers=headers)

    assert decision.status_code == 201 and judgment.status_code == 201, judgment.text
    assert_problem(again, 409, "duplicate_case")
    first = decision.json()
    second = client.get(f"/api/v1/cases/{judgment.json()['id']}", headers=headers).json()
    assert second["proceeding_id"] is not None
    assert [d["id"] for d in second["proceeding"]] == [first["id"]]
    found = client.post(
        "/api/v1/citations/extract",
        json={"text": "See E v. Spain, no. 4321/19.", "forum_id": "ECTHR"},
        headers=headers,
    ).json()
    assert [f["case_id"] for f in found] == [second["id"]]


def test_a_bare_number_stays_ambiguous(session: Session, client: TestClient) -> None:
    org = make_org(session)
    _import(
        session,
        org,
        _record("CAT 200/2015", "CAT-C", "200/2015"),
        _record("CEDAW 200/2015", "CEDAW-C", "200/2015"),
    )
    text = "The applicants relied on communication No. 200/2015."

    anywhere = client.post("/api/v1/citations/extract", json={"text": text}).json()
    elsewhere = client.post(
        "/api/v1/citations/extract", json={"text": text, "forum_id": "HRCTTEE"}
    ).json()
    within = client.post(
        "/api/v1/citations/extract", json={"text": text, "forum_id": "CAT-C"}
    ).json()

    for found in (anywhere, elsewhere):
        assert [f["status"] for f in found] == ["ambiguous"]
        assert {c["forum_id"] for c in found[0]["candidates"]} == {"CAT-C", "CEDAW-C"}
    assert within[0]["status"] == "resolved"
    assert within[0]["case_id"] == str(_case(session, "CAT 200/2015").id)


def test_an_unknown_citing_forum_is_refused(client: TestClient) -> None:
    r = client.post("/api/v1/citations/extract", json={"text": "no. 1/20", "forum_id": "NOPE"})

    assert_problem(r, 422, "validation_error")


def test_changing_the_decision_type_moves_the_identifiers_with_it(
    session: Session, client: TestClient, as_user: Any
) -> None:
    org = make_org(session)
    litigator = make_user(session, member_of=org, role=Role.litigator)
    headers = as_user(litigator)
    body = {
        "owner_org_id": str(org.id),
        "title": "F v. Spain",
        "forum_id": "CAT-C",
        "respondent_states": ["ES"],
        "identifiers": [{"kind": "communication_number", "value": "555/2020"}],
    }
    merits = client.post("/api/v1/cases", json=body, headers=headers).json()
    other = client.post(
        "/api/v1/cases", json=body | {"decision_type": "follow_up"}, headers=headers
    ).json()

    clash = client.patch(
        f"/api/v1/cases/{other['id']}",
        json={"decision_type": "merits"},
        headers=headers | {"If-Match": f'"{other["version"]}"'},
    )

    assert_problem(clash, 409, "duplicate_case")
    kept = client.get(f"/api/v1/cases/{other['id']}", headers=headers).json()
    assert kept["decision_type"] == "follow_up" and kept["proceeding_id"] is not None
    assert [d["id"] for d in kept["proceeding"]] == [merits["id"]]


def test_the_matcher_argues_a_matter_once_by_its_merits_decision(
    session: Session, client: TestClient
) -> None:
    org = make_org(session)
    _import(
        session,
        org,
        _record("G v. Spain (interim measures)", "CAT-C", "700/2019", decision="interim_measures"),
        _record("G v. Spain", "CAT-C", "700/2019", decided_on="2020-06-01"),
    )
    draft = {
        "facts": "Removal of the applicant to a country where he faces torture.",
        "target_jurisdiction": "FR",
        "claims": ["non_refoulement"],
    }

    found = client.post("/api/v1/match", json={"draft": draft, "limit": 50}).json()

    titles = [r["precedent"]["title"] for r in found["results"]]
    assert "G v. Spain" in titles and "G v. Spain (interim measures)" not in titles


def test_search_shows_a_matter_once_with_its_decisions(
    session: Session, client: TestClient
) -> None:
    org = make_org(session)
    _import(
        session,
        org,
        _record("H v. Spain (admissibility)", "CAT-C", "800/2019", decision="admissibility"),
        _record("H v. Spain", "CAT-C", "800/2019", decided_on="2020-06-01"),
    )

    grouped = client.get("/api/v1/search", params={"q": "H v. Spain"}).json()
    apart = client.get(
        "/api/v1/search", params={"q": "H v. Spain", "group_proceedings": "false"}
    ).json()

    hits = [h for h in grouped["items"] if h["title"].startswith("H v. Spain")]
    assert [(h["title"], h["decision_type"]) for h in hits] == [("H v. Spain", "merits")]
    assert [d["title"] for d in hits[0]["decisions"]] == ["H v. Spain (admissibility)"]
    assert apart["total"] == grouped["total"] + 1


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_an_export_keeps_each_decisions_type_and_reimports_linked(
    session: Session, client: TestClient, fmt: str
) -> None:
    org = make_org(session)
    _import(
        session,
        org,
        _record("J v. Spain (admissibility)", "CAT-C", "900/2019", decision="admissibility"),
        _record("J v. Spain", "CAT-C", "900/2019", decided_on="2020-06-01"),
    )
    exported = client.get(f"/api/v1/exports/cases?format={fmt}&owner_org_id={org.id}").content
    parser = interchange.parse_csv if fmt == "csv" else interchange.parse_jsonl
    session.execute(delete(LegalCase).where(LegalCase.owner_org_id == org.id))

    report = import_cases(
        session,
        parser(exported),
        owner_org_id=org.id,
        visibility=Visibility.private,
        actor=None,
        now=utcnow(),
    )

    assert report.created == 2 and not report.warnings, report
    copies = session.scalars(select(LegalCase).where(LegalCase.owner_org_id == org.id))
    kinds = {c.title: (c.decision_type.value, c.proceeding_id) for c in copies}
    assert {k: t for k, (t, _) in kinds.items()} == {
        "J v. Spain (admissibility)": "admissibility",
        "J v. Spain": "merits",
    }
    assert len({p for _, p in kinds.values()}) == 1 and None not in {p for _, p in kinds.values()}
