"""A vote reaches every socket of the group as a numbered event, and a socket that
missed it gets it in the replay (docs/protocol.md)."""

import pytest
from asgiref.sync import sync_to_async
from django.db import transaction

from decisions.live import POLL_UPDATED, poll_event
from decisions.models import Ballot, Participation, Poll, PollOption
from groups import events
from tests.groups import test_consumer

pytestmark = pytest.mark.django_db(transaction=True)

connect = test_consumer.connect  # the group socket's test client, as a fixture


def make_poll(group, author) -> Poll:
    poll = Poll.objects.create(
        group=group, kind=Poll.Kind.SINGLE, title="Gdzie?", created_by=author
    )
    PollOption.objects.bulk_create(
        [PollOption(poll=poll, position=i, label=label) for i, label in enumerate(["A", "B"])]
    )
    return poll


def vote(poll: Poll, user, option_index: int = 0) -> None:
    option = list(poll.options.all())[option_index]
    with transaction.atomic():
        Participation.objects.create(poll=poll, user=user)
        Ballot.objects.create(poll=poll, user=user, marks={str(option.pk): 1})
        poll_event(poll=poll, type=POLL_UPDATED)


async def test_a_vote_reaches_the_other_members_socket_with_the_new_numbers(
    connect, member, facilitator, observer, group
):
    poll = await sync_to_async(make_poll)(group, facilitator)
    _, watching = await connect(observer, group)
    seen = await sync_to_async(events.latest_seq)(group.pk)
    await watching.send({"type": "resume", "after": seen})
    assert await watching.nothing_more()
    await sync_to_async(vote)(poll, member)
    frame = await watching.receive(POLL_UPDATED)
    assert frame["seq"] == seen + 1
    assert frame["poll"]["id"] == poll.pk and frame["poll"]["voters"] == 1
    assert sum(frame["poll"]["results"].values()) == 1
    assert await watching.nothing_more()
    await watching.close()


async def test_a_socket_that_was_away_gets_the_votes_in_the_replay(
    connect, member, facilitator, group
):
    poll = await sync_to_async(make_poll)(group, facilitator)
    seen = await sync_to_async(events.latest_seq)(group.pk)
    await sync_to_async(vote)(poll, member, 0)
    await sync_to_async(vote)(poll, facilitator, 1)
    _, socket = await connect(member, group)
    await socket.send({"type": "resume", "after": seen})
    replayed = [await socket.receive(POLL_UPDATED) for _ in range(2)]
    assert [f["seq"] for f in replayed] == [seen + 1, seen + 2]
    assert [f["poll"]["voters"] for f in replayed] == [2, 2]  # as the poll is now
    assert await socket.nothing_more()
    await socket.close()
