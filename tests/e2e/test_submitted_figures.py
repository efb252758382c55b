"""A municipality's submitted figures read as sent, with a note to ask for them back, at a
desk's width and a phone's, in Polish and then Ukrainian; saving the profile keeps the
official's own office. Screenshots go to test-results/screenshots/."""

from playwright.sync_api import expect

from tests.e2e.conftest import sign_in
from tests.e2e.test_indicators import look


def test_submitted_figures_are_read_only_with_a_note(open_browser):
    page = open_browser("pl-PL")
    sign_in(page, "a.nowak@lublin.gwd.example")
    page.goto("/groups/gwd-miejska/indicators/")
    page.get_by_role("link", name="Dane za 2025").first.click()
    page.locator("a.button--primary[href*='/units/']").click()
    expect(page.locator(".notice[role=note]")).to_be_visible()
    expect(page.locator("button[name=action]")).to_have_count(0)
    problems = look(page, "pl", "grid-submitted")
    form_url = page.url

    page.goto("/profile/")
    page.select_option("select[name=language]", "uk")
    page.locator("main form button[type=submit]").first.click()
    expect(page.locator(".messages .message--success")).to_be_visible()
    expect(page.locator("input[name=institution_name]")).to_have_value("Urząd Miasta Lublin")
    page.goto(form_url)
    page.select_option("#language-select", "uk")
    page.locator(".language-switcher button[type=submit]").click()
    expect(page.locator("html")).to_have_attribute("lang", "uk")
    expect(page.locator(".notice[role=note]")).to_be_visible()
    problems += look(page, "uk", "grid-submitted")
    assert problems == []
