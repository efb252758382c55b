"""Every main page, in each language, on a phone: nothing wider than the screen, no word
broken into a column of letters, and a header menu that opens. A screenshot of each page
at desktop and phone width is kept in test-results/screenshots/ on every run."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS, sign_in
from tests.e2e.test_accessibility import LANGUAGES, MAREK, PAGES, set_language

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
SCREENSHOTS = ARTIFACTS / "screenshots"

MORE_PAGES = {
    "group directory": "/groups/",
    "library search": "/library/search/?q=podatek",
    "template list": "/library/templates/",
    "trash": "/groups/gwd-miejska/library/trash/",
    "moderation log": "/groups/gwd-miejska/moderation/log/",
    "notification settings": "/notifications/settings/",
}
# Pages reached from a list: (the list, the link to follow).
FOLLOWED = {
    "thread": ("/groups/gwd-miejska/threads/", ".thread-row__title"),
    "document": ("/groups/gwd-miejska/library/", "a:text-is('Procedura wymiaru podatku')"),
    "meeting": ("/groups/gwd-miejska/meetings/", ".meeting-row__title"),
}

# Words of four letters or more broken across lines with a piece of one or two letters
# (or every piece that narrow): a title squeezed into a column too narrow for it.
BROKEN_WORDS = """() => {
    const found = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const element = node.parentElement;
        if (!element || element.closest("script, style, option")) continue;
        const em = parseFloat(getComputedStyle(element).fontSize);
        for (const word of node.textContent.matchAll(/[\\p{L}\\p{N}]{4,}/gu)) {
            const range = document.createRange();
            range.setStart(node, word.index);
            range.setEnd(node, word.index + word[0].length);
            const lines = [...range.getClientRects()].filter(r => r.width > 0);
            const tops = new Set(lines.map(r => Math.round(r.top)));
            const widths = lines.map(r => r.width);
            const narrowest = Math.min(...widths), widest = Math.max(...widths);
            if (tops.size > 1 && (narrowest < 1.2 * em || widest < 2.2 * em)) found.push(word[0]);
        }
    }
    return found;
}"""
OVERFLOW = "document.documentElement.scrollWidth - window.innerWidth"


def check_page(page, language: str, name: str) -> list[str]:
    """Problems on the phone-sized page now open; screenshots at both widths."""
    stem = name.replace(" ", "-")
    page.screenshot(path=SCREENSHOTS / f"{language}-390-{stem}.png", full_page=True)
    problems = []
    overflow = page.evaluate(OVERFLOW)
    if overflow > 0:
        problems.append(f"{name}: {overflow}px wider than the screen")
    broken = page.evaluate(BROKEN_WORDS)
    if broken:
        problems.append(f"{name}: words broken letter by letter: {broken[:5]}")
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=SCREENSHOTS / f"{language}-1280-{stem}.png", full_page=True)
    page.set_viewport_size(PHONE)
    return problems


def check_phone_menu(page, language: str) -> None:
    """The menu button opens the navigation and the switcher; Escape closes it; from a
    landscape tablet up the header is one row without the button."""
    navigation = page.locator(".site-nav")
    toggle = page.locator(".menu-toggle")
    expect(navigation).to_be_hidden()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(navigation.locator("a[href='/groups/']")).to_be_visible()
    expect(page.locator("#language-select")).to_be_visible()
    page.screenshot(path=SCREENSHOTS / f"{language}-390-menu.png", full_page=True)
    page.keyboard.press("Escape")
    expect(navigation).to_be_hidden()
    expect(toggle).to_be_focused()
    # One tidy row: no taller than two lines of text.
    for width in (1024, 1280, 1920):
        page.set_viewport_size({"width": width, "height": 900})
        expect(toggle).to_be_hidden()
        expect(navigation.locator("a[href='/groups/']")).to_be_visible()
        assert page.locator(".site-header").bounding_box()["height"] < 90, width


def check_account_menu(page) -> None:
    """On a desktop the account's pages fold into one disclosure that Escape and a click
    elsewhere close."""
    account = page.locator(".account-menu summary")
    profile = page.locator(".account-menu a[href='/profile/']")
    expect(profile).to_be_hidden()
    account.click()
    expect(profile).to_be_visible()
    page.keyboard.press("Escape")
    expect(profile).to_be_hidden()
    expect(account).to_be_focused()
    account.click()
    page.locator("main").click()
    expect(profile).to_be_hidden()


# One signed-in page per language for everything: sign-ins are rate-limited per address.
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_main_page_fits_a_phone_and_the_header_menus_open(open_browser, language):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page = open_browser(LANGUAGES[language], viewport=PHONE)
    problems = []
    page.goto("/accounts/login/")
    problems += check_page(page, language, "login")
    sign_in(page, MAREK)
    set_language(page, language)
    for name, path in {**PAGES, **MORE_PAGES}.items():
        response = page.goto(path)
        assert response is not None and response.ok, name
        problems += check_page(page, language, name)
    for name, (path, link) in FOLLOWED.items():
        page.goto(path)
        page.locator(link).first.click()
        page.wait_for_load_state()
        problems += check_page(page, language, name)
    page.goto("/groups/gwd-miejska/")
    check_phone_menu(page, language)
    check_account_menu(page)
    set_language(page, "pl")  # leave the shared demo account as it was
    assert problems == []


def test_the_phone_menu_works_without_javascript(open_browser):
    page = open_browser("pl-PL", viewport=PHONE, java_script_enabled=False)
    page.goto("/accounts/login/")
    navigation = page.locator(".site-nav")
    expect(navigation).to_be_hidden()
    page.locator(".menu-toggle").click()
    expect(navigation.locator("a[href='/accounts/login/']")).to_be_visible()
    expect(page.locator("#language-select")).to_be_visible()
