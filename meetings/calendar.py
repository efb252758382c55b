"""iCalendar (RFC 5545) for meetings: one meeting, a group feed, a personal feed.

A meeting of a series is written as the series: one VEVENT with an RRULE in the
meeting's own time zone (so 10:00 stays 10:00 when the clocks change), an EXDATE for
each occurrence that is cancelled or not shown, and an override with RECURRENCE-ID for
each occurrence changed on its own. Times carry their TZID, and the calendar holds the
VTIMEZONE of every zone it names.
"""

import datetime as dt
from collections.abc import Iterable

import icalendar
from dateutil.rrule import MONTHLY, WEEKLY, rrule
from django.utils import timezone

from gwd.mail import absolute_url
from gwd.text import clean_text
from meetings.models import Meeting, MeetingSeries

PRODID = "-//Związek Miast Polskich//GWD//PL"
STATUS: dict[str, str] = {
    Meeting.Status.SCHEDULED: "CONFIRMED",
    Meeting.Status.HELD: "CONFIRMED",
    Meeting.Status.CANCELLED: "CANCELLED",
    Meeting.Status.DRAFT: "TENTATIVE",
}
FREQUENCY = {MeetingSeries.Frequency.WEEKLY: WEEKLY, MeetingSeries.Frequency.MONTHLY: MONTHLY}
# What an occurrence shares with its series unless it was changed on its own.
SHARED = ("title", "description", "place", "online_url", "status", "time_zone")


def meeting_event(
    meeting: Meeting, *, uid: str | None = None, sequence: int | None = None
) -> icalendar.Event:
    """The VEVENT of a meeting. UID never changes; SEQUENCE follows every change, so a
    calendar app replaces its copy; a cancelled meeting stays with STATUS:CANCELLED.
    Text is cleaned again here, for rows written before forms cleaned it: a bare CR or
    LF in a title would end the content line (icalendar refuses to write it)."""
    event = icalendar.Event()
    event.add("uid", uid or f"{meeting.uid}@gwd")
    event.add("sequence", meeting.sequence if sequence is None else sequence)
    event.add("dtstamp", timezone.now())
    event.add("last-modified", meeting.updated_at)
    event.add("created", meeting.created_at)
    event.add("dtstart", meeting.starts_at.astimezone(meeting.zone))
    event.add("dtend", meeting.ends_at.astimezone(meeting.zone))
    event.add("summary", clean_text(f"{meeting.title} · {meeting.group.display_name}"))
    event.add("status", STATUS[meeting.status])
    url = absolute_url(meeting.get_absolute_url())
    event.add("url", url)
    text = clean_text(meeting.description, multiline=True)
    description = [text] if text else []
    if meeting.online_url:
        description.append(meeting.online_url)
        event.add("conference", meeting.online_url, parameters={"value": "URI"})
    description.append(url)
    event.add("description", "\n\n".join(description))
    location = clean_text(", ".join(p for p in (meeting.place, meeting.online_url) if p))
    if location:
        event.add("location", location)
    return event


def series_events(occurrences: list[Meeting], *, shown: set[int]) -> list[icalendar.Event]:
    """The VEVENTs of a series: `occurrences` are all its meetings, in the order they
    were made (the n-th is the rule's n-th date, wherever it was moved since); only
    those in `shown` appear, the others are EXDATEs. The series' text is that of the
    first meeting the reader may see (a draft lends it nothing), its rule starts at the
    first occurrence's time; the UID is the series' own."""
    first = occurrences[0]
    visible = [meeting for meeting in occurrences if meeting.pk in shown]
    template = next((m for m in visible if m.status != Meeting.Status.CANCELLED), visible[0])
    series = first.series
    assert series is not None  # occurrences of a series
    uid = f"{series.uid}@gwd"
    zone = first.zone
    dates = [
        day.replace(tzinfo=zone)
        for day in rrule(
            FREQUENCY[MeetingSeries.Frequency(series.frequency)],
            dtstart=first.starts_at.astimezone(zone).replace(tzinfo=None),
            count=len(occurrences),
        )
    ]
    duration = template.ends_at - template.starts_at
    # The series changes whenever one of its meetings does.
    master = meeting_event(
        template, uid=uid, sequence=max(meeting.sequence for meeting in occurrences)
    )
    if template.pk != first.pk:  # the rule still starts where the series does
        for name in ("dtstart", "dtend"):
            del master[name]
        master.add("dtstart", dates[0])
        master.add("dtend", dates[0] + duration)
    master.add("rrule", {"freq": series.frequency.upper(), "count": len(occurrences)})
    excluded, overrides = [], []
    for date, meeting in zip(dates, occurrences, strict=True):
        if meeting.pk not in shown or meeting.status == Meeting.Status.CANCELLED:
            excluded.append(date)
        elif (
            meeting.starts_at != date
            or meeting.ends_at - meeting.starts_at != duration
            or any(getattr(meeting, field) != getattr(template, field) for field in SHARED)
        ):  # the template differs from the master only where it was moved
            override = meeting_event(meeting, uid=uid)
            override.add("recurrence-id", date)
            overrides.append(override)
    if excluded:
        master.add("exdate", excluded)
    return [master, *overrides]


def calendar_bytes(
    meetings: Iterable[Meeting], *, name: str, series: Iterable[Meeting] = ()
) -> bytes:
    """The calendar of `meetings`; `series` are all the occurrences of the series any
    of them belongs to (with `group` and `series` loaded), which then appear as series."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", clean_text(name))
    by_series: dict[int, list[Meeting]] = {}
    for occurrence in sorted(series, key=lambda meeting: meeting.pk):
        assert occurrence.series_id is not None  # occurrences of a series
        by_series.setdefault(occurrence.series_id, []).append(occurrence)
    shown: dict[int, set[int]] = {}
    starts: list[dt.datetime] = []
    for meeting in meetings:
        starts += [meeting.starts_at, meeting.ends_at]
        if meeting.series_id in by_series:
            shown.setdefault(meeting.series_id, set()).add(meeting.pk)
        else:
            calendar.add_component(meeting_event(meeting))
    for series_id, pks in shown.items():
        for event in series_events(by_series[series_id], shown=pks):
            calendar.add_component(event)
        starts += [by_series[series_id][0].starts_at, by_series[series_id][-1].ends_at]
        starts += [occurrence.starts_at for occurrence in by_series[series_id]]
    if starts:
        # VTIMEZONEs from a year before the first time to a year after the last.
        calendar.add_missing_timezones(
            first_date=min(starts).date() - dt.timedelta(days=366),
            last_date=max(starts).date() + dt.timedelta(days=366),
        )
    return calendar.to_ical()
