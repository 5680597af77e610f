"""SQL for model pleadings. Every read starts from `readable(principal)`."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, and_, delete, exists, func, insert, literal, select
from sqlalchemy.orm import Session, aliased

from app.auth.principal import Principal
from app.cases import repository as case_repo
from app.cases.models import (
    NEGATIVE_TREATMENTS,
    CaseCitation,
    ImplementationStatus,
    LegalCase,
    ReviewState,
    Treatment,
)
from app.orgs.visibility import member_view, readable
from app.pleadings.models import (
    AttachmentContent,
    ModelPleading,
    PleadingAdaptation,
    PleadingAttachment,
    PleadingSection,
    PleadingUse,
    PleadingVersion,
    pleading_right,
    section_authority,
    section_right,
)

# Forks of forks are followed this far up; a cycle cannot be built, this only bounds the walk.
MAX_LINEAGE = 20


def visible(principal: Principal) -> Any:
    return readable(principal, ModelPleading.owner_org_id, ModelPleading.visibility)


def visible_case(principal: Principal, case: Any = LegalCase) -> Any:
    return readable(principal, case.owner_org_id, case.visibility)


def readable_pleading(
    session: Session, principal: Principal, pleading_id: uuid.UUID
) -> ModelPleading | None:
    return session.scalar(
        select(ModelPleading).where(ModelPleading.id == pleading_id, visible(principal))
    )


def readable_ids(
    session: Session, principal: Principal, pleading_ids: Iterable[uuid.UUID]
) -> set[uuid.UUID]:
    wanted = list(pleading_ids)
    if not wanted:
        return set()
    return set(
        session.scalars(
            select(ModelPleading.id).where(ModelPleading.id.in_(wanted), visible(principal))
        )
    )


def pleading_by_key(session: Session, reference_key: str) -> ModelPleading | None:
    return session.scalar(select(ModelPleading).where(ModelPleading.reference_key == reference_key))


def filtered_pleadings(principal: Principal, filters: dict[str, Any]) -> Select[Any]:
    stmt = select(ModelPleading).where(visible(principal))
    if filters.get("right"):
        stmt = stmt.where(
            exists().where(
                pleading_right.c.pleading_id == ModelPleading.id,
                pleading_right.c.right_id == filters["right"],
            )
        )
    if filters.get("forum_level"):
        stmt = stmt.where(ModelPleading.forum_levels.contains([filters["forum_level"]]))
    if filters.get("jurisdiction"):
        stmt = stmt.where(ModelPleading.jurisdictions.contains([filters["jurisdiction"]]))
    if filters.get("language"):
        stmt = stmt.where(ModelPleading.language == filters["language"])
    if filters.get("status"):
        stmt = stmt.where(ModelPleading.status == filters["status"])
    if filters.get("owner"):
        stmt = stmt.where(ModelPleading.owner_org_id == filters["owner"])
    return stmt


# ---------------------------------------------------------------- rights


def rights_of(session: Session, pleading_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, list[str]]:
    out: dict[uuid.UUID, list[str]] = defaultdict(list)
    rows = session.execute(
        select(pleading_right.c.pleading_id, pleading_right.c.right_id)
        .where(pleading_right.c.pleading_id.in_(list(pleading_ids)))
        .order_by(pleading_right.c.right_id)
    )
    for pleading_id, right_id in rows:
        out[pleading_id].append(right_id)
    return out


def set_rights(session: Session, pleading_id: uuid.UUID, right_ids: Iterable[str]) -> None:
    session.execute(pleading_right.delete().where(pleading_right.c.pleading_id == pleading_id))
    ids = list(dict.fromkeys(right_ids))
    if ids:
        session.execute(
            insert(pleading_right), [{"pleading_id": pleading_id, "right_id": r} for r in ids]
        )


# ---------------------------------------------------------------- versions


def version(session: Session, pleading_id: uuid.UUID, number: int) -> PleadingVersion | None:
    return session.scalar(
        select(PleadingVersion).where(
            PleadingVersion.pleading_id == pleading_id, PleadingVersion.number == number
        )
    )


def versions_of(session: Session, pleading_id: uuid.UUID, *, drafts: bool) -> list[PleadingVersion]:
    stmt = select(PleadingVersion).where(PleadingVersion.pleading_id == pleading_id)
    if not drafts:
        stmt = stmt.where(PleadingVersion.published_at.is_not(None))
    return list(session.scalars(stmt.order_by(PleadingVersion.number)))


def latest_version(
    session: Session, pleading_id: uuid.UUID, *, published: bool
) -> PleadingVersion | None:
    stmt = select(PleadingVersion).where(PleadingVersion.pleading_id == pleading_id)
    if published:
        stmt = stmt.where(PleadingVersion.published_at.is_not(None))
    return session.scalar(stmt.order_by(PleadingVersion.number.desc()).limit(1))


def latest_published_numbers(
    session: Session, pleading_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, int]:
    rows = session.execute(
        select(PleadingVersion.pleading_id, func.max(PleadingVersion.number))
        .where(
            PleadingVersion.pleading_id.in_(list(pleading_ids)),
            PleadingVersion.published_at.is_not(None),
        )
        .group_by(PleadingVersion.pleading_id)
    )
    return {pleading_id: number for pleading_id, number in rows}


def draft_of(session: Session, pleading_id: uuid.UUID) -> PleadingVersion | None:
    return session.scalar(
        select(PleadingVersion).where(
            PleadingVersion.pleading_id == pleading_id, PleadingVersion.published_at.is_(None)
        )
    )


def highest_number(session: Session, pleading_id: uuid.UUID) -> int:
    return int(
        session.scalar(
            select(func.coalesce(func.max(PleadingVersion.number), 0)).where(
                PleadingVersion.pleading_id == pleading_id
            )
        )
        or 0
    )


# ---------------------------------------------------------------- sections


@dataclass
class SectionRow:
    section: PleadingSection
    rights: list[str]
    authority_ids: list[uuid.UUID]


def sections_of(session: Session, version_id: uuid.UUID) -> list[SectionRow]:
    sections = list(
        session.scalars(
            select(PleadingSection)
            .where(PleadingSection.version_id == version_id)
            .order_by(PleadingSection.position)
        )
    )
    ids = [s.id for s in sections]
    rights: dict[uuid.UUID, list[str]] = defaultdict(list)
    for section_id, right_id in session.execute(
        select(section_right.c.section_id, section_right.c.right_id)
        .where(section_right.c.section_id.in_(ids))
        .order_by(section_right.c.right_id)
    ):
        rights[section_id].append(right_id)
    authorities: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
    for section_id, case_id in session.execute(
        select(section_authority.c.section_id, section_authority.c.case_id)
        .join(LegalCase, LegalCase.id == section_authority.c.case_id)
        .where(section_authority.c.section_id.in_(ids))
        .order_by(LegalCase.decided_on.desc().nulls_last(), LegalCase.id)
    ):
        authorities[section_id].append(case_id)
    return [SectionRow(s, rights[s.id], authorities[s.id]) for s in sections]


def add_section(
    session: Session,
    version_id: uuid.UUID,
    position: int,
    heading: str,
    argument: str | None,
    rights: Sequence[str],
    authorities: Sequence[uuid.UUID],
) -> None:
    section = PleadingSection(
        version_id=version_id, position=position, heading=heading, argument=argument
    )
    session.add(section)
    session.flush()
    right_ids = list(dict.fromkeys(rights))
    if right_ids:
        session.execute(
            insert(section_right), [{"section_id": section.id, "right_id": r} for r in right_ids]
        )
    case_ids = list(dict.fromkeys(authorities))
    if case_ids:
        session.execute(
            insert(section_authority),
            [{"section_id": section.id, "case_id": c} for c in case_ids],
        )


def delete_sections(session: Session, version_id: uuid.UUID) -> None:
    session.execute(delete(PleadingSection).where(PleadingSection.version_id == version_id))


def readable_cases(
    session: Session, principal: Principal, case_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, LegalCase]:
    wanted = list(case_ids)
    if not wanted:
        return {}
    return {
        c.id: c
        for c in session.scalars(
            select(LegalCase).where(LegalCase.id.in_(wanted), visible_case(principal))
        )
    }


def cases_by_reference_keys(
    session: Session, owner: uuid.UUID, keys: Iterable[str]
) -> dict[str, uuid.UUID]:
    """The cases owner's members may read, by reference key; owner's own win a shared key."""
    rows = case_repo.visible_with_reference_keys(session, member_view(owner), keys)
    return {key: case_id for key, case_id, _ in sorted(rows, key=lambda r: r[2] == owner)}


# ---------------------------------------------------------------- adaptations


def adaptations_of(
    session: Session, pleading_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, PleadingAdaptation]:
    return {
        a.pleading_id: a
        for a in session.scalars(
            select(PleadingAdaptation).where(PleadingAdaptation.pleading_id.in_(list(pleading_ids)))
        )
    }


# ---------------------------------------------------------------- uses


def outcome_counts(
    session: Session, principal: Principal, pleading_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, dict[str, int]]:
    """Per pleading, readable cases that used it, counted by outcome."""
    out: dict[uuid.UUID, dict[str, int]] = defaultdict(dict)
    rows = session.execute(
        select(PleadingUse.pleading_id, LegalCase.outcome, func.count(LegalCase.id.distinct()))
        .join(LegalCase, LegalCase.id == PleadingUse.case_id)
        .where(PleadingUse.pleading_id.in_(list(pleading_ids)), visible_case(principal))
        .group_by(PleadingUse.pleading_id, LegalCase.outcome)
    )
    for pleading_id, outcome, count in rows:
        out[pleading_id][outcome] = count
    return out


def uses_of(
    session: Session, principal: Principal, pleading_id: uuid.UUID
) -> list[tuple[PleadingUse, LegalCase]]:
    rows = session.execute(
        select(PleadingUse, LegalCase)
        .join(LegalCase, LegalCase.id == PleadingUse.case_id)
        .where(PleadingUse.pleading_id == pleading_id, visible_case(principal))
        .order_by(PleadingUse.created_at.desc(), PleadingUse.id)
    )
    return [(u, c) for u, c in rows]


def use_exists(session: Session, pleading_id: uuid.UUID, number: int, case_id: uuid.UUID) -> bool:
    return bool(
        session.scalar(
            select(
                exists().where(
                    PleadingUse.pleading_id == pleading_id,
                    PleadingUse.version_number == number,
                    PleadingUse.case_id == case_id,
                )
            )
        )
    )


# ---------------------------------------------------------------- authorities at risk


@dataclass(frozen=True)
class RiskRow:
    pleading_id: uuid.UUID
    via_pleading_id: uuid.UUID | None
    case_id: uuid.UUID
    case_title: str
    reason: str
    treatment: Treatment | None
    citing_case_id: uuid.UUID | None
    citing_case_title: str | None


def authorities_at_risk(
    session: Session, principal: Principal, pleading_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, list[RiskRow]]:
    """Supporting authorities of each pleading's latest published version, and of the upstream
    versions its adaptations were made from, that a readable later decision treats negatively
    or that are recorded as not implemented. Only cases the principal may read count."""
    ids = list(pleading_ids)
    if not ids:
        return {}
    latest_published = (
        select(PleadingVersion.id)
        .where(
            PleadingVersion.pleading_id == ModelPleading.id,
            PleadingVersion.published_at.is_not(None),
        )
        .order_by(PleadingVersion.number.desc())
        .limit(1)
        .correlate(ModelPleading)
        .scalar_subquery()
    )
    lineage = (
        select(
            ModelPleading.id.label("root_id"),
            ModelPleading.id.label("pleading_id"),
            latest_published.label("version_id"),
            literal(0).label("depth"),
        )
        .where(ModelPleading.id.in_(ids))
        .cte("lineage", recursive=True)
    )
    upstream = aliased(ModelPleading)
    upstream_version = aliased(PleadingVersion)
    lineage = lineage.union_all(
        select(
            lineage.c.root_id,
            upstream.id,
            upstream_version.id,
            lineage.c.depth + 1,
        )
        .select_from(lineage)
        .join(PleadingAdaptation, PleadingAdaptation.pleading_id == lineage.c.pleading_id)
        .join(
            upstream_version,
            and_(
                upstream_version.pleading_id == PleadingAdaptation.upstream_pleading_id,
                upstream_version.number == PleadingAdaptation.upstream_version_number,
            ),
        )
        .join(upstream, upstream.id == upstream_version.pleading_id)
        .where(
            readable(principal, upstream.owner_org_id, upstream.visibility),
            lineage.c.depth < MAX_LINEAGE,
        )
    )
    authority = aliased(LegalCase)
    citing = aliased(LegalCase)
    relied_on = (
        select(lineage.c.root_id, lineage.c.pleading_id, lineage.c.depth, authority)
        .select_from(lineage)
        .join(PleadingSection, PleadingSection.version_id == lineage.c.version_id)
        .join(section_authority, section_authority.c.section_id == PleadingSection.id)
        .join(authority, authority.id == section_authority.c.case_id)
        .where(visible_case(principal, authority))
    )
    treated = session.execute(
        relied_on.add_columns(CaseCitation.treatment, citing.id, citing.title)
        .join(CaseCitation, CaseCitation.cited_case_id == authority.id)
        .join(citing, citing.id == CaseCitation.citing_case_id)
        .where(
            CaseCitation.treatment.in_(sorted(NEGATIVE_TREATMENTS)),
            CaseCitation.review_state != ReviewState.rejected,
            visible_case(principal, citing),
        )
        .order_by(lineage.c.depth, citing.decided_on.desc().nulls_last(), citing.id)
    ).all()
    unimplemented = session.execute(
        relied_on.where(
            authority.implementation_status == ImplementationStatus.not_implemented
        ).order_by(lineage.c.depth, authority.id)
    ).all()
    out: dict[uuid.UUID, list[RiskRow]] = defaultdict(list)
    seen: set[tuple[Any, ...]] = set()
    for root_id, via_id, _depth, case, treatment, citing_id, citing_title in treated:
        key = (root_id, case.id, "negative_treatment", citing_id, treatment)
        if key not in seen:
            seen.add(key)
            out[root_id].append(
                RiskRow(
                    root_id,
                    via_id if via_id != root_id else None,
                    case.id,
                    case.title,
                    "negative_treatment",
                    treatment,
                    citing_id,
                    citing_title,
                )
            )
    for root_id, via_id, _depth, case in unimplemented:
        unimplemented_key = (root_id, case.id, "not_implemented")
        if unimplemented_key not in seen:
            seen.add(unimplemented_key)
            out[root_id].append(
                RiskRow(
                    root_id,
                    via_id if via_id != root_id else None,
                    case.id,
                    case.title,
                    "not_implemented",
                    None,
                    None,
                    None,
                )
            )
    return out


# ---------------------------------------------------------------- attachments


def attachments_of(session: Session, version_id: uuid.UUID) -> list[PleadingAttachment]:
    return list(
        session.scalars(
            select(PleadingAttachment)
            .where(PleadingAttachment.version_id == version_id)
            .order_by(PleadingAttachment.created_at, PleadingAttachment.id)
        )
    )


def attachment_content(session: Session, attachment_id: uuid.UUID) -> bytes | None:
    return session.scalar(
        select(AttachmentContent.data).where(AttachmentContent.attachment_id == attachment_id)
    )
