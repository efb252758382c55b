"""Polls of a group and the decisions taken with them.

A poll belongs to a group and optionally to a thread or a meeting. Who took part is kept
apart from what they chose:

- `Participation` (poll, person) says that someone voted. Its unique constraint is what
  gives a person at most one vote per poll, whatever the kind and however many requests
  arrive at once; it also tells the closing-soon reminder whom to spare.
- `Ballot` holds the choice. In a poll by name it names its voter, so the vote can be
  shown and changed. In an anonymous poll it names nobody: its key is a random UUID (not a
  growing number, which would line ballots up with participations in time) and it keeps
  no timestamp, so nothing in the database, seen by staff or by anyone, links a person to
  a choice. The price: an anonymous vote cannot be changed, since nothing says which
  ballot was whose, so an anonymous poll never allows changing a vote. (The database's
  own internals still pair the two rows of one vote — same transaction, adjacent
  places — for someone reading them directly; docs/architecture.md says more.)
"""

from __future__ import annotations

import uuid
import zoneinfo

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from groups.models import Group, Membership, Thread
from meetings.models import Meeting


class PollStarters(models.TextChoices):
    FACILITATORS = "facilitators", _("Facilitators only")
    MEMBERS = "members", _("Members and facilitators")


class DecisionSettings(models.Model):
    """How a group decides: who may start a poll, whether observers vote. A group without a
    row uses the defaults below."""

    group = models.OneToOneField(Group, on_delete=models.CASCADE, related_name="decision_settings")
    poll_starters = models.CharField(
        _("who may start a poll"),
        max_length=20,
        choices=PollStarters.choices,
        default=PollStarters.FACILITATORS,
    )
    observers_vote = models.BooleanField(_("observers may vote"), default=False)

    def __str__(self) -> str:
        return f"{self.group}"


class PollQuerySet(models.QuerySet["Poll"]):
    def for_user(self, user) -> PollQuerySet:
        """Polls of the groups the user is an active member of."""
        return self.filter(
            group__memberships__user=user,
            group__memberships__status=Membership.Status.ACTIVE,
        )


class Poll(models.Model):
    class Kind(models.TextChoices):
        PROPOSAL = "proposal", _("Proposal")
        SINGLE = "single", _("Single choice")
        MULTIPLE = "multiple", _("Multiple choice")
        SCORE = "score", _("Score")
        RANKED = "ranked", _("Ranked choice")
        DATE = "date", _("Date poll")

    class Results(models.TextChoices):
        LIVE = "live", _("During voting")
        AFTER_CLOSE = "after_close", _("Only after closing")

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="polls")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("question"), max_length=200)
    description = models.TextField(_("description"), max_length=10000, blank=True)
    thread = models.ForeignKey(
        Thread, on_delete=models.SET_NULL, null=True, blank=True, related_name="polls"
    )
    meeting = models.ForeignKey(
        Meeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="polls"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    closes_at = models.DateTimeField(_("closes"), null=True, blank=True)
    anonymous = models.BooleanField(_("anonymous"), default=False)
    results = models.CharField(
        _("results shown"), max_length=12, choices=Results.choices, default=Results.LIVE
    )
    allow_change = models.BooleanField(_("voters may change their vote"), default=True)
    # Multiple choice: at most this many options (None: any number).
    max_choices = models.PositiveSmallIntegerField(_("at most"), null=True, blank=True)
    # Score: each option gets 0..score_max.
    score_max = models.PositiveSmallIntegerField(_("highest score"), null=True, blank=True)
    # The organiser's zone: a date poll's slots were entered in it and are shown beside it.
    time_zone = models.CharField(_("time zone"), max_length=64, default=settings.TIME_ZONE)
    state = models.CharField(max_length=6, choices=State.choices, default=State.OPEN)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    outcome = models.TextField(_("outcome"), max_length=10000, blank=True)
    outcome_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    outcome_at = models.DateTimeField(null=True, blank=True)
    # The slot a date poll settled on, and the meeting made from it.
    chosen_option = models.ForeignKey(
        "PollOption", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_meeting = models.ForeignKey(
        Meeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reminder_sent_at = models.DateTimeField(null=True, blank=True)

    objects = PollQuerySet.as_manager()

    class Meta:
        verbose_name = _("poll")
        verbose_name_plural = _("polls")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["group", "state", "created_at"])]
        constraints = [
            # Nothing says which anonymous ballot was whose, so none can be changed.
            models.CheckConstraint(
                condition=~models.Q(anonymous=True, allow_change=True),
                name="poll_anonymous_vote_is_final",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse(
            "decisions:poll-detail", kwargs={"slug": self.group.slug, "poll_id": self.pk}
        )

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def is_open(self) -> bool:
        """Open for votes: not closed and its closing time (if any) not yet reached."""
        if self.state != self.State.OPEN:
            return False
        return self.closes_at is None or timezone.now() < self.closes_at


class PollOption(models.Model):
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="options")
    position = models.PositiveSmallIntegerField()
    label = models.CharField(_("option"), max_length=200, blank=True)
    # A date poll's slot, stored in UTC; entered and shown in the poll's zone.
    starts_at = models.DateTimeField(null=True, blank=True)
    ends_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["poll", "position"], name="poll_option_position"),
        ]

    def __str__(self) -> str:
        return self.label or (self.starts_at.isoformat() if self.starts_at else "")


class Participation(models.Model):
    """That a person voted in a poll: one row per person and poll, never more."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="participations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="poll_participations"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["poll", "user"], name="poll_one_vote_per_person"),
        ]

    def __str__(self) -> str:
        return f"{self.poll_id}:{self.user_id}"


class Stance(models.TextChoices):
    AGREE = "agree", _("Agree")
    ABSTAIN = "abstain", _("Abstain")
    DISAGREE = "disagree", _("Disagree")
    BLOCK = "block", _("Block")


# A date poll's answers, as the marks its ballots hold.
class Availability(models.IntegerChoices):
    NO = 0, _("No")
    IF_NEED_BE = 1, _("If need be")
    YES = 2, _("Yes")


class Ballot(models.Model):
    """One vote. `marks` maps an option's id (as text) to a number whose meaning the kind
    gives: 1 for a chosen option (single, multiple), the score (score), the rank, 1 first
    (ranked), an Availability (date). A proposal holds its stance and reason instead."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="ballots")
    # Only in a poll by name; an anonymous ballot names nobody and keeps no time.
    # A deleted account's vote still counts; it just names nobody any more.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="poll_ballots",
    )
    cast_at = models.DateTimeField(null=True, blank=True)
    stance = models.CharField(max_length=10, choices=Stance.choices, blank=True)
    reason = models.TextField(max_length=2000, blank=True)
    marks = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["poll", "user"],
                condition=models.Q(user__isnull=False),
                name="poll_one_ballot_per_voter",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.poll_id}:{self.pk}"
