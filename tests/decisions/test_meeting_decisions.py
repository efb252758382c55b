"""A meeting's page lists the decisions taken at it beside its minutes: the polls on its
agenda with their outcomes, in a fixed number of queries however many there are."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from decisions import services
from meetings import services as meeting_services

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting_factory(facilitator, group):
    def make(title: str = "Spotkanie GWD"):
        start = timezone.now() + dt.timedelta(days=7)
        return meeting_services.meeting_schedule(
            actor=facilitator,
            group=group,
            title=title,
            starts_at=start,
            ends_at=start + dt.timedelta(hours=2),
            time_zone="Europe/Warsaw",
        )

    return make


def decided(poll_factory, facilitator, access_of, meeting, title: str, outcome: str):
    poll = poll_factory("proposal", title=title, meeting=meeting)
    access = access_of(facilitator, poll.group)
    services.poll_close(actor=facilitator, access=access, poll=poll)
    return services.outcome_publish(actor=facilitator, access=access, poll=poll, outcome=outcome)


def test_the_meeting_page_links_the_decisions_taken_at_it(
    poll_factory, meeting_factory, facilitator, member, access_of, login
):
    meeting, other = meeting_factory(), meeting_factory("Inne spotkanie")
    poll = decided(
        poll_factory, facilitator, access_of, meeting, "Przyjąć wzór umowy ESCO?", "Przyjęto."
    )
    decided(poll_factory, facilitator, access_of, other, "Sprawa innego spotkania", "Odłożono.")
    open_poll = poll_factory("proposal", title="Czy zapraszamy ekspertów?", meeting=meeting)
    page = login(member).get(meeting.get_absolute_url()).content.decode()
    assert poll.get_absolute_url() in page and "Przyjęto." in page
    assert open_poll.get_absolute_url() in page
    assert "Sprawa innego spotkania" not in page and "Odłożono." not in page


def test_a_meeting_without_polls_shows_no_decisions_section(meeting_factory, member, login):
    # The group lets only facilitators start polls: nothing for a member to show.
    page = login(member).get(meeting_factory().get_absolute_url()).content.decode()
    assert "meeting-decisions" not in page


def test_the_decisions_cost_the_same_queries_however_many(
    poll_factory, meeting_factory, facilitator, member, access_of, login
):
    meeting = meeting_factory()
    client = login(member)

    def queries(polls: int) -> int:
        for i in range(polls):
            decided(poll_factory, facilitator, access_of, meeting, f"Sprawa {i}", f"Wynik {i}")
        with CaptureQueriesContext(connection) as captured:
            assert client.get(meeting.get_absolute_url()).status_code == 200
        return len(captured)

    assert queries(1) == queries(4)


def test_who_may_start_a_poll_finds_the_link_on_the_meetings_page(
    meeting_factory, facilitator, member, observer, access_of, login, client
):
    meeting = meeting_factory()
    start = f"/decisions/new/?meeting={meeting.pk}"
    assert start in login(facilitator).get(meeting.get_absolute_url()).content.decode()
    client.logout()
    # Members start polls only where the group lets them; observers never.
    assert start not in login(member).get(meeting.get_absolute_url()).content.decode()
    services.decision_settings_save(
        actor=facilitator,
        access=access_of(facilitator, meeting.group),
        poll_starters="members",
        observers_vote=False,
    )
    assert start in login(member).get(meeting.get_absolute_url()).content.decode()
    client.logout()
    assert start not in login(observer).get(meeting.get_absolute_url()).content.decode()
