"""Names people typed (a municipality, an indicator) go into the round's template and the
comparison's XLSX report as text: one starting with "=" is not run as a formula."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from indicators import sheets

FORMULA = '=HYPERLINK("http://example.invalid","Lublin")'


def _xlsx_rows(content: bytes) -> list[tuple]:
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    return list(sheet.iter_rows(values_only=True))


def test_the_xlsx_template_keeps_a_name_that_starts_a_formula_as_text():
    rows = _xlsx_rows(sheets.write([["0663011", FORMULA, "roads", "+1", "%", 2025, None]], "xlsx"))
    assert rows[1][1] == "'" + FORMULA and rows[1][3] == "'+1"
    assert rows[1][5] == 2025


def test_the_csv_template_keeps_a_name_that_starts_a_formula_as_text():
    content = sheets.write([["0663011", FORMULA, "roads", "@x", "%", 2025, None]], "csv")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    assert rows[1][1] == "'" + FORMULA and rows[1][3] == "'@x"


@pytest.mark.django_db
def test_the_xlsx_report_keeps_unit_and_indicator_names_as_text(
    login, group, member, cities, catalogue, figures
):
    cities["lublin"].name = FORMULA
    cities["lublin"].save(update_fields=["name"])
    catalogue["tax_cost"].name_pl = "=1+1"
    catalogue["tax_cost"].save(update_fields=["name_pl"])
    query = f"?indicator={catalogue['tax_cost'].pk}&year=2025&format=xlsx"
    response = login(member).get(reverse("indicators:report", kwargs={"slug": group.slug}) + query)
    rows = _xlsx_rows(response.content)
    assert rows[0][0].startswith("'=1+1")
    assert rows[2][2] == "'" + FORMULA
