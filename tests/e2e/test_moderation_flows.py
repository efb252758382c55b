"""Moderation and signing in, in a browser, on a desktop and on a phone."""

import re
import time

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

from tests.e2e.conftest import HOME, PASSWORD, last_mail_to, sign_in

ANNA = "a.nowak@lublin.gwd.example"  # member of GWD miejska
MAREK = "m.kowalski@kielce.gwd.example"  # facilitator of GWD miejska
PIOTR = "p.wisniewski@poznan.gwd.example"  # member of GWD miejska
OLENA = "o.kovalenko@zhytomyr.gwd.example"  # Ukrainian facilitator
STAFF = "staff@gwd.example"  # the Association's staff, without two-factor yet
GROUP = "/groups/gwd-miejska"
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.fixture(params=list(VIEWPORTS))
def viewport(request) -> dict:
    return VIEWPORTS[request.param]


def post_message(page, text: str) -> str:
    """Send `text` to the first thread of GWD miejska; its id."""
    page.goto(f"{GROUP}/threads/")
    page.get_by_role("link", name=re.compile("Podatek od nieruchomości")).first.click()
    page.wait_for_selector("#connection.connection--online, #connection:has-text('Połączono')")
    page.fill("#reply-form textarea[name=body]", text)
    page.locator("#reply-form button[type=submit]").click()
    page.locator("article.message", has_text=text).wait_for()
    page.reload()  # the page as the server renders it, with the message's id
    return page.locator("article.message", has_text=text).get_attribute("data-id")


def fits_across(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_facilitator_hides_a_reported_message_from_the_queue(open_browser, viewport):
    anna, piotr = open_browser(viewport=viewport), open_browser(viewport=viewport)
    marek = open_browser(viewport=viewport)
    for page, address in ((anna, ANNA), (piotr, PIOTR), (marek, MAREK)):
        sign_in(page, address)
    text = f"Tanie zegarki dla gmin, {viewport['width']} px"
    message_id = post_message(anna, text)
    piotr.goto(f"{GROUP}/messages/{message_id}/report/")
    piotr.locator("input[name=reason][value=spam]").check()
    piotr.locator("main form button[type=submit]").click()
    piotr.locator(".messages").wait_for()

    marek.goto(f"{GROUP}/moderation/")
    item = marek.locator("article.queue-item", has_text=text)
    item.locator("input[name=reason]").fill("Reklama")
    assert fits_across(marek)
    item.get_by_role("button", name="Ukryj").click()
    marek.wait_for_url(re.compile(r"/moderation/$"))
    marek.locator(".messages").wait_for()
    assert marek.locator("article.queue-item", has_text=text).count() == 0

    marek.goto(f"{GROUP}/moderation/log/")
    entry = marek.locator("tr, li", has_text="uwzględnienie zgłoszenia").first
    entry.wait_for()
    assert "Reklama" in entry.inner_text()


def test_the_member_table_reads_well_and_a_mute_says_until_when(open_browser, viewport):
    marek = open_browser(viewport=viewport)
    sign_in(marek, MAREK)
    marek.goto(f"{GROUP}/members/")
    assert fits_across(marek)
    row = marek.locator("tr", has_text="Anna Nowak")
    menu = row.locator("details.row-menu")
    menu.locator("summary").click()
    panel = menu.locator(".row-menu__panel")
    panel.wait_for()
    box = panel.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"]
    panel.locator("select[name=minutes]").select_option("60")
    panel.get_by_role("button", name=re.compile("^Wycisz")).click()
    notice = marek.locator(".messages").inner_text()
    assert "Anna Nowak" in notice and re.search(r"\b\d{1,2}:\d{2}\b", notice), notice

    # Undo, so that the other viewport starts from the same table.
    marek.locator("tr", has_text="Anna Nowak").locator("details.row-menu summary").click()
    marek.get_by_role("button", name=re.compile("^Cofnij wyciszenie")).click()
    assert "Anna Nowak" in marek.locator(".messages").inner_text()


def totp_now(secret: str) -> str:
    """The code of the current window, with at least 5 s of it left to post it: near a
    window's end, wait (polling, at most 10 s) until the next one has begun."""
    deadline = time.monotonic() + 10
    while 30 - time.time() % 30 < 5 and time.monotonic() < deadline:
        time.sleep(0.1)
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def test_staff_set_up_two_factor_without_retyping_the_password_and_go_on(open_browser):
    staff = open_browser(viewport=VIEWPORTS["desktop"])
    staff.goto("/accounts/login/")
    staff.fill("input[name=login]", STAFF)
    staff.fill("input[name=password]", PASSWORD)
    staff.locator("main button[type=submit]").click()
    staff.wait_for_url("**/accounts/2fa/totp/activate/")
    secret = staff.locator("#authenticator_secret").input_value()
    staff.fill("input[name=code]", totp_now(secret))
    staff.locator("main form button[type=submit]").click()
    staff.wait_for_url("**/accounts/2fa/recovery-codes/")
    for size in (VIEWPORTS["phone"], VIEWPORTS["desktop"]):
        staff.set_viewport_size(size)
        onwards = staff.locator("a[data-next=home]")
        assert onwards.is_visible() and staff.locator("a[data-next=security]").is_visible()
        assert fits_across(staff)
    onwards.click()
    staff.wait_for_url(HOME)


def test_the_sign_up_page_names_who_invited_to_which_group(open_browser, server, viewport):
    marek = open_browser(viewport=viewport)
    sign_in(marek, MAREK)
    address = f"zaproszona.{viewport['width']}@olawa.gwd.example"
    marek.goto(f"{GROUP}/invitations/")
    marek.fill("#id_email", address)
    marek.locator("form[action$='invitations/new/'] button[type=submit]").click()
    marek.locator(".messages").wait_for()
    link = re.search(
        r"http://127\.0\.0\.1:\d+/invitations/[^\s]+/", last_mail_to(server["mail"], address)
    ).group(0)

    invitee = open_browser(viewport=viewport)
    invitee.goto(link)
    invitee.wait_for_url("**/accounts/signup/")
    notice = invitee.locator("[data-invitation-group=gwd-miejska]").inner_text()
    assert "Marek Kowalski" in notice and "GWD miejska" in notice
    assert fits_across(invitee)

    stranger = open_browser(viewport=viewport)
    stranger.goto("/accounts/signup/")
    page = stranger.content()
    assert "Marek Kowalski" not in page and "GWD miejska" not in page


def test_ukrainian_security_pages_use_sentence_case_and_one_term(open_browser, viewport):
    olena = open_browser("uk-UA", viewport=viewport)
    sign_in(olena, OLENA)
    olena.goto("/accounts/2fa/")
    text = olena.locator("main").inner_text()
    assert "аутентиф" not in text.lower()
    assert "Додаток для автентифікації" in text
