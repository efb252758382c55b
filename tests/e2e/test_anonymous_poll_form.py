"""The poll form says that an anonymous poll's results wait for its close, and a poll
started anonymous says so on its page — at a desk's width and a phone's, in Polish and
Ukrainian. Screenshots go to test-results/screenshots/."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS, sign_in

SCREENSHOTS = ARTIFACTS / "screenshots"
CASES = {
    "pl": ("gwd-miejska", "m.kowalski@kielce.gwd.example"),
    "uk": ("efektywnosc-energetyczna-ua", "o.kovalenko@zhytomyr.gwd.example"),
}
VIEWPORTS = {"1280": {"width": 1280, "height": 900}, "390": {"width": 390, "height": 844}}


@pytest.mark.parametrize("width", VIEWPORTS)
@pytest.mark.parametrize("language", CASES)
def test_an_anonymous_poll_waits_for_its_close(open_browser, language, width):
    group, facilitator = CASES[language]
    page = open_browser(locale=f"{language}-{language.upper()}", viewport=VIEWPORTS[width])
    sign_in(page, facilitator)
    page.goto(f"/groups/{group}/decisions/new/")
    anonymous = page.locator("input[name=anonymous]")
    anonymous.check()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(
        path=SCREENSHOTS / f"poll-anonymous-form-{language}-{width}.png", full_page=True
    )
    page.select_option("select[name=kind]", "single")
    page.fill("input[name=title]", f"Anonimowo {width}")
    page.fill("textarea[name=options]", "A\nB")
    page.select_option("select[name=results]", "live")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/decisions/*/")
    expect(page.locator(".poll-bar__number")).to_have_count(0)
    page.screenshot(
        path=SCREENSHOTS / f"poll-anonymous-page-{language}-{width}.png", full_page=True
    )
    assert page.errors == []
