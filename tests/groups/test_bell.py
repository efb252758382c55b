"""The bell: its count in the header and in frames, the latest notifications it opens,
and its own socket for pages outside the discussions (docs/protocol.md)."""

import contextlib
from unittest import mock

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from groups import events, services
from groups.models import Notification
from groups.payloads import notification_frame
from gwd.asgi import application
from tests.groups.test_consumer import session_cookie


@pytest.fixture
def thread(facilitator, group):
    thread, _first = services.thread_create(
        actor=facilitator, group=group, title="Opłata targowa", body="Jak?", client_id="t"
    )
    return thread


def mention(author, thread, person, client_id: str):
    return services.message_send(
        actor=author, thread=thread, body=f"@**{person.full_name}** zerknij", client_id=client_id
    )[0]


def bells(sent) -> list[dict]:
    """The bell frames among what a mocked events.send_to_users was given."""
    calls = [call.args[0] for call in sent.call_args_list]
    return [c for c in calls if all(f["type"] == "notification" for f in c.values())]


# --- The count ------------------------------------------------------------------------


def test_the_frame_words_the_count_as_the_header_does():
    with translation.override("pl"):
        assert notification_frame(1) == {
            "type": "notification",
            "unread": 1,
            "text": "1 nieprzeczytana",
        }
        assert notification_frame(3)["text"] == "3 nieprzeczytane"
        assert notification_frame(5)["text"] == "5 nieprzeczytanych"


def test_each_person_hears_the_count_in_their_own_language(
    member_factory, group, facilitator, thread, django_capture_on_commit_callbacks
):
    olena = member_factory(group, email="olena@gwd.test", full_name="Olena K", language="uk")
    with (
        mock.patch.object(events, "send_to_users") as sent,
        django_capture_on_commit_callbacks(execute=True),
    ):
        mention(facilitator, thread, olena, "m1")
    [frames] = bells(sent)
    assert frames[olena.pk]["unread"] == 1
    with translation.override("uk"):
        assert frames[olena.pk]["text"] == notification_frame(1)["text"]


def test_reading_tells_the_other_pages_of_the_person(
    member, facilitator, thread, django_capture_on_commit_callbacks
):
    mention(facilitator, thread, member, "m1")
    with (
        mock.patch.object(events, "send_to_users") as sent,
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.notifications_read(actor=member)
    [frames] = bells(sent)
    assert frames[member.pk]["unread"] == 0


def test_the_header_hides_a_count_of_nothing(client, login, member):
    login(member)
    html = client.get(reverse("groups:notifications")).content.decode()
    assert 'id="bell-count" hidden' in html


def test_the_header_shows_the_count_with_its_plural(client, login, member, facilitator, thread):
    mention(facilitator, thread, member, "m1")
    login(member)
    html = client.get(reverse("home")).content.decode()
    assert 'id="bell-count" hidden' not in html
    assert "data-bell-number>1</span>" in html
    assert "1 nieprzeczytana" in html


# --- The latest notifications -------------------------------------------------------------


def test_the_bell_opens_the_latest_few_of_ones_own(
    client, login, member, facilitator, observer, thread, settings
):
    settings.MESSAGE_RATE = "1000/second"
    for n in range(7):
        mention(facilitator, thread, member, f"m{n}")
    mention(facilitator, thread, observer, "other")
    login(member)
    response = client.get(reverse("groups:notifications-latest"))
    assert response.status_code == 200
    mine = Notification.objects.filter(user=member).order_by("-created_at", "-pk")
    html = response.content.decode()
    shown = [n.pk for n in mine if f"/notifications/{n.pk}/open/" in html]
    assert shown == [n.pk for n in mine[:5]]
    theirs = Notification.objects.get(user=observer)
    assert f"/notifications/{theirs.pk}/open/" not in html
    assert 'action="/notifications/read/"' in html


def test_the_bell_costs_the_same_queries_however_many_notifications(
    client, login, member, facilitator, thread, settings
):
    settings.MESSAGE_RATE = "1000/second"
    login(member)
    url = reverse("groups:notifications-latest")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    mention(facilitator, thread, member, "first")
    few = queries()
    for n in range(10):
        mention(facilitator, thread, member, f"m{n}")
    assert queries() == few


def test_the_bell_asks_a_visitor_to_sign_in(client):
    response = client.get(reverse("groups:notifications-latest"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_marking_read_from_the_bell_answers_with_its_fresh_list(
    client, login, member, facilitator, thread
):
    mention(facilitator, thread, member, "m1")
    login(member)
    latest = reverse("groups:notifications-latest")
    response = client.post(reverse("groups:notifications-read"), {"next": latest}, follow=True)
    assert response.redirect_chain[-1][0] == latest
    assert 'action="/notifications/read/"' not in response.content.decode()
    member.refresh_from_db()
    assert member.unread_notifications == 0


def test_marking_read_never_sends_the_person_off_the_site(client, login, member):
    login(member)
    response = client.post(reverse("groups:notifications-read"), {"next": "https://evil.test/"})
    assert response.status_code == 302
    assert response["Location"] == reverse("groups:notifications")


def test_marking_read_with_a_bad_id_writes_nothing(client, login, member, facilitator, thread):
    mention(facilitator, thread, member, "m1")
    login(member)
    response = client.post(reverse("groups:notifications-read"), {"notification": "x\x00"})
    assert response.status_code == 400
    assert Notification.objects.filter(user=member, read_at=None).count() == 1


# --- The author's institution ---------------------------------------------------------------


def test_a_message_names_the_institution_of_its_author(client, login, member, facilitator, thread):
    message = services.message_send(actor=facilitator, thread=thread, body="x", client_id="i")[0]
    assert services.message_payload(message)["author"]["institution"] == "Urząd Miasta Kielce"
    login(member)
    html = client.get(thread.get_absolute_url()).content.decode()
    assert '<span class="message__institution">Urząd Miasta Kielce</span>' in html


def test_the_institution_costs_a_reply_no_statement(member_factory, group, thread, kielce):
    """The socket loads its person's institution once; a reply then costs what it did."""

    def statements(replying) -> int:
        with CaptureQueriesContext(connection) as captured:
            services.message_send(actor=replying, thread=thread, body="x", client_id="c")
        return len([q for q in captured if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))])

    without = member_factory(group, email="none@gwd.test")
    with_one = member_factory(group, email="kielce@gwd.test", institution=kielce)
    assert with_one.institution is not None  # loaded, as the socket does when it opens
    assert statements(with_one) == statements(without)


# --- The bell's socket --------------------------------------------------------------------

socket_db = pytest.mark.django_db(transaction=True)


@pytest.fixture
async def open_bell():
    opened: list[WebsocketCommunicator] = []

    async def open_socket(user):
        headers = [(b"origin", b"http://testserver"), (b"host", b"testserver")]
        if user is not None:
            cookie = await sync_to_async(session_cookie)(user)
            headers.append((b"cookie", f"sessionid={cookie}".encode()))
        communicator = WebsocketCommunicator(application, "/ws/notifications/", headers=headers)
        connected, _subprotocol = await communicator.connect(timeout=3)
        opened.append(communicator)
        return connected, communicator

    yield open_socket
    for communicator in opened:
        with contextlib.suppress(Exception):
            await communicator.disconnect(timeout=3)


async def next_bell(socket) -> dict:
    """The next notification frame (a mention's own frame comes to every socket too)."""
    while (frame := await socket.receive_json_from(timeout=3))["type"] != "notification":
        pass
    return frame


@socket_db
async def test_a_visitor_gets_no_bell_socket(open_bell):
    connected, _socket = await open_bell(None)
    assert not connected


@socket_db
async def test_staff_without_a_second_factor_get_no_bell_socket(open_bell, user_factory):
    staff = await sync_to_async(user_factory)(email="nototp@zmp.gwd.test", is_staff=True)
    connected, _socket = await open_bell(staff)
    assert not connected


@socket_db
async def test_the_bell_socket_starts_with_the_count_and_rings_live(
    open_bell, member, facilitator, thread
):
    await sync_to_async(mention)(facilitator, thread, member, "before")
    connected, socket = await open_bell(member)
    assert connected
    first = await socket.receive_json_from(timeout=3)
    assert (first["type"], first["unread"]) == ("notification", 1)
    await sync_to_async(mention)(facilitator, thread, member, "after")
    rung = await next_bell(socket)
    assert rung["unread"] == 2
    await sync_to_async(services.notifications_read)(actor=member)
    assert (await next_bell(socket))["unread"] == 0


@socket_db
async def test_the_bell_socket_takes_no_frames(open_bell, member):
    connected, socket = await open_bell(member)
    assert connected
    await socket.receive_json_from(timeout=3)
    await socket.send_to(text_data='{"type": "message.send"}')
    reply = await socket.receive_json_from(timeout=3)
    assert (reply["type"], reply["code"]) == ("error", "unknown_type")


@socket_db
async def test_the_bell_socket_slows_a_flood_down_and_then_closes(open_bell, member, settings):
    """Every frame is answered, like the group socket's, until there are too many."""
    settings.WEBSOCKET_FLOOD_FRAMES = 3
    connected, socket = await open_bell(member)
    assert connected
    await socket.receive_json_from(timeout=3)
    codes = []
    for _ in range(7):
        await socket.send_to(text_data="{}")
        codes.append((await socket.receive_json_from(timeout=3))["code"])
    assert codes == ["unknown_type"] * 3 + ["flood"] * 3 + ["flood"]
    assert (await socket.receive_output(timeout=3))["code"] == 4008
