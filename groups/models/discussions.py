"""Discussions: threads, messages and the per-group event log that delivery rests on."""

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from groups.models.core import Group, User

# The fixed set members react with; the order is the order shown.
REACTIONS = ["👍", "❤️", "🎉", "😄", "🤔", "👀", "✅", "🙏"]


class EventSequence(models.Model):
    """The last event number handed out in a group.

    A writing transaction locks this row, takes the next number and commits it with the
    event, so numbers are gap-free and in commit order within a group.
    """

    group = models.OneToOneField(
        Group, on_delete=models.CASCADE, primary_key=True, related_name="event_sequence"
    )
    last_seq = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.group_id}: {self.last_seq}"


class Event(models.Model):
    """One thing that happened in a group, kept so a client that missed it can replay it.

    It names what changed, not how it looked: a replay is built from the current state
    of the message or thread (or a tombstone), so text that was since deleted, hidden or
    edited away, and the name of a deleted account, are never sent again. Ids, not
    foreign keys: a message removed for good leaves its events behind as tombstones.
    """

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="events")
    seq = models.BigIntegerField()
    type = models.CharField(max_length=40)
    message_id = models.BigIntegerField(null=True, blank=True)
    thread_id = models.BigIntegerField(null=True, blank=True)
    # For the event types of higher apps (groups.events.event_types_register): the id of
    # the row the event is about, a poll's say.
    object_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["group", "seq"], name="event_group_seq_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.group_id}#{self.seq} {self.type}"


class ThreadQuerySet(models.QuerySet):
    def for_user(self, user) -> "ThreadQuerySet":
        """Threads of the groups the user is an active member of."""
        return self.filter(group__memberships__user=user, group__memberships__status="active")


class Thread(models.Model):
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="threads")
    title = models.CharField(_("title"), max_length=200)
    author = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, related_name="threads_started"
    )
    pinned = models.BooleanField(_("pinned"), default=False)
    locked = models.BooleanField(_("locked"), default=False)
    slow_mode_seconds = models.PositiveIntegerField(_("slow mode (seconds)"), default=0)
    created_at = models.DateTimeField(_("started"), default=timezone.now)
    last_activity_at = models.DateTimeField(_("last activity"), default=timezone.now)
    message_count = models.PositiveIntegerField(default=0)
    last_seq = models.BigIntegerField(default=0, help_text="seq of the last message event")

    objects = ThreadQuerySet.as_manager()

    class Meta:
        verbose_name = _("thread")
        verbose_name_plural = _("threads")
        ordering = ["-pinned", "-last_activity_at"]
        indexes = [models.Index(fields=["group", "-pinned", "-last_activity_at"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse(
            "groups:thread-detail", kwargs={"slug": self.group.slug, "thread_id": self.pk}
        )


class MessageQuerySet(models.QuerySet):
    def visible_to(self, user, *, moderator: bool) -> "MessageQuerySet":
        """The messages the thread page shows this person: a message held for review
        only to its author and the group's moderators. (Deleted and hidden ones show as
        placeholders; their text is for nobody but moderators, see payloads.)"""
        if moderator:
            return self
        return self.filter(models.Q(held_at=None) | models.Q(author=user))


class Message(models.Model):
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="messages")
    # Denormalised from the thread: every lookup of a message by id is scoped by group.
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="messages")
    body = models.TextField(_("text"))
    html = models.TextField()
    client_id = models.CharField(max_length=64)
    seq = models.BigIntegerField(help_text="seq of the event that created the message")
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    hidden_reason = models.CharField(max_length=500, blank=True)
    # A message with a blocked phrase waits here, unpublished (seq 0), for a facilitator.
    held_at = models.DateTimeField(null=True, blank=True)
    # The message this one answers. An original removed for good leaves the reply
    # standing: `is_reply` still says it answered something, now gone.
    reply_to = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="replies"
    )
    is_reply = models.BooleanField(default=False)
    # The part of the original the author chose to quote, as plain text; shown only
    # while the original itself is visible.
    reply_quote = models.CharField(max_length=500, blank=True)

    objects = MessageQuerySet.as_manager()

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["seq"]
        constraints = [
            # A retried send carries the same client_id and finds the stored message.
            models.UniqueConstraint(
                fields=["author", "client_id"], name="message_author_client_id_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["thread", "seq"]),
            # The moderation queue and its count in every group page's navigation (for
            # moderators): a group's few held messages among its 100,000 read 104 ms.
            models.Index(
                fields=["group", "held_at"],
                condition=models.Q(held_at__isnull=False),
                name="message_held_in_group",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.author} in {self.thread_id}: {self.body[:40]}"

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    @property
    def is_held(self) -> bool:
        return self.held_at is not None


class MessageRevision(models.Model):
    """A previous text of an edited message; facilitators can read the history."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField()
    html = models.TextField()
    created_at = models.DateTimeField(help_text="when this text was written")
    replaced_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["replaced_at"]

    def __str__(self) -> str:
        return f"{self.message_id} before {self.replaced_at:%Y-%m-%d %H:%M}"


class Reaction(models.Model):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="reactions")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="reactions")
    emoji = models.CharField(max_length=8, choices=[(e, e) for e in REACTIONS])
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["message", "user", "emoji"], name="reaction_once_per_emoji"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.emoji} {self.user_id} → {self.message_id}"


class Mention(models.Model):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="mentions")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="mentions")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["message", "user"], name="mention_once_per_message"),
        ]

    def __str__(self) -> str:
        return f"@{self.user_id} in {self.message_id}"


class ReadPosition(models.Model):
    """How far a member has read a thread: everything up to `last_read_seq`."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="read_positions")
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="read_positions")
    last_read_seq = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "thread"], name="read_position_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.thread_id} to {self.last_read_seq}"
