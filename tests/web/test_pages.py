"""The web pages through real HTTP: session cookies, CSRF, CSP, languages, visibility, and
the forms that write through the services."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit.models import AuditEvent
from app.auth.models import UserAccount, WebSession
from app.cases.models import CaseUpdate, LegalCase, UpdateKind
from app.core import i18n
from app.orgs.models import Membership, Organisation, Role, Visibility
from app.web import security
from tests.factories import make_case, make_org, make_pleading, make_user

PASSWORD = "correct horse battery staple"
TOKEN = re.compile(r'name="csrf_token" value="([0-9a-f]{64})"')


def csrf(client: TestClient, path: str = "/") -> str:
    found = TOKEN.search(client.get(path).text)
    assert found, f"no CSRF token on {path}"
    return found.group(1)


def sign_in(client: TestClient, user: UserAccount, password: str = PASSWORD) -> None:
    r = client.post(
        "/sign-in",
        data={"email": user.email, "password": password, "csrf_token": csrf(client)},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    assert client.cookies.get(security.SESSION_COOKIE)


@pytest.fixture
def org(session: Session) -> Organisation:
    return make_org(session, country="ES")


@pytest.fixture
def litigator(session: Session, org: Organisation) -> UserAccount:
    return make_user(session, member_of=org, role=Role.litigator, password=PASSWORD)


@pytest.fixture
def staff(session: Session, org: Organisation) -> UserAccount:
    return make_user(session, member_of=org, role=Role.staff, password=PASSWORD)


class TestSignIn:
    def test_signed_out_home_is_the_sign_in_form(self, client: TestClient) -> None:
        r = client.get("/")
        assert r.status_code == 200
        assert 'action="/sign-in"' in r.text
        assert r.headers["content-type"].startswith("text/html")

    def test_session_cookie_is_httponly_and_lax(
        self, client: TestClient, litigator: UserAccount
    ) -> None:
        r = client.post(
            "/sign-in",
            data={"email": litigator.email, "password": PASSWORD, "csrf_token": csrf(client)},
            follow_redirects=False,
        )
        cookie = next(
            c for c in r.headers.get_list("set-cookie") if c.startswith(security.SESSION_COOKIE)
        )
        assert "HttpOnly" in cookie
        assert "SameSite=lax" in cookie
        assert "Secure" not in cookie  # development; production sets it (security.set_cookie)
        home = client.get("/")
        assert litigator.display_name in home.text

    def test_wrong_password_is_refused_and_counted(
        self, client: TestClient, session: Session, litigator: UserAccount
    ) -> None:
        r = client.post(
            "/sign-in",
            data={
                "email": litigator.email,
                "password": "wrong password!",
                "csrf_token": csrf(client),
            },
        )
        assert r.status_code == 401
        assert "The email or password is wrong." in r.text
        assert security.SESSION_COOKIE not in client.cookies

    def test_the_throttle_is_shared_with_the_api(
        self, client: TestClient, litigator: UserAccount
    ) -> None:
        for _ in range(6):
            client.post(
                "/api/v1/auth/token", data={"username": litigator.email, "password": "nope nope"}
            )
        r = client.post(
            "/sign-in",
            data={"email": litigator.email, "password": PASSWORD, "csrf_token": csrf(client)},
        )
        assert r.status_code == 429
        assert security.SESSION_COOKIE not in client.cookies

    def test_next_never_leaves_the_site(self, client: TestClient, litigator: UserAccount) -> None:
        r = client.post(
            "/sign-in",
            data={
                "email": litigator.email,
                "password": PASSWORD,
                "csrf_token": csrf(client),
                "next": "//evil.example/",
            },
            follow_redirects=False,
        )
        assert r.headers["location"] == "/"

    def test_sign_out_ends_the_session(
        self, client: TestClient, session: Session, litigator: UserAccount
    ) -> None:
        sign_in(client, litigator)
        secret = client.cookies.get(security.SESSION_COOKIE)
        client.post("/sign-out", data={"csrf_token": csrf(client)})
        client.cookies.set(security.SESSION_COOKIE, secret or "")
        assert 'action="/sign-in"' in client.get("/").text
        ended = session.scalars(select(WebSession).where(WebSession.user_id == litigator.id))
        assert all(s.revoked_at is not None for s in ended)

    def test_logging_out_everywhere_ends_browser_sessions(
        self, client: TestClient, litigator: UserAccount, as_user: Any
    ) -> None:
        sign_in(client, litigator)
        r = client.post(
            "/api/v1/auth/logout", json={"everywhere": True}, headers=as_user(litigator)
        )
        assert r.status_code == 204
        assert 'action="/sign-in"' in client.get("/").text

    def test_a_forged_session_cookie_reads_as_signed_out(self, client: TestClient) -> None:
        client.cookies.set(security.SESSION_COOKIE, "forged")
        assert 'action="/sign-in"' in client.get("/").text


class TestCsrf:
    def test_a_form_without_token_is_refused(
        self, client: TestClient, litigator: UserAccount
    ) -> None:
        sign_in(client, litigator)
        r = client.post("/account/api-tokens", data={"name": "x"})
        assert r.status_code == 403
        assert "The form has expired" in r.text

    def test_a_token_of_another_session_is_refused(
        self,
        client: TestClient,
        app: FastAPI,
        litigator: UserAccount,
        session: Session,
        org: Organisation,
    ) -> None:
        other = make_user(session, member_of=org, role=Role.litigator, password=PASSWORD)
        with TestClient(app) as second:
            sign_in(second, other)
            foreign = csrf(second, "/account")
        sign_in(client, litigator)
        r = client.post("/account/api-tokens", data={"name": "x", "csrf_token": foreign})
        assert r.status_code == 403

    def test_sign_in_needs_the_token_of_its_own_cookie(
        self, client: TestClient, litigator: UserAccount
    ) -> None:
        r = client.post(
            "/sign-in",
            data={"email": litigator.email, "password": PASSWORD, "csrf_token": "0" * 64},
        )
        assert r.status_code == 403
        assert security.SESSION_COOKIE not in client.cookies

    def test_htmx_requests_may_send_the_token_as_a_header(
        self, client: TestClient, litigator: UserAccount
    ) -> None:
        sign_in(client, litigator)
        token = csrf(client, "/account")
        r = client.post(
            "/account/api-tokens", data={"name": "cli"}, headers={security.CSRF_HEADER: token}
        )
        assert r.status_code == 200
        assert "comity_" in r.text


class TestHeaders:
    @pytest.mark.parametrize("path", ["/", "/search", "/match", "/reference/rights"])
    def test_pages_forbid_inline_script_and_framing(self, client: TestClient, path: str) -> None:
        r = client.get(path)
        policy = r.headers["content-security-policy"]
        assert "script-src 'self'" in policy
        assert "unsafe-inline" not in policy
        assert "frame-ancestors 'none'" in policy
        assert r.headers["x-content-type-options"] == "nosniff"

    @pytest.mark.parametrize("path", ["/", "/search", "/match", "/pleadings"])
    def test_pages_hold_no_inline_script_or_style(self, client: TestClient, path: str) -> None:
        html = client.get(path).text
        assert "<script>" not in html and "<style" not in html
        assert not re.search(r"\son[a-z]+=", html), "inline event handler"
        assert not re.search(r'\sstyle="', html)
        for src in re.findall(r'(?:src|href)="([^"]+)"', html):
            assert not src.startswith(("http:", "https:", "//")), src

    def test_api_errors_stay_problem_json(self, client: TestClient) -> None:
        r = client.get("/api/v1/cases/not-a-uuid", headers={"Accept": "text/html"})
        assert r.headers["content-type"].startswith("application/problem+json")

    def test_static_assets_are_served_locally(self, client: TestClient) -> None:
        assert client.get("/static/vendor/htmx-2.0.11.min.js").status_code == 200
        assert client.get("/static/comity.css").status_code == 200


class TestVisibility:
    def test_another_organisations_private_case_is_a_404_page(
        self, client: TestClient, session: Session, litigator: UserAccount
    ) -> None:
        theirs = make_case(session, org=make_org(session), visibility=Visibility.private)
        sign_in(client, litigator)
        r = client.get(f"/cases/{theirs.id}")
        assert r.status_code == 404
        assert r.headers["content-type"].startswith("text/html")
        assert theirs.title not in r.text

    def test_own_private_case_shows(
        self, client: TestClient, session: Session, litigator: UserAccount, org: Organisation
    ) -> None:
        mine = make_case(session, org=org, visibility=Visibility.private)
        sign_in(client, litigator)
        r = client.get(f"/cases/{mine.id}")
        assert r.status_code == 200
        assert mine.title in r.text

    def test_pages_that_need_a_session_send_to_sign_in(self, client: TestClient) -> None:
        r = client.get("/account", follow_redirects=False)
        assert r.status_code == 303
        assert r.headers["location"] == "/?next=/account"


class TestLanguages:
    def test_accept_language_picks_spanish(self, client: TestClient) -> None:
        r = client.get("/", headers={"Accept-Language": "es-CO,es;q=0.9,en;q=0.5"})
        assert 'lang="es"' in r.text
        assert "Iniciar sesión" in r.text

    def test_the_readers_choice_beats_accept_language(self, client: TestClient) -> None:
        r = client.post(
            "/language", data={"language": "fr", "csrf_token": csrf(client), "next": "/search"}
        )
        assert r.status_code == 200
        r = client.get("/", headers={"Accept-Language": "es"})
        assert "Se connecter" in r.text

    def test_dates_follow_the_locale(self) -> None:
        assert i18n.date_text(date(2012, 2, 23), "es") == "23 feb 2012"
        assert i18n.date_text(date(2012, 2, 23), "fr") == "23 févr. 2012"
        assert i18n.date_text(date(2012, 2, 23), "en") == "Feb 23, 2012"

    @pytest.mark.parametrize("language", ["es", "fr"])
    def test_every_message_is_translated(self, language: str) -> None:
        from babel.messages.pofile import read_po

        with (i18n.LOCALE_DIR / "messages.pot").open("rb") as f:
            template = {m.id for m in read_po(f) if m.id}
        po = i18n.LOCALE_DIR / language / "LC_MESSAGES" / "messages.po"
        with po.open("rb") as f:
            catalog = read_po(f)
        missing = [
            m
            for m in template
            if not (catalog.get(m) and catalog.get(m).string)  # type: ignore[union-attr]
        ]
        assert not missing

    def test_negotiation_skips_unknown_and_unwanted_languages(self) -> None:
        assert i18n.negotiate(None, "de-DE, fr;q=0.8, es;q=0.9") == "es"
        assert i18n.negotiate(None, "es;q=0, fr;q=0.1") == "fr"
        assert i18n.negotiate("xx", "zz-top, !!") == "en"


class TestCaseForms:
    def test_staff_post_a_hearing_and_are_told_findings_need_a_litigator(
        self, client: TestClient, session: Session, staff: UserAccount, org: Organisation
    ) -> None:
        case = make_case(session, org=org)
        sign_in(client, staff)
        page = client.get(f"/cases/{case.id}")
        assert 'id="findings-need-litigator"' in page.text
        r = client.post(
            f"/cases/{case.id}/updates",
            data={
                "csrf_token": csrf(client),
                "kind": "hearing",
                "occurred_on": "2026-11-30",
                "summary": "Oral hearing on the merits.",
            },
        )
        assert r.status_code == 200
        assert "Oral hearing on the merits." in r.text
        assert session.scalar(select(CaseUpdate.kind).where(CaseUpdate.case_id == case.id)) == (
            UpdateKind.hearing
        )

    def test_staff_cannot_record_findings_even_by_a_forged_form(
        self, client: TestClient, session: Session, staff: UserAccount, org: Organisation
    ) -> None:
        case = make_case(session, org=org)
        claim_id = _first_claim(session, case)
        sign_in(client, staff)
        r = client.post(
            f"/cases/{case.id}/updates",
            data={
                "csrf_token": csrf(client),
                "kind": "decision",
                "occurred_on": "2026-11-30",
                "summary": "Judgment.",
                "claim_id": str(claim_id),
                "finding": "no_violation",
            },
        )
        assert r.status_code == 403
        assert session.scalar(select(CaseUpdate).where(CaseUpdate.case_id == case.id)) is None

    def test_a_stale_edit_shows_who_changed_what_and_overwrites_nothing(
        self, client: TestClient, session: Session, litigator: UserAccount, org: Organisation
    ) -> None:
        case = make_case(session, org=org, facts_summary="Original facts.")
        sign_in(client, litigator)
        form = client.get(f"/cases/{case.id}/edit").text
        version = re.search(r'name="version" value="(\d+)"', form)
        assert version
        token = csrf(client, f"/cases/{case.id}/edit")
        first = client.post(
            f"/cases/{case.id}/edit",
            data={
                "csrf_token": token,
                "version": version.group(1),
                "title": case.title,
                "facts_summary": "Facts as the colleague wrote them.",
            },
        )
        assert first.status_code == 200
        stale = client.post(
            f"/cases/{case.id}/edit",
            data={
                "csrf_token": token,
                "version": version.group(1),
                "title": case.title,
                "facts_summary": "My own facts.",
            },
        )
        assert stale.status_code == 412
        assert 'id="edit-conflict"' in stale.text
        assert litigator.display_name in stale.text
        assert "Facts as the colleague wrote them." in stale.text and "My own facts." in stale.text
        session.refresh(case)
        assert case.facts_summary == "Facts as the colleague wrote them."

    def test_filing_a_case_reads_the_provisions(
        self, client: TestClient, session: Session, litigator: UserAccount
    ) -> None:
        sign_in(client, litigator)
        r = client.post(
            "/cases/new",
            data={
                "csrf_token": csrf(client, "/cases/new"),
                "title": "B.C. v. Spain",
                "forum_id": "ECTHR",
                "respondent": "ES",
                "claim_right": ["liberty_arbitrary_detention", ""],
                "claim_provision": ["art. 5(1)(f) ECHR", ""],
            },
        )
        assert r.status_code == 200
        assert "B.C. v. Spain" in r.text and "Art. 5(1)(f) ECHR" in r.text

    def test_an_unknown_provision_is_explained_and_nothing_is_filed(
        self, client: TestClient, session: Session, litigator: UserAccount
    ) -> None:
        sign_in(client, litigator)
        r = client.post(
            "/cases/new",
            data={
                "csrf_token": csrf(client, "/cases/new"),
                "title": "Never filed v. Spain",
                "forum_id": "ECTHR",
                "respondent": "ES",
                "claim_right": ["liberty_arbitrary_detention"],
                "claim_provision": ["art. 99 of nothing"],
            },
        )
        assert r.status_code == 422
        assert "The case was not filed" in r.text
        assert 'value="art. 99 of nothing"' in r.text  # what was typed is kept
        assert (
            session.scalar(select(LegalCase).where(LegalCase.title == "Never filed v. Spain"))
            is None
        )

    def test_the_provision_reading_names_the_right(self, client: TestClient) -> None:
        r = client.get("/provisions/reading", params={"claim_provision": "artículo 7 CADH"})
        assert "Art. 7 ACHR" in r.text
        assert "Liberty and freedom from arbitrary immigration detention" in r.text
        wrong = client.get("/provisions/reading", params={"claim_provision": "art 9 CADHX"})
        assert "Not recognised" in wrong.text

    def test_revealing_protected_data_is_audited(
        self,
        client: TestClient,
        session: Session,
        litigator: UserAccount,
        org: Organisation,
        as_user: Any,
    ) -> None:
        case = make_case(session, org=org)
        headers = as_user(litigator)
        party = client.post(
            f"/api/v1/cases/{case.id}/parties",
            json={"role": "applicant", "pseudonym": "A."},
            headers=headers,
        ).json()
        client.put(
            f"/api/v1/cases/{case.id}/parties/{party['id']}/protected",
            json={"legal_names": ["Amadou Diallo"]},
            headers=headers,
        )
        sign_in(client, litigator)
        page = client.get(f"/cases/{case.id}")
        assert "Amadou Diallo" not in page.text
        r = client.post(
            f"/cases/{case.id}/parties/{party['id']}/reveal", data={"csrf_token": csrf(client)}
        )
        assert "Amadou Diallo" in r.text
        assert (
            session.scalar(select(AuditEvent).where(AuditEvent.action == "party.protected_read"))
            is not None
        )


def _first_claim(session: Session, case: LegalCase):  # type: ignore[no-untyped-def]
    from app.cases.models import RightsClaim

    return session.scalar(select(RightsClaim.id).where(RightsClaim.case_id == case.id))


class TestPleadings:
    def test_a_member_forks_a_published_hub_pleading(
        self, client: TestClient, session: Session, litigator: UserAccount
    ) -> None:
        hub = make_org(session)
        pleading = make_pleading(session, org=hub, visibility=Visibility.network)
        sign_in(client, litigator)
        page = client.get(f"/pleadings/{pleading.id}")
        assert page.status_code == 200
        r = client.post(
            f"/pleadings/{pleading.id}/fork",
            data={"csrf_token": csrf(client, f"/pleadings/{pleading.id}"), "title": "For Spain"},
        )
        assert r.status_code == 200
        assert "For Spain" in r.text and 'id="upstream"' in r.text


class TestPageAccess:
    """The pages apply the services' rules: what each role of the owning organisation, and
    an outsider, gets from a private case's pages and forms."""

    @pytest.mark.parametrize(
        ("role", "view", "post_update", "edit", "reveal"),
        [
            (None, 404, 404, 404, 404),
            (Role.viewer, 200, 403, 403, 403),
            (Role.staff, 200, 200, 403, 403),
            (Role.litigator, 200, 200, 200, 200),
            (Role.admin, 200, 200, 200, 200),
        ],
    )
    def test_private_case_pages_by_role(
        self,
        client: TestClient,
        session: Session,
        org: Organisation,
        litigator: UserAccount,
        as_user: Any,
        role: Role | None,
        view: int,
        post_update: int,
        edit: int,
        reveal: int,
    ) -> None:
        case = make_case(session, org=org, visibility=Visibility.private)
        party = client.post(
            f"/api/v1/cases/{case.id}/parties",
            json={"role": "applicant", "pseudonym": "A.", "protected": {"legal_names": ["X Y"]}},
            headers=as_user(litigator),
        ).json()
        reader = make_user(
            session,
            member_of=org if role else make_org(session),
            role=role or Role.admin,
            password=PASSWORD,
        )
        sign_in(client, reader)
        assert client.get(f"/cases/{case.id}").status_code == view
        token = csrf(client, "/account")
        update = client.post(
            f"/cases/{case.id}/updates",
            data={"csrf_token": token, "kind": "note", "occurred_on": "2026-12-01", "summary": "x"},
        )
        assert update.status_code == post_update
        edited = client.post(
            f"/cases/{case.id}/edit",
            data={"csrf_token": token, "version": "999", "title": "Changed"},
        )
        # A litigator's stale version is a 412 page; others never reach the version check.
        assert edited.status_code == (412 if edit == 200 else edit)
        revealed = client.post(
            f"/cases/{case.id}/parties/{party['id']}/reveal", data={"csrf_token": token}
        )
        assert revealed.status_code == reveal
        assert ("X Y" in revealed.text) is (reveal == 200)


class TestAdmin:
    def test_an_admin_changes_a_role_and_it_is_in_the_trail(
        self, client: TestClient, session: Session, org: Organisation, staff: UserAccount
    ) -> None:
        admin = make_user(session, member_of=org, role=Role.admin, password=PASSWORD)
        sign_in(client, admin)
        page = client.get("/admin")
        assert staff.email in page.text
        r = client.post(
            f"/admin/{org.id}/members/{staff.id}/role",
            data={"csrf_token": csrf(client, "/admin"), "role": "litigator"},
        )
        assert r.status_code == 200
        assert "membership.update" in r.text  # the audit trail on the page
        session.refresh(staff)
        assert (
            session.scalar(
                select(Membership.role).where(
                    Membership.user_id == staff.id, Membership.organisation_id == org.id
                )
            )
            is Role.litigator
        )

    def test_a_litigator_may_not_change_roles(
        self, client: TestClient, org: Organisation, litigator: UserAccount, staff: UserAccount
    ) -> None:
        sign_in(client, litigator)
        assert "You are not an admin of any" in client.get("/admin").text
        r = client.post(
            f"/admin/{org.id}/members/{staff.id}/role",
            data={"csrf_token": csrf(client, "/admin"), "role": "admin"},
        )
        assert r.status_code == 403


class TestMatchPage:
    def test_a_matched_draft_can_be_filed_as_a_case(
        self, client: TestClient, litigator: UserAccount
    ) -> None:
        sign_in(client, litigator)
        r = client.get(
            "/match",
            params={"state": "ES", "facts": "Held at the airport.", "claims": "art. 5 ECHR"},
        )
        assert r.status_code == 200
        link = re.search(r'href="(/cases/new\?[^"]+)"', r.text)
        assert link
        form = client.get(link.group(1).replace("&amp;", "&")).text
        assert "Held at the airport.</textarea>" in form
        assert 'value="art. 5 ECHR"' in form
        assert '<option value="ES" selected>' in form


class TestFollowing:
    def test_following_a_case_brings_its_updates_home(
        self, client: TestClient, session: Session, litigator: UserAccount, as_user: Any
    ) -> None:
        other = make_org(session)
        their_litigator = make_user(session, member_of=other, role=Role.litigator)
        case = make_case(session, org=other, visibility=Visibility.network)
        sign_in(client, litigator)
        assert "Follow this case" in client.get(f"/cases/{case.id}").text
        r = client.post(
            f"/cases/{case.id}/follow",
            data={"csrf_token": csrf(client, f"/cases/{case.id}"), "following": "true"},
        )
        assert "Stop following" in r.text
        client.post(
            f"/api/v1/cases/{case.id}/updates",
            json={"kind": "hearing", "occurred_on": "2026-11-30", "summary": "Hearing held."},
            headers=as_user(their_litigator),
        )
        home = client.get("/").text
        followed = home[home.index('id="followed-updates"') :]
        assert case.title in followed and "Hearing held." in followed
