from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from app.core.openapi import render

COMMITTED = Path(__file__).resolve().parent.parent / "openapi" / "openapi.json"


class TestOpenApi:
    def test_committed_document_matches_the_app(self, app: FastAPI) -> None:
        assert COMMITTED.read_text() == render(app), "run `make openapi` and commit the result"

    def test_operation_ids_are_tag_dash_function(self, app: FastAPI) -> None:
        ids = [
            op["operationId"] for path in app.openapi()["paths"].values() for op in path.values()
        ]

        assert len(ids) == len(set(ids))
        assert all("-" in i and " " not in i for i in ids)
