"""Territorial units: codes checked against TERYT and KATOTTH, institutions that are a
unit's office, and municipalities that stay members of a group when people leave."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from groups import services
from groups.models import (
    Country,
    GroupUnit,
    Institution,
    Membership,
    Role,
    TerritorialUnit,
    UnitLevel,
    unit_code_error,
)
from gwd.errors import ServiceError

PL, UA = Country.POLAND, Country.UKRAINE
L = UnitLevel

VALID = [
    (PL, L.CITY_COUNTY, "2661011"),  # Kielce
    (PL, L.GMINA_URBAN, "1002011"),  # Kutno
    (PL, L.GMINA_RURAL, "3021022"),  # Dopiewo
    (PL, L.GMINA_URBAN_RURAL, "1405013"),  # Błonie
    (PL, L.POWIAT, "1002"),  # powiat kutnowski
    (PL, L.VOIVODESHIP, "26"),  # świętokrzyskie
    (PL, L.DISTRICT, "1261049"),  # a delegatura of Kraków
    (UA, L.HROMADA, "UA18040410000032427"),
    (UA, L.RAION, "UA18040000000063299"),
    (UA, L.OBLAST, "UA18000000000093317"),
]

INVALID = [
    (PL, L.CITY_COUNTY, "266101", "7 digits"),
    (PL, L.GMINA_URBAN, "2661012", "last digit"),  # 2 is a rural gmina
    (PL, L.GMINA_RURAL, "3021023", "last digit"),
    (PL, L.CITY_COUNTY, "1002011", "61–99"),  # Kutno has no powiat rights
    (PL, L.POWIAT, "1062", "01–60"),  # 62 is a city's number
    (PL, L.GMINA_URBAN, "26610A1", "2, 4 or 7 digits"),
    (PL, L.VOIVODESHIP, "2661", "2 digits"),
    (UA, L.HROMADA, "UA1804041000003242", "17 digits"),
    (UA, L.HROMADA, "18040410000032427", "17 digits"),
    (UA, L.HROMADA, "UA18040000000063299", "another level"),  # a raion's code
    (UA, L.OBLAST, "UA00000000000012345", "another level"),
]


@pytest.fixture(autouse=True)
def _english():
    """The codes' reasons are read in English, the language the code is written in."""
    with translation.override("en"):
        yield


@pytest.mark.parametrize("country, level, code", VALID)
def test_codes_of_the_registers_are_accepted(country, level, code):
    assert unit_code_error(country=country, level=level, code=code) is None


@pytest.mark.parametrize("country, level, code, why", INVALID)
def test_codes_that_do_not_fit_are_refused_with_a_reason(country, level, code, why):
    error = unit_code_error(country=country, level=level, code=code)
    assert error is not None and why in error


@pytest.mark.django_db
def test_a_unit_is_created_once_and_refused_with_a_bad_code():
    kielce = services.unit_get_or_create(
        country=PL, level=L.CITY_COUNTY, name="Kielce", code="2661011", bdl_id="011212661011"
    )
    again = services.unit_get_or_create(
        country=PL, level=L.CITY_COUNTY, name="Kielce ", code="2661011"
    )
    assert again.pk == kielce.pk and again.bdl_id == "011212661011" and again.name == "Kielce"
    with pytest.raises(ServiceError, match="last digit"):
        services.unit_get_or_create(country=PL, level=L.GMINA_RURAL, name="X", code="2661011")
    with pytest.raises(ServiceError, match="BDL"):
        services.unit_get_or_create(
            country=PL, level=L.GMINA_RURAL, name="Dopiewo", code="3021022", bdl_id="12"
        )
    with pytest.raises(ServiceError, match="level"):
        services.unit_get_or_create(country=UA, level=L.POWIAT, name="X", code="1002")
    assert TerritorialUnit.objects.count() == 1


@pytest.mark.django_db
def test_an_institution_with_a_units_code_becomes_its_office():
    unit = services.unit_get_or_create(
        country=PL, level=L.CITY_COUNTY, name="Kielce", code="2661011"
    )
    office = services.institution_get_or_create(
        name="Urząd Miasta Kielce", kind=Institution.Kind.CITY, code="2661011"
    )
    assert office.unit == unit
    ministry = services.institution_get_or_create(name="MSWiA", kind=Institution.Kind.MINISTRY)
    assert ministry.unit is None


@pytest.mark.django_db
def test_the_municipality_stays_a_member_when_its_official_leaves(group, facilitator, user_factory):
    unit = services.unit_get_or_create(
        country=PL, level=L.CITY_COUNTY, name="Lublin", code="0663011"
    )
    office = services.institution_get_or_create(
        name="Urząd Miasta Lublin", kind=Institution.Kind.CITY, code="0663011"
    )
    official = user_factory(email="a.nowak@lublin.gwd.test", institution=office)
    _outcome, invitation = services.invitation_create(
        actor=facilitator, group=group, email=official.email, role=Role.MEMBER
    )
    assert invitation is not None
    services.invitation_accept(actor=official, token=invitation.token)
    assert list(TerritorialUnit.objects.of_group(group)) == [unit]

    services.membership_leave(actor=official, group=group)
    assert not Membership.objects.active().filter(user=official, group=group).exists()
    assert list(TerritorialUnit.objects.of_group(group)) == [unit]
    assert GroupUnit.objects.filter(group=group).count() == 1


@pytest.mark.django_db
def test_the_member_list_shows_the_municipalities_and_who_represents_them(
    client, login, group, facilitator, member_factory
):
    def add(n: int, start: int) -> None:
        for i in range(start, start + n):
            unit = services.unit_get_or_create(
                country=PL, level=L.GMINA_RURAL, name=f"Gmina {i:02}", code=f"30{i:02}012"
            )
            office = Institution.objects.create(name=f"Urząd {i}", kind="gmina", unit=unit)
            official = member_factory(
                group, Role.MEMBER, institution=office, full_name=f"Osoba {i}"
            )
            services.group_unit_join(group=group, unit=unit)
            if i % 2:
                services.membership_leave(actor=official, group=group)

    login(facilitator)
    url = reverse("groups:member-list", kwargs={"slug": group.slug})
    add(2, 10)
    with CaptureQueriesContext(connection) as few:
        page = client.get(url)
    units = page.context["units"]
    assert [(u.unit.name, u.officials) for u in units] == [
        ("Gmina 10", ["Osoba 10"]),
        ("Gmina 11", []),  # its official left; the municipality stays
    ]
    assert "3010012" in page.content.decode()
    add(8, 20)
    with CaptureQueriesContext(connection) as many:
        assert len(client.get(url).context["units"]) == 10
    assert len(few) == len(many)
