"""The decision pages without a script's help, looked at: the register, a decided
proposal, a ranked-choice poll with its rounds, the form that starts a poll; in Polish
and Ukrainian, at a desk's width and a phone's. Screenshots in
test-results/screenshots/decisions-*.png."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in

SHOTS = Path("test-results/screenshots")
VIEWPORTS = {"desk": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
MAREK = "m.kowalski@kielce.gwd.example"  # Polish facilitator of GWD miejska
OLENA = "o.kovalenko@zhytomyr.gwd.example"  # Ukrainian facilitator of the partners' group


def no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} is {width}px wide"


def shoot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    no_sideways_scroll(page)
    page.screenshot(path=str(SHOTS / f"decisions-{name}.png"), full_page=True)


@pytest.mark.parametrize("size", VIEWPORTS)
def test_polish_register_and_decided_proposal(open_browser, size):
    page = open_browser("pl-PL", viewport=VIEWPORTS[size])
    sign_in(page, MAREK)
    page.goto("/groups/gwd-miejska/decisions/")
    expect(page.locator("table.register")).to_contain_text("1,20 zł/m²")
    shoot(page, f"register-pl-{size}")
    page.locator("table.register a", has_text="1,20 zł/m²").click()
    expect(page.locator(".poll__outcome")).to_contain_text("Grupa rekomenduje")
    shoot(page, f"proposal-pl-{size}")
    page.goto("/groups/gwd-miejska/decisions/")
    page.locator("table.register a", has_text="Temat następnego").click()
    expect(page.locator("form[data-poll-vote]")).to_be_visible()
    shoot(page, f"single-pl-{size}")
    page.goto("/groups/gwd-miejska/decisions/new/")
    shoot(page, f"form-pl-{size}")


@pytest.mark.parametrize("size", VIEWPORTS)
def test_ukrainian_ranked_poll_with_its_rounds(open_browser, size):
    page = open_browser("uk-UA", viewport=VIEWPORTS[size])
    sign_in(page, OLENA)
    page.goto("/groups/efektywnosc-energetyczna-ua/decisions/")
    shoot(page, f"register-uk-{size}")
    page.locator("table.register a", has_text="Що модернізуємо").click()
    expect(page.locator(".poll-rounds > li")).to_have_count(2)
    shoot(page, f"ranked-uk-{size}")
