"""A draft meeting is the facilitators' until it is published: a poll cannot be started
on it by anyone else, and a poll a facilitator put on it names it to facilitators only —
on the poll's page, in the register and in its CSV and PDF."""

import csv
import datetime as dt
import io

import pypdf
import pytest
from django.urls import reverse
from django.utils import timezone

from decisions.models import DecisionSettings, PollStarters
from meetings.services import meeting_publish, meeting_schedule

pytestmark = pytest.mark.django_db

TITLE = "Budżet obywatelski: szkic"


@pytest.fixture
def draft(facilitator, group):
    DecisionSettings.objects.create(group=group, poll_starters=PollStarters.MEMBERS)
    start = timezone.now() + dt.timedelta(days=10)
    return meeting_schedule(
        actor=facilitator,
        group=group,
        title=TITLE,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
        time_zone="Europe/Warsaw",
        draft=True,
    )


@pytest.fixture
def poll_on_draft(poll_factory, draft):
    return poll_factory("proposal", title="Przyjmujemy regulamin?", meeting=draft)


def url(name, group, **kwargs):
    return reverse(f"decisions:{name}", kwargs={"slug": group.slug, **kwargs})


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages)


def test_a_member_may_not_start_a_poll_on_a_draft_meeting(login, member, group, draft):
    client = login(member)
    new = url("poll-create", group)
    assert client.get(f"{new}?meeting={draft.pk}").status_code == 404
    response = client.post(new, {"meeting": draft.pk, "kind": "proposal", "title": "Pytanie?"})
    assert response.status_code == 404
    assert not draft.polls.exists()


def test_a_facilitator_starts_a_poll_on_a_draft_meeting(login, facilitator, group, draft):
    client = login(facilitator)
    page = client.get(f"{url('poll-create', group)}?meeting={draft.pk}")
    assert page.status_code == 200 and TITLE in page.content.decode()


@pytest.mark.parametrize("reader", ["member", "observer"])
def test_a_poll_on_a_draft_meeting_does_not_name_it(request, login, group, poll_on_draft, reader):
    client = login(request.getfixturevalue(reader))
    pages = [
        client.get(url("register", group)).content.decode(),
        client.get(url("poll-detail", group, poll_id=poll_on_draft.pk)).content.decode(),
        client.get(url("register-csv", group)).content.decode("utf-8-sig"),
        pdf_text(client.get(url("register-pdf", group)).content),
    ]
    assert all("Przyjmujemy regulamin?" in page for page in pages)
    assert not any(TITLE in page for page in pages)
    assert poll_on_draft.meeting.get_absolute_url() not in pages[0] + pages[1]


def test_the_facilitator_sees_the_draft_meeting_of_a_poll(login, facilitator, group, poll_on_draft):
    client = login(facilitator)
    register = client.get(url("register", group)).content.decode()
    detail = client.get(url("poll-detail", group, poll_id=poll_on_draft.pk)).content.decode()
    text = client.get(url("register-csv", group)).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert TITLE in register and TITLE in detail and rows[1][7] == TITLE


def test_once_published_the_meeting_is_named_to_everyone(
    login, facilitator, member, group, draft, poll_on_draft
):
    meeting_publish(actor=facilitator, meeting=draft)
    client = login(member)
    assert TITLE in client.get(url("register", group)).content.decode()
    assert TITLE in client.get(url("poll-detail", group, poll_id=poll_on_draft.pk)).content.decode()
