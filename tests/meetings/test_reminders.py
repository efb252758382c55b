"""Meeting e-mail obeys the person's choices like every other GWD e-mail: nothing for
someone who turned e-mail off, and a one-click way out (RFC 8058) in each one sent."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.utils import timezone

from meetings import services, tasks
from meetings.models import Registration, ReminderSent


@pytest.fixture
def soon(facilitator, group, django_capture_on_commit_callbacks):
    """A meeting in three hours."""
    starts = timezone.now() + dt.timedelta(hours=3)
    with django_capture_on_commit_callbacks(execute=True):
        return services.meeting_schedule(
            actor=facilitator,
            group=group,
            title="Opłata za gospodarowanie odpadami",
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=2),
            time_zone="Europe/Warsaw",
        )


def remind(meeting) -> int:
    mail.outbox.clear()
    return tasks.meeting_reminder.call(
        meeting_id=meeting.pk, starts_at=meeting.starts_at.isoformat()
    )


def going(user, meeting):
    services.registration_set(actor=user, meeting=meeting, status="going")


def test_no_reminder_for_someone_who_turned_all_email_off(soon, member, observer):
    going(member, soon)
    going(observer, soon)
    member.email_notifications = False
    member.save(update_fields=["email_notifications"])
    assert remind(soon) == 1
    assert [m.to for m in mail.outbox] == [[observer.email]]
    # Nothing recorded as sent to the person who got nothing.
    assert list(ReminderSent.objects.values_list("user_id", flat=True)) == [observer.pk]


def test_no_reminder_for_a_deactivated_account(soon, member):
    going(member, soon)
    member.is_active = False
    member.save(update_fields=["is_active"])
    assert remind(soon) == 0
    assert not mail.outbox


def test_a_reminder_carries_a_one_click_unsubscribe(client, soon, member, group):
    going(member, soon)
    assert remind(soon) == 1
    reminder = mail.outbox[0]
    header = reminder.extra_headers["List-Unsubscribe"]
    assert reminder.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = re.fullmatch(r"<(https?://[^>]+)>", header).group(1)
    # The same link is in the text and the HTML part, for people who read the e-mail.
    assert link in reminder.body
    assert link in reminder.alternatives[0][0]

    # The mail program's one click (a POST without a session) stops further reminders.
    path = re.sub(r"^https?://[^/]+", "", link)
    assert client.post(path, {"List-Unsubscribe": "One-Click"}).status_code == 200
    member.refresh_from_db()
    assert not member.email_notifications
    later = services.meeting_schedule(
        actor=soon.created_by,
        group=group,
        title="Kolejne spotkanie",
        starts_at=soon.starts_at + dt.timedelta(hours=1),
        ends_at=soon.ends_at + dt.timedelta(hours=1),
        time_zone="Europe/Warsaw",
    )
    going(member, later)
    assert remind(later) == 0


def test_the_waiting_list_email_follows_the_same_rules(soon, member, observer, facilitator):
    services.meeting_update(actor=facilitator, meeting=soon, capacity=1)
    going(member, soon)
    going(observer, soon)
    assert Registration.objects.get(user=observer).status == Registration.Status.WAITLISTED
    registration = Registration.objects.get(user=observer)
    registration.status = Registration.Status.GOING
    registration.save(update_fields=["status"])

    mail.outbox.clear()
    tasks.waitlist_promoted_email.call(registration_id=registration.pk)
    assert mail.outbox[0].extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    observer.email_notifications = False
    observer.save(update_fields=["email_notifications"])
    mail.outbox.clear()
    tasks.waitlist_promoted_email.call(registration_id=registration.pk)
    assert not mail.outbox
