"""Who hears of polls and how: the new poll and the decision wait for the digest, the
closing-soon reminder is e-mailed at once; each person's level and e-mail choice count."""

import datetime as dt
import zoneinfo
from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone

from decisions import services, tasks
from groups import tasks as group_tasks
from groups.models import Membership, Notification
from groups.notices import notification_text

pytestmark = pytest.mark.django_db


def seven_tomorrow(zone="Europe/Warsaw"):
    local = timezone.now().astimezone(zoneinfo.ZoneInfo(zone)) + dt.timedelta(days=1)
    return local.replace(hour=7, minute=30, second=0, microsecond=0)


def test_a_new_poll_and_its_decision_go_into_the_digest(
    poll_factory, member, facilitator, access_of, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        poll = poll_factory("proposal", title="Wspólny przetarg na energię")
        access = access_of(facilitator, poll.group)
        services.poll_close(actor=facilitator, access=access, poll=poll)
        services.outcome_publish(actor=facilitator, access=access, poll=poll, outcome="Tak")
    assert [m for m in mail.outbox if m.to == [member.email]] == []  # not at once
    with mock.patch("django.utils.timezone.now", return_value=seven_tomorrow()):
        group_tasks.digests_send.call(reschedule=False)
    [digest] = [m for m in mail.outbox if m.to == [member.email]]
    assert "Marek Kowalski started a poll: “Wspólny przetarg na energię”" in digest.body
    assert "Decision taken in the poll “Wspólny przetarg na energię”" in digest.body
    assert "unsubscribe" in digest.body.lower() or digest.extra_headers.get("List-Unsubscribe")


def test_the_closing_reminder_is_emailed_at_once_with_the_unsubscribe_link(
    poll_factory, member, django_capture_on_commit_callbacks
):
    poll = poll_factory(closes_at=timezone.now() + dt.timedelta(days=2))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        tasks.poll_closing_reminder.call(poll_id=poll.pk, closes_at=poll.closes_at.isoformat())
    [message] = [m for m in mail.outbox if m.to == [member.email]]
    assert poll.title in message.body and "you have not voted" in message.body
    assert "List-Unsubscribe" in message.extra_headers


def test_no_reminder_for_who_asked_for_nothing_from_the_group_or_no_email(
    poll_factory, member, member_factory, group, django_capture_on_commit_callbacks
):
    quiet = member_factory(group, email_notifications=False)
    Membership.objects.filter(user=member).update(notify=Membership.Notify.NOTHING)
    poll = poll_factory(closes_at=timezone.now() + dt.timedelta(days=2))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        tasks.poll_closing_reminder.call(poll_id=poll.pk, closes_at=poll.closes_at.isoformat())
    assert not Notification.objects.filter(user=member, kind="poll_closing").exists()
    assert Notification.objects.filter(user=quiet, kind="poll_closing").exists()  # the bell
    assert [m.to for m in mail.outbox if m.to in ([member.email], [quiet.email])] == []


def test_the_reminder_says_when_the_poll_closes_in_the_readers_zone(poll_factory, member):
    closes = dt.datetime(2027, 11, 2, 9, 0, tzinfo=dt.UTC)
    with mock.patch("django.utils.timezone.now", return_value=closes - dt.timedelta(days=3)):
        poll = poll_factory(closes_at=closes)
        tasks.poll_closing_reminder.call(poll_id=poll.pk, closes_at=closes.isoformat())
    notification = Notification.objects.get(user=member, kind="poll_closing")
    assert "11:00" in notification_text(notification, "Europe/Kyiv")
    assert "10:00" in notification_text(notification, "Europe/Warsaw")
