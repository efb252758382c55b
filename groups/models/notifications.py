"""Notifications: what happened that a person should know, and how they want to hear."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from groups.models.core import Group, User


class Notification(models.Model):
    class Kind(models.TextChoices):
        MENTION = "mention", _("Mentions")
        REPLY = "reply", _("Replies in threads you took part in")
        MEETING_SCHEDULED = "meeting_scheduled", _("New meetings")
        MEETING_CHANGED = "meeting_changed", _("Changed meetings")
        MEETING_CANCELLED = "meeting_cancelled", _("Cancelled meetings")
        DOCUMENT_NEW = "document_new", _("New documents in folders you follow")
        DOCUMENT_VERSION = "document_version", _("New versions in folders you follow")
        REPORT_DECIDED = "report_decided", _("Decisions on your reports")
        POLL_NEW = "poll_new", _("New polls")
        POLL_CLOSING = "poll_closing", _("Polls closing soon")
        POLL_OUTCOME = "poll_outcome", _("Decisions taken in polls")
        JOINED = "joined", _("You joined a group")
        ROLE_CHANGED = "role_changed", _("Your role changed")
        REMOVED = "removed", _("You were removed from a group")
        ROUND_OPENED = "round_opened", _("New data rounds")
        ROUND_REMINDER = "round_reminder", _("Reminders of data rounds")
        ROUND_SUBMITTED = "round_submitted", _("Data submitted in a round")
        ROUND_RETURNED = "round_returned", _("Data sent back for correction")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    group = models.ForeignKey(
        Group, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # What the sentence needs (names, titles, times); rendered in the reader's language.
    params = models.JSONField(default=dict)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    digested_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["user", "read_at"]),
            models.Index(fields=["user", "emailed_at", "digested_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}"


class DigestRun(models.Model):
    """One digest per person and period: the unique row is written before the e-mail,
    so a worker that restarts mid-run cannot send a period twice."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    period = models.CharField(max_length=20)
    sent_at = models.DateTimeField(default=timezone.now)
    items = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "period"], name="digest_once_per_period"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.period}"
