"""A round's template written as XLSX, ODS and CSV reads back the same, whichever
format it comes back in; what is not a spreadsheet is refused with a reason."""

from decimal import Decimal as D

import pytest

from indicators import sheets


@pytest.mark.parametrize("kind", ["xlsx", "ods", "csv"])
def test_the_template_reads_back_as_it_was_written(kind):
    rows = [
        ["0663011", "Lublin", "roads-share", "Udział dróg", "%", 2025, None],
        ["0663011", "Lublin", "tax-cost", "Koszt", "zł", 2025, D("12.5")],
    ]
    content = sheets.write(rows, kind)
    read = list(sheets.read(content, f"dane.{kind}"))
    assert [(r.number, r.unit_code, r.indicator_code, r.year) for r in read] == [
        (2, "0663011", "roads-share", "2025"),
        (3, "0663011", "tax-cost", "2025"),
    ]
    assert read[1].value in (D("12.5"), "12.5")


def test_a_csv_with_commas_and_polish_decimals_reads_too():
    content = "kod;nazwa;wskaźnik;n;j;rok;wartość\n0663011;Lublin;tax-cost;;;2025;1 234,5\n"
    (row,) = sheets.read(content.encode(), "x.csv")
    assert row.value == "1 234,5"
    content = "code,name,indicator,n,m,year,value\n0663011,Lublin,tax-cost,,,2025,12\n"
    (row,) = sheets.read(content.encode(), "x.csv")
    assert (row.unit_code, row.value) == ("0663011", "12")


def test_a_file_that_is_no_spreadsheet_is_refused():
    with pytest.raises(sheets.SheetError):
        list(sheets.read(b"PK\x03\x04garbage", "x.xlsx"))
    with pytest.raises(sheets.SheetError):
        list(sheets.read("zażółć".encode("cp1250"), "x.csv"))
