"""The discussion client's texts come from Django's JavaScript catalogue, in the
person's language, and the thread page runs without a console error."""

import re

from tests.e2e.conftest import sign_in

IHOR = "i.bondarenko@vinnytsia.gwd.example"  # Ukrainian member of the Ukrainian group


def test_the_thread_page_speaks_ukrainian_from_the_catalogue(open_browser):
    ihor = open_browser("uk-UA")
    console_errors = []
    ihor.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    sign_in(ihor, IHOR)
    ihor.goto("/groups/efektywnosc-energetyczna-ua/threads/")
    ihor.get_by_role("link", name=re.compile("Umowa ESCO")).first.click()

    # Written by the client, not the server: "Connected", and the online count with
    # the Ukrainian plural form.
    ihor.wait_for_selector("#connection:has-text('З’єднано')")
    ihor.wait_for_selector("#presence .presence__count")
    count = ihor.locator("#presence .presence__count").inner_text()
    assert re.fullmatch(r"\d+ (особа|особи|осіб) онлайн", count), count
    assert ihor.evaluate("typeof window.ngettext") == "function"
    assert not ihor.errors and not console_errors, ihor.errors + console_errors
