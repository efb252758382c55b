"""Exports in a browser: a thread and a meeting downloaded as PDF and DOCX from their
pages, in Polish and Ukrainian, at a desk's width and a phone's, and read back."""

import io

import docx
import pypdf
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in

GROUP = "/groups/efektywnosc-energetyczna-ua/"  # a Polish-Ukrainian group of the demo
READERS = {
    "pl": ("pl-PL", "r.dabrowski@plock.gwd.example"),
    "uk": ("uk-UA", "i.bondarenko@vinnytsia.gwd.example"),
}
VIEWPORTS = {
    "desk": {"width": 1280, "height": 900},
    "phone": {"width": 390, "height": 844},
}


def downloaded(page, file_format: str) -> tuple[str, bytes]:
    """Click the page's export link for `file_format`; the file's name and content."""
    link = page.locator(f"main a[data-export={file_format}]")
    expect(link).to_be_visible()
    with page.expect_download() as info:
        link.click()
    download = info.value
    with open(download.path(), "rb") as file:
        return download.suggested_filename, file.read()


def text_of(file_format: str, content: bytes) -> str:
    """The file's text, its runs of white space (a PDF's line breaks) as single spaces."""
    if file_format == "pdf":
        pages = pypdf.PdfReader(io.BytesIO(content)).pages
        parts = [page.extract_text() for page in pages]
    else:
        document = docx.Document(io.BytesIO(content))
        parts = [p.text for p in document.paragraphs] + [
            cell.text for table in document.tables for row in table.rows for cell in row.cells
        ]
    return " ".join(" ".join(parts).split())


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("language", READERS)
def test_a_thread_and_a_meeting_download_as_pdf_and_docx(open_browser, language, viewport):
    locale, email = READERS[language]
    page = open_browser(locale, viewport=VIEWPORTS[viewport])
    sign_in(page, email)

    page.goto(f"{GROUP}threads/")
    page.locator(".thread-row__title").first.click()
    title = " ".join(page.locator("#thread-title").inner_text().split())
    for file_format in ("pdf", "docx"):
        name, content = downloaded(page, file_format)
        assert name.endswith(f".{file_format}"), name
        assert title in text_of(file_format, content)

    page.goto(f"{GROUP}meetings/")
    page.get_by_role("link", name="Spotkanie E2E").first.click()
    for file_format in ("pdf", "docx"):
        name, content = downloaded(page, file_format)
        assert name.endswith(f".{file_format}"), name
        text = text_of(file_format, content)
        assert "Spotkanie E2E" in text
        assert "https://meet.example.org/e2e" in text
    assert page.errors == []
