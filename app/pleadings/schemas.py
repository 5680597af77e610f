"""Model-pleading bodies: what clients send and what they read."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, JsonValue, StrictBool

from app.cases.models import Outcome, Treatment
from app.core.types import Strict
from app.orgs.models import Visibility
from app.pleadings.models import AdaptationKind, AttachmentKind, PleadingStatus
from app.reference.models import ForumLevel

LANGUAGE = r"^[a-z]{2}$"


RightId = Field(min_length=1, max_length=60)


# ---------------------------------------------------------------- pleadings


class PleadingCreate(Strict):
    title: str = Field(min_length=1, max_length=300)
    summary: str = Field(default="", max_length=20_000)
    rights: list[str] = Field(
        default_factory=list, max_length=50, description="Right concept ids it argues."
    )
    forum_levels: list[ForumLevel] = Field(default_factory=list, max_length=20)
    jurisdictions: list[str] = Field(
        default_factory=list,
        max_length=50,
        description="States (ISO 3166-1 alpha-2) or systems (`CoE`, `OAS`, `UN`...) it suits.",
    )
    language: str = Field(default="en", pattern=LANGUAGE)
    tags: list[str] = Field(default_factory=list, max_length=30)
    owner_org_id: uuid.UUID | None = Field(
        default=None, description="Owning organisation; needed only if you litigate for several."
    )
    visibility: Visibility = Visibility.private


class PleadingPatch(Strict):
    title: str | None = Field(default=None, min_length=1, max_length=300)
    summary: str | None = Field(default=None, max_length=20_000)
    rights: list[str] | None = Field(default=None, max_length=50)
    forum_levels: list[ForumLevel] | None = Field(default=None, max_length=20)
    jurisdictions: list[str] | None = Field(default=None, max_length=50)
    language: str | None = Field(default=None, pattern=LANGUAGE)
    tags: list[str] | None = Field(default=None, max_length=30)
    status: PleadingStatus | None = Field(
        default=None, description="`withdrawn`, or `published` again once a version is out."
    )
    visibility: Visibility | None = Field(
        default=None, description="Organisation admins; hub admins may set `network`."
    )


class UsageStats(BaseModel):
    cases: int = Field(description="Cases you may read that used a version of this pleading.")
    wins: int
    outcomes: dict[Outcome, int]


class AuthorityRisk(BaseModel):
    """A supporting authority whose weight has fallen since it was relied on."""

    case_id: uuid.UUID
    case_title: str
    reason: Literal["negative_treatment", "not_implemented"]
    detail: str
    treatment: Treatment | None = None
    citing_case_id: uuid.UUID | None = None
    citing_case_title: str | None = None
    via_pleading_id: uuid.UUID | None = Field(
        default=None, description="Set when the authority is relied on upstream of this fork."
    )


class UpstreamRead(BaseModel):
    kind: AdaptationKind
    pleading_id: uuid.UUID
    title: str
    version: int = Field(description="The upstream version this adaptation was made from.")
    latest_version: int | None = Field(description="The upstream's latest published version.")
    changed: bool = Field(description="The upstream published a newer version since.")
    diff: str | None = Field(
        default=None, description="Unified diff between the two upstream versions' templates."
    )


class PleadingSummary(BaseModel):
    id: uuid.UUID
    title: str
    summary: str
    language: str
    rights: list[str]
    forum_levels: list[str]
    jurisdictions: list[str]
    tags: list[str]
    owner_org_id: uuid.UUID
    visibility: Visibility
    status: PleadingStatus
    latest_version: int | None = Field(description="Latest published version number.")
    upstream_pleading_id: uuid.UUID | None
    usage: UsageStats
    authority_at_risk: bool
    version: int
    created_at: datetime
    updated_at: datetime


class PleadingRead(PleadingSummary):
    reference_key: str | None
    upstream: UpstreamRead | None = Field(
        description="For an adaptation: its source, and whether the source changed since."
    )
    risks: list[AuthorityRisk]


class PleadingQuery(Strict):
    right: str | None = Field(default=None, max_length=60)
    forum_level: ForumLevel | None = None
    jurisdiction: str | None = Field(default=None, max_length=16)
    language: str | None = Field(default=None, pattern=LANGUAGE)
    status: PleadingStatus | None = None
    owner: uuid.UUID | None = Field(default=None, description="Owning organisation id.")
    cursor: str | None = Field(default=None, max_length=400)
    limit: int = Field(default=25, ge=1, le=100)


class ForkCreate(Strict):
    kind: AdaptationKind = AdaptationKind.country
    version: int | None = Field(
        default=None, ge=1, le=100_000, description="Upstream version; latest published if omitted."
    )
    title: str | None = Field(default=None, min_length=1, max_length=300)
    language: str | None = Field(default=None, pattern=LANGUAGE)
    jurisdictions: list[str] | None = Field(default=None, max_length=50)
    owner_org_id: uuid.UUID | None = None


# ---------------------------------------------------------------- versions


class VariableIn(Strict):
    name: str = Field(min_length=1, max_length=60, pattern=r"^[A-Za-z][A-Za-z0-9_]*$")
    type: Literal["text", "date", "number", "boolean", "list"]
    description: str = Field(default="", max_length=1_000)
    required: StrictBool = True
    default: JsonValue = None


class SectionIn(Strict):
    heading: str = Field(min_length=1, max_length=300)
    argument: str | None = Field(default=None, max_length=20_000)
    rights: list[str] = Field(default_factory=list, max_length=30)
    authorities: list[uuid.UUID] = Field(
        default_factory=list, max_length=50, description="Ids of the cases relied on."
    )


class VersionCreate(Strict):
    changelog: str = Field(default="", max_length=5_000)
    body: str | None = Field(
        default=None,
        max_length=200_000,
        description="Markdown/Jinja template; omitted: copied with variables and sections "
        "from the latest version.",
    )
    variables: list[VariableIn] | None = Field(default=None, max_length=100)
    sections: list[SectionIn] | None = Field(default=None, max_length=50)


class VersionPatch(Strict):
    changelog: str | None = Field(default=None, max_length=5_000)
    body: str | None = Field(default=None, max_length=200_000)
    variables: list[VariableIn] | None = Field(default=None, max_length=100)
    sections: list[SectionIn] | None = Field(default=None, max_length=50)


class VersionState(StrEnum):
    draft = "draft"
    published = "published"


class VariableRead(BaseModel):
    name: str
    type: str
    description: str
    required: bool
    default: JsonValue = None


class AuthorityRef(BaseModel):
    case_id: uuid.UUID
    title: str
    citation: str | None


class SectionRead(BaseModel):
    position: int
    heading: str
    argument: str | None
    rights: list[str]
    authorities: list[AuthorityRef] = Field(description="The cited cases you may read.")


class VersionSummary(BaseModel):
    number: int
    state: VersionState
    changelog: str
    author_id: uuid.UUID | None
    author_name: str | None = Field(default=None, description="The author's display name.")
    published_at: datetime | None
    created_at: datetime


class VersionRead(VersionSummary):
    pleading_id: uuid.UUID
    body: str
    variables: list[VariableRead]
    sections: list[SectionRead]
    revision: int
    updated_at: datetime


# ---------------------------------------------------------------- uses


class UseCreate(Strict):
    case_id: uuid.UUID
    version: int | None = Field(
        default=None, ge=1, le=100_000, description="Latest published version if omitted."
    )


class UseRead(BaseModel):
    case_id: uuid.UUID
    case_title: str
    version: int
    outcome: Outcome
    recorded_at: datetime


class UsesRead(BaseModel):
    usage: UsageStats
    items: list[UseRead]


# ---------------------------------------------------------------- rendering


class RenderFormat(StrEnum):
    docx = "docx"
    markdown = "markdown"
    html = "html"


class RenderRequest(Strict):
    case_id: uuid.UUID
    version: int | None = Field(
        default=None, ge=1, le=100_000, description="Latest published version if omitted."
    )
    variables: dict[str, JsonValue] = Field(
        default_factory=dict, description="Values for the version's declared variables."
    )
    format: RenderFormat = RenderFormat.docx
    include_protected: StrictBool = Field(
        default=False,
        description="Fill in clients' names (litigators and admins of the case's organisation).",
    )


class Rendered(BaseModel):
    """A rendered pleading, ready to send."""

    content: bytes
    media_type: str
    filename: str
    protected_included: bool


# ---------------------------------------------------------------- attachments


class AttachmentRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    filename: str
    kind: AttachmentKind
    media_type: str
    size_bytes: int
    sha256: str
    uploaded_by: uuid.UUID | None
    created_at: datetime


class AttachmentFile(BaseModel):
    """An attachment's bytes with what a download needs."""

    content: bytes
    media_type: str
    filename: str


# ---------------------------------------------------------------- demo data


class DemoReport(BaseModel):
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    unresolved_authorities: list[str] = Field(default_factory=list)
