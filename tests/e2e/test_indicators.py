"""Indicators in the browser: a facilitator opens a data round, a municipality's official
fills the grid (a bad number explained first) and submits, and the facilitator verifies
— in Polish in the urban group and in Ukrainian in the Ukrainian partners' group, at a
desk's width and a phone's. Screenshots of each page go to test-results/screenshots/."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS, sign_in
from tests.e2e.test_accessibility import serious_violations
from tests.e2e.test_layout import BROKEN_WORDS, DESKTOP, OVERFLOW, PHONE

SCREENSHOTS = ARTIFACTS / "screenshots"

# language: (browser locale, group, facilitator, official of another municipality, typed,
#            the demo catalogue's names of three indicators: money, km, per cent)
CASES = {
    "pl": (
        "pl-PL",
        "gwd-miejska",
        "m.kowalski@kielce.gwd.example",
        "a.nowak@lublin.gwd.example",
        "1 234,5",
        (
            "Koszt wydania jednej decyzji podatkowej",
            "Długość dróg gminnych",
            "Płatności podatków przez internet",
        ),
    ),
    "uk": (
        "uk-UA",
        "efektywnosc-energetyczna-ua",
        "o.kovalenko@zhytomyr.gwd.example",
        "i.bondarenko@vinnytsia.gwd.example",
        "12 345,75",
        (
            "Вартість підготовки одного податкового рішення",
            "Довжина доріг громади",
            "Сплата податків онлайн",
        ),
    ),
}


def look(page, language: str, name: str) -> list[str]:
    """Screenshots at a phone's and a desk's width; what does not fit the phone."""
    problems = []
    page.set_viewport_size(PHONE)
    page.screenshot(path=SCREENSHOTS / f"{language}-390-indicators-{name}.png", full_page=True)
    if (overflow := page.evaluate(OVERFLOW)) > 0:
        problems.append(f"{name}: {overflow}px wider than the phone")
    if broken := page.evaluate(BROKEN_WORDS):
        problems.append(f"{name}: words broken letter by letter: {broken[:5]}")
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=SCREENSHOTS / f"{language}-1280-indicators-{name}.png", full_page=True)
    return problems


@pytest.mark.parametrize("language", CASES)
def test_a_round_is_opened_filled_in_submitted_and_verified(open_browser, axe_source, language):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    locale, slug, facilitator, official, typed, names = CASES[language]
    problems: list[str] = []
    base = f"/groups/{slug}/indicators/"

    # The facilitator opens a round for next year's data, with three indicators.
    lead = open_browser(locale, viewport=DESKTOP, bypass_csp=True)  # axe runs inline
    lead.set_default_timeout(30_000)  # a bound, not a wait: the machine may be busy
    sign_in(lead, facilitator)
    lead.goto(f"/groups/{slug}/")
    lead.locator(f".tabs a[href='{base}']").click()
    expect(lead.locator(f"a[href='{base}rounds/new/']")).to_be_visible()
    problems += look(lead, language, "list")
    lead.goto(f"{base}rounds/new/")
    title = f"E2E {language} {dt.date.today().year + 1}"
    lead.fill("#id_title", title)
    lead.fill("#id_year", str(dt.date.today().year + 1))
    lead.fill("#id_deadline", (dt.date.today() + dt.timedelta(days=14)).isoformat())
    for name in names:
        lead.locator(".round-domain div", has_text=name).locator("input").check()
    problems += look(lead, language, "round-form")
    lead.locator("main form button[type=submit]").click()
    lead.wait_for_url(re.compile(rf"{base}rounds/\d+/$"))
    round_url = lead.url
    expect(lead.locator(".messages .message--success")).to_be_visible()
    assert serious_violations(lead, axe_source) == []
    problems += look(lead, language, "round")

    # The official of another municipality fills their grid on a phone.
    phone = open_browser(locale, viewport=PHONE, bypass_csp=True)
    phone.set_default_timeout(30_000)
    sign_in(phone, official)
    phone.goto(round_url)
    phone.locator("a[href*='/units/']:not([href$='/review/'])").first.click()
    expect(phone.locator("input[inputmode=decimal]")).to_have_count(3)
    money, length, share = (phone.get_by_label(name, exact=True) for name in names)
    problems += look(phone, language, "grid-empty")
    phone.set_viewport_size(PHONE)
    money.fill("abc")
    length.fill(typed)
    phone.locator("button[value=save]").click()
    expect(money).to_have_attribute("aria-invalid", "true")
    expect(length).not_to_have_attribute("aria-invalid", "true")
    expect(phone.locator(".messages .message--error")).to_be_visible()
    problems += look(phone, language, "grid-error")
    phone.set_viewport_size(PHONE)
    money.fill("88")
    phone.locator("button[value=save]").click()
    expect(phone.locator(".messages .message--success")).to_be_visible()
    # Saved and read back in the reader's own number format.
    expect(length).to_have_value(typed.replace(" ", "\u00a0"))
    assert serious_violations(phone, axe_source) == []
    share.fill("7")
    phone.locator("button[value=submit]").click()
    phone.wait_for_url(round_url)
    expect(phone.locator(".status--submitted")).to_have_count(1)

    # The facilitator sees the progress and verifies.
    lead.goto(round_url)
    expect(lead.locator(".status--submitted")).to_have_count(1)
    lead.locator(".status--submitted").locator("xpath=ancestor::tr").locator(
        "a[href$='/review/']"
    ).click()
    problems += look(lead, language, "review")
    assert serious_violations(lead, axe_source) == []
    lead.locator("button[value=verify]").click()
    lead.wait_for_url(round_url)
    expect(lead.locator(".status--verified")).to_have_count(1)
    problems += look(lead, language, "round-verified")

    # The member list shows the municipalities beside the people.
    lead.goto(f"/groups/{slug}/members/")
    expect(lead.locator("#units-heading")).to_be_visible()
    problems += look(lead, language, "members")
    assert problems == []
