"""The reference API: public reads, equivalents, obligations, parsing and curation."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.orgs.models import Role
from tests.factories import make_org, make_user
from tests.helpers import assert_problem

API = "/api/v1/reference"


class TestReads:
    def test_instruments_filter_by_system_and_binding(self, client: TestClient) -> None:
        r = client.get(f"{API}/instruments?system=OAS&binding=true")

        ids = {i["id"] for i in r.json()}
        assert r.status_code == 200
        assert "ACHR" in ids and "ADRDM" not in ids and "ECHR" not in ids

    def test_misspelt_filter_is_422(self, client: TestClient) -> None:
        assert_problem(client.get(f"{API}/instruments?sytem=OAS"), 422, "validation_error")

    def test_right_lists_its_crosswalk_by_system(self, client: TestClient) -> None:
        r = client.get(f"{API}/rights/collective_expulsion")

        body = r.json()
        assert body["label_es"] and body["label_fr"]
        assert {"CoE", "OAS", "AfU", "UN"} <= set(body["crosswalk"])
        coe = {e["provision"] for e in body["crosswalk"]["CoE"]}
        assert "ECHR-P4:4" in coe

    def test_forums_filter_by_level(self, client: TestClient) -> None:
        r = client.get(f"{API}/forums?level=quasi_judicial_treaty_body")

        assert {"HRCTTEE", "CAT-C", "CRC-C"} <= {f["id"] for f in r.json()}

    def test_system_lists_its_members(self, client: TestClient) -> None:
        r = client.get(f"{API}/jurisdictions/OAS")

        assert {"CO", "MX"} <= {m["state_code"] for m in r.json()["memberships"]}

    def test_unknown_instrument_is_404(self, client: TestClient) -> None:
        assert_problem(client.get(f"{API}/instruments/NOPE"), 404, "not_found")


class TestEquivalents:
    def test_echr_5_1_f_reaches_the_other_systems(self, client: TestClient) -> None:
        r = client.get(f"{API}/equivalents", params={"provision": "ECHR:5-1-f"})

        body = r.json()
        found = {e["provision"] for e in body["equivalents"]}
        assert {"ACHR:7", "ICCPR:9", "EU-CFR:6"} <= found
        assert "liberty_arbitrary_detention" in body["rights"]
        assert not any(e["instrument_id"] == "ECHR" for e in body["equivalents"])
        achr = next(
            e
            for e in body["equivalents"]
            if e["provision"] == "ACHR:7" and e["right_id"] == "liberty_arbitrary_detention"
        )
        assert achr["basis"] == "explicit" and achr["system"] == "OAS"

    def test_typed_text_works_like_a_key(self, client: TestClient) -> None:
        r = client.get(f"{API}/equivalents", params={"provision": "art. 5 § 1 (f) CEDH"})

        assert r.json()["provision"]["key"] == "ECHR:5-1-f"

    def test_unknown_provision_is_422_with_suggestions(self, client: TestClient) -> None:
        r = client.get(f"{API}/equivalents", params={"provision": "Made-up Charter art. 5"})

        body = assert_problem(r, 422, "unknown_provision")
        assert body["suggestions"]


class TestObligations:
    def mechanisms(self, client: TestClient, state: str) -> dict[str, bool]:
        body = client.get(f"{API}/jurisdictions/{state}/obligations").json()
        return {m["forum_id"]: m["available"] for m in body["complaint_mechanisms"]}

    def instruments(self, client: TestClient, state: str) -> dict[str, str]:
        body = client.get(f"{API}/jurisdictions/{state}/obligations").json()
        return {o["instrument_id"]: o["through"] for o in body["obligations"]}

    def test_colombia_inter_american_court_and_human_rights_committee(
        self, client: TestClient
    ) -> None:
        bound = self.instruments(client, "CO")
        open_to = self.mechanisms(client, "CO")

        assert bound["ACHR"] == "ratification" and bound["ICCPR-OP1"] == "ratification"
        assert bound["ADRDM"] == "membership:OAS"
        assert open_to["IACTHR"] and open_to["HRCTTEE"] and open_to["IACHR"]
        assert not open_to["ECTHR"]

    def test_spain_strasbourg_eu_law_and_treaty_bodies(self, client: TestClient) -> None:
        bound = self.instruments(client, "ES")
        open_to = self.mechanisms(client, "ES")

        assert bound["ECHR"] == "ratification" and bound["ECHR-P4"] == "ratification"
        assert bound["EU-RD"] == "membership:EU"
        assert open_to["ECTHR"] and open_to["CAT-C"] and open_to["CRC-C"]
        assert not open_to["IACTHR"]

    def test_kenya_african_commission_but_not_the_court_directly(self, client: TestClient) -> None:
        bound = self.instruments(client, "KE")
        open_to = self.mechanisms(client, "KE")

        assert "ACHPR" in bound
        assert open_to["ACHPR-COMM"]
        assert not open_to["AFCHPR"] and not open_to["HRCTTEE"]

    def test_australia_un_committees_and_no_regional_court(self, client: TestClient) -> None:
        body = client.get(f"{API}/jurisdictions/AU/obligations").json()
        open_to = {m["forum_id"]: m["available"] for m in body["complaint_mechanisms"]}

        assert body["jurisdiction"]["name"] == "Australia" and body["systems"] == []
        assert open_to["HRCTTEE"] and open_to["CAT-C"]
        assert not open_to["ECTHR"] and not open_to["AFCHPR"]

    def test_system_code_is_422(self, client: TestClient) -> None:
        assert_problem(client.get(f"{API}/jurisdictions/OAS/obligations"), 422, "validation_error")


class TestParseProvision:
    @pytest.mark.parametrize(
        ("text", "key"),
        [
            ("ECHR art. 5 § 1 (f)", "ECHR:5-1-f"),
            ("artículo 7 CADH", "ACHR:7"),
            ("article 5 CEDH", "ECHR:5"),
            ("Protocol 4 art 4", "ECHR-P4:4"),
            ("Refugee Convention art 33(1)", "REF1951:33-1"),
        ],
    )
    def test_parses(self, client: TestClient, text: str, key: str) -> None:
        assert client.get(f"{API}/parse-provision", params={"text": text}).json()["key"] == key

    def test_gibberish_is_422_with_suggestions(self, client: TestClient) -> None:
        r = client.get(f"{API}/parse-provision", params={"text": "ECHRR artt 5"})

        body = assert_problem(r, 422, "unknown_provision")
        assert isinstance(body["suggestions"], list)


class TestCuration:
    def test_hub_admin_adds_instrument_provision_and_crosswalk(
        self, client: TestClient, session: Session, as_user: Any
    ) -> None:
        hub = as_user(make_user(session, hub_admin=True))
        instrument = {
            "id": "TEST-TREATY",
            "short_code": "TT",
            "name": "Test Treaty",
            "type": "treaty",
            "system": "UN",
            "binding": True,
        }

        assert client.post(f"{API}/instruments", json=instrument, headers=hub).status_code == 201
        added = client.post(
            f"{API}/instruments/TEST-TREATY/provisions", json={"article": "3(2)(a)"}, headers=hub
        )
        assert added.json()["key"] == "TEST-TREATY:3-2-a"
        link = client.post(
            f"{API}/crosswalk",
            headers=hub,
            json={
                "right_id": "non_refoulement",
                "provision": "TEST-TREATY:3-2-a",
                "basis": "explicit",
            },
        )
        assert link.status_code == 201
        again = client.post(
            f"{API}/crosswalk",
            headers=hub,
            json={
                "right_id": "non_refoulement",
                "provision": "TEST-TREATY:3-2-a",
                "basis": "explicit",
            },
        )
        assert_problem(again, 409, "conflict")
        eq = client.get(f"{API}/equivalents", params={"provision": "TEST-TREATY:3-2-a"}).json()
        assert "REF1951:33-1" in {e["provision"] for e in eq["equivalents"]}

    def test_crosswalk_to_unknown_right_is_422_and_writes_nothing(
        self, client: TestClient, session: Session, as_user: Any
    ) -> None:
        hub = as_user(make_user(session, hub_admin=True))

        r = client.post(
            f"{API}/crosswalk",
            headers=hub,
            json={"right_id": "no_such_right", "provision": "ECHR:99", "basis": "explicit"},
        )

        body = assert_problem(r, 422, "validation_error")
        assert body["errors"][0]["loc"] == ["body", "right_id"]
        assert not client.get(f"{API}/parse-provision?text=ECHR:99").json()["known"]

    def test_ratification_for_unknown_state_is_404(
        self, client: TestClient, session: Session, as_user: Any
    ) -> None:
        hub = as_user(make_user(session, hub_admin=True))

        r = client.put(f"{API}/ratifications/ZZ/ICCPR", json={"status": "party"}, headers=hub)

        assert_problem(r, 404, "not_found")

    def test_patch_instrument_needs_current_etag(
        self, client: TestClient, session: Session, as_user: Any
    ) -> None:
        hub = as_user(make_user(session, hub_admin=True))
        tag = client.get(f"{API}/instruments/CAT").headers["etag"]

        ok = client.patch(
            f"{API}/instruments/CAT", json={"uncertain": True}, headers={**hub, "If-Match": tag}
        )
        stale = client.patch(
            f"{API}/instruments/CAT", json={"uncertain": False}, headers={**hub, "If-Match": tag}
        )

        assert ok.status_code == 200
        assert_problem(stale, 412, "precondition_failed")

    def test_litigator_proposes_a_national_court_uncurated(
        self, client: TestClient, session: Session, as_user: Any
    ) -> None:
        org = make_org(session)
        litigator = as_user(make_user(session, member_of=org, role=Role.litigator))
        court = {
            "id": "PE-TC",
            "name": "Tribunal Constitucional del Perú",
            "level": "national_apex",
            "jurisdiction_code": "PE",
            "decision_effect": "binding_domestic_precedent",
        }

        r = client.post(f"{API}/forums", json=court, headers=litigator)
        regional = client.post(
            f"{API}/forums", headers=litigator, json={**court, "id": "X-REG", "level": "regional"}
        )

        assert r.status_code == 201 and r.json()["curated"] is False
        assert_problem(regional, 403, "forbidden")


class TestSignatureIsNotRatification:
    def test_instruments_the_us_only_signed_do_not_bind_it(self, client: TestClient) -> None:
        r = client.get(f"{API}/jurisdictions/US/obligations")

        by_id = {o["instrument_id"]: o for o in r.json()["obligations"]}
        # state_parties.csv: ACHR,US,signatory,1977 and CRC,US,signatory; ICCPR,US,party,1992
        assert (by_id["ACHR"]["status"], by_id["ACHR"]["binding"]) == ("signatory", False)
        assert (by_id["CRC"]["status"], by_id["CRC"]["binding"]) == ("signatory", False)
        assert (by_id["ICCPR"]["status"], by_id["ICCPR"]["binding"]) == ("party", True)

    def test_reservations_are_listed_and_marked_unverified(self, client: TestClient) -> None:
        r = client.get(f"{API}/jurisdictions/MY/obligations")

        reserved = {(x["instrument_id"], x["path"]) for x in r.json()["reservations"]}
        assert ("CRC", "37") in reserved  # reservations.yaml: MY, CRC, art. 37
        assert all(x["uncertain"] for x in r.json()["reservations"])
