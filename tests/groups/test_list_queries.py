"""The group's list pages run the same number of queries for two rows as for twelve.

Each page is opened by the facilitator, who sees the most on it, once with a little data
and once with more: many authors, reactions, reports, institutions and mutes, so that a
query per row would show as a difference between the two counts.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from groups import services
from groups.models import REACTIONS, Institution, Membership, Notification, Report, Role

FEW, MANY = 2, 12


def count_queries(client, path: str):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries), response


def group_url(name: str, group) -> str:
    return reverse(f"groups:{name}", kwargs={"slug": group.slug})


@pytest.fixture
def people(member_factory, group):
    """people(n) → n new members of the group, each with a name and address of their own."""
    made = 0

    def make(n: int) -> list:
        nonlocal made
        start, made = made, made + n
        return [
            member_factory(group, email=f"person{i}@gwd.test", full_name=f"Osoba {i:02}")
            for i in range(start, made)
        ]

    return make


@pytest.fixture(autouse=True)
def _no_pace(settings):
    # The data below is posted faster than any person could.
    settings.MESSAGE_RATE = "1000/second"


def test_the_thread_list_runs_a_fixed_number_of_queries(client, login, facilitator, group, people):
    made = 0

    def add_threads(n: int) -> None:
        nonlocal made
        for author, replier in zip(people(n), reversed(people(n)), strict=True):
            thread, _first = services.thread_create(
                actor=author, group=group, title=f"Wątek {made}", body="Pytanie", client_id="t"
            )
            reply, _ = services.message_send(
                actor=replier, thread=thread, body="Odpowiedź", client_id=f"r{made}"
            )
            services.reaction_toggle(
                actor=facilitator, message=reply, emoji=REACTIONS[made % len(REACTIONS)]
            )
            if made % 3 == 0:  # some read, some pinned, some locked
                services.thread_read(actor=facilitator, thread=thread)
            if made % 4 == 1:
                services.thread_moderate(actor=facilitator, thread=thread, action="pin")
            if made % 4 == 2:
                services.thread_moderate(actor=facilitator, thread=thread, action="lock")
            made += 1

    login(facilitator)
    path = group_url("thread-list", group)
    add_threads(FEW)
    few, page = count_queries(client, path)
    assert len(page.context["page"]) == FEW
    add_threads(MANY - FEW)
    many, page = count_queries(client, path)
    assert len(page.context["page"]) == MANY
    assert few == many
    assert many <= 10


def test_the_member_list_runs_a_fixed_number_of_queries(client, login, facilitator, group, people):
    def add_members(n: int) -> None:
        for i, user in enumerate(people(n)):
            institution = Institution.objects.create(name=f"Urząd {user.full_name}", kind="city")
            membership = Membership.objects.get(user=user, group=group)
            membership.institution = institution
            membership.save(update_fields=["institution"])
            if i % 2:
                services.member_mute(actor=facilitator, membership=membership, minutes=60)

    login(facilitator)
    path = group_url("member-list", group)
    add_members(FEW)
    few, page = count_queries(client, path)
    assert len(page.context["page"]) == 1 + FEW  # and the facilitator
    add_members(MANY - FEW)
    many, page = count_queries(client, path)
    assert len(page.context["page"]) == 1 + MANY
    assert few == many
    assert many <= 9


def test_the_moderation_queue_runs_a_fixed_number_of_queries(
    client, login, facilitator, group, people
):
    services.blocked_phrase_add(actor=facilitator, group=group, phrase="tanie zegarki")
    made = 0

    def add_reports_and_held_messages(n: int) -> None:
        nonlocal made
        authors = people(n)
        reporters = people(n)
        for author, reporter, second in zip(
            authors, reporters, reporters[1:] + reporters[:1], strict=True
        ):
            thread, reported = services.thread_create(
                actor=author, group=group, title=f"Wątek {made}", body="Treść", client_id="t"
            )
            services.report_create(actor=reporter, message=reported, reason=Report.Reason.SPAM)
            services.report_create(
                actor=second, message=reported, reason=Report.Reason.OTHER, text="Reklama"
            )
            services.message_send(
                actor=author, thread=thread, body="Kupcie tanie zegarki!", client_id=f"h{made}"
            )
            made += 1

    login(facilitator)
    path = group_url("moderation-queue", group)
    add_reports_and_held_messages(FEW)
    few, page = count_queries(client, path)
    assert (len(page.context["reported"]), len(page.context["held"])) == (FEW, FEW)
    add_reports_and_held_messages(MANY - FEW)
    many, page = count_queries(client, path)
    assert (len(page.context["reported"]), len(page.context["held"])) == (MANY, MANY)
    assert few == many
    assert many <= 9


def test_the_notification_list_runs_a_fixed_number_of_queries(
    client, login, facilitator, group, other_group, people
):
    kinds = list(Notification.Kind)
    made = 0

    def add_notifications(n: int) -> None:
        nonlocal made
        for actor in people(n):
            kind = kinds[made % len(kinds)]
            Notification.objects.create(
                user=facilitator,
                # In this group, another group or none (an account notice).
                group=[group, other_group, None][made % 3],
                kind=kind,
                params={
                    "actor": actor.full_name,
                    "thread": f"Wątek {made}",
                    "title": f"Spotkanie {made}",
                    "group": group.name_pl,
                    "starts_at": "2027-03-01T09:00:00+00:00",
                    "role": Role.MEMBER,
                },
                url="/",
                read_at=None if made % 2 else facilitator.date_joined,
            )
            made += 1

    login(facilitator)
    path = reverse("groups:notifications")
    add_notifications(FEW)
    few, page = count_queries(client, path)
    assert len(page.context["rows"]) == FEW
    add_notifications(MANY - FEW)
    many, page = count_queries(client, path)
    assert len(page.context["rows"]) == MANY
    assert few == many
    assert many <= 6
