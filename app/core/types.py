"""Input types stricter than Pydantic's lax defaults where laxness would mislead."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _iso_date(value: Any) -> Any:
    # Lax mode reads 0 or "0" as 1970-01-01: a date filter typo would silently match.
    if isinstance(value, date) or (isinstance(value, str) and _ISO_DATE.match(value)):
        return value
    raise ValueError("use a calendar date, YYYY-MM-DD")


IsoDate = Annotated[date, BeforeValidator(_iso_date)]


class Strict(BaseModel):
    """Base of request bodies and query models: an unknown field (a misspelt filter or
    property) is an error, not silently ignored."""

    model_config = ConfigDict(extra="forbid")
