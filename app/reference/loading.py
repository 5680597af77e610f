"""Load the shipped reference data into the database, idempotently, reporting what changed."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.reference import datafiles
from app.reference.datafiles import DATA_DIR, flag, optional_date, optional_int
from app.reference.models import (
    CitationFormat,
    ComplaintRoute,
    CrosswalkRow,
    Forum,
    Instrument,
    Jurisdiction,
    JurisdictionKind,
    Keyword,
    MonitoringBody,
    Provision,
    Ratification,
    Reservation,
    RightConcept,
    SystemMembership,
    Withdrawal,
)
from app.reference.parsing import ProvisionParseError, canonical_path, label_for, split_articles


@dataclass
class TableReport:
    added: int = 0
    changed: int = 0
    unchanged: int = 0


@dataclass
class LoadReport:
    tables: dict[str, TableReport] = field(default_factory=dict)
    source_counts: dict[str, int] = field(default_factory=dict)


def sync(
    session: Session, model: type[Any], rows: Iterable[dict[str, Any]], key: Sequence[str]
) -> TableReport:
    """Insert rows that are missing, update those that differ; rows not in `rows` are left."""
    report = TableReport()
    existing = {tuple(getattr(o, k) for k in key): o for o in session.scalars(select(model))}
    for row in rows:
        obj = existing.get(tuple(row[k] for k in key))
        if obj is None:
            session.add(model(**row))
            report.added += 1
            continue
        diff = {name: value for name, value in row.items() if getattr(obj, name) != value}
        for name, value in diff.items():
            setattr(obj, name, value)
        if diff:
            report.changed += 1
        else:
            report.unchanged += 1
    session.flush()
    return report


def load_reference_data(
    session: Session,
    data_dir: Path = DATA_DIR,
    progress: Callable[[str], None] = lambda _: None,
) -> LoadReport:
    files = datafiles.read_all(data_dir)
    report = LoadReport()
    t = report.tables

    progress("jurisdictions")
    jurisdictions = [
        {"code": code, "name": name, "kind": JurisdictionKind.state}
        for code, name in datafiles.states()
    ] + [
        {"code": code, "name": name, "kind": JurisdictionKind.system}
        for code, name in datafiles.SYSTEM_NAMES.items()
    ]
    t["jurisdiction"] = sync(session, Jurisdiction, jurisdictions, ["code"])

    progress("forums")
    t["forum"] = sync(session, Forum, [_forum(f) for f in files.forums], ["id"])

    progress("instruments")
    instruments = [_instrument(i) for i in files.instruments]
    parents = {i["id"]: i.pop("parent_id") for i in instruments}
    t["instrument"] = sync(session, Instrument, instruments, ["id"])
    for instrument in session.scalars(select(Instrument).where(Instrument.id.in_(list(parents)))):
        if instrument.parent_id != parents[instrument.id]:
            instrument.parent_id = parents[instrument.id]
    t["monitoring_body"] = sync(
        session,
        MonitoringBody,
        [
            {"instrument_id": i["id"], "forum_id": m["forum"], "mechanism": m.get("mechanism")}
            for i in files.instruments
            for m in i.get("monitoring_bodies") or []
        ],
        ["instrument_id", "forum_id"],
    )

    progress("rights and crosswalk")
    t["right_concept"] = sync(session, RightConcept, [_right(r) for r in files.rights], ["id"])
    crosswalk, labels = _crosswalk(files.rights)
    t["provision"] = sync(
        session,
        Provision,
        [
            {"instrument_id": inst, "path": path, "label": label}
            for (inst, path), label in sorted(labels.items())
        ],
        ["instrument_id", "path"],
    )
    provision_ids = {(p.instrument_id, p.path): p.id for p in session.scalars(select(Provision))}
    t["crosswalk_row"] = sync(
        session,
        CrosswalkRow,
        [
            {
                "right_id": row["right_id"],
                "provision_id": provision_ids[(row["instrument_id"], row["path"])],
                "basis": row["basis"],
                "note": row["note"],
                "via": row["via"],
                "uncertain": row["uncertain"],
            }
            for row in crosswalk
        ],
        ["right_id", "provision_id"],
    )

    progress("ratifications")
    t["ratification"] = sync(
        session,
        Ratification,
        [
            {
                "state_code": r["iso2"],
                "instrument_id": r["instrument_id"],
                "status": r["status"],
                "year": optional_int(r["year"]),
                "source": r["source"] or None,
                "uncertain": flag(r["uncertain"]),
                "note": r["note"] or None,
            }
            for r in files.state_parties
        ],
        ["state_code", "instrument_id"],
    )
    t["withdrawal"] = sync(
        session,
        Withdrawal,
        [
            {
                "state_code": w["iso2"],
                "instrument_id": w["instrument_id"],
                "joined_year": optional_int(w["joined_year"]),
                "notified_on": optional_date(w["notified"]),
                "effective_on": optional_date(w["effective"]),
                "uncertain": flag(w["uncertain"]),
                "note": w["note"] or None,
            }
            for w in files.withdrawals
        ],
        ["state_code", "instrument_id"],
    )
    t["reservation"] = sync(
        session,
        Reservation,
        [
            {
                "state_code": r["state"],
                "instrument_id": r["instrument"],
                "path": provision_path(r["article"])[0] if r["article"] else "",
                "kind": r["kind"],
                "summary": r["summary"],
                "source": r["source"],
                "uncertain": bool(r["uncertain"]),
            }
            for r in files.reservations
        ],
        ["state_code", "instrument_id", "path"],
    )
    t["system_membership"] = sync(
        session, SystemMembership, _memberships(files), ["state_code", "system_code"]
    )
    t["complaint_route"] = sync(
        session,
        ComplaintRoute,
        [
            {"forum_id": r["forum"], "requires_instrument_id": r["requires"], "note": r.get("note")}
            for r in files.complaint_routes
        ],
        ["forum_id", "requires_instrument_id"],
    )
    t["citation_format"] = sync(
        session,
        CitationFormat,
        [
            {"key": key, "spec": spec}
            for key, spec in {
                "ecli": files.citation_formats["ecli"],
                **files.citation_formats["formats"],
            }.items()
        ],
        ["key"],
    )
    t["keyword"] = sync(
        session,
        Keyword,
        [
            {"id": word, "facet": facet}
            for facet, words in files.vocab["keywords"].items()
            for word in words
        ],
        ["id"],
    )
    report.source_counts = {
        "instruments": len(files.instruments),
        "rights": len(files.rights),
        "crosswalk rows": sum(len(r.get("concordance") or []) for r in files.rights),
        "forums": len(files.forums),
        "ratifications": len(files.state_parties),
        "withdrawals": len(files.withdrawals),
        "reservations": len(files.reservations),
    }
    return report


def _instrument(i: dict[str, Any]) -> dict[str, Any]:
    in_force = i.get("in_force")
    return {
        "id": i["id"],
        "short_code": i.get("short_code") or i["id"],
        "name": i["name"],
        "type": i["type"],
        "system": datafiles.system_code(i["system"]),
        "parent_id": i.get("parent"),
        "adopted_year": optional_int(i.get("adopted")),
        "adopted_on": optional_date(i.get("adopted_date")),
        "in_force_year": in_force if isinstance(in_force, int) else None,
        "in_force": in_force != "not_in_force",
        "binding": bool(i.get("binding")),
        "citation": i.get("citation"),
        "description": i.get("description"),
        "issued_by_forum_id": i.get("issued_by"),
        "interprets": list(i.get("interprets") or []),
        "uncertain": bool(i.get("uncertain")),
    }


def _forum(f: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": f["id"],
        "name": f["name"],
        "level": f["level"],
        "kind": f.get("kind"),
        "jurisdiction_code": datafiles.forum_jurisdiction(f["jurisdiction"], f["level"]),
        "seat": f.get("seat"),
        "established": optional_int(f.get("established")),
        "instruments_applied": list(f.get("instruments_applied") or []),
        "decision_effect": f["decision_effect"],
        "effect_note": f.get("effect_note"),
        "individual_access": f.get("individual_access"),
        "citation_format": f.get("citation_format"),
        "uncertain": bool(f.get("uncertain")),
    }


def _right(r: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": r["id"],
        "label_en": r["label"],
        "label_es": r.get("label_es") or r["label"],
        "label_fr": r.get("label_fr") or r["label"],
        "description": r.get("description") or "",
        "kind": r["kind"],
        "related": list(r.get("related") or []),
    }


def _crosswalk(
    rights: list[dict[str, Any]],
) -> tuple[list[dict[str, Any]], dict[tuple[str, str], str]]:
    """One row per (right, single provision); a source row naming "6, 7" gives two.

    Where a right names the same provision twice, the rows merge: first basis, all
    supporting decisions, uncertain only if every source row is.
    """
    merged: dict[tuple[str, str, str], dict[str, Any]] = {}
    labels: dict[tuple[str, str], str] = {}
    for right in rights:
        for row in right.get("concordance") or []:
            for article in split_articles(str(row["article"])):
                path, label = provision_path(article)
                labels[(row["instrument"], path)] = label
                key = (right["id"], row["instrument"], path)
                entry = merged.get(key)
                if entry is None:
                    merged[key] = {
                        "right_id": key[0],
                        "instrument_id": key[1],
                        "path": key[2],
                        "basis": row["basis"],
                        "note": row.get("note"),
                        "via": list(row.get("via") or []),
                        "uncertain": bool(row.get("uncertain")),
                    }
                else:
                    entry["via"] += [v for v in row.get("via") or [] if v not in entry["via"]]
                    entry["uncertain"] = entry["uncertain"] and bool(row.get("uncertain"))
    return list(merged.values()), labels


def provision_path(article: str) -> tuple[str, str]:
    """Canonical path and label; free-form references (soft law, statutes) keep their words.

    "5(1)(f)" is ("5-1-f", "Art. 5(1)(f)"); "14th Amendment" or "whole" cannot be parsed as
    an article and become ("14th-amendment", "14th Amendment") so that no crosswalk fact is lost.
    """
    try:
        path = canonical_path(article)
        return path, label_for(path)
    except ProvisionParseError:
        slug = re.sub(r"[^a-z0-9]+", "-", article.lower()).strip("-")[:80]
        return slug or "whole", article[:120]


def _memberships(files: datafiles.ReferenceFiles) -> list[dict[str, Any]]:
    years = {
        (r["iso2"], r["instrument_id"]): optional_int(r["year"])
        for r in files.state_parties
        if r["status"] == "member"
    }
    return [
        {
            "state_code": state,
            "system_code": datafiles.system_code(system["system_code"]),
            "since_year": years.get((state, system["constituent_instrument"])),
            "uncertain": bool(system.get("uncertain")),
        }
        for system in files.regional_systems.values()
        for state in system["members"]
    ]
