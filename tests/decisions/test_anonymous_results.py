"""An anonymous poll shows its results only once it closes: in a small group, totals that
change right after each vote, on the page or on the socket, would tell who voted what."""

import json

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from decisions.forms import PollForm
from decisions.live import POLL_UPDATED, poll_event
from decisions.models import Ballot, Participation, Poll, PollOption
from groups import events

pytestmark = pytest.mark.django_db


def url(name, poll=None, group=None, **kwargs):
    group = group or poll.group
    if poll is not None:
        kwargs["poll_id"] = poll.pk
    return reverse(f"decisions:{name}", kwargs={"slug": group.slug, **kwargs})


def test_the_form_says_why_and_keeps_an_anonymous_polls_results_to_the_close(
    login, facilitator, group
):
    client = login(facilitator)
    page = client.get(url("poll-create", group=group)).content.decode()
    with translation.override(facilitator.language):
        assert escape(str(PollForm.base_fields["anonymous"].help_text)) in page
    response = client.post(
        url("poll-create", group=group),
        {"kind": "single", "title": "Który wariant?", "options": "A\nB", "anonymous": "on"}
        | {"results": "live"},
    )
    poll = Poll.objects.get()
    assert response.status_code == 302
    assert poll.anonymous and poll.results == Poll.Results.AFTER_CLOSE


def test_the_service_keeps_an_anonymous_polls_results_to_the_close(poll_factory):
    poll = poll_factory("single", anonymous=True, results="live")
    assert poll.results == Poll.Results.AFTER_CLOSE
    assert poll_factory("single", results="live").results == Poll.Results.LIVE


def test_an_open_anonymous_polls_page_shows_no_totals(login, member, facilitator, poll_factory):
    poll = poll_factory("single", anonymous=True)
    client = login(member)
    client.post(url("poll-vote", poll), {"option": str(poll.options.first().pk)})
    assert "poll-bar__number" not in client.get(url("poll-detail", poll)).content.decode()
    login(facilitator).post(url("poll-close", poll))
    assert "poll-bar__number" in login(member).get(url("poll-detail", poll)).content.decode()


def test_a_vote_in_an_anonymous_poll_sends_no_totals_even_one_stored_as_live(
    group, facilitator, member
):
    # A poll written before the rule (or by hand) as anonymous with live results.
    poll = Poll.objects.create(
        group=group,
        kind=Poll.Kind.SINGLE,
        title="Gdzie?",
        created_by=facilitator,
        anonymous=True,
        allow_change=False,
        results=Poll.Results.LIVE,
    )
    option = PollOption.objects.create(poll=poll, position=0, label="Kielce")
    before = events.latest_seq(group.pk)
    with transaction.atomic():
        Participation.objects.create(poll=poll, user=member)
        Ballot.objects.create(poll=poll, user=None, marks={str(option.pk): 1})
        poll_event(poll=poll, type=POLL_UPDATED)
    frames = [json.loads(text) for _seq, text in events.events_replay(group.pk, before, 500)]
    assert frames[0]["poll"]["voters"] == 1
    assert frames[0]["poll"]["results"] is None and frames[0]["poll"]["leaders"] == []
    Poll.objects.filter(pk=poll.pk).update(state=Poll.State.CLOSED)
    frames = [json.loads(text) for _seq, text in events.events_replay(group.pk, before, 500)]
    assert frames[0]["poll"]["results"] == {str(option.pk): 1}
