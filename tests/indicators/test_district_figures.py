"""The figures of a city's districts: typed by the city's officials as drafts for one
indicator and year, verified by a facilitator as the page showed them, and only then
compared."""

from decimal import Decimal as D

import pytest
from django.urls import reverse

from groups.models import Country, GroupUnit, Institution, Role, TerritorialUnit, UnitLevel
from indicators import districts
from indicators.models import Value, ValueChange, ValueSource, ValueStatus


@pytest.fixture
def user_factory(user_factory):
    """The people here read GWD in English, as the messages below."""

    def make(**fields):
        fields.setdefault("language", "en")
        return user_factory(**fields)

    return make


@pytest.fixture
def poznan(group, cities):
    city = TerritorialUnit.objects.create(
        country=Country.POLAND, level=UnitLevel.CITY_COUNTY, name="Poznań", code="3064011"
    )
    GroupUnit.objects.create(group=group, unit=city)
    parts = [
        TerritorialUnit.objects.create(
            country=Country.POLAND, level=UnitLevel.DISTRICT, name=name, code=code, parent=city
        )
        for name, code in (("Poznań-Grunwald", "3064029"), ("Poznań-Jeżyce", "3064039"))
    ]
    return city, parts


@pytest.fixture
def official(group, member_factory, poznan):
    office = Institution.objects.create(name="Urząd Miasta Poznania", kind="city", unit=poznan[0])
    return member_factory(
        group, Role.MEMBER, institution=office, full_name="Piotr Wiśniewski", language="en"
    )


def _url(group, city):
    return reverse("indicators:district-figures", kwargs={"slug": group.slug, "unit_id": city.pk})


def _state():
    return (
        list(Value.objects.values_list("pk", "district_id", "value", "status").order_by("pk")),
        ValueChange.objects.count(),
    )


def test_an_official_saves_drafts_for_the_districts(
    client, login, group, official, poznan, catalogue
):
    city, (grunwald, jezyce) = poznan
    login(official)
    url = _url(group, city)
    query = f"?indicator={catalogue['roads'].pk}&year=2025"
    page = client.get(url + query)
    assert page.status_code == 200
    assert [row.district.name for row in page.context["rows"]] == [
        "Poznań-Grunwald",
        "Poznań-Jeżyce",
    ]
    response = client.post(
        url + query, {"action": "save", f"d-{grunwald.pk}": "40.5", f"d-{jezyce.pk}": ""}
    )
    assert response.status_code == 302 and response.url == url + query
    value = Value.objects.get(district=grunwald)
    assert (value.unit, value.indicator, value.year, value.value) == (
        city,
        catalogue["roads"],
        2025,
        D("40.5"),
    )
    assert (value.status, value.source, value.entered_by) == (
        ValueStatus.DRAFT,
        ValueSource.TYPED,
        official,
    )
    assert value.changes.count() == 1
    assert not Value.objects.filter(district=jezyce).exists()  # a cell left empty


def test_a_facilitator_verifies_what_the_page_showed_and_then_it_is_compared(
    client, login, group, facilitator, official, poznan, catalogue
):
    city, (grunwald, jezyce) = poznan
    roads = catalogue["roads"]
    districts.district_values_save(
        actor=official, group=group, city=city, indicator=roads, year=2025,
        values={grunwald.pk: D(40), jezyce.pk: D(10)},
    )  # fmt: skip
    assert (
        districts.district_comparison_get(
            group=group, city=city, indicator=roads, year=2025
        ).ranking
        is None
    )
    login(facilitator)
    url = _url(group, city) + f"?indicator={roads.pk}&year=2025"
    page = client.get(url)
    assert len(page.context["waiting"]) == 2
    # The official changes a figure after the facilitator opened the page.
    districts.district_values_save(
        actor=official,
        group=group,
        city=city,
        indicator=roads,
        year=2025,
        values={jezyce.pk: D(12)},
    )
    before = _state()
    stale = {"action": "verify", f"seen-{grunwald.pk}": "40.0000", f"seen-{jezyce.pk}": "10.0000"}
    assert client.post(url, stale).status_code == 400
    assert _state() == before
    # A number no page shows ("sNaN" parses, then refuses every comparison) was not seen.
    for odd in ("sNaN", "NaN", "Infinity"):
        assert client.post(url, {**stale, f"seen-{jezyce.pk}": odd}).status_code == 400
    assert _state() == before
    fresh = {**stale, f"seen-{jezyce.pk}": "12.0000"}
    assert client.post(url, fresh).status_code == 302
    assert set(Value.objects.filter(unit=city).values_list("status", flat=True)) == {"verified"}
    result = districts.district_comparison_get(group=group, city=city, indicator=roads, year=2025)
    assert result.ranking is not None and result.ranking.summary.median == 26


def test_retyping_a_verified_figure_keeps_it_verified_and_changing_it_does_not(
    group, facilitator, official, poznan, catalogue
):
    city, (grunwald, _jezyce) = poznan
    roads = catalogue["roads"]
    save = dict(actor=official, group=group, city=city, indicator=roads, year=2025)
    districts.district_values_save(**save, values={grunwald.pk: D(40)})
    districts.district_values_verify(
        actor=facilitator,
        group=group,
        city=city,
        indicator=roads,
        year=2025,
        seen={grunwald.pk: D(40)},
    )
    assert districts.district_values_save(**save, values={grunwald.pk: D("40.0")}) == 0
    assert Value.objects.get(district=grunwald).status == ValueStatus.VERIFIED
    assert districts.district_values_save(**save, values={grunwald.pk: D(41)}) == 1
    assert Value.objects.get(district=grunwald).status == ValueStatus.DRAFT


@pytest.mark.parametrize("typed", ["dużo", "140", "1e5", "12,34567"])
def test_a_wrong_figure_is_refused_and_nothing_is_saved(
    client, login, group, official, poznan, catalogue, typed
):
    city, (grunwald, jezyce) = poznan
    login(official)
    before = _state()
    response = client.post(
        _url(group, city) + f"?indicator={catalogue['roads'].pk}&year=2025",
        {"action": "save", f"d-{grunwald.pk}": "50", f"d-{jezyce.pk}": typed},
    )
    assert response.status_code == 400
    assert "nothing was saved" in response.content.decode()
    assert next(r for r in response.context["rows"] if r.district == jezyce).error
    assert _state() == before


@pytest.mark.parametrize("query", ["?indicator=999999", "?indicator=x", "?indicator={derived}"])
def test_an_indicator_not_offered_is_not_found(
    client, login, group, official, poznan, catalogue, query
):
    login(official)
    url = _url(group, poznan[0]) + query.format(derived=catalogue["accidents_rate"].pk)
    before = _state()
    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "save", f"d-{poznan[1][0].pk}": "1"}).status_code == 404
    assert _state() == before


def test_a_year_out_of_range_falls_back_to_last_year(
    client, login, group, official, poznan, catalogue
):
    login(official)
    page = client.get(_url(group, poznan[0]) + "?year=1066")
    assert page.context["year"] in range(2020, 2100)


def test_who_may_enter_and_verify(
    client, login, group, member, observer, outsider, official, facilitator, poznan, catalogue
):
    city, (grunwald, _jezyce) = poznan
    url = _url(group, city) + f"?indicator={catalogue['roads'].pk}&year=2025"
    payload = {"action": "save", f"d-{grunwald.pk}": "5"}
    before = _state()
    # Lublin's official, an observer and an outsider enter nothing for Poznań.
    for user, status in ((member, 403), (observer, 403), (outsider, 404)):
        login(user)
        assert client.get(url).status_code == status
        assert client.post(url, payload).status_code == status
    # Poznań's own official enters, but does not verify.
    districts.district_values_save(
        actor=official, group=group, city=city, indicator=catalogue["roads"], year=2025,
        values={grunwald.pk: D(5)},
    )  # fmt: skip
    before = _state()
    login(official)
    page = client.get(url)
    assert page.status_code == 200 and "Verify the figures shown" not in page.content.decode()
    assert client.post(url, {"action": "verify", f"seen-{grunwald.pk}": "5"}).status_code == 403
    assert _state() == before
    login(facilitator)
    assert client.get(url).status_code == 200


def test_nothing_to_verify_is_a_clear_message(client, login, group, facilitator, poznan, catalogue):
    login(facilitator)
    url = _url(group, poznan[0]) + f"?indicator={catalogue['roads'].pk}&year=2025"
    response = client.post(url, {"action": "verify"})
    assert response.status_code == 400
    assert "No district figure waits" in response.content.decode()


def test_a_district_of_another_city_is_refused(group, official, poznan, catalogue, cities):
    city, _parts = poznan
    elsewhere = TerritorialUnit.objects.create(
        country=Country.POLAND, level=UnitLevel.DISTRICT, name="Kraków-Podgórze", code="1261049",
        parent=cities["lublin"],
    )  # fmt: skip
    before = _state()
    with pytest.raises(Exception, match="not part of Poznań"):
        districts.district_values_save(
            actor=official, group=group, city=city, indicator=catalogue["roads"], year=2025,
            values={elsewhere.pk: D(1)},
        )  # fmt: skip
    assert _state() == before


def test_a_city_that_left_or_of_another_group_is_not_found(
    client, login, group, other_group, facilitator, poznan, cities
):
    city, _parts = poznan
    login(facilitator)
    GroupUnit.objects.filter(group=group, unit=city).update(left_at="2025-01-01T00:00:00Z")
    assert client.get(_url(group, city)).status_code == 404
    sopot = TerritorialUnit.objects.create(
        country=Country.POLAND, level=UnitLevel.CITY_COUNTY, name="Sopot", code="2264011"
    )
    GroupUnit.objects.create(group=other_group, unit=sopot)
    assert client.get(_url(group, sopot)).status_code == 404


def test_an_archived_group_takes_no_district_figures(
    client, login, group, facilitator, poznan, catalogue
):
    group.archived = True
    group.save()
    login(facilitator)
    assert client.get(_url(group, poznan[0])).status_code == 403


def test_the_profile_links_the_form_for_the_citys_officials_only(
    client, login, group, official, member, poznan
):
    city, _parts = poznan
    profile = reverse("indicators:profile", kwargs={"slug": group.slug, "unit_id": city.pk})
    login(official)
    assert _url(group, city) in client.get(profile).content.decode()
    login(member)  # Lublin's official
    assert _url(group, city) not in client.get(profile).content.decode()
