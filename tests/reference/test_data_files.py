"""Integrity checks for the static reference data in app/reference/data (no database needed)."""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path
from typing import Any

import pycountry
import yaml

DATA = Path(__file__).resolve().parents[2] / "app" / "reference" / "data"

# Codes used in the data that pycountry does not know (user-assigned, e.g. Kosovo).
NON_ISO_ALLOWED: frozenset[str] = frozenset({"XK"})
ISO2: frozenset[str] = frozenset(c.alpha_2 for c in pycountry.countries) | NON_ISO_ALLOWED


@cache
def load_yaml(name: str) -> Any:
    with (DATA / name).open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def load_csv(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def instruments() -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = load_yaml("instruments.yaml")["instruments"]
    return items


def instrument_ids() -> set[str]:
    return {i["id"] for i in instruments()}


def rights() -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = load_yaml("rights.yaml")["rights"]
    return items


def forums() -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = load_yaml("forums.yaml")["forums"]
    return items


def forum_ids() -> set[str]:
    return {f["id"] for f in forums()}


def concordance_rows() -> list[dict[str, Any]]:
    return [row for r in rights() for row in r["concordance"]]


def test_schema_versions_present() -> None:
    for name in (
        "instruments.yaml",
        "rights.yaml",
        "forums.yaml",
        "citation_formats.yaml",
        "vocab.yaml",
        "ratifications/regional_systems.yaml",
    ):
        assert load_yaml(name)["schema_version"] == 1, name


def test_instruments_count_and_unique_ids() -> None:
    ids = [i["id"] for i in instruments()]
    assert len(ids) == 162
    assert len(set(ids)) == 162


def test_instrument_types_in_vocab() -> None:
    allowed = set(load_yaml("vocab.yaml")["enums"]["instrument_type"])
    assert "optional_clause" in allowed
    assert {i["type"] for i in instruments()} <= allowed
    assert sum(i["type"] == "optional_clause" for i in instruments()) == 6


def test_rights_count() -> None:
    ids = [r["id"] for r in rights()]
    assert len(ids) == 44
    assert len(set(ids)) == 44
    for r in rights():
        assert r["label"] and r["label_es"] and r["label_fr"], r["id"]


def test_concordance_row_counts() -> None:
    rows = concordance_rows()
    assert len(rows) == 656  # 654 from the compiled set, 2 added by Comity (uncertain)
    assert sum(1 for row in rows if row.get("uncertain") is True) == 52


def test_concordance_instruments_exist() -> None:
    known = instrument_ids()
    missing = {row["instrument"] for row in concordance_rows()} - known
    assert not missing


def test_concordance_basis_in_vocab() -> None:
    allowed = set(load_yaml("vocab.yaml")["enums"]["concordance_basis"])
    assert {row["basis"] for row in concordance_rows()} <= allowed


def test_related_rights_exist() -> None:
    ids = {r["id"] for r in rights()}
    for r in rights():
        assert set(r["related"]) <= ids, r["id"]


def test_forums_count() -> None:
    ids = [f["id"] for f in forums()]
    assert len(ids) == 54
    assert len(set(ids)) == 54


def test_forum_instruments_exist() -> None:
    known = instrument_ids()
    missing = {i for f in forums() for i in f["instruments_applied"]} - known
    assert not missing


def test_forum_citation_formats_exist() -> None:
    formats = set(load_yaml("citation_formats.yaml")["formats"])
    used = {f["citation_format"] for f in forums() if f.get("citation_format")}
    assert used <= formats


def test_monitoring_body_forums_exist() -> None:
    known = forum_ids()
    missing = {m["forum"] for i in instruments() for m in i["monitoring_bodies"]} - known
    assert not missing
    issued_by = {i["issued_by"] for i in instruments() if i.get("issued_by")}
    assert issued_by <= known


def test_state_parties() -> None:
    rows = load_csv("ratifications/state_parties.csv")
    assert len(rows) == 3555
    assert list(rows[0]) == [
        "instrument_id",
        "iso2",
        "status",
        "year",
        "source",
        "uncertain",
        "note",
    ]
    assert {r["instrument_id"] for r in rows} <= instrument_ids()
    bad_iso = {r["iso2"] for r in rows} - ISO2
    assert not bad_iso
    assert {r["status"] for r in rows} <= {"party", "signatory", "member"}
    assert {r["source"] for r in rows} <= {"un_core_2022", "search", "knowledge"}
    assert {r["uncertain"] for r in rows} <= {"true", "false"}
    assert {r["note"] for r in rows} <= {"", "conf:high", "conf:medium", "conf:low"}
    pairs = [(r["instrument_id"], r["iso2"]) for r in rows]
    assert len(pairs) == len(set(pairs))


def test_withdrawals() -> None:
    rows = load_csv("ratifications/withdrawals.csv")
    assert len(rows) == 18
    assert {r["instrument_id"] for r in rows} <= instrument_ids()
    assert {r["iso2"] for r in rows} <= ISO2
    assert {r["source"] for r in rows} <= {"un_core_2022", "search", "knowledge"}


def test_regional_systems_consistent() -> None:
    data = load_yaml("ratifications/regional_systems.yaml")
    members = {
        (r["instrument_id"], r["iso2"])
        for r in load_csv("ratifications/state_parties.csv")
        if r["status"] == "member"
    }
    known_forums = forum_ids()
    known_instruments = instrument_ids()
    for code, system in data["systems"].items():
        assert system["constituent_instrument"] in known_instruments, code
        assert set(system["human_rights_instruments"]) <= known_instruments, code
        assert len(system["members"]) == system["member_count"], code
        assert set(system["members"]) <= ISO2, code
        assert {f["forum"] for f in system["forums"]} <= known_forums, code
        listed = {(system["constituent_instrument"], iso) for iso in system["members"]}
        assert listed <= members, code
    for entry in data["un_individual_complaints"]:
        assert entry["forum"] in known_forums
        assert entry["requires"] in known_instruments
