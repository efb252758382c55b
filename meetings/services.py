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
from gwd.indexing import index_changed
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


MAX_REMINDER_MINUTES = 14 * 24 * 60


def default_reminders(group: Group) -> list[int]:
    """A new meeting's reminder: the group's lead time, at most the two weeks a meeting's
    own reminders may reach (the group's setting is not bounded in the admin)."""
    hours = group.meeting_reminder_hours
    return [min(hours * 60, MAX_REMINDER_MINUTES)] if hours else []


def _check_reminders(reminders: list[int]) -> list[int]:
    """Lead times in minutes, latest first, each once; at most three, two weeks ahead."""
    if len(set(reminders)) > 3 or any(
        not isinstance(m, int) or not 1 <= m <= MAX_REMINDER_MINUTES for m in reminders
    ):
        raise ServiceError(_("Choose up to three reminders."), code="invalid")
    return sorted(set(reminders), reverse=True)


# --- Scheduling ---------------------------------------------------------------------


AGENDA_FIELDS = ("title", "presenter", "duration_minutes")
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
    reminders: list[int] | None = None,
) -> Meeting:
    """Schedule a meeting (or a draft), optionally repeating weekly or monthly.

    `reminders` are minutes before the start at which those registered are reminded;
    None takes the group's lead time.

    Members are e-mailed about a scheduled meeting (not about a draft). A repeating
    meeting creates its occurrences now, at the same local time in the organiser's zone
    (so 10:00 stays 10:00 across a change of daylight saving time).
    """
    _check_times(starts_at, ends_at, registration_deadline)
    if capacity is not None and capacity < 1:
        raise ServiceError(_("Capacity must be at least 1."), code="invalid")
    if reminders is None:
        reminders = default_reminders(group)
    reminders = _check_reminders(reminders)
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
            reminders=reminders,
            created_by=actor,
        )
        for order, item in enumerate(agenda or []):
            fields = {field: item[field] for field in AGENDA_FIELDS if field in item}
            AgendaItem.objects.create(meeting=meeting, order=order, **fields)
        created.append(meeting)
        index_changed("meeting", meeting.pk)
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

    The later meetings take only what changed in this one: a field left as it was
    keeps each meeting's own value. Their times move by the same wall-clock amount in
    the meeting's zone (10:00 moved to 11:00 is 11:00 in winter and in summer alike).
    SEQUENCE goes up so calendar apps replace their copy; people are e-mailed.
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
    if "reminders" in changes:
        changes["reminders"] = _check_reminders(changes["reminders"])
    changes = {
        field: value.strip() if isinstance(value, str) else value
        for field, value in changes.items()
    }
    changed = {field: value for field, value in changes.items() if getattr(meeting, field) != value}
    new_zone = zoneinfo.ZoneInfo(changes.get("time_zone", meeting.time_zone))
    shift = _wall_clock(starts_at, new_zone) - _wall_clock(meeting.starts_at, meeting.zone)
    duration = ends_at - starts_at
    deadline_before = starts_at - deadline if deadline is not None else None
    times_changed = (starts_at, ends_at) != (meeting.starts_at, meeting.ends_at)
    deadline_changed = deadline != meeting.registration_deadline
    targets = [meeting]
    if apply_to_series and meeting.series_id:
        targets += list(
            Meeting.objects.select_for_update()
            .filter(series_id=meeting.series_id, starts_at__gt=meeting.starts_at)
            .exclude(status=Meeting.Status.CANCELLED)
        )
    for target in targets:
        if target.pk == meeting.pk:
            for field, value in changes.items():
                setattr(target, field, value)
            target.starts_at, target.ends_at = starts_at, ends_at
            target.registration_deadline = deadline
        else:
            local = _wall_clock(target.starts_at, target.zone) + shift
            for field, value in changed.items():
                setattr(target, field, value)
            moved = local.replace(tzinfo=target.zone).astimezone(dt.UTC) - target.starts_at
            target.starts_at += moved
            if times_changed:
                target.ends_at = target.starts_at + duration
            else:
                target.ends_at += moved  # a change of zone alone
            if deadline_changed:
                target.registration_deadline = (
                    None if deadline_before is None else target.starts_at - deadline_before
                )
            elif target.registration_deadline is not None:
                target.registration_deadline += moved
        target.sequence = F("sequence") + 1
        target.save()
        target.refresh_from_db(fields=["sequence"])
        index_changed("meeting", target.pk)
    _after_change(
        [target for target in targets if target.status == Meeting.Status.SCHEDULED],
        "changed",
        actor,
    )
    if meeting.capacity:
        _promote_waitlist(meeting)
    return meeting


def _wall_clock(instant: dt.datetime, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    return instant.astimezone(zone).replace(tzinfo=None)


@transaction.atomic
def meeting_publish(*, actor: User, meeting: Meeting) -> Meeting:
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status != Meeting.Status.DRAFT:
        raise ServiceError(_("Only a draft can be published."), code="invalid")
    meeting.status = Meeting.Status.SCHEDULED
    meeting.save(update_fields=["status"])
    index_changed("meeting", meeting.pk)
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
        index_changed("meeting", target.pk)
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


@transaction.atomic
def registration_reminders_set(*, actor: User, meeting: Meeting, on: bool) -> Registration:
    """Whether the actor is reminded of this meeting; only a registered person has
    reminders to turn off."""
    registration = Registration.objects.filter(meeting=meeting, user=actor).first()
    if registration is None or registration.status == Registration.Status.NOT_GOING:
        raise ServiceError(_("Register for the meeting first."), code="invalid")
    registration.reminders = on
    registration.save(update_fields=["reminders", "updated_at"])
    return registration


@transaction.atomic
def membership_reminders_set(*, actor: User, group: Group, on: bool) -> Membership:
    """Whether the actor is reminded of the meetings of a group they are a member of."""
    membership = Membership.objects.active().filter(group=group, user=actor).first()
    if membership is None:
        raise ServiceError(_("You are not a member of this group."), code="invalid")
    membership.meeting_reminders = on
    membership.save(update_fields=["meeting_reminders"])
    return membership


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
    index_changed("meeting", meeting.pk)
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
    index_changed("meeting", meeting.pk)
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
    """The agenda becomes `items`, in that order. An item naming ("item") one of the
    meeting's agenda items changes that row, so its document stays linked; items of the
    meeting left out are deleted; an "item" of another meeting is ignored."""
    existing = {item.pk: item for item in AgendaItem.objects.filter(meeting=meeting)}
    kept, new = [], []
    for order, fields in enumerate(items):
        row = existing.pop(fields.get("item") or 0, None)
        if row is None:
            row = AgendaItem(meeting=meeting)
            new.append(row)
        else:
            kept.append(row)
        row.order = order
        row.title = fields["title"]
        row.presenter = fields.get("presenter") or ""
        row.duration_minutes = fields.get("duration_minutes")
    AgendaItem.objects.filter(pk__in=existing).delete()
    AgendaItem.objects.bulk_update(kept, ["order", *AGENDA_FIELDS])
    AgendaItem.objects.bulk_create(new)
    index_changed("meeting", meeting.pk)


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
