"""A city's districts ranked against each other on verified figures, with the median and
quartiles worked out by hand below; linked from the city's profile once there are any."""

from decimal import Decimal as D

import pytest
from django.urls import reverse

from groups.models import Country, GroupUnit, TerritorialUnit, UnitLevel
from indicators import districts
from indicators.models import ValueStatus
from indicators.services import value_set
from tests.indicators.conftest import _indicator

# Poznań's five delegatury, with their TERYT (TERC) codes.
DELEGATURY = {
    "grunwald": ("Poznań-Grunwald", "3064029"),
    "jezyce": ("Poznań-Jeżyce", "3064039"),
    "nowe": ("Poznań-Nowe Miasto", "3064049"),
    "stare": ("Poznań-Stare Miasto", "3064059"),
    "wilda": ("Poznań-Wilda", "3064069"),
}


@pytest.fixture
def poznan(group, cities):
    city = TerritorialUnit.objects.create(
        country=Country.POLAND, level=UnitLevel.CITY_COUNTY, name="Poznań", code="3064011"
    )
    GroupUnit.objects.create(group=group, unit=city)
    parts = {
        key: TerritorialUnit.objects.create(
            country=Country.POLAND, level=UnitLevel.DISTRICT, name=name, code=code, parent=city
        )
        for key, (name, code) in DELEGATURY.items()
    }
    return city, parts


@pytest.fixture
def district_figures(group, facilitator, poznan, catalogue, cities):
    city, parts = poznan

    def put(key, indicator, year, value, status=ValueStatus.VERIFIED, unit=city):
        value_set(
            actor=facilitator,
            group=group,
            unit=unit,
            district=parts[key],
            indicator=catalogue[indicator],
            year=year,
            value=D(value),
            status=status,
        )

    # roads-share 2025 (higher is better): 10, 20, 40, 80; Wilda only a draft.
    for key, value in [("grunwald", 40), ("jezyce", 10), ("nowe", 80), ("stare", 20)]:
        put(key, "roads", 2025, value)
    put("wilda", "roads", 2025, 99, status=ValueStatus.DRAFT)
    put("grunwald", "roads", 2024, 50)
    # The city's own figure is not one of its districts'.
    value_set(
        actor=facilitator,
        group=group,
        unit=city,
        indicator=catalogue["roads"],
        year=2025,
        value=D(1),
        status=ValueStatus.VERIFIED,
    )
    # accidents and population → per 1,000 for two districts: 2 and 1.5
    put("grunwald", "accidents", 2025, 200)
    put("grunwald", "population", 2025, 100_000)
    put("jezyce", "accidents", 2025, 120)
    put("jezyce", "population", 2025, 80_000)
    return put


def test_the_districts_are_ranked_with_hand_worked_median_and_quartiles(
    group, poznan, catalogue, district_figures
):
    city, parts = poznan
    result = districts.district_comparison_get(
        group=group, city=city, indicator=catalogue["roads"], year=2025
    )
    assert result.ranking is not None
    summary = result.ranking.summary
    # Sorted 10, 20, 40, 80; inclusive quartiles over n − 1 = 3 steps:
    # q1 at 0.75 → 10 + 0.75 × 10 = 17.5; median at 1.5 → 30; q3 at 2.25 → 40 + 0.25 × 40 = 50.
    assert (summary.count, summary.minimum, summary.maximum) == (4, 10, 80)
    assert (summary.q1, summary.median, summary.q3) == (D("17.5"), D(30), D(50))
    rows = [(result.districts[r.key].name, r.rank, r.value) for r in result.ranking.rows]
    assert rows == [
        ("Poznań-Nowe Miasto", 1, 80),
        ("Poznań-Grunwald", 2, 40),
        ("Poznań-Stare Miasto", 3, 20),
        ("Poznań-Jeżyce", 4, 10),
    ]
    grunwald = next(r for r in result.ranking.rows if r.key == parts["grunwald"].pk)
    assert grunwald.index is not None and round(grunwald.index, 4) == D("133.3333")  # 40 / 30
    assert grunwald.change == D(-20)  # 50 → 40
    assert [d.name for d in result.missing] == ["Poznań-Wilda"]  # a draft is not compared


def test_a_derived_indicator_is_computed_per_district(group, poznan, catalogue, district_figures):
    city, _parts = poznan
    result = districts.district_comparison_get(
        group=group, city=city, indicator=catalogue["accidents_rate"], year=2025
    )
    assert result.ranking is not None
    assert [(result.districts[r.key].name, r.value) for r in result.ranking.rows] == [
        ("Poznań-Jeżyce", D("1.5")),  # lower is better
        ("Poznań-Grunwald", D(2)),
    ]
    assert result.ranking.summary.median == D("1.75")


def test_district_figures_stay_out_of_the_comparison_of_cities(
    client, login, group, member, poznan, catalogue, district_figures, figures
):
    login(member)
    page = client.get(
        reverse("indicators:comparison", kwargs={"slug": group.slug}),
        {"indicator": catalogue["roads"].pk, "year": 2025},
    )
    (section,) = page.context["comparison"].sections
    assert section.ranking.summary.count == 5  # four cities and Poznań's own figure


def test_the_page_shows_the_ranking_and_the_profile_links_it(
    client, login, group, observer, poznan, catalogue, district_figures
):
    city, _parts = poznan
    observer.language = "en"
    observer.save(update_fields=["language"])
    login(observer)
    url = reverse("indicators:district-comparison", kwargs={"slug": group.slug, "unit_id": city.pk})
    page = client.get(url, {"indicator": catalogue["roads"].pk})
    assert page.status_code == 200 and page.context["year"] == 2025
    text = page.content.decode()
    assert "Poznań-Nowe Miasto" in text and "17.5" in text
    assert "Enter the district figures" not in text  # an observer does not enter figures
    profile = reverse("indicators:profile", kwargs={"slug": group.slug, "unit_id": city.pk})
    assert url in client.get(profile).content.decode()
    kielce = TerritorialUnit.objects.get(code="2661011")
    other = reverse("indicators:profile", kwargs={"slug": group.slug, "unit_id": kielce.pk})
    assert "/districts/" not in client.get(other).content.decode()


def test_a_city_without_districts_says_so(client, login, group, member, cities, catalogue):
    member.language = "en"
    member.save(update_fields=["language"])
    login(member)
    url = reverse(
        "indicators:district-comparison",
        kwargs={"slug": group.slug, "unit_id": cities["kielce"].pk},
    )
    page = client.get(url)
    assert page.status_code == 200
    assert "no districts in the register" in page.content.decode()


@pytest.mark.parametrize("query", [{"indicator": "999999"}, {"indicator": "x"}])
def test_an_unknown_indicator_is_not_found(client, login, group, member, poznan, catalogue, query):
    city, _parts = poznan
    login(member)
    url = reverse("indicators:district-comparison", kwargs={"slug": group.slug, "unit_id": city.pk})
    assert client.get(url, query).status_code == 404


def test_outsiders_and_other_groups_units_get_404(
    client, login, group, other_group, outsider, facilitator, poznan, district_figures
):
    city, parts = poznan
    url = reverse("indicators:district-comparison", kwargs={"slug": group.slug, "unit_id": city.pk})
    login(outsider)
    assert client.get(url).status_code == 404
    login(facilitator)
    for unit in (
        parts["grunwald"],
        TerritorialUnit.objects.create(
            country=Country.POLAND, level=UnitLevel.CITY_COUNTY, name="Sopot", code="2264011"
        ),
    ):
        GroupUnit.objects.get_or_create(group=other_group, unit=unit)
        foreign = reverse(
            "indicators:district-comparison", kwargs={"slug": group.slug, "unit_id": unit.pk}
        )
        assert client.get(foreign).status_code == 404


@pytest.mark.parametrize("name", ["indicators:district-comparison", "indicators:district-figures"])
def test_an_id_too_large_for_any_table_is_not_found(client, login, group, facilitator, name):
    login(facilitator)
    url = reverse(name, kwargs={"slug": group.slug, "unit_id": 10**25})
    assert client.get(url).status_code == 404


def test_the_page_opens_on_an_indicator_with_district_figures(
    client, login, group, facilitator, member, poznan, catalogue
):
    city, parts = poznan
    value_set(
        actor=facilitator,
        group=group,
        unit=city,
        district=parts["wilda"],
        indicator=catalogue["roads"],
        year=2025,
        value=D(30),
        status=ValueStatus.VERIFIED,
    )
    login(member)
    url = reverse("indicators:district-comparison", kwargs={"slug": group.slug, "unit_id": city.pk})
    page = client.get(url)
    # "accidents" comes first in the catalogue's order, but no district has its figures.
    assert page.context["indicator"] == catalogue["roads"]
    assert page.context["year"] == 2025


def test_a_derived_indicator_opens_the_page_only_with_both_its_parts(
    client, login, group, facilitator, member, poznan, catalogue
):
    city, parts = poznan
    rate = _indicator(
        group,
        "aa-accidents-rate",  # first in the catalogue's order
        catalogue["accidents_rate"].measure,
        catalogue["accidents_rate"].direction,
        numerator=catalogue["accidents"],
        denominator=catalogue["population"],
        scale=D(1000),
    )
    value_set(
        actor=facilitator,
        group=group,
        unit=city,
        district=parts["wilda"],
        indicator=catalogue["accidents"],
        year=2025,
        value=D(30),
        status=ValueStatus.VERIFIED,
    )
    login(member)
    url = reverse("indicators:district-comparison", kwargs={"slug": group.slug, "unit_id": city.pk})
    assert client.get(url).context["indicator"] == catalogue["accidents"]
    value_set(
        actor=facilitator,
        group=group,
        unit=city,
        district=parts["wilda"],
        indicator=catalogue["population"],
        year=2025,
        value=D(60_000),
        status=ValueStatus.VERIFIED,
    )
    assert client.get(url).context["indicator"] == rate
