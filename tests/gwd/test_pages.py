"""Every page renders in each of the three languages, for the people who can see it."""

import datetime as dt
import re

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
    "mfa_index": {"pl": "dwuskładnikowe", "uk": "Двофакторна", "en": "Two-Factor"},
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


# --- The privacy notice, the accessibility statement and help ------------------------

TEXT_PAGES = {
    "privacy-notice": {
        "pl": "Informacja o przetwarzaniu danych osobowych",
        "uk": "Інформація про обробку персональних даних",
        "en": "Privacy notice",
    },
    "accessibility-statement": {
        "pl": "Deklaracja dostępności",
        "uk": "Декларація доступності",
        "en": "Accessibility statement",
    },
    "help": {"pl": "Pomoc", "uk": "Довідка", "en": "Help"},
}
# Every page's sections, the same in each language (the statement's are the identifiers
# the Polish rules on accessibility statements give its parts).
TEXT_PAGE_SECTIONS = {
    "privacy-notice": ["administrator", "dane", "cele", "okres", "odbiorcy", "prawa"],
    "accessibility-statement": [
        "a11y-deklaracja",
        "a11y-wstep",
        "a11y-podmiot",
        "a11y-url",
        "a11y-data-publikacja",
        "a11y-data-aktualizacja",
        "a11y-status",
        "a11y-data-sporzadzenie",
        "a11y-kontakt",
        "a11y-osoba",
        "a11y-email",
        "a11y-telefon",
        "a11y-procedura",
        "a11y-architektura",
        "a11y-aplikacje",
    ],
    "help": ["start", "member", "facilitator", "observer", "contact"],
}


def headings(html: str) -> list[str]:
    return re.findall(r"<h[1-3][^>]*>(.*?)</h[1-3]>", html)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", TEXT_PAGES)
def test_text_pages_answer_signed_out_in_each_language(client, db, name, language):
    client.cookies["django_language"] = language
    response = client.get(reverse(name))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert "<h1" in html and TEXT_PAGES[name][language] in headings(html)[0]
    for section in TEXT_PAGE_SECTIONS[name]:
        assert f'id="{section}"' in html
    assert len(headings(html)) >= 5
    assert "lorem" not in html.lower()


def test_the_statement_shows_the_operator_contacts_and_dates(client, db, settings):
    settings.GWD_CONTACT_EMAIL = "dostepnosc@zmp.gwd.test"
    settings.GWD_CONTACT_PHONE = "+48 61 633 50 50"
    settings.GWD_STATEMENT_UPDATED_ON = dt.date(2027, 3, 31)
    html = client.get(reverse("accessibility-statement")).content.decode()
    assert '<a id="a11y-email" href="mailto:dostepnosc@zmp.gwd.test">' in html
    assert 'href="tel:+48616335050"' in html
    assert '<span id="a11y-data-aktualizacja">2027-03-31</span>' in html
    assert "Rzecznika Praw Obywatelskich" in html


def test_every_page_links_the_text_pages_in_its_footer(client, db):
    html = client.get(reverse("account_login")).content.decode()
    footer = html[html.index("<footer") :]
    for name in TEXT_PAGES:
        assert f'href="{reverse(name)}"' in footer


def test_the_privacy_notice_points_to_the_data_export(client, db):
    html = client.get(reverse("privacy-notice")).content.decode()
    assert f'href="{reverse("groups:personal-data")}"' in html
