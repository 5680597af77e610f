"""Demo corpus, interchange import and export, ECtHR import, citation extraction."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.cases import ecthr, interchange
from app.cases.importing import import_cases
from app.cases.models import CaseCitation, LegalCase
from app.cases.transfer import load_demo
from app.core.time import utcnow
from app.orgs.models import Role, Visibility
from tests.factories import make_org, make_user
from tests.helpers import assert_problem

ECTHR_CORPUS = Path(__file__).resolve().parents[3] / "shared" / "data" / "ecthr" / "cases.jsonl.gz"


@pytest.fixture
def demo(session: Session) -> Any:
    return load_demo(session, now=utcnow())


def jsonl(*records: dict[str, Any]) -> bytes:
    return "".join(json.dumps(r) + "\n" for r in records).encode()


GOOD = {
    "title": "X v. Spain",
    "forum_id": "ECTHR",
    "respondent_states": ["ES"],
    "decided_on": "2021-05-04",
    "identifiers": [{"kind": "application_number", "value": "1234/19"}],
    "claims": [{"right_id": "non_refoulement", "provisions": ["ECHR:3"], "finding": "violation"}],
}


class TestDemo:
    def test_sixty_public_decisions_with_their_citations(
        self, client: TestClient, demo: Any, session: Session
    ) -> None:
        assert (demo.created, demo.claims, demo.citations_resolved) == (60, 209, 63)
        mss = client.get("/api/v1/cases", params={"limit": 100}).json()["items"]
        [mss_case] = [c for c in mss if c["title"].startswith("M.S.S.")]
        relying = client.get(f"/api/v1/cases/{mss_case['id']}/cited-by").json()
        assert {c["citing_title"] for c in relying} >= {"Tarakhel v. Switzerland"}

    def test_loading_again_duplicates_nothing(self, session: Session, demo: Any) -> None:
        again = load_demo(session, now=utcnow())

        assert (again.created, again.updated) == (0, 60)
        assert (
            session.scalar(
                select(func.count())
                .select_from(LegalCase)
                .where(LegalCase.reference_key.is_not(None))
            )
            == 60
        )
        assert session.scalar(select(func.count()).select_from(CaseCitation)) == 63


class TestImport:
    def test_all_or_nothing_reports_every_bad_record(self, session: Session) -> None:
        org = make_org(session)
        bad = {**GOOD, "forum_id": "NOWHERE", "identifiers": []}
        worse = {
            **GOOD,
            "respondent_states": ["ZZ"],
            "identifiers": [],
            "claims": [{"provisions": ["Made-up Treaty art. 1"]}],
        }

        report = import_cases(
            session,
            interchange.parse_jsonl(jsonl(GOOD, bad, worse) + b"{oops\n"),
            owner_org_id=org.id,
            visibility=Visibility.private,
            actor=None,
            now=utcnow(),
        )

        assert not report.written and report.created == 0
        assert {(e.line, e.field) for e in report.errors} >= {
            (2, "forum_id"),
            (3, "respondent_states"),
            (3, "claims.0.provisions.0"),
            (4, ""),
        }

    def test_partial_imports_the_valid_ones(self, session: Session) -> None:
        org = make_org(session)

        report = import_cases(
            session,
            interchange.parse_jsonl(jsonl(GOOD, {"title": ""})),
            owner_org_id=org.id,
            visibility=Visibility.private,
            actor=None,
            partial=True,
            now=utcnow(),
        )

        assert report.written and report.created == 1 and len(report.errors) >= 1

    def test_reimport_updates_by_identifier(self, session: Session) -> None:
        org = make_org(session)
        kwargs: dict[str, Any] = {
            "owner_org_id": org.id,
            "visibility": Visibility.private,
            "actor": None,
            "now": utcnow(),
        }
        import_cases(session, interchange.parse_jsonl(jsonl(GOOD)), **kwargs)

        again = import_cases(
            session, interchange.parse_jsonl(jsonl({**GOOD, "holding": "New"})), **kwargs
        )

        assert (again.created, again.updated) == (0, 1)
        assert (
            session.scalar(select(LegalCase.holding).where(LegalCase.owner_org_id == org.id))
            == "New"
        )

    def test_csv_formula_injection_is_refused(self, session: Session) -> None:
        org = make_org(session)
        data = (
            ",".join(interchange.CSV_COLUMNS)
            + "\n"
            + ",".join(
                '=HYPERLINK("http://evil")' if c == "title" else {"forum_id": "ECTHR"}.get(c, "")
                for c in interchange.CSV_COLUMNS
            )
            + "\n"
        ).encode()

        report = import_cases(
            session,
            interchange.parse_csv(data),
            owner_org_id=org.id,
            visibility=Visibility.private,
            actor=None,
            now=utcnow(),
        )

        assert not report.written
        assert report.errors[0].field == "title" and "formula" in report.errors[0].reason

    @pytest.mark.parametrize(
        "data",
        [
            b"\xff\xfe\x00bad",
            b"title,forum_id,colour\nA,ECTHR,red\n",
            b'title,forum_id\n"unterminated,ECTHR\n',
        ],
    )
    def test_broken_files_get_a_report(self, session: Session, data: bytes) -> None:
        org = make_org(session)

        parser = interchange.parse_csv if b"," in data else interchange.parse_jsonl
        report = import_cases(
            session,
            parser(data),
            owner_org_id=org.id,
            visibility=Visibility.private,
            actor=None,
            now=utcnow(),
        )

        assert report.errors and not report.written

    def test_http_import_rejects_with_a_report(
        self, client: TestClient, session: Session, as_user: Any
    ) -> None:
        org = make_org(session)
        litigator = make_user(session, member_of=org, role=Role.litigator)
        files = {
            "file": ("cases.jsonl", jsonl({**GOOD, "forum_id": "NOPE"}), "application/x-ndjson")
        }

        r = client.post("/api/v1/imports", files=files, headers=as_user(litigator))

        body = assert_problem(r, 422, "import_rejected")
        assert body["report"]["errors"][0]["field"] == "forum_id"

    def test_an_empty_form_field_is_refused_not_defaulted(
        self, client: TestClient, session: Session, as_user: Any
    ) -> None:
        org = make_org(session)
        litigator = make_user(session, member_of=org, role=Role.litigator)
        files = {"file": ("cases.jsonl", jsonl(GOOD), "application/x-ndjson")}

        r = client.post(
            "/api/v1/imports", files=files, data={"format": ""}, headers=as_user(litigator)
        )

        body = assert_problem(r, 422, "validation_error")
        assert body["errors"][0]["loc"] == ["body", "format"]


class TestRoundTrip:
    @pytest.mark.parametrize("fmt", ["jsonl", "csv"])
    def test_export_then_import_reproduces_the_cases(
        self, client: TestClient, session: Session, demo: Any, fmt: str
    ) -> None:
        exported = client.get(f"/api/v1/exports/cases?format={fmt}&forum=ECTHR")
        assert exported.status_code == 200
        parser = interchange.parse_csv if fmt == "csv" else interchange.parse_jsonl
        records = _records(parser(exported.content))
        originals = [interchange.validate(line, raw) for line, raw in records]
        assert originals and all(isinstance(c, interchange.InterchangeCase) for c in originals)
        target = make_org(session)
        fresh = [
            dict(raw) | {"reference_key": f"copy-{raw.get('reference_key')}", "identifiers": []}
            for _, raw in records
        ]

        report = import_cases(
            session,
            iter(enumerate(fresh, start=1)),
            owner_org_id=target.id,
            visibility=Visibility.public,
            actor=None,
            now=utcnow(),
        )

        assert report.created == len(originals) and not report.errors
        copies = client.get(f"/api/v1/exports/cases?format=jsonl&owner_org_id={target.id}")

        def essence(c: Any) -> tuple[Any, ...]:
            return (
                c.title,
                c.decided_on,
                c.forum_id,
                tuple(c.respondent_states),
                tuple((cl.right_id, tuple(cl.provisions), cl.finding) for cl in c.claims),
            )

        again = [
            interchange.validate(line, r)
            for line, r in _records(interchange.parse_jsonl(copies.content))
        ]
        assert sorted(map(essence, again)) == sorted(map(essence, originals))

    def test_export_never_contains_foreign_private_cases(
        self, client: TestClient, session: Session, demo: Any
    ) -> None:
        from tests.factories import make_case

        make_case(
            session, org=make_org(session), title="Secret v. Norway", respondent_states=["NO"]
        )

        assert "Secret v. Norway" not in client.get("/api/v1/exports/cases").text

    def test_a_filter_the_database_refuses_is_a_problem_not_a_broken_stream(
        self, client: TestClient
    ) -> None:
        response = client.get("/api/v1/exports/cases?forum=%00")

        assert_problem(response, 422, "unstorable_value")


@pytest.mark.skipif(not ECTHR_CORPUS.exists(), reason="the ECtHR corpus in ../shared is absent")
class TestEcthrImport:
    def test_first_hundred_judgments(self, session: Session) -> None:
        org = make_org(session)
        records = []
        for line, record in ecthr.interchange_records(ECTHR_CORPUS):
            records.append((line, record))
            if line == 100:
                break

        report = import_cases(
            session,
            iter(records),
            owner_org_id=org.id,
            visibility=Visibility.public,
            actor=None,
            now=utcnow(),
        )

        assert report.created == 100 and not report.errors
        assert report.citations_resolved + report.citations_unresolved > 0


class TestExtraction:
    def test_resolves_against_readable_cases(self, client: TestClient, demo: Any) -> None:
        text = (
            "As held in Hirsi Jamaa and Others v. Italy [GC], no. 27765/09, and in "
            "Communication No. 999/2099, see also ECLI:EU:C:2011:865."
        )

        found = client.post("/api/v1/citations/extract", json={"text": text}).json()

        by_value = {f["value"]: f for f in found}
        assert by_value["27765/09"]["status"] == "resolved"
        assert text[by_value["27765/09"]["start"] : by_value["27765/09"]["end"]] == "27765/09"
        assert by_value["999/2099"]["status"] == "unmatched"

    def test_proposes_pending_citations_for_a_case(
        self, client: TestClient, session: Session, as_user: Any, demo: Any
    ) -> None:
        from tests.factories import make_case

        org = make_org(session)
        litigator = make_user(session, member_of=org, role=Role.litigator)
        case = make_case(
            session,
            org=org,
            facts_summary="The applicants relied on Hirsi Jamaa and Others v. Italy, no. 27765/09.",
        )

        r = client.post(f"/api/v1/cases/{case.id}/extract-citations", headers=as_user(litigator))
        cites = client.get(f"/api/v1/cases/{case.id}/citations", headers=as_user(litigator)).json()

        assert r.status_code == 200
        assert [(c["provenance"], c["review_state"]) for c in cites] == [("extracted", "pending")]
        assert cites[0]["cited_title"] == "Hirsi Jamaa and Others v. Italy"


def _records(
    parsed: Iterable[tuple[int, dict[str, Any] | interchange.RecordError]],
) -> list[tuple[int, dict[str, Any]]]:
    """The parsed lines, each of which must be a record rather than a parse error."""
    out = []
    for line, raw in parsed:
        assert isinstance(raw, dict), raw
        out.append((line, raw))
    return out
