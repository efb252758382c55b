"""A group's name and description come in each of its working languages: every reader
sees their own language's version, or the group's main language where theirs is empty."""

import datetime as dt

import icalendar
import pytest
from django.core import mail
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone, translation

from groups import services
from groups.models import Group, GroupKind, Membership, Notification, Role
from groups.notices import notification_text
from meetings import services as meetings

NAMES = {
    "pl": "Efektywność energetyczna — partnerzy z Ukrainy",
    "uk": "Енергоефективність — партнери з України",
    "en": "Energy efficiency — partners from Ukraine",
}


@pytest.fixture
def partners(group_factory):
    """A group working in Ukrainian first, then Polish; named in both, not in English."""
    return group_factory(
        slug="efektywnosc-energetyczna-ua",
        kind=GroupKind.UKRAINE_PARTNERS,
        working_languages=["uk", "pl"],
        name_uk=NAMES["uk"],
        name_pl=NAMES["pl"],
        description_uk="Обмін досвідом",
        description_pl="Wymiana doświadczeń",
    )


def create_data(**overrides):
    data = {
        "first_language": "uk",
        "working_languages": ["pl", "uk"],
        "name_pl": NAMES["pl"],
        "name_uk": NAMES["uk"],
        "name_en": "",
        "description_pl": "Wymiana doświadczeń",
        "description_uk": "Обмін досвідом",
        "description_en": "",
        "slug": "efektywnosc-2027",
        "kind": "ukraine_partners",
    }
    return data | overrides


def test_each_reader_sees_their_language_or_the_main_one(partners):
    assert partners.name_in("uk") == NAMES["uk"]
    assert partners.name_in("pl") == NAMES["pl"]
    # No English name: the group's first working language stands in.
    assert partners.name_in("en") == NAMES["uk"]
    assert partners.description_in("en") == "Обмін досвідом"
    with translation.override("pl"):
        assert partners.display_name == str(partners) == NAMES["pl"]


def test_staff_create_a_group_named_in_each_language(client, login, site_staff):
    login(site_staff)
    response = client.post(reverse("groups:group-create"), create_data())
    group = Group.objects.get(slug="efektywnosc-2027")
    assert response.url == group.get_absolute_url()
    assert (group.name_pl, group.name_uk, group.name_en) == (NAMES["pl"], NAMES["uk"], "")
    assert group.description_uk == "Обмін досвідом"
    # The main language comes first, whatever order the boxes were ticked in.
    assert group.working_languages == ["uk", "pl"]


def test_the_name_in_the_main_language_is_required(client, login, site_staff):
    login(site_staff)
    response = client.post(reverse("groups:group-create"), create_data(name_uk=""))
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"name_uk"}
    assert not Group.objects.exists()


def test_an_unknown_main_language_is_refused(client, login, site_staff):
    login(site_staff)
    response = client.post(reverse("groups:group-create"), create_data(first_language="de"))
    assert response.status_code == 200
    assert "first_language" in response.context["form"].errors
    assert not Group.objects.exists()


def test_the_settings_form_edits_every_version_and_keeps_the_address(
    client, login, partners, member_factory
):
    facilitator = member_factory(partners, Role.FACILITATOR, email="olena@zhytomyr.gwd.test")
    login(facilitator)
    page = client.get(reverse("groups:group-settings", kwargs={"slug": partners.slug}))
    assert page.context["form"].initial["name_uk"] == NAMES["uk"]
    assert page.context["form"].initial["first_language"] == "uk"
    response = client.post(
        reverse("groups:group-settings", kwargs={"slug": partners.slug}),
        create_data(name_en=NAMES["en"], name_pl="Efektywność energetyczna 2027"),
    )
    assert response.status_code == 302
    partners.refresh_from_db()
    assert partners.slug == "efektywnosc-energetyczna-ua"
    assert (partners.name_pl, partners.name_en) == ("Efektywność energetyczna 2027", NAMES["en"])


def test_settings_that_empty_the_main_name_write_nothing(client, login, partners, member_factory):
    facilitator = member_factory(partners, Role.FACILITATOR, email="olena@zhytomyr.gwd.test")
    login(facilitator)
    response = client.post(
        reverse("groups:group-settings", kwargs={"slug": partners.slug}),
        create_data(name_uk="  ", name_pl="Inna nazwa", name_en="x" * 201),
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"name_uk", "name_en"}
    partners.refresh_from_db()
    assert (partners.name_uk, partners.name_pl) == (NAMES["uk"], NAMES["pl"])


def test_the_directory_and_my_groups_speak_the_reader_language(
    client, login, partners, user_factory
):
    readers = {
        language: user_factory(email=f"{language}@gwd.test", language=language)
        for language in ("pl", "uk", "en")
    }
    for reader in readers.values():
        Membership.objects.create(user=reader, group=partners, role=Role.MEMBER)
    for language, reader in readers.items():
        login(reader)
        client.cookies["django_language"] = language
        expected = NAMES["uk"] if language == "en" else NAMES[language]
        directory = client.get(reverse("groups:group-list")).content.decode()
        home = client.get(reverse("home")).content.decode()
        dashboard = client.get(partners.get_absolute_url()).content.decode()
        for html in (directory, home, dashboard):
            assert expected in html
        other = NAMES["pl"] if language != "pl" else NAMES["uk"]
        assert other not in directory


def test_the_directory_sorts_by_the_name_the_reader_sees(client, login, group_factory, site_staff):
    group_factory(slug="a-group", name_pl="Zielona grupa", name_uk="Альфа")
    group_factory(slug="b-group", name_pl="Alfa", name_uk="Яр")
    login(site_staff)
    for language, order in (("uk", ["a-group", "b-group"]), ("pl", ["b-group", "a-group"])):
        site_staff.language = language
        site_staff.save(update_fields=["language"])
        groups = client.get(reverse("groups:group-list")).context["groups"]
        assert [g.slug for g in groups] == order


def test_a_notification_names_the_group_in_the_reader_language(partners, user_factory, staff):
    reader = user_factory(email="ihor@vinnytsia.gwd.test", language="uk")
    Membership.objects.create(user=reader, group=partners, role=Role.MEMBER)
    with translation.override("pl"):  # the one who acts reads Polish
        services.membership_role_change(
            actor=staff, membership=Membership.objects.get(user=reader), role=Role.OBSERVER
        )
    notification = Notification.objects.get(user=reader)
    with translation.override("uk"):
        assert NAMES["uk"] in notification_text(notification)


def test_e_mail_names_the_group_in_the_recipient_language(
    partners, user_factory, staff, django_capture_on_commit_callbacks
):
    reader = user_factory(email="ihor@vinnytsia.gwd.test", language="uk")
    Membership.objects.create(user=reader, group=partners, role=Role.MEMBER)
    with translation.override("pl"), django_capture_on_commit_callbacks(execute=True):
        services.facilitator_appoint(actor=staff, group=partners, email=reader.email)
    [message] = [m for m in mail.outbox if reader.email in m.to]
    assert NAMES["uk"] in message.subject + message.body
    assert NAMES["pl"] not in message.subject + message.body


def test_the_calendar_feed_names_the_group_in_its_owner_language(
    client, login, partners, member_factory, django_capture_on_commit_callbacks
):
    facilitator = member_factory(partners, Role.FACILITATOR, email="olena@zhytomyr.gwd.test")
    reader = member_factory(partners, Role.MEMBER, email="ihor@vinnytsia.gwd.test", language="en")
    starts = timezone.now() + dt.timedelta(days=10)
    with django_capture_on_commit_callbacks(execute=True):
        meetings.meeting_schedule(
            actor=facilitator,
            group=partners,
            title="ESCO",
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=1),
            time_zone="Europe/Warsaw",
        )
    login(reader)
    feed = client.get(reverse("meetings:calendar-feeds")).context["personal"]
    client.logout()
    client.cookies["django_language"] = "pl"  # a calendar app's language is not the owner's
    body = client.get(reverse("meetings:calendar-feed", kwargs={"token": feed.token})).content
    [event] = icalendar.Calendar.from_ical(body).walk("VEVENT")
    assert str(event["summary"]) == f"ESCO · {NAMES['uk']}"


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_the_old_name_to_the_first_working_language():
    executor = MigrationExecutor(connection)
    before, after = (
        [("groups", "0007_folderfollow_to_resources")],
        [("groups", "0008_group_names_per_language")],
    )
    executor.migrate(before)
    OldGroup = executor.loader.project_state(before).apps.get_model("groups", "Group")
    OldGroup.objects.create(
        slug="ua",
        kind="ukraine_partners",
        working_languages=["uk", "pl"],
        name="Партнери",
        description="Опис",
    )
    OldGroup.objects.create(slug="pl", kind="urban", working_languages=[], name="GWD miejska")
    executor = MigrationExecutor(connection)
    executor.migrate(after)
    ua, pl = Group.objects.get(slug="ua"), Group.objects.get(slug="pl")
    # Forward to the newest migrations again: the tests that follow use today's tables.
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert (ua.name_uk, ua.description_uk, ua.name_pl) == ("Партнери", "Опис", "")
    assert (pl.name_pl, pl.name_uk) == ("GWD miejska", "")
