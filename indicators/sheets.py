"""Spreadsheets in and out: the template of a data round as CSV, XLSX or ODS, and the
rows of a filled-in file read back, whichever of the three it is.

The template has one row per unit and indicator, the value left empty; the columns are
fixed (``COLUMNS``) and named in the reader's language in the first row, which the reader
skips whatever language it is in. XLSX is written by openpyxl in write-only mode, ODS by
odfpy; XLSX and ODS are read by python-calamine (Rust, fast, no formulas evaluated, so a
file of 10,000 rows reads in well under a second), CSV by the standard library, with ``;``
or ``,`` between fields (Polish spreadsheets save ``;``, since the comma is the decimal
separator).
"""

import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from odf.opendocument import OpenDocumentSpreadsheet
from odf.table import Table, TableCell, TableRow
from odf.text import P
from openpyxl import Workbook
from python_calamine import CalamineError, CalamineWorkbook

COLUMNS = ("unit_code", "unit_name", "indicator_code", "indicator_name", "measure", "year", "value")
HEADINGS = {
    "unit_code": gettext_lazy("Unit code (TERYT / KATOTTH)"),
    "unit_name": gettext_lazy("Unit"),
    "indicator_code": gettext_lazy("Indicator code"),
    "indicator_name": gettext_lazy("Indicator"),
    "measure": gettext_lazy("Unit of measure"),
    "year": gettext_lazy("Year"),
    "value": gettext_lazy("Value"),
}
FORMATS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "csv": "text/csv; charset=utf-8",
}
MAX_ROWS = 20_000

Cell = str | int | float | Decimal | None


class SheetError(Exception):
    """`message` says, in the reader's language, why the file cannot be read."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class SheetRow:
    number: int  # as the spreadsheet numbers it: the heading is row 1
    unit_code: str
    indicator_code: str
    year: str
    value: Cell


def headings() -> list[str]:
    return [str(HEADINGS[column]) for column in COLUMNS]


def write(rows: Sequence[Sequence[Cell]], kind: str) -> bytes:
    """The template file of `kind` ("xlsx", "ods", "csv") with `rows` under the headings."""
    if kind == "xlsx":
        return _write_xlsx(rows)
    if kind == "ods":
        return _write_ods(rows)
    if kind == "csv":
        return _write_csv(rows)
    raise ValueError(kind)


def _write_xlsx(rows: Sequence[Sequence[Cell]]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(str(_("Data")))
    sheet.append(headings())
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _write_ods(rows: Sequence[Sequence[Cell]]) -> bytes:
    document = OpenDocumentSpreadsheet()
    table = Table(name=str(_("Data")))
    for row in [headings(), *rows]:
        table_row = TableRow()
        for cell in row:
            if isinstance(cell, int | float | Decimal) and not isinstance(cell, bool):
                table_cell = TableCell(valuetype="float", value=str(cell))
            else:
                table_cell = TableCell(valuetype="string")
            table_cell.addElement(P(text="" if cell is None else str(cell)))
            table_row.addElement(table_cell)
        table.addElement(table_row)
    document.spreadsheet.addElement(table)
    buffer = io.BytesIO()
    document.write(buffer)
    return buffer.getvalue()


def _write_csv(rows: Sequence[Sequence[Cell]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(headings())
    for row in rows:
        writer.writerow(["" if cell is None else cell for cell in row])
    # The byte-order mark makes Excel read the file as UTF-8 (ł, є) rather than cp1250.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _text(cell: object) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, datetime | date):
        return cell.isoformat()
    return str(cell).strip()


def _value(cell: object) -> Cell:
    if isinstance(cell, bool):
        return str(cell)
    if isinstance(cell, float):
        # repr keeps what the spreadsheet stored (0.1 stays 0.1, not 0.1000000000000000055…)
        return Decimal(repr(cell))
    if isinstance(cell, int):
        return Decimal(cell)
    if isinstance(cell, datetime | date):
        return cell.isoformat()
    return None if cell is None else str(cell)


def _rows(table: Iterator[Sequence[object]]) -> Iterator[SheetRow]:
    width = len(COLUMNS)
    for number, raw in enumerate(table, start=1):
        if number == 1:
            continue  # the headings, in whatever language the template was made
        if number > MAX_ROWS + 1:
            raise SheetError(_("The file has more than %(rows)s rows.") % {"rows": MAX_ROWS})
        cells = list(raw)[:width] + [None] * (width - len(raw))
        if all(_text(cell) == "" for cell in cells):
            continue
        by_column = dict(zip(COLUMNS, cells, strict=True))
        yield SheetRow(
            number=number,
            unit_code=_text(by_column["unit_code"]),
            indicator_code=_text(by_column["indicator_code"]),
            year=_text(by_column["year"]),
            value=_value(by_column["value"]),
        )


def read(content: bytes, name: str) -> Iterator[SheetRow]:
    """The rows of an uploaded file, told apart by its content (a ZIP is XLSX or ODS,
    anything else is read as CSV), or SheetError."""
    if content[:4] == b"PK\x03\x04":
        try:
            workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
            sheet = workbook.get_sheet_by_index(0)
            table = sheet.to_python(skip_empty_area=False)
        except (CalamineError, ValueError, IndexError, OSError):
            raise SheetError(_("This file is not a spreadsheet GWD can read.")) from None
        return _rows(iter(table))
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SheetError(_("Save the CSV file as UTF-8.")) from None
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    return _rows(iter(csv.reader(io.StringIO(text), delimiter=delimiter)))
