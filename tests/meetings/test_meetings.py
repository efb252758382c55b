"""Meetings: scheduling, time zones, registration with a waiting list, calendars,
reminders, minutes and action items."""

import datetime as dt
import threading
import zoneinfo

import icalendar
import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from groups.models import Membership, Notification
from groups.notices import notification_text
from gwd.errors import ServiceError
from meetings import services, tasks
from meetings.models import ActionItem, Meeting, Registration, ReminderSent
from tests.meetings.formdata import agenda_fields

WARSAW = zoneinfo.ZoneInfo("Europe/Warsaw")
KYIV = zoneinfo.ZoneInfo("Europe/Kyiv")


def in_days(days: int, hour: int = 10, zone=WARSAW) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=zone).astimezone(dt.UTC)


@pytest.fixture
def schedule(facilitator, group, django_capture_on_commit_callbacks):
    def make(**fields) -> Meeting:
        fields.setdefault("title", "Podatek od nieruchomości 2027")
        fields.setdefault("starts_at", in_days(10))
        fields.setdefault("ends_at", fields["starts_at"] + dt.timedelta(hours=2))
        fields.setdefault("time_zone", "Europe/Warsaw")
        with django_capture_on_commit_callbacks(execute=True):
            return services.meeting_schedule(actor=facilitator, group=group, **fields)

    return make


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
        "online_url": "https://meet.example.org/gwd",
        **agenda_fields(("Powitanie", "Marek Kowalski", "10"), ("Stawki 2027", "", "50")),
    }
    data.update(overrides)
    return data


# --- Scheduling -------------------------------------------------------------------------


def test_a_facilitator_schedules_a_meeting_and_members_are_told(
    client, login, facilitator, member, group, django_capture_on_commit_callbacks
):
    login(facilitator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("meeting-create", group), form_data())
    meeting = Meeting.objects.get()
    assert response.url == meeting.get_absolute_url()
    start = meeting.starts_at.astimezone(WARSAW)
    assert (start.hour, start.minute) == (10, 0)
    assert [a.title for a in meeting.agenda.all()] == ["Powitanie", "Stawki 2027"]
    # Everyone but the organiser, who knows already.
    assert [m.to[0] for m in mail.outbox] == [member.email]
    assert "List-Unsubscribe" in mail.outbox[0].extra_headers


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"end_time": "09:00"}, "end_time"),
        ({"capacity": "-1"}, "capacity"),
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"start_date": "2026-02-30"}, "start_date"),
        ({"online_url": "javascript:alert(1)"}, "online_url"),
        ({"agenda-1-duration_minutes": "sto"}, "agenda-1-duration_minutes"),
        ({"agenda-1-title": ""}, "agenda-1-title"),
        ({"reminders": "7"}, "reminders"),
    ],
)
def test_bad_meeting_input_gets_a_clear_form_error(
    client, login, facilitator, group, overrides, field
):
    login(facilitator)
    response = client.post(url("meeting-create", group), form_data(**overrides))
    assert response.status_code == 400
    agenda = response.context["agenda"]
    if field.startswith("agenda-"):
        _prefix, row, name = field.split("-")
        assert not agenda.is_valid() and name in agenda.forms[int(row)].errors
        assert f'id="id_{field}_error"' in response.content.decode() or name != "title"
    else:
        assert field in response.context["form"].errors
    assert not Meeting.objects.exists()


def test_a_time_that_does_not_exist_is_refused():
    # On 28 March 2027 clocks in Poland jump from 02:00 to 03:00.
    with pytest.raises(ServiceError, match="02:30"):
        services.local_to_utc(dt.date(2027, 3, 28), dt.time(2, 30), "Europe/Warsaw")
    # 02:30 on the last Sunday of October happens twice; the first one is taken.
    twice = services.local_to_utc(dt.date(2027, 10, 31), dt.time(2, 30), "Europe/Warsaw")
    assert twice == dt.datetime(2027, 10, 31, 0, 30, tzinfo=dt.UTC)


def test_members_and_observers_cannot_schedule(client, login, member, observer, group):
    for user in (member, observer):
        login(user)
        assert client.post(url("meeting-create", group), form_data()).status_code == 403
    assert not Meeting.objects.exists()


def test_a_weekly_series_keeps_the_local_hour_across_the_dst_change(schedule):
    # 10:00 in Warsaw each Thursday from 21 October 2027, across the end of summer time.
    start = dt.datetime(2027, 10, 21, 10, tzinfo=WARSAW).astimezone(dt.UTC)
    first = schedule(
        starts_at=start, ends_at=start + dt.timedelta(hours=1), repeat="weekly", repeat_count=3
    )
    meetings = list(Meeting.objects.filter(series=first.series).order_by("starts_at"))
    assert [m.starts_at.astimezone(WARSAW).hour for m in meetings] == [10, 10, 10]
    assert [m.starts_at.hour for m in meetings] == [8, 8, 9]  # in UTC: summer, summer, winter


def test_editing_all_future_meetings_of_a_series(schedule, facilitator):
    first = schedule(repeat="monthly", repeat_count=3)
    second = Meeting.objects.filter(series=first.series).order_by("starts_at")[1]
    services.meeting_update(
        actor=facilitator,
        meeting=second,
        apply_to_series=True,
        title="Nowa nazwa",
        starts_at=second.starts_at + dt.timedelta(hours=1),
        ends_at=second.ends_at + dt.timedelta(hours=1),
    )
    titles = list(
        Meeting.objects.filter(series=first.series)
        .order_by("starts_at")
        .values_list("title", "sequence")
    )
    assert titles == [("Podatek od nieruchomości 2027", 0), ("Nowa nazwa", 1), ("Nowa nazwa", 1)]


def test_a_series_is_announced_once_not_once_per_meeting(
    schedule, facilitator, member, django_capture_on_commit_callbacks
):
    # A weekly meeting for half a year must not put 26 e-mails in every member's inbox.
    first = schedule(repeat="weekly", repeat_count=4)
    assert Meeting.objects.filter(series=first.series).count() == 4
    assert [m.to for m in mail.outbox] == [[member.email]]
    notice = Notification.objects.get(user=member)
    assert (notice.kind, notice.url) == ("meeting_scheduled", first.get_absolute_url())
    assert "4" in notification_text(notice)
    # …while every meeting of the series still has its own reminder waiting.
    planned = DBTaskResult.objects.filter(task_path=tasks.meeting_reminder.module_path)
    assert planned.count() == 4

    second = Meeting.objects.filter(series=first.series).order_by("starts_at")[1]
    for change in (
        lambda: services.meeting_update(
            actor=facilitator, meeting=second, apply_to_series=True, title="Nowa nazwa"
        ),
        lambda: services.meeting_cancel(actor=facilitator, meeting=second, apply_to_series=True),
    ):
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            change()
        assert [m.to for m in mail.outbox] == [[member.email]]
    assert list(
        Notification.objects.filter(user=member).order_by("pk").values_list("kind", "url")
    ) == [
        ("meeting_scheduled", first.get_absolute_url()),
        ("meeting_changed", second.get_absolute_url()),
        ("meeting_cancelled", second.get_absolute_url()),
    ]


# --- Time zones -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "day, warsaw, kyiv",
    [
        (dt.date(2027, 3, 28), "10:00", "11:00"),  # Sunday the clocks go forward
        (dt.date(2027, 10, 31), "10:00", "11:00"),  # Sunday the clocks go back
        (dt.date(2027, 3, 26), "10:00", "11:00"),
    ],
)
def test_meetings_on_dst_sundays_read_right_in_warsaw_and_kyiv(
    client, user_factory, member_factory, group, schedule, day, warsaw, kyiv
):
    starts = services.local_to_utc(day, dt.time(10), "Europe/Warsaw")
    meeting = schedule(starts_at=starts, ends_at=starts + dt.timedelta(hours=1))
    poznan = member_factory(group, email="poznan@gwd.test", time_zone="Europe/Warsaw")
    kyiv_user = member_factory(group, email="kyiv@gwd.test", time_zone="Europe/Kyiv", language="uk")
    client.force_login(poznan)
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert f"{warsaw}–11:00" in page and "Kyiv" not in page
    # One's own times carry the zone's name and offset, in the language of the page.
    assert "(Warszawa, GMT+0" in page and "other-zone" not in page
    client.force_login(kyiv_user)
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert f"{kyiv}–12:00" in page and "(Київ, GMT+0" in page
    assert f"(Варшава: {warsaw}–11:00)" in page


# --- Registration -----------------------------------------------------------------------


def test_capacity_with_a_waiting_list_promoted_when_someone_cancels(
    schedule, member_factory, group, django_capture_on_commit_callbacks
):
    meeting = schedule(capacity=2)
    people = [member_factory(group, email=f"p{i}@gwd.test") for i in range(4)]
    statuses = [
        services.registration_set(actor=p, meeting=meeting, status="going").status for p in people
    ]
    assert statuses == ["going", "going", "waitlisted", "waitlisted"]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_set(actor=people[0], meeting=meeting, status="not_going")
    assert Registration.objects.get(user=people[2]).status == "going"
    assert Registration.objects.get(user=people[3]).status == "waitlisted"
    assert [m.to for m in mail.outbox] == [[people[2].email]]


def test_an_observer_cannot_register(client, login, observer, group, schedule):
    meeting = schedule()
    login(observer)
    response = client.post(
        url("meeting-register", group, meeting_id=meeting.pk), {"status": "going"}
    )
    assert response.status_code == 403
    assert not Registration.objects.exists()


def test_registration_closes_at_the_deadline(schedule, member):
    meeting = schedule()
    meeting.registration_deadline = timezone.now() - dt.timedelta(minutes=1)
    meeting.save()
    with pytest.raises(ServiceError):
        services.registration_set(actor=member, meeting=meeting, status="going")
    assert services.registration_set(actor=member, meeting=meeting, status="not_going")


def test_a_bad_answer_writes_nothing(client, login, member, group, schedule):
    meeting = schedule()
    login(member)
    client.post(url("meeting-register", group, meeting_id=meeting.pk), {"status": "perhaps"})
    assert not Registration.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_never_exceed_capacity(facilitator, group, member_factory):
    starts = in_days(5)
    meeting = services.meeting_schedule(
        actor=facilitator,
        group=group,
        title="Mała sala",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=1),
        time_zone="Europe/Warsaw",
        capacity=3,
    )
    people = [member_factory(group, email=f"race{i}@gwd.test") for i in range(12)]
    barrier = threading.Barrier(len(people))
    errors = []

    def register(person):
        try:
            barrier.wait()
            services.registration_set(actor=person, meeting=meeting, status="going")
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=register, args=(p,)) for p in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    going = Registration.objects.filter(meeting=meeting, status="going").count()
    waiting = Registration.objects.filter(meeting=meeting, status="waitlisted").count()
    assert going + waiting + len(errors) == 12
    assert going <= 3  # never more than the capacity
    if connection.vendor == "postgresql":
        # Real concurrency: every registration goes through, in order.
        assert not errors
        assert (going, waiting) == (3, 9)


# --- Calendars --------------------------------------------------------------------------


def test_the_ics_of_a_meeting_is_valid_and_carries_the_online_link(
    client, login, member, group, schedule
):
    meeting = schedule(online_url="https://meet.example.org/esco", place="Kielce")
    login(member)
    response = client.get(url("meeting-ics", group, meeting_id=meeting.pk))
    assert response["Content-Type"].startswith("text/calendar")
    parsed = icalendar.Calendar.from_ical(response.content)
    [event] = parsed.walk("VEVENT")
    assert str(event["uid"]) == f"{meeting.uid}@gwd"
    assert event["sequence"] == 0
    assert "https://meet.example.org/esco" in str(event["description"])
    assert event.decoded("dtstart") == meeting.starts_at


def test_uid_is_stable_and_sequence_grows_and_cancellation_shows(
    client, login, member, facilitator, group, schedule
):
    meeting = schedule()
    services.meeting_update(actor=facilitator, meeting=meeting, title="Zmieniony tytuł")
    services.meeting_cancel(actor=facilitator, meeting=meeting)
    login(member)
    response = client.get(url("meeting-ics", group, meeting_id=meeting.pk))
    [event] = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    assert str(event["uid"]) == f"{meeting.uid}@gwd"
    assert event["sequence"] == 2
    assert str(event["status"]) == "CANCELLED"


def test_personal_and_group_feeds_and_rotation(client, login, member, group, other_group, schedule):
    meeting = schedule()
    login(member)
    page = client.get(reverse("meetings:calendar-feeds"))
    personal = page.context["personal"]
    feed = client.get(reverse("meetings:calendar-feed", kwargs={"token": personal.token}))
    [event] = icalendar.Calendar.from_ical(feed.content).walk("VEVENT")
    assert str(event["uid"]) == f"{meeting.uid}@gwd"

    old = personal.token
    client.post(reverse("meetings:calendar-feed-rotate"))
    client.logout()
    assert client.get(reverse("meetings:calendar-feed", kwargs={"token": old})).status_code == 404
    personal.refresh_from_db()
    assert (
        client.get(reverse("meetings:calendar-feed", kwargs={"token": personal.token})).status_code
        == 200
    )


def test_a_feed_stops_showing_a_group_one_has_left(client, member, facilitator, group, schedule):
    schedule()
    feed = services.calendar_feed_get(actor=member, group=group)
    services_membership = Membership.objects.get(user=member, group=group)
    from groups import services as group_services

    group_services.membership_remove(actor=facilitator, membership=services_membership)
    assert (
        client.get(reverse("meetings:calendar-feed", kwargs={"token": feed.token})).status_code
        == 404
    )


def test_drafts_are_not_in_feeds_or_visible_to_members(client, login, member, group, schedule):
    draft = schedule(draft=True)
    login(member)
    assert client.get(draft.get_absolute_url()).status_code == 404
    feed = services.calendar_feed_get(actor=member)
    body = client.get(reverse("meetings:calendar-feed", kwargs={"token": feed.token})).content
    assert icalendar.Calendar.from_ical(body).walk("VEVENT") == []


# --- Reminders --------------------------------------------------------------------------


def test_a_reminder_is_sent_once_and_only_to_those_who_registered(
    schedule, member, observer, facilitator, group
):
    meeting = schedule(starts_at=timezone.now() + dt.timedelta(hours=3))
    services.registration_set(actor=member, meeting=meeting, status="going")
    mail.outbox.clear()
    assert (
        tasks.meeting_reminder.call(meeting_id=meeting.pk, starts_at=meeting.starts_at.isoformat())
        == 1
    )
    assert (
        tasks.meeting_reminder.call(meeting_id=meeting.pk, starts_at=meeting.starts_at.isoformat())
        == 0
    )
    assert [m.to for m in mail.outbox] == [[member.email]]
    assert ReminderSent.objects.count() == 1


def test_no_reminder_for_a_cancelled_or_moved_meeting(schedule, member, facilitator):
    meeting = schedule(starts_at=timezone.now() + dt.timedelta(hours=3))
    services.registration_set(actor=member, meeting=meeting, status="going")
    old_start = meeting.starts_at.isoformat()
    services.meeting_update(
        actor=facilitator,
        meeting=meeting,
        starts_at=meeting.starts_at + dt.timedelta(hours=1),
        ends_at=meeting.ends_at + dt.timedelta(hours=1),
    )
    mail.outbox.clear()
    assert tasks.meeting_reminder.call(meeting_id=meeting.pk, starts_at=old_start) == 0
    services.meeting_cancel(actor=facilitator, meeting=meeting)
    meeting.refresh_from_db()
    assert (
        tasks.meeting_reminder.call(meeting_id=meeting.pk, starts_at=meeting.starts_at.isoformat())
        == 0
    )
    assert not mail.outbox


def test_a_member_can_opt_out_of_reminders(schedule, member, group):
    meeting = schedule(starts_at=timezone.now() + dt.timedelta(hours=3))
    services.registration_set(actor=member, meeting=meeting, status="going")
    Membership.objects.filter(user=member, group=group).update(meeting_reminders=False)
    assert (
        tasks.meeting_reminder.call(meeting_id=meeting.pk, starts_at=meeting.starts_at.isoformat())
        == 0
    )


@pytest.mark.django_db(transaction=True)
def test_the_worker_sends_a_due_reminder(facilitator, member, group):
    starts = timezone.now() + dt.timedelta(hours=2)
    meeting = services.meeting_schedule(
        actor=facilitator,
        group=group,
        title="Za dwie godziny",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=1),
        time_zone="Europe/Warsaw",
    )
    services.registration_set(actor=member, meeting=meeting, status="going")
    tasks.reminder_plan(meeting_id=meeting.pk)  # 24 h before is already past: due now
    mail.outbox.clear()
    call_command("db_worker", "--batch", "--queue-name", "*", "--backend", "reminders", verbosity=0)
    assert ReminderSent.objects.filter(meeting=meeting, user=member).count() == 1
    assert any(m.to == [member.email] for m in mail.outbox)


# --- Minutes, attendance, action items --------------------------------------------------


def test_minutes_attendance_and_action_items(
    client, login, facilitator, member, observer, group, schedule
):
    meeting = schedule(starts_at=timezone.now() - dt.timedelta(hours=3))
    login(facilitator)
    client.post(url("meeting-attendance", group, meeting_id=meeting.pk), {"present": [member.pk]})
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.HELD
    client.post(
        url("minutes-edit", group, meeting_id=meeting.pk),
        {"text": "**Ustalono** stawki.", "decisions": "- Stawka 1,20 zł", "publish": "0"},
    )
    client.post(
        url("action-item-add", group, meeting_id=meeting.pk),
        {"description": "Przygotować uchwałę", "owner": member.pk, "due_date": "2027-01-15"},
    )
    item = ActionItem.objects.get()
    assert item.owner == member and item.owner_institution == member.institution

    login(observer)
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "Ustalono" not in page  # a draft
    login(facilitator)
    client.post(
        url("minutes-edit", group, meeting_id=meeting.pk),
        {"text": "**Ustalono** stawki.", "decisions": "", "publish": "1"},
    )
    login(observer)
    assert "<strong>Ustalono</strong>" in client.get(meeting.get_absolute_url()).content.decode()

    later = schedule(title="Następne spotkanie")
    page = client.get(later.get_absolute_url())
    assert [i.description for i in page.context["earlier_open"]] == ["Przygotować uchwałę"]


def test_the_month_view_and_lists_run_a_fixed_number_of_queries(
    client, login, member, group, schedule
):
    login(member)
    pages = [
        url("meeting-list", group),
        url("meeting-calendar", group),
        reverse("groups:group-detail", kwargs={"slug": group.slug}),
    ]

    def counts():
        result = []
        for page in pages:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(page).status_code == 200
            result.append(len(queries))
        return result

    schedule(starts_at=in_days(1))
    few = counts()
    for day in range(2, 12):
        schedule(starts_at=in_days(day))
    assert counts() == few
    assert max(few) <= 12
