"""A municipality's name is drawn as it is written: Matplotlib would read "$…$" in it as
mathematics and fail on a malformed formula, taking the chart, the PDF report and its
filing in the library down with it."""

import pytest
from django.urls import reverse

from indicators import charts

NAME = "Gmina $x{$ {"


def test_a_label_with_dollar_signs_is_drawn_as_text():
    svg = charts.bar_chart(
        title="Koszt $\\frac$", description="opis", labels=[NAME, "Lublin"], values=[1, 2]
    )
    assert NAME in svg and "Koszt $\\frac$" in svg
    line = charts.line_chart(
        title="t", description="d", series={NAME: {2024: 1, 2025: 2}}, axis_label="$^$"
    )
    assert NAME in line


@pytest.mark.django_db
def test_chart_and_report_draw_a_unit_named_like_a_formula(
    login, group, member, cities, catalogue, figures
):
    cities["kielce"].name = NAME
    cities["kielce"].save(update_fields=["name"])
    client = login(member)
    query = f"?indicator={catalogue['roads'].pk}&year=2025"
    chart = client.get(reverse("indicators:chart", kwargs={"slug": group.slug}) + query)
    assert chart.status_code == 200 and NAME in chart.content.decode()
    units = f"&unit={cities['kielce'].pk}"
    line = client.get(
        reverse("indicators:chart", kwargs={"slug": group.slug}) + query + "&kind=line" + units
    )
    assert line.status_code == 200
    pdf = client.get(reverse("indicators:report", kwargs={"slug": group.slug}) + query)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
