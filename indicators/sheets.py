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
import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import IO
from xml.parsers import expat

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from odf.opendocument import OpenDocumentSpreadsheet
from odf.table import Table, TableCell, TableRow
from odf.text import P
from openpyxl import Workbook
from python_calamine import CalamineError, CalamineWorkbook

from gwd.text import spreadsheet_cell

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
# The template fills A to G; a few columns of notes beside them are welcome. The reader
# builds a grid of every row × column up to the last cell with data, so both are capped.
MAX_COLUMNS = 26
# What the parts of an XLSX or ODS may unpack to: a full template is some 5 MB.
MAX_UNPACKED_BYTES = 64 * 1024 * 1024

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
        # Names are typed by people: "=HYPERLINK(…)" must stay text, not become a formula.
        sheet.append([spreadsheet_cell(cell) for cell in row])
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
        writer.writerow(["" if cell is None else spreadsheet_cell(cell) for cell in row])
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


def _last_filled(raw: Sequence[object]) -> int:
    """The column number of the last cell with something in it; 0 for none."""
    return next((i for i in range(len(raw), 0, -1) if _text(raw[i - 1]) != ""), 0)


def _rows(table: Iterator[Sequence[object]]) -> Iterator[SheetRow]:
    width = len(COLUMNS)
    for number, raw in enumerate(table, start=1):
        if number == 1:
            continue  # the headings, in whatever language the template was made
        error = _too_big(number, _last_filled(raw))
        if error is not None:
            raise error
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


def _too_big(rows: int, columns: int) -> SheetError | None:
    if rows > MAX_ROWS + 1:
        return SheetError(_("The file has more than %(rows)s rows.") % {"rows": MAX_ROWS})
    if columns > MAX_COLUMNS:
        return SheetError(
            _("The file has data beyond column Z (%(columns)s columns); the template uses A to G.")
            % {"columns": MAX_COLUMNS}
        )
    return None


_REFERENCE = re.compile(r"([A-Z]{1,3})([0-9]{1,7})")


def _given(attributes: dict[str, str], local: str, default: str = "1") -> str:
    """The attribute named `local` whatever its namespace prefix (table:, office:)."""
    for key, value in attributes.items():
        if key[key.rfind(":") + 1 :] == local:
            return value
    return default


class _Extent:
    """The last row and column holding data in the sheets of an XLSX (its worksheet
    parts) or an ODS (its content.xml, whose repeated rows and cells count as many),
    placed as python-calamine places them; the first beyond the limits is raised."""

    def __init__(self) -> None:
        self.row = self.column = 0  # where the reader is, counted from 1
        self.repeated = 1  # how many rows (ODS) the current row stands for
        self.cell_end = 0  # the column after the current cell (ODS repeats it)
        self.cell_has_data = False

    def _data_at(self, row: int, column: int) -> None:
        error = _too_big(row, column)
        if error is not None:
            raise error

    def start(self, name: str, attributes: dict[str, str]) -> None:
        # Called for every element of a sheet, so the commonest come first.
        local = name[name.rfind(":") + 1 :]
        try:
            if local == "c":  # an XLSX cell
                if "r" in attributes:
                    self._reference(attributes["r"])
                else:
                    self.column += 1
                self.cell_has_data = False
            elif local in ("v", "is", "f", "p"):
                self.cell_has_data = True
            elif local in ("table-cell", "covered-table-cell"):
                self.cell_end = self.column + int(_given(attributes, "number-columns-repeated"))
                self.column = self.cell_end
                self.cell_has_data = _given(attributes, "value-type", "") != ""
            elif local == "row":
                self.row = int(attributes["r"]) if "r" in attributes else self.row + 1
                self.column = 0
            elif local == "table-row":
                self.row += self.repeated
                self.repeated = int(_given(attributes, "number-rows-repeated"))
                self.column = 0
            elif local == "table":  # an ODS sheet
                self.row, self.repeated = 0, 1
        except ValueError:
            raise SheetError(_("This file is not a spreadsheet GWD can read.")) from None

    def _reference(self, reference: str) -> None:
        match = _REFERENCE.fullmatch(reference)
        if match is None:
            raise ValueError(reference)
        letters, digits = match.groups()
        self.column = 0
        for letter in letters:
            self.column = self.column * 26 + ord(letter) - ord("A") + 1
        self.row = int(digits)

    def end(self, name: str) -> None:
        local = name[name.rfind(":") + 1 :]
        if local == "c" and self.cell_has_data:
            self._data_at(self.row, self.column)
        elif local in ("table-cell", "covered-table-cell") and self.cell_has_data:
            self._data_at(self.row + self.repeated - 1, self.cell_end)
            self.cell_has_data = False


def _no_doctype(*_args: object) -> None:
    # Spreadsheets declare no DTD; one that does may be defining entities to multiply.
    raise SheetError(_("This file is not a spreadsheet GWD can read."))


def _check_archive(content: bytes) -> None:
    """Refuse an XLSX or ODS whose parts unpack to more than MAX_UNPACKED_BYTES or
    whose sheets hold data beyond MAX_ROWS or MAX_COLUMNS, before python-calamine reads
    it: calamine builds the whole grid up to the last cell with data (32 bytes a cell),
    so two cells in A1 and XFD1048576 ask for 512 GB and abort the process."""
    budget = MAX_UNPACKED_BYTES
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            for member in archive.infolist():
                with archive.open(member) as part:
                    budget -= _measure_part(part, budget)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, expat.ExpatError):
        raise SheetError(_("This file is not a spreadsheet GWD can read.")) from None


def _measure_part(part: IO[bytes], budget: int) -> int:
    """The bytes `part` unpacks to, at most `budget`; an XML part (whatever its name:
    the workbook's relations may place a sheet anywhere) is parsed for its extent."""
    parser = expat.ParserCreate()
    extent = _Extent()
    parser.StartElementHandler = extent.start
    parser.EndElementHandler = extent.end
    parser.StartDoctypeDeclHandler = _no_doctype
    unpacked = 0
    xml = False
    while chunk := part.read(1024 * 1024):
        if unpacked == 0:
            xml = chunk.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"<"
        unpacked += len(chunk)
        if unpacked > budget:
            raise SheetError(
                _("The file unpacks to more than %(mb)s MB.")
                % {"mb": MAX_UNPACKED_BYTES // (1024 * 1024)}
            )
        if xml:
            parser.Parse(chunk, False)
    if xml:
        parser.Parse(b"", True)
    return unpacked


def _csv_rows(reader: Iterator[list[str]]) -> Iterator[list[str]]:
    try:
        yield from reader
    except csv.Error:
        raise SheetError(
            _("This CSV file cannot be read: a field is too long or broken.")
        ) from None


def read(content: bytes, name: str) -> Iterator[SheetRow]:
    """The rows of an uploaded file, told apart by its content (a ZIP is XLSX or ODS,
    anything else is read as CSV), or SheetError."""
    if content[:4] == b"PK\x03\x04":
        _check_archive(content)
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
    return _rows(_csv_rows(csv.reader(io.StringIO(text), delimiter=delimiter)))
