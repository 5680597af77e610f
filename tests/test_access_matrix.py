"""Every endpoint x every role x every visibility, against one table of expected statuses.

A route missing from MATRIX fails `test_every_route_has_an_entry`, so the table grows with
the API. Cells for tenant-owned objects vary by visibility; others give one row for all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.models import ApiToken, UserAccount
from app.core.time import utcnow
from app.orgs.models import Organisation, Role, Visibility
from app.reference.models import CrosswalkRow, Forum, Instrument, RightConcept
from tests.factories import access_token, bearer, make_org, make_user

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
    headers: dict[str, str] = field(default_factory=dict)


Scenario = Callable[[World, Visibility | None], Call]
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
    ("PATCH", "/api/v1/users/{user_id}"): (
        lambda w, v: Call(
            "PATCH", f"/api/v1/users/{w.target_user.id}", json={"display_name": "Renamed"}
        ),
        {**signed_in(403), "hub_admin": 200},
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
        {**signed_in(200), "other_org": 403},
    ),
    ("POST", "/api/v1/organisations/{org_id}/members"): (
        lambda w, v: Call(
            "POST",
            f"/api/v1/organisations/{w.owner.id}/members",
            json={"email": "newcomer@example.org", "role": "viewer"},
        ),
        org_admins(201),
    ),
    ("PATCH", "/api/v1/organisations/{org_id}/members/{user_id}"): (
        lambda w, v: Call(
            "PATCH",
            f"/api/v1/organisations/{w.owner.id}/members/{w.target_user.id}",
            json={"role": "viewer"},
        ),
        org_admins(200),
    ),
    ("DELETE", "/api/v1/organisations/{org_id}/members/{user_id}"): (
        lambda w, v: Call(
            "DELETE", f"/api/v1/organisations/{w.owner.id}/members/{w.target_user.id}"
        ),
        org_admins(204),
    ),
    ("GET", "/api/v1/audit"): (lambda w, v: Call("GET", "/api/v1/audit"), org_admins(200)),
    **{
        ("GET", f"{REF}{path}"): (lambda w, v, url=url: Call("GET", f"{REF}{url}"), everyone(200))
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

    r = client.request(call.method, call.path, json=call.json, data=call.data, headers=headers)

    assert r.status_code == expected, f"{role} {method} {path}: {r.status_code} {r.text[:300]}"
