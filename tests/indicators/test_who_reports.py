"""Who enters a municipality's figures: the officials of its office, as site staff set it.
Nothing a person writes in their own profile changes that, for them or for others."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from groups import services as group_services
from groups.models import Institution, Role, TerritorialUnit
from indicators import services


def _edit(group, data_round, unit) -> str:
    return reverse(
        "indicators:submission-edit",
        kwargs={"slug": group.slug, "round_id": data_round.pk, "unit_id": unit.pk},
    )


def _profile(client, name, code):
    return client.post(
        reverse("groups:profile"),
        {
            "full_name": "Beata Michalska",
            "institution_name": name,
            "institution_kind": "city",
            "institution_code": code,
            "language": "pl",
            "time_zone": "Europe/Warsaw",
        },
    )


def _round(group, facilitator, catalogue):
    return services.round_open(
        actor=facilitator,
        group=group,
        title="R",
        year=timezone.localdate().year,
        deadline=timezone.localdate() + dt.timedelta(days=30),
        indicators=[catalogue["roads"]],
    )


def test_a_profile_elsewhere_does_not_move_a_municipalitys_office(
    client, login, outsider, member, group, facilitator, cities, catalogue
):
    data_round = _round(group, facilitator, catalogue)
    login(outsider)
    response = _profile(client, "Urząd Miasta Lublin", cities["kielce"].code)
    assert response.status_code == 200
    assert Institution.objects.get(name="Urząd Miasta Lublin").unit == cities["lublin"]
    login(member)
    assert client.get(_edit(group, data_round, cities["lublin"])).status_code == 200
    assert client.get(_edit(group, data_round, cities["kielce"])).status_code == 403


def test_naming_an_office_in_a_profile_does_not_make_one_its_official(
    client, login, outsider, group, facilitator, cities, catalogue
):
    login(outsider)
    assert _profile(client, "Urząd Miasta Lublin", cities["lublin"].code).status_code == 200
    _outcome, invitation = group_services.invitation_create(
        actor=facilitator, group=group, email=outsider.email, role=Role.MEMBER
    )
    assert invitation is not None
    outsider.refresh_from_db()
    group_services.invitation_accept(actor=outsider, token=invitation.token)
    data_round = _round(group, facilitator, catalogue)
    assert client.get(_edit(group, data_round, cities["lublin"])).status_code == 403


def test_a_new_institution_with_a_units_code_joins_no_municipality_to_the_group(
    client, login, outsider, group, facilitator, catalogue
):
    sopot = TerritorialUnit.objects.create(
        country="PL", level="city_county", name="Sopot", code="2264011"
    )
    login(outsider)
    assert _profile(client, "Urząd Miasta Sopotu", sopot.code).status_code == 302
    _outcome, invitation = group_services.invitation_create(
        actor=facilitator, group=group, email=outsider.email, role=Role.MEMBER
    )
    assert invitation is not None
    outsider.refresh_from_db()
    group_services.invitation_accept(actor=outsider, token=invitation.token)
    assert sopot not in TerritorialUnit.objects.of_group(group)
