"""A poll's numbered events (docs/protocol.md): every vote, close and outcome is an event
in the group's sequence, replayed on resume from the poll as it is now, and never names
who voted what."""

import json

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from decisions.live import POLL_CLOSED, POLL_UPDATED, poll_event
from decisions.models import Ballot, Participation, Poll, PollOption
from groups import events, services
from groups.models import Event


@pytest.fixture
def bare_poll(group, facilitator):
    """bare_poll(kind="single", labels=[...], **fields) → a poll with its options, made
    without the services, so these tests need only the models."""

    def make(*, kind=Poll.Kind.SINGLE, labels=("Kielce", "Lublin"), **fields) -> Poll:
        poll = Poll.objects.create(
            group=group, kind=kind, title="Gdzie spotkanie?", created_by=facilitator, **fields
        )
        PollOption.objects.bulk_create(
            [PollOption(poll=poll, position=i, label=label) for i, label in enumerate(labels)]
        )
        return poll

    return make


def vote(poll: Poll, user, *, marks=None, stance="") -> None:
    """A ballot as the service stores it, then the event it announces."""
    with transaction.atomic():
        Participation.objects.create(poll=poll, user=user)
        Ballot.objects.create(
            poll=poll,
            user=None if poll.anonymous else user,
            stance=stance,
            marks={str(k): v for k, v in (marks or {}).items()},
        )
        poll_event(poll=poll, type=POLL_UPDATED)


def replay_after(group, seq: int) -> list[dict]:
    return [json.loads(text) for _seq, text in events.events_replay(group.pk, seq, 500)]


def test_a_vote_is_the_groups_next_event_and_carries_the_numbers(
    group, bare_poll, member, facilitator
):
    poll = bare_poll()
    first, second = poll.options.all()
    before = events.latest_seq(group.pk)
    vote(poll, member, marks={first.pk: 1})
    vote(poll, facilitator, marks={second.pk: 1})
    stored = Event.objects.filter(group=group, seq__gt=before).order_by("seq")
    assert [(e.seq, e.type, e.object_id) for e in stored] == [
        (before + 1, POLL_UPDATED, poll.pk),
        (before + 2, POLL_UPDATED, poll.pk),
    ]
    frame = replay_after(group, before + 1)[0]
    assert frame["type"] == POLL_UPDATED and frame["seq"] == before + 2
    assert frame["poll"]["voters"] == 2
    assert frame["poll"]["results"] == {str(first.pk): 1, str(second.pk): 1}
    assert frame["poll"]["leaders"] == [first.pk, second.pk]


def test_poll_events_and_messages_share_one_sequence(group, bare_poll, member, facilitator):
    thread, _first = services.thread_create(
        actor=facilitator, group=group, title="Spotkanie", body="Gdzie?", client_id="t1"
    )
    poll = bare_poll(thread=thread)
    option = poll.options.first()
    before = events.latest_seq(group.pk)
    vote(poll, member, marks={option.pk: 1})
    services.message_send(actor=member, thread=thread, body="Zagłosowałam", client_id="m1")
    frames = replay_after(group, before)
    assert [(f["seq"], f["type"]) for f in frames] == [
        (before + 1, POLL_UPDATED),
        (before + 2, "message.new"),
    ]
    assert frames[0]["poll"]["thread"] == thread.pk


def test_an_anonymous_polls_events_carry_no_voter(group, bare_poll, member_factory):
    poll = bare_poll(anonymous=True, allow_change=False)
    option = poll.options.first()
    voter = member_factory(group, full_name="Zenon Rozpoznawalny", email="zenon@gwd.test")
    before = events.latest_seq(group.pk)
    vote(poll, voter, marks={option.pk: 1})
    text = "\n".join(t for _s, t in events.events_replay(group.pk, before, 500))
    frame = json.loads(text)
    assert frame["poll"]["anonymous"] is True and frame["poll"]["voters"] == 1
    assert "Rozpoznawalny" not in text and "zenon@" not in text
    assert set(frame["poll"]) == {
        "id",
        "thread",
        "meeting",
        "kind",
        "state",
        "anonymous",
        "voters",
        "results",
        "leaders",
        "outcome",
        "chosen_option",
        "meeting_created",
    }


def test_results_kept_until_the_close_are_not_in_the_events_before_it(group, bare_poll, member):
    poll = bare_poll(results=Poll.Results.AFTER_CLOSE)
    option = poll.options.first()
    before = events.latest_seq(group.pk)
    vote(poll, member, marks={option.pk: 1})
    live = replay_after(group, before)[0]["poll"]
    assert live["results"] is None and live["leaders"] == [] and live["voters"] == 1
    with transaction.atomic():
        Poll.objects.filter(pk=poll.pk).update(state=Poll.State.CLOSED)
        poll.refresh_from_db()
        poll_event(poll=poll, type=POLL_CLOSED)
    frames = replay_after(group, before)
    # Replayed as the poll is now: closed, so both events show the numbers.
    assert [f["type"] for f in frames] == [POLL_UPDATED, POLL_CLOSED]
    assert frames[-1]["poll"]["results"][str(option.pk)] == 1
    assert frames[-1]["poll"]["state"] == "closed"


def test_a_replay_shows_the_numbers_as_they_are_now(group, bare_poll, member, facilitator):
    poll = bare_poll()
    first = poll.options.first()
    before = events.latest_seq(group.pk)
    vote(poll, member, marks={first.pk: 1})
    vote(poll, facilitator, marks={first.pk: 1})
    frames = replay_after(group, before)
    assert [f["poll"]["voters"] for f in frames] == [2, 2]


def test_a_deleted_poll_replays_as_gone_and_its_numbers_still_count(group, bare_poll, member):
    poll = bare_poll()
    poll_id = poll.pk
    before = events.latest_seq(group.pk)
    vote(poll, member, marks={poll.options.first().pk: 1})
    poll.delete()
    frames = replay_after(group, before)
    assert frames == [{"seq": before + 1, "type": "poll.gone", "poll": poll_id}]


def test_each_kind_carries_its_numbers_by_the_keys_the_card_shows(group, bare_poll, member):
    proposal = bare_poll(kind=Poll.Kind.PROPOSAL, labels=())
    vote(proposal, member, stance="agree")
    date = bare_poll(kind=Poll.Kind.DATE, labels=("", ""))
    slot_a, slot_b = date.options.all()
    vote(date, member, marks={slot_a.pk: 2, slot_b.pk: 1})
    score = bare_poll(kind=Poll.Kind.SCORE, labels=("A", "B"), score_max=5)
    a, b = score.options.all()
    vote(score, member, marks={a.pk: 4, b.pk: 1})
    frames = {f["poll"]["kind"]: f["poll"] for f in replay_after(group, 0)}
    assert frames["proposal"]["results"] == {"agree": 1, "abstain": 0, "disagree": 0, "block": 0}
    assert frames["date"]["results"] == {
        f"{slot_a.pk}.yes": 1,
        f"{slot_a.pk}.if_need_be": 0,
        f"{slot_a.pk}.no": 0,
        f"{slot_b.pk}.yes": 0,
        f"{slot_b.pk}.if_need_be": 1,
        f"{slot_b.pk}.no": 0,
    }
    assert frames["date"]["leaders"] == [slot_a.pk]
    assert frames["score"]["results"] == {
        str(a.pk): 4,
        f"{a.pk}.mean": 4.0,
        str(b.pk): 1,
        f"{b.pk}.mean": 1.0,
    }


def test_a_replay_of_poll_events_costs_the_same_queries_however_many(
    group, bare_poll, member_factory
):
    polls = [bare_poll(), bare_poll()]

    def replay_queries(voters: int) -> int:
        for poll in polls:
            for _ in range(voters):
                vote(poll, member_factory(group), marks={poll.options.first().pk: 1})
        with CaptureQueriesContext(connection) as queries:
            events.events_replay(group.pk, 0, 500)
        return len(queries)

    assert replay_queries(1) == replay_queries(4)
