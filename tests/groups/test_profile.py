import pytest
from django.urls import reverse

from groups import services
from groups.models import Country, Institution, TerritorialUnit, UnitLevel, User
from tests.conftest import PASSWORD


def sign_in(client, user):
    client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})


def test_a_member_edits_their_profile_and_institution(client, alice):
    sign_in(client, alice)
    response = client.post(
        reverse("groups:profile"),
        {
            "full_name": "Alicja Nowak-Kowalska",
            "position": "Inspektorka",
            "institution_name": "Urząd Miasta Kielce",
            "institution_kind": "city",
            "institution_code": "2661011",
            "language": "en",
            "time_zone": "Europe/Warsaw",
        },
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.full_name == "Alicja Nowak-Kowalska"
    assert alice.language == "en"
    assert alice.institution == Institution.objects.get(name="Urząd Miasta Kielce", kind="city")
    assert alice.institution.code == "2661011"


def test_a_profile_with_bad_values_is_refused_and_nothing_changes(client, alice):
    sign_in(client, alice)
    response = client.post(
        reverse("groups:profile"),
        {
            "full_name": "",
            "institution_name": "Urząd Gminy Lubicz",
            "institution_kind": "",
            "language": "de",
            "time_zone": "Mars/Olympus",
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"full_name", "institution_kind", "language", "time_zone"}
    alice.refresh_from_db()
    assert alice.full_name == "Alicja Nowak"
    assert not Institution.objects.filter(name="Urząd Gminy Lubicz").exists()


def test_times_follow_the_profile_time_zone(client, user_factory):
    user = user_factory(time_zone="Europe/Kyiv", language="uk")
    sign_in(client, user)
    response = client.get(reverse("home"))
    assert response.context["TIME_ZONE"] == "Europe/Kyiv"


# --- An office of a municipality is the staff's to give --------------------------------


def _profile(client, **institution):
    return client.post(
        reverse("groups:profile"),
        {"full_name": "Beata Michalska", "language": "pl", "time_zone": "Europe/Warsaw"}
        | institution,
    )


@pytest.fixture
def lublin_office(db):
    unit = TerritorialUnit.objects.create(
        country=Country.POLAND, level=UnitLevel.CITY_COUNTY, name="Lublin", code="0663011"
    )
    return Institution.objects.create(
        name="Urząd Miasta Lublin", kind="city", code="0663011", unit=unit
    )


def test_a_profile_edit_never_repoints_a_shared_office(client, login, outsider, lublin_office):
    TerritorialUnit.objects.create(
        country=Country.POLAND, level=UnitLevel.CITY_COUNTY, name="Kielce", code="2661011"
    )
    login(outsider)
    response = _profile(
        client,
        institution_name="Urząd Miasta Lublin",
        institution_kind="city",
        institution_code="2661011",
    )
    assert response.status_code == 200
    assert "institution_name" in response.context["form"].errors
    office = Institution.objects.get(pk=lublin_office.pk)
    assert (office.code, office.unit.name) == ("0663011", "Lublin")
    outsider.refresh_from_db()
    assert outsider.institution is None


def test_a_profile_cannot_claim_a_municipalitys_office(client, login, outsider, lublin_office):
    login(outsider)
    response = _profile(
        client,
        institution_name="Urząd Miasta Lublin",
        institution_kind="city",
        institution_code="0663011",
    )
    assert response.status_code == 200
    assert "Urząd Miasta Lublin" in str(response.context["form"].errors["institution_name"])
    outsider.refresh_from_db()
    assert outsider.institution is None


def test_an_official_of_the_office_keeps_it_when_saving_the_profile(
    client, login, user_factory, lublin_office
):
    official = user_factory(institution=lublin_office)
    login(official)
    response = _profile(
        client,
        institution_name="Urząd Miasta Lublin",
        institution_kind="city",
        institution_code="2661011",
    )
    assert response.status_code == 302
    official.refresh_from_db()
    assert official.institution == lublin_office
    assert Institution.objects.get(pk=lublin_office.pk).code == "0663011"


def test_a_units_code_in_a_profile_makes_no_office(client, login, outsider, lublin_office):
    login(outsider)
    response = _profile(
        client,
        institution_name="Urząd Miasta Lublina",
        institution_kind="city",
        institution_code="0663011",
    )
    assert response.status_code == 302
    outsider.refresh_from_db()
    assert outsider.institution.code == "0663011"
    assert outsider.institution.unit is None


def test_joining_a_group_with_an_institution_from_a_profile_adds_no_municipality(
    client, login, outsider, facilitator, group, lublin_office
):
    login(outsider)
    _profile(client, institution_name="Urząd Miasta Lublina", institution_kind="city")
    _outcome, invitation = services.invitation_create(
        actor=facilitator, group=group, email=outsider.email
    )
    assert invitation is not None
    services.invitation_accept(actor=User.objects.get(pk=outsider.pk), token=invitation.token)
    assert not TerritorialUnit.objects.of_group(group).exists()
