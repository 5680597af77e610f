"""The pages. Each one parses its input, calls the same service as the API, and renders a
template: visibility, roles, versions and audit come from the services, never from here."""

from __future__ import annotations

import difflib
import uuid
from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import JsonValue, ValidationError

from app.alerts import service as alerts_service
from app.alerts.models import Rate, SubscriptionKind
from app.alerts.schemas import (
    NotificationQuery,
    SavedSearch,
    SubscriptionCreate,
    SubscriptionPatch,
)
from app.audit import service as audit_service
from app.audit.schemas import AuditQuery
from app.auth import service as auth_service
from app.auth.dependencies import KeyringDep
from app.auth.schemas import ApiTokenCreate, ApiTokenScope, PasswordChange
from app.cases import policy as case_policy
from app.cases import service as case_service
from app.cases.models import Finding, UpdateKind
from app.cases.schemas import (
    CaseCreate,
    CasePatch,
    CaseQuery,
    CaseSort,
    CitedByQuery,
    ClaimIn,
    FindingChange,
    UpdateCreate,
)
from app.core import i18n
from app.core.time import utcnow
from app.db import SessionDep
from app.errors import DomainError, PreconditionFailed, ValidationFailed
from app.matching import service as matching_service
from app.matching.schemas import Draft, MatchRequest
from app.orgs import service as org_service
from app.orgs.models import Role
from app.orgs.schemas import MemberAdd, MemberPatch
from app.pleadings import service as pleading_service
from app.pleadings.schemas import ForkCreate, PleadingQuery, RenderRequest
from app.reference import service as reference_service
from app.reference.schemas import EquivalentsQuery, ForumQuery
from app.search import service as search_service
from app.search.schemas import SearchQuery, SuggestQuery
from app.web import security
from app.web.pages import FormPageDep, Page, PageDep, signed_in

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)


def N_(message: str) -> str:
    return message


def _safe_next(target: str | None) -> str:
    """Only a path of this site: never another host (`//evil`, `https://...`)."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return "/"


def _htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


# ---------------------------------------------------------------- sign in, home, account


@router.get("/")
def home(page: PageDep, session: SessionDep, next: str | None = None) -> Response:
    if not page.signed_in:
        return page.render("sign_in.html", next=_safe_next(next), error=None)
    assert page.me is not None
    own = [m.organisation_id for m in page.me.memberships]
    mine = []
    if own:
        mine = case_service.list_cases(
            session, page.principal, CaseQuery(owner_org_id=own[0], sort=CaseSort.created_desc)
        ).items
    network = case_service.list_cases(
        session, page.principal, CaseQuery(sort=CaseSort.decided_desc, limit=10)
    ).items
    followed = case_service.followed_updates(session, page.principal, limit=10)
    wins = alerts_service.new_wins(session, page.principal, language=page.language, limit=5)
    return page.render("home.html", mine=mine, network=network, followed=followed, wins=wins)


@router.post("/sign-in")
def sign_in(
    page: FormPageDep,
    session: SessionDep,
    email: Annotated[str, Form(max_length=320)],
    password: Annotated[str, Form(max_length=200)],
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    address = page.request.client.host if page.request.client else "unknown"
    try:
        user = auth_service.verify_login(
            session, page.settings, email=email, password=password, address=address, now=utcnow()
        )
    except auth_service.TooManyAttempts as exc:
        return page.render("sign_in.html", status=429, next=_safe_next(next), error=exc.code)
    except auth_service.InvalidCredentials as exc:
        return page.render("sign_in.html", status=401, next=_safe_next(next), error=exc.code)
    secret = auth_service.open_web_session(session, page.settings, user, now=utcnow())
    response = RedirectResponse(_safe_next(next), status_code=303)
    security.set_cookie(
        response,
        page.settings,
        security.SESSION_COOKIE,
        secret,
        max_age=page.settings.web_session_hours * 3600,
    )
    response.delete_cookie(security.ANONYMOUS_COOKIE, path="/")
    return response


@router.post("/sign-out")
def sign_out(page: FormPageDep, session: SessionDep) -> Response:
    auth_service.close_web_session(session, page.session_secret, now=utcnow())
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(security.SESSION_COOKIE, path="/")
    return response


@router.post("/language")
def choose_language(
    page: FormPageDep,
    language: Annotated[str, Form(max_length=5)],
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    if language not in i18n.LANGUAGES:
        raise ValidationFailed("Choose English, Spanish or French.")
    response = page.redirect(_safe_next(next))
    security.set_cookie(
        response,
        page.settings,
        security.LANGUAGE_COOKIE,
        language,
        max_age=LANGUAGE_COOKIE_DAYS * 86400,
    )
    return response


LANGUAGE_COOKIE_DAYS = 365


@router.get("/account")
def account(page: PageDep, session: SessionDep, message: str | None = None) -> Response:
    principal = signed_in(page)
    tokens = auth_service.list_api_tokens(session, principal)
    return page.render("account.html", tokens=tokens, created=None, message=message)


@router.post("/account/password")
def change_password(
    page: FormPageDep,
    session: SessionDep,
    current_password: Annotated[str, Form(max_length=200)],
    new_password: Annotated[str, Form(max_length=200)],
) -> Response:
    principal = signed_in(page)
    try:
        change = PasswordChange(current_password=current_password, new_password=new_password)
        auth_service.change_password(session, principal, change, now=utcnow())
    except (ValidationError, ValidationFailed):
        tokens = auth_service.list_api_tokens(session, principal)
        return page.render(
            "account.html", status=422, tokens=tokens, created=None, message="password_rejected"
        )
    # A new password ends every session, this one included: sign in again.
    response = RedirectResponse("/?next=/account", status_code=303)
    response.delete_cookie(security.SESSION_COOKIE, path="/")
    return response


@router.post("/account/api-tokens")
def create_api_token(
    page: FormPageDep,
    session: SessionDep,
    name: Annotated[str, Form(min_length=1, max_length=100)],
    read_only: Annotated[bool, Form()] = False,
) -> Response:
    principal = signed_in(page)
    scopes = [ApiTokenScope.read] if read_only else [ApiTokenScope.read, ApiTokenScope.write]
    created = auth_service.create_api_token(
        session, principal, ApiTokenCreate(name=name, scopes=scopes), now=utcnow()
    )
    tokens = auth_service.list_api_tokens(session, principal)
    return page.render("account.html", tokens=tokens, created=created, message=None)


@router.post("/account/api-tokens/{token_id}/revoke")
def revoke_api_token(page: FormPageDep, session: SessionDep, token_id: uuid.UUID) -> Response:
    auth_service.revoke_api_token(session, signed_in(page), token_id, now=utcnow())
    return page.redirect("/account?message=revoked")


# ---------------------------------------------------------------- search


@router.get("/search")
def search(page: PageDep, session: SessionDep, query: Annotated[SearchQuery, Query()]) -> Response:
    results = search_service.search(session, page.principal, query)
    params = query.model_dump(exclude_defaults=True, exclude={"cursor", "facets"}, mode="json")
    return page.render(
        "search.html",
        query=query,
        params=params,
        results=results,
        rights=reference_service.right_labels(session, page.language),
    )


@router.get("/search/suggest")
def suggest(
    page: PageDep, session: SessionDep, q: Annotated[str, Query(max_length=100)] = ""
) -> Response:
    items = []
    if q.strip():
        items = search_service.suggest(session, page.principal, SuggestQuery(q=q.strip()))
    return page.render("_suggestions.html", items=items)


# ---------------------------------------------------------------- cases


@router.get("/cases/new")
def new_case(
    page: PageDep,
    session: SessionDep,
    facts_summary: Annotated[str, Query(max_length=20_000)] = "",
    respondent: Annotated[str, Query(max_length=2)] = "",
    claim_provision: Annotated[list[str] | None, Query(max_length=3)] = None,
) -> Response:
    """The form, prefilled from a matched draft ("File this situation as a case")."""
    signed_in(page)
    form = {
        "facts_summary": facts_summary,
        "respondent": respondent.upper(),
        "claim_provision": claim_provision or [],
    }
    return page.render("case_form.html", **_case_form_context(session, page), errors=[], form=form)


@router.post("/cases/new")
def file_case(
    page: FormPageDep,
    session: SessionDep,
    title: Annotated[str, Form(max_length=500)],
    forum_id: Annotated[str, Form(max_length=40)],
    respondent: Annotated[str, Form(max_length=2)],
    facts_summary: Annotated[str, Form(max_length=20_000)] = "",
    claim_right: Annotated[list[str] | None, Form()] = None,
    claim_provision: Annotated[list[str] | None, Form()] = None,
) -> Response:
    principal = signed_in(page)
    form = {
        "title": title,
        "forum_id": forum_id,
        "respondent": respondent,
        "facts_summary": facts_summary,
        "claim_provision": claim_provision or [],
    }
    try:
        body = CaseCreate(
            title=title,
            forum_id=forum_id,
            respondent_states=[respondent.upper()] if respondent else [],
            facts_summary=facts_summary,
            claims=_claims(claim_right or [], claim_provision or []),
        )
        with session.begin_nested():  # a refused case leaves nothing half-written
            created = case_service.file_case(session, principal, body, now=utcnow())
    except (ValidationError, ValidationFailed) as exc:
        return page.render(
            "case_form.html",
            status=422,
            **_case_form_context(session, page),
            errors=_messages(exc),
            form=form,
        )
    return page.redirect(f"/cases/{created.id}")


def _claims(rights: list[str], provisions: list[str]) -> list[ClaimIn]:
    claims = []
    for right, text in zip(rights, provisions, strict=False):
        if not right.strip():
            continue
        parts = [p.strip() for p in text.split(";") if p.strip()]
        claims.append(ClaimIn(right_id=right.strip(), provisions=parts))
    return claims


def _messages(exc: Exception) -> list[str]:
    if isinstance(exc, ValidationError):
        return [f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()]
    if isinstance(exc, DomainError):
        details = [f"{'.'.join(map(str, e.loc))}: {e.msg}" for e in exc.errors or []]
        return [exc.detail or exc.title, *details]
    return [str(exc)]


def _case_form_context(session: Any, page: Page) -> dict[str, Any]:
    return {
        "rights": reference_service.right_labels(session, page.language),
        "forums": reference_service.list_forums(session, ForumQuery()),
        "states": _state_names(session, page.language),
    }


@router.get("/provisions/reading")
def provision_reading(
    page: PageDep,
    session: SessionDep,
    claim_provision: Annotated[str, Query(max_length=200)] = "",
    claims: Annotated[str, Query(max_length=200)] = "",
) -> Response:
    """What the parser reads in a provision field (a case's claim or a draft's), or its
    suggestions when it reads nothing."""
    readings: list[dict[str, Any]] = []
    suggestions: list[dict[str, str]] = []
    error = None
    text = claim_provision or claims
    for part in [p.strip() for p in text.split(";") if p.strip()]:
        try:
            found = reference_service.equivalents(session, EquivalentsQuery(provision=part))
        except reference_service.UnknownProvision as exc:
            error = exc.errors[0].msg if exc.errors else exc.detail
            suggestions = (exc.extra or {}).get("suggestions", [])
            break
        labels = reference_service.right_labels(session, page.language)
        readings.append(
            {
                "label": f"{found.provision.label} {_short(found.provision.instrument_id)}",
                "rights": [labels.get(r, r) for r in found.rights],
                "known": found.provision.known,
            }
        )
    return page.render(
        "_provision_reading.html", readings=readings, suggestions=suggestions, error=error
    )


def _short(instrument_id: str) -> str:
    return instrument_id.split("-")[0] if instrument_id.startswith("ECHR-") else instrument_id


@router.get("/cases/{case_id}")
def case_page(page: PageDep, session: SessionDep, case_id: uuid.UUID) -> Response:
    case = case_service.get_case(session, page.principal, case_id)
    return page.render("case.html", **_case_context(session, page, case))


def _case_context(session: Any, page: Page, case: Any) -> dict[str, Any]:
    principal = page.principal
    return {
        "case": case,
        "updates": case_service.list_updates(session, principal, case.id),
        "parties": case_service.list_parties(session, principal, case.id),
        "citations": case_service.list_citations(session, principal, case.id),
        "cited_by": case_service.cited_by(session, principal, case.id, CitedByQuery()),
        "actions": case_policy.allowed_actions(principal, case.owner_org_id),
        "update_kinds": [k.value for k in UpdateKind],
        "findings": [f.value for f in Finding],
        "rights": reference_service.right_labels(session, page.language),
        "states": _state_names(session, page.language),
        "pleadings": (
            pleading_service.list_pleadings(session, principal, PleadingQuery()).items
            if principal.authenticated
            else []
        ),
        "revealed": {},
        "following": case_service.is_following(session, principal, case.id),
        "today": date.today().isoformat(),
    }


@router.get("/cases/{case_id}/wins")
def case_wins(page: PageDep, session: SessionDep, case_id: uuid.UUID) -> Response:
    """The "Find wins elsewhere" tab: a fragment for htmx, a whole page otherwise."""
    results = matching_service.find_knock_on_wins(
        session, page.principal, MatchRequest(case_id=case_id, language=page.language)
    )
    if _htmx(page.request):
        return page.render("_match_results.html", results=results)
    case = case_service.get_case(session, page.principal, case_id)
    return page.render("case.html", **_case_context(session, page, case), wins=results)


@router.post("/cases/{case_id}/follow")
def follow(
    page: FormPageDep,
    session: SessionDep,
    case_id: uuid.UUID,
    following: Annotated[bool, Form()],
) -> Response:
    """Follow the case (its updates appear on the home page), or stop following it."""
    principal = signed_in(page)
    if following:
        case_service.follow_case(session, principal, case_id, now=utcnow())
    else:
        case_service.unfollow_case(session, principal, case_id)
    return page.redirect(f"/cases/{case_id}")


@router.post("/cases/{case_id}/updates")
def post_update(
    page: FormPageDep,
    session: SessionDep,
    case_id: uuid.UUID,
    kind: Annotated[UpdateKind, Form()],
    occurred_on: Annotated[date, Form()],
    summary: Annotated[str, Form(min_length=1, max_length=20_000)],
    internal: Annotated[bool, Form()] = False,
    claim_id: Annotated[list[uuid.UUID] | None, Form()] = None,
    finding: Annotated[list[str] | None, Form()] = None,
) -> Response:
    principal = signed_in(page)
    changes = [
        FindingChange(claim_id=c, finding=Finding(f))
        for c, f in zip(claim_id or [], finding or [], strict=False)
        if f
    ]
    body = UpdateCreate(
        kind=kind,
        occurred_on=occurred_on,
        summary=summary,
        internal=internal,
        findings=changes or None,
    )
    case_service.add_update(session, principal, case_id, body, now=utcnow())
    return page.redirect(f"/cases/{case_id}#timeline")


@router.post("/cases/{case_id}/parties/{party_id}/reveal")
def reveal_party(
    page: FormPageDep,
    session: SessionDep,
    keyring: KeyringDep,
    case_id: uuid.UUID,
    party_id: uuid.UUID,
) -> Response:
    """Show a party's protected data, on an explicit request that the audit trail records."""
    principal = signed_in(page)
    data = case_service.get_protected(session, principal, keyring, case_id, party_id, now=utcnow())
    case = case_service.get_case(session, principal, case_id)
    context = _case_context(session, page, case)
    context["revealed"] = {party_id: data}
    return page.render("case.html", **context)


@router.get("/cases/{case_id}/edit")
def edit_case(page: PageDep, session: SessionDep, case_id: uuid.UUID) -> Response:
    signed_in(page)
    case = case_service.get_case(session, page.principal, case_id)
    return page.render("case_edit.html", case=case, conflict=None, errors=[])


EDITABLE = ("title", "facts_summary", "holding", "procedural_posture", "implementation_note")


@router.post("/cases/{case_id}/edit")
def save_case(
    page: FormPageDep,
    session: SessionDep,
    case_id: uuid.UUID,
    version: Annotated[int, Form()],
    title: Annotated[str, Form(max_length=500)],
    facts_summary: Annotated[str, Form(max_length=20_000)] = "",
    holding: Annotated[str, Form(max_length=20_000)] = "",
    procedural_posture: Annotated[str, Form(max_length=2_000)] = "",
    implementation_note: Annotated[str, Form(max_length=5_000)] = "",
) -> Response:
    principal = signed_in(page)
    mine = {
        "title": title,
        "facts_summary": facts_summary,
        "holding": holding,
        "procedural_posture": procedural_posture,
        "implementation_note": implementation_note,
    }
    current = case_service.get_case(session, principal, case_id)
    changed = {k: v for k, v in mine.items() if v != (getattr(current, k) or "")}
    try:
        # An emptied text field clears it; the title cannot be emptied (422).
        patch = CasePatch.model_validate(
            {k: v if k == "title" else v or None for k, v in changed.items()}
        )
        with session.begin_nested():  # a refused edit leaves nothing half-written
            case_service.patch_case(
                session, principal, case_id, patch, expected_version=version, now=utcnow()
            )
    except PreconditionFailed:
        # Someone saved in between: show what they changed beside what this form holds,
        # and overwrite nothing.
        conflict = {
            "by": case_service.last_editor(session, principal, case_id),
            "at": current.updated_at,
            "fields": [
                (k, getattr(current, k) or "", v)
                for k, v in mine.items()
                if v != (getattr(current, k) or "")
            ],
        }
        return page.render("case_edit.html", status=412, case=current, conflict=conflict, errors=[])
    except (ValidationError, ValidationFailed) as exc:
        return page.render(
            "case_edit.html", status=422, case=current, conflict=None, errors=_messages(exc)
        )
    return page.redirect(f"/cases/{case_id}")


# ---------------------------------------------------------------- matching a new situation


@router.get("/match")
def match(
    page: PageDep,
    session: SessionDep,
    facts: Annotated[str, Query(max_length=20_000)] = "",
    state: Annotated[str, Query(max_length=2)] = "",
    claims: Annotated[list[str] | None, Query()] = None,
    text: Annotated[float, Query(ge=0, le=100)] = 0.35,
    authority: Annotated[float, Query(ge=0, le=100)] = 0.4,
    reception: Annotated[float, Query(ge=0, le=100)] = 0.2,
    legal_basis: Annotated[float, Query(ge=0, le=100)] = 0.1,
) -> Response:
    """The draft form; with a State and facts or claims, the ranked wins below it."""
    wanted = [c for c in (claims or []) if c.strip()]
    results = None
    form = {
        "facts": facts,
        "state": state.upper(),
        "claims": wanted,
        "weights": {
            "text": text,
            "authority": authority,
            "reception": reception,
            "legal_basis": legal_basis,
        },
    }
    if state and (facts.strip() or wanted):
        request = MatchRequest.model_validate(
            {
                "draft": Draft(facts=facts, target_jurisdiction=state.upper(), claims=wanted),
                "weights": form["weights"],
                "language": page.language,
            }
        )
        results = matching_service.find_knock_on_wins(session, page.principal, request)
    return page.render(
        "match.html",
        form=form,
        results=results,
        states=_state_names(session, page.language),
        # "File this situation as a case": the new-case form, prefilled from the draft.
        file_as_case=urlencode(
            [("facts_summary", facts), ("respondent", state.upper())]
            + [("claim_provision", c) for c in wanted[:3]]
        ),
    )


# ---------------------------------------------------------------- model pleadings


@router.get("/pleadings")
def pleadings(
    page: PageDep, session: SessionDep, query: Annotated[PleadingQuery, Query()]
) -> Response:
    found = pleading_service.list_pleadings(session, page.principal, query)
    return page.render("pleadings.html", found=found, query=query)


@router.get("/pleadings/{pleading_id}")
def pleading_page(
    page: PageDep,
    session: SessionDep,
    pleading_id: uuid.UUID,
    v: Annotated[int | None, Query(ge=1)] = None,
    compare: Annotated[int | None, Query(ge=1)] = None,
    case: Annotated[uuid.UUID | None, Query()] = None,
) -> Response:
    principal = page.principal
    pleading = pleading_service.get_pleading(session, principal, pleading_id)
    versions = pleading_service.list_versions(session, principal, pleading_id)
    shown = None
    if v is not None or versions:
        number = v if v is not None else versions[-1].number
        shown = pleading_service.get_version(session, principal, pleading_id, number)
    diff = None
    if shown is not None and compare is not None:
        older = pleading_service.get_version(session, principal, pleading_id, compare)
        diff = list(
            difflib.unified_diff(
                older.body.splitlines(),
                shown.body.splitlines(),
                f"v{older.number}",
                f"v{shown.number}",
                lineterm="",
            )
        )
    my_cases = []
    if page.signed_in and page.me and page.me.memberships:
        my_cases = case_service.list_cases(
            session,
            principal,
            CaseQuery(owner_org_id=page.me.memberships[0].organisation_id, limit=50),
        ).items
    return page.render(
        "pleading.html",
        pleading=pleading,
        versions=versions,
        shown=shown,
        published=(
            pleading_service.get_version(session, principal, pleading_id, pleading.latest_version)
            if pleading.latest_version
            else None
        ),
        case_id=str(case) if case else "",
        diff=diff,
        my_cases=my_cases,
        may_fork=page.signed_in
        and any(m.role.at_least(Role.litigator) for m in (page.me.memberships if page.me else [])),
    )


@router.post("/pleadings/{pleading_id}/versions/{number}/publish")
def publish(
    page: FormPageDep,
    session: SessionDep,
    pleading_id: uuid.UUID,
    number: int,
    revision: Annotated[int, Form()],
) -> Response:
    pleading_service.publish_version(
        session, signed_in(page), pleading_id, number, expected_revision=revision, now=utcnow()
    )
    return page.redirect(f"/pleadings/{pleading_id}?v={number}")


@router.post("/pleadings/{pleading_id}/fork")
def fork(
    page: FormPageDep,
    session: SessionDep,
    pleading_id: uuid.UUID,
    title: Annotated[str, Form(max_length=300)] = "",
) -> Response:
    forked = pleading_service.fork_pleading(
        session, signed_in(page), pleading_id, ForkCreate(title=title or None), now=utcnow()
    )
    return page.redirect(f"/pleadings/{forked.id}")


@router.post("/pleadings/{pleading_id}/render")
async def render(
    page: FormPageDep,
    session: SessionDep,
    keyring: KeyringDep,
    pleading_id: uuid.UUID,
    case_id: Annotated[uuid.UUID, Form()],
) -> Response:
    """Fill the published version from a case, with the variables of the form, and download
    it as DOCX."""
    principal = signed_in(page)
    form = await page.request.form()
    rendered = await run_in_threadpool(
        _render, session, principal, keyring, pleading_id, case_id, form
    )
    return Response(
        rendered.content,
        media_type=rendered.media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{rendered.filename}"',
            **security.PAGE_HEADERS,
        },
    )


def _render(
    session: Any,
    principal: Any,
    keyring: Any,
    pleading_id: uuid.UUID,
    case_id: uuid.UUID,
    form: Any,
) -> Any:
    pleading = pleading_service.get_pleading(session, principal, pleading_id)
    declared = {}
    if pleading.latest_version:
        version = pleading_service.get_version(
            session, principal, pleading_id, pleading.latest_version
        )
        declared = {v.name: v.type for v in version.variables}
    variables: dict[str, JsonValue] = {}
    for name, kind in declared.items():
        text = str(form.get(f"var_{name}", "")).strip()
        if text or kind == "boolean":  # an unticked box is a no, not a missing answer
            variables[name] = _form_value(kind, text)
    body = RenderRequest(case_id=case_id, variables=variables)
    return pleading_service.render_pleading(
        session, principal, keyring, pleading_id, body, today=date.today(), now=utcnow()
    )


def _form_value(kind: str, text: str) -> JsonValue:
    """A form field as its variable's type reads it; the service rejects what does not fit."""
    if kind == "boolean":
        return text == "true"
    if kind == "list":
        return [line.strip() for line in text.splitlines() if line.strip()]
    if kind == "number":
        try:
            return int(text) if text.lstrip("-").isdigit() else float(text)
        except ValueError:
            return text
    return text


# ---------------------------------------------------------------- reference


@router.get("/reference/rights")
def rights(page: PageDep, session: SessionDep) -> Response:
    return page.render("rights.html", rights=reference_service.list_rights(session))


@router.get("/reference/rights/{right_id}")
def right_page(page: PageDep, session: SessionDep, right_id: str) -> Response:
    right = reference_service.get_right(session, right_id)
    return page.render(
        "right.html", right=right, rights=reference_service.right_labels(session, page.language)
    )


@router.get("/reference/states/{code}")
def state_page(page: PageDep, session: SessionDep, code: str) -> Response:
    found = reference_service.obligations(session, code.upper())
    return page.render("state.html", found=found)


# ---------------------------------------------------------------- organisation admin


@router.get("/admin")
def admin(
    page: PageDep, session: SessionDep, org: Annotated[uuid.UUID | None, Query()] = None
) -> Response:
    principal = signed_in(page)
    assert page.me is not None
    administered = [m for m in page.me.memberships if principal.is_member_admin(m.organisation_id)]
    if not administered:
        return page.render("admin.html", administered=[], chosen=None)
    chosen = next((m for m in administered if m.organisation_id == org), administered[0])
    org_id = chosen.organisation_id
    return page.render(
        "admin.html",
        administered=administered,
        chosen=chosen,
        members=org_service.list_members(session, principal, org_id),
        invitations=org_service.list_invitations(session, principal, org_id, now=utcnow()),
        trail=audit_service.read_trail(
            session, principal, AuditQuery(organisation_id=org_id, limit=50)
        ).items,
        roles=[r.value for r in Role],
    )


@router.post("/admin/{org_id}/members/{user_id}/role")
def change_role(
    page: FormPageDep,
    session: SessionDep,
    org_id: uuid.UUID,
    user_id: uuid.UUID,
    role: Annotated[Role, Form()],
) -> Response:
    """A member's new role; it ends their sessions, so that it applies at once."""
    org_service.change_role(
        session, signed_in(page), org_id, user_id, MemberPatch(role=role), now=utcnow()
    )
    return page.redirect(f"/admin?org={org_id}")


@router.post("/admin/{org_id}/invitations")
def invite(
    page: FormPageDep,
    session: SessionDep,
    org_id: uuid.UUID,
    email: Annotated[str, Form(max_length=320)],
    role: Annotated[Role, Form()],
) -> Response:
    body = MemberAdd(email=email, role=role)
    org_service.invite_member(session, signed_in(page), org_id, body, now=utcnow())
    return page.redirect(f"/admin?org={org_id}")


# ---------------------------------------------------------------- labels


def _state_names(session: Any, language: str) -> dict[str, str]:
    """States (not regional systems) by ISO code, named in the reader's language."""
    names = reference_service.state_names(session, language)
    return {code: name for code, name in names.items() if len(code) == 2}


# ---------------------------------------------------------------- alerts


@router.get("/notifications")
def notifications(page: PageDep, session: SessionDep, cursor: str | None = None) -> Response:
    principal = signed_in(page)
    notes = alerts_service.list_notifications(
        session, principal, NotificationQuery(cursor=cursor), language=page.language
    )
    return page.render("notifications.html", notes=notes)


@router.post("/notifications/read-all")
def read_all(page: FormPageDep, session: SessionDep) -> Response:
    alerts_service.mark_all_read(session, signed_in(page), now=utcnow())
    return page.redirect("/notifications")


@router.post("/notifications/{notification_id}/read")
def read_one(page: FormPageDep, session: SessionDep, notification_id: uuid.UUID) -> Response:
    principal = signed_in(page)
    alerts_service.mark_read(
        session, principal, notification_id, language=page.language, now=utcnow()
    )
    return page.redirect("/notifications")


RATES = (
    (Rate.immediate, N_("At once")),
    (Rate.daily, N_("Daily digest")),
    (Rate.weekly, N_("Weekly digest")),
)


@router.get("/subscriptions")
def subscriptions(page: PageDep, session: SessionDep) -> Response:
    principal = signed_in(page)
    assert page.me is not None
    subs = alerts_service.list_subscriptions(session, principal)
    titles = {
        str(i): t
        for i, t in case_service.case_titles(session, principal, [s.case_id for s in subs]).items()
    }
    gettext = i18n.translations(page.language).gettext
    return page.render(
        "subscriptions.html",
        subscriptions=subs,
        titles=titles,
        orgs={str(m.organisation_id): m.organisation_name for m in page.me.memberships},
        rights=reference_service.right_labels(session, page.language),
        regions=alerts_service.regions(session),
        rates=[(r.value, gettext(label)) for r, label in RATES],
    )


@router.post("/subscriptions/right")
def subscribe_right(
    page: FormPageDep,
    session: SessionDep,
    right_id: Annotated[str, Form(max_length=60)],
    region: Annotated[str, Form(max_length=16)] = "",
) -> Response:
    body = SubscriptionCreate(
        kind=SubscriptionKind.right_region,
        right_id=right_id,
        region=region or None,
        language=page.language,
    )
    alerts_service.create_subscription(session, signed_in(page), body, now=utcnow())
    return page.redirect("/subscriptions")


@router.post("/subscriptions/search")
def save_search(
    page: FormPageDep, session: SessionDep, query: Annotated[SavedSearch, Query()]
) -> Response:
    """Save the search in the page's address; its later hits are told."""
    body = SubscriptionCreate(kind=SubscriptionKind.search, search=query, language=page.language)
    alerts_service.create_subscription(session, signed_in(page), body, now=utcnow())
    return page.redirect("/subscriptions")


@router.post("/subscriptions/{subscription_id}")
def change_subscription(
    page: FormPageDep,
    session: SessionDep,
    subscription_id: uuid.UUID,
    rate: Annotated[Rate, Form()],
    enabled: Annotated[bool, Form()] = False,
) -> Response:
    patch = SubscriptionPatch(rate=rate, enabled=enabled)
    alerts_service.patch_subscription(session, signed_in(page), subscription_id, patch)
    return page.redirect("/subscriptions")


@router.post("/subscriptions/{subscription_id}/delete")
def stop_subscription(
    page: FormPageDep, session: SessionDep, subscription_id: uuid.UUID
) -> Response:
    alerts_service.delete_subscription(session, signed_in(page), subscription_id)
    return page.redirect("/subscriptions")


@router.get("/unsubscribe")
def unsubscribe_page(page: PageDep, token: Annotated[str, Query(max_length=200)]) -> Response:
    """The page a mail's link opens: one button, so that a mail scanner following links
    switches nothing off."""
    return page.render("unsubscribe.html", token=token, done=False)


@router.post("/unsubscribe")
def unsubscribe(
    page: PageDep,
    session: SessionDep,
    keyring: KeyringDep,
    token: Annotated[str, Query(max_length=200)],
) -> Response:
    """The button, and RFC 8058 one-click unsubscribe from the mail client: the signed token
    is the credential, so no sign-in and no CSRF token."""
    alerts_service.unsubscribe(session, token, keyring=keyring)
    return page.render("unsubscribe.html", token=token, done=True)
