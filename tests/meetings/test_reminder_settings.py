"""Reminders as the facilitator sets them in the meeting form (per meeting, or for the
rest of a series) and as each member turns them off, for one meeting or for all the
meetings of a group; the reminder task follows both."""

import datetime as dt
import zoneinfo

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from groups.models import Membership
from meetings import services, tasks
from meetings.models import Meeting, Registration
from tests.meetings.formdata import agenda_fields


def url(name, group, **kwargs):
    return reverse(f"meetings:{name}", kwargs={"slug": group.slug, **kwargs})


def form_data(**overrides):
    data = {
        "title": "Opłata śmieciowa",
        "time_zone": "Europe/Warsaw",
        "start_date": (timezone.localdate() + dt.timedelta(days=7)).isoformat(),
        "start_time": "10:00",
        "end_time": "12:00",
        **agenda_fields(),
    }
    data.update(overrides)
    return data


def planned(meeting) -> list[tuple[int, dt.datetime]]:
    """(minutes before, run after) of the reminder tasks enqueued for the meeting."""
    rows = DBTaskResult.objects.filter(task_path=tasks.meeting_reminder.module_path)
    return sorted(
        (row.args_kwargs["kwargs"]["minutes_before"], row.run_after)
        for row in rows
        if row.args_kwargs["kwargs"]["meeting_id"] == meeting.pk
    )


@pytest.fixture
def meeting(facilitator, group, django_capture_on_commit_callbacks) -> Meeting:
    # 10:00 in Warsaw three days ahead: at a time of day of its own the meeting could end
    # after midnight, which the one-day edit form cannot say.
    day = timezone.localdate() + dt.timedelta(days=3)
    starts = dt.datetime.combine(day, dt.time(10), tzinfo=zoneinfo.ZoneInfo("Europe/Warsaw"))
    with django_capture_on_commit_callbacks(execute=True):
        return services.meeting_schedule(
            actor=facilitator,
            group=group,
            title="Budżet obywatelski",
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=2),
            time_zone="Europe/Warsaw",
        )


def remind(meeting, minutes_before) -> int:
    mail.outbox.clear()
    meeting.refresh_from_db()
    return tasks.meeting_reminder.call(
        meeting_id=meeting.pk,
        starts_at=meeting.starts_at.isoformat(),
        minutes_before=minutes_before,
    )


def test_a_new_meeting_takes_the_groups_lead_time(group, meeting):
    assert group.meeting_reminder_hours == 24
    assert meeting.reminders == [1440]
    assert planned(meeting) == [(1440, meeting.starts_at - dt.timedelta(days=1))]


def test_the_lead_times_saved_from_the_form_are_the_ones_the_task_uses(
    client, login, facilitator, member, group, django_capture_on_commit_callbacks
):
    login(facilitator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("meeting-create", group), form_data(reminders=["60", "15"]))
    meeting = Meeting.objects.get()
    assert response.url == meeting.get_absolute_url()
    assert meeting.reminders == [60, 15]
    assert planned(meeting) == [
        (15, meeting.starts_at - dt.timedelta(minutes=15)),
        (60, meeting.starts_at - dt.timedelta(hours=1)),
    ]
    services.registration_set(actor=member, meeting=meeting, status="going")
    assert remind(meeting, 60) == 1 and mail.outbox[0].to == [member.email]
    assert remind(meeting, 15) == 1
    assert remind(meeting, 60) == 0  # never twice
    # A lead time no longer set sends nothing, even when its task was queued.
    assert remind(meeting, 1440) == 0


def test_no_reminder_when_the_form_sets_none(
    client, login, facilitator, group, django_capture_on_commit_callbacks
):
    login(facilitator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("meeting-create", group), form_data())
    meeting = Meeting.objects.get()
    assert meeting.reminders == []
    assert planned(meeting) == []


def test_the_edit_form_shows_the_lead_times_and_changing_them_replans(
    client, login, facilitator, member, group, meeting, django_capture_on_commit_callbacks
):
    login(facilitator)
    page = client.get(url("meeting-edit", group, meeting_id=meeting.pk)).content.decode()
    assert 'name="reminders" value="1440" id="id_reminders_2" checked' in page
    start = timezone.localtime(meeting.starts_at)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("meeting-edit", group, meeting_id=meeting.pk),
            form_data(
                title=meeting.title,
                start_date=start.date().isoformat(),
                start_time=start.strftime("%H:%M"),
                end_time=timezone.localtime(meeting.ends_at).strftime("%H:%M"),
                reminders=["15"],
            ),
        )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.reminders == [15]
    services.registration_set(actor=member, meeting=meeting, status="going")
    assert remind(meeting, 1440) == 0
    assert remind(meeting, 15) == 1


def test_a_group_lead_time_beyond_two_weeks_still_lets_meetings_be_planned(
    client, login, facilitator, group
):
    """The group's setting is unbounded in the admin; a meeting's reminders reach two
    weeks ahead at most, so a new meeting takes the longest it may have."""
    group.meeting_reminder_hours = 24 * 30
    group.save(update_fields=["meeting_reminder_hours"])
    login(facilitator)
    page = client.get(url("meeting-create", group)).content.decode()
    assert f'value="{services.MAX_REMINDER_MINUTES}"' in page
    starts = timezone.now() + dt.timedelta(days=20)
    meeting = services.meeting_schedule(
        actor=facilitator,
        group=group,
        title="Strategia rozwoju",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=1),
        time_zone="Europe/Warsaw",
    )
    assert meeting.reminders == [services.MAX_REMINDER_MINUTES]


def test_a_lead_time_of_the_group_outside_the_choices_stays_on(
    client, login, facilitator, group, meeting
):
    Meeting.objects.filter(pk=meeting.pk).update(reminders=[2880])
    login(facilitator)
    page = client.get(url("meeting-edit", group, meeting_id=meeting.pk)).content.decode()
    assert 'value="2880"' in page and 'value="2880" id="id_reminders_3" checked' in page


def test_a_series_edit_sets_the_lead_times_of_the_later_meetings(
    facilitator, group, django_capture_on_commit_callbacks
):
    starts = timezone.now() + dt.timedelta(days=3)
    first = services.meeting_schedule(
        actor=facilitator,
        group=group,
        title="Dyżur",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=1),
        time_zone="Europe/Warsaw",
        repeat="weekly",
        repeat_count=3,
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_update(
            actor=facilitator, meeting=first, apply_to_series=True, reminders=[60]
        )
    assert (
        list(Meeting.objects.filter(series=first.series).values_list("reminders", flat=True))
        == [[60]] * 3
    )


def test_a_member_opts_out_of_one_meeting_and_gets_no_reminder(
    client, login, member, observer, group, meeting
):
    services.registration_set(actor=member, meeting=meeting, status="going")
    login(member)
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert 'data-reminders="on"' in page
    response = client.post(
        url("meeting-reminders", group, meeting_id=meeting.pk), {"scope": "meeting", "on": "0"}
    )
    assert response.status_code == 302
    assert not Registration.objects.get(user=member).reminders
    assert 'data-reminders="off"' in client.get(meeting.get_absolute_url()).content.decode()
    assert remind(meeting, 1440) == 0
    # Answering again keeps the choice.
    services.registration_set(actor=member, meeting=meeting, status="maybe")
    assert remind(meeting, 1440) == 0
    client.post(
        url("meeting-reminders", group, meeting_id=meeting.pk), {"scope": "meeting", "on": "1"}
    )
    assert remind(meeting, 1440) == 1


def test_a_member_opts_out_of_all_meetings_of_the_group(client, login, member, group, meeting):
    services.registration_set(actor=member, meeting=meeting, status="going")
    login(member)
    client.post(
        url("meeting-reminders", group, meeting_id=meeting.pk), {"scope": "group", "on": "0"}
    )
    assert not Membership.objects.get(user=member, group=group).meeting_reminders
    assert 'data-reminders="group-off"' in client.get(meeting.get_absolute_url()).content.decode()
    assert remind(meeting, 1440) == 0
    client.post(
        url("meeting-reminders", group, meeting_id=meeting.pk), {"scope": "group", "on": "1"}
    )
    assert remind(meeting, 1440) == 1


def test_reminder_settings_are_refused_to_outsiders_observers_and_bad_input(
    client, login, member, observer, outsider, group, meeting
):
    target = url("meeting-reminders", group, meeting_id=meeting.pk)
    login(outsider)
    assert client.post(target, {"scope": "group", "on": "0"}).status_code == 404
    login(observer)
    assert client.post(target, {"scope": "group", "on": "0"}).status_code == 403
    assert Membership.objects.get(user=observer, group=group).meeting_reminders
    login(member)
    assert client.get(target).status_code == 405
    for data in ({"scope": "all", "on": "0"}, {"scope": "group", "on": "x"}, {}):
        response = client.post(target, data, follow=True)
        assert response.status_code == 200
        assert list(response.context["messages"])
    assert Membership.objects.get(user=member, group=group).meeting_reminders
    # Not registered: nothing to turn off for this meeting, said clearly.
    response = client.post(target, {"scope": "meeting", "on": "0"}, follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert not Registration.objects.filter(user=member).exists()
