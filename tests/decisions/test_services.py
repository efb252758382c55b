"""Polls: who may start and vote, what a vote must hold, one vote per person, anonymity,
closing, the outcome and who is told."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from decisions import services, tasks
from decisions.models import Ballot, DecisionSettings, Participation, Poll, PollStarters
from groups.models import Membership, Notification, Role, Thread
from gwd.errors import ServiceError

pytestmark = pytest.mark.django_db


def option_ids(poll):
    return list(poll.options.values_list("pk", flat=True))


def vote(access_of, user, poll, **kwargs):
    return services.vote_cast(actor=user, access=access_of(user, poll.group), poll=poll, **kwargs)


# --- Starting ------------------------------------------------------------------------


def test_only_facilitators_start_polls_unless_the_group_lets_members(
    poll_factory, member, group, access_of, facilitator
):
    with pytest.raises(PermissionDenied):
        poll_factory(actor=member)
    services.decision_settings_save(
        actor=facilitator,
        access=access_of(facilitator, group),
        poll_starters=PollStarters.MEMBERS,
        observers_vote=False,
    )
    assert poll_factory(actor=member).created_by == member


def test_observers_never_start_polls(poll_factory, observer, group):
    DecisionSettings.objects.create(group=group, poll_starters=PollStarters.MEMBERS)
    with pytest.raises(PermissionDenied):
        poll_factory(actor=observer)


def test_members_may_not_change_the_decision_settings(member, group, access_of):
    with pytest.raises(PermissionDenied):
        services.decision_settings_save(
            actor=member,
            access=access_of(member, group),
            poll_starters=PollStarters.MEMBERS,
            observers_vote=True,
        )
    assert not DecisionSettings.objects.exists()


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"title": "  "}, "question"),
        ({"options": ["Tak"]}, "two options"),
        ({"options": ["Tak", "tak"]}, "different"),
        ({"options": [f"O{i}" for i in range(21)]}, "at most 20"),
        ({"closes_at": timezone.now() - dt.timedelta(minutes=1)}, "future"),
        ({"kind": "multiple", "max_choices": 4}, "between 1"),
        ({"kind": "score", "score_max": 11}, "between 1 and 10"),
        ({"kind": "nonsense"}, "kind"),
        ({"kind": "date", "slots": []}, "slot"),
    ],
)
def test_a_poll_that_breaks_a_rule_is_refused_and_nothing_is_written(poll_factory, fields, message):
    kind = fields.pop("kind", "single")
    with pytest.raises(ServiceError) as refused:
        poll_factory(kind, **fields)
    assert message in refused.value.message
    assert not Poll.objects.exists()


def test_a_poll_cannot_sit_in_another_groups_thread(poll_factory, other_group):
    foreign = Thread.objects.create(group=other_group, title="Obcy wątek")
    with pytest.raises(ServiceError):
        poll_factory(thread=foreign)
    assert not Poll.objects.exists()


def test_an_anonymous_poll_never_lets_a_vote_change(poll_factory):
    poll = poll_factory(anonymous=True, allow_change=True)
    assert poll.allow_change is False


def test_the_database_refuses_an_anonymous_poll_that_allows_change(poll_factory):
    poll = poll_factory(anonymous=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        Poll.objects.filter(pk=poll.pk).update(allow_change=True)


def test_the_members_hear_of_a_new_poll_at_their_level(poll_factory, member, observer, facilitator):
    Membership.objects.filter(user=observer).update(notify=Membership.Notify.NOTHING)
    poll = poll_factory()
    told = set(Notification.objects.filter(kind="poll_new").values_list("user_id", flat=True))
    assert told == {member.pk}  # not the starter, not who asked for nothing
    assert Notification.objects.get(user=member).url == poll.get_absolute_url()


# --- Voting --------------------------------------------------------------------------


def test_a_proposal_takes_a_stance_and_needs_a_reason_to_disagree_or_block(
    poll_factory, member, access_of
):
    poll = poll_factory("proposal")
    for stance in ("disagree", "block"):
        with pytest.raises(ServiceError, match="Say why"):
            vote(access_of, member, poll, stance=stance, reason=" ")
    assert not Participation.objects.exists()
    ballot = vote(access_of, member, poll, stance="block", reason="Brak budżetu")
    assert (ballot.stance, ballot.reason, ballot.user) == ("block", "Brak budżetu", member)


def test_a_bad_stance_is_refused(poll_factory, member, access_of):
    poll = poll_factory("proposal")
    with pytest.raises(ServiceError):
        vote(access_of, member, poll, stance="maybe")
    assert not Ballot.objects.exists()


@pytest.mark.parametrize(
    "kind, marks_of, fields",
    [
        ("single", lambda ids: {ids[0]: 1, ids[1]: 1}, {}),
        ("single", lambda ids: {}, {}),
        ("single", lambda ids: {999999: 1}, {}),
        ("multiple", lambda ids: {ids[0]: 1, ids[1]: 1, ids[2]: 1}, {"max_choices": 2}),
        ("score", lambda ids: {ids[0]: 6, ids[1]: 0, ids[2]: 0}, {"score_max": 5}),
        ("score", lambda ids: {ids[0]: 3}, {}),
        ("ranked", lambda ids: {ids[0]: 1, ids[1]: 3}, {}),
        ("ranked", lambda ids: {ids[0]: 1, ids[1]: 1}, {}),
    ],
)
def test_marks_that_do_not_fit_the_poll_are_refused(
    poll_factory, member, access_of, kind, marks_of, fields
):
    poll = poll_factory(kind, **fields)
    with pytest.raises(ServiceError):
        vote(access_of, member, poll, marks=marks_of(option_ids(poll)))
    assert not Ballot.objects.exists() and not Participation.objects.exists()


def test_observers_vote_only_where_the_group_allows(poll_factory, observer, group, access_of):
    poll = poll_factory()
    ids = option_ids(poll)
    with pytest.raises(PermissionDenied):
        vote(access_of, observer, poll, marks={ids[0]: 1})
    DecisionSettings.objects.create(group=group, observers_vote=True)
    vote(access_of, observer, poll, marks={ids[0]: 1})
    assert Participation.objects.filter(user=observer).exists()


def test_a_changed_vote_replaces_the_first(poll_factory, member, access_of):
    poll = poll_factory()
    ids = option_ids(poll)
    vote(access_of, member, poll, marks={ids[0]: 1})
    vote(access_of, member, poll, marks={ids[1]: 1})
    assert Ballot.objects.get().marks == {str(ids[1]): 1}
    assert Participation.objects.count() == 1


def test_a_second_vote_is_refused_where_change_is_not_allowed(poll_factory, member, access_of):
    poll = poll_factory(allow_change=False)
    ids = option_ids(poll)
    vote(access_of, member, poll, marks={ids[0]: 1})
    with pytest.raises(ServiceError, match="voted already"):
        vote(access_of, member, poll, marks={ids[1]: 1})
    assert Ballot.objects.get().marks == {str(ids[0]): 1}


def test_an_anonymous_ballot_names_nobody_and_keeps_no_time(poll_factory, member, access_of):
    poll = poll_factory(anonymous=True)
    ids = option_ids(poll)
    ballot = vote(access_of, member, poll, marks={ids[2]: 1})
    ballot.refresh_from_db()
    assert ballot.user is None and ballot.cast_at is None
    assert Participation.objects.filter(poll=poll, user=member).exists()
    with pytest.raises(ServiceError, match="voted already"):
        vote(access_of, member, poll, marks={ids[0]: 1})


def test_the_database_holds_one_participation_per_person_and_poll(poll_factory, member):
    poll = poll_factory()
    Participation.objects.create(poll=poll, user=member)
    with pytest.raises(IntegrityError), transaction.atomic():
        Participation.objects.create(poll=poll, user=member)


def test_a_vote_after_the_close_is_refused_with_a_clear_message(
    poll_factory, member, facilitator, access_of
):
    poll = poll_factory()
    services.poll_close(actor=facilitator, access=access_of(facilitator, poll.group), poll=poll)
    with pytest.raises(ServiceError) as refused:
        vote(access_of, member, poll, marks={option_ids(poll)[0]: 1})
    assert refused.value.code == "closed"
    assert "closed" in refused.value.message
    assert not Ballot.objects.exists()


def test_a_vote_after_the_closing_time_is_refused_before_the_task_runs(
    poll_factory, member, access_of
):
    poll = poll_factory(closes_at=timezone.now() + dt.timedelta(hours=1))
    Poll.objects.filter(pk=poll.pk).update(closes_at=timezone.now() - dt.timedelta(seconds=1))
    poll.refresh_from_db()
    with pytest.raises(ServiceError, match="closed"):
        vote(access_of, member, poll, marks={option_ids(poll)[0]: 1})


def test_a_date_poll_needs_an_answer_for_every_slot(poll_factory, member, access_of):
    start = timezone.now() + dt.timedelta(days=10)
    poll = poll_factory("date", slots=[(start, None), (start + dt.timedelta(days=1), None)])
    ids = option_ids(poll)
    with pytest.raises(ServiceError, match="every time slot"):
        vote(access_of, member, poll, marks={ids[0]: 2})
    vote(access_of, member, poll, marks={ids[0]: 2, ids[1]: 1})
    assert Ballot.objects.get().marks == {str(ids[0]): 2, str(ids[1]): 1}


def test_a_vote_in_another_groups_poll_is_refused(
    poll_factory, member, other_group, access_of, member_factory
):
    other = member_factory(other_group, Role.FACILITATOR)
    poll = poll_factory(actor=other, target_group=other_group)
    with pytest.raises(PermissionDenied):
        services.vote_cast(
            actor=member,
            access=access_of(member, member.memberships.get().group),
            poll=poll,
            marks={option_ids(poll)[0]: 1},
        )
    assert not Ballot.objects.exists()


# --- Closing and the outcome ----------------------------------------------------------


def test_a_member_may_close_only_a_poll_of_their_own(
    poll_factory, member, facilitator, group, access_of
):
    DecisionSettings.objects.create(group=group, poll_starters=PollStarters.MEMBERS)
    theirs = poll_factory()
    with pytest.raises(PermissionDenied):
        services.poll_close(actor=member, access=access_of(member, group), poll=theirs)
    own = poll_factory(actor=member)
    assert services.poll_close(actor=member, access=access_of(member, group), poll=own).state == (
        Poll.State.CLOSED
    )


def test_closing_twice_is_refused(poll_factory, facilitator, access_of):
    poll = poll_factory()
    access = access_of(facilitator, poll.group)
    services.poll_close(actor=facilitator, access=access, poll=poll)
    with pytest.raises(ServiceError, match="closed already"):
        services.poll_close(actor=facilitator, access=access, poll=poll)


def test_the_outcome_waits_for_the_close_and_tells_the_members_once(
    poll_factory, facilitator, member, access_of
):
    poll = poll_factory("proposal")
    access = access_of(facilitator, poll.group)
    with pytest.raises(ServiceError, match="Close the poll"):
        services.outcome_publish(actor=facilitator, access=access, poll=poll, outcome="Przyjęto")
    services.poll_close(actor=facilitator, access=access, poll=poll)
    with pytest.raises(ServiceError):
        services.outcome_publish(actor=facilitator, access=access, poll=poll, outcome=" ")
    services.outcome_publish(actor=facilitator, access=access, poll=poll, outcome="Przyjęto")
    services.outcome_publish(actor=facilitator, access=access, poll=poll, outcome="Przyjęto (2)")
    poll.refresh_from_db()
    assert (poll.outcome, poll.outcome_by) == ("Przyjęto (2)", facilitator)
    assert Notification.objects.filter(kind="poll_outcome", user=member).count() == 1


def test_members_may_not_write_the_outcome(poll_factory, facilitator, member, access_of):
    poll = poll_factory()
    services.poll_close(actor=facilitator, access=access_of(facilitator, poll.group), poll=poll)
    with pytest.raises(PermissionDenied):
        services.outcome_publish(
            actor=member, access=access_of(member, poll.group), poll=poll, outcome="Nie"
        )


# --- The closing time ----------------------------------------------------------------


def test_the_reminder_goes_once_to_those_who_may_vote_and_have_not(
    poll_factory, member, observer, facilitator, member_factory, group, access_of
):
    other = member_factory(group, Role.MEMBER)
    poll = poll_factory(closes_at=timezone.now() + dt.timedelta(days=3))
    vote(access_of, other, poll, marks={option_ids(poll)[0]: 1})
    stamp = poll.closes_at.isoformat()
    assert tasks.poll_closing_reminder.call(poll_id=poll.pk, closes_at=stamp) == 2
    told = set(Notification.objects.filter(kind="poll_closing").values_list("user_id", flat=True))
    assert told == {member.pk, facilitator.pk}  # the observer does not vote, `other` has
    assert tasks.poll_closing_reminder.call(poll_id=poll.pk, closes_at=stamp) == 0


def test_a_reminder_for_an_old_closing_time_does_nothing(poll_factory):
    poll = poll_factory(closes_at=timezone.now() + dt.timedelta(days=3))
    assert tasks.poll_closing_reminder.call(poll_id=poll.pk, closes_at="2020-01-01T00:00:00") == 0
    assert not Notification.objects.filter(kind="poll_closing").exists()


def test_the_closing_time_closes_the_poll(poll_factory):
    poll = poll_factory(closes_at=timezone.now() + dt.timedelta(days=3))
    assert tasks.poll_close_due.call(poll_id=poll.pk, closes_at=poll.closes_at.isoformat())
    poll.refresh_from_db()
    assert poll.state == Poll.State.CLOSED and poll.closed_by is None
    assert not tasks.poll_close_due.call(poll_id=poll.pk, closes_at=poll.closes_at.isoformat())


def test_creating_a_poll_with_a_closing_time_plans_the_reminder_and_the_close(
    poll_factory, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    with django_capture_on_commit_callbacks(execute=True):
        poll = poll_factory(closes_at=timezone.now() + dt.timedelta(days=3))
    planned = {row.task_path: row for row in DBTaskResult.objects.all()}
    assert set(planned) == {
        "decisions.tasks.poll_closing_reminder",
        "decisions.tasks.poll_close_due",
    }
    assert planned["decisions.tasks.poll_close_due"].run_after == poll.closes_at


def test_an_archived_groups_polls_stay_as_they_were(poll_factory, facilitator, group, access_of):
    poll = poll_factory()
    services.poll_close(actor=facilitator, access=access_of(facilitator, group), poll=poll)
    group.archived = True
    group.save()
    with pytest.raises(PermissionDenied):
        services.outcome_publish(
            actor=facilitator, access=access_of(facilitator, group), poll=poll, outcome="Późno"
        )
    assert Poll.objects.get().outcome == ""
