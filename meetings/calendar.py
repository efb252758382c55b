"""iCalendar (RFC 5545) for meetings: one meeting, a group feed, a personal feed."""

from collections.abc import Iterable

import icalendar
from django.utils import timezone

from gwd.mail import absolute_url
from gwd.text import clean_text
from meetings.models import Meeting

PRODID = "-//Związek Miast Polskich//GWD//PL"
STATUS: dict[str, str] = {
    Meeting.Status.SCHEDULED: "CONFIRMED",
    Meeting.Status.HELD: "CONFIRMED",
    Meeting.Status.CANCELLED: "CANCELLED",
    Meeting.Status.DRAFT: "TENTATIVE",
}


def meeting_event(meeting: Meeting) -> icalendar.Event:
    """The VEVENT of a meeting. UID never changes; SEQUENCE follows every change, so a
    calendar app replaces its copy; a cancelled meeting stays with STATUS:CANCELLED.
    Text is cleaned again here, for rows written before forms cleaned it: a bare CR or
    LF in a title would end the content line (icalendar refuses to write it)."""
    event = icalendar.Event()
    event.add("uid", f"{meeting.uid}@gwd")
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", timezone.now())
    event.add("last-modified", meeting.updated_at)
    event.add("created", meeting.created_at)
    event.add("dtstart", meeting.starts_at)
    event.add("dtend", meeting.ends_at)
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


def calendar_bytes(meetings: Iterable[Meeting], *, name: str) -> bytes:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", clean_text(name))
    for meeting in meetings:
        calendar.add_component(meeting_event(meeting))
    return calendar.to_ical()
