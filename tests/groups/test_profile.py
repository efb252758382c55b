from django.urls import reverse

from groups.models import Institution
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
