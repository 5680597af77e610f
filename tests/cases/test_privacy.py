"""Protected client data: encrypted at rest, bound to its row, rotatable, never leaked."""

from __future__ import annotations

import io
import json
import logging
import uuid
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from app.audit.models import AuditEvent
from app.cases import service
from app.cases.models import CaseParty, ProtectedPartyData
from app.cli import cli
from app.config import get_settings
from app.core.crypto import Keyring, new_key_spec
from app.core.logging import JsonFormatter
from app.core.time import utcnow
from app.orgs.models import Role, Visibility
from app.webhooks.models import WebhookEndpoint
from tests.conftest import TEST_DATA_KEY
from tests.factories import make_case, make_org, make_user
from tests.helpers import assert_problem

CANARY = "Quillon Canary-Marchetti"


def add_party(client: TestClient, headers: dict[str, str], case_id: Any, name: str) -> str:
    r = client.post(
        f"/api/v1/cases/{case_id}/parties",
        headers=headers,
        json={
            "pseudonym": "Q.C.",
            "protected": {"legal_names": [name], "personal_file_numbers": ["F-77"]},
        },
    )
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


class TestAtRest:
    def test_database_holds_no_plaintext_and_names_the_key(
        self, client: TestClient, session: Session, as_user: Any
    ) -> None:
        org = make_org(session)
        h = as_user(make_user(session, member_of=org, role=Role.litigator))
        case = make_case(session, org=org)
        add_party(client, h, case.id, CANARY)

        raw = session.execute(text("SELECT ciphertext FROM protected_party_data")).scalars().all()

        assert raw and all(bytes(v).startswith(b"test1.") for v in raw)
        assert not any(CANARY.encode() in bytes(v) for v in raw)

    def test_ciphertext_moved_to_another_row_is_detected(
        self, client: TestClient, session: Session, as_user: Any
    ) -> None:
        org = make_org(session)
        h = as_user(make_user(session, member_of=org, role=Role.litigator))
        case = make_case(session, org=org)
        first = add_party(client, h, case.id, CANARY)
        second = add_party(client, h, case.id, "Someone Else")
        session.execute(
            text(
                "UPDATE protected_party_data SET ciphertext = "
                "(SELECT ciphertext FROM protected_party_data WHERE party_id = :a) "
                "WHERE party_id = :b"
            ),
            {"a": first, "b": second},
        )

        r = client.get(f"/api/v1/cases/{case.id}/parties/{second}/protected", headers=h)

        assert_problem(r, 409, "undecryptable")
        assert CANARY not in r.text


class TestRotation:
    def test_reads_work_throughout_rotation(
        self, app: FastAPI, client: TestClient, session: Session, as_user: Any
    ) -> None:
        org = make_org(session)
        h = as_user(make_user(session, member_of=org, role=Role.litigator))
        case = make_case(session, org=org)
        party = add_party(client, h, case.id, CANARY)
        url = f"/api/v1/cases/{case.id}/parties/{party}/protected"
        old: Keyring = app.state.keyring
        rotated = Keyring.parse(new_key_spec("k2") + f",test1:{_b64(old.keys['test1'])}")
        app.state.keyring = rotated
        try:
            assert client.get(url, headers=h).json()["legal_names"] == [CANARY]
            assert service.count_to_reseal(session, rotated) == 1
            assert service.reseal_batch(session, rotated, limit=10) == 1
            assert service.count_to_reseal(session, rotated) == 0
            row = session.scalars(select(ProtectedPartyData)).first()
            assert row is not None and bytes(row.ciphertext).startswith(b"k2.")
            app.state.keyring = Keyring(active="k2", keys={"k2": rotated.keys["k2"]})
            assert client.get(url, headers=h).json()["legal_names"] == [CANARY]
        finally:
            app.state.keyring = old

    def test_keys_rotate_reseals_in_batches_and_names_a_missing_key(
        self, engine: Engine, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """`comity keys rotate` re-seals committed rows batch by batch under the first key of
        COMITY_DATA_KEY, runs again harmlessly, and stops with a clear message when a value
        is sealed under a key it was not given."""
        test1 = Keyring.parse(TEST_DATA_KEY)
        k2 = new_key_spec("k2")
        with Session(engine, expire_on_commit=False) as s:
            org = make_org(s)
            case = make_case(s, org=org)
            parties = [
                CaseParty(case_id=case.id, role="applicant", pseudonym=f"P{i}") for i in range(3)
            ]
            s.add_all(parties)
            s.flush()
            for party in parties:
                value = test1.encrypt(f"secret {party.pseudonym}".encode(), party.id.bytes)
                s.add(ProtectedPartyData(party_id=party.id, ciphertext=value))
            hook_id = uuid.uuid4()
            s.add(
                WebhookEndpoint(
                    id=hook_id,
                    organisation_id=org.id,
                    url="https://hooks.example.org/in",
                    events=["case.updated"],
                    secret=test1.encrypt(b"whsec_old", b"webhook:" + hook_id.bytes),
                    created_at=utcnow(),
                    updated_at=utcnow(),
                )
            )
            s.commit()
        ids = [p.id for p in parties]

        def rotate(spec: str) -> Any:
            monkeypatch.setenv("COMITY_DATA_KEY", spec)
            get_settings.cache_clear()
            return CliRunner().invoke(cli, ["keys", "rotate", "--batch", "2"])

        def sealed() -> dict[Any, bytes]:
            with Session(engine) as s:
                rows = s.scalars(
                    select(ProtectedPartyData).where(ProtectedPartyData.party_id.in_(ids))
                )
                return {row.party_id: bytes(row.ciphertext) for row in rows}

        try:
            missing = rotate(k2)
            assert missing.exit_code == 2
            assert "sealed under a key COMITY_DATA_KEY does not hold" in missing.output
            assert all(v.startswith(b"test1.") for v in sealed().values())

            done = rotate(f"{k2},{TEST_DATA_KEY}")
            assert done.exit_code == 0, done.output
            assert "Re-sealed 3 protected values and 1 webhook secrets under key 'k2'" in (
                done.output
            )
            only_k2 = Keyring.parse(k2)
            with Session(engine) as s:
                hook = s.get(WebhookEndpoint, hook_id)
                assert hook is not None
                assert only_k2.decrypt(hook.secret, b"webhook:" + hook_id.bytes) == b"whsec_old"
            assert {pid: only_k2.decrypt(v, pid.bytes) for pid, v in sealed().items()} == {
                p.id: f"secret {p.pseudonym}".encode() for p in parties
            }

            again = rotate(f"{k2},{TEST_DATA_KEY}")
            assert again.exit_code == 0, again.output
            assert "Re-sealed 0 protected values" in again.output

            back = rotate(f"{TEST_DATA_KEY},{k2}")
            assert back.exit_code == 0, back.output
            assert all(v.startswith(b"test1.") for v in sealed().values())
        finally:
            get_settings.cache_clear()
            with engine.begin() as conn:
                conn.execute(text("DELETE FROM legal_case WHERE owner_org_id = :o"), {"o": org.id})
                conn.execute(text("DELETE FROM organisation WHERE id = :o"), {"o": org.id})


def _b64(key: bytes) -> str:
    import base64

    return base64.b64encode(key).decode()


class TestCanary:
    def test_identity_never_reaches_logs_audit_or_other_readers(
        self, client: TestClient, session: Session, as_user: Any
    ) -> None:
        org = make_org(session)
        litigator = make_user(session, member_of=org, role=Role.litigator)
        h = as_user(litigator)
        case = make_case(session, org=org, visibility=Visibility.network)
        lines = io.StringIO()
        handler = logging.StreamHandler(lines)
        handler.setFormatter(JsonFormatter())
        logger = logging.getLogger("comity")
        level = logger.level
        logger.addHandler(handler)
        logger.setLevel(logging.DEBUG)
        try:
            party = add_party(client, h, case.id, CANARY)
            client.put(
                f"/api/v1/cases/{case.id}/parties/{party}/protected",
                headers=h,
                json={"legal_names": [CANARY], "contact": f"{CANARY} phone"},
            )
            bad = client.put(
                f"/api/v1/cases/{case.id}/parties/{party}/protected",
                headers=h,
                json={"legal_names": [CANARY], "date_of_birth": f"{CANARY}"},
            )
            outsider = as_user(make_user(session, member_of=make_org(session), role=Role.admin))
            seen = [
                client.get(f"/api/v1/cases/{case.id}{p}", headers=outsider).text
                for p in ("", "/parties", "/updates")
            ]
        finally:
            logger.removeHandler(handler)
            logger.setLevel(level)

        audit_rows = json.dumps([[e.before, e.after] for e in session.scalars(select(AuditEvent))])
        assert CANARY not in lines.getvalue()
        assert CANARY not in audit_rows
        assert all(CANARY not in body for body in seen)
        assert bad.status_code == 422 and CANARY not in bad.text
