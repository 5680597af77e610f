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
from tests.conftest import TEST_SECRET, requests_in

CONFIG = Path(__file__).resolve().parent.parent / "schemathesis.toml"

# Loaded at import: schemathesis parametrizes at collection time. The database is bound per
# test through the `engine` and `session` fixtures, not here.
APP = create_app(Settings(secret_key=TEST_SECRET, log_level="WARNING"), check_database=False)
schema = schemathesis.openapi.from_asgi(
    "/openapi.json", APP, config=SchemathesisConfig.from_path(CONFIG)
)


@pytest.fixture
def bound(session: Session) -> Iterator[None]:
    with requests_in(APP, session):
        yield


@schema.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_honours_its_schema(case: Any, bound: None) -> None:
    case.call_and_validate()
