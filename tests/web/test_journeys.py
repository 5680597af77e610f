"""The three journeys of the web application in a real Chromium, in English and in Spanish,
against a Comity set up as `make run` sets it up. Every page they reach passes the checks of
`browser.check_page`; `test_every_page` covers the pages the journeys do not reach."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from app.core import i18n
from tests.conftest import TEST_DATA_KEY, TEST_SECRET, DatabaseServer
from tests.web import browser
from tests.web.browser import HUB_ADMIN, LITIGATOR, STAFF, Watch, check_page

LANGUAGES = ["en", "es"]
CLINIC_CASE = "A.M. v. Spain (demo clinic case)"


@pytest.fixture(scope="module")
def playwright_api() -> Any:
    return browser.require_browser()


@pytest.fixture(scope="module")
def base_url(
    playwright_api: Any, test_server: DatabaseServer, tmp_path_factory: Any
) -> Iterator[str]:
    url = test_server.create_database()
    env = {
        "COMITY_SECRET_KEY": TEST_SECRET,
        "COMITY_DATA_KEY": TEST_DATA_KEY,
        "COMITY_LOG_LEVEL": "WARNING",
        "COMITY_DATA_DIR": str(tmp_path_factory.mktemp("comity-data")),
    }
    try:
        with browser.running_comity(url, env) as base:
            yield base
    finally:
        test_server.drop_database(url)


@pytest.fixture(scope="module")
def chromium(playwright_api: Any) -> Iterator[Any]:
    with playwright_api.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(browser.CHROMIUM), args=["--no-sandbox"])
        yield launched
        launched.close()


Open = Callable[[str, str], tuple[Any, Watch]]


@pytest.fixture
def open_as(chromium: Any, base_url: str) -> Iterator[Open]:
    """open_as(email, language): a signed-in browser page in its own context."""
    contexts: list[Any] = []

    def open_(email: str, language: str) -> tuple[Any, Watch]:
        context = chromium.new_context(
            locale={"en": "en-GB", "es": "es-ES"}[language],
            viewport={"width": 1366, "height": 768},
            accept_downloads=True,
        )
        contexts.append(context)
        page = context.new_page()
        watch = Watch(base_url)
        watch.attach(page)
        page.goto(base_url + "/")
        if email:
            page.fill("#email", email)
            page.fill("#password", browser.DEMO_PASSWORD)
            page.click("form[action='/sign-in'] button[type=submit]")
            page.wait_for_url(base_url + "/")
        return page, watch

    yield open_
    for context in contexts:
        context.close()


def fill_required(form: Any) -> None:
    """Give every required field of a form that is still empty a plausible value."""
    for field in form.locator("[required]").all():
        if field.input_value():
            continue
        kind = field.get_attribute("type")
        field.fill({"date": "2026-10-01", "number": "3"}.get(kind or "", "Demo value"))


def gettext(language: str) -> Callable[[str], str]:
    return i18n.translations(language).gettext


@pytest.mark.parametrize("language", LANGUAGES)
class TestJourneys:
    def test_a_litigator_searches_opens_a_case_matches_and_renders_a_pleading(
        self, open_as: Open, base_url: str, language: str
    ) -> None:
        _ = gettext(language)
        page, watch = open_as(LITIGATOR, language)
        assert page.locator("html").get_attribute("lang") == language
        check_page(page, watch, f"home-{language}")

        page.click(f"nav >> text={_('Search')}")
        page.fill("#q", "demo clinic case")
        page.press("#q", "Enter")
        page.wait_for_url(re.compile(r"/search\?"))
        check_page(page, watch, f"search-{language}")

        page.click(f"text={CLINIC_CASE}")
        page.wait_for_url(re.compile(r"/cases/[0-9a-f-]{36}$"))
        assert page.locator("h1").inner_text() == CLINIC_CASE
        check_page(page, watch, f"case-{language}")

        page.click("#wins-tab")
        page.wait_for_selector(".match-result")
        assert page.locator("#wins h2").first.inner_text() == _("Wins elsewhere")
        first = page.locator(".match-result").first.inner_text()
        assert {"en": "Spain", "es": "España"}[language] in first  # of the target State
        check_page(page, watch, f"case-wins-{language}")

        page.click("#use-in-pleading + ul >> text=Immigration detention of children")
        page.wait_for_selector("#render")
        assert page.locator("#render-case option:checked").inner_text() == CLINIC_CASE
        fill_required(page.locator("#render + form"))
        check_page(page, watch, f"pleading-render-{language}")
        with page.expect_download() as download:
            page.click("#render + form button[type=submit]")
        path = download.value.path()
        assert path is not None
        with open(path, "rb") as docx:
            assert docx.read(2) == b"PK"  # a DOCX is a zip
        assert download.value.suggested_filename.endswith(".docx")

    def test_staff_post_a_hearing_and_see_that_findings_need_a_litigator(
        self, open_as: Open, base_url: str, language: str
    ) -> None:
        _ = gettext(language)
        page, watch = open_as(STAFF, language)
        page.click(f"text={CLINIC_CASE}")
        page.wait_for_url(re.compile(r"/cases/"))
        notice = page.locator("#findings-need-litigator")
        assert notice.is_visible()
        assert notice.inner_text() == _(
            "Recording a decision's findings needs a litigator or an admin of the owning "
            "organisation. You may post the decision as an update; a litigator then records "
            "what it found on each claim."
        )
        assert page.locator("a", has_text=_("Edit")).count() == 0  # staff may not edit

        summary = f"Hearing on interim measures ({language})"
        page.select_option("#kind", "hearing")
        page.fill("#occurred_on", "2026-11-30")
        page.fill("#summary", summary)
        page.click("#post-update button[type=submit]")
        page.wait_for_url(re.compile(r"/cases/[0-9a-f-]{36}"))
        entry = page.locator("#timeline + ol li", has_text=summary)
        assert entry.count() == 1
        assert _("hearing") in entry.inner_text()
        check_page(page, watch, f"case-after-hearing-{language}")

    def test_a_hub_admin_publishes_a_pleading_and_a_member_forks_it(
        self, open_as: Open, base_url: str, language: str
    ) -> None:
        _ = gettext(language)
        token = browser.api_token(base_url, HUB_ADMIN)
        pleading = browser.api(base_url, token, "GET", "/api/v1/model-pleadings")["items"][0]
        draft = browser.api(
            base_url,
            token,
            "POST",
            f"/api/v1/model-pleadings/{pleading['id']}/versions",
            {"changelog": f"Adds the 2026 case law ({language})"},
        )
        number = draft["number"]

        hub, hub_watch = open_as(HUB_ADMIN, language)
        hub.goto(f"{base_url}/pleadings")
        check_page(hub, hub_watch, f"pleadings-{language}")
        hub.click(f"text={pleading['title']}")
        hub.click(f"a[href$='?v={number}']")
        check_page(hub, hub_watch, f"pleading-draft-{language}")
        hub.click("text=" + _("Publish version %(n)s") % {"n": number})
        hub.wait_for_url(re.compile(rf"\?v={number}$"))
        assert (
            _("published")
            in hub.locator("h2", has_text=_("Version %(n)s") % {"n": number}).inner_text()
        )

        member, member_watch = open_as(LITIGATOR, language)
        member.goto(f"{base_url}/pleadings/{pleading['id']}")
        member.fill("#fork-title", f"{pleading['title']} (Spain, {language})")
        member.click("text=" + _("Fork"))
        member.wait_for_selector("#upstream")
        assert member.locator("h1").inner_text() == f"{pleading['title']} (Spain, {language})"
        assert _("Adapted from") in member.locator("#upstream").inner_text()
        check_page(member, member_watch, f"pleading-fork-{language}")


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page(open_as: Open, base_url: str, language: str) -> None:
    """The pages the journeys do not reach pass the same checks; another organisation's
    private case is a 404 page."""
    _ = gettext(language)
    signed_out, watch = open_as("", language)
    check_page(signed_out, watch, f"sign-in-{language}")

    page, watch = open_as(LITIGATOR, language)
    case_url = page.locator(f"a:text-is('{CLINIC_CASE}')").get_attribute("href")
    pages = {
        "case-new": "/cases/new",
        "match": "/match?state=CO&facts=immigration+detention+at+the+border&claims=art.+7+ACHR",
        "rights": "/reference/rights",
        "right": "/reference/rights/liberty_arbitrary_detention",
        "state": "/reference/states/ES",
        "account": "/account",
        "notifications": "/notifications",
        "alerts": "/subscriptions",
        "case-edit": f"{case_url}/edit",
        "not-found": "/no-such-page",
    }
    for name, path in pages.items():
        page.goto(base_url + path)
        check_page(page, watch, f"{name}-{language}")
    page.goto(base_url + "/match?state=CO&facts=immigration+detention&claims=art.+7+ACHR")
    assert page.locator(".match-result").count() > 0

    hub, hub_watch = open_as(HUB_ADMIN, language)
    hub.goto(base_url + "/admin")
    assert hub.locator("h2", has_text=_("Audit trail")).count() == 1
    check_page(hub, hub_watch, f"admin-{language}")
    response = hub.goto(base_url + str(case_url))
    assert response is not None and response.status == 404
    assert hub.locator("h1").inner_text() == _("Not found")
    assert CLINIC_CASE not in hub.content()
    check_page(hub, hub_watch, f"private-case-404-{language}")
