"""A municipality's profile as a report: PDF and XLSX in the reader's language and number
format, downloaded by whoever reads the group and filed in its library by those who upload."""

import io

import pypdf
import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from openpyxl import load_workbook

from groups.models import Group, GroupUnit
from indicators.models import ValueStatus
from resources.models import Document
from tests.groups.test_isolation import group_patterns
from tests.indicators.conftest import _unit

FORMULA = '=HYPERLINK("http://example.invalid","Kielce")'


def _report(group, unit, **query) -> str:
    url = reverse("indicators:profile-report", kwargs={"slug": group.slug, "unit_id": unit.pk})
    return url + "?" + "&".join(f"{k}={v}" for k, v in query.items())


def _save(group, unit, **query) -> str:
    url = reverse("indicators:profile-report-save", kwargs={"slug": group.slug, "unit_id": unit.pk})
    return url + "?" + "&".join(f"{k}={v}" for k, v in query.items())


def _profile(group, unit) -> str:
    return reverse("indicators:profile", kwargs={"slug": group.slug, "unit_id": unit.pk})


def _pdf_text(content: bytes) -> str:
    pages = pypdf.PdfReader(io.BytesIO(content)).pages
    # Numbers are grouped with a no-break space; the text layer may give either space.
    return "\n".join(page.extract_text() for page in pages).replace("\u00a0", " ")


def _xlsx_rows(content: bytes) -> list[tuple]:
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    return list(sheet.iter_rows(values_only=True))


def _reads(user, language: str):
    user.language = language
    user.save(update_fields=["language"])
    return user


def _flashed(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_the_pdf_names_the_unit_and_writes_its_numbers_in_polish(
    login, group, member, cities, figures
):
    response = login(member).get(_report(group, cities["kielce"], year=2025, format="pdf"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "-2025.pdf" in response["Content-Disposition"]
    text = _pdf_text(response.content)
    assert "Kielce, 2025" in text
    assert "120,5" in text  # Kielce's tax cost
    assert "109,25" in text  # the Polish median of it: (120,5 + 98) / 2
    assert "184 000" in text  # Kielce's population, grouped
    assert "Najmocniejsze strony" in text and "Najsłabsze strony" in text


def test_the_pdf_speaks_ukrainian_to_a_ukrainian_reader(login, group, member, cities, figures):
    response = login(_reads(member, "uk")).get(
        _report(group, cities["zhytomyr"], year=2025, format="pdf")
    )
    text = _pdf_text(response.content)
    assert "Житомир, 2025" in text and "Найсильніші сторони" in text
    assert "1 000" in text  # the Ukrainian median of the tax cost, (900 + 1100) / 2


def test_the_xlsx_holds_numbers_as_numbers(login, group, member, cities, catalogue, figures):
    response = login(_reads(member, "en")).get(
        _report(group, cities["kielce"], year=2025, format="xlsx")
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = _xlsx_rows(response.content)
    assert rows[0][0] == "Profile: Kielce, 2025"
    by_indicator = {row[0]: row for row in rows[2:]}
    # indicator, unit of measure, value, median, index, rank, units
    assert by_indicator["tax-cost"][1:] == ("PLN", 120.5, 109.25, 110.3, 2, 2)
    assert by_indicator["roads-share"][2:] == (70, 60, 116.7, 1, 4)
    assert by_indicator["population"][2] == 184000
    for row in by_indicator.values():
        assert all(isinstance(cell, int | float) for cell in row[2:])


def test_the_xlsx_names_the_strongest_and_the_weakest(
    login, group, member, cities, catalogue, figures
):
    response = login(_reads(member, "en")).get(
        _report(group, cities["kielce"], year=2025, format="xlsx")
    )
    workbook = load_workbook(io.BytesIO(response.content))
    summary = list(workbook.worksheets[1].iter_rows(values_only=True))
    assert ("Strongest", "roads-share", 1, 4) in summary
    assert ("Weakest", "tax-cost", 2, 2) in summary


def test_the_xlsx_keeps_names_that_start_a_formula_as_text(
    login, group, member, cities, catalogue, figures
):
    cities["kielce"].name = FORMULA
    cities["kielce"].save(update_fields=["name"])
    catalogue["roads"].name_en = "=1+1"
    catalogue["roads"].save(update_fields=["name_en"])
    response = login(_reads(member, "en")).get(
        _report(group, cities["kielce"], year=2025, format="xlsx")
    )
    rows = _xlsx_rows(response.content)
    assert rows[0][0] == "Profile: " + FORMULA + ", 2025"
    assert "'=1+1" in [row[0] for row in rows[2:]]
    assert "=1+1" not in [row[0] for row in rows[2:]]


def test_a_report_without_a_year_is_of_the_latest_year(login, group, member, cities, figures):
    response = login(_reads(member, "en")).get(_report(group, cities["kielce"], format="xlsx"))
    assert _xlsx_rows(response.content)[0][0] == "Profile: Kielce, 2025"


def test_an_observer_downloads_the_report(login, group, observer, cities, figures):
    response = login(observer).get(_report(group, cities["kielce"], year=2025, format="pdf"))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_an_outsider_gets_nothing_and_writes_nothing(login, group, outsider, cities, figures):
    client = login(outsider)
    assert client.get(_report(group, cities["kielce"], year=2025, format="pdf")).status_code == 404
    assert client.post(
        _save(group, cities["kielce"], year=2025), {"format": "pdf"}
    ).status_code == (404)
    assert not Document.objects.exists()


def test_a_unit_that_is_not_the_groups_has_no_report(login, group, member, figures):
    stranger = _unit("Sopot", "2264011")
    client = login(member)
    assert client.get(_report(group, stranger, format="pdf")).status_code == 404
    assert client.post(_save(group, stranger), {"format": "pdf"}).status_code == 404
    assert not Document.objects.exists()


def test_a_unit_of_another_group_has_no_report_here(
    login, group, other_group, member, cities, figures
):
    elsewhere = _unit("Sopot", "2264011")
    GroupUnit.objects.create(group=other_group, unit=elsewhere)
    assert login(member).get(_report(group, elsewhere, format="pdf")).status_code == 404


def test_an_unknown_format_or_a_year_that_is_not_one_is_not_found(
    login, group, member, cities, figures
):
    client = login(member)
    assert client.get(_report(group, cities["kielce"], year=2025, format="doc")).status_code == 404
    assert client.get(_report(group, cities["kielce"], year="abc", format="pdf")).status_code == 404
    assert client.get(_report(group, cities["kielce"], year="²", format="pdf")).status_code == 404


def test_a_year_without_verified_figures_sends_back_to_the_profile_saying_so(
    login, group, member, cities, figures
):
    figures("kielce", "roads", 2019, 40, status=ValueStatus.SUBMITTED)
    response = login(_reads(member, "en")).get(
        _report(group, cities["kielce"], year=2019, format="pdf")
    )
    assert response.status_code == 302 and response.url == _profile(group, cities["kielce"])
    assert _flashed(response) == ["There are no verified figures to report yet."]


def test_a_unit_without_verified_figures_has_no_report_to_save(login, group, member, figures):
    gdynia = _unit("Gdynia", "2262011")
    GroupUnit.objects.create(group=group, unit=gdynia)
    client = login(_reads(member, "en"))
    response = client.get(_report(group, gdynia, format="pdf"))
    assert response.status_code == 302 and response.url == _profile(group, gdynia)
    saved = client.post(_save(group, gdynia), {"format": "pdf"})
    assert saved.status_code == 302 and saved.url == _profile(group, gdynia)
    assert "There is no report to save." in _flashed(saved)
    assert not Document.objects.exists()


def test_a_member_files_the_profile_in_the_library_as_one_document(
    login, group, member, cities, figures
):
    response = login(_reads(member, "en")).post(
        _save(group, cities["kielce"], year=2025), {"format": "pdf"}
    )
    document = Document.objects.get(group=group)
    assert response.status_code == 302 and response.url.endswith(f"/library/{document.pk}/")
    assert document.title == "Profile: Kielce, 2025"
    assert document.language == "en"
    assert document.created_by == member
    assert document.versions.count() == 1
    assert document.current_version.original_name.endswith("-2025.pdf")
    assert document.current_version.content_type == "application/pdf"


def test_the_profile_files_as_xlsx_too(login, group, member, cities, figures):
    login(member).post(_save(group, cities["kielce"], year=2025), {"format": "xlsx"})
    document = Document.objects.get(group=group)
    assert document.current_version.original_name.endswith("-2025.xlsx")


def test_an_observer_may_not_file_the_profile(login, group, observer, cities, figures):
    response = login(observer).post(_save(group, cities["kielce"], year=2025), {"format": "pdf"})
    assert response.status_code == 403
    assert not Document.objects.exists()


def test_a_member_of_an_archived_group_may_not_file_the_profile(
    login, group, member, cities, figures
):
    Group.objects.filter(pk=group.pk).update(archived=True)
    client = login(member)
    assert client.get(_report(group, cities["kielce"], year=2025, format="pdf")).status_code == 200
    response = client.post(_save(group, cities["kielce"], year=2025), {"format": "pdf"})
    assert response.status_code == 403
    assert not Document.objects.exists()


@pytest.mark.parametrize("file_format", ["exe", ""])
def test_a_bad_format_files_nothing_and_says_why(
    login, group, member, cities, figures, file_format
):
    response = login(_reads(member, "en")).post(
        _save(group, cities["kielce"], year=2025), {"format": file_format}
    )
    assert response.status_code == 302
    assert _flashed(response) == ["There is no report to save."]
    assert not Document.objects.exists()


def test_saving_needs_a_post(login, group, member, cities, figures):
    assert login(member).get(_save(group, cities["kielce"], year=2025)).status_code == 405


def test_the_profile_page_offers_the_downloads_and_the_save_to_members(
    login, group, member, cities, figures
):
    html = login(member).get(_profile(group, cities["kielce"]) + "?year=2025").content.decode()
    report = reverse(
        "indicators:profile-report", kwargs={"slug": group.slug, "unit_id": cities["kielce"].pk}
    )
    assert f'href="{report}?format=pdf&amp;year=2025"' in html
    assert f'href="{report}?format=xlsx&amp;year=2025"' in html
    assert f'action="{report}save/?year=2025"' in html


def test_the_profile_page_offers_an_observer_the_downloads_only(
    login, group, observer, cities, figures
):
    html = login(observer).get(_profile(group, cities["kielce"]) + "?year=2025").content.decode()
    assert "format=pdf" in html
    assert "/report/save/" not in html


def test_the_isolation_walk_visits_the_profile_reports():
    found = {name: pattern.callback for name, pattern in group_patterns()}
    assert found["indicators:profile-report"].group_capability == "view"
    assert found["indicators:profile-report-save"].group_capability == "upload"
