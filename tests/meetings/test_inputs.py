"""Odd input on meeting pages: a clear 400 or the form again, nothing written, never a
500; no redirect off the site; no bidi controls in what a meeting shows; a calendar file
that parses whatever a title holds."""

import datetime as dt

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from gwd.text import BIDI_CONTROLS
from meetings import services
from meetings.models import ActionItem, Attendance, Meeting
from tests.meetings.formdata import agenda_fields

RLO = "\u202e"
HUGE = "9" * 25


def url(name, group, **kwargs):
    return reverse(f"meetings:{name}", kwargs={"slug": group.slug, **kwargs})


def form_data(**overrides):
    data = {
        "title": "Opłata śmieciowa",
        "time_zone": "Europe/Warsaw",
        "start_date": (timezone.localdate() + dt.timedelta(days=7)).isoformat(),
        "start_time": "10:00",
        "end_time": "12:00",
        "place": "Urząd Miasta Kielce, sala 12",
        **agenda_fields(("Powitanie", "Marek Kowalski", "10")),
    }
    data.update(overrides)
    return data


@pytest.fixture
def meeting(facilitator, group):
    starts = timezone.now() + dt.timedelta(days=7)
    return services.meeting_schedule(
        actor=facilitator,
        group=group,
        title="Budżet obywatelski",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
        time_zone="Europe/Warsaw",
    )


@pytest.fixture
def item(facilitator, meeting):
    return services.action_item_add(actor=facilitator, meeting=meeting, description="Wzór umowy")


# --- Open redirect ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "target", ["https://evil.example/phish", "//evil.example/phish", "http:/\\evil.example"]
)
def test_toggling_an_action_item_never_redirects_off_the_site(
    client, login, facilitator, group, item, target
):
    login(facilitator)
    response = client.post(url("action-item-toggle", group, item_id=item.pk), {"next": target})
    assert response.status_code == 302
    assert response.url == f"{item.meeting.get_absolute_url()}#actions"


def test_toggling_an_action_item_returns_to_the_page_it_came_from(
    client, login, facilitator, group, item
):
    login(facilitator)
    back = reverse("groups:group-detail", kwargs={"slug": group.slug})
    response = client.post(url("action-item-toggle", group, item_id=item.pk), {"next": back})
    assert response.url == back


# --- Numbers and dates out of range ----------------------------------------------------------


@pytest.mark.parametrize("month", ["9999-12", "0001-01", "2027-13", "2027-1x", "²⁰²⁷-01"])
def test_a_month_out_of_range_is_a_400(client, login, member, group, month):
    login(member)
    response = client.get(url("meeting-calendar", group), {"month": month})
    assert response.status_code == 400


def test_a_month_in_range_is_shown(client, login, member, group):
    login(member)
    response = client.get(url("meeting-calendar", group), {"month": "2031-02"})
    assert response.status_code == 200
    assert response.context["month"] == dt.date(2031, 2, 1)


def test_the_last_month_offers_no_next_one(client, login, member, group):
    login(member)
    last = client.get(url("meeting-calendar", group), {"month": "2100-12"})
    first = client.get(url("meeting-calendar", group), {"month": "2000-01"})
    assert 'rel="next"' not in last.content.decode() and 'rel="prev"' in last.content.decode()
    assert 'rel="prev"' not in first.content.decode() and 'rel="next"' in first.content.decode()


@pytest.mark.parametrize(
    "field, value",
    [
        ("capacity", HUGE),
        ("capacity", "-3"),
        ("start_date", "9999-12-31"),
        ("start_date", "0000-00-00"),
        ("end_date", "9999-12-31"),
        ("deadline_date", "0001-01-01"),
        ("agenda-0-duration_minutes", "²"),
        ("agenda-0-duration_minutes", HUGE),
        ("agenda-0-title", ""),
        ("agenda-TOTAL_FORMS", HUGE),
    ],
)
def test_a_meeting_form_with_odd_numbers_is_shown_again_and_writes_nothing(
    client, login, facilitator, group, field, value
):
    login(facilitator)
    response = client.post(url("meeting-create", group), form_data(**{field: value}))
    assert response.status_code == 400
    assert response.context["form"].errors or not response.context["agenda"].is_valid()
    assert not Meeting.objects.exists()


def test_a_capacity_beyond_reason_is_refused_on_edit_too(
    client, login, facilitator, group, meeting
):
    login(facilitator)
    response = client.post(
        url("meeting-edit", group, meeting_id=meeting.pk), form_data(capacity=HUGE)
    )
    assert response.status_code == 400
    meeting.refresh_from_db()
    assert meeting.capacity is None


@pytest.mark.parametrize("value", [HUGE, "²", "x"])
def test_attendance_with_an_id_that_is_not_one_is_a_400_and_writes_nothing(
    client, login, facilitator, member, group, meeting, value
):
    login(facilitator)
    response = client.post(
        url("meeting-attendance", group, meeting_id=meeting.pk),
        {"present": [str(member.pk), value]},
    )
    assert response.status_code == 400
    assert not Attendance.objects.exists()


@pytest.mark.parametrize("value", [HUGE, "²"])
def test_attaching_a_document_that_is_not_one_is_not_found(
    client, login, facilitator, group, meeting, value
):
    services.agenda_replace(actor=facilitator, meeting=meeting, items=[{"title": "Powitanie"}])
    item = meeting.agenda.get()
    login(facilitator)
    response = client.post(url("agenda-item-attach", group, item_id=item.pk), {"document": value})
    assert response.status_code == 404


def test_an_action_item_due_in_year_9999_is_refused(client, login, facilitator, group, meeting):
    login(facilitator)
    client.post(
        url("action-item-add", group, meeting_id=meeting.pk),
        {"description": "Zadanie", "due_date": "9999-12-31"},
    )
    assert not ActionItem.objects.exists()


# --- Line breaks and bidi controls in what a meeting shows -----------------------------------


def test_a_meeting_keeps_no_bidi_control_nor_line_break_in_its_single_line_fields(
    client, login, facilitator, group
):
    login(facilitator)
    client.post(
        url("meeting-create", group),
        form_data(
            title=f"Spotkanie\r\nBEGIN:VEVENT {RLO}2027",
            place=f"Sala{RLO} 12\n",
            description=f"Opis{RLO}\r\nspotkania",
            **agenda_fields((f"Powitanie{RLO}", f"Marek{RLO}", "10")),
        ),
    )
    meeting = Meeting.objects.get()
    assert meeting.title == "Spotkanie BEGIN:VEVENT 2027"
    assert meeting.place == "Sala 12"
    assert meeting.description == "Opis\nspotkania"
    agenda = meeting.agenda.get()
    assert (agenda.title, agenda.presenter) == ("Powitanie", "Marek")


def test_minutes_and_action_items_keep_no_bidi_control(client, login, facilitator, group, meeting):
    login(facilitator)
    client.post(
        url("minutes-edit", group, meeting_id=meeting.pk),
        {"text": f"Ustalenia{RLO}", "decisions": f"Uchwała\x00{RLO}"},
    )
    client.post(
        url("action-item-add", group, meeting_id=meeting.pk), {"description": f"Zadanie{RLO}"}
    )
    minutes = meeting.minutes
    assert not set(minutes.text + minutes.decisions) & BIDI_CONTROLS
    assert ActionItem.objects.get().description == "Zadanie"


def test_a_calendar_file_parses_whatever_a_title_holds(client, login, member, group, facilitator):
    starts = timezone.now() + dt.timedelta(days=3)
    # Written before titles were cleaned, or by a path that does not clean them.
    meeting = Meeting.objects.create(
        group=group,
        title="Spotkanie\r\nBEGIN:VEVENT\rX",
        place="Sala\n12",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=1),
        time_zone="Europe/Warsaw",
        created_by=facilitator,
    )
    login(member)
    response = client.get(url("meeting-ics", group, meeting_id=meeting.pk))
    assert response.status_code == 200
    calendar = icalendar.Calendar.from_ical(response.content)
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 1
    assert str(events[0]["summary"]).startswith("Spotkanie BEGIN:VEVENT X")
    assert "\r" not in response.content.decode().replace("\r\n", "")
