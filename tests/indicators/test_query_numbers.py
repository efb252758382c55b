"""Numbers in a query or a form that int() cannot read ("²", which str.isdigit() calls a
digit, or 5,000 digits) are ignored or not found on the comparison pages and the round
form: never a server error."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from indicators.models import DataRound

ODD = ["%C2%B2", "1" * 5000, "%D9%A1"]


@pytest.mark.parametrize("odd", ODD)
def test_a_chart_with_an_odd_number_is_not_found_or_drawn(
    client, login, group, member, cities, catalogue, figures, odd
):
    login(member)
    client.raise_request_exception = False
    chart = reverse("indicators:chart", kwargs={"slug": group.slug})
    roads = catalogue["roads"].pk
    assert client.get(f"{chart}?kind=line&indicator={odd}").status_code == 404
    assert client.get(f"{chart}?kind=bar&indicator={roads}&section={odd}").status_code == 404
    assert client.get(f"{chart}?kind=bar&indicator={roads}&year={odd}").status_code == 200
    line = client.get(f"{chart}?kind=line&indicator={roads}&unit={odd}")
    assert line.status_code == 200


@pytest.mark.parametrize("odd", ODD)
def test_the_comparison_and_profile_read_an_odd_year_as_the_latest(
    client, login, group, member, cities, catalogue, figures, odd
):
    login(member)
    client.raise_request_exception = False
    compare = reverse("indicators:comparison", kwargs={"slug": group.slug})
    response = client.get(f"{compare}?indicator={catalogue['roads'].pk}&year={odd}&unit={odd}")
    assert response.status_code == 200 and response.context["year"] == 2025
    profile = reverse(
        "indicators:profile", kwargs={"slug": group.slug, "unit_id": cities["lublin"].pk}
    )
    response = client.get(f"{profile}?year={odd}")
    assert response.status_code == 200 and response.context["year"] == 2025


def test_a_round_form_with_an_odd_indicator_id_is_refused_and_nothing_is_written(
    client, login, group, facilitator, catalogue
):
    login(facilitator)
    client.raise_request_exception = False
    data = {
        "title": "Dane za 2025",
        "year": "2025",
        "deadline": (timezone.localdate() + dt.timedelta(days=20)).isoformat(),
        "indicators": ["1" * 5000, "²"],
    }
    response = client.post(reverse("indicators:round-create", kwargs={"slug": group.slug}), data)
    assert response.status_code in (200, 400)
    assert not DataRound.objects.exists()
