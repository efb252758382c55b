"""The comparison, profile, chart and report pages: who may see them, what they show in
the reader's language, and a fixed number of queries however many municipalities."""

import io

from django.urls import reverse
from openpyxl import load_workbook

from groups.models import GroupUnit
from indicators.models import ValueStatus
from resources.models import Document
from tests.indicators.conftest import _unit


def _compare(group, **query):
    url = reverse("indicators:comparison", kwargs={"slug": group.slug})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_members_see_the_ranking_with_median_and_numbers_in_polish(
    login, group, member, catalogue, figures
):
    page = login(member).get(_compare(group, indicator=catalogue["tax_cost"].pk, year=2025))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Lublin" in html and "Житомир" in html
    assert "120,5" in html  # Kielce's cost, written the Polish way
    assert "1\u00a0100" in html  # Вінниця's 1100 hryvnia, grouped
    assert 'src="/groups/gwd-miejska/indicators/chart.svg?kind=bar&amp;' in html
    assert "section=1" in html  # money: one ranking per country


def test_the_page_speaks_ukrainian_to_a_ukrainian_reader(login, group, member, catalogue, figures):
    member.language = "uk"
    member.save()
    catalogue["roads"].name_uk = "Частка відремонтованих доріг"
    catalogue["roads"].save()
    page = login(member).get(_compare(group, indicator=catalogue["roads"].pk, year=2025))
    html = page.content.decode()
    assert '<html lang="uk">' in html
    assert "Частка відремонтованих доріг" in html


def test_an_observer_reads_and_an_outsider_gets_nothing(
    login, group, observer, outsider, catalogue, figures
):
    assert login(observer).get(_compare(group)).status_code == 200
    assert login(outsider).get(_compare(group)).status_code == 404


def test_an_indicator_of_no_concern_to_the_group_is_not_found(login, group, member, figures):
    assert login(member).get(_compare(group, indicator=999999)).status_code == 404
    assert login(member).get(_compare(group, indicator="x")).status_code == 404
    # A year with nothing falls back to the latest with figures.
    assert login(member).get(_compare(group, year="abc")).status_code == 200


def test_the_comparison_page_costs_the_same_queries_for_4_or_40_municipalities(
    login, group, member, cities, catalogue, figures, django_assert_max_num_queries
):
    client = login(member)
    url = _compare(group, indicator=catalogue["roads"].pk, year=2025, unit=cities["kielce"].pk)
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200
    for number in range(36):
        unit = _unit(f"Gmina {number}", f"{1000000 + number}")
        GroupUnit.objects.create(group=group, unit=unit)
        cities[f"g{number}"] = unit
        figures(f"g{number}", "roads", 2025, number)
    with django_assert_max_num_queries(12):
        page = client.get(url)
    assert "Gmina 35" in page.content.decode()


def test_the_profile_costs_the_same_queries_for_4_or_40_municipalities(
    login, group, member, cities, catalogue, figures, django_assert_max_num_queries
):
    client = login(member)
    url = reverse("indicators:profile", kwargs={"slug": group.slug, "unit_id": cities["kielce"].pk})
    with django_assert_max_num_queries(12):
        page = client.get(url + "?year=2025")
    assert page.status_code == 200 and "roads-share" in page.content.decode()
    for number in range(36):
        unit = _unit(f"Gmina {number}", f"{1000000 + number}")
        GroupUnit.objects.create(group=group, unit=unit)
        cities[f"g{number}"] = unit
        figures(f"g{number}", "roads", 2025, number)
    with django_assert_max_num_queries(12):
        assert client.get(url + "?year=2025").status_code == 200


def test_a_unit_outside_the_group_has_no_profile(login, group, member, figures):
    stranger = _unit("Sopot", "2264011")
    url = reverse("indicators:profile", kwargs={"slug": group.slug, "unit_id": stranger.pk})
    assert login(member).get(url).status_code == 404


def test_charts_are_svg_documents(login, group, member, cities, catalogue, figures):
    client = login(member)
    chart = reverse("indicators:chart", kwargs={"slug": group.slug})
    query = f"&indicator={catalogue['roads'].pk}&year=2025"
    for kind in ("bar", "box"):
        response = client.get(f"{chart}?kind={kind}{query}")
        assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
        assert b"<title" in response.content and b"<desc" in response.content
    chosen = f"unit={cities['kielce'].pk}&unit={cities['lublin'].pk}"
    line = client.get(f"{chart}?kind=line&indicator={catalogue['roads'].pk}&{chosen}")
    assert "Kielce" in line.content.decode() and "2024 60" in line.content.decode()
    assert client.get(f"{chart}?kind=pie").status_code == 404
    bad = client.get(f"{chart}?kind=bar{query}&section=9")
    assert bad.status_code == 404


def test_reports_download_as_pdf_and_xlsx(login, group, member, catalogue, figures):
    client = login(member)
    query = f"?indicator={catalogue['tax_cost'].pk}&year=2025"
    pdf = client.get(
        reverse("indicators:report", kwargs={"slug": group.slug}) + query + "&format=pdf"
    )
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    xlsx = client.get(
        reverse("indicators:report", kwargs={"slug": group.slug}) + query + "&format=xlsx"
    )
    sheet = load_workbook(io.BytesIO(xlsx.content), read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[2][1:4] == (1, "Lublin", 98.0)
    assert (
        client.get(
            reverse("indicators:report", kwargs={"slug": group.slug}) + "?format=doc"
        ).status_code
        == 404
    )


def test_a_report_without_figures_sends_back_to_the_page(login, group, member, catalogue):
    response = login(member).get(
        reverse("indicators:report", kwargs={"slug": group.slug}) + "?format=pdf"
    )
    assert response.status_code == 302


def test_a_member_saves_the_report_into_the_library(login, group, member, catalogue, figures):
    url = reverse("indicators:report-save", kwargs={"slug": group.slug})
    query = f"?indicator={catalogue['roads'].pk}&year=2025"
    response = login(member).post(url + query, {"format": "pdf"})
    document = Document.objects.get(group=group)
    assert response.status_code == 302 and response.url.endswith(f"/library/{document.pk}/")
    assert document.current_version.original_name.endswith("-2025.pdf")
    assert document.created_by == member


def test_an_observer_may_not_save_a_report_and_nothing_is_written(
    login, group, observer, catalogue, figures
):
    url = reverse("indicators:report-save", kwargs={"slug": group.slug})
    response = login(observer).post(
        url + f"?indicator={catalogue['roads'].pk}&year=2025", {"format": "pdf"}
    )
    assert response.status_code == 403
    assert not Document.objects.exists()


def test_a_bad_report_format_writes_nothing(login, group, member, catalogue, figures):
    url = reverse("indicators:report-save", kwargs={"slug": group.slug})
    response = login(member).post(
        url + f"?indicator={catalogue['roads'].pk}&year=2025", {"format": "exe"}
    )
    assert response.status_code == 302
    assert not Document.objects.exists()


def test_drafts_are_not_compared(login, group, member, catalogue, figures):
    figures("vinnytsia", "roads", 2023, 99, status=ValueStatus.DRAFT)
    page = login(member).get(_compare(group, indicator=catalogue["roads"].pk, year=2023))
    html = page.content.decode()
    # 2023 holds only a draft: it is not a year to compare, and the page shows 2025.
    assert 'value="2023"' not in html
    assert '<option value="2025" selected>' in html


def test_a_group_without_indicators_gets_a_page_that_says_so(login, group, member):
    page = login(member).get(_compare(group))
    assert page.status_code == 200
    assert "Grupa nie korzysta jeszcze z żadnych wskaźników." in page.content.decode()
