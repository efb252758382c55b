"""Answering a message in the browser: the Reply link, a quote taken from the selection,
the box above the form, and the reply reaching another member live as it looks after a
reload, on a desk and on a phone, in Polish and Ukrainian (see the conftest)."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in

ANNA = "a.nowak@lublin.gwd.example"  # member of GWD miejska
MAREK = "m.kowalski@kielce.gwd.example"  # facilitator of GWD miejska
OLENA = "o.kovalenko@zhytomyr.gwd.example"  # facilitator of the Ukrainian group
IHOR = "i.bondarenko@vinnytsia.gwd.example"  # member of the Ukrainian group

# language: (browser locale, group, thread, who writes first, who answers)
CASES = {
    "pl": ("pl-PL", "gwd-miejska", "Podatek od nieruchomości", MAREK, ANNA),
    "uk": ("uk-UA", "efektywnosc-energetyczna-ua", "Umowa ESCO", OLENA, IHOR),
}
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


def open_thread(page, group: str, title: str) -> str:
    page.goto(f"/groups/{group}/threads/")
    page.get_by_role("link", name=re.compile(title)).first.click()
    page.locator("#connection.connection--online").wait_for()
    return page.url


def send(page, text: str) -> None:
    page.fill("#reply-form textarea[name=body]", text)
    page.locator("#reply-form button[type=submit]:not([form])").click()


def select_text(page, article_id: str, phrase: str) -> None:
    """Select `phrase` inside the body of the message `article_id`, as a reader would."""
    page.evaluate(
        """([id, phrase]) => {
            const body = document.querySelector(`#${id} .message__body`);
            const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                const at = node.textContent.indexOf(phrase);
                if (at < 0) continue;
                const range = document.createRange();
                range.setStart(node, at);
                range.setEnd(node, at + phrase.length);
                const selection = window.getSelection();
                selection.removeAllRanges();
                selection.addRange(range);
                return;
            }
            throw new Error(`no “${phrase}” in ${id}`);
        }""",
        [article_id, phrase],
    )


def quote_html(page, article_id: str) -> str:
    return page.locator(f"#{article_id} .reply-quote").evaluate("node => node.outerHTML")


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("language", CASES)
def test_a_reply_quoting_a_selection_reaches_another_member_and_survives_a_reload(
    open_browser, language, viewport
):
    locale, group, title, writer_email, answerer_email = CASES[language]
    size = VIEWPORTS[viewport]
    writer = open_browser(locale, viewport=size)
    answerer = open_browser(locale, viewport=size)
    sign_in(writer, writer_email)
    sign_in(answerer, answerer_email)
    url = open_thread(writer, group, title)
    answerer.goto(url)
    answerer.locator("#connection.connection--online").wait_for()

    marker = f"{language}-{viewport}"
    send(writer, f"Pytanie {marker}: termin mija w piątek o 15:00, prawda?")
    original = answerer.locator("article.message", has_text=f"Pytanie {marker}")
    original.wait_for()
    original_id = original.get_attribute("id")
    assert original_id and re.fullmatch(r"m\d+", original_id)

    select_text(answerer, original_id, "w piątek o 15:00")
    original.locator(".message__reply").click()
    preview = answerer.locator("#reply-preview")
    expect(preview).to_be_visible()
    expect(preview.locator("#reply-preview-excerpt")).to_have_text("w piątek o 15:00")
    expect(answerer.locator("#reply-form textarea[name=body]")).to_be_focused()
    send(answerer, f"Odpowiedź {marker}")
    expect(preview).to_be_hidden()

    reply = writer.locator("article.message", has_text=f"Odpowiedź {marker}")
    reply.wait_for()
    reply_id = reply.get_attribute("id")
    expect(reply.locator(".reply-quote__excerpt")).to_have_text("w piątek o 15:00")
    link = reply.locator(".reply-quote__link")
    expect(link).to_have_attribute("href", f"/groups/{group}/messages/{original_id[1:]}/")
    live = quote_html(writer, reply_id)

    writer.reload()
    assert quote_html(writer, reply_id) == live
    writer.locator(f"#{reply_id} .reply-quote__link").click()
    writer.wait_for_url(re.compile(f"#{original_id}$"))
    expect(writer.locator(f"#{original_id}")).to_be_visible()
    assert not writer.errors and not answerer.errors


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("language", CASES)
def test_a_reply_can_be_cancelled_and_a_plain_one_shows_the_start_of_the_original(
    open_browser, language, viewport
):
    locale, group, title, _writer, answerer_email = CASES[language]
    page = open_browser(locale, viewport=VIEWPORTS[viewport])
    sign_in(page, answerer_email)
    open_thread(page, group, title)
    marker = f"plain-{language}-{viewport}"
    send(page, f"Notatka {marker}")
    own = page.locator("article.message:not(.message--pending)", has_text=f"Notatka {marker}")
    own.wait_for()

    own.locator(".message__reply").click()
    preview = page.locator("#reply-preview")
    expect(preview.locator("#reply-preview-excerpt")).to_have_text(f"Notatka {marker}")
    page.locator("#reply-cancel").click()
    expect(preview).to_be_hidden()
    expect(page.locator("#reply-form #id_reply_to")).to_have_value("")

    own.locator(".message__reply").click()
    send(page, f"Dopisek {marker}")
    answer = page.locator("article.message:not(.message--pending)", has_text=f"Dopisek {marker}")
    expect(answer.locator(".reply-quote__excerpt")).to_have_text(f"Notatka {marker}")
    assert not page.errors


@pytest.mark.parametrize("language", CASES)
def test_a_reply_stops_showing_its_original_live_when_a_facilitator_hides_it(
    open_browser, language
):
    locale, group, title, facilitator_email, answerer_email = CASES[language]
    facilitator = open_browser(locale, viewport=VIEWPORTS["desktop"])
    answerer = open_browser(locale, viewport=VIEWPORTS["desktop"])
    sign_in(facilitator, facilitator_email)
    sign_in(answerer, answerer_email)
    url = open_thread(answerer, group, title)
    facilitator.goto(url)
    facilitator.locator("#connection.connection--online").wait_for()
    marker = f"hide-{language}"
    send(facilitator, f"Ogłoszenie {marker} do ukrycia")
    original = answerer.locator("article.message", has_text=f"Ogłoszenie {marker}")
    original.wait_for()
    original_id = original.get_attribute("id")
    original.locator(".message__reply").click()
    send(answerer, f"Odpowiedź {marker}")
    reply = answerer.locator(
        "article.message:not(.message--pending)", has_text=f"Odpowiedź {marker}"
    )
    expect(reply.locator(".reply-quote__excerpt")).to_have_text(f"Ogłoszenie {marker} do ukrycia")

    own = facilitator.locator(f"#{original_id}")
    own.locator("details.message__more > summary").click()
    own.locator("input[name=reason]").fill("Test")
    own.locator("form.moderate-form button[type=submit]").click()
    expect(reply.locator(".reply-quote")).to_have_class(re.compile("reply-quote--hidden"))
    expect(reply.locator(".reply-quote")).not_to_contain_text("do ukrycia")
    answerer.reload()
    expect(
        answerer.locator(f"article.message:has-text('Odpowiedź {marker}') .reply-quote")
    ).to_have_class(re.compile("reply-quote--hidden"))
    assert not facilitator.errors and not answerer.errors


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("language", CASES)
def test_without_javascript_the_reply_link_opens_the_form_answering_the_message(
    open_browser, language, viewport
):
    locale, group, title, _writer, answerer_email = CASES[language]
    page = open_browser(locale, viewport=VIEWPORTS[viewport], java_script_enabled=False)
    sign_in(page, answerer_email)
    page.goto(f"/groups/{group}/threads/")
    page.get_by_role("link", name=re.compile(title)).first.click()
    original = page.locator("article.message:has(.message__reply)").last
    original_id = original.get_attribute("id")
    original.locator(".message__reply").click()
    expect(page.locator("#reply-preview")).to_be_visible()
    expect(page.locator("#reply-form #id_reply_to")).to_have_value(original_id[1:])
    marker = f"nojs-{language}-{viewport}"
    page.fill("#reply-form textarea[name=body]", f"Bez skryptu {marker}")
    page.locator("#reply-form button[type=submit]:not([form])").click()
    reply = page.locator("article.message", has_text=f"Bez skryptu {marker}")
    expect(reply.locator(".reply-quote__link")).to_have_attribute(
        "href", f"/groups/{group}/messages/{original_id[1:]}/"
    )
