"""Writes to meetings. Each is the one place its change happens and tells the people it
concerns (by e-mail, after commit)."""

import datetime as dt
import functools
import zoneinfo

from dateutil.rrule import MONTHLY, WEEKLY, rrule
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from groups.models import Group, Institution, Membership, User
from groups.services.notifications import notify
from gwd import markdown
from gwd.commit import after_commit
from gwd.errors import ServiceError
from meetings import tasks
from meetings.models import (
    ActionItem,
    AgendaItem,
    Attendance,
    CalendarFeed,
    Meeting,
    MeetingSeries,
    Minutes,
    Registration,
    new_feed_token,
)

SERIES_HORIZON = 26  # occurrences created ahead for a recurring meeting
MAX_DURATION = dt.timedelta(days=3)


# --- Time -------------------------------------------------------------------------


def local_to_utc(day: dt.date, time: dt.time, zone_name: str) -> dt.datetime:
    """The instant of a wall-clock time in a zone; refuses times that do not exist there
    (the hour skipped when clocks go forward). An hour that happens twice when clocks go
    back is taken the first time."""
    try:
        zone = zoneinfo.ZoneInfo(zone_name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ServiceError(_("Unknown time zone."), code="invalid") from None
    local = dt.datetime.combine(day, time, tzinfo=zone)
    round_trip = local.astimezone(dt.UTC).astimezone(zone)
    if round_trip.replace(tzinfo=None) != local.replace(tzinfo=None):
        raise ServiceError(
            _("%(time)s does not exist on %(date)s in %(zone)s: the clocks go forward then.")
            % {"time": time.strftime("%H:%M"), "date": day.isoformat(), "zone": zone_name},
            code="invalid",
        )
    return local.astimezone(dt.UTC)


def _check_times(starts_at: dt.datetime, ends_at: dt.datetime, deadline: dt.datetime | None):
    if ends_at <= starts_at:
        raise ServiceError(_("The meeting must end after it starts."), code="invalid")
    if ends_at - starts_at > MAX_DURATION:
        raise ServiceError(_("A meeting lasts at most three days."), code="invalid")
    if deadline is not None and deadline > starts_at:
        raise ServiceError(
            _("The registration deadline must be before the meeting starts."), code="invalid"
        )


# --- Scheduling ---------------------------------------------------------------------


MEETING_FIELDS = (
    "title",
    "description",
    "place",
    "online_url",
    "capacity",
)


@transaction.atomic
def meeting_schedule(
    *,
    actor: User,
    group: Group,
    title: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    time_zone: str,
    description: str = "",
    place: str = "",
    online_url: str = "",
    capacity: int | None = None,
    registration_deadline: dt.datetime | None = None,
    draft: bool = False,
    repeat: str = "",
    repeat_count: int = 1,
    agenda: list[dict] | None = None,
) -> Meeting:
    """Schedule a meeting (or a draft), optionally repeating weekly or monthly.

    Members are e-mailed about a scheduled meeting (not about a draft). A repeating
    meeting creates its occurrences now, at the same local time in the organiser's zone
    (so 10:00 stays 10:00 across a change of daylight saving time).
    """
    _check_times(starts_at, ends_at, registration_deadline)
    if capacity is not None and capacity < 1:
        raise ServiceError(_("Capacity must be at least 1."), code="invalid")
    series = None
    starts = [starts_at]
    if repeat:
        if repeat not in MeetingSeries.Frequency.values:
            raise ServiceError(_("Choose how the meeting repeats."), code="invalid")
        if not 2 <= repeat_count <= SERIES_HORIZON:
            raise ServiceError(
                _("A series has 2 to %(max)d meetings.") % {"max": SERIES_HORIZON},
                code="invalid",
            )
        series = MeetingSeries.objects.create(group=group, frequency=repeat)
        zone = zoneinfo.ZoneInfo(time_zone)
        local_start = starts_at.astimezone(zone).replace(tzinfo=None)
        rule = rrule(
            WEEKLY if repeat == MeetingSeries.Frequency.WEEKLY else MONTHLY,
            dtstart=local_start,
            count=repeat_count,
        )
        starts = [local.replace(tzinfo=zone).astimezone(dt.UTC) for local in rule]
    duration = ends_at - starts_at
    deadline_before = starts_at - registration_deadline if registration_deadline else None
    created = []
    for start in starts:
        meeting = Meeting.objects.create(
            group=group,
            series=series,
            title=title.strip(),
            description=description.strip(),
            starts_at=start,
            ends_at=start + duration,
            time_zone=time_zone,
            place=place.strip(),
            online_url=online_url.strip(),
            capacity=capacity,
            registration_deadline=start - deadline_before if deadline_before else None,
            status=Meeting.Status.DRAFT if draft else Meeting.Status.SCHEDULED,
            created_by=actor,
        )
        for order, item in enumerate(agenda or []):
            AgendaItem.objects.create(meeting=meeting, order=order, **item)
        created.append(meeting)
    if not draft:
        _after_change(created, "scheduled", actor)
    return created[0]


def _after_change(meetings: list[Meeting], what: str, actor: User | None = None) -> None:
    """Tell the members once (at once, by e-mail too, unless they chose otherwise) about
    the first of the meetings a change covers and how many there are — a series of 26
    is one message, not 26 — and plan each meeting's reminder once the transaction
    commits."""
    if not meetings:
        return
    first = meetings[0]
    params: dict[str, str | int] = {"title": first.title, "starts_at": first.starts_at.isoformat()}
    if len(meetings) > 1:
        params["count"] = len(meetings)
    notify(
        kind=f"meeting_{what}",
        group=first.group,
        users=Membership.objects.active()
        .filter(group_id=first.group_id)
        .values_list("user_id", flat=True),
        actor=actor,
        params=params,
        url=first.get_absolute_url(),
    )
    if what != "cancelled":
        meeting_ids = [meeting.pk for meeting in meetings]

        def plan_reminders():
            for meeting_id in meeting_ids:
                tasks.reminder_plan(meeting_id=meeting_id)

        after_commit(plan_reminders)


@transaction.atomic
def meeting_update(
    *,
    actor: User,
    meeting: Meeting,
    apply_to_series: bool = False,
    **changes,
) -> Meeting:
    """Change a meeting — or it and every later meeting of its series.

    Times change by the same amount in every meeting changed; other fields take the new
    value. SEQUENCE goes up so calendar apps replace their copy; people are e-mailed.
    """
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status == Meeting.Status.CANCELLED:
        raise ServiceError(_("A cancelled meeting cannot be changed."), code="invalid")
    starts_at = changes.pop("starts_at", meeting.starts_at)
    ends_at = changes.pop("ends_at", meeting.ends_at)
    deadline = changes.pop("registration_deadline", meeting.registration_deadline)
    _check_times(starts_at, ends_at, deadline)
    if changes.get("capacity") is not None and changes["capacity"] < 1:
        raise ServiceError(_("Capacity must be at least 1."), code="invalid")
    shift = starts_at - meeting.starts_at
    duration = ends_at - starts_at
    targets = [meeting]
    if apply_to_series and meeting.series_id:
        targets += list(
            Meeting.objects.select_for_update()
            .filter(series_id=meeting.series_id, starts_at__gt=meeting.starts_at)
            .exclude(status=Meeting.Status.CANCELLED)
        )
    for target in targets:
        for field, value in changes.items():
            setattr(target, field, value.strip() if isinstance(value, str) else value)
        if target.pk == meeting.pk:
            target.starts_at, target.ends_at = starts_at, ends_at
            target.registration_deadline = deadline
        else:
            target.starts_at = target.starts_at + shift
            target.ends_at = target.starts_at + duration
            if deadline is not None:
                target.registration_deadline = target.starts_at - (starts_at - deadline)
        target.sequence = F("sequence") + 1
        target.save()
        target.refresh_from_db(fields=["sequence"])
    _after_change(
        [target for target in targets if target.status == Meeting.Status.SCHEDULED],
        "changed",
        actor,
    )
    if meeting.capacity:
        _promote_waitlist(meeting)
    return meeting


@transaction.atomic
def meeting_publish(*, actor: User, meeting: Meeting) -> Meeting:
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status != Meeting.Status.DRAFT:
        raise ServiceError(_("Only a draft can be published."), code="invalid")
    meeting.status = Meeting.Status.SCHEDULED
    meeting.save(update_fields=["status"])
    _after_change([meeting], "scheduled", actor)
    return meeting


@transaction.atomic
def meeting_cancel(*, actor: User, meeting: Meeting, apply_to_series: bool = False) -> Meeting:
    """Cancel a meeting (or it and the rest of its series); calendars show it cancelled
    and no reminder goes out."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status == Meeting.Status.CANCELLED:
        raise ServiceError(_("This meeting is already cancelled."), code="invalid")
    targets = [meeting]
    if apply_to_series and meeting.series_id:
        targets += list(
            Meeting.objects.select_for_update().filter(
                series_id=meeting.series_id,
                starts_at__gt=meeting.starts_at,
                status=Meeting.Status.SCHEDULED,
            )
        )
    public = [target for target in targets if target.status == Meeting.Status.SCHEDULED]
    for target in targets:
        target.status = Meeting.Status.CANCELLED
        target.sequence = F("sequence") + 1
        target.save(update_fields=["status", "sequence"])
    _after_change(public, "cancelled", actor)
    return meeting


# --- Registration -------------------------------------------------------------------


@transaction.atomic
def registration_set(*, actor: User, meeting: Meeting, status: str) -> Registration:
    """Register the actor as going, maybe or not going.

    With a capacity, "going" past it puts the person on the waiting list; when someone
    who was going changes their mind, the first person waiting moves up and is told.
    The meeting row is locked, so concurrent registrations never overfill it.
    """
    if status not in (
        Registration.Status.GOING,
        Registration.Status.MAYBE,
        Registration.Status.NOT_GOING,
    ):
        raise ServiceError(_("Choose going, maybe or not going."), code="invalid")
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    registration = Registration.objects.filter(meeting=meeting, user=actor).first()
    if status != Registration.Status.NOT_GOING and not meeting.is_open_for_registration:
        raise ServiceError(_("Registration for this meeting is closed."), code="closed")
    was_going = registration is not None and registration.status == Registration.Status.GOING
    if registration is None:
        registration = Registration(meeting=meeting, user=actor, institution=actor.institution)
    if status == Registration.Status.GOING and not was_going:
        if registration.status == Registration.Status.WAITLISTED:
            return registration  # already waiting: keep the place in the queue
        going = Registration.objects.filter(
            meeting=meeting, status=Registration.Status.GOING
        ).count()
        if meeting.capacity is not None and going >= meeting.capacity:
            status = Registration.Status.WAITLISTED
            registration.waitlisted_at = timezone.now()
    registration.status = status
    registration.save()
    if was_going and status != Registration.Status.GOING:
        _promote_waitlist(meeting)
    return registration


def _promote_waitlist(meeting: Meeting) -> None:
    if meeting.capacity is None:
        return
    going = Registration.objects.filter(meeting=meeting, status=Registration.Status.GOING).count()
    free = meeting.capacity - going
    if free <= 0:
        return
    waiting = list(
        Registration.objects.select_for_update()
        .filter(meeting=meeting, status=Registration.Status.WAITLISTED)
        .order_by("waitlisted_at", "pk")[:free]
    )
    for registration in waiting:
        registration.status = Registration.Status.GOING
        registration.save(update_fields=["status", "updated_at"])
        # partial, not a lambda: each task gets its own registration's id.
        after_commit(
            functools.partial(
                tasks.waitlist_promoted_email.enqueue, registration_id=registration.pk
            )
        )


# --- After the meeting --------------------------------------------------------------


@transaction.atomic
def attendance_mark(*, actor: User, meeting: Meeting, present_user_ids: set[int]) -> int:
    """Record who was there (members of the group only); marks the meeting as held."""
    members = set(
        Membership.objects.filter(
            group_id=meeting.group_id, user_id__in=present_user_ids
        ).values_list("user_id", flat=True)
    )
    Attendance.objects.filter(meeting=meeting).exclude(user_id__in=members).delete()
    existing = set(Attendance.objects.filter(meeting=meeting).values_list("user_id", flat=True))
    Attendance.objects.bulk_create(
        [Attendance(meeting=meeting, user_id=uid, marked_by=actor) for uid in members - existing]
    )
    if meeting.status == Meeting.Status.SCHEDULED and meeting.starts_at <= timezone.now():
        Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.HELD)
    return len(members)


@transaction.atomic
def minutes_save(
    *, actor: User, meeting: Meeting, text: str, decisions: str, publish: bool
) -> Minutes:
    minutes, _created = Minutes.objects.get_or_create(meeting=meeting)
    minutes.text, minutes.decisions = text.strip(), decisions.strip()
    minutes.text_html, _ = markdown.render(minutes.text)
    minutes.decisions_html, _ = markdown.render(minutes.decisions)
    minutes.updated_by = actor
    if publish and minutes.status != Minutes.Status.PUBLISHED:
        minutes.status = Minutes.Status.PUBLISHED
        minutes.published_at = timezone.now()
    minutes.save()
    return minutes


@transaction.atomic
def action_item_add(
    *,
    actor: User,
    meeting: Meeting,
    description: str,
    owner: User | None = None,
    owner_institution: Institution | None = None,
    due_date: dt.date | None = None,
) -> ActionItem:
    description = description.strip()
    if not description:
        raise ServiceError(_("Say what is to be done."), code="empty")
    if (
        owner is not None
        and not Membership.objects.filter(
            group_id=meeting.group_id, user=owner, status=Membership.Status.ACTIVE
        ).exists()
    ):
        raise ServiceError(_("The owner must be a member of the group."), code="invalid")
    return ActionItem.objects.create(
        group_id=meeting.group_id,
        meeting=meeting,
        description=description,
        owner=owner,
        owner_institution=owner_institution,
        due_date=due_date,
    )


@transaction.atomic
def action_item_toggle(*, actor: User, item: ActionItem) -> ActionItem:
    item.status = (
        ActionItem.Status.DONE if item.status == ActionItem.Status.OPEN else ActionItem.Status.OPEN
    )
    item.save(update_fields=["status"])
    return item


# --- Calendar feeds -----------------------------------------------------------------


def calendar_feed_get(*, actor: User, group: Group | None = None) -> CalendarFeed:
    feed, _created = CalendarFeed.objects.get_or_create(user=actor, group=group)
    return feed


@transaction.atomic
def calendar_feed_rotate(*, actor: User, group: Group | None = None) -> CalendarFeed:
    """A new secret address; the old one stops working at once."""
    feed = calendar_feed_get(actor=actor, group=group)
    feed.token = new_feed_token()
    feed.created_at = timezone.now()
    feed.save(update_fields=["token", "created_at"])
    return feed


@transaction.atomic
def agenda_replace(*, actor: User, meeting: Meeting, items: list[dict]) -> None:
    """The agenda becomes `items`, in that order."""
    AgendaItem.objects.filter(meeting=meeting).delete()
    AgendaItem.objects.bulk_create(
        [AgendaItem(meeting=meeting, order=order, **item) for order, item in enumerate(items)]
    )


@transaction.atomic
def agenda_item_attach(*, actor: User, item: AgendaItem, document) -> AgendaItem:
    """Link a document of the meeting's group to an agenda item (None unlinks)."""
    if document is not None and (
        document.group_id != item.meeting.group_id or document.deleted_at is not None
    ):
        raise ServiceError(_("Choose a document of this group."), code="invalid")
    item.document = document
    item.save(update_fields=["document"])
    return item
