"""The library in a browser, at a desktop's and a phone's width, in Polish and Ukrainian:
folders renamed, moved and deleted; an upload confirmed, the same file noticed; the trash
opened by a member and deleting for good confirmed on its own page; tags as typed and
sizes in one form (see the conftest for the set-up)."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in

VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
# language: (browser locale, facilitator, member, group)
CAST = {
    "pl": (
        "pl-PL",
        "m.kowalski@kielce.gwd.example",
        "a.nowak@lublin.gwd.example",
        "gwd-miejska",
    ),
    "uk": (
        "uk-UA",
        "o.kovalenko@zhytomyr.gwd.example",
        "i.bondarenko@vinnytsia.gwd.example",
        "efektywnosc-energetyczna-ua",
    ),
}
EVERY_WAY = pytest.mark.parametrize(
    "language, viewport", [(lang, view) for lang in CAST for view in VIEWPORTS]
)
DOCUMENT_PAGE = re.compile(r"/library/\d+/$")


def person(open_browser, language, viewport, who, **options):
    locale, facilitator, member, slug = CAST[language]
    page = open_browser(locale=locale, viewport=VIEWPORTS[viewport], **options)
    sign_in(page, facilitator if who == "facilitator" else member)
    return page, f"/groups/{slug}/library/"


def create_folder(page, name: str) -> None:
    form = page.locator("form[action$='/library/folders/new/']")
    form.locator("input[name=name]").fill(name)
    form.locator("button[type=submit]").click()
    expect(page.locator(".breadcrumbs [aria-current=page]")).to_have_text(name)


def upload(page, library: str, name: str, content: str, **fields) -> None:
    page.goto(library)
    form = page.locator("form.upload-form")
    form.locator("input[type=file]").set_input_files(
        {"name": name, "mimeType": "text/plain", "buffer": content.encode()}
    )
    for field, value in fields.items():
        form.locator(f"[name={field}]").fill(value)
    form.locator("button[type=submit]").click()


@EVERY_WAY
def test_a_facilitator_renames_moves_and_deletes_folders(open_browser, language, viewport):
    page, library = person(open_browser, language, viewport, "facilitator")
    mark = f"{language}-{viewport}"
    page.goto(library)
    create_folder(page, f"Archiwum {mark}")
    archive = page.url
    page.goto(library)
    create_folder(page, f"Umowy {mark}")
    contracts = page.url
    create_folder(page, f"Szkoły {mark}")
    schools = page.url

    page.goto(contracts)
    manage = page.locator(".folder-manage")
    parent = manage.locator("select[name=folder-parent]")
    offered = parent.locator("option").all_inner_texts()
    # Neither the folder itself nor the folder inside it is a place to move it to.
    assert f"Archiwum {mark}" in offered
    assert f"Umowy {mark}" not in offered and f"Szkoły {mark}" not in offered
    manage.locator("input[name=folder-name]").fill(f"Umowy 2027 {mark}")
    parent.select_option(label=f"Archiwum {mark}")
    manage.locator(".folder-edit-form button[type=submit]").click()
    expect(page.locator(".message--success")).to_be_visible()
    expect(page.locator(".breadcrumbs")).to_contain_text(f"Archiwum {mark}")
    expect(page.locator(".breadcrumbs [aria-current=page]")).to_have_text(f"Umowy 2027 {mark}")

    # A folder that holds a folder is not deleted.
    page.locator(".folder-delete-form button[type=submit]").click()
    expect(page.locator(".message--error")).to_be_visible()
    expect(page.locator(".breadcrumbs [aria-current=page]")).to_have_text(f"Umowy 2027 {mark}")
    # An empty one is, and the library shows the folder it was in.
    page.goto(schools)
    page.locator(".folder-delete-form button[type=submit]").click()
    expect(page.locator(".message--success")).to_be_visible()
    assert page.url == contracts
    page.locator(".folder-delete-form button[type=submit]").click()
    expect(page.locator(".message--success")).to_be_visible()
    assert page.url == archive
    expect(page.locator(".folder-list a", has_text=f"Umowy 2027 {mark}")).to_have_count(0)
    assert not page.errors


@EVERY_WAY
def test_an_upload_is_confirmed_and_the_same_file_is_noticed(open_browser, language, viewport):
    page, library = person(open_browser, language, viewport, "facilitator")
    mark = f"{language}-{viewport}"
    content = f"Umowa ESCO {mark}: gwarantowane oszczędności 32%."
    upload(page, library, f"esco-{mark}.txt", content, title=f"Umowa {mark}", tags="ESCO, PPP")
    page.wait_for_url(DOCUMENT_PAGE, timeout=60_000)
    first = page.url
    confirmation = page.locator(".message--success")
    expect(confirmation).to_contain_text(f"Umowa {mark}")
    expect(confirmation.locator("a")).to_have_attribute("href", re.compile(r"/library/\d+/$"))
    # The tag keeps the case it was typed in.
    expect(page.locator(".facts .tag").first).to_have_text("ESCO")

    # The same content again: the library shows the document it already holds.
    upload(page, library, f"kopia-{mark}.txt", content, title=f"Kopia {mark}")
    warning = page.locator("form.upload-form .upload-duplicate")
    expect(warning).to_be_visible()
    link = warning.locator(".upload-duplicate__open")
    expect(link).to_have_text(f"Umowa {mark}")
    assert first.endswith(link.get_attribute("href"))
    # It becomes a new version of that document…
    warning.locator(".upload-duplicate__version").click()
    page.wait_for_url(first, timeout=60_000)
    expect(page.locator("section[aria-labelledby=versions-heading] tbody tr")).to_have_count(2)
    # …or, chosen so, a document of its own.
    upload(page, library, f"kopia-{mark}.txt", content, title=f"Kopia {mark}")
    expect(warning).to_be_visible()
    warning.locator(".upload-duplicate__anyway").click()
    page.wait_for_url(DOCUMENT_PAGE, timeout=60_000)
    assert page.url != first
    expect(page.locator(".message--success")).to_contain_text(f"Kopia {mark}")
    assert not page.errors


@EVERY_WAY
def test_a_member_restores_from_the_trash_and_deleting_for_good_is_confirmed(
    open_browser, language, viewport
):
    page, library = person(open_browser, language, viewport, "member")
    mark = f"{language}-{viewport}"
    upload(page, library, f"notatka-{mark}.txt", f"Notatka {mark}", title=f"Notatka {mark}")
    page.wait_for_url(DOCUMENT_PAGE, timeout=60_000)
    document = page.url
    page.locator(".danger-zone button[type=submit]").click()
    page.locator(".message--success a[href$='/library/trash/']").click()
    row = page.locator(".doc-row", has_text=f"Notatka {mark}")
    expect(row).to_be_visible()
    # A member restores, and does not delete for good.
    expect(row.locator(".trash-delete")).to_have_count(0)
    row.locator("button[type=submit]").click()
    page.wait_for_url(document)
    page.locator(".danger-zone button[type=submit]").click()

    # The facilitator confirms on a page of its own, which needs no script.
    moderator, _ = person(
        open_browser, language, viewport, "facilitator", java_script_enabled=False
    )
    moderator.goto(library + "trash/")
    row = moderator.locator(".doc-row", has_text=f"Notatka {mark}")
    row.locator(".trash-delete").click()
    moderator.wait_for_url(re.compile(r"/library/trash/\d+/delete/$"))
    expect(moderator.locator("h2")).to_contain_text(f"Notatka {mark}")
    moderator.locator("form.confirm-delete button[type=submit]").click()
    moderator.wait_for_url(re.compile(r"/library/trash/$"))
    expect(moderator.locator(".doc-row", has_text=f"Notatka {mark}")).to_have_count(0)
    assert page.goto(document).status == 404
    assert not page.errors


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_sizes_read_in_one_form_in_ukrainian(open_browser, viewport):
    page, library = person(open_browser, "uk", viewport, "member")
    page.goto(library)
    help_text = page.locator("form.upload-form .help", has_text="PDF")
    expect(help_text).to_contain_text("50 МБ")
    sizes = page.locator(".doc-row .meta").all_inner_texts()
    assert sizes and all("Кб" not in s and "KB" not in s for s in sizes)
    assert any(re.search(r"\d(,\d)?\s(кБ|Б|МБ)", s) for s in sizes), sizes


@EVERY_WAY
def test_without_a_script_the_same_file_is_noticed_too(open_browser, language, viewport):
    page, library = person(open_browser, language, viewport, "member", java_script_enabled=False)
    mark = f"{language}-{viewport}-plain"
    content = f"Procedura IN-1 {mark}"
    upload(page, library, f"in-1-{mark}.txt", content, title=f"Procedura {mark}")
    page.wait_for_url(DOCUMENT_PAGE)
    first = page.url
    expect(page.locator(".message--success a")).to_have_attribute("href", re.compile(r"/\d+/$"))
    upload(page, library, f"in-1-{mark}.txt", content, title=f"Kopia {mark}")
    warning = page.locator(".upload-duplicate")
    expect(warning).to_be_visible()
    assert first.endswith(warning.locator(".upload-duplicate__open").get_attribute("href"))
    # The form comes back filled in; the file is chosen again to upload it anyway.
    form = page.locator("form[enctype='multipart/form-data']")
    expect(form.locator("input[name=title]")).to_have_value(f"Kopia {mark}")
    form.locator("input[type=file]").set_input_files(
        {"name": f"in-1-{mark}.txt", "mimeType": "text/plain", "buffer": content.encode()}
    )
    form.locator("button[type=submit]").click()
    page.wait_for_url(DOCUMENT_PAGE)
    assert page.url != first
    expect(page.locator("h2#doc-title")).to_contain_text(f"Kopia {mark}")
