"""Moderation: reports, blocked phrases and the append-only log of every action."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from groups.models.core import Group, User
from groups.models.discussions import Message


class Report(models.Model):
    class Reason(models.TextChoices):
        SPAM = "spam", _("Spam or advertising")
        OFFENSIVE = "offensive", _("Offensive or abusive")
        OFF_TOPIC = "off_topic", _("Off topic")
        PERSONAL_DATA = "personal_data", _("Personal data")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        RESOLVED = "resolved", _("Resolved")
        DISMISSED = "dismissed", _("Dismissed")

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="reports")
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(User, on_delete=models.CASCADE, related_name="reports_made")
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    text = models.CharField(_("details"), max_length=1000, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    created_at = models.DateTimeField(_("reported"), default=timezone.now)
    decided_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["message", "reporter"], name="report_once_per_member_and_message"
            ),
        ]
        indexes = [models.Index(fields=["group", "status"])]

    def __str__(self) -> str:
        return f"{self.reporter_id} → {self.message_id}: {self.reason}"


class BlockedPhrase(models.Model):
    """A word or phrase that holds a message for a facilitator's review."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="blocked_phrases")
    phrase = models.CharField(_("word or phrase"), max_length=100)
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("blocked phrase")
        verbose_name_plural = _("blocked phrases")
        ordering = ["phrase"]
        constraints = [
            models.UniqueConstraint(fields=["group", "phrase"], name="blocked_phrase_unique"),
        ]

    def __str__(self) -> str:
        return self.phrase


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("The moderation log is append-only.")

    def delete(self):
        raise PermissionError("The moderation log is append-only.")


class ModerationAction(models.Model):
    """One entry of the moderation log: who did what to what, why and when.

    Append-only: the model refuses to change or delete a row, and on PostgreSQL a
    trigger refuses it too. The actor and the target are also kept as text, so the log
    still reads right after the person or the message is gone.
    """

    class Kind(models.TextChoices):
        REPORT = "report", _("reported a message")
        HIDE = "hide", _("hid a message")
        UNHIDE = "unhide", _("showed a hidden message again")
        DELETE = "delete", _("deleted a message permanently")
        LOCK = "lock", _("locked a thread")
        UNLOCK = "unlock", _("unlocked a thread")
        PIN = "pin", _("pinned a thread")
        UNPIN = "unpin", _("unpinned a thread")
        SLOW_MODE = "slow_mode", _("changed slow mode")
        MUTE = "mute", _("muted a member")
        UNMUTE = "unmute", _("unmuted a member")
        REMOVE = "remove", _("removed a member")
        RESOLVE = "resolve", _("resolved a report")
        DISMISS = "dismiss", _("dismissed a report")
        HOLD = "hold", _("held a message for review")
        RELEASE = "release", _("published a held message")
        REJECT = "reject", _("rejected a held message")
        BLOCK_PHRASE = "block_phrase", _("added a blocked phrase")
        UNBLOCK_PHRASE = "unblock_phrase", _("removed a blocked phrase")
        UNIT_ADD = "unit_add", _("added a member municipality")
        UNIT_LEAVE = "unit_leave", _("marked a municipality as having left")
        UNIT_READMIT = "unit_readmit", _("re-admitted a municipality")

    # No cascades: deleting a group, a user or a message must not take the log with it.
    group = models.ForeignKey(
        Group, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    actor = models.ForeignKey(
        User, on_delete=models.DO_NOTHING, db_constraint=False, null=True, related_name="+"
    )
    actor_name = models.CharField(max_length=150)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    target_type = models.CharField(max_length=20)
    target_id = models.BigIntegerField(null=True)
    target_label = models.CharField(max_length=300)
    reason = models.CharField(max_length=1000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("moderation log entry")
        verbose_name_plural = _("moderation log")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["group", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_name} {self.kind} {self.target_label}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("The moderation log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The moderation log is append-only.")
