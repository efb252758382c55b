"""Editing a meeting or a series keeps what the facilitator did not change: the form
shows every stored value, a save without changes changes nothing, and "this and all
later meetings" carries only what changed, at the same wall-clock time across a change
of the clocks. The agenda is edited as rows, and an item keeps its document."""

import datetime as dt
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings import services
from meetings.forms import MeetingEditForm, agenda_formset
from meetings.models import AgendaItem, Meeting
from resources.models import Document

WARSAW = zoneinfo.ZoneInfo("Europe/Warsaw")
# Thursdays from 21 October 2027, across the end of summer time (31 October).
FIRST = dt.datetime(2027, 10, 21, 10, tzinfo=WARSAW)


def url(name, group, **kwargs):
    return reverse(f"meetings:{name}", kwargs={"slug": group.slug, **kwargs})


@pytest.fixture
def series(facilitator, group) -> list[Meeting]:
    first = services.meeting_schedule(
        actor=facilitator,
        group=group,
        title="Dyżur energetyczny",
        description="Co tydzień",
        starts_at=FIRST.astimezone(dt.UTC),
        ends_at=FIRST.astimezone(dt.UTC) + dt.timedelta(hours=1),
        time_zone="Europe/Warsaw",
        place="Sala 1",
        capacity=20,
        registration_deadline=FIRST.astimezone(dt.UTC) - dt.timedelta(days=1),
        repeat="weekly",
        repeat_count=4,
        reminders=[60, 1440],
        agenda=[{"title": "Powitanie", "presenter": "Marek", "duration_minutes": 10}],
    )
    return list(Meeting.objects.filter(series=first.series).order_by("starts_at"))


def rows(series) -> list[tuple]:
    return [
        (
            m.title,
            m.description,
            m.place,
            m.capacity,
            m.reminders,
            m.starts_at.astimezone(WARSAW).strftime("%d %H:%M"),
            m.ends_at - m.starts_at,
            m.starts_at - m.registration_deadline,
        )
        for m in Meeting.objects.filter(pk__in=[m.pk for m in series]).order_by("starts_at")
    ]


def posted(form: MeetingEditForm, agenda) -> dict:
    """What a browser sends back for a form it was given: every field as rendered."""
    data = {}
    for bound in [*form, *agenda.management_form, *(f for row in agenda for f in row)]:
        value = bound.value()
        if bound.widget_type == "checkboxselectmultiple":
            data[bound.html_name] = [str(v) for v in value or []]
        elif bound.widget_type == "checkbox":
            if value:
                data[bound.html_name] = "on"
        else:
            data[bound.html_name] = bound.field.widget.format_value(value) or ""
    return data


def edit_page(client, group, meeting) -> dict:
    response = client.get(url("meeting-edit", group, meeting_id=meeting.pk))
    assert response.status_code == 200
    return posted(response.context["form"], response.context["agenda"])


def test_a_series_saved_without_changes_keeps_every_value(
    client, login, facilitator, group, series
):
    # One meeting has its own place: a save of the series must not overwrite it.
    services.meeting_update(actor=facilitator, meeting=series[3], place="Sala 7")
    before = rows(series)
    login(facilitator)
    data = edit_page(client, group, series[1]) | {"apply_to": "future"}
    assert data["reminders"] == ["1440", "60"]
    assert data["agenda-0-title"] == "Powitanie"
    response = client.post(url("meeting-edit", group, meeting_id=series[1].pk), data)
    assert response.status_code == 302
    assert rows(series) == before
    assert list(series[1].agenda.values_list("title", "presenter", "duration_minutes")) == [
        ("Powitanie", "Marek", 10)
    ]


def test_a_series_edit_of_one_field_carries_that_field_only(
    client, login, facilitator, group, series
):
    services.meeting_update(actor=facilitator, meeting=series[3], place="Sala 7")
    before = rows(series)
    login(facilitator)
    data = edit_page(client, group, series[1]) | {"apply_to": "future", "title": "Dyżur"}
    client.post(url("meeting-edit", group, meeting_id=series[1].pk), data)
    after = rows(series)
    assert [row[0] for row in after] == ["Dyżur energetyczny", "Dyżur", "Dyżur", "Dyżur"]
    assert [row[1:] for row in after] == [row[1:] for row in before]


def test_a_series_moved_by_an_hour_stays_on_the_hour_across_the_dst_change(facilitator, series):
    # The second meeting (28 October, summer time) moves from 10:00 to 11:00; the later
    # ones (4 and 11 November, winter time) go to 11:00 too, not to 12:00 or 10:00.
    second = series[1]
    services.meeting_update(
        actor=facilitator,
        meeting=second,
        apply_to_series=True,
        starts_at=second.starts_at + dt.timedelta(hours=1),
        ends_at=second.ends_at + dt.timedelta(hours=1),
    )
    assert [row[5] for row in rows(series)] == ["21 10:00", "28 11:00", "04 11:00", "11 11:00"]
    assert {row[6] for row in rows(series)} == {dt.timedelta(hours=1)}
    # The later deadlines move with their meetings.
    assert [row[7] for row in rows(series)[2:]] == [dt.timedelta(days=1)] * 2


def test_a_series_moved_to_another_day_across_the_dst_change(facilitator, series):
    second = series[1]
    # From Thursday 28 October (summer time) to Monday 1 November (winter time), 10:00:
    # in UTC that is four days and an hour, but the later meetings move four days.
    starts = dt.datetime(2027, 11, 1, 10, tzinfo=WARSAW).astimezone(dt.UTC)
    services.meeting_update(
        actor=facilitator,
        meeting=second,
        apply_to_series=True,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=1),
    )
    assert [row[5] for row in rows(series)] == ["21 10:00", "01 10:00", "08 10:00", "15 10:00"]


def test_the_agenda_is_edited_as_rows_and_items_keep_their_documents(
    client, login, facilitator, group, series
):
    meeting = series[0]
    document = Document.objects.create(group=group, title="Umowa ESCO")
    item = meeting.agenda.get()
    services.agenda_item_attach(actor=facilitator, item=item, document=document)
    login(facilitator)
    data = edit_page(client, group, meeting)
    assert data["agenda-TOTAL_FORMS"] == "4"  # the item and three empty rows
    data |= {
        "agenda-1-title": "Stawki 2027",
        "agenda-1-duration_minutes": "50",
        "agenda-2-title": "Wolne wnioski",
    }
    assert client.post(url("meeting-edit", group, meeting_id=meeting.pk), data).status_code == 302
    agenda = list(meeting.agenda.all())
    assert [(a.title, a.presenter, a.duration_minutes) for a in agenda] == [
        ("Powitanie", "Marek", 10),
        ("Stawki 2027", "", 50),
        ("Wolne wnioski", "", None),
    ]
    assert agenda[0].pk == item.pk and agenda[0].document_id == document.pk

    # A row is removed by its box, without JavaScript.
    data = edit_page(client, group, meeting) | {"agenda-1-DELETE": "on"}
    client.post(url("meeting-edit", group, meeting_id=meeting.pk), data)
    assert list(meeting.agenda.values_list("title", flat=True)) == ["Powitanie", "Wolne wnioski"]


def test_an_agenda_row_of_another_meeting_is_not_taken_over(
    client, login, facilitator, group, series
):
    other = series[1].agenda.get()
    login(facilitator)
    data = edit_page(client, group, series[0]) | {"agenda-0-item": str(other.pk)}
    client.post(url("meeting-edit", group, meeting_id=series[0].pk), data)
    other.refresh_from_db()
    assert other.meeting_id == series[1].pk
    assert AgendaItem.objects.filter(meeting=series[0]).count() == 1


def test_an_agenda_without_its_management_form_is_a_clear_400(
    client, login, facilitator, group, series
):
    login(facilitator)
    data = {k: v for k, v in edit_page(client, group, series[0]).items() if "FORMS" not in k}
    data["title"] = "Inna nazwa"
    response = client.post(url("meeting-edit", group, meeting_id=series[0].pk), data)
    assert response.status_code == 400
    assert response.context["agenda"].non_form_errors()
    assert Meeting.objects.get(pk=series[0].pk).title == "Dyżur energetyczny"


def test_the_agenda_offers_empty_rows_for_a_new_meeting(client, login, facilitator, group):
    login(facilitator)
    response = client.get(url("meeting-create", group))
    assert response.context["agenda"].total_form_count() == 3
    assert 'name="agenda-2-title"' in response.content.decode()
    assert "agenda-__prefix__-title" in response.content.decode()  # the row JS copies


def test_the_minutes_form_shows_what_was_saved(client, login, facilitator, group, series):
    services.minutes_save(
        actor=facilitator,
        meeting=series[0],
        text="Ustalono **stawki**.",
        decisions="Przyjęto",
        publish=False,
    )
    login(facilitator)
    form = client.get(url("minutes-edit", group, meeting_id=series[0].pk)).context["form"]
    assert (form["text"].value(), form["decisions"].value()) == ("Ustalono **stawki**.", "Przyjęto")


def test_agenda_formset_rows_come_from_the_items(series):
    agenda = agenda_formset(items=series[0].agenda.all())
    assert agenda.total_form_count() == 4
    assert agenda.forms[0]["title"].value() == "Powitanie"
    assert timezone.is_aware(series[0].starts_at)
