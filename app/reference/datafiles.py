"""Read the reference data files shipped in app/reference/data into plain records."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pycountry
import yaml

DATA_DIR = Path(__file__).resolve().parent / "data"

SYSTEM_NAMES = {
    "UN": "United Nations",
    "ILO": "International Labour Organization",
    "IMO": "International Maritime Organization",
    "WHO": "World Health Organization",
    "UNESCO": "United Nations Educational, Scientific and Cultural Organization",
    "CoE": "Council of Europe",
    "EU": "European Union",
    "OAS": "Organization of American States",
    "AfU": "African Union",
    "ECOWAS": "Economic Community of West African States",
    "EAC": "East African Community",
    "CARICOM": "Caribbean Community",
    "LAS": "League of Arab States",
    "OIC": "Organisation of Islamic Cooperation",
    "ASEAN": "Association of Southeast Asian Nations",
    "AALCO": "Asian-African Legal Consultative Organization",
    "Other": "Other international bodies",
}


# The data files write the African Union as `AU`, which is also Australia's ISO code. Comity
# keeps ISO codes for States and gives the Union the mixed-case code `AfU` (as in `CoE`).
_SYSTEM_RENAMES = {"AU": "AfU"}
NATIONAL_LEVELS = frozenset({"national_apex", "national_appellate", "national_first_instance"})


def system_code(code: str) -> str:
    return _SYSTEM_RENAMES.get(code, code)


def forum_jurisdiction(code: str, level: str) -> str:
    return code if level in NATIONAL_LEVELS else system_code(code)


def load_yaml(name: str, data_dir: Path = DATA_DIR) -> Any:
    return yaml.safe_load((data_dir / name).read_text(encoding="utf-8"))


def read_csv(name: str, data_dir: Path = DATA_DIR) -> Iterator[dict[str, str]]:
    with (data_dir / name).open(encoding="utf-8", newline="") as fh:
        yield from csv.DictReader(fh)


def states() -> list[tuple[str, str]]:
    return sorted(
        (c.alpha_2, getattr(c, "common_name", None) or c.name) for c in pycountry.countries
    )


def flag(value: str | bool | None) -> bool:
    return value is True or str(value).lower() == "true"


def optional_int(value: object) -> int | None:
    return int(str(value)) if value not in (None, "") else None


def optional_date(value: object) -> date | None:
    if value in (None, ""):
        return None
    return value if isinstance(value, date) else date.fromisoformat(str(value))


@dataclass(frozen=True, slots=True)
class ReferenceFiles:
    instruments: list[dict[str, Any]]
    rights: list[dict[str, Any]]
    forums: list[dict[str, Any]]
    regional_systems: dict[str, Any]
    complaint_routes: list[dict[str, Any]]
    citation_formats: dict[str, Any]
    vocab: dict[str, Any]
    state_parties: list[dict[str, str]]
    withdrawals: list[dict[str, str]]
    reservations: list[dict[str, Any]]


def read_all(data_dir: Path = DATA_DIR) -> ReferenceFiles:
    return ReferenceFiles(
        instruments=load_yaml("instruments.yaml", data_dir)["instruments"],
        rights=load_yaml("rights.yaml", data_dir)["rights"],
        forums=load_yaml("forums.yaml", data_dir)["forums"],
        regional_systems=load_yaml("ratifications/regional_systems.yaml", data_dir)["systems"],
        complaint_routes=load_yaml("complaint_routes.yaml", data_dir)["routes"],
        citation_formats=load_yaml("citation_formats.yaml", data_dir),
        vocab=load_yaml("vocab.yaml", data_dir),
        state_parties=list(read_csv("ratifications/state_parties.csv", data_dir)),
        withdrawals=list(read_csv("ratifications/withdrawals.csv", data_dir)),
        reservations=load_yaml("reservations.yaml", data_dir)["reservations"],
    )
