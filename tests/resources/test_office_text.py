"""The words inside spreadsheets and presentations (XLSX, ODS, PPTX) are read for search,
made by the libraries people's own programs resemble, and a file's sniffed type says
which way they are read."""

import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from resources import files
from tests.resources.test_library import private_files  # noqa: F401 — the fixture

pytestmark = pytest.mark.usefixtures("private_files")


def make_xlsx() -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Stawki 2027"
    sheet.append(["Gmina", "Stawka podatku od nieruchomości"])
    sheet.append(["Kielce", 1.25])
    book.create_sheet("Житомир").append(["Ставка податку на нерухомість"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def make_ods() -> bytes:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    document = OpenDocumentSpreadsheet()
    table = Table(name="Umowy")
    for words in ("Umowa o oświetlenie", "Договір про освітлення"):
        row = TableRow()
        cell = TableCell()
        cell.addElement(P(text=words))
        row.addElement(cell)
        table.addElement(row)
    document.spreadsheet.addElement(table)
    out = io.BytesIO()
    document.write(out)
    return out.getvalue()


def make_pptx(slides: int = 11) -> bytes:
    from pptx import Presentation

    presentation = Presentation()
    for number in range(1, slides + 1):
        slide = presentation.slides.add_slide(presentation.slide_layouts[1])
        slide.shapes.title.text = f"Slajd {number}"
        slide.placeholders[1].text = "Termomodernizacja szkół" if number == 2 else "Budżet"
    out = io.BytesIO()
    presentation.save(out)
    return out.getvalue()


def read(content: bytes, name: str) -> files.Extracted:
    upload = SimpleUploadedFile(name, content)
    content_type = files.sniff(upload)
    key = default_storage.save("groups/1/office", io.BytesIO(content))
    return files.extract_text(key, content_type)


def test_a_spreadsheets_texts_are_read():
    extracted = read(make_xlsx(), "stawki.xlsx")
    assert extracted.stopped == ""
    assert "Stawka podatku od nieruchomości" in extracted.text
    assert "Ставка податку на нерухомість" in extracted.text


def test_an_opendocument_spreadsheet_is_read():
    extracted = read(make_ods(), "umowy.ods")
    assert "Umowa o oświetlenie" in extracted.text
    assert "Договір про освітлення" in extracted.text


def test_a_presentations_slides_are_read_in_their_order():
    extracted = read(make_pptx(), "prezentacja.pptx")
    assert "Termomodernizacja szkół" in extracted.text
    assert extracted.text.index("Slajd 2 ") < extracted.text.index("Slajd 10 ")


def test_the_limits_count_every_slide_of_a_file(monkeypatch):
    monkeypatch.setattr(files, "XML_MARKUP_LIMIT", 200)
    extracted = read(make_pptx(slides=30), "dluga.pptx")
    assert extracted.stopped == "markup"
    assert "Slajd 1 " in extracted.text
