"""The card the live script fetches afresh, and the contract between the card's rows and
the numbers a poll's frame carries: every row the card shows is one the frame names."""

import datetime as dt
import json
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from decisions import services
from decisions.live import POLL_CLOSED, POLL_UPDATED
from groups import events

pytestmark = pytest.mark.django_db

SLOTS = [
    (dt.datetime(2027, 11, 2, 9, tzinfo=dt.UTC), dt.datetime(2027, 11, 2, 10, tzinfo=dt.UTC)),
    (dt.datetime(2027, 11, 3, 9, tzinfo=dt.UTC), None),
]


def card_url(poll) -> str:
    return reverse("decisions:poll-card", kwargs={"slug": poll.group.slug, "poll_id": poll.pk})


def rows_of(html: str) -> list[str]:
    return re.findall(r'data-result="([^"]+)"', html)


def last_frame(group) -> dict:
    seq = events.latest_seq(group.pk)
    return json.loads(events.events_replay(group.pk, seq - 1, 1)[0][1])


@pytest.mark.parametrize(
    ("kind", "extra", "marks"),
    [
        ("proposal", {}, None),
        ("single", {}, "first"),
        ("multiple", {}, "first"),
        ("score", {"score_max": 5}, "scores"),
        ("ranked", {}, "ranks"),
        ("date", {"slots": SLOTS, "time_zone": "Europe/Warsaw"}, "dates"),
    ],
)
def test_every_row_of_the_card_is_named_in_the_frame(
    kind, extra, marks, poll_factory, member, login, access_of
):
    poll = poll_factory(kind, **extra)
    ids = list(poll.options.values_list("pk", flat=True))
    votes = {
        None: lambda: {"stance": "agree"},
        "first": lambda: {"marks": {ids[0]: 1}},
        "scores": lambda: {"marks": dict.fromkeys(ids, 3)},
        "ranks": lambda: {"marks": {oid: rank for rank, oid in enumerate(ids, start=1)}},
        "dates": lambda: {"marks": dict.fromkeys(ids, 2)},
    }
    vote = votes[marks]()
    services.vote_cast(actor=member, access=access_of(member, poll.group), poll=poll, **vote)
    frame = last_frame(poll.group)
    assert frame["type"] == POLL_UPDATED and frame["poll"]["voters"] == 1
    response = login(member).get(card_url(poll))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html  # the card alone, for the script to put in place
    rows = rows_of(html)
    assert rows, "the card shows its results"
    numbers = frame["poll"]["results"]
    for key in rows:
        assert key in numbers or f"{key}.yes" in numbers, key


def test_the_voters_card_says_the_vote_was_taken(poll_factory, member, login, access_of):
    poll = poll_factory("single")
    option = poll.options.first()
    member.language = "en"
    member.save(update_fields=["language"])
    client = login(member)
    assert "Change my vote" not in client.get(card_url(poll)).content.decode()
    response = client.post(
        reverse("decisions:poll-vote", kwargs={"slug": poll.group.slug, "poll_id": poll.pk}),
        {"option": option.pk},
        HTTP_ACCEPT="application/json",
    )
    assert response.json() == {"ok": True}
    html = client.get(card_url(poll)).content.decode()
    assert "Change my vote" in html


def test_a_closed_poll_is_announced_as_closed_with_its_results(
    poll_factory, member, facilitator, access_of
):
    poll = poll_factory("single", results="after_close")
    services.vote_cast(
        actor=member,
        access=access_of(member, poll.group),
        poll=poll,
        marks={poll.options.first().pk: 1},
    )
    assert last_frame(poll.group)["poll"]["results"] is None
    services.poll_close(actor=facilitator, access=access_of(facilitator, poll.group), poll=poll)
    frame = last_frame(poll.group)
    assert frame["type"] == POLL_CLOSED and frame["poll"]["state"] == "closed"
    assert sum(frame["poll"]["results"].values()) == 1


def test_a_poll_past_its_closing_time_shows_its_results_in_frames_as_on_the_page(
    poll_factory, member, access_of
):
    poll = poll_factory(
        "single", results="after_close", closes_at=timezone.now() + dt.timedelta(hours=1)
    )
    services.vote_cast(
        actor=member,
        access=access_of(member, poll.group),
        poll=poll,
        marks={poll.options.first().pk: 1},
    )
    poll.closes_at = timezone.now() - dt.timedelta(seconds=1)
    poll.save(update_fields=["closes_at"])
    replayed = json.loads(events.events_replay(poll.group.pk, 0, 500)[-1][1])
    assert replayed["poll"]["results"] is not None
