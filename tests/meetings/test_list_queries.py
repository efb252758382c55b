"""The meeting list runs the same number of queries for two meetings as for twelve.

The facilitator opens it (they see drafts too), once with a little data and once with
more: upcoming and past meetings in two time zones, drafts and cancellations, each with
people registered, waiting or marked present, so a query per row would show.
"""

import datetime as dt
import zoneinfo

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from meetings import services
from meetings.models import Meeting, Registration

FEW, MANY = 2, 12
ZONES = ["Europe/Warsaw", "Europe/Kyiv"]


def in_days(days: int, zone: str) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(10), tzinfo=zoneinfo.ZoneInfo(zone))


def count_queries(client, path: str):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries), response


def test_the_meeting_list_runs_a_fixed_number_of_queries(
    client, login, facilitator, member_factory, group
):
    made = 0

    def add_meetings(n: int) -> None:
        nonlocal made
        for _ in range(n):
            i, made = made, made + 1
            zone = ZONES[i % 2]
            people = [
                member_factory(group, email=f"m{i}-{k}@gwd.test", full_name=f"Osoba {i}-{k}")
                for k in range(3)
            ]
            upcoming = services.meeting_schedule(
                actor=facilitator,
                group=group,
                title=f"Spotkanie {i}",
                starts_at=in_days(i + 1, zone),
                ends_at=in_days(i + 1, zone) + dt.timedelta(hours=2),
                time_zone=zone,
                place="Urząd Miasta Kielce, sala 12" if i % 2 else "",
                online_url="https://meet.example.org/gwd" if i % 3 else "",
                capacity=2,  # the third person going waits
                draft=i % 4 == 3,
            )
            if upcoming.status == Meeting.Status.SCHEDULED:
                for person in people:
                    services.registration_set(
                        actor=person, meeting=upcoming, status=Registration.Status.GOING
                    )
            if i % 4 == 2:
                services.meeting_cancel(actor=facilitator, meeting=upcoming)
            # A meeting that has taken place: registered for while it was ahead, then
            # moved into the past, where the facilitator marks who came.
            past = services.meeting_schedule(
                actor=facilitator,
                group=group,
                title=f"Spotkanie minione {i}",
                starts_at=in_days(i + 1, zone),
                ends_at=in_days(i + 1, zone) + dt.timedelta(hours=2),
                time_zone=zone,
            )
            for person in people:
                services.registration_set(
                    actor=person, meeting=past, status=Registration.Status.GOING
                )
            Meeting.objects.filter(pk=past.pk).update(
                starts_at=in_days(-i - 1, zone),
                ends_at=in_days(-i - 1, zone) + dt.timedelta(hours=2),
            )
            services.attendance_mark(
                actor=facilitator, meeting=past, present_user_ids={p.pk for p in people[:2]}
            )

    login(facilitator)
    path = reverse("meetings:meeting-list", kwargs={"slug": group.slug})
    add_meetings(FEW)
    few, page = count_queries(client, path)
    assert (len(page.context["upcoming"]), len(page.context["past"])) == (FEW, FEW)
    add_meetings(MANY - FEW)
    many, page = count_queries(client, path)
    assert (len(page.context["upcoming"]), len(page.context["past"])) == (MANY, MANY)
    assert few == many
    assert many <= 10
