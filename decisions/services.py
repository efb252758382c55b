"""Writes to polls. Each is the one place its change happens; it checks the rules of
decisions.access itself, so a view, a socket or a command cannot skip them.

A vote takes the poll's row lock (select_for_update) for its transaction: votes on one
poll are written one after another, never beside a close, so a vote that arrives after
the close is refused and every other one is counted exactly once. The unique
Participation per person and poll stands behind the lock.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from decisions import access as rules
from decisions import closing, tasks
from decisions.live import POLL_UPDATED, poll_event
from decisions.models import (
    Availability,
    Ballot,
    DecisionSettings,
    Participation,
    Poll,
    PollOption,
    PollStarters,
    Stance,
)
from groups.access import GroupAccess
from groups.models import Membership, Notification, Thread, User
from groups.services.notifications import notify
from gwd.commit import after_commit
from gwd.errors import ServiceError
from gwd.text import clean_text
from meetings.models import Meeting

MAX_OPTIONS = 20
MAX_SCORE = 10
DEFAULT_SCORE_MAX = 5
REMINDER_BEFORE = dt.timedelta(hours=24)
TITLE_MAX = 200
OPTION_MAX = 200
REASON_MAX = 2000
OUTCOME_MAX = 10000

Slot = tuple[dt.datetime, dt.datetime | None]


def _members(poll: Poll):
    return (
        Membership.objects.active().filter(group_id=poll.group_id).values_list("user_id", flat=True)
    )


def _params(poll: Poll, actor: User | None) -> dict:
    return {"title": poll.title, "actor": actor.full_name if actor else ""}


# --- Settings -----------------------------------------------------------------------


@transaction.atomic
def decision_settings_save(
    *, actor: User, access: GroupAccess, poll_starters: str, observers_vote: bool
) -> DecisionSettings:
    """Who may start polls in the group and whether its observers vote (managers only)."""
    if not access.can_manage:
        raise PermissionDenied
    if poll_starters not in PollStarters.values:
        raise ServiceError(_("Choose who may start a poll."), code="invalid")
    settings, _created = DecisionSettings.objects.update_or_create(
        group=access.group,
        defaults={"poll_starters": poll_starters, "observers_vote": observers_vote},
    )
    return settings


# --- Creating ------------------------------------------------------------------------


def _clean_labels(labels: list[str]) -> list[str]:
    cleaned = [clean_text(label) for label in labels if clean_text(label)]
    if len(cleaned) < 2:
        raise ServiceError(_("Give at least two options."), code="invalid")
    if len(cleaned) > MAX_OPTIONS:
        raise ServiceError(
            _("A poll has at most %(max)d options.") % {"max": MAX_OPTIONS}, code="invalid"
        )
    if any(len(label) > OPTION_MAX for label in cleaned):
        raise ServiceError(
            _("An option has at most %(max)d characters.") % {"max": OPTION_MAX}, code="invalid"
        )
    if len({label.casefold() for label in cleaned}) != len(cleaned):
        raise ServiceError(_("Each option must be different."), code="invalid")
    return cleaned


def _clean_slots(slots: list[Slot]) -> list[Slot]:
    if not slots:
        raise ServiceError(_("Give at least one time slot."), code="invalid")
    if len(slots) > MAX_OPTIONS:
        raise ServiceError(
            _("A poll has at most %(max)d options.") % {"max": MAX_OPTIONS}, code="invalid"
        )
    for starts_at, ends_at in slots:
        if ends_at is not None and ends_at <= starts_at:
            raise ServiceError(_("A slot must end after it starts."), code="invalid")
    if len({start for start, _end in slots}) != len(slots):
        raise ServiceError(_("Each slot must start at a different time."), code="invalid")
    return sorted(slots, key=lambda slot: slot[0])


@transaction.atomic
def poll_create(
    *,
    actor: User,
    access: GroupAccess,
    kind: str,
    title: str,
    description: str = "",
    options: list[str] | None = None,
    slots: list[Slot] | None = None,
    thread: Thread | None = None,
    meeting: Meeting | None = None,
    closes_at: dt.datetime | None = None,
    anonymous: bool = False,
    results: str = Poll.Results.LIVE,
    allow_change: bool = True,
    max_choices: int | None = None,
    score_max: int | None = None,
    time_zone: str | None = None,
) -> Poll:
    """Start a poll in the accessed group, optionally in one of its threads or on one of
    its meetings' agendas. `options` are the labels (every kind but a proposal and a
    date poll); `slots` a date poll's (start, end) instants. An anonymous poll never
    lets a vote change and shows its results only once it closes. The group's members
    are told; those who may vote and have not are reminded a day before the closing
    time."""
    group = access.group
    if not rules.may_start_poll(access, rules.decision_settings(group)):
        raise PermissionDenied
    if kind not in Poll.Kind.values:
        raise ServiceError(_("Choose a kind of poll."), code="invalid")
    title = clean_text(title)
    if not title:
        raise ServiceError(_("Write the question."), code="invalid")
    if len(title) > TITLE_MAX:
        raise ServiceError(
            _("The question has at most %(max)d characters.") % {"max": TITLE_MAX},
            code="invalid",
        )
    if results not in Poll.Results.values:
        raise ServiceError(_("Choose when results are shown."), code="invalid")
    if (thread is not None and thread.group_id != group.pk) or (
        meeting is not None and meeting.group_id != group.pk
    ):
        raise ServiceError(_("That thread or meeting is not in this group."), code="invalid")
    if closes_at is not None and closes_at <= timezone.now():
        raise ServiceError(_("The closing time must be in the future."), code="invalid")
    labels: list[str] = []
    times: list[Slot] = []
    if kind == Poll.Kind.DATE:
        times = _clean_slots(slots or [])
    elif kind != Poll.Kind.PROPOSAL:
        labels = _clean_labels(options or [])
    if kind == Poll.Kind.MULTIPLE:
        if max_choices is not None and not 1 <= max_choices <= len(labels):
            raise ServiceError(
                _("The most one may choose is between 1 and the number of options."),
                code="invalid",
            )
    else:
        max_choices = None
    if kind == Poll.Kind.SCORE:
        score_max = DEFAULT_SCORE_MAX if score_max is None else score_max
        if not 1 <= score_max <= MAX_SCORE:
            raise ServiceError(
                _("The highest score is between 1 and %(max)d.") % {"max": MAX_SCORE},
                code="invalid",
            )
    else:
        score_max = None
    poll = Poll.objects.create(
        group=group,
        kind=kind,
        title=title,
        description=clean_text(description, multiline=True),
        thread=thread,
        meeting=meeting,
        created_by=actor,
        closes_at=closes_at,
        anonymous=anonymous,
        # Totals changing right after each vote would tell a small group who voted what.
        results=Poll.Results.AFTER_CLOSE if anonymous else results,
        allow_change=allow_change and not anonymous,
        max_choices=max_choices,
        score_max=score_max,
        time_zone=time_zone or actor.time_zone,
    )
    PollOption.objects.bulk_create(
        [PollOption(poll=poll, position=i, label=label) for i, label in enumerate(labels)]
        + [
            PollOption(poll=poll, position=i, starts_at=start, ends_at=end)
            for i, (start, end) in enumerate(times)
        ]
    )
    poll_event(poll=poll, type=POLL_UPDATED)
    notify(
        kind=Notification.Kind.POLL_NEW,
        group=group,
        users=_members(poll),
        params=_params(poll, actor),
        url=poll.get_absolute_url(),
        actor=actor,
    )
    if closes_at is not None:
        after_commit(lambda: _plan(poll))
    return poll


def _plan(poll: Poll) -> None:
    """Enqueue the closing-soon reminder and the close at the closing time."""
    assert poll.closes_at is not None
    now = timezone.now()
    stamp = poll.closes_at.isoformat()
    remind_at = poll.closes_at - REMINDER_BEFORE
    if remind_at > now:
        tasks.poll_closing_reminder.using(run_after=remind_at).enqueue(
            poll_id=poll.pk, closes_at=stamp
        )
    tasks.poll_close_due.using(run_after=poll.closes_at).enqueue(poll_id=poll.pk, closes_at=stamp)


# --- Voting --------------------------------------------------------------------------


def _check_marks(poll: Poll, option_ids: list[int], marks: dict[int, int]) -> dict[int, int]:
    """The marks of a ballot of this poll, or a ServiceError saying what is wrong."""
    if any(oid not in option_ids for oid in marks):
        raise ServiceError(_("That option is not in this poll."), code="invalid")
    kind = poll.kind
    if kind in (Poll.Kind.SINGLE, Poll.Kind.MULTIPLE):
        chosen = {oid: 1 for oid, mark in marks.items() if mark}
        if not chosen:
            raise ServiceError(_("Choose an option."), code="invalid")
        if kind == Poll.Kind.SINGLE and len(chosen) > 1:
            raise ServiceError(_("Choose one option only."), code="invalid")
        if poll.max_choices is not None and len(chosen) > poll.max_choices:
            raise ServiceError(
                _("Choose at most %(max)d options.") % {"max": poll.max_choices}, code="invalid"
            )
        return chosen
    if kind == Poll.Kind.SCORE:
        top = poll.score_max or DEFAULT_SCORE_MAX
        if set(marks) != set(option_ids) or any(not 0 <= s <= top for s in marks.values()):
            raise ServiceError(
                _("Give every option a score from 0 to %(max)d.") % {"max": top}, code="invalid"
            )
        return dict(marks)
    if kind == Poll.Kind.RANKED:
        ranked = {oid: rank for oid, rank in marks.items() if rank}
        if not ranked:
            raise ServiceError(_("Rank at least one option."), code="invalid")
        if sorted(ranked.values()) != list(range(1, len(ranked) + 1)):
            raise ServiceError(
                _("Number your choices 1, 2, 3… without gaps or repeats."), code="invalid"
            )
        return ranked
    # A date poll: an answer for every slot.
    if set(marks) != set(option_ids) or any(m not in Availability.values for m in marks.values()):
        raise ServiceError(_("Answer for every time slot."), code="invalid")
    return dict(marks)


@transaction.atomic
def vote_cast(
    *,
    actor: User,
    access: GroupAccess,
    poll: Poll,
    stance: str = "",
    reason: str = "",
    marks: dict[int, int] | None = None,
) -> Ballot:
    """Record `actor`'s vote: a proposal's stance (with a reason for disagree and block),
    or `marks` by option id (see Ballot). A second vote replaces the first where the
    poll allows changing, and is refused otherwise; a vote on a closed poll is refused."""
    if poll.group_id != access.group.pk or access.user.pk != actor.pk:
        raise PermissionDenied
    if not rules.may_vote(access, rules.decision_settings(access.group)):
        raise PermissionDenied
    poll = Poll.objects.select_for_update().get(pk=poll.pk)
    if not poll.is_open:
        raise ServiceError(_("This poll is closed: votes are no longer taken."), code="closed")
    reason = clean_text(reason, multiline=True)
    values: dict[int, int] = {}
    if poll.kind == Poll.Kind.PROPOSAL:
        if stance not in Stance.values:
            raise ServiceError(_("Choose your stance."), code="invalid")
        if stance in (Stance.DISAGREE, Stance.BLOCK) and not reason:
            raise ServiceError(_("Say why you disagree or block."), code="invalid")
        if len(reason) > REASON_MAX:
            raise ServiceError(
                _("A reason has at most %(max)d characters.") % {"max": REASON_MAX},
                code="invalid",
            )
    else:
        stance, reason = "", ""
        option_ids = list(poll.options.values_list("pk", flat=True))
        values = _check_marks(poll, option_ids, marks or {})
    stored = {str(oid): mark for oid, mark in values.items()}
    if Participation.objects.filter(poll=poll, user=actor).exists():
        if not poll.allow_change:
            raise ServiceError(_("You have voted already."), code="voted")
        ballot = Ballot.objects.get(poll=poll, user=actor)
        ballot.stance, ballot.reason, ballot.marks = stance, reason, stored
        ballot.cast_at = timezone.now()
        ballot.save(update_fields=["stance", "reason", "marks", "cast_at"])
    else:
        try:
            with transaction.atomic():
                Participation.objects.create(poll=poll, user=actor)
        except IntegrityError:
            raise ServiceError(_("You have voted already."), code="voted") from None
        ballot = Ballot.objects.create(
            poll=poll,
            user=None if poll.anonymous else actor,
            cast_at=None if poll.anonymous else timezone.now(),
            stance=stance,
            reason=reason,
            marks=stored,
        )
    poll_event(poll=poll, type=POLL_UPDATED)
    return ballot


# --- Closing and the outcome ----------------------------------------------------------


@transaction.atomic
def poll_close(*, actor: User | None, access: GroupAccess | None, poll: Poll) -> Poll:
    """Close the poll: by a person who may (see decisions.access), or, with neither actor
    nor access, because its closing time has come. Closing twice is refused."""
    if access is not None:
        if poll.group_id != access.group.pk:
            raise PermissionDenied
        if not rules.may_close(access, poll):
            raise PermissionDenied
    return closing.poll_shut(poll=poll, actor=actor)


@transaction.atomic
def outcome_publish(*, actor: User, access: GroupAccess, poll: Poll, outcome: str) -> Poll:
    """Write (or correct) the decision a closed poll came to. The members are told the
    first time."""
    if poll.group_id != access.group.pk or not rules.may_publish_outcome(access):
        raise PermissionDenied
    poll = Poll.objects.select_for_update().get(pk=poll.pk)
    if poll.state != Poll.State.CLOSED:
        raise ServiceError(_("Close the poll before writing its outcome."), code="open")
    outcome = clean_text(outcome, multiline=True)
    if not outcome:
        raise ServiceError(_("Write the decision taken."), code="invalid")
    if len(outcome) > OUTCOME_MAX:
        raise ServiceError(
            _("The outcome has at most %(max)d characters.") % {"max": OUTCOME_MAX},
            code="invalid",
        )
    first = not poll.outcome
    poll.outcome = outcome
    poll.outcome_by = actor
    poll.outcome_at = timezone.now()
    poll.save(update_fields=["outcome", "outcome_by", "outcome_at"])
    poll_event(poll=poll, type=POLL_UPDATED)
    if first:
        notify(
            kind=Notification.Kind.POLL_OUTCOME,
            group=poll.group,
            users=_members(poll),
            params=_params(poll, actor),
            url=poll.get_absolute_url(),
            actor=actor,
        )
    return poll
