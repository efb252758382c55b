"""Figures of four municipalities, two Polish and two Ukrainian, for the comparison and
import tests: verified values written through the services, as a round would."""

from decimal import Decimal as D

import pytest
from django.utils import translation

from groups.models import (
    Country,
    GroupUnit,
    Institution,
    Membership,
    TerritorialUnit,
    UnitLevel,
)
from indicators.models import Direction, Domain, GroupIndicator, Indicator, Measure, ValueStatus
from indicators.services import value_set


def _unit(name, code, country=Country.POLAND, bdl_id=""):
    level = UnitLevel.CITY_COUNTY if country == Country.POLAND else UnitLevel.HROMADA
    return TerritorialUnit.objects.create(
        country=country, level=level, name=name, code=code, bdl_id=bdl_id
    )


def _indicator(group, code, measure, direction, **fields):
    indicator = Indicator.objects.create(
        code=code,
        name_pl=code,
        name_uk=code,
        name_en=code,
        domain=Domain.LOCAL_TAXES,
        measure=measure,
        direction=direction,
        **fields,
    )
    GroupIndicator.objects.create(group=group, indicator=indicator)
    return indicator


@pytest.fixture
def cities(group, member):
    units = {
        "kielce": _unit("Kielce", "2661011", bdl_id="011212661011"),
        "lublin": _unit("Lublin", "0663011", bdl_id="030612663011"),
        "zhytomyr": _unit("Житомир", "UA18040410010061441", Country.UKRAINE),
        "vinnytsia": _unit("Вінниця", "UA05020030010063857", Country.UKRAINE),
    }
    for unit in units.values():
        GroupUnit.objects.create(group=group, unit=unit)
    # The member represents Lublin.
    office = Institution.objects.create(
        name="Urząd Miasta Lublin", kind="city", unit=units["lublin"]
    )
    Membership.objects.filter(group=group, user=member).update(institution=office)
    return units


@pytest.fixture
def catalogue(group):
    accidents = _indicator(
        group, "accidents", Measure.COUNT, Direction.LOWER, bdl_variable_id="60559"
    )
    population = _indicator(group, "population", Measure.COUNT, Direction.NEUTRAL)
    return {
        "tax_cost": _indicator(group, "tax-cost", Measure.MONEY, Direction.LOWER),
        "roads": _indicator(
            group,
            "roads-share",
            Measure.PERCENT,
            Direction.HIGHER,
            min_value=D(0),
            max_value=D(100),
        ),
        "accidents": accidents,
        "population": population,
        "accidents_rate": _indicator(
            group,
            "accidents-per-1000",
            Measure.PER_1000,
            Direction.LOWER,
            numerator=accidents,
            denominator=population,
            scale=D(1000),
        ),
    }


@pytest.fixture
def figures(group, facilitator, cities, catalogue):
    def put(unit, indicator, year, value, status=ValueStatus.VERIFIED):
        value_set(
            actor=facilitator,
            group=group,
            unit=cities[unit],
            indicator=catalogue[indicator],
            year=year,
            value=D(value),
            status=status,
        )

    # roads-share 2025: Kielce 70, Lublin 70, Житомир 50, Вінниця 30 (higher is better)
    for unit, value in [("kielce", 70), ("lublin", 70), ("zhytomyr", 50), ("vinnytsia", 30)]:
        put(unit, "roads", 2025, value)
    for unit, value in [("kielce", 60), ("lublin", 80), ("zhytomyr", 40)]:
        put(unit, "roads", 2024, value)
    # tax-cost 2025 in złoty and hryvnia: ranked per country
    for unit, value in [
        ("kielce", "120.5"),
        ("lublin", "98"),
        ("zhytomyr", 900),
        ("vinnytsia", 1100),
    ]:
        put(unit, "tax_cost", 2025, value)
    # accidents and population 2025 → per 1,000: Kielce 2, Lublin 1.5
    put("kielce", "accidents", 2025, 368)
    put("kielce", "population", 2025, 184000)
    put("lublin", "accidents", 2025, 495)
    put("lublin", "population", 2025, 330000)
    # A draft is not compared.
    put("vinnytsia", "accidents", 2025, 1, status=ValueStatus.DRAFT)
    return put


@pytest.fixture
def data_round(group, facilitator, cities, catalogue):
    import datetime as dt

    from django.utils import timezone

    from indicators.services import round_open

    return round_open(
        actor=facilitator,
        group=group,
        title="Dane za 2025",
        year=2025,
        deadline=timezone.localdate() + dt.timedelta(days=30),
        indicators=[catalogue["roads"], catalogue["tax_cost"], catalogue["accidents"]],
    )


@pytest.fixture(autouse=True)
def _english(settings):
    """These tests read the messages in English, the language the code is written in:
    the catalogues' own tests check the Polish and Ukrainian."""
    with translation.override("en"):
        yield
