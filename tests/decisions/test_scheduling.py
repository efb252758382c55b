"""A date poll becomes a meeting in one step: a voter in Kyiv, an organiser in Warsaw and
a slot after the October change of the clocks (Sunday 31 October 2027)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone, translation

from decisions import services
from decisions.models import Poll
from decisions.scheduling import poll_meeting_create
from decisions.slots import slot_instant
from groups.models import Notification
from gwd.errors import ServiceError
from meetings.models import Meeting

pytestmark = pytest.mark.django_db

WARSAW, KYIV = "Europe/Warsaw", "Europe/Kyiv"
BEFORE_CHANGE, AFTER_CHANGE = dt.date(2027, 10, 29), dt.date(2027, 11, 2)


def slot(day: dt.date, hour: int = 10) -> tuple[dt.datetime, dt.datetime]:
    start = slot_instant(day, dt.time(hour, 0), WARSAW)
    return start, start + dt.timedelta(hours=2)


@pytest.fixture
def organiser(facilitator):
    facilitator.time_zone = WARSAW
    facilitator.save(update_fields=["time_zone"])
    return facilitator


@pytest.fixture
def kyiv_voter(member):
    member.time_zone, member.language = KYIV, "uk"
    member.save(update_fields=["time_zone", "language"])
    return member


@pytest.fixture
def date_poll(poll_factory, organiser):
    return poll_factory(
        "date",
        title="Spotkanie o umowach ESCO",
        description="Omówimy wzory umów.",
        slots=[slot(BEFORE_CHANGE), slot(AFTER_CHANGE)],
    )


def slots_of(poll):
    return list(poll.options.order_by("starts_at"))


def test_the_kyiv_voter_reads_each_slot_in_kyiv_time_with_warsaws_beside_it(
    date_poll, kyiv_voter, login
):
    assert date_poll.time_zone == WARSAW  # the organiser's, where the slots were typed
    page = login(kyiv_voter).get(date_poll.get_absolute_url()).content.decode()
    # 10:00 in Warsaw is 11:00 in Kyiv on both sides of the change.
    assert "29 жовтня 2027, 11:00–13:00 Київ (10:00–12:00 Варшава)" in page
    assert "2 листопада 2027, 11:00–13:00 Київ (10:00–12:00 Варшава)" in page


def test_the_facilitator_makes_the_meeting_from_the_slot_after_the_change(
    date_poll, organiser, kyiv_voter, access_of, login, django_capture_on_commit_callbacks
):
    before, after = slots_of(date_poll)
    services.vote_cast(
        actor=kyiv_voter,
        access=access_of(kyiv_voter, date_poll.group),
        poll=date_poll,
        marks={before.pk: 0, after.pk: 2},
    )
    with translation.override("pl"), django_capture_on_commit_callbacks(execute=True):
        meeting = poll_meeting_create(
            actor=organiser,
            access=access_of(organiser, date_poll.group),
            poll=date_poll,
            option_id=after.pk,
        )
    # Exactly the slot's instant: 10:00 in Warsaw on 2 November is 09:00 UTC (CET).
    assert meeting.starts_at == dt.datetime(2027, 11, 2, 9, 0, tzinfo=dt.UTC)
    assert meeting.ends_at == dt.datetime(2027, 11, 2, 11, 0, tzinfo=dt.UTC)
    assert meeting.time_zone == WARSAW
    assert (meeting.group, meeting.title) == (date_poll.group, "Spotkanie o umowach ESCO")
    assert meeting.description == "Omówimy wzory umów."
    assert meeting.status == Meeting.Status.SCHEDULED
    date_poll.refresh_from_db()
    assert date_poll.state == Poll.State.CLOSED
    assert (date_poll.chosen_option, date_poll.created_meeting) == (after, meeting)
    assert "10:00–12:00 Warszawa" in date_poll.outcome
    # The voter is told of the meeting and of the decision.
    kinds = set(Notification.objects.filter(user=kyiv_voter).values_list("kind", flat=True))
    assert {Notification.Kind.MEETING_SCHEDULED, Notification.Kind.POLL_OUTCOME} <= kinds
    # And reads the meeting at 11:00 Kyiv time, with Warsaw's 10:00 beside it.
    page = login(kyiv_voter).get(meeting.get_absolute_url()).content.decode()
    assert "11:00–13:00" in page and "10:00–12:00" in page
    assert date_poll.get_absolute_url() in page  # the meeting names the poll that chose it


def test_only_a_facilitator_makes_the_meeting(date_poll, member, access_of):
    with pytest.raises(PermissionDenied):
        poll_meeting_create(
            actor=member,
            access=access_of(member, date_poll.group),
            poll=date_poll,
            option_id=slots_of(date_poll)[0].pk,
        )
    assert not Meeting.objects.exists()


@pytest.mark.parametrize("case", ["another kind", "foreign slot", "passed slot", "twice"])
def test_what_cannot_become_a_meeting_is_refused_and_nothing_is_written(
    case, date_poll, poll_factory, organiser, access_of
):
    access = access_of(organiser, date_poll.group)
    poll, option_id = date_poll, slots_of(date_poll)[1].pk
    if case == "another kind":
        poll = poll_factory("single")
        option_id = poll.options.first().pk
    elif case == "foreign slot":
        other = poll_factory("date", slots=[slot(dt.date(2027, 12, 1))])
        option_id = other.options.first().pk
    elif case == "passed slot":  # the slot moves into the past
        poll.options.filter(pk=option_id).update(
            starts_at=timezone.now() - dt.timedelta(hours=1), ends_at=None
        )
    elif case == "twice":
        poll_meeting_create(actor=organiser, access=access, poll=poll, option_id=option_id)
    meetings = Meeting.objects.count()
    state = Poll.objects.filter(pk=poll.pk).values("state", "outcome", "created_meeting").get()
    with pytest.raises(ServiceError):
        poll_meeting_create(actor=organiser, access=access, poll=poll, option_id=option_id)
    assert Meeting.objects.count() == meetings
    assert (
        Poll.objects.filter(pk=poll.pk).values("state", "outcome", "created_meeting").get() == state
    )


def test_the_form_without_a_slot_says_so_and_writes_nothing(date_poll, organiser, login):
    organiser.language = "en"
    organiser.save(update_fields=["language"])
    client = login(organiser)
    url = reverse(
        "decisions:poll-meeting", kwargs={"slug": date_poll.group.slug, "poll_id": date_poll.pk}
    )
    response = client.post(url, {"option": "x"}, follow=True)
    assert response.status_code == 200
    assert "Choose one of the poll&#x27;s time slots." in response.content.decode()
    assert not Meeting.objects.exists()
    assert Poll.objects.get(pk=date_poll.pk).state == Poll.State.OPEN
    response = client.post(url, {"option": slots_of(date_poll)[1].pk})
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response["Location"] == meeting.get_absolute_url()


def test_the_poll_page_offers_the_step_to_facilitators_only(date_poll, organiser, member, login):
    url = reverse(
        "decisions:poll-meeting", kwargs={"slug": date_poll.group.slug, "poll_id": date_poll.pk}
    )
    assert url in login(organiser).get(date_poll.get_absolute_url()).content.decode()
    assert url not in login(member).get(date_poll.get_absolute_url()).content.decode()
