"""The demo model pleadings, published as public pleadings of the Comity demo network."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy.orm import Session

from app.orgs import repository as org_repo
from app.orgs.models import Organisation, OrgKind, Visibility
from app.orgs.schemas import OrganisationCreate
from app.orgs.service import add_organisation
from app.pleadings import repository as repo
from app.pleadings import service
from app.pleadings.schemas import DemoReport, PleadingCreate, SectionIn, VariableIn
from app.reference import datafiles

DEMO_FILE = Path(__file__).resolve().parent / "data" / "demo_pleadings.yaml"
DEMO_ORG = OrganisationCreate(
    name="Comity demo network", slug="comity-demo", kind=OrgKind.hub, country="CH"
)
METADATA = ("title", "summary", "language", "forum_levels", "jurisdictions", "tags")


def demo_organisation(session: Session, now: datetime) -> Organisation:
    return org_repo.organisation_by_slug(session, DEMO_ORG.slug) or add_organisation(
        session, None, DEMO_ORG, now=now
    )


def load_demo(session: Session, *, now: datetime, path: Path = DEMO_FILE) -> DemoReport:
    """Load or update the demo pleadings (idempotent: a second run changes nothing).

    Section authorities are the demo cases' reference keys; keys with no case in Comity
    are skipped and reported. When a pleading's text or authorities change, the new text is
    published as the next version, so adaptations see that their upstream changed.
    """
    items: list[dict[str, Any]] = yaml.safe_load(path.read_text(encoding="utf-8"))["pleadings"]
    org = demo_organisation(session, now)
    keys = {k for item in items for s in item["sections"] for k in s.get("authorities") or []}
    cases = repo.cases_by_reference_keys(session, org.id, keys)
    report = DemoReport(unresolved_authorities=sorted(keys - set(cases)))
    for item in items:
        meta = PleadingCreate(
            title=item["title"],
            summary=" ".join(item["summary"].split()),
            rights=item["rights"],
            forum_levels=item["forum_levels"],
            # The data files write the African Union as `AU`, Comity as `AfU`.
            jurisdictions=[datafiles.system_code(code) for code in item["jurisdictions"]],
            language=item["language"],
            tags=item.get("tags") or [],
            visibility=Visibility.public,
        )
        variables = [VariableIn.model_validate(v) for v in item.get("variables") or []]
        sections = [
            SectionIn(
                heading=s["heading"],
                rights=s.get("rights") or [],
                authorities=[cases[k] for k in s.get("authorities") or [] if k in cases],
            )
            for s in item["sections"]
        ]
        pleading = repo.pleading_by_key(session, item["id"])
        if pleading is None:
            pleading = service.write_pleading(
                session, None, org.id, meta, now=now, reference_key=item["id"]
            )
            service.write_version(
                session,
                pleading,
                changelog="Demo model pleading.",
                template=item["body"],
                variables=variables,
                sections=sections,
                publish=True,
                now=now,
            )
            report.added += 1
            continue
        changed = False
        wanted = meta.model_dump(mode="json", include=set(METADATA))
        current = {name: getattr(pleading, name) for name in METADATA}
        if (
            wanted != current
            or sorted(meta.rights) != repo.rights_of(session, [pleading.id])[pleading.id]
        ):
            for name, value in wanted.items():
                setattr(pleading, name, value)
            repo.set_rights(session, pleading.id, meta.rights)
            pleading.updated_at = now
            changed = True
        latest = repo.latest_version(session, pleading.id, published=True)
        content = {
            "body": item["body"],
            "variables": [v.model_dump(mode="json") for v in variables],
            "sections": [
                {
                    "heading": s.heading,
                    "argument": s.argument,
                    "rights": sorted(s.rights),
                    "authorities": sorted(str(c) for c in s.authorities),
                }
                for s in sections
            ],
        }
        if latest is None or service.version_content(session, latest) != content:
            service.write_version(
                session,
                pleading,
                changelog="Demo model pleading updated.",
                template=item["body"],
                variables=variables,
                sections=sections,
                publish=True,
                now=now,
            )
            changed = True
        if changed:
            report.updated += 1
        else:
            report.unchanged += 1
    session.flush()
    return report
