"""E-mail about meetings, sent as background tasks after the writing transaction commits.

Reminders go through the "reminders" task backend, which is always the database backend:
each is enqueued to run N hours before the meeting and its worker sends it then.
"""

import datetime as dt

from django.db import IntegrityError, transaction
from django.tasks import task
from django.urls import reverse
from django.utils import timezone

from groups.models import Membership, User
from groups.notices import unsubscribe_token
from gwd.mail import absolute_url, send_templated_email
from meetings.models import Meeting, Registration, ReminderSent


def _context(meeting: Meeting) -> dict:
    return {
        "meeting": meeting,
        "group": meeting.group,
        "meeting_url": absolute_url(meeting.get_absolute_url()),
        "ics_url": absolute_url(
            reverse(
                "meetings:meeting-ics",
                kwargs={"slug": meeting.group.slug, "meeting_id": meeting.pk},
            )
        ),
    }


def _wants_email(user: User) -> bool:
    """The person's own choice, as for every GWD notification: "no e-mail at all" means
    none about meetings either, and a closed account gets nothing."""
    return user.is_active and user.email_notifications


def _send(user: User, template: str, context: dict) -> None:
    """E-mail one person in their language and zone, with the one-click link that stops
    all notification e-mail (the same link as in the digest)."""
    send_templated_email(
        to=user.email,
        template=template,
        language=user.language,
        time_zone=user.time_zone,
        context={**context, "user": user},
        unsubscribe_url=absolute_url(
            reverse("groups:unsubscribe", kwargs={"token": unsubscribe_token(user)})
        ),
    )


@task
def waitlist_promoted_email(*, registration_id: int) -> None:
    registration = (
        Registration.objects.select_related("meeting", "meeting__group", "user")
        .filter(pk=registration_id, status=Registration.Status.GOING)
        .first()
    )
    if registration is None or not _wants_email(registration.user):
        return
    _send(registration.user, "meetings/email/waitlist_promoted", _context(registration.meeting))


def reminder_plan(*, meeting_id: int) -> None:
    """Enqueue the reminder of a meeting to run `meeting_reminder_hours` before it.

    Called after every change of the meeting: a reminder planned for an old start time
    finds the start moved and does nothing, so only the newest one sends.
    """
    meeting = Meeting.objects.select_related("group").filter(pk=meeting_id).first()
    if meeting is None or meeting.status != Meeting.Status.SCHEDULED:
        return
    hours = meeting.group.meeting_reminder_hours
    if not hours:
        return
    run_after = meeting.starts_at - dt.timedelta(hours=hours)
    if meeting.starts_at <= timezone.now():
        return
    if run_after < timezone.now():
        run_after = timezone.now()
    meeting_reminder.using(run_after=run_after).enqueue(
        meeting_id=meeting.pk, starts_at=meeting.starts_at.isoformat()
    )


@task(backend="reminders")
def meeting_reminder(*, meeting_id: int, starts_at: str) -> int:
    """Remind the people registered (going or maybe) who have not opted out, of these
    reminders or of all e-mail.

    Never for a cancelled or moved meeting, never twice: a ReminderSent row per person
    and start time is written before the e-mail goes, and its unique constraint stops a
    second run.
    """
    meeting = Meeting.objects.select_related("group").filter(pk=meeting_id).first()
    if (
        meeting is None
        or meeting.status != Meeting.Status.SCHEDULED
        or meeting.starts_at.isoformat() != starts_at
        or meeting.starts_at <= timezone.now()
    ):
        return 0
    opted_out = set(
        Membership.objects.filter(group_id=meeting.group_id, meeting_reminders=False).values_list(
            "user_id", flat=True
        )
    )
    active = set(
        Membership.objects.active()
        .filter(group_id=meeting.group_id)
        .values_list("user_id", flat=True)
    )
    registrations = Registration.objects.filter(
        meeting=meeting,
        status__in=[Registration.Status.GOING, Registration.Status.MAYBE],
    ).select_related("user")
    sent = 0
    for registration in registrations:
        user = registration.user
        if user.pk in opted_out or user.pk not in active or not _wants_email(user):
            continue
        try:
            with transaction.atomic():
                ReminderSent.objects.create(meeting=meeting, user=user, starts_at=meeting.starts_at)
        except IntegrityError:
            continue  # already reminded for this start time
        _send(user, "meetings/email/meeting_reminder", _context(meeting))
        sent += 1
    return sent
