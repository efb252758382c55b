"""Notifications: who hears what, at once or in a digest, and how to stop it."""

import datetime as dt
from unittest import mock

import pytest
from django.core import mail, signing
from django.urls import reverse
from django.utils import timezone

from groups import notices, services, tasks
from groups.models import DigestRun, Membership, Notification, Role, User
from resources import services as library_services


@pytest.fixture
def thread(facilitator, group):
    thread, _ = services.thread_create(
        actor=facilitator,
        group=group,
        title="Opłata targowa",
        body="Jak to robicie?",
        client_id="start",
    )
    return thread


def post(user, thread, body, client_id):
    return services.message_send(actor=user, thread=thread, body=body, client_id=client_id)[0]


def seven_tomorrow(zone="Europe/Warsaw") -> dt.datetime:
    import zoneinfo

    day = timezone.localdate() + dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(7, 30), tzinfo=zoneinfo.ZoneInfo(zone))


def test_a_mention_reaches_the_member_at_once_by_email(
    member, observer, thread, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post(member, thread, f"@**{observer.full_name}** co sądzisz?", "m1")
    [mention] = [m for m in mail.outbox if m.to == [observer.email]]
    assert "Anna Nowak" in mention.subject
    assert mention.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert Notification.objects.get(user=observer, kind="mention").emailed_at is not None
    observer.refresh_from_db()
    assert observer.unread_notifications == 1


def test_nobody_is_notified_about_a_group_they_left(member, facilitator, observer, thread, group):
    post(member, thread, "pierwsza", "a")
    services.membership_remove(
        actor=facilitator, membership=Membership.objects.get(user=member, group=group)
    )
    post(facilitator, thread, f"odpowiedź dla @**{member.full_name}**", "b")
    kinds = set(Notification.objects.filter(user=member).values_list("kind", flat=True))
    assert kinds == {"removed"}  # about the membership itself, nothing from the group


def test_levels_everything_mentions_only_nothing(member, observer, facilitator, thread, group):
    Membership.objects.filter(user=member, group=group).update(notify="mentions")
    Membership.objects.filter(user=observer, group=group).update(notify="nothing")
    post(member, thread, "moja odpowiedź", "r1")
    post(facilitator, thread, f"@**{member.full_name}** @**{observer.full_name}** dzięki", "r2")
    assert list(Notification.objects.filter(user=member).values_list("kind", flat=True)) == [
        "mention"
    ]
    assert not Notification.objects.filter(user=observer).exists()


def test_the_bell_counts_and_mark_read_resets(client, login, member, facilitator, thread):
    post(member, thread, "odpowiedź", "x")
    post(member, thread, "druga", "y")
    login(facilitator)
    page = client.get(reverse("home")).content.decode()
    assert 'id="bell-count"><span aria-hidden="true" data-bell-number>2<' in page
    client.post(reverse("groups:notifications-read"))
    facilitator.refresh_from_db()
    assert facilitator.unread_notifications == 0
    assert not Notification.objects.filter(user=facilitator, read_at=None).exists()


def test_a_live_bell_frame_goes_to_the_person(
    member, facilitator, thread, django_capture_on_commit_callbacks
):
    from groups import events

    with (
        mock.patch.object(events, "send_to_users") as push,
        django_capture_on_commit_callbacks(execute=True),
    ):
        post(member, thread, "odpowiedź", "z")
    frames = [
        (uid, frame)
        for c in push.call_args_list
        for uid, frame in c.args[0].items()
        if frame["type"] == "notification"
    ]
    assert frames == [
        (facilitator.pk, {"type": "notification", "unread": 1, "text": "1 nieprzeczytana"})
    ]


# --- Digests ----------------------------------------------------------------------------


def test_a_member_away_for_a_day_gets_one_digest_in_their_language(
    user_factory, member_factory, facilitator, group, other_group, thread
):
    ukrainian = member_factory(
        group,
        email="olena@zhytomyr.gwd.test",
        language="uk",
        time_zone="Europe/Kyiv",
        full_name="Олена Коваленко",
    )
    post(ukrainian, thread, "Дякую", "u1")
    post(facilitator, thread, "Kolejna odpowiedź", "u2")
    library_services.folder_follow_toggle(actor=ukrainian, group=group)
    mail.outbox.clear()
    with mock.patch("django.utils.timezone.now", return_value=seven_tomorrow("Europe/Kyiv")):
        assert tasks.digests_send.call(reschedule=False) >= 1
        again = tasks.digests_send.call(reschedule=False)
    digests = [m for m in mail.outbox if m.to == [ukrainian.email]]
    assert len(digests) == 1
    assert "GWD:" in digests[0].subject and "ваших групах" in digests[0].subject
    assert "Marek Kowalski" in digests[0].body
    assert again == 0
    assert DigestRun.objects.filter(user=ukrainian).count() == 1


def test_a_digest_never_contains_another_groups_items(
    member_factory, facilitator, group, other_group, thread
):
    both = member_factory(group, email="both@gwd.test")
    Membership.objects.create(user=both, group=other_group, role=Role.MEMBER)
    other_facilitator = member_factory(other_group, Role.FACILITATOR, email="f2@gwd.test")
    post(both, thread, "w grupie A", "a")
    post(facilitator, thread, "odpowiedź w A", "b")
    other_thread, _ = services.thread_create(
        actor=both, group=other_group, title="Wątek B", body="w grupie B", client_id="c"
    )
    post(other_facilitator, other_thread, "odpowiedź w B", "d")
    Membership.objects.filter(user=both, group=other_group).update(status="removed")
    mail.outbox.clear()
    with mock.patch("django.utils.timezone.now", return_value=seven_tomorrow()):
        tasks.digests_send.call(reschedule=False)
    [digest] = [m for m in mail.outbox if m.to == [both.email]]
    assert group.name_pl in digest.body
    assert other_group.name_pl not in digest.body and "Wątek B" not in digest.body


def test_a_digest_period_is_sent_once_even_if_the_worker_restarts(member, facilitator, thread):
    post(member, thread, "odpowiedź", "q")
    with mock.patch("django.utils.timezone.now", return_value=seven_tomorrow()):
        period = notices.digest_period(facilitator, timezone.now())
        # A worker that claimed the period and died before sending has left its row.
        DigestRun.objects.create(user=facilitator, period=period)
        mail.outbox.clear()
        tasks.digests_send.call(reschedule=False)
    assert not [m for m in mail.outbox if m.to == [facilitator.email]]


def test_no_digest_before_seven_in_the_morning(member, facilitator, thread):
    import zoneinfo

    post(member, thread, "odpowiedź", "w")
    early = dt.datetime.combine(
        timezone.localdate() + dt.timedelta(days=1),
        dt.time(5),
        tzinfo=zoneinfo.ZoneInfo("Europe/Warsaw"),
    )
    with mock.patch("django.utils.timezone.now", return_value=early):
        tasks.digests_send.call(reschedule=False)
    assert not DigestRun.objects.exists()


# --- Unsubscribe ------------------------------------------------------------------------


def test_one_click_unsubscribe_from_a_group(client, member, group):
    token = notices.unsubscribe_token(member, group)
    url = reverse("groups:unsubscribe", kwargs={"token": token})
    assert client.get(url).status_code == 200
    response = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert Membership.objects.get(user=member, group=group).notify == "nothing"


def test_unsubscribe_from_all_email(client, member):
    token = notices.unsubscribe_token(member)
    client.post(reverse("groups:unsubscribe", kwargs={"token": token}))
    member.refresh_from_db()
    assert not member.email_notifications


@pytest.mark.parametrize("tamper", ["forged", "altered"])
def test_a_forged_or_altered_token_is_refused(client, member, outsider, group, tamper):
    if tamper == "forged":
        token = signing.dumps({"u": member.pk, "g": 0}, key="not-the-secret-key", salt="x")
    else:
        good = notices.unsubscribe_token(outsider)
        signature = good.rpartition(":")[2]
        token = signing.dumps({"u": member.pk, "g": 0}, salt="gwd.notifications.unsubscribe")
        token = token.rpartition(":")[0] + ":" + signature  # someone else's signature
    response = client.post(reverse("groups:unsubscribe", kwargs={"token": token}))
    assert response.status_code == 400
    member.refresh_from_db()
    assert member.email_notifications
    assert Membership.objects.get(user=member, group=group).notify == "all"


def test_settings_page_saves_levels(client, login, member, group):
    login(member)
    client.post(
        reverse("groups:notification-settings"),
        {"email_notifications": "", "digest": "weekly", f"group_{group.pk}": "mentions"},
    )
    member.refresh_from_db()
    assert (member.email_notifications, member.digest) == (False, "weekly")
    assert Membership.objects.get(user=member, group=group).notify == "mentions"


def test_new_documents_in_a_followed_folder_are_notified(
    member, facilitator, group, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from resources import services as library

    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path, "base_url": None},
        },
    }
    library_services.folder_follow_toggle(actor=member, group=group)
    library.document_upload(
        actor=facilitator,
        group=group,
        title="Wzór uchwały",
        upload=SimpleUploadedFile("uchwala.txt", b"tekst uchwaly"),
    )
    notification = Notification.objects.get(user=member)
    assert notification.kind == "document_new"
    assert "Wzór uchwały" in notices.notification_text(notification)


def test_membership_events_are_notified(facilitator, member, group):
    services.membership_role_change(
        actor=facilitator,
        membership=Membership.objects.get(user=member, group=group),
        role="observer",
    )
    notification = Notification.objects.get(user=member)
    assert notification.kind == "role_changed"
    assert User.objects.get(pk=member.pk).unread_notifications == 1


def test_a_notification_from_a_deleted_account_names_a_former_member(facilitator, group):
    notification = Notification.objects.create(
        user=facilitator,
        group=group,
        kind="mention",
        params={"actor": "", "thread": "Umowa ESCO"},
        url="/",
    )
    assert notices.notification_text(notification).startswith("Były członek wspomina")
