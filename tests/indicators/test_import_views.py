"""The import pages: a round's template downloads, the filled-in file comes back with a
result per row, a facilitator imports BDL files; outsiders, too-low roles and bad files
are refused and write nothing."""

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from indicators import sheets
from indicators.models import Value

BDL = Path(__file__).parent / "data" / "bdl"


@pytest.fixture
def user_factory(user_factory):
    """The officials and facilitators here read GWD in English, as the messages below."""

    def make(**fields):
        fields.setdefault("language", "en")
        return user_factory(**fields)

    return make


def _xlsx(rows) -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(sheets.headings())
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("lublin.xlsx", buffer.getvalue())


def _urls(group, data_round):
    kwargs = {"slug": group.slug, "round_id": data_round.pk}
    return (
        reverse("indicators:round-import", kwargs=kwargs),
        reverse("indicators:round-template", kwargs={**kwargs, "sheet_format": "xlsx"}),
    )


def test_an_official_downloads_the_template_of_their_own_municipality(
    login, group, member, cities, data_round
):
    _page, template = _urls(group, data_round)
    response = login(member).get(template)
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    rows = list(load_workbook(io.BytesIO(response.content), read_only=True).active.values)
    assert len(rows) == 1 + 3  # the headings and one row per indicator, Lublin only
    assert {row[0] for row in rows[1:]} == {"0663011"}


def test_a_facilitator_s_template_has_every_municipality(
    login, group, facilitator, cities, data_round
):
    _page, template = _urls(group, data_round)
    content = login(facilitator).get(template).content
    rows = list(load_workbook(io.BytesIO(content), read_only=True).active.values)
    assert len(rows) == 1 + 4 * 3


def test_the_upload_reports_each_refused_row_and_keeps_the_good_ones(
    login, group, member, cities, data_round
):
    page, _template = _urls(group, data_round)
    upload = _xlsx(
        [
            ["0663011", "Lublin", "roads-share", "", "", 2025, 64.5],
            ["0663011", "Lublin", "tax-cost", "", "", 2025, "abc"],
        ]
    )
    response = login(member).post(page, {"file": upload})
    assert response.status_code == 200
    html = response.content.decode()
    assert "1 figure accepted" in html and "1 row refused" in html
    assert "“abc” is not a number." in html
    assert Value.objects.get(unit=cities["lublin"]).value == 64.5


def test_a_file_that_is_not_a_spreadsheet_is_refused_clearly(
    login, group, member, cities, data_round
):
    page, _template = _urls(group, data_round)
    bad = SimpleUploadedFile("dane.xlsx", b"PK\x03\x04 not really")
    response = login(member).post(page, {"file": bad})
    assert response.status_code == 400
    assert "not a spreadsheet" in response.content.decode()
    assert login(member).post(page, {}).status_code == 400
    assert not Value.objects.exists()


def test_observers_may_not_import_and_outsiders_see_nothing(
    login, group, observer, outsider, cities, data_round
):
    page, template = _urls(group, data_round)
    upload = _xlsx([["0663011", "Lublin", "roads-share", "", "", 2025, 1]])
    assert login(observer).post(page, {"file": upload}).status_code == 403
    assert login(observer).get(template).status_code == 403
    assert login(outsider).get(page).status_code == 404
    assert not Value.objects.exists()


def test_a_facilitator_imports_a_saved_bdl_response(login, group, facilitator, cities, catalogue):
    url = reverse("indicators:bdl-import", kwargs={"slug": group.slug})
    upload = SimpleUploadedFile(
        "60559.json", (BDL / "by-variable-60559-page0.json").read_bytes(), "application/json"
    )
    response = login(facilitator).post(url, {"file": upload})
    assert response.status_code == 200
    assert "3 figures accepted" in response.content.decode()
    assert Value.objects.filter(source="bdl").count() == 3


def test_a_bdl_file_that_is_not_json_is_refused(login, group, facilitator, catalogue):
    url = reverse("indicators:bdl-import", kwargs={"slug": group.slug})
    response = login(facilitator).post(url, {"file": SimpleUploadedFile("x.json", b"<html>")})
    assert response.status_code == 400
    assert "not JSON" in response.content.decode()
    assert login(facilitator).post(url, {}).status_code == 400
    assert not Value.objects.exists()


def test_a_live_bdl_failure_is_shown(login, group, facilitator, catalogue, settings):
    settings.BDL_API_URL = "http://127.0.0.1:9"
    url = reverse("indicators:bdl-import", kwargs={"slug": group.slug})
    response = login(facilitator).post(url, {"variable": "60559", "years": "2023-2024"})
    assert response.status_code == 400
    assert "BDL cannot be reached" in response.content.decode()


def test_only_facilitators_import_from_bdl(login, group, member, outsider):
    url = reverse("indicators:bdl-import", kwargs={"slug": group.slug})
    assert login(member).get(url).status_code == 403
    assert login(outsider).get(url).status_code == 404
