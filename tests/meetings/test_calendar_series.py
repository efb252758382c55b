"""A series in a calendar file is one event with its rule: RRULE, EXDATE for what was
cancelled, RECURRENCE-ID for an occurrence moved on its own, times in the meeting's
zone with its VTIMEZONE, so 10:00 in Warsaw stays 10:00 across a change of the clocks."""

import datetime as dt
import zoneinfo

import icalendar
import pytest
from dateutil.rrule import rrulestr
from django.urls import reverse

from meetings import services
from meetings.models import Meeting

WARSAW = zoneinfo.ZoneInfo("Europe/Warsaw")
# Wednesdays around the end of summer time in Poland (Sunday 31 October 2027).
FIRST = dt.datetime(2027, 10, 13, 10, 0, tzinfo=WARSAW)


@pytest.fixture
def series(facilitator, group, django_capture_on_commit_callbacks) -> list[Meeting]:
    with django_capture_on_commit_callbacks(execute=True):
        first = services.meeting_schedule(
            actor=facilitator,
            group=group,
            title="Dyżur energetyczny",
            starts_at=FIRST.astimezone(dt.UTC),
            ends_at=FIRST.astimezone(dt.UTC) + dt.timedelta(hours=1),
            time_zone="Europe/Warsaw",
            repeat="weekly",
            repeat_count=5,
        )
    return list(Meeting.objects.filter(series=first.series).order_by("starts_at"))


def ics(client, meeting) -> icalendar.Calendar:
    response = client.get(
        reverse(
            "meetings:meeting-ics",
            kwargs={"slug": meeting.group.slug, "meeting_id": meeting.pk},
        )
    )
    assert response.status_code == 200
    return icalendar.Calendar.from_ical(response.content)


def events(calendar: icalendar.Calendar) -> list[icalendar.Event]:
    return list(calendar.walk("VEVENT"))


def expand(master: icalendar.Event) -> list[dt.datetime]:
    """The dates the master's rule gives, less its EXDATEs."""
    start = master.decoded("dtstart")
    rule = rrulestr(master["rrule"].to_ical().decode(), dtstart=start)
    exdates = master.get("exdate", [])
    excluded = {d.dt for e in (exdates if isinstance(exdates, list) else [exdates]) for d in e.dts}
    return [day for day in rule if day not in excluded]


def test_the_ics_of_a_series_carries_its_rule_in_the_meeting_zone(client, login, member, series):
    login(member)
    calendar = ics(client, series[2])
    [master] = events(calendar)
    assert master["rrule"].to_ical() == b"FREQ=WEEKLY;COUNT=5"
    assert master["dtstart"].params["TZID"] == "Europe/Warsaw"
    assert master.decoded("dtstart") == FIRST
    assert master.decoded("dtend") == FIRST + dt.timedelta(hours=1)
    assert [tz["tzid"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Warsaw"]
    # Every occurrence at 10:00 on the wall clock, before and after the clocks go back,
    # and at the instant the meeting rows hold.
    occurrences = expand(master)
    assert [day.astimezone(WARSAW).hour for day in occurrences] == [10] * 5
    assert [day.astimezone(dt.UTC) for day in occurrences] == [m.starts_at for m in series]
    assert {day.utcoffset() for day in occurrences} == {
        dt.timedelta(hours=2),
        dt.timedelta(hours=1),
    }
    # The series has its own UID, the same from any of its meetings.
    assert master["uid"] == events(ics(client, series[0]))[0]["uid"]
    assert master["uid"] != f"{series[0].uid}@gwd"


def test_a_cancelled_occurrence_is_an_exdate(client, login, member, facilitator, series):
    services.meeting_cancel(actor=facilitator, meeting=series[3])
    login(member)
    [master] = events(ics(client, series[0]))
    assert series[3].starts_at not in [day.astimezone(dt.UTC) for day in expand(master)]
    assert len(expand(master)) == 4
    # The series changed, so calendar apps take the new copy.
    assert master["sequence"] >= 1


def test_an_occurrence_moved_on_its_own_is_an_override(client, login, member, facilitator, series):
    moved = series[1]
    services.meeting_update(
        actor=facilitator,
        meeting=moved,
        starts_at=moved.starts_at + dt.timedelta(hours=2),
        ends_at=moved.ends_at + dt.timedelta(hours=2),
        place="Sala 12",
    )
    login(member)
    master, override = events(ics(client, series[0]))
    assert override["uid"] == master["uid"]
    assert override.decoded("recurrence-id") == FIRST + dt.timedelta(weeks=1)
    assert override.decoded("dtstart") == (FIRST + dt.timedelta(weeks=1, hours=2))
    assert str(override["location"]) == "Sala 12"
    assert "location" not in master


def test_a_member_does_not_see_a_draft_occurrence(client, login, member, facilitator, series):
    Meeting.objects.filter(pk=series[4].pk).update(status=Meeting.Status.DRAFT)
    login(facilitator)
    assert len(expand(events(ics(client, series[0]))[0])) == 5
    login(member)
    assert len(expand(events(ics(client, series[0]))[0])) == 4


def test_a_draft_first_occurrence_lends_the_series_nothing(client, login, member, series):
    """The series' event takes its text from the first meeting the reader may see: a
    draft's title, place and link stay with those who may see drafts."""
    Meeting.objects.filter(pk=series[0].pk).update(
        status=Meeting.Status.DRAFT,
        title="SZKIC: reorganizacja",
        place="Pokój tajny",
        online_url="https://secret.example/room",
    )
    login(member)
    for calendar in (ics(client, series[2]), feed_calendar(client)):
        body = calendar.to_ical().decode()
        assert "SZKIC" not in body and "secret.example" not in body and "tajny" not in body
        assert f"/meetings/{series[0].pk}/" not in body
        master = next(e for e in events(calendar) if "rrule" in e)
        assert str(master["summary"]).startswith("Dyżur energetyczny")
        # The draft's date is left out; the other four keep theirs, at 10:00 in Warsaw.
        assert [day.astimezone(dt.UTC) for day in expand(master)] == [
            m.starts_at for m in series[1:]
        ]


def feed_calendar(client) -> icalendar.Calendar:
    page = client.get(reverse("meetings:calendar-feeds")).content.decode()
    feed = next(
        part.split('"')[0] for part in page.split("http") if "/calendar/feed/" in part.split('"')[0]
    )
    response = client.get(feed[feed.index("/calendar/feed/") :])
    return icalendar.Calendar.from_ical(response.content)


def test_a_feed_shows_a_series_as_one_event(client, login, member, series):
    login(member)
    page = client.get(reverse("meetings:calendar-feeds")).content.decode()
    feed = next(
        part.split('"')[0] for part in page.split("http") if "/calendar/feed/" in part.split('"')[0]
    )
    response = client.get(feed[feed.index("/calendar/feed/") :])
    calendar = icalendar.Calendar.from_ical(response.content)
    [master] = events(calendar)
    assert master["rrule"].to_ical() == b"FREQ=WEEKLY;COUNT=5"


def test_a_single_meeting_carries_its_zone_too(client, login, member, facilitator, group):
    starts = dt.datetime(2027, 6, 1, 10, tzinfo=zoneinfo.ZoneInfo("Europe/Kyiv"))
    meeting = services.meeting_schedule(
        actor=facilitator,
        group=group,
        title="Зустріч",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=1),
        time_zone="Europe/Kyiv",
    )
    login(member)
    calendar = ics(client, meeting)
    [event] = events(calendar)
    assert "rrule" not in event
    assert event["dtstart"].params["TZID"] == "Europe/Kyiv"
    assert event.decoded("dtstart") == starts
    assert [tz["tzid"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Kyiv"]
