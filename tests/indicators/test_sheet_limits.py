"""An uploaded spreadsheet is measured before it is read: a file of a few kilobytes that
names a far cell (XFD1048576), repeats a row a million times or unpacks to gigabytes is
refused with a reason, before the reader builds its grid of rows × columns in memory."""

import io
import resource
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from indicators import sheets
from indicators.models import Value

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
MANIFEST = (
    '<?xml version="1.0"?><manifest:manifest '
    'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
    '<manifest:file-entry manifest:full-path="/" '
    'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)


def _xlsx(sheet_data: str, *, shared_strings: str | None = None) -> bytes:
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/'
            '2006/content-types"><Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
            'ContentType="application/xml"/></Types>'
        ),
        "_rels/.rels": (
            f'<?xml version="1.0"?><Relationships xmlns="{RELS}"><Relationship Id="rId1" '
            f'Type="{OFFICE}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<?xml version="1.0"?><workbook xmlns="{MAIN}" xmlns:r="{OFFICE}"><sheets>'
            '<sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<?xml version="1.0"?><Relationships xmlns="{RELS}"><Relationship Id="rId1" '
            f'Type="{OFFICE}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
        ),
        "xl/worksheets/sheet1.xml": (
            f'<?xml version="1.0"?><worksheet xmlns="{MAIN}"><sheetData>{sheet_data}'
            "</sheetData></worksheet>"
        ),
    }
    if shared_strings is not None:
        parts["xl/sharedStrings.xml"] = shared_strings
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def _ods(table: str) -> bytes:
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="Data">{table}'
        "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("META-INF/manifest.xml", MANIFEST)
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def _cell(reference: str, value: str = "1") -> str:
    return f'<c r="{reference}"><v>{value}</v></c>'


def _ods_cell(text: str = "x", repeated: int = 1) -> str:
    return (
        f'<table:table-cell table:number-columns-repeated="{repeated}" '
        f'office:value-type="string"><text:p>{text}</text:p></table:table-cell>'
    )


def _refusal(content: bytes) -> str:
    with pytest.raises(sheets.SheetError) as raised:
        list(sheets.read(content, "dane"))
    return raised.value.message


def _peak_mb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def test_an_xlsx_naming_the_last_cell_of_a_sheet_is_refused_before_its_grid_is_built():
    content = _xlsx(f'<row r="1">{_cell("A1")}</row><row r="1048576">{_cell("XFD1048576")}</row>')
    assert len(content) < 2000
    before = _peak_mb()
    message = _refusal(content)
    # Read as a grid, this file asks for 512 GB and aborts the process.
    assert _peak_mb() - before < 50
    assert str(sheets.MAX_ROWS) in message


def test_an_xlsx_with_a_row_beyond_the_limit_is_refused_with_the_limit():
    content = _xlsx(f'<row r="1">{_cell("A1")}</row><row r="20002">{_cell("A20002")}</row>')
    assert str(sheets.MAX_ROWS) in _refusal(content)


def test_an_xlsx_with_data_beyond_the_last_column_allowed_is_refused():
    message = _refusal(_xlsx(f'<row r="1">{_cell("A1")}{_cell("AA1")}</row>'))
    assert str(sheets.MAX_COLUMNS) in message


def test_cells_without_references_are_counted_as_a_reader_places_them():
    cells = "".join("<c><v>1</v></c>" for _ in range(30))
    assert str(sheets.MAX_COLUMNS) in _refusal(_xlsx(f"<row>{cells}</row>"))


def test_empty_styled_cells_far_away_do_not_count():
    content = _xlsx(
        f'<row r="1">{_cell("A1")}</row>'
        '<row r="2"><c r="A2" t="inlineStr"><is><t>0663011</t></is></c>'
        '<c r="XFD2" s="1"/></row><row r="900000"><c r="A900000" s="1"/></row>'
    )
    (row,) = sheets.read(content, "dane.xlsx")
    assert row.unit_code == "0663011"


def test_an_xlsx_that_unpacks_to_more_than_the_limit_is_refused():
    # 80 MB of one letter packs into some 80 KB; the reader would hold all of it.
    shared = "<sst><si><t>" + "a" * (80 * 1024 * 1024) + "</t></si></sst>"
    content = _xlsx(f'<row r="1">{_cell("A1")}</row>', shared_strings=shared)
    assert len(content) < 1024 * 1024
    assert "MB" in _refusal(content)


def test_an_ods_row_repeated_a_million_times_is_refused():
    content = _ods(
        f'<table:table-row table:number-rows-repeated="1000000">{_ods_cell()}</table:table-row>'
    )
    assert str(sheets.MAX_ROWS) in _refusal(content)


def test_an_ods_cell_repeated_across_the_sheet_is_refused():
    content = _ods(f"<table:table-row>{_ods_cell(repeated=16384)}</table:table-row>")
    assert str(sheets.MAX_COLUMNS) in _refusal(content)


def test_an_ods_with_the_empty_tail_spreadsheet_programs_write_reads():
    empty_tail = '<table:table-cell table:number-columns-repeated="16377"/>'
    rows = [
        "".join(_ods_cell(text) for text in ("kod", "n", "w", "n", "m", "rok", "wartość")),
        "".join(_ods_cell(text) for text in ("0663011", "Lublin", "roads", "", "", "2025", "7")),
    ]
    table = "".join(f"<table:table-row>{row}{empty_tail}</table:table-row>" for row in rows)
    table += (
        '<table:table-row table:number-rows-repeated="1048574">'
        '<table:table-cell table:number-columns-repeated="16384"/></table:table-row>'
    )
    (row,) = sheets.read(_ods(table), "dane.ods")
    assert (row.unit_code, row.indicator_code) == ("0663011", "roads")


def test_a_csv_with_data_beyond_the_last_column_allowed_is_refused():
    line = ";".join(["x"] * 40)
    content = f"kod;nazwa;wskaźnik;n;j;rok;wartość\n{line}\n".encode()
    assert str(sheets.MAX_COLUMNS) in _refusal(content)


def test_a_csv_field_too_long_for_the_reader_is_refused_with_a_reason():
    content = b"kod;nazwa;wska\xc5\xbanik;n;j;rok;warto\xc5\x9b\xc4\x87\n" + b"x" * 200_000
    assert _refusal(content)


def test_a_csv_with_more_rows_than_the_limit_is_refused():
    lines = "".join(f"0663011;Lublin;roads;;;2025;{i}\n" for i in range(sheets.MAX_ROWS + 1))
    content = ("kod;nazwa;wskaźnik;n;j;rok;wartość\n" + lines).encode()
    assert str(sheets.MAX_ROWS) in _refusal(content)


@pytest.mark.django_db
def test_the_import_page_refuses_a_far_cell_with_a_reason_and_writes_nothing(
    login, group, member, cities, data_round
):
    page = reverse(
        "indicators:round-import", kwargs={"slug": group.slug, "round_id": data_round.pk}
    )
    content = _xlsx(f'<row r="1">{_cell("A1")}</row><row r="1048576">{_cell("XFD1048576")}</row>')
    response = login(member).post(page, {"file": SimpleUploadedFile("dane.xlsx", content)})
    assert response.status_code == 400
    assert str(sheets.MAX_ROWS) in response.content.decode()
    assert not Value.objects.exists()
