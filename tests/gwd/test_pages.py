"""Every page renders in each of the three languages, for the people who can see it."""

import pytest
from django.urls import reverse

from groups.models import GroupKind, Role
from tests.conftest import PASSWORD

LANGUAGES = ["pl", "uk", "en"]

# A word from each page's own text in each language, so an untranslated page shows up.
ANONYMOUS_PAGES = {
    "account_login": {"pl": "Zaloguj", "uk": "Увійти", "en": "Sign in"},
    "account_reset_password": {"pl": "Resetowanie hasła", "uk": "пароля", "en": "Password Reset"},
    "account_signup": {"pl": "Rejestracja", "uk": "Реєстрація", "en": "Sign Up"},
}
SIGNED_IN_PAGES = {
    "home": {"pl": "Moje grupy", "uk": "Мої групи", "en": "My groups"},
    "groups:profile": {"pl": "Profil", "uk": "Профіль", "en": "Profile"},
    "mfa_index": {"pl": "dwuskładnikowa", "uk": "Двофакторна", "en": "Two-Factor"},
    "account_email": {"pl": "Adresy e-mail", "uk": "Адреси електронної пошти", "en": "Email"},
    "account_change_password": {"pl": "Zmień hasło", "uk": "Змінити", "en": "Change Password"},
}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", ANONYMOUS_PAGES)
def test_public_pages_render_in_each_language(client, db, name, language):
    client.cookies["django_language"] = language
    response = client.get(reverse(name))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert ANONYMOUS_PAGES[name][language] in html


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", SIGNED_IN_PAGES)
def test_signed_in_pages_render_in_the_profile_language(client, user_factory, name, language):
    user = user_factory(email=f"{language}@gwd.test", language=language)
    client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    response = client.get(reverse(name))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert SIGNED_IN_PAGES[name][language] in html


def test_the_profile_language_wins_over_the_browser(client, user_factory):
    user = user_factory(language="uk")
    client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    response = client.get(reverse("home"), headers={"accept-language": "en"})
    assert '<html lang="uk">' in response.content.decode()


def test_anonymous_visitors_switch_language(client, db):
    response = client.post(reverse("set-language"), {"language": "uk", "next": "/accounts/login/"})
    assert response.status_code == 302
    assert response.url == "/accounts/login/"
    assert '<html lang="uk">' in client.get("/accounts/login/").content.decode()


def test_switching_language_while_signed_in_updates_the_profile(client, alice):
    client.post("/accounts/login/", {"login": alice.email, "password": PASSWORD})
    client.post(reverse("set-language"), {"language": "en", "next": "/"})
    alice.refresh_from_db()
    assert alice.language == "en"


def test_the_language_switch_refuses_foreign_redirects(client, db):
    response = client.post(
        reverse("set-language"), {"language": "en", "next": "https://evil.example/"}
    )
    assert response.url == "/"


def test_an_unknown_language_changes_nothing(client, alice):
    client.post("/accounts/login/", {"login": alice.email, "password": PASSWORD})
    client.post(reverse("set-language"), {"language": "de", "next": "/"})
    alice.refresh_from_db()
    assert alice.language == "pl"


def test_pages_carry_a_nonce_based_content_security_policy(client, db):
    response = client.get(reverse("account_login"))
    policy = response.headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in policy
    assert "script-src 'self' 'nonce-" in policy
    nonce = policy.split("'nonce-")[1].split("'")[0]
    assert f'nonce="{nonce}"' in response.content.decode()


def test_base_layout_has_landmarks_and_a_skip_link(client, db):
    html = client.get(reverse("account_login")).content.decode()
    assert 'href="#main"' in html
    for landmark in ("<header", "<nav", '<main id="main"', "<footer"):
        assert landmark in html


GROUP_PAGES = {
    "groups:group-detail": {
        "pl": "Nadchodzące spotkania",
        "uk": "Найближчі зустрічі",
        "en": "Upcoming meetings",
    },
    "groups:member-list": {"pl": "Członkowie", "uk": "Учасники", "en": "Members"},
    "groups:invitation-list": {"pl": "Zaproś", "uk": "Запросити", "en": "Invite"},
    "groups:join-request-list": {
        "pl": "Prośby o dołączenie",
        "uk": "Запити на приєднання",
        "en": "Join requests",
    },
    "groups:group-settings": {"pl": "Ustawienia", "uk": "Налаштування", "en": "Settings"},
    "groups:group-leave": {"pl": "Opuść", "uk": "Вийти з", "en": "Leave"},
}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", GROUP_PAGES)
def test_group_pages_render_in_each_language(client, login, member_factory, group, name, language):
    login(member_factory(group, Role.FACILITATOR, language=language))
    response = client.get(reverse(name, kwargs={"slug": group.slug}))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert GROUP_PAGES[name][language] in html


@pytest.mark.parametrize("language", LANGUAGES)
def test_directory_and_join_pages_render_in_each_language(
    client, user_factory, group_factory, language
):
    group_factory(slug="ppp", name="PPP", kind=GroupKind.PPP, accepts_join_requests=True)
    user = user_factory(language=language, is_staff=False)
    client.force_login(user)
    directory = client.get(reverse("groups:group-list")).content.decode()
    join = client.get(reverse("groups:group-join", kwargs={"slug": "ppp"})).content.decode()
    words = {
        "pl": ("Katalog grup", "Wyślij prośbę"),
        "uk": ("Каталог груп", "Надіслати запит"),
        "en": ("Group directory", "Send the request"),
    }[language]
    assert words[0] in directory
    assert words[1] in join


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_not_found_page_is_translated_and_styled(client, user_factory, language):
    user = user_factory(language=language)
    client.force_login(user)
    response = client.get("/groups/no-such-group/")
    assert response.status_code == 404
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert {"pl": "Nie znaleziono strony", "uk": "Сторінку не знайдено", "en": "Page not found"}[
        language
    ] in html
