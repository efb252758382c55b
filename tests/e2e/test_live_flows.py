"""What arrives live looks as it does after a reload, and the bell rings on every page
(see the conftest for the set-up)."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in

ANNA = "a.nowak@lublin.gwd.example"  # member of GWD miejska
MAREK = "m.kowalski@kielce.gwd.example"  # facilitator of GWD miejska
OLENA = "o.kovalenko@zhytomyr.gwd.example"  # facilitator of the Ukrainian group
IHOR = "i.bondarenko@vinnytsia.gwd.example"  # member of the Ukrainian group

# language: (group, thread, who writes, who reads)
CASES = {
    "pl": ("gwd-miejska", "Podatek od nieruchomości", MAREK, ANNA),
    "uk": ("efektywnosc-energetyczna-ua", "Umowa ESCO", OLENA, IHOR),
}
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


def text_of(locator) -> str:
    return " ".join(locator.text_content().split())


def open_thread(page, group: str, title: str) -> str:
    page.goto(f"/groups/{group}/threads/")
    page.get_by_role("link", name=re.compile(title)).first.click()
    page.locator("#connection.connection--online").wait_for()
    return page.url


def send(page, text: str) -> None:
    page.fill("#reply-form textarea[name=body]", text)
    page.locator("#reply-form button[type=submit]").click()


def read_everything(page) -> None:
    page.goto("/notifications/")
    mark = page.locator("form[action$='/read/'] button[type=submit]")
    if mark.count():
        mark.first.click()
        page.wait_for_url("**/notifications/")


@pytest.mark.parametrize("language", CASES)
def test_a_live_message_looks_as_after_a_reload(open_browser, language):
    group, title, writer_email, reader_email = CASES[language]
    writer, reader = open_browser(), open_browser()
    sign_in(writer, writer_email)
    sign_in(reader, reader_email)
    url = open_thread(writer, group, title)
    reader.goto(url)
    reader.locator("#connection.connection--online").wait_for()

    send(writer, f"Na żywo {language}")
    article = reader.locator("article.message", has_text=f"Na żywo {language}")
    article.wait_for()
    live = text_of(article.locator(".message__meta"))
    message_id = article.get_attribute("id")

    reader.reload()
    assert text_of(reader.locator(f"#{message_id} .message__meta")) == live
    assert not reader.errors and not writer.errors


@pytest.mark.parametrize("language", CASES)
def test_a_live_row_of_the_thread_list_looks_as_after_a_reload(open_browser, language):
    group, title, writer_email, reader_email = CASES[language]
    writer, reader = open_browser(), open_browser()
    sign_in(writer, writer_email)
    sign_in(reader, reader_email)
    url = open_thread(writer, group, title)
    thread_id = url.rstrip("/").rsplit("/", 1)[-1]
    open_thread(reader, group, title)  # read up to now: the next message is the one unread
    reader.goto(f"/groups/{group}/threads/")
    row = reader.locator(f"#thread-list > li[data-thread='{thread_id}']")
    # The list page learns where the group's events stand from the socket's first
    # heartbeat; what is written before that is already in the page.
    reader.locator("#discussion-client[data-synced]").wait_for(state="attached")
    expect(row.locator(".unread")).to_be_hidden()
    before = int(row.locator("[data-count]").get_attribute("data-count"))

    send(writer, f"Wiersz {language}")
    expect(row.locator(".unread")).to_be_visible()
    live = {
        "unread": text_of(row.locator(".unread")),
        "time": text_of(row.locator("time")),
        "count": row.locator("[data-count]").get_attribute("data-count"),
    }
    assert live["count"] == str(before + 1)

    reader.reload()
    assert {
        "unread": text_of(row.locator(".unread")),
        "time": text_of(row.locator("time")),
        "count": row.locator("[data-count]").get_attribute("data-count"),
    } == live
    assert not reader.errors


def test_the_typing_hint_goes_as_soon_as_the_message_arrives(open_browser):
    anna, marek = open_browser(), open_browser()
    sign_in(anna, ANNA)
    sign_in(marek, MAREK)
    url = open_thread(marek, *CASES["pl"][:2])
    anna.goto(url)
    anna.locator("#connection.connection--online").wait_for()

    marek.locator("#reply-form textarea[name=body]").press_sequentially("Piszę")
    expect(anna.locator("#typing")).not_to_be_empty()
    marek.locator("#reply-form button[type=submit]").click()
    anna.locator("article.message", has_text="Piszę").wait_for()
    # The hint would otherwise stay for its full five seconds.
    expect(anna.locator("#typing")).to_be_empty(timeout=1_000)


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_bell_never_shows_zero(open_browser, viewport):
    anna = open_browser(viewport=VIEWPORTS[viewport])
    sign_in(anna, ANNA)
    read_everything(anna)
    for path in ("/", "/notifications/", "/groups/gwd-miejska/threads/"):
        anna.goto(path)
        expect(anna.locator("#bell-count")).to_be_hidden()


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_bell_rings_live_on_any_page_and_lists_the_latest(open_browser, viewport):
    anna, marek = open_browser(viewport=VIEWPORTS[viewport]), open_browser()
    sign_in(anna, ANNA)
    sign_in(marek, MAREK)
    read_everything(anna)
    anna.goto("/")
    anna.locator("#bell[aria-expanded]").wait_for()  # the bell's client has started
    anna.wait_for_function("() => document.getElementById('bell').dataset.live === 'true'")

    open_thread(marek, *CASES["pl"][:2])
    send(marek, f"@**Anna Nowak** dzwonek {viewport}")
    badge = anna.locator("#bell-count")
    expect(badge).to_be_visible()
    expect(badge.locator("[data-bell-number]")).to_have_text("1")
    live = text_of(badge)  # the words a screen reader hears too ("1 nieprzeczytana")
    anna.reload()
    assert text_of(badge) == live
    anna.locator("#bell[aria-expanded]").wait_for()

    bell = anna.locator("#bell")
    bell.focus()
    anna.keyboard.press("Enter")
    panel = anna.locator("#bell-panel")
    expect(panel).to_be_visible()
    expect(bell).to_have_attribute("aria-expanded", "true")
    first = panel.locator("a[href*='/notifications/']").first
    expect(first).to_be_visible()
    anna.keyboard.press("Escape")
    expect(panel).to_be_hidden()
    expect(bell).to_be_focused()

    bell.click()
    panel.locator("[data-bell-read] button").click()
    expect(badge).to_be_hidden()
    anna.reload()
    expect(anna.locator("#bell-count")).to_be_hidden()
    assert not anna.errors


def test_without_javascript_the_bell_is_a_link_to_the_notifications(open_browser):
    anna = open_browser(java_script_enabled=False)
    sign_in(anna, ANNA)
    anna.locator("#bell").click()
    anna.wait_for_url("**/notifications/")
