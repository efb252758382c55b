"""The demonstration figures of Poznań's districts: verified, marked as demonstration
data like the cities' figures, ranked on the district comparison, loaded once."""

import pytest
from django.urls import reverse

from groups.models import Institution, Role, TerritorialUnit, UnitLevel
from indicators import demo
from indicators.models import Value, ValueSource, ValueStatus


@pytest.fixture
def poznan_in_group(group, facilitator, member_factory, staff):
    units = demo.units_create()
    office = Institution.objects.create(
        name="Urząd Miasta Poznania", kind="city", code="3064011", unit=units["3064011"]
    )
    member_factory(group, Role.MEMBER, institution=office, email="p.wisniewski@poznan.gwd.test")
    return units["3064011"]


@pytest.mark.django_db
def test_poznans_districts_get_demonstration_figures_once(
    group, facilitator, staff, poznan_in_group, client, login
):
    demo.seed(staff=staff, facilitators={group.slug: facilitator})
    parts = TerritorialUnit.objects.filter(parent=poznan_in_group, level=UnitLevel.DISTRICT)
    assert sorted(parts.values_list("name", flat=True)) == sorted(demo.DISTRICTS.values())
    shown = Value.objects.filter(group=group, district__isnull=False)
    assert shown.count() == len(demo.DISTRICTS) * len(demo.DISTRICT_INDICATORS) * len(demo.YEARS)
    assert set(shown.values_list("source", "source_detail", "status")) == {
        (ValueSource.DEMO, demo.DEMO_NOTE, ValueStatus.VERIFIED)
    }
    assert all(v.changes.count() == 1 for v in shown[:10])
    # The city's own demonstration figures are as many as any member's.
    city_figures = Value.objects.filter(
        group=group, unit=poznan_in_group, district__isnull=True, source=ValueSource.DEMO
    )
    assert city_figures.count() == len(demo.CATALOGUE) * len(demo.YEARS)

    login(facilitator)
    profile = reverse(
        "indicators:profile", kwargs={"slug": group.slug, "unit_id": poznan_in_group.pk}
    )
    compared = reverse(
        "indicators:district-comparison",
        kwargs={"slug": group.slug, "unit_id": poznan_in_group.pk},
    )
    assert compared in client.get(profile).content.decode()
    green = Value.objects.filter(district__isnull=False, indicator__code="green-area-share").first()
    page = client.get(compared, {"indicator": green.indicator_id, "year": 2024})
    assert page.context["comparison"].ranking.summary.count == len(demo.DISTRICTS)

    before = Value.objects.count(), TerritorialUnit.objects.count()
    demo.seed(staff=staff, facilitators={group.slug: facilitator})
    assert (Value.objects.count(), TerritorialUnit.objects.count()) == before
