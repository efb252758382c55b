"""Meetings of a group: schedule, agenda, registrations, attendance, minutes, actions."""

import secrets
import uuid
import zoneinfo

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from groups.models import Group, Institution, Membership


class MeetingQuerySet(models.QuerySet):
    def for_user(self, user) -> "MeetingQuerySet":
        """Meetings of the groups the user is an active member of (drafts excluded unless
        the user can manage the group; the caller filters further)."""
        return self.filter(
            group__memberships__user=user,
            group__memberships__status=Membership.Status.ACTIVE,
        )

    def upcoming(self) -> "MeetingQuerySet":
        return self.filter(status=Meeting.Status.SCHEDULED, ends_at__gte=timezone.now())


class MeetingSeries(models.Model):
    """A recurring meeting: its occurrences are Meeting rows sharing this series."""

    class Frequency(models.TextChoices):
        WEEKLY = "weekly", _("Every week")
        MONTHLY = "monthly", _("Every month")

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="meeting_series")
    frequency = models.CharField(max_length=10, choices=Frequency.choices)
    # iCalendar: the series is one event with a rule; its UID never changes.
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.group} {self.frequency}"


class Meeting(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Scheduled")
        CANCELLED = "cancelled", _("Cancelled")
        HELD = "held", _("Held")

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="meetings")
    series = models.ForeignKey(
        MeetingSeries, on_delete=models.SET_NULL, null=True, blank=True, related_name="meetings"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    # Stored in UTC; `time_zone` is the organiser's, in which the meeting was planned.
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    time_zone = models.CharField(_("time zone"), max_length=64, default=settings.TIME_ZONE)
    place = models.CharField(_("place"), max_length=300, blank=True)
    online_url = models.URLField(_("online meeting link"), max_length=500, blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    registration_deadline = models.DateTimeField(_("registration deadline"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SCHEDULED
    )
    # Minutes before the start at which registered people are e-mailed, e.g. [1440, 60].
    reminders = models.JSONField(_("reminders"), default=list, blank=True)
    # iCalendar: the UID never changes; SEQUENCE goes up with every change people see.
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["group", "status", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="meeting_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse(
            "meetings:meeting-detail", kwargs={"slug": self.group.slug, "meeting_id": self.pk}
        )

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def is_open_for_registration(self) -> bool:
        if self.status != self.Status.SCHEDULED or self.starts_at <= timezone.now():
            return False
        return self.registration_deadline is None or self.registration_deadline > timezone.now()


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    order = models.PositiveIntegerField(default=0)
    title = models.CharField(_("title"), max_length=200)
    presenter = models.CharField(_("presenter"), max_length=200, blank=True)
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"), null=True, blank=True)
    document = models.ForeignKey(
        "resources.Document",
        verbose_name=_("document"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agenda_items",
    )

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.title


class Registration(models.Model):
    class Status(models.TextChoices):
        GOING = "going", _("Going")
        MAYBE = "maybe", _("Maybe")
        NOT_GOING = "not_going", _("Not going")
        WAITLISTED = "waitlisted", _("On the waiting list")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="registrations"
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    institution = models.ForeignKey(
        Institution, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # False: this person wants no reminder of this meeting.
    reminders = models.BooleanField(_("e-mail reminders"), default=True)
    # The waiting list is served in the order people joined it.
    waitlisted_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="registration_once"),
        ]
        indexes = [models.Index(fields=["meeting", "status"])]

    def __str__(self) -> str:
        return f"{self.user} → {self.meeting}: {self.status}"


class Attendance(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attendances"
    )
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    marked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="attendance_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user} at {self.meeting}"


class Minutes(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="minutes")
    text = models.TextField(_("minutes"), blank=True)
    decisions = models.TextField(_("decisions"), blank=True)
    text_html = models.TextField(blank=True)
    decisions_html = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("minutes")
        verbose_name_plural = _("minutes")

    def __str__(self) -> str:
        return f"Minutes of {self.meeting}"


class ActionItem(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="action_items")
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="action_items")
    description = models.CharField(_("what is to be done"), max_length=500)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who (a member)"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_items",
    )
    owner_institution = models.ForeignKey(
        Institution,
        verbose_name=_("or which institution"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_items",
    )
    due_date = models.DateField(_("due"), null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["status", "due_date", "pk"]
        indexes = [models.Index(fields=["group", "status"])]

    def __str__(self) -> str:
        return self.description


def new_feed_token() -> str:
    return secrets.token_urlsafe(24)


class CalendarFeed(models.Model):
    """A secret address for a calendar app: the person's meetings in all their groups
    (group empty) or in one group. Rotating the token kills the old address."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    group = models.ForeignKey(
        Group, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "group"], name="calendar_feed_once"),
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(group__isnull=True),
                name="calendar_personal_feed_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.group or 'all groups'}"


class ReminderSent(models.Model):
    """One reminder per person, meeting start and lead time: the unique row makes a
    second send impossible even when the task runs twice."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="reminders_sent")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    starts_at = models.DateTimeField()
    minutes_before = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "user", "starts_at", "minutes_before"],
                name="reminder_once_per_start_and_lead",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ← {self.meeting}"
