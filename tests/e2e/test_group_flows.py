"""Groups in each reader's language, and the pages about GWD, in a browser at a
desktop and a phone size (see the conftest for the set-up)."""

import re

import pytest

from tests.e2e.conftest import sign_in

OLENA = "o.kovalenko@zhytomyr.gwd.example"  # Ukrainian facilitator of the partners' group
IHOR = "i.bondarenko@vinnytsia.gwd.example"  # Ukrainian member of the partners' group
MAREK = "m.kowalski@kielce.gwd.example"  # Polish; also a member of the partners' group
PARTNERS = "/groups/efektywnosc-energetyczna-ua/"
NAMES = {
    "pl": "Efektywność energetyczna — partnerzy z Ukrainy",
    "uk": "Енергоефективність — партнери з України",
}
VIEWPORTS = {
    "desktop": {"width": 1280, "height": 900},
    "phone": {"width": 390, "height": 844},
}


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize(("email", "language"), [(IHOR, "uk"), (MAREK, "pl")])
def test_each_member_reads_the_group_in_their_language(open_browser, viewport, email, language):
    page = open_browser(viewport=VIEWPORTS[viewport])
    sign_in(page, email)
    other = NAMES["pl" if language == "uk" else "uk"]
    page.get_by_role("link", name=NAMES[language]).first.wait_for()
    assert page.get_by_text(other).count() == 0
    page.goto("/groups/")
    page.get_by_role("link", name=NAMES[language]).first.click()
    page.wait_for_url(f"**{PARTNERS}")
    assert page.get_by_role("heading", level=1).inner_text() == NAMES[language]
    assert not page.errors


def test_a_facilitator_names_the_group_in_english_and_the_address_stays(open_browser):
    page = open_browser(viewport=VIEWPORTS["desktop"])
    sign_in(page, OLENA)
    page.goto(f"{PARTNERS}settings/")
    assert page.locator("#id_name_uk").input_value() == NAMES["uk"]
    assert page.locator("#id_first_language").input_value() == "uk"
    page.fill("#id_name_en", "Energy efficiency — partners from Ukraine, 2027")
    page.fill("#id_name_uk", "")
    page.locator("main form button[type=submit]").first.click()
    # The main language's name is required: nothing is saved, the field says why.
    page.locator(".field--invalid #id_name_uk").wait_for()
    page.fill("#id_name_uk", NAMES["uk"])
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(f"**{PARTNERS}settings/")
    page.locator(".message--success").wait_for()
    assert page.locator("#id_name_en").input_value().endswith("2027")
    assert not page.errors


PAGES = {
    "/help/": {"pl": "Pomoc", "uk": "Довідка"},
    "/privacy/": {
        "pl": "Informacja o przetwarzaniu danych osobowych",
        "uk": "Інформація про обробку персональних даних",
    },
    "/accessibility/": {"pl": "Deklaracja dostępności", "uk": "Декларація доступності"},
}


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("language", ["pl", "uk"])
def test_the_pages_about_gwd_open_from_the_footer_signed_out(open_browser, viewport, language):
    # Signed out, the browser's language decides.
    page = open_browser(
        locale={"pl": "pl-PL", "uk": "uk-UA"}[language], viewport=VIEWPORTS[viewport]
    )
    page.goto("/accounts/login/")
    page.wait_for_selector(f'html[lang="{language}"]')
    for path, headings in PAGES.items():
        page.locator(f'footer a[href="{path}"]').click()
        page.wait_for_url(f"**{path}")
        heading = page.get_by_role("heading", level=1)
        assert heading.inner_text() == headings[language]
        # Nothing runs off the side of a phone.
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= VIEWPORTS[viewport]["width"]
    statement = page.locator("#a11y-status")
    assert re.search(r"\S", statement.inner_text())
    assert not page.errors
