"""The search index: one entry for each thing people wrote that can be found."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from groups.models import Group, Message, Thread
from meetings.models import Meeting
from resources.models import Document


class Kind(models.TextChoices):
    THREAD = "thread", _("Threads")
    MESSAGE = "message", _("Messages")
    ATTACHMENT = "attachment", _("Files in messages")
    MEETING = "meeting", _("Meetings")
    MINUTES = "minutes", _("Minutes")
    DOCUMENT = "document", _("Documents")


class Audience(models.TextChoices):
    """Who of a group's readers may find an entry: everyone who reads the group, or only
    those who manage it (a draft meeting, minutes not yet published)."""

    READERS = "readers", _("Everyone in the group")
    MANAGERS = "managers", _("Those who manage the group")


class Entry(models.Model):
    """What one thread title, message, file sent with a message, meeting, set of minutes
    or document says, in the words the index matches (`lemmas`, see search.lemmas) and
    as written (`text`, for the excerpt). On PostgreSQL a generated column `vector`
    holds `lemmas` as a tsvector under a GIN index (migration 0001); the model does not
    know it.

    The row it comes from is linked, so deleting that row deletes its entry."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    object_id = models.BigIntegerField()
    thread = models.ForeignKey(
        Thread, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    message = models.ForeignKey(
        Message, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    document = models.ForeignKey(
        Document, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    date = models.DateTimeField()
    audience = models.CharField(max_length=10, choices=Audience.choices)
    title = models.CharField(max_length=300)
    text = models.TextField(blank=True)
    lemmas = models.TextField()

    class Meta:
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="entry_kind_object_unique"),
        ]
        indexes = [models.Index(fields=["group", "kind", "-date"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}: {self.title[:40]}"
