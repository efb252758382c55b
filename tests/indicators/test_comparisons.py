"""Comparisons read from the database: ranks with ties, per-country rankings for money,
per-capita values derived from two indicators, profiles, in a fixed number of queries."""

from decimal import Decimal as D

from django.core.cache import cache
from django.urls import reverse

from groups.models import Country, TerritorialUnit, UnitLevel
from groups.services.units import group_unit_leave, group_unit_readmit
from indicators import comparisons
from indicators.models import Value, ValueStatus
from indicators.services import value_set


def _ranked(section, cities):
    names = {unit.pk: name for name, unit in cities.items()}
    return [(names[row.key], row.rank, row.value) for row in section.ranking.rows]


def test_a_ratio_ranks_every_unit_of_the_group_together(group, cities, catalogue, figures):
    result = comparisons.comparison_get(
        group=group, indicator=catalogue["roads"], year=2025, units=list(cities.values())
    )
    assert not result.split_by_country
    (section,) = result.sections
    assert _ranked(section, cities) == [
        ("kielce", 1, D(70)),
        ("lublin", 1, D(70)),
        ("zhytomyr", 3, D(50)),
        ("vinnytsia", 4, D(30)),
    ]
    # Sorted 30, 50, 70, 70: median 60, Q1 at 0.75 → 45, Q3 at 2.25 → 70.
    summary = section.ranking.summary
    assert (summary.q1, summary.median, summary.q3) == (D(45), D(60), D(70))
    kielce = section.ranking.rows[0]
    assert kielce.change == D("16.66666666666666666666666667")  # 60 → 70
    assert section.ranking.rows[3].change is None  # Вінниця has no 2024


def test_money_is_ranked_within_each_country(group, cities, catalogue, figures):
    result = comparisons.comparison_get(
        group=group, indicator=catalogue["tax_cost"], year=2025, units=list(cities.values())
    )
    assert result.split_by_country
    poland, ukraine = result.sections
    assert (poland.country, ukraine.country) == ("PL", "UA")
    assert _ranked(poland, cities) == [("lublin", 1, D(98)), ("kielce", 2, D("120.5"))]
    assert _ranked(ukraine, cities) == [("zhytomyr", 1, D(900)), ("vinnytsia", 2, D(1100))]


def test_a_derived_indicator_is_computed_per_thousand_inhabitants(
    group, cities, catalogue, figures
):
    result = comparisons.comparison_get(
        group=group, indicator=catalogue["accidents_rate"], year=2025, units=list(cities.values())
    )
    (section,) = result.sections
    # 368 / 184,000 × 1,000 = 2; 495 / 330,000 × 1,000 = 1.5; lower is better.
    assert _ranked(section, cities) == [("lublin", 1, D("1.5")), ("kielce", 2, D(2))]
    assert {u.name for u in result.missing} == {"Житомир", "Вінниця"}


def test_the_profile_shows_every_indicator_against_the_median(group, cities, catalogue, figures):
    indicators = list(catalogue.values())
    profile = comparisons.profile_get(
        group=group, unit=cities["kielce"], year=2025, indicators=indicators
    )
    rows = {row.indicator.code: row for row in profile.rows}
    assert rows["roads-share"].rank == 1 and rows["roads-share"].summary.median == D(60)
    # Money against the Polish units only: 98, 120.5.
    assert (rows["tax-cost"].rank, rows["tax-cost"].summary.count) == (2, 2)
    assert rows["accidents-per-1000"].rank == 2
    assert rows["roads-share"].index == D(70) / D(60) * 100
    assert profile.strongest[0].indicator.code == "roads-share"
    assert "population" not in [row.indicator.code for row in profile.strongest + profile.weakest]


def test_the_profile_reads_its_distributions_from_the_cache_until_a_value_changes(
    group, cities, catalogue, figures, django_assert_max_num_queries
):
    indicators = list(catalogue.values())
    comparisons.profile_get(group=group, unit=cities["kielce"], year=2025, indicators=indicators)
    # The two newest ids that key the cache, and the unit's own values.
    with django_assert_max_num_queries(3):
        comparisons.profile_get(
            group=group, unit=cities["lublin"], year=2025, indicators=indicators
        )
    figures("vinnytsia", "roads", 2025, 90)
    profile = comparisons.profile_get(
        group=group, unit=cities["kielce"], year=2025, indicators=indicators
    )
    assert {row.indicator.code: row.rank for row in profile.rows}["roads-share"] == 2


def test_a_second_profile_in_the_process_reads_only_the_token_of_its_distributions(
    group, cities, catalogue, figures, monkeypatch
):
    indicators = list(catalogue.values())
    comparisons.profile_get(group=group, unit=cities["kielce"], year=2025, indicators=indicators)
    read = []
    real_get = comparisons.cache.get
    monkeypatch.setattr(
        comparisons.cache, "get", lambda key, *args: read.append(key) or real_get(key, *args)
    )
    comparisons.profile_get(group=group, unit=cities["lublin"], year=2025, indicators=indicators)
    assert read and all(key.endswith(":token") for key in read)


def test_the_kept_distributions_go_with_the_shared_cache(group, cities, catalogue, figures):
    indicators = list(catalogue.values())
    comparisons.profile_get(group=group, unit=cities["kielce"], year=2025, indicators=indicators)
    # A change that moves neither newest id (as a restored backup might): only clearing
    # the cache shows it, in this process too.
    Value.objects.filter(group=group, unit=cities["vinnytsia"], year=2025).update(value=D(90))
    cache.clear()
    profile = comparisons.profile_get(
        group=group, unit=cities["kielce"], year=2025, indicators=indicators
    )
    assert {row.indicator.code: row.rank for row in profile.rows}["roads-share"] == 2


def _roads_share(profile):
    row = {row.indicator.code: row for row in profile.rows}["roads-share"]
    return row.rank, row.summary.count


def test_a_unit_that_left_is_not_in_the_profiles_medians_from_the_moment_it_leaves(
    group, facilitator, cities, catalogue, figures
):
    indicators = list(catalogue.values())
    kielce = cities["kielce"]
    read = lambda: comparisons.profile_get(  # noqa: E731
        group=group, unit=kielce, year=2025, indicators=indicators
    )
    assert _roads_share(read()) == (1, 4)
    # Lublin shares the first place with Kielce (70); Вінниця (30) is last.
    group_unit_leave(actor=facilitator, group=group, unit=cities["vinnytsia"])
    assert _roads_share(read()) == (1, 3)
    group_unit_readmit(actor=facilitator, group=group, unit=cities["vinnytsia"])
    assert _roads_share(read()) == (1, 4)


def test_a_changed_formula_of_a_derived_indicator_is_not_read_from_the_cache(
    group, cities, catalogue, figures
):
    indicators = list(catalogue.values())
    rate = catalogue["accidents_rate"]
    read = lambda: comparisons.profile_get(  # noqa: E731
        group=group, unit=cities["kielce"], year=2025, indicators=indicators
    )
    median = {row.indicator.code: row for row in read().rows}[rate.code].summary.median
    rate.scale = 100  # per 100 inhabitants, not 1,000: no value changes
    assert {row.indicator.code: row for row in read().rows}[rate.code].summary.median == (
        median / 10
    )


def test_a_year_with_district_figures_only_is_no_ones_default(
    group, facilitator, cities, catalogue, figures
):
    kielce = cities["kielce"]
    part = TerritorialUnit.objects.create(
        country=Country.POLAND,
        level=UnitLevel.DISTRICT,
        name="Kielce-Centrum",
        code="2661019",
        parent=kielce,
    )
    value_set(
        actor=facilitator,
        group=group,
        unit=kielce,
        district=part,
        indicator=catalogue["roads"],
        year=2026,
        value=D(55),
        status=ValueStatus.VERIFIED,
    )
    assert comparisons.years_with_values(group, catalogue["roads"])[0] == 2025
    assert comparisons.profile_years(group, kielce)[0] == 2025


def test_a_unit_that_left_has_its_profile_page_but_no_ranks_nor_report(
    client, login, group, facilitator, member, cities, catalogue, figures
):
    vinnytsia = cities["vinnytsia"]
    group_unit_leave(actor=facilitator, group=group, unit=vinnytsia)
    login(member)
    kwargs = {"slug": group.slug, "unit_id": vinnytsia.pk}
    page = client.get(reverse("indicators:profile", kwargs=kwargs))
    # Ranked against the members without itself, it read "rank 4 of 3".
    assert page.status_code == 200 and page.context["left"] and "profile" not in page.context
    report = client.get(reverse("indicators:profile-report", kwargs=kwargs), {"format": "pdf"})
    assert report.status_code == 302
