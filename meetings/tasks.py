"""E-mail about meetings, sent as background tasks after the writing transaction commits.

Reminders go through the "reminders" task backend, which is always the database backend:
each is enqueued to run its lead time before the meeting and its worker sends it then.
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
    """Enqueue each reminder of a meeting to run its lead time (`Meeting.reminders`,
    minutes) before the start.

    Called after every change of the meeting: a reminder planned for an old start time
    or a lead time since dropped finds it so and does nothing, so only the newest plan
    sends. A reminder whose time has passed goes at once, unless a later one is due
    before it could matter (a meeting planned an hour ahead gets no "1 day" reminder
    besides its "1 hour" one).
    """
    meeting = Meeting.objects.filter(pk=meeting_id).first()
    if meeting is None or meeting.status != Meeting.Status.SCHEDULED:
        return
    now = timezone.now()
    if meeting.starts_at <= now:
        return
    leads = sorted(meeting.reminders, reverse=True)
    for index, minutes in enumerate(leads):
        run_after = meeting.starts_at - dt.timedelta(minutes=minutes)
        if run_after < now and any(
            meeting.starts_at - dt.timedelta(minutes=later) <= now for later in leads[index + 1 :]
        ):
            continue  # a nearer reminder is due already: one e-mail, not two
        meeting_reminder.using(run_after=max(run_after, now)).enqueue(
            meeting_id=meeting.pk, starts_at=meeting.starts_at.isoformat(), minutes_before=minutes
        )


@task(backend="reminders")
def meeting_reminder(*, meeting_id: int, starts_at: str, minutes_before: int | None = None) -> int:
    """Remind the people registered (going or maybe) who have not opted out, of this
    meeting's reminders, of the group's or of all e-mail.

    Never for a cancelled or moved meeting or a lead time no longer set, never twice: a
    ReminderSent row per person, start time and lead time is written before the e-mail
    goes, and its unique constraint stops a second run. (A task enqueued before lead
    times were per meeting has no `minutes_before`: it stands for the longest.)
    """
    meeting = Meeting.objects.select_related("group").filter(pk=meeting_id).first()
    if (
        meeting is None
        or meeting.status != Meeting.Status.SCHEDULED
        or meeting.starts_at.isoformat() != starts_at
        or meeting.starts_at <= timezone.now()
        or not meeting.reminders
    ):
        return 0
    if minutes_before is None:
        minutes_before = max(meeting.reminders)
    if minutes_before not in meeting.reminders:
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
        reminders=True,
    ).select_related("user")
    sent = 0
    for registration in registrations:
        user = registration.user
        if user.pk in opted_out or user.pk not in active or not _wants_email(user):
            continue
        try:
            with transaction.atomic():
                ReminderSent.objects.create(
                    meeting=meeting,
                    user=user,
                    starts_at=meeting.starts_at,
                    minutes_before=minutes_before,
                )
        except IntegrityError:
            continue  # already reminded for this start time
        _send(user, "meetings/email/meeting_reminder", _context(meeting))
        sent += 1
    return sent
