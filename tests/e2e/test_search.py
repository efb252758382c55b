"""Search in a browser, at a desktop's and a phone's width, in Polish and Ukrainian: a
word finds its other forms, the results are grouped by kind and filtered to one, and a
message found opens in its thread."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in

SCREENSHOTS = Path("test-results/screenshots")
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
# language: (browser locale, member, group, thread title, message, asked)
CAST = {
    "pl": (
        "pl-PL",
        "a.nowak@lublin.gwd.example",
        "gwd-miejska",
        "Podatek od nieruchomości — stawki na 2027",
        "Proponuję zapisać to w umowie z wykonawcą.",
        "umowa",
    ),
    "uk": (
        "uk-UA",
        "i.bondarenko@vinnytsia.gwd.example",
        "efektywnosc-energetyczna-ua",
        "Ставки податку на 2027",
        "Пропоную записати це до договору з підрядником.",
        "договір",
    ),
}
EVERY_WAY = pytest.mark.parametrize(
    "language, viewport", [(lang, view) for lang in CAST for view in VIEWPORTS]
)


@EVERY_WAY
def test_a_member_finds_word_forms_filters_and_opens_the_message(open_browser, language, viewport):
    locale, member, slug, title, body, asked = CAST[language]
    page = open_browser(locale=locale, viewport=VIEWPORTS[viewport])
    sign_in(page, member)
    title = f"{title} ({viewport})"
    page.goto(f"/groups/{slug}/threads/")
    form = page.locator("form[action$='/threads/new/']")
    form.locator("[name=title]").fill(title)
    form.locator("[name=body]").fill(body)
    form.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/threads/\d+/$"))
    thread_url = page.url

    # The group's tab leads to the search; the word is asked in another form.
    page.locator(".group-header .tabs a[href$='/search/']").click()
    page.locator("input[name=q]").fill(asked)
    page.locator("form.search-form button[type=submit]").first.click()
    message = page.locator(".search-result--message", has_text=body)
    expect(message.first).to_be_visible()
    expect(message.first.locator("mark")).to_have_count(1)
    page.screenshot(path=str(SCREENSHOTS / f"search-{language}-{viewport}-results.png"))

    # One kind: messages, with their number; then the thread's title by a plural.
    page.locator(".search-kinds a[href*='kind=message']").click()
    expect(page.locator(".search-result--thread")).to_have_count(0)
    expect(page.locator(".search-result--message", has_text=body).first).to_be_visible()
    page.locator("input[name=q]").fill("stawki" if language == "pl" else "ставок")
    page.locator("select[name=kind]").select_option("thread")
    page.locator(".search-form__filters button[type=submit]").click()
    expect(page.locator(".search-result--thread", has_text=title)).to_have_count(1)
    page.screenshot(path=str(SCREENSHOTS / f"search-{language}-{viewport}-threads.png"))

    # A message found opens in its thread, at the message.
    page.goto(f"/groups/{slug}/search/?q={asked}&kind=message")
    page.locator(".search-result--message", has_text=body).first.locator(
        ".search-result__title"
    ).click()
    expect(page).to_have_url(re.compile(re.escape(thread_url) + r"(\?.*)?#m\d+$"))
    assert not page.errors


@pytest.mark.parametrize("language", list(CAST))
def test_the_search_across_groups_from_the_header(open_browser, language):
    locale, member, _slug, _title, _body, asked = CAST[language]
    page = open_browser(locale=locale, viewport=VIEWPORTS["phone"])
    sign_in(page, member)
    page.goto(f"/search/?q={asked}")
    expect(page.locator("h1")).to_be_visible()
    page.screenshot(
        path=str(SCREENSHOTS / f"search-{language}-phone-everywhere.png"), full_page=True
    )
    assert not page.errors
