"""Attachments in the browser: a member attaches a photo and a PDF and links a document
of the library; another member sees them live, and after a reload they are the same,
on a desk and on a phone, in Polish and Ukrainian."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in
from tests.resources.images import jpeg_with_gps, pdf_bytes

ANNA = "a.nowak@lublin.gwd.example"  # member of GWD miejska
MAREK = "m.kowalski@kielce.gwd.example"  # facilitator of GWD miejska
OLENA = "o.kovalenko@zhytomyr.gwd.example"  # facilitator of the Ukrainian group
IHOR = "i.bondarenko@vinnytsia.gwd.example"  # member of the Ukrainian group

# language: (browser locale, group, thread, who attaches, who reads, words of a document)
CASES = {
    "pl": ("pl-PL", "gwd-miejska", "Podatek od nieruchomości", ANNA, MAREK, "podatku"),
    "uk": ("uk-UA", "efektywnosc-energetyczna-ua", "Umowa ESCO", IHOR, OLENA, "ESCO"),
}
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
SCREENSHOTS = Path("test-results/screenshots")


def open_thread(page, group: str, title: str) -> str:
    page.goto(f"/groups/{group}/threads/")
    page.get_by_role("link", name=re.compile(title)).first.click()
    page.locator("#connection.connection--online").wait_for()
    return page.url


def attachments_of(article) -> list[tuple[str, str, str]]:
    """What a message shows of its attachments: kind of item, address, text."""
    return article.locator(".attachments > li").evaluate_all(
        """items => items.map(li => {
            const link = li.querySelector("a");
            const kind = li.querySelector("img") ? "image" : "card";
            return [kind, link ? link.getAttribute("href") : "",
                    li.textContent.split(/\\s+/).filter(Boolean).join(" ")];
        })"""
    )


def no_overflow(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("language", CASES)
def test_files_and_a_library_link_reach_another_member_live_and_survive_a_reload(
    open_browser, language, viewport
):
    locale, group, title, writer_email, reader_email, words = CASES[language]
    size = VIEWPORTS[viewport]
    writer = open_browser(locale, viewport=size)
    reader = open_browser(locale, viewport=size)
    sign_in(writer, writer_email)
    sign_in(reader, reader_email)
    url = open_thread(writer, group, title)
    reader.goto(url)
    reader.locator("#connection.connection--online").wait_for()

    marker = f"attach-{language}-{viewport}"
    uploads = []
    writer.on("response", lambda r: uploads.append(r) if "/library/attachments/" in r.url else None)
    writer.locator("#attach-input").set_input_files(
        [
            {"name": f"szkola-{marker}.jpg", "mimeType": "image/jpeg", "buffer": jpeg_with_gps()},
            {"name": f"audyt-{marker}.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()},
        ]
    )
    chips = writer.locator("#attach-chips .attach-chip")
    expect(chips).to_have_count(2)
    writer.wait_for_function(
        "() => !document.querySelector('#attach-chips').textContent.includes('…')"
    )
    assert [r.status for r in uploads] == [201, 201], [(r.status, r.text()) for r in uploads]
    expect(chips.nth(0).locator(".attach-chip__status")).to_have_text(re.compile("JPEG"))
    expect(chips.nth(1).locator(".attach-chip__status")).to_have_text(re.compile("PDF"))

    writer.locator("#attach-link").click()
    writer.fill("#attach-search", words)
    result = writer.locator("#attach-results .attach-result").first
    result.wait_for()
    document_title = result.locator(".attach-result__title").inner_text()
    result.click()
    expect(chips).to_have_count(3)
    writer.screenshot(path=str(SCREENSHOTS / f"attachments-{language}-{viewport}-form.png"))
    assert no_overflow(writer)

    writer.fill("#reply-form textarea[name=body]", f"Zdjęcie i audyt {marker}")
    writer.locator("#reply-form button[type=submit]").click()
    expect(chips).to_have_count(0)

    live = reader.locator("article.message", has_text=f"Zdjęcie i audyt {marker}")
    live.wait_for()
    live.locator(".attachments > li").nth(2).wait_for()
    image = live.locator(".attachment__image img")
    expect(image).to_have_attribute("alt", f"szkola-{marker}.jpg")
    # The thumbnail loads lazily: on a phone the new message may start below the fold.
    image.scroll_into_view_if_needed()
    reader.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=image.element_handle()
    )
    shown = attachments_of(live)
    assert [kind for kind, _href, _text in shown] == ["image", "card", "card"]
    assert f"audyt-{marker}.pdf" in shown[1][2] and "PDF" in shown[1][2]
    assert document_title in shown[2][2]
    message_id = live.get_attribute("id")
    live.scroll_into_view_if_needed()
    reader.screenshot(path=str(SCREENSHOTS / f"attachments-{language}-{viewport}-live.png"))
    assert no_overflow(reader)

    # The photo opens without the place it was taken.
    photo = reader.request.get(shown[0][1])
    assert photo.ok and b"GWD-Phone" not in photo.body() and b"Exif" not in photo.body()

    reader.reload()
    reloaded = reader.locator(f"#{message_id}")
    reloaded.locator(".attachments > li").nth(2).wait_for()
    assert attachments_of(reloaded) == shown
    writer.reload()
    assert attachments_of(writer.locator(f"#{message_id}")) == shown
    reloaded.scroll_into_view_if_needed()
    reader.screenshot(path=str(SCREENSHOTS / f"attachments-{language}-{viewport}-reload.png"))
    assert not writer.errors and not reader.errors
