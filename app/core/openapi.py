"""Render the OpenAPI document deterministically, for the committed copy and the drift test."""

from __future__ import annotations

import json
import sys

from fastapi import FastAPI


def render(app: FastAPI) -> str:
    return json.dumps(app.openapi(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    from app.config import Settings
    from app.main import create_app

    sys.stdout.write(render(create_app(Settings(), check_database=False)))
