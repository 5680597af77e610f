"""Schemathesis over the whole OpenAPI schema, in-process: no 5xx, no response off the schema."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig
from sqlalchemy.orm import Session

from app.config import Settings
from app.main import create_app
from app.orgs.models import Role
from tests.conftest import TEST_DATA_KEY, TEST_SECRET, requests_in
from tests.factories import access_token, bearer, make_org, make_user

CONFIG = Path(__file__).resolve().parent.parent / "schemathesis.toml"

# Loaded at import: schemathesis parametrizes at collection time. The database is bound per
# test through the `engine` and `session` fixtures, not here.
APP = create_app(
    Settings(secret_key=TEST_SECRET, data_key=TEST_DATA_KEY, log_level="WARNING"),
    check_database=False,
)
schema = schemathesis.openapi.from_asgi(
    "/openapi.json", APP, config=SchemathesisConfig.from_path(CONFIG)
)


@pytest.fixture
def auth_headers(session: Session) -> Iterator[dict[str, str]]:
    """Requests run in the test's transaction, as an org admin who is also a hub admin."""
    user = make_user(session, member_of=make_org(session), role=Role.admin, hub_admin=True)
    with requests_in(APP, session):
        yield bearer(access_token(APP, user))


@schema.parametrize()
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_honours_its_schema(case: Any, auth_headers: dict[str, str]) -> None:
    case.call_and_validate(headers=auth_headers)


@schema.parametrize()
@settings(max_examples=4, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_honours_its_schema_anonymously(case: Any, auth_headers: dict[str, str]) -> None:
    case.call_and_validate()
