"""A group's member municipalities as its facilitators manage them: added from the unit
register, marked as having left (their figures stay, but they are no longer compared) and
re-admitted, each change in the moderation log."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from groups import services
from groups.models import (
    Country,
    GroupUnit,
    Institution,
    ModerationAction,
    Role,
    TerritorialUnit,
    UnitLevel,
)
from gwd.errors import ServiceError
from indicators import comparisons
from indicators.models import Direction, Domain, GroupIndicator, Indicator, Measure, ValueStatus
from indicators.services import value_set

PL, L = Country.POLAND, UnitLevel


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def user_factory(user_factory):
    """The people here read GWD in English, as the messages below."""

    def make(**fields):
        fields.setdefault("language", "en")
        return user_factory(**fields)

    return make


@pytest.fixture
def register(db):
    """Three units of the register: two cities and a district of one of them."""
    lublin = services.unit_get_or_create(
        country=PL, level=L.CITY_COUNTY, name="Lublin", code="0663011"
    )
    kielce = services.unit_get_or_create(
        country=PL, level=L.CITY_COUNTY, name="Kielce", code="2661011"
    )
    grunwald = services.unit_get_or_create(
        country=PL, level=L.DISTRICT, name="Poznań-Grunwald", code="3064029"
    )
    return {"lublin": lublin, "kielce": kielce, "grunwald": grunwald}


def _url(name, group, **kwargs):
    return reverse(f"groups:{name}", kwargs={"slug": group.slug, **kwargs})


def _state():
    return (
        list(GroupUnit.objects.values_list("group_id", "unit_id", "left_at").order_by("pk")),
        ModerationAction.objects.count(),
    )


# --- The services ------------------------------------------------------------------


def test_a_facilitator_adds_a_unit_and_the_log_says_so(group, facilitator, register):
    membership = services.group_unit_add(actor=facilitator, group=group, unit=register["lublin"])
    assert membership.left_at is None
    assert list(TerritorialUnit.objects.of_group(group)) == [register["lublin"]]
    entry = ModerationAction.objects.get(group=group)
    assert (entry.kind, entry.target_label, entry.actor_id) == (
        ModerationAction.Kind.UNIT_ADD,
        "Lublin",
        facilitator.pk,
    )


def test_a_unit_that_is_a_member_already_is_not_added_twice(group, facilitator, register):
    services.group_unit_add(actor=facilitator, group=group, unit=register["lublin"])
    before = _state()
    with pytest.raises(ServiceError, match="already a member"):
        services.group_unit_add(actor=facilitator, group=group, unit=register["lublin"])
    assert _state() == before


def test_a_district_is_not_a_member_of_its_own(group, facilitator, register):
    with pytest.raises(ServiceError, match="district"):
        services.group_unit_add(actor=facilitator, group=group, unit=register["grunwald"])
    assert _state() == ([], 0)


def test_a_unit_leaves_once_and_comes_back_when_readmitted(group, facilitator, register):
    lublin = register["lublin"]
    services.group_unit_add(actor=facilitator, group=group, unit=lublin)
    services.group_unit_leave(actor=facilitator, group=group, unit=lublin)
    assert GroupUnit.objects.get(group=group, unit=lublin).left_at is not None
    assert not TerritorialUnit.objects.of_group(group).exists()
    before = _state()
    with pytest.raises(ServiceError, match="already left"):
        services.group_unit_leave(actor=facilitator, group=group, unit=lublin)
    with pytest.raises(ServiceError, match="re-admit"):
        services.group_unit_add(actor=facilitator, group=group, unit=lublin)
    assert _state() == before

    services.group_unit_readmit(actor=facilitator, group=group, unit=lublin)
    assert list(TerritorialUnit.objects.of_group(group)) == [lublin]
    with pytest.raises(ServiceError, match="is a member"):
        services.group_unit_readmit(actor=facilitator, group=group, unit=lublin)
    kinds = list(ModerationAction.objects.order_by("pk").values_list("kind", flat=True))
    assert kinds == ["unit_add", "unit_leave", "unit_readmit"]


def test_a_unit_that_was_never_a_member_neither_leaves_nor_is_readmitted(
    group, facilitator, register
):
    with pytest.raises(ServiceError, match="not a member"):
        services.group_unit_leave(actor=facilitator, group=group, unit=register["kielce"])
    with pytest.raises(ServiceError, match="not a member"):
        services.group_unit_readmit(actor=facilitator, group=group, unit=register["kielce"])
    assert _state() == ([], 0)


def test_an_archived_groups_units_stay_as_they_are(group, facilitator, register):
    services.group_unit_add(actor=facilitator, group=group, unit=register["lublin"])
    group.archived = True
    group.save()
    before = _state()
    for write in (services.group_unit_leave, services.group_unit_readmit):
        with pytest.raises(ServiceError, match="archived"):
            write(actor=facilitator, group=group, unit=register["lublin"])
    with pytest.raises(ServiceError, match="archived"):
        services.group_unit_add(actor=facilitator, group=group, unit=register["kielce"])
    assert _state() == before


def test_a_unit_that_left_is_not_compared_but_keeps_its_figures(group, facilitator, register):
    indicator = Indicator.objects.create(
        code="koszt",
        name_pl="Koszt",
        name_uk="Вартість",
        name_en="Cost",
        domain=Domain.LOCAL_TAXES,
        measure=Measure.COUNT,
        direction=Direction.LOWER,
    )
    GroupIndicator.objects.create(group=group, indicator=indicator)
    for name, number in (("lublin", 10), ("kielce", 30)):
        services.group_unit_add(actor=facilitator, group=group, unit=register[name])
        value_set(
            actor=facilitator,
            group=group,
            unit=register[name],
            indicator=indicator,
            year=2025,
            value=Decimal(number),
            status=ValueStatus.VERIFIED,
        )

    def ranked():
        result = comparisons.comparison_get(
            group=group, indicator=indicator, year=2025, units=comparisons.group_units(group)
        )
        section = result.sections[0]
        assert section.ranking is not None
        return [section.units[row.key].name for row in section.ranking.rows], section

    assert ranked()[0] == ["Lublin", "Kielce"]
    services.group_unit_leave(actor=facilitator, group=group, unit=register["lublin"])
    names, section = ranked()
    assert names == ["Kielce"]
    assert section.ranking is not None and section.ranking.summary.median == 30
    assert group.indicator_values.filter(unit=register["lublin"]).count() == 1


# --- The page ----------------------------------------------------------------------


def test_the_page_lists_current_and_former_units_with_their_officials(
    client, login, group, facilitator, member_factory, register
):
    office = Institution.objects.create(
        name="Urząd Miasta Lublin", kind="city", unit=register["lublin"]
    )
    member_factory(group, Role.MEMBER, institution=office, full_name="Anna Nowak")
    services.group_unit_add(actor=facilitator, group=group, unit=register["lublin"])
    services.group_unit_add(actor=facilitator, group=group, unit=register["kielce"])
    services.group_unit_leave(actor=facilitator, group=group, unit=register["kielce"])
    login(facilitator)
    page = client.get(_url("unit-list", group))
    assert page.status_code == 200
    current = [(row.unit.name, row.officials) for row in page.context["current"]]
    former = [row.unit.name for row in page.context["former"]]
    assert current == [("Lublin", ["Anna Nowak"])]
    assert former == ["Kielce"]
    text = page.content.decode()
    assert "Re-admit" in text and "Mark as having left" in text


def test_the_member_list_links_the_page_for_facilitators_only(
    client, login, group, facilitator, member
):
    link = _url("unit-list", group)
    login(facilitator)
    assert link in client.get(_url("member-list", group)).content.decode()
    login(member)
    assert link not in client.get(_url("member-list", group)).content.decode()


def test_the_register_is_searched_by_name_or_code(client, login, group, facilitator, register):
    services.group_unit_add(actor=facilitator, group=group, unit=register["kielce"])
    login(facilitator)

    def found(q):
        return [u.name for u in client.get(_url("unit-list", group), {"q": q}).context["found"]]

    assert found("lub") == ["Lublin"]
    assert found("0663011") == ["Lublin"]
    assert found("2661011") == []  # a member already
    assert found("Grunwald") == []  # a district is not a member of its own
    assert found("\x00") == []


def test_adding_from_the_page(client, login, group, facilitator, register):
    login(facilitator)
    response = client.post(_url("unit-add", group), {"unit": register["lublin"].pk}, follow=True)
    assert response.redirect_chain[-1][0] == _url("unit-list", group)
    assert "Lublin is now a member municipality" in response.content.decode()
    assert list(TerritorialUnit.objects.of_group(group)) == [register["lublin"]]


@pytest.mark.parametrize("raw", ["999999", "x", "", "²"])
def test_an_unknown_unit_is_refused_with_a_message(
    client, login, group, facilitator, register, raw
):
    login(facilitator)
    before = _state()
    response = client.post(_url("unit-add", group), {"unit": raw}, follow=True)
    assert response.status_code == 200
    assert "Choose a municipality of the register" in response.content.decode()
    assert _state() == before


def test_a_unit_already_a_member_is_refused_with_a_message(
    client, login, group, facilitator, register
):
    services.group_unit_add(actor=facilitator, group=group, unit=register["lublin"])
    login(facilitator)
    before = _state()
    response = client.post(_url("unit-add", group), {"unit": register["lublin"].pk}, follow=True)
    assert "already a member" in response.content.decode()
    assert _state() == before


def test_leaving_twice_is_refused_with_a_message(client, login, group, facilitator, register):
    lublin = register["lublin"]
    services.group_unit_add(actor=facilitator, group=group, unit=lublin)
    login(facilitator)
    leave = _url("unit-leave", group, unit_id=lublin.pk)
    response = client.post(leave, follow=True)
    assert "Lublin has left the group" in response.content.decode()
    before = _state()
    response = client.post(leave, follow=True)
    assert response.status_code == 200 and "already left" in response.content.decode()
    assert _state() == before
    response = client.post(_url("unit-readmit", group, unit_id=lublin.pk), follow=True)
    assert "Lublin is a member municipality again" in response.content.decode()
    assert TerritorialUnit.objects.of_group(group).get() == lublin


def test_an_archived_group_refuses_with_a_message(client, login, group, facilitator, register):
    services.group_unit_add(actor=facilitator, group=group, unit=register["lublin"])
    group.archived = True
    group.save()
    login(facilitator)
    before = _state()
    response = client.post(_url("unit-leave", group, unit_id=register["lublin"].pk), follow=True)
    assert "archived" in response.content.decode()
    assert _state() == before


@pytest.mark.parametrize("name", ["unit-leave", "unit-readmit"])
def test_a_unit_of_another_group_is_not_found(
    client, login, group, other_group, facilitator, register, name
):
    services.group_unit_join(group=other_group, unit=register["kielce"])
    login(facilitator)
    before = _state()
    assert client.post(_url(name, group, unit_id=register["kielce"].pk)).status_code == 404
    assert client.post(_url(name, group, unit_id=999999)).status_code == 404
    assert _state() == before


PAGES = [
    ("unit-list", "get", {}),
    ("unit-add", "post", {}),
    ("unit-leave", "post", {"unit_id": True}),
    ("unit-readmit", "post", {"unit_id": True}),
]


@pytest.mark.parametrize("name, method, kwargs", PAGES)
def test_outsiders_get_404_and_members_403(
    client, login, group, facilitator, member, observer, outsider, register, name, method, kwargs
):
    services.group_unit_add(actor=facilitator, group=group, unit=register["lublin"])
    if kwargs:
        kwargs = {"unit_id": register["lublin"].pk}
    url = _url(name, group, **kwargs)
    before = _state()
    for user, status in ((outsider, 404), (member, 403), (observer, 403)):
        login(user)
        assert getattr(client, method)(url, {"unit": register["kielce"].pk}).status_code == status
    assert _state() == before


@pytest.mark.parametrize("name", ["unit-leave", "unit-readmit"])
def test_an_id_too_large_for_any_table_is_not_found(client, login, group, facilitator, name):
    login(facilitator)
    assert client.post(_url(name, group, unit_id=10**25)).status_code == 404


def test_an_official_joining_does_not_undo_a_facilitators_leave(group, facilitator, register):
    lublin = register["lublin"]
    services.group_unit_add(actor=facilitator, group=group, unit=lublin)
    services.group_unit_leave(actor=facilitator, group=group, unit=lublin)
    services.group_unit_join(group=group, unit=lublin)
    assert not TerritorialUnit.objects.of_group(group).exists()
    services.group_unit_readmit(actor=facilitator, group=group, unit=lublin)
    assert list(TerritorialUnit.objects.of_group(group)) == [lublin]
