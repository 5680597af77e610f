from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from typing import Annotated

import pytest
from fastapi import APIRouter, FastAPI, Query
from fastapi.testclient import TestClient
from pydantic import BaseModel, ConfigDict

from app.config import Settings
from app.core.logging import JsonFormatter
from app.errors import ConflictError
from app.main import create_app
from tests.helpers import assert_problem


class StrictQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    q: str = ""


class Item(BaseModel):
    name: str
    count: int


def build_app(settings: Settings) -> FastAPI:
    app = create_app(settings, check_database=False)
    router = APIRouter(tags=["probe"])

    @router.get("/boom")
    def boom() -> None:
        raise RuntimeError("secret internals: password=hunter2")

    @router.post("/items")
    def create_item(item: Item) -> Item:
        return item

    @router.get("/conflict")
    def conflict() -> None:
        raise ConflictError("Already there.", existing="/items/1")

    @router.get("/strict")
    def strict(query: Annotated[StrictQuery, Query()]) -> dict[str, str]:
        return {"q": query.q}

    app.include_router(router)
    return app


@pytest.fixture
def probe(settings: Settings) -> TestClient:
    return TestClient(build_app(settings), raise_server_exceptions=False)


class TestProblemDocuments:
    def test_unknown_route_is_404_problem(self, probe: TestClient) -> None:
        body = assert_problem(probe.get("/nope"), 404, "not_found")

        assert body["instance"] == "/nope"

    def test_wrong_method_is_405_with_union_of_allowed_methods(self, probe: TestClient) -> None:
        r = probe.delete("/items")

        assert_problem(r, 405, "method_not_allowed")
        assert r.headers["allow"] == "POST"

    def test_unhandled_exception_is_500_without_internals(self, probe: TestClient) -> None:
        lines = io.StringIO()
        handler = logging.StreamHandler(lines)
        handler.setFormatter(JsonFormatter())
        logger = logging.getLogger("comity")
        level = logger.level
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        try:
            r = probe.get("/boom", headers={"X-Request-ID": "req-boom-1"})
        finally:
            logger.removeHandler(handler)
            logger.setLevel(level)

        body = assert_problem(r, 500, "internal_error")
        assert "hunter2" not in r.text and "Traceback" not in r.text
        assert body["request_id"] == "req-boom-1"
        assert r.headers["x-request-id"] == "req-boom-1"
        logged = [json.loads(line) for line in lines.getvalue().splitlines()]
        error = next(e for e in logged if e["logger"] == "comity.errors")
        assert error["request_id"] == "req-boom-1"
        access = next(e for e in logged if e["logger"] == "comity.access")
        assert access == access | {
            "method": "GET",
            "path": "/boom",
            "status": 500,
            "request_id": "req-boom-1",
        }

    def test_malformed_json_is_422_problem(self, probe: TestClient) -> None:
        r = probe.post("/items", content=b'{"name": ', headers={"content-type": "application/json"})

        assert_problem(r, 422, "malformed_json")

    def test_validation_error_lists_fields_with_location(self, probe: TestClient) -> None:
        r = probe.post("/items", json={"name": "x", "count": "many"})

        body = assert_problem(r, 422, "validation_error")
        errors = body["errors"]
        assert isinstance(errors, list)
        assert errors[0]["loc"] == ["body", "count"]

    def test_wrong_content_type_is_4xx_problem(self, probe: TestClient) -> None:
        r = probe.post("/items", content=b"name=x", headers={"content-type": "text/plain"})

        assert 400 <= r.status_code < 500
        assert r.headers["content-type"] == "application/problem+json"

    def test_oversized_body_is_413_problem(self, settings: Settings) -> None:
        small = TestClient(build_app(settings.model_copy(update={"max_body_bytes": 2048})))

        r = small.post(
            "/items",
            content=b'{"name": "' + b"x" * 4096 + b'", "count": 1}',
            headers={"content-type": "application/json"},
        )

        assert_problem(r, 413, "payload_too_large")

    def test_an_8_kb_header_is_served(self, probe: TestClient) -> None:
        r = probe.get("/healthz", headers={"X-Filler": "x" * 8192})

        assert r.status_code == 200

    def test_oversized_headers_are_431_problem(self, probe: TestClient) -> None:
        r = probe.get("/healthz", headers={"X-Filler": "x" * 20_000})

        body = assert_problem(r, 431, "headers_too_large")
        assert "16384 bytes" in body["detail"]

    def test_streamed_oversized_body_is_413_problem(self, settings: Settings) -> None:
        small = TestClient(build_app(settings.model_copy(update={"max_body_bytes": 2048})))

        def chunks() -> Iterator[bytes]:
            yield b'{"name": "'
            for _ in range(10):
                yield b"x" * 1024
            yield b'", "count": 1}'

        r = small.post("/items", content=chunks(), headers={"content-type": "application/json"})

        assert_problem(r, 413, "payload_too_large")

    def test_domain_error_carries_extra_members(self, probe: TestClient) -> None:
        body = assert_problem(probe.get("/conflict"), 409, "conflict")

        assert body["existing"] == "/items/1"
        assert body["detail"] == "Already there."

    def test_unknown_query_parameter_on_strict_endpoint_is_422(self, probe: TestClient) -> None:
        body = assert_problem(probe.get("/strict?q=a&qq=b"), 422, "validation_error")

        assert [(e["loc"], e["type"]) for e in body["errors"]] == [
            (["query", "qq"], "extra_forbidden")
        ]
        assert probe.get("/strict?q=a").status_code == 200


class TestRequestId:
    def test_generated_when_absent(self, probe: TestClient) -> None:
        assert len(probe.get("/healthz").headers["x-request-id"]) == 32

    def test_honoured_when_well_formed(self, probe: TestClient) -> None:
        assert (
            probe.get("/healthz", headers={"X-Request-ID": "abc-123"}).headers["x-request-id"]
            == "abc-123"
        )

    def test_replaced_when_malformed(self, probe: TestClient) -> None:
        r = probe.get("/healthz", headers={"X-Request-ID": "bad id\twith spaces"})

        assert r.headers["x-request-id"] != "bad id\twith spaces"
