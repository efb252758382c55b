"""axe-core on every main page in each language: no serious or critical violations;
and one whole flow done with the keyboard alone."""

import re

import pytest

from tests.e2e.conftest import HOME, sign_in

MAREK = "m.kowalski@kielce.gwd.example"  # facilitator of GWD miejska: sees every page

PAGES = {
    "home": "/",
    "group dashboard": "/groups/gwd-miejska/",
    "threads": "/groups/gwd-miejska/threads/",
    "library": "/groups/gwd-miejska/library/",
    "meetings": "/groups/gwd-miejska/meetings/",
    "calendar": "/groups/gwd-miejska/meetings/month/",
    "members": "/groups/gwd-miejska/members/",
    "moderation queue": "/groups/gwd-miejska/moderation/",
    "notifications": "/notifications/",
    "profile": "/profile/",
}
LANGUAGES = {"pl": "pl-PL", "uk": "uk-UA", "en": "en-GB"}


def serious_violations(page, axe_source: str) -> list[str]:
    page.add_script_tag(content=axe_source)
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {resultTypes: ["violations"]});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))}));
        }"""
    )
    return [
        f"{v['impact']}: {v['id']} ({v['help']}) at {v['nodes']}"
        for v in result
        if v["impact"] in ("serious", "critical")
    ]


def set_language(page, code: str) -> None:
    page.goto("/profile/")
    if page.locator(".menu-toggle").is_visible():  # a phone: the switcher is in the menu
        page.locator(".menu-toggle").click()
    page.select_option("#language-select", code)
    page.locator("form.language-switcher button[type=submit]").click()
    page.wait_for_load_state()


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_login_page_has_no_serious_violations(open_browser, axe_source, language):
    page = open_browser(LANGUAGES[language], bypass_csp=True)
    page.goto("/accounts/login/")
    assert page.locator("html").get_attribute("lang") == language
    assert serious_violations(page, axe_source) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_main_pages_have_no_serious_violations(open_browser, axe_source, language):
    # axe is injected as a script the page's CSP does not know: this context bypasses it.
    page = open_browser(LANGUAGES[language], bypass_csp=True)
    sign_in(page, MAREK)
    set_language(page, language)
    found = {}
    for name, path in PAGES.items():
        page.goto(path)
        assert page.locator("html").get_attribute("lang") == language, name
        problems = serious_violations(page, axe_source)
        if problems:
            found[name] = problems
    thread = "/groups/gwd-miejska/threads/"
    page.goto(thread)
    page.locator(".thread-row__title").first.click()
    problems = serious_violations(page, axe_source)
    if problems:
        found["thread"] = problems
    page.goto("/groups/gwd-miejska/library/")
    page.get_by_role("link", name="Procedura wymiaru podatku").click()
    problems = serious_violations(page, axe_source)
    if problems:
        found["document"] = problems
    set_language(page, "pl")  # leave the shared demo account as it was
    assert found == {}


def test_documents_and_meetings_have_no_serious_violations(open_browser, axe_source):
    page = open_browser("pl-PL", bypass_csp=True)
    sign_in(page, "r.dabrowski@plock.gwd.example")
    page.goto("/groups/efektywnosc-energetyczna-ua/meetings/")
    page.get_by_role("link", name="Spotkanie E2E").click()
    assert serious_violations(page, axe_source) == []
    page.goto("/library/templates/")
    assert serious_violations(page, axe_source) == []


def test_a_whole_flow_with_the_keyboard_only(open_browser):
    """Sign in, open a discussion and post in it without touching the mouse."""
    page = open_browser("pl-PL")
    page.goto("/accounts/login/")
    page.keyboard.press("Tab")  # the skip link comes first
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#main"
    page.locator("input[name=login]").focus()
    page.keyboard.type(MAREK)
    page.keyboard.press("Tab")
    page.keyboard.type("gwd-demo-2026")
    page.keyboard.press("Enter")
    page.wait_for_url(HOME)

    def tab_to(pattern: str, limit: int = 80) -> None:
        for _ in range(limit):
            page.keyboard.press("Tab")
            text = page.evaluate("document.activeElement.textContent || ''")
            if re.search(pattern, text):
                return
        raise AssertionError(f"could not reach {pattern!r} with Tab")

    tab_to("^GWD miejska$")
    page.keyboard.press("Enter")
    page.wait_for_url("**/groups/gwd-miejska/")
    tab_to("^Dyskusje")
    page.keyboard.press("Enter")
    page.wait_for_url("**/threads/")
    tab_to("Podatek od nieruchomości")
    page.keyboard.press("Enter")
    page.wait_for_selector("#connection:has-text('Połączono')")
    page.locator("#reply-form textarea").focus()
    page.keyboard.type("Napisane samą klawiaturą")
    page.keyboard.press("Enter")  # Enter sends, Shift+Enter adds a line
    page.locator("article", has_text="Napisane samą klawiaturą").wait_for()
