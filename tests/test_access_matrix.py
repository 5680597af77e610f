"""Every endpoint x every role x every visibility, against one table of expected statuses.

A route missing from MATRIX fails `test_every_route_has_an_entry`, so the table grows with
the API. Cells for tenant-owned objects vary by visibility; others give one row for all.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.alerts.models import Notification, Rate, Subscription, SubscriptionKind
from app.auth.models import ApiToken, UserAccount
from app.cases.models import (
    CaseCitation,
    CaseParty,
    ProtectedPartyData,
    Provenance,
    ReviewState,
    RightsClaim,
    Treatment,
)
from app.core.crypto import Keyring
from app.core.time import utcnow
from app.deadlines.models import CalendarFeed, CaseDeadline
from app.orgs.models import Invitation, Organisation, Role, SupportGrant, Visibility
from app.pleadings.models import (
    AttachmentContent,
    AttachmentKind,
    PleadingAttachment,
    PleadingVersion,
)
from app.reference.models import CrosswalkRow, Forum, Instrument, RightConcept
from app.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from tests.conftest import TEST_DATA_KEY
from tests.factories import access_token, bearer, make_case, make_org, make_pleading, make_user

REF = "/api/v1/reference"
ROLES = ("anonymous", "viewer", "staff", "litigator", "admin", "other_org", "hub_admin")


@dataclass
class World:
    session: Session
    owner: Organisation
    other: Organisation
    users: dict[str, UserAccount]
    target_user: UserAccount


@dataclass
class Call:
    method: str
    path: str
    json: Any = None
    data: Any = None
    files: Any = None
    headers: dict[str, str] = field(default_factory=dict)


Scenario = Callable[[World, Visibility | None], Call]


def _bound(make: Callable[..., Call], **values: Any) -> Scenario:
    """A scenario with loop values bound now (a lambda would see the loop's last ones)."""
    return lambda w, v: make(w, v, **values)


Expect = dict[str, int]


def build_world(session: Session) -> World:
    owner, other = make_org(session), make_org(session)
    users = {
        role.value: make_user(session, member_of=owner, role=role)
        for role in (Role.viewer, Role.staff, Role.litigator, Role.admin)
    }
    users["other_org"] = make_user(session, member_of=other, role=Role.litigator)
    users["hub_admin"] = make_user(session, hub_admin=True)
    target = make_user(session, member_of=owner, role=Role.staff)
    return World(session, owner, other, users, target)


def everyone(status: int) -> Expect:
    return dict.fromkeys(ROLES, status)


def signed_in(status: int) -> Expect:
    return {**everyone(status), "anonymous": 401}


def hub_admins(ok: int) -> Expect:
    return {**signed_in(403), "hub_admin": ok}


def _version(w: World, model: type[Any], key: str) -> int:
    return int(w.session.get(model, key).version)  # type: ignore[union-attr]


def _any_crosswalk_row(w: World) -> str:
    return str(w.session.scalar(select(CrosswalkRow.id).limit(1)))


def org_admins(ok: int, others: int = 403) -> Expect:
    return {**signed_in(others), "admin": ok, "hub_admin": ok}


def member_admins(ok: int) -> Expect:
    """Membership and support grants: the organisation's own admins, never hub admins."""
    return {**signed_in(403), "admin": ok}


def _invitation(w: World) -> Invitation:
    invitation = Invitation(
        organisation_id=w.owner.id,
        email="invited@example.org",
        role=Role.viewer,
        created_at=utcnow(),
        expires_at=utcnow() + timedelta(days=1),
    )
    w.session.add(invitation)
    w.session.flush()
    return invitation


def _grant(w: World) -> SupportGrant:
    grant = SupportGrant(
        organisation_id=w.owner.id,
        grantee_id=w.users["hub_admin"].id,
        role=Role.viewer,
        reason="r",
        created_at=utcnow(),
        expires_at=utcnow() + timedelta(hours=1),
    )
    w.session.add(grant)
    w.session.flush()
    return grant


def _foreign_token(w: World, _: Visibility | None) -> Call:
    token = ApiToken(
        user_id=w.users["admin"].id,
        name="t",
        token_hash="0" * 64,
        display_prefix="comity_x",
        scopes=["read"],
        created_at=utcnow(),
    )
    w.session.add(token)
    w.session.flush()
    return Call("DELETE", f"/api/v1/me/api-tokens/{token.id}")


READERS = {
    Visibility.private: {"viewer", "staff", "litigator", "admin"},
    Visibility.network: {"viewer", "staff", "litigator", "admin", "other_org", "hub_admin"},
    Visibility.public: set(ROLES),
}
LITIGATORS = {"litigator", "admin"}


def on_case(
    ok: int, allowed: set[str] | None = None, *, write: bool = True
) -> dict[Visibility, Expect]:
    """Expected statuses on a case-owned route: 401 anonymous writes, 404 if unreadable,
    `ok` for the allowed roles, 403 for other readers."""
    table: dict[Visibility, Expect] = {}
    for vis in Visibility:
        row: Expect = {}
        for role in ROLES:
            if write and role == "anonymous":
                row[role] = 401
            elif role not in READERS[vis]:
                row[role] = 404
            elif allowed is None or role in allowed:
                row[role] = ok
            else:
                row[role] = 403
        table[vis] = row
    return table


def _case(w: World, v: Visibility | None) -> Any:
    return make_case(w.session, org=w.owner, visibility=v or Visibility.private)


def _claim_of(w: World, v: Visibility | None) -> tuple[Any, Any]:
    case = _case(w, v)
    claim = w.session.scalar(select(RightsClaim).where(RightsClaim.case_id == case.id))
    return case, claim


def _deadline(w: World, v: Visibility | None) -> CaseDeadline:
    deadline = CaseDeadline(
        case_id=_case(w, v).id, rule="manual", title="Hearing", due_on=date(2030, 1, 1)
    )
    w.session.add(deadline)
    w.session.flush()
    return deadline


def _foreign_feed(w: World, _: Visibility | None) -> Call:
    feed = CalendarFeed(user_id=w.users["admin"].id, token_hash="f" * 64, created_at=utcnow())
    w.session.add(feed)
    w.session.flush()
    return Call("DELETE", f"/api/v1/me/calendar-feeds/{feed.id}")


def _webhook(w: World) -> WebhookEndpoint:
    endpoint_id = uuid.uuid4()
    endpoint = WebhookEndpoint(
        id=endpoint_id,
        organisation_id=w.owner.id,
        url="https://hooks.example.org/comity",
        events=["case.updated"],
        secret=Keyring.parse(TEST_DATA_KEY).encrypt(b"whsec_x", b"webhook:" + endpoint_id.bytes),
        created_at=utcnow(),
        updated_at=utcnow(),
    )
    w.session.add(endpoint)
    w.session.flush()
    return endpoint


def _delivery(w: World) -> str:
    endpoint = _webhook(w)
    delivery = WebhookDelivery(
        endpoint_id=endpoint.id,
        event_id="msg_x",
        event_type="case.updated",
        body={},
        status=DeliveryStatus.failed,
        created_at=utcnow(),
    )
    w.session.add(delivery)
    w.session.flush()
    return f"/api/v1/webhooks/{endpoint.id}/deliveries/{delivery.id}/resend"


def _admins_subscription(w: World) -> str:
    sub = Subscription(
        user_id=w.users["admin"].id,
        kind=SubscriptionKind.open_case_wins,
        organisation_id=w.owner.id,
        rate=Rate.daily,
        created_at=utcnow(),
    )
    w.session.add(sub)
    w.session.flush()
    return f"/api/v1/subscriptions/{sub.id}"


def _admins_notification(w: World) -> str:
    note = Notification(
        user_id=w.users["admin"].id,
        event_id="msg_y",
        type="webhook.disabled",
        rate=Rate.immediate,
        data={"params": {"url": "https://hooks.example.org", "failures": 3}},
        created_at=utcnow(),
    )
    w.session.add(note)
    w.session.flush()
    return f"/api/v1/notifications/{note.id}/read"


def _party(w: World, v: Visibility | None) -> tuple[Any, Any]:
    case = _case(w, v)
    party = CaseParty(case_id=case.id, role="applicant", pseudonym="A.B.")
    w.session.add(party)
    w.session.flush()
    w.session.add(
        ProtectedPartyData(
            party_id=party.id,
            ciphertext=Keyring.parse(TEST_DATA_KEY).encrypt(
                b'{"legal_names": ["X"]}', party.id.bytes
            ),
        )
    )
    w.session.flush()
    return case, party


def _citation(w: World, v: Visibility | None) -> tuple[Any, Any]:
    case = _case(w, v)
    citation = CaseCitation(
        citing_case_id=case.id,
        unresolved_text="no. 1/20",
        treatment=Treatment.supports,
        provenance=Provenance.manual,
        review_state=ReviewState.pending,
    )
    w.session.add(citation)
    w.session.flush()
    return case, citation


def _tag(case: Any) -> dict[str, str]:
    return {"If-Match": f'"{case.version}"'}


C = "/api/v1/cases"
NEW_CASE = {"title": "T v. Italy", "forum_id": "ECTHR", "respondent_states": ["IT"]}
CASE_MATRIX: dict[tuple[str, str], tuple[Scenario, Any]] = {
    ("GET", C): (lambda w, v: Call("GET", C), everyone(200)),
    ("POST", C): (
        lambda w, v: Call("POST", C, json=NEW_CASE),
        {**signed_in(403), "litigator": 201, "admin": 201, "other_org": 201},
    ),
    ("GET", f"{C}/{{case_id}}"): (
        lambda w, v: Call("GET", f"{C}/{_case(w, v).id}"),
        on_case(200, write=False),
    ),
    ("PATCH", f"{C}/{{case_id}}"): (
        lambda w, v: (
            lambda c: Call("PATCH", f"{C}/{c.id}", json={"holding": "H"}, headers=_tag(c))
        )(_case(w, v)),
        on_case(200, LITIGATORS),
    ),
    ("DELETE", f"{C}/{{case_id}}"): (
        lambda w, v: (lambda c: Call("DELETE", f"{C}/{c.id}", headers=_tag(c)))(_case(w, v)),
        on_case(204, {"admin"}),
    ),
    # Anyone signed in who may read a case may follow it.
    ("PUT", f"{C}/{{case_id}}/follow"): (
        lambda w, v: Call("PUT", f"{C}/{_case(w, v).id}/follow"),
        on_case(204),
    ),
    ("DELETE", f"{C}/{{case_id}}/follow"): (
        lambda w, v: Call("DELETE", f"{C}/{_case(w, v).id}/follow"),
        on_case(204),
    ),
    **{
        ("GET", f"{C}/{{case_id}}/{sub}"): (
            _bound(lambda w, v, sub: Call("GET", f"{C}/{_case(w, v).id}/{sub}"), sub=sub),
            on_case(200, write=False),
        )
        for sub in ("claims", "updates", "parties", "citations", "cited-by")
    },
    ("POST", f"{C}/{{case_id}}/claims"): (
        lambda w, v: Call(
            "POST",
            f"{C}/{_case(w, v).id}/claims",
            json={"right_id": "non_refoulement", "provisions": ["ECHR:3"]},
        ),
        on_case(201, LITIGATORS),
    ),
    ("PATCH", f"{C}/{{case_id}}/claims/{{claim_id}}"): (
        lambda w, v: (
            lambda cc: Call(
                "PATCH",
                f"{C}/{cc[0].id}/claims/{cc[1].id}",
                json={"finding": "violation"},
                headers=_tag(cc[0]),
            )
        )(_claim_of(w, v)),
        on_case(200, LITIGATORS),
    ),
    ("DELETE", f"{C}/{{case_id}}/claims/{{claim_id}}"): (
        lambda w, v: (
            lambda cc: Call("DELETE", f"{C}/{cc[0].id}/claims/{cc[1].id}", headers=_tag(cc[0]))
        )(_claim_of(w, v)),
        on_case(204, LITIGATORS),
    ),
    ("POST", f"{C}/{{case_id}}/updates"): (
        lambda w, v: Call(
            "POST",
            f"{C}/{_case(w, v).id}/updates",
            json={"kind": "hearing", "occurred_on": "2025-01-01", "summary": "Heard."},
        ),
        on_case(201, {"staff", "litigator", "admin"}),
    ),
    ("GET", f"{C}/{{case_id}}/deadlines"): (
        lambda w, v: Call("GET", f"{C}/{_case(w, v).id}/deadlines"),
        on_case(200, write=False),
    ),
    ("POST", f"{C}/{{case_id}}/deadlines"): (
        lambda w, v: Call(
            "POST",
            f"{C}/{_case(w, v).id}/deadlines",
            json={"title": "Observations due", "due_on": "2030-01-01"},
        ),
        on_case(201, {"staff", "litigator", "admin"}),
    ),
    **{
        ("POST", f"{C}/{{case_id}}/deadlines/{{deadline_id}}/{action}"): (
            _bound(
                lambda w, v, action: (
                    lambda d: Call("POST", f"{C}/{d.case_id}/deadlines/{d.id}/{action}")
                )(_deadline(w, v)),
                action=action,
            ),
            on_case(200, {"staff", "litigator", "admin"}),
        )
        for action in ("dismiss", "reopen")
    },
    ("POST", f"{C}/{{case_id}}/parties"): (
        lambda w, v: Call("POST", f"{C}/{_case(w, v).id}/parties", json={"pseudonym": "C.D."}),
        on_case(201, LITIGATORS),
    ),
    ("GET", f"{C}/{{case_id}}/parties/{{party_id}}/protected"): (
        lambda w, v: (lambda cp: Call("GET", f"{C}/{cp[0].id}/parties/{cp[1].id}/protected"))(
            _party(w, v)
        ),
        on_case(200, LITIGATORS),
    ),
    ("PUT", f"{C}/{{case_id}}/parties/{{party_id}}/protected"): (
        lambda w, v: (
            lambda cp: Call(
                "PUT", f"{C}/{cp[0].id}/parties/{cp[1].id}/protected", json={"legal_names": ["Y"]}
            )
        )(_party(w, v)),
        on_case(204, LITIGATORS),
    ),
    ("DELETE", f"{C}/{{case_id}}/parties/{{party_id}}/protected"): (
        lambda w, v: (lambda cp: Call("DELETE", f"{C}/{cp[0].id}/parties/{cp[1].id}/protected"))(
            _party(w, v)
        ),
        on_case(204, LITIGATORS),
    ),
    ("POST", f"{C}/{{case_id}}/citations"): (
        lambda w, v: Call(
            "POST", f"{C}/{_case(w, v).id}/citations", json={"citation_text": "no. 27765/09"}
        ),
        on_case(201, LITIGATORS),
    ),
    ("POST", f"{C}/{{case_id}}/extract-citations"): (
        lambda w, v: Call("POST", f"{C}/{_case(w, v).id}/extract-citations"),
        on_case(200, LITIGATORS),
    ),
    ("POST", "/api/v1/citations/extract"): (
        lambda w, v: Call("POST", "/api/v1/citations/extract", json={"text": "no. 27765/09"}),
        everyone(200),
    ),
    ("POST", "/api/v1/match"): (
        lambda w, v: Call(
            "POST",
            "/api/v1/match",
            json={
                "draft": {
                    "facts": "detention of a child",
                    "target_jurisdiction": "MX",
                    "claims": ["liberty_arbitrary_detention"],
                }
            },
        ),
        everyone(200),
    ),
    ("GET", f"{C}/{{case_id}}/knock-on"): (
        lambda w, v: Call("GET", f"{C}/{_case(w, v).id}/knock-on"),
        on_case(200, write=False),
    ),
    ("GET", "/api/v1/search"): (
        lambda w, v: Call("GET", "/api/v1/search?q=expulsion"),
        everyone(200),
    ),
    ("GET", "/api/v1/search/suggest"): (
        lambda w, v: Call("GET", "/api/v1/search/suggest?q=hirsy"),
        everyone(200),
    ),
    ("GET", "/api/v1/exports/cases"): (
        lambda w, v: Call("GET", "/api/v1/exports/cases"),
        everyone(200),
    ),
    ("POST", "/api/v1/imports"): (
        lambda w, v: Call(
            "POST",
            "/api/v1/imports",
            files={
                "file": (
                    "c.jsonl",
                    b'{"title": "I v. Italy", "forum_id": "ECTHR"}\n',
                    "application/x-ndjson",
                )
            },
        ),
        {**signed_in(403), "litigator": 201, "admin": 201, "other_org": 201},
    ),
    ("PATCH", f"{C}/{{case_id}}/citations/{{citation_id}}"): (
        lambda w, v: (
            lambda cc: Call(
                "PATCH", f"{C}/{cc[0].id}/citations/{cc[1].id}", json={"review_state": "accepted"}
            )
        )(_citation(w, v)),
        on_case(200, LITIGATORS),
    ),
}


def on_pleading(
    ok: int, allowed: set[str] | None = None, *, write: bool = True
) -> dict[Visibility, Expect]:
    """Expected statuses on a pleading-owned route: pleadings are seen as cases are."""
    return on_case(ok, allowed, write=write)


def _pleading(w: World, v: Visibility | None, *, published: bool = True) -> Any:
    return make_pleading(
        w.session, org=w.owner, visibility=v or Visibility.private, published=published
    )


def _draft(w: World, v: Visibility | None) -> Any:
    return _pleading(w, v, published=False)


def _attached(w: World, v: Visibility | None) -> tuple[Any, Any]:
    pleading = _pleading(w, v)
    version = w.session.scalar(
        select(PleadingVersion).where(PleadingVersion.pleading_id == pleading.id)
    )
    attachment = PleadingAttachment(
        version_id=version.id,  # type: ignore[union-attr]
        filename="a.md",
        kind=AttachmentKind.md,
        media_type="text/markdown; charset=utf-8",
        size_bytes=2,
        sha256="0" * 64,
    )
    w.session.add(attachment)
    w.session.flush()
    w.session.add(AttachmentContent(attachment_id=attachment.id, data=b"# "))
    w.session.flush()
    return pleading, attachment


def _version_tag(w: World, pleading: Any) -> dict[str, str]:
    version = w.session.scalar(
        select(PleadingVersion).where(PleadingVersion.pleading_id == pleading.id)
    )
    return {"If-Match": f'"{version.revision}"'}  # type: ignore[union-attr]


MP = "/api/v1/model-pleadings"
NEW_PLEADING = {"title": "Pushbacks", "rights": ["collective_expulsion"], "language": "en"}
PLEADING_MATRIX: dict[tuple[str, str], tuple[Scenario, Any]] = {
    ("GET", MP): (lambda w, v: Call("GET", MP), everyone(200)),
    ("POST", MP): (
        lambda w, v: Call("POST", MP, json=NEW_PLEADING),
        {**signed_in(403), "litigator": 201, "admin": 201, "other_org": 201},
    ),
    ("GET", f"{MP}/{{pleading_id}}"): (
        lambda w, v: Call("GET", f"{MP}/{_pleading(w, v).id}"),
        on_pleading(200, write=False),
    ),
    ("PATCH", f"{MP}/{{pleading_id}}"): (
        lambda w, v: (
            lambda p: Call("PATCH", f"{MP}/{p.id}", json={"summary": "S"}, headers=_tag(p))
        )(_pleading(w, v)),
        on_pleading(200, LITIGATORS),
    ),
    ("DELETE", f"{MP}/{{pleading_id}}"): (
        lambda w, v: (lambda p: Call("DELETE", f"{MP}/{p.id}", headers=_tag(p)))(_pleading(w, v)),
        on_pleading(204, {"admin"}),
    ),
    **{
        ("GET", f"{MP}/{{pleading_id}}/{sub}"): (
            _bound(lambda w, v, url: Call("GET", f"{MP}/{_pleading(w, v).id}/{url}"), url=url),
            on_pleading(200, write=False),
        )
        for sub, url in [
            ("versions", "versions"),
            ("versions/{number}", "versions/1"),
            ("uses", "uses"),
            ("versions/{number}/attachments", "versions/1/attachments"),
        ]
    },
    ("POST", f"{MP}/{{pleading_id}}/versions"): (
        lambda w, v: Call("POST", f"{MP}/{_pleading(w, v).id}/versions", json={"changelog": "c"}),
        on_pleading(201, LITIGATORS),
    ),
    ("PATCH", f"{MP}/{{pleading_id}}/versions/{{number}}"): (
        lambda w, v: (
            lambda p: Call(
                "PATCH",
                f"{MP}/{p.id}/versions/1",
                json={"changelog": "c"},
                headers=_version_tag(w, p),
            )
        )(_draft(w, v)),
        on_pleading(200, LITIGATORS),
    ),
    ("POST", f"{MP}/{{pleading_id}}/versions/{{number}}/publish"): (
        lambda w, v: Call("POST", f"{MP}/{_draft(w, v).id}/versions/1/publish"),
        on_pleading(200, LITIGATORS),
    ),
    ("POST", f"{MP}/{{pleading_id}}/fork"): (
        lambda w, v: Call("POST", f"{MP}/{_pleading(w, v).id}/fork", json={}),
        on_pleading(201, {"litigator", "admin", "other_org"}),
    ),
    ("POST", f"{MP}/{{pleading_id}}/uses"): (
        lambda w, v: Call(
            "POST", f"{MP}/{_pleading(w, v).id}/uses", json={"case_id": str(_case(w, v).id)}
        ),
        on_pleading(201, LITIGATORS),
    ),
    ("POST", f"{MP}/{{pleading_id}}/render"): (
        lambda w, v: Call(
            "POST",
            f"{MP}/{_pleading(w, v).id}/render",
            json={
                "case_id": str(_case(w, v).id),
                "variables": {"applicant": "A."},
                "format": "markdown",
            },
        ),
        on_pleading(200),
    ),
    ("POST", f"{MP}/{{pleading_id}}/versions/{{number}}/attachments"): (
        lambda w, v: Call(
            "POST",
            f"{MP}/{_draft(w, v).id}/versions/1/attachments",
            files={"file": ("notes.md", b"# Notes\n", "text/markdown")},
        ),
        on_pleading(201, LITIGATORS),
    ),
    ("GET", f"{MP}/{{pleading_id}}/versions/{{number}}/attachments/{{attachment_id}}"): (
        lambda w, v: (lambda pa: Call("GET", f"{MP}/{pa[0].id}/versions/1/attachments/{pa[1].id}"))(
            _attached(w, v)
        ),
        on_pleading(200, write=False),
    ),
}

MATRIX: dict[tuple[str, str], tuple[Scenario, Expect | dict[Visibility, Expect]]] = {
    ("GET", "/healthz"): (lambda w, v: Call("GET", "/healthz"), everyone(200)),
    ("GET", "/readyz"): (lambda w, v: Call("GET", "/readyz"), everyone(200)),
    ("POST", "/api/v1/auth/token"): (
        lambda w, v: Call(
            "POST",
            "/api/v1/auth/token",
            data={"username": w.users["admin"].email, "password": "wrong-password"},
        ),
        everyone(401),
    ),
    ("POST", "/api/v1/auth/refresh"): (
        lambda w, v: Call("POST", "/api/v1/auth/refresh", json={"refresh_token": "forged"}),
        everyone(401),
    ),
    ("POST", "/api/v1/auth/invitations/accept"): (
        lambda w, v: Call(
            "POST",
            "/api/v1/auth/invitations/accept",
            json={"token": "forged", "password": "long enough password"},
        ),
        everyone(404),
    ),
    ("POST", "/api/v1/auth/logout"): (
        lambda w, v: Call("POST", "/api/v1/auth/logout", json={}),
        signed_in(204),
    ),
    ("GET", "/api/v1/me"): (lambda w, v: Call("GET", "/api/v1/me"), signed_in(200)),
    ("GET", "/api/v1/me/followed-updates"): (
        lambda w, v: Call("GET", "/api/v1/me/followed-updates"),
        signed_in(200),
    ),
    ("POST", "/api/v1/me/password"): (
        lambda w, v: Call(
            "POST",
            "/api/v1/me/password",
            json={"current_password": "not it", "new_password": "x" * 12},
        ),
        signed_in(422),
    ),
    ("POST", "/api/v1/me/api-tokens"): (
        lambda w, v: Call("POST", "/api/v1/me/api-tokens", json={"name": "n", "scopes": ["read"]}),
        signed_in(201),
    ),
    ("GET", "/api/v1/me/api-tokens"): (
        lambda w, v: Call("GET", "/api/v1/me/api-tokens"),
        signed_in(200),
    ),
    ("DELETE", "/api/v1/me/api-tokens/{token_id}"): (
        _foreign_token,
        {**signed_in(404), "admin": 204},
    ),
    ("DELETE", "/api/v1/me/api-tokens"): (
        lambda w, v: Call("DELETE", "/api/v1/me/api-tokens"),
        signed_in(204),
    ),
    ("GET", "/api/v1/deadlines"): (lambda w, v: Call("GET", "/api/v1/deadlines"), signed_in(200)),
    ("POST", "/api/v1/me/calendar-feeds"): (
        lambda w, v: Call("POST", "/api/v1/me/calendar-feeds", json={}),
        signed_in(201),
    ),
    ("GET", "/api/v1/me/calendar-feeds"): (
        lambda w, v: Call("GET", "/api/v1/me/calendar-feeds"),
        signed_in(200),
    ),
    ("DELETE", "/api/v1/me/calendar-feeds/{feed_id}"): (
        _foreign_feed,
        {**signed_in(404), "admin": 204},
    ),
    ("GET", "/api/v1/calendar/{token}.ics"): (
        lambda w, v: Call("GET", "/api/v1/calendar/cal_not-a-feed.ics"),
        everyone(404),
    ),
    ("PATCH", "/api/v1/users/{user_id}"): (
        lambda w, v: Call(
            "PATCH", f"/api/v1/users/{w.target_user.id}", json={"display_name": "Renamed"}
        ),
        # The target is a member of the owner: its admins see the record but may not rename.
        {**signed_in(404), "admin": 403, "hub_admin": 200},
    ),
    ("POST", "/api/v1/organisations"): (
        lambda w, v: Call(
            "POST",
            "/api/v1/organisations",
            json={"name": "N", "slug": "new-org-x", "kind": "ngo", "country": "KE"},
        ),
        {**signed_in(403), "hub_admin": 201},
    ),
    ("GET", "/api/v1/organisations"): (
        lambda w, v: Call("GET", "/api/v1/organisations"),
        signed_in(200),
    ),
    ("GET", "/api/v1/organisations/{org_id}"): (
        lambda w, v: Call("GET", f"/api/v1/organisations/{w.owner.id}"),
        signed_in(200),
    ),
    ("PATCH", "/api/v1/organisations/{org_id}"): (
        lambda w, v: Call(
            "PATCH",
            f"/api/v1/organisations/{w.owner.id}",
            json={"name": "R"},
            headers={"If-Match": '"1"'},
        ),
        org_admins(200),
    ),
    ("GET", "/api/v1/organisations/{org_id}/members"): (
        lambda w, v: Call("GET", f"/api/v1/organisations/{w.owner.id}/members"),
        {**signed_in(200), "other_org": 403, "hub_admin": 403},
    ),
    ("POST", "/api/v1/organisations/{org_id}/members"): (
        lambda w, v: Call(
            "POST",
            f"/api/v1/organisations/{w.owner.id}/members",
            json={"email": "newcomer@example.org", "role": "viewer"},
        ),
        member_admins(202),
    ),
    ("PATCH", "/api/v1/organisations/{org_id}/members/{user_id}"): (
        lambda w, v: Call(
            "PATCH",
            f"/api/v1/organisations/{w.owner.id}/members/{w.target_user.id}",
            json={"role": "viewer"},
        ),
        member_admins(200),
    ),
    ("DELETE", "/api/v1/organisations/{org_id}/members/{user_id}"): (
        lambda w, v: Call(
            "DELETE", f"/api/v1/organisations/{w.owner.id}/members/{w.target_user.id}"
        ),
        member_admins(204),
    ),
    ("GET", "/api/v1/organisations/{org_id}/invitations"): (
        lambda w, v: Call("GET", f"/api/v1/organisations/{w.owner.id}/invitations"),
        member_admins(200),
    ),
    ("DELETE", "/api/v1/organisations/{org_id}/invitations/{invitation_id}"): (
        lambda w, v: Call(
            "DELETE", f"/api/v1/organisations/{w.owner.id}/invitations/{_invitation(w).id}"
        ),
        member_admins(204),
    ),
    ("POST", "/api/v1/organisations/{org_id}/support-grants"): (
        lambda w, v: Call(
            "POST",
            f"/api/v1/organisations/{w.owner.id}/support-grants",
            json={"grantee_email": w.users["hub_admin"].email, "role": "viewer", "reason": "r"},
        ),
        member_admins(201),
    ),
    ("GET", "/api/v1/organisations/{org_id}/support-grants"): (
        lambda w, v: Call("GET", f"/api/v1/organisations/{w.owner.id}/support-grants"),
        member_admins(200),
    ),
    ("DELETE", "/api/v1/organisations/{org_id}/support-grants/{grant_id}"): (
        lambda w, v: Call(
            "DELETE", f"/api/v1/organisations/{w.owner.id}/support-grants/{_grant(w).id}"
        ),
        member_admins(204),
    ),
    ("GET", "/api/v1/audit"): (lambda w, v: Call("GET", "/api/v1/audit"), org_admins(200)),
    **{
        ("GET", f"{REF}{path}"): (
            _bound(lambda w, v, url: Call("GET", f"{REF}{url}"), url=url),
            everyone(200),
        )
        for path, url in [
            ("/instruments", "/instruments"),
            ("/instruments/{instrument_id}", "/instruments/ICCPR"),
            ("/instruments/{instrument_id}/provisions", "/instruments/ICCPR/provisions"),
            ("/rights", "/rights"),
            ("/rights/{right_id}", "/rights/non_refoulement"),
            ("/forums", "/forums"),
            ("/forums/{forum_id}", "/forums/ECTHR"),
            ("/jurisdictions", "/jurisdictions"),
            ("/jurisdictions/{code}", "/jurisdictions/CO"),
            ("/jurisdictions/{code}/obligations", "/jurisdictions/CO/obligations"),
            ("/equivalents", "/equivalents?provision=ECHR:5-1-f"),
            ("/parse-provision", "/parse-provision?text=CAT%20art.%203"),
        ]
    },
    ("POST", f"{REF}/instruments"): (
        lambda w, v: Call(
            "POST",
            f"{REF}/instruments",
            json={
                "id": "NEW-TREATY",
                "short_code": "NT",
                "name": "New Treaty",
                "type": "treaty",
                "system": "UN",
                "binding": True,
            },
        ),
        hub_admins(201),
    ),
    ("PATCH", f"{REF}/instruments/{{instrument_id}}"): (
        lambda w, v: Call(
            "PATCH",
            f"{REF}/instruments/CAT",
            json={"uncertain": True},
            headers={"If-Match": f'"{_version(w, Instrument, "CAT")}"'},
        ),
        hub_admins(200),
    ),
    ("POST", f"{REF}/instruments/{{instrument_id}}/provisions"): (
        lambda w, v: Call("POST", f"{REF}/instruments/CAT/provisions", json={"article": "99"}),
        hub_admins(201),
    ),
    ("POST", f"{REF}/rights"): (
        lambda w, v: Call(
            "POST",
            f"{REF}/rights",
            json={
                "id": "new_right",
                "label_en": "N",
                "label_es": "N",
                "label_fr": "N",
                "description": "D",
                "kind": "principle",
            },
        ),
        hub_admins(201),
    ),
    ("PATCH", f"{REF}/rights/{{right_id}}"): (
        lambda w, v: Call(
            "PATCH",
            f"{REF}/rights/non_refoulement",
            json={"label_fr": "X"},
            headers={"If-Match": f'"{_version(w, RightConcept, "non_refoulement")}"'},
        ),
        hub_admins(200),
    ),
    ("POST", f"{REF}/crosswalk"): (
        lambda w, v: Call(
            "POST",
            f"{REF}/crosswalk",
            json={"right_id": "non_refoulement", "provision": "ECHR:77", "basis": "explicit"},
        ),
        hub_admins(201),
    ),
    ("DELETE", f"{REF}/crosswalk/{{row_id}}"): (
        lambda w, v: Call("DELETE", f"{REF}/crosswalk/{_any_crosswalk_row(w)}"),
        hub_admins(204),
    ),
    ("POST", f"{REF}/forums"): (
        lambda w, v: Call(
            "POST",
            f"{REF}/forums",
            json={
                "id": "PE-TC",
                "name": "Tribunal Constitucional",
                "level": "national_apex",
                "jurisdiction_code": "PE",
                "decision_effect": "binding_domestic_precedent",
            },
        ),
        {**signed_in(201), "viewer": 403, "staff": 403},
    ),
    ("PATCH", f"{REF}/forums/{{forum_id}}"): (
        lambda w, v: Call(
            "PATCH",
            f"{REF}/forums/ECTHR",
            json={"seat": "Strasbourg"},
            headers={"If-Match": f'"{_version(w, Forum, "ECTHR")}"'},
        ),
        hub_admins(200),
    ),
    **CASE_MATRIX,
    **PLEADING_MATRIX,
    ("GET", "/api/v1/subscriptions"): (
        lambda w, v: Call("GET", "/api/v1/subscriptions"),
        signed_in(200),
    ),
    ("POST", "/api/v1/subscriptions"): (
        lambda w, v: Call(
            "POST",
            "/api/v1/subscriptions",
            json={"kind": "open_case_wins", "organisation_id": str(w.owner.id)},
        ),
        {**signed_in(201), "other_org": 403, "hub_admin": 403},
    ),
    ("POST", "/api/v1/subscriptions/unsubscribe"): (
        lambda w, v: Call(
            "POST", "/api/v1/subscriptions/unsubscribe", json={"token": "AAAAAAAAAAAAAAAAAAAAAA.x"}
        ),
        everyone(404),
    ),
    **{
        (method, "/api/v1/subscriptions/{subscription_id}"): (
            _bound(lambda w, v, m, j: Call(m, _admins_subscription(w), json=j), m=method, j=body),
            {**signed_in(404), "admin": ok},
        )
        for method, body, ok in (
            ("GET", None, 200),
            ("PATCH", {"rate": "weekly"}, 200),
            ("DELETE", None, 204),
        )
    },
    ("GET", "/api/v1/notifications"): (
        lambda w, v: Call("GET", "/api/v1/notifications"),
        signed_in(200),
    ),
    ("GET", "/api/v1/notifications/count"): (
        lambda w, v: Call("GET", "/api/v1/notifications/count"),
        signed_in(200),
    ),
    ("POST", "/api/v1/notifications/read-all"): (
        lambda w, v: Call("POST", "/api/v1/notifications/read-all"),
        signed_in(200),
    ),
    ("POST", "/api/v1/notifications/{notification_id}/read"): (
        lambda w, v: Call("POST", _admins_notification(w)),
        {**signed_in(404), "admin": 200},
    ),
    ("GET", "/api/v1/webhooks"): (lambda w, v: Call("GET", "/api/v1/webhooks"), signed_in(200)),
    ("POST", "/api/v1/webhooks"): (
        lambda w, v: Call(
            "POST",
            "/api/v1/webhooks",
            json={"url": "https://hooks.example.org/in", "events": ["knock_on.new_win"]},
        ),
        {**signed_in(403), "admin": 201},
    ),
    **{
        (method, f"/api/v1/webhooks/{{webhook_id}}{tail}"): (
            _bound(
                lambda w, v, m, t, j: Call(
                    m, f"/api/v1/webhooks/{_webhook(w).id}{t}", json=j, headers={"If-Match": '"1"'}
                ),
                m=method,
                t=tail,
                j=body,
            ),
            {**signed_in(404), "admin": ok},
        )
        for method, tail, body, ok in (
            ("GET", "", None, 200),
            ("PATCH", "", {"events": ["case.updated", "deadline.reminder"]}, 200),
            ("DELETE", "", None, 204),
            ("POST", "/rotate-secret", None, 200),
            ("GET", "/deliveries", None, 200),
        )
    },
    ("POST", "/api/v1/webhooks/{webhook_id}/deliveries/{delivery_id}/resend"): (
        lambda w, v: Call("POST", _delivery(w)),
        {**signed_in(404), "admin": 202},
    ),
    ("PUT", f"{REF}/ratifications/{{state}}/{{instrument_id}}"): (
        lambda w, v: Call("PUT", f"{REF}/ratifications/CO/CAT-ART22", json={"status": "party"}),
        hub_admins(200),
    ),
}


def routes(app: FastAPI) -> set[tuple[str, str]]:
    """Every documented operation (included routers are not flattened into app.routes)."""
    return {
        (method.upper(), path)
        for path, operations in app.openapi()["paths"].items()
        for method in operations
    }


def cells() -> list[tuple[str, str, str, Visibility | None]]:
    out = []
    for (method, path), (_, expect) in MATRIX.items():
        visibilities: list[Visibility | None] = (
            list(expect) if isinstance(next(iter(expect)), Visibility) else [None]  # type: ignore[arg-type]
        )
        out += [(method, path, role, vis) for vis in visibilities for role in ROLES]
    return out


def test_every_route_has_an_entry(app: FastAPI) -> None:
    missing = routes(app) - set(MATRIX)
    stale = set(MATRIX) - routes(app)

    assert not missing, f"add these routes to MATRIX: {sorted(missing)}"
    assert not stale, f"MATRIX names routes that no longer exist: {sorted(stale)}"


@pytest.mark.parametrize(("method", "path", "role", "visibility"), cells())
def test_access(
    app: FastAPI,
    client: TestClient,
    session: Session,
    method: str,
    path: str,
    role: str,
    visibility: Visibility | None,
) -> None:
    world = build_world(session)
    scenario, expect = MATRIX[(method, path)]
    expected = expect[visibility][role] if visibility else expect[role]  # type: ignore[index]
    call = scenario(world, visibility)
    headers = dict(call.headers)
    if role != "anonymous":
        headers |= bearer(access_token(app, world.users[role]))

    r = client.request(
        call.method, call.path, json=call.json, data=call.data, files=call.files, headers=headers
    )

    assert r.status_code == expected, f"{role} {method} {path}: {r.status_code} {r.text[:300]}"
