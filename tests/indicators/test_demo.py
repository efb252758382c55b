"""The demonstration indicators: a catalogue across the domains, five years of figures
marked as demonstration data for each member municipality, and an open round; loading
twice creates nothing twice."""

from collections import Counter

import pytest
from django.urls import reverse

from groups.models import Institution, Membership, TerritorialUnit
from indicators import demo
from indicators.models import DataRound, Domain, Indicator, Submission, Value, ValueSource


@pytest.fixture
def cast(group, facilitator, member, staff):
    """The urban group with Kielce's facilitator and Lublin's member, as seed_demo has."""
    units = demo.units_create()
    Institution.objects.filter(code="2661011").update(unit=units["2661011"])
    lublin = Institution.objects.create(
        name="Urząd Miasta Lublin", kind="city", code="0663011", unit=units["0663011"]
    )
    Membership.objects.filter(user=member).update(institution=lublin)
    return {"staff": staff, "facilitator": facilitator}


def test_the_catalogue_covers_the_domains_in_three_languages():
    domains = Counter(row[0] for row in demo.CATALOGUE.values())
    assert 30 <= len(demo.CATALOGUE) <= 35
    for domain in (Domain.LOCAL_TAXES, Domain.REAL_ESTATE, Domain.ROADS, Domain.ENVIRONMENT,
                   Domain.INVESTMENT, Domain.GEODESY):  # fmt: skip
        assert domains[domain] >= 3, domain
    for code, row in demo.CATALOGUE.items():
        names, definitions = row[5], row[6]
        assert all(names) and all(definitions) and len(names) == len(definitions) == 3, code


def test_every_demo_unit_has_a_valid_code(db):
    units = demo.units_create()
    assert len(units) == len(demo.UNITS) == TerritorialUnit.objects.count()


@pytest.mark.django_db
def test_the_demo_figures_load_once_and_say_what_they_are(cast, group, client, login):
    demo.seed(staff=cast["staff"], facilitators={group.slug: cast["facilitator"]})
    assert Indicator.objects.shared().count() == len(demo.CATALOGUE)
    assert set(Indicator.objects.of_group(group)) == set(Indicator.objects.shared())
    shown = Value.objects.filter(group=group, source=ValueSource.DEMO)
    assert shown.count() == 2 * len(demo.CATALOGUE) * len(demo.YEARS)
    assert {v.source_detail for v in shown} == {demo.DEMO_NOTE}
    assert all(v.changes.count() == 1 for v in shown[:10])
    population = Value.objects.get(
        group=group, unit__code="0663011", indicator__code="population", year=2024
    )
    assert population.value == 333_000
    data_round = DataRound.objects.get(group=group)
    statuses = dict(Submission.objects.filter(round=data_round).values_list("unit__name", "status"))
    assert statuses == {"Kielce": "in_progress", "Lublin": "submitted"}

    login(cast["facilitator"])
    page = client.get(reverse("indicators:indicator-list", kwargs={"slug": group.slug}))
    assert page.context["demo_figures"] is True

    counts = (Value.objects.count(), Indicator.objects.count(), DataRound.objects.count())
    demo.seed(staff=cast["staff"], facilitators={group.slug: cast["facilitator"]})
    assert counts == (Value.objects.count(), Indicator.objects.count(), DataRound.objects.count())
