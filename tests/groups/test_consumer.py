"""The group socket, end to end through the ASGI application (docs/protocol.md)."""

import asyncio
import contextlib
import itertools
import json
from datetime import timedelta

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone

from groups import events, services
from groups.hub import SharedReads, hub_for
from groups.models import Event, Membership, Message, Role
from groups.presence import presence
from gwd.asgi import application
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

QUIET = {"presence", "heartbeat", "typing", "notification"}


def session_cookie(user) -> str:
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


class Socket:
    """A test client of the group socket that can skip the chatter it does not test."""

    def __init__(self, communicator: WebsocketCommunicator):
        self.communicator = communicator

    async def send(self, frame: dict) -> None:
        await self.communicator.send_json_to(frame)

    async def send_text(self, text: str) -> None:
        await self.communicator.send_to(text_data=text)

    async def receive(self, *types: str, timeout: float = 3) -> dict:
        """The next frame of one of `types` (any type but the chatter if none given)."""
        while True:
            frame = await self.communicator.receive_json_from(timeout=timeout)
            if (types and frame["type"] in types) or (not types and frame["type"] not in QUIET):
                return frame

    async def nothing_more(self) -> bool:
        """True if no frame other than chatter arrives within a short while."""
        while True:
            if await self.communicator.receive_nothing(timeout=0.3):
                return True
            frame = json.loads((await self.communicator.receive_output())["text"])
            if frame["type"] not in QUIET:
                return False

    async def close(self) -> None:
        await self.communicator.disconnect()


@pytest.fixture
async def connect():
    """connect(user, group) → (connected, Socket). Every socket still open is closed at
    the end: with Redis the layer's receive lock is shared by a process's consumers, and
    one left waiting in a finished test's event loop would block the next test."""
    opened: list[WebsocketCommunicator] = []

    async def open_socket(
        user, group, *, origin=b"http://testserver", host=b"testserver", cookie=None
    ):
        headers = [(b"origin", origin), (b"host", host)]
        if user is not None and cookie is None:
            cookie = await sync_to_async(session_cookie)(user)
        if cookie is not None:
            headers.append((b"cookie", f"sessionid={cookie}".encode()))
        communicator = WebsocketCommunicator(
            application, f"/ws/groups/{group.slug}/", headers=headers
        )
        connected, _subprotocol = await communicator.connect(timeout=3)
        # Refused ones too: their consumer still waits on the channel layer until told
        # that the client is gone.
        opened.append(communicator)
        return connected, Socket(communicator)

    yield open_socket
    for communicator in opened:
        # Already closed by the server or by the test: nothing left to do.
        with contextlib.suppress(Exception):
            await communicator.disconnect(timeout=3)


@pytest.fixture
def thread(facilitator, group):
    thread, _first = services.thread_create(
        actor=facilitator, group=group, title="Umowa ESCO", body="Wzór umowy", client_id="t1"
    )
    return thread


def message_count() -> int:
    return Message.objects.count()


# --- The handshake ------------------------------------------------------------------


async def test_an_outsider_is_refused_at_the_handshake(connect, outsider, group):
    connected, _socket = await connect(outsider, group)
    assert not connected


async def test_an_anonymous_visitor_is_refused(connect, group):
    connected, _socket = await connect(None, group)
    assert not connected


async def test_a_foreign_origin_is_refused(connect, member, group):
    connected, _socket = await connect(member, group, origin=b"https://evil.example")
    assert not connected


@pytest.mark.parametrize(
    "origin",
    [b"http://testserver:9999", b"https://testserver", b"http://testserver.evil.example", b""],
)
async def test_only_the_exact_origin_of_the_site_is_accepted(connect, member, group, origin):
    # Same host, another port or scheme: another site as far as the browser is concerned.
    connected, _socket = await connect(member, group, origin=origin, host=b"testserver:8103")
    assert not connected


async def test_the_origin_of_the_address_the_socket_was_opened_at_is_accepted(
    connect, member, group
):
    connected, socket = await connect(
        member, group, origin=b"http://testserver:8103", host=b"testserver:8103"
    )
    assert connected
    await socket.close()


async def test_site_url_and_trusted_origins_are_accepted(connect, member, group, settings):
    settings.SITE_URL = "https://gwd.zmp.example"
    settings.CSRF_TRUSTED_ORIGINS = ["https://gwd-backup.zmp.example:8443"]
    for origin in (b"https://gwd.zmp.example", b"https://gwd-backup.zmp.example:8443"):
        connected, socket = await connect(member, group, origin=origin, host=b"10.0.0.5:8000")
        assert connected
        await socket.close()
    connected, _socket = await connect(
        member, group, origin=b"https://gwd-backup.zmp.example", host=b"10.0.0.5:8000"
    )
    assert not connected


async def test_staff_without_a_second_factor_are_refused_as_on_every_page(
    connect, user_factory, member, group, thread
):
    # HTTP sends such an account to set up TOTP first; the socket must not be a way round.
    staff = await sync_to_async(user_factory)(email="nototp@zmp.gwd.test", is_staff=True)
    connected, _socket = await connect(staff, group)
    assert not connected


async def test_staff_with_a_second_factor_connect_to_any_group(connect, site_staff, group):
    connected, socket = await connect(site_staff, group)
    assert connected
    await socket.close()


async def test_a_staff_socket_stops_acting_once_the_second_factor_is_gone(
    connect, site_staff, group, thread
):
    connected, socket = await connect(site_staff, group)
    assert connected
    await sync_to_async(Authenticator.objects.filter(user=site_staff).delete)()
    await socket.send({"type": "thread.pin", "thread": thread.pk})
    assert (await socket.receive("error"))["code"] == "not_found"
    closed = await socket.communicator.receive_output(timeout=3)
    assert closed == {"type": "websocket.close", "code": 4404}
    await sync_to_async(thread.refresh_from_db)()
    assert not thread.pinned


async def test_a_login_waiting_for_its_second_factor_opens_no_socket(
    client, connect, member, group
):
    # Password given, TOTP code not yet: every page still treats the visitor as signed out.
    await sync_to_async(TOTP.activate)(member, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    await sync_to_async(client.post)(
        "/accounts/login/", {"login": member.email, "password": PASSWORD}
    )
    assert "_auth_user_id" not in await sync_to_async(lambda: dict(client.session))()
    connected, _socket = await connect(None, group, cookie=client.cookies["sessionid"].value)
    assert not connected


async def test_a_deactivated_account_is_refused(connect, member, group):
    member.is_active = False
    await sync_to_async(member.save)(update_fields=["is_active"])
    connected, _socket = await connect(member, group)
    assert not connected


async def test_a_member_connects_and_hears_the_latest_seq(connect, member, group, thread):
    connected, socket = await connect(member, group)
    assert connected
    heartbeat = await socket.receive("heartbeat")
    assert heartbeat["seq"] == await sync_to_async(events.latest_seq)(group.pk) == 2
    await socket.close()


# --- Sending --------------------------------------------------------------------------


async def test_a_message_reaches_every_member_at_once(connect, member, facilitator, group, thread):
    _, anna = await connect(member, group)
    _, marek = await connect(facilitator, group)
    await anna.send(
        {"type": "message.send", "thread": thread.pk, "body": "**Dzień dobry**", "client_id": "a1"}
    )
    ack = await anna.receive("message.ack")
    new_for_marek = await marek.receive("message.new")
    assert new_for_marek["message"]["id"] == ack["id"]
    assert new_for_marek["seq"] == ack["seq"]
    assert new_for_marek["message"]["html"] == "<p><strong>Dzień dobry</strong></p>"
    assert (await anna.receive("message.new"))["seq"] == ack["seq"]
    await anna.close()
    await marek.close()


async def test_a_duplicated_client_id_makes_one_message(connect, member, group, thread):
    _, socket = await connect(member, group)
    frame = {"type": "message.send", "thread": thread.pk, "body": "Raz", "client_id": "dup"}
    await socket.send(frame)
    first = await socket.receive("message.ack")
    await socket.send(frame)
    second = await socket.receive("message.ack")
    assert first["id"] == second["id"]
    assert await sync_to_async(Message.objects.filter(client_id="dup").count)() == 1
    await socket.close()


async def test_an_observer_cannot_post(connect, observer, group, thread):
    _, socket = await connect(observer, group)
    before = await sync_to_async(message_count)()
    await socket.send(
        {"type": "message.send", "thread": thread.pk, "body": "Hej", "client_id": "o1"}
    )
    error = await socket.receive("error")
    assert (error["code"], error["client_id"]) == ("forbidden", "o1")
    assert await sync_to_async(message_count)() == before
    await socket.close()


async def test_a_thread_of_another_group_is_not_found(
    connect, facilitator, group, other_group, member_factory
):
    stranger = await sync_to_async(member_factory)(other_group, Role.FACILITATOR)
    foreign, _ = await sync_to_async(services.thread_create)(
        actor=stranger, group=other_group, title="Obcy", body="x", client_id="f1"
    )
    _, socket = await connect(facilitator, group)
    before = await sync_to_async(message_count)()
    await socket.send(
        {"type": "message.send", "thread": foreign.pk, "body": "Hej", "client_id": "x1"}
    )
    assert (await socket.receive("error"))["code"] == "not_found"
    foreign_message = await sync_to_async(foreign.messages.first)()
    await socket.send({"type": "message.delete", "id": foreign_message.pk})
    assert (await socket.receive("error"))["code"] == "not_found"
    assert await sync_to_async(message_count)() == before
    await socket.close()


@pytest.mark.parametrize(
    "text, code",
    [
        ("this is not json", "bad_json"),
        ("[1, 2, 3]", "invalid"),
        ('{"no": "type"}', "invalid"),
        ('{"type": "message.explode"}', "unknown_type"),
        ('{"type": "message.send", "thread": "one", "body": "x", "client_id": "c"}', "invalid"),
        ('{"type": "message.send", "thread": 1, "body": 5, "client_id": "c"}', "invalid"),
        ('{"type": "message.send", "thread": true, "body": "x", "client_id": "c"}', "invalid"),
        ('{"type": "message.send", "thread": 1, "body": "x"}', "invalid"),
        ('{"type": "resume", "after": -1}', "invalid"),
        ('{"type": "reaction.toggle", "message": 1, "emoji": "💩"}', "not_found"),
    ],
)
async def test_bad_frames_get_stable_codes_and_write_nothing(connect, member, group, text, code):
    _, socket = await connect(member, group)
    events_before = await sync_to_async(Event.objects.count)()
    await socket.send_text(text)
    assert (await socket.receive("error"))["code"] == code
    assert await sync_to_async(Event.objects.count)() == events_before
    await socket.close()


async def test_a_two_megabyte_frame_is_refused_and_the_socket_stays_usable(
    connect, member, group, thread
):
    _, socket = await connect(member, group)
    body = "x" * (2 * 1024 * 1024)
    await socket.send({"type": "message.send", "thread": thread.pk, "body": body, "client_id": "b"})
    assert (await socket.receive("error"))["code"] == "frame_too_large"
    await socket.send({"type": "message.send", "thread": thread.pk, "body": "ok", "client_id": "c"})
    assert (await socket.receive("message.ack"))["client_id"] == "c"
    assert await sync_to_async(message_count)() == 2
    await socket.close()


async def test_a_binary_frame_is_refused(connect, member, group):
    _, socket = await connect(member, group)
    await socket.communicator.send_to(bytes_data=b"\x00\x01")
    assert (await socket.receive("error"))["code"] == "bad_frame"
    await socket.close()


async def test_a_flooding_client_is_told_to_slow_down_then_cut_off(connect, member, group):
    _, socket = await connect(member, group)
    for _ in range(31):
        await socket.send_text("{}")
    codes = set()
    for _ in range(31):
        codes.add((await socket.receive("error"))["code"])
    assert "flood" in codes
    for _ in range(40):
        await socket.send_text("{}")
    closed = None
    for _ in range(80):
        output = await socket.communicator.receive_output(timeout=3)
        if output["type"] == "websocket.close":
            closed = output["code"]
            break
    assert closed == 4008
    # Frames still in flight get no answer: sending on a closed connection would fail.
    for _ in range(5):
        await socket.send_text("{}")
    assert await socket.communicator.receive_nothing(timeout=0.5)


async def test_sending_too_fast_gets_a_retry_after(connect, member, group, thread, settings):
    settings.MESSAGE_RATE = "2/10seconds"
    _, socket = await connect(member, group)
    for i in range(3):
        await socket.send(
            {"type": "message.send", "thread": thread.pk, "body": f"m{i}", "client_id": f"r{i}"}
        )
    await socket.receive("message.ack")
    await socket.receive("message.ack")
    error = await socket.receive("error")
    assert error["code"] == "rate_limited"
    assert error["client_id"] == "r2"
    assert 1 <= error["retry_after"] <= 10
    await socket.close()


async def test_a_locked_thread_refuses_posts(connect, member, group, thread):
    thread.locked = True
    await sync_to_async(thread.save)()
    _, socket = await connect(member, group)
    await socket.send({"type": "message.send", "thread": thread.pk, "body": "x", "client_id": "l"})
    assert (await socket.receive("error"))["code"] == "locked"
    await socket.close()


async def test_a_muted_member_cannot_post_or_react(connect, member, group, thread):
    await sync_to_async(Membership.objects.filter(user=member, group=group).update)(
        muted_until=timezone.now() + timedelta(minutes=5)
    )
    _, socket = await connect(member, group)
    await socket.send({"type": "message.send", "thread": thread.pk, "body": "x", "client_id": "m"})
    error = await socket.receive("error")
    assert error["code"] == "muted" and error["retry_after"] > 200
    first = await sync_to_async(lambda: thread.messages.first())()
    await socket.send({"type": "reaction.toggle", "message": first.pk, "emoji": "👍"})
    assert (await socket.receive("error"))["code"] == "muted"
    await socket.close()


async def test_a_removed_member_is_disconnected_at_the_next_frame(
    connect, member, facilitator, group, thread
):
    _, socket = await connect(member, group)
    membership = await sync_to_async(Membership.objects.get)(user=member, group=group)
    await sync_to_async(services.membership_remove)(actor=facilitator, membership=membership)
    await socket.send({"type": "message.send", "thread": thread.pk, "body": "x", "client_id": "z"})
    output = None
    for _ in range(10):
        output = await socket.communicator.receive_output(timeout=3)
        if output["type"] == "websocket.close":
            break
    assert output == {"type": "websocket.close", "code": 4404}
    assert await sync_to_async(message_count)() == 1


# --- Editing, deleting, reacting, typing ----------------------------------------------


async def test_edits_deletions_and_reactions_reach_others(
    connect, member, facilitator, group, thread
):
    _, anna = await connect(member, group)
    _, marek = await connect(facilitator, group)
    await anna.send({"type": "message.send", "thread": thread.pk, "body": "v1", "client_id": "e"})
    message_id = (await anna.receive("message.ack"))["id"]
    await marek.receive("message.new")

    await anna.send({"type": "message.edit", "id": message_id, "body": "v2"})
    edited = await marek.receive("message.updated")
    assert edited["message"]["body"] == "v2" and edited["message"]["edited"]

    await marek.send({"type": "reaction.toggle", "message": message_id, "emoji": "🎉"})
    reacted = await anna.receive("message.updated")
    while reacted["message"]["body"] == "v2" and not reacted["message"]["reactions"]:
        reacted = await anna.receive("message.updated")
    assert reacted["message"]["reactions"] == {"🎉": [facilitator.pk]}

    await marek.send({"type": "message.edit", "id": message_id, "body": "not mine"})
    assert (await marek.receive("error"))["code"] == "forbidden"

    await anna.send({"type": "message.delete", "id": message_id})
    deleted = await marek.receive("message.updated")
    while not deleted["message"]["deleted"]:
        deleted = await marek.receive("message.updated")
    assert deleted["message"]["body"] == "" and deleted["message"]["html"] == ""
    await anna.close()
    await marek.close()


async def test_typing_reaches_others_and_is_not_stored(connect, member, facilitator, group, thread):
    _, anna = await connect(member, group)
    _, marek = await connect(facilitator, group)
    events_before = await sync_to_async(Event.objects.count)()
    await anna.send({"type": "typing", "thread": thread.pk})
    typing = await marek.receive("typing")
    assert typing == {
        "type": "typing",
        "thread": thread.pk,
        "user": {"id": member.pk, "name": member.full_name},
    }
    assert await sync_to_async(Event.objects.count)() == events_before
    await anna.close()
    await marek.close()


async def test_presence_lists_who_is_online(connect, member, facilitator, group):
    _, anna = await connect(member, group)
    frame = await anna.receive("presence")
    assert member.pk in frame["online"]
    _, marek = await connect(facilitator, group)
    frame = await anna.receive("presence")
    while facilitator.pk not in frame["online"]:
        frame = await anna.receive("presence")
    await marek.close()
    frame = await anna.receive("presence")
    while facilitator.pk in frame["online"]:
        frame = await anna.receive("presence")
    assert frame["online"] == [member.pk]
    await anna.close()


async def test_a_mention_reaches_only_the_mentioned_member(
    connect, member, observer, facilitator, group, thread
):
    _, anna = await connect(member, group)
    _, barbara = await connect(observer, group)
    _, marek = await connect(facilitator, group)
    body = f"@**{observer.full_name}** proszę o opinię"
    await anna.send({"type": "message.send", "thread": thread.pk, "body": body, "client_id": "m1"})
    mention = await barbara.receive("mention")
    assert (mention["thread"], mention["author"]) == (thread.pk, member.full_name)
    await marek.receive("message.new")
    assert await marek.nothing_more()
    for socket in (anna, barbara, marek):
        await socket.close()


# --- Delivery: resume, resync -----------------------------------------------------------


async def test_resume_after_50_missed_messages_returns_exactly_those_in_order(
    connect, member, facilitator, group, thread, settings
):
    settings.MESSAGE_RATE = "1000/second"
    seen = await sync_to_async(events.latest_seq)(group.pk)

    def post_fifty():
        for i in range(50):
            services.message_send(
                actor=facilitator, thread=thread, body=f"nr {i}", client_id=f"n{i}"
            )

    await sync_to_async(post_fifty)()  # while the member was away
    _, socket = await connect(member, group)
    await socket.send({"type": "resume", "after": seen})
    replayed = [await socket.receive("message.new") for _ in range(50)]
    assert [f["seq"] for f in replayed] == list(range(seen + 1, seen + 51))
    assert [f["message"]["body"] for f in replayed] == [f"nr {i}" for i in range(50)]
    assert await socket.nothing_more()
    await socket.close()


async def test_live_events_already_replayed_are_not_sent_twice(
    connect, member, facilitator, group, thread
):
    _, socket = await connect(member, group)
    seen = await sync_to_async(events.latest_seq)(group.pk)
    await socket.send({"type": "resume", "after": seen})
    assert await socket.nothing_more()
    await sync_to_async(services.message_send)(
        actor=facilitator, thread=thread, body="na żywo", client_id="live"
    )
    live = await socket.receive("message.new")
    assert live["seq"] == seen + 1
    assert await socket.nothing_more()
    await socket.close()


async def test_too_much_missed_means_resync(connect, member, facilitator, group, thread, settings):
    settings.RESUME_LIMIT = 10
    settings.MESSAGE_RATE = "1000/second"

    def post(n):
        for i in range(n):
            services.message_send(actor=facilitator, thread=thread, body=f"{i}", client_id=f"s{i}")

    seen = await sync_to_async(events.latest_seq)(group.pk)
    await sync_to_async(post)(11)
    _, socket = await connect(member, group)
    await socket.send({"type": "resume", "after": seen})
    assert (await socket.receive("resync", "message.new"))["type"] == "resync"
    await socket.close()


async def test_reading_over_the_socket_moves_the_read_position(
    connect, member, facilitator, group, thread
):
    _, socket = await connect(member, group)
    latest = await sync_to_async(events.latest_seq)(group.pk)
    await socket.send({"type": "read", "thread": thread.pk, "seq": latest})
    assert await socket.nothing_more()

    def position():
        return member.read_positions.get(thread=thread).last_read_seq

    assert await sync_to_async(position)() == latest
    await socket.close()


async def test_a_database_outage_gets_an_error_frame_and_writes_nothing(
    connect, member, group, thread
):
    from unittest import mock

    from django.db import OperationalError

    _, socket = await connect(member, group)
    with mock.patch.object(
        services, "message_send", side_effect=OperationalError("connection refused")
    ):
        await socket.send(
            {"type": "message.send", "thread": thread.pk, "body": "x", "client_id": "db"}
        )
        error = await socket.receive("error")
    assert (error["code"], error["retry_after"]) == ("unavailable", 30)
    assert "refused" not in error["detail"]
    await socket.close()


# --- One subscription per process (groups.hub) --------------------------------------


async def group_channel_members(group) -> int:
    """How many channels the layer has in the group's channel (in-memory or Redis)."""
    layer = get_channel_layer()
    name = events.group_channel(group.pk)
    if hasattr(layer, "groups"):  # the in-memory layer
        return len(layer.groups.get(name, {}))
    async with layer.connection(layer.consistent_hash(name)) as connection:
        return await connection.zcard(layer._group_key(name))


async def test_a_process_is_in_the_group_channel_once_whatever_its_sockets(
    connect, member, facilitator, observer, group, thread
):
    sockets = [(await connect(user, group))[1] for user in (member, facilitator, observer)]
    assert await group_channel_members(group) == 1
    await sockets[0].send(
        {"type": "message.send", "thread": thread.pk, "body": "raz", "client_id": "h1"}
    )
    for socket in sockets:
        assert (await socket.receive("message.new"))["message"]["body"] == "raz"
    for socket in sockets:
        await socket.close()
    assert await group_channel_members(group) == 0


async def test_the_sender_hears_the_ack_before_its_own_message(connect, member, group, thread):
    _, anna = await connect(member, group)
    await anna.send({"type": "message.send", "thread": thread.pk, "body": "a", "client_id": "o"})
    assert (await anna.receive())["type"] == "message.ack"
    assert (await anna.receive())["type"] == "message.new"
    await anna.close()


async def test_presence_is_announced_once_for_many_arrivals(
    connect, member, facilitator, observer, group
):
    _, anna = await connect(member, group)
    assert (await anna.receive("presence"))["online"] == [member.pk]  # her own, at once
    for user in (facilitator, observer, member):
        await connect(user, group)
    announced = await anna.receive("presence")
    assert announced["online"] == sorted([member.pk, facilitator.pk, observer.pk])
    later = []  # one announcement for the three arrivals, none after it
    while not await anna.communicator.receive_nothing(timeout=1.5):
        later.append(json.loads((await anna.communicator.receive_output())["text"])["type"])
    assert "presence" not in later
    await anna.close()


async def test_heartbeats_read_the_latest_seq_once_per_interval(facilitator, group, thread):
    hub = hub_for(get_channel_layer())
    first = await asyncio.gather(*(hub.latest_seq(group.pk) for _ in range(20)))
    assert first == [2] * 20
    await sync_to_async(services.message_send)(
        actor=facilitator, thread=thread, body="nowe", client_id="s"
    )
    assert await hub.latest_seq(group.pk) == 2  # the memory is fresh enough still
    hub.seqs[group.pk] = (0.0, 2)  # as if the interval had passed
    assert await hub.latest_seq(group.pk) == 3


async def test_sockets_that_join_together_share_one_read_of_who_is_online(group, monkeypatch):
    hub = hub_for(get_channel_layer())
    store = presence()
    reads = []
    read = store.online

    async def counted(group_id: int) -> list[int]:
        reads.append(group_id)
        return await read(group_id)

    monkeypatch.setattr(store, "online", counted)
    arrivals = range(10_001, 10_031)
    for user_id in arrivals:
        await store.join(group.pk, user_id, f"socket-{user_id}")
    # Each asks once it has joined, all of them before the first read has begun.
    answers = await asyncio.gather(*(hub.online(group.pk, after=hub.ticket()) for _ in arrivals))
    assert reads == [group.pk]
    assert all(set(arrivals) <= set(online) for online in answers)
    for user_id in arrivals:
        await store.leave(group.pk, user_id, f"socket-{user_id}")


async def test_a_read_of_who_is_online_begun_before_a_socket_joined_is_not_its_answer(
    group, monkeypatch
):
    hub = hub_for(get_channel_layer())
    store = presence()
    read = store.online
    first_read_taken, release = asyncio.Event(), asyncio.Event()
    reads = 0

    async def slow_first(group_id: int) -> list[int]:
        nonlocal reads
        reads += 1
        online = await read(group_id)
        if reads == 1:
            first_read_taken.set()
            await release.wait()
        return online

    monkeypatch.setattr(store, "online", slow_first)
    early = asyncio.ensure_future(hub.online(group.pk, after=hub.ticket()))
    await asyncio.wait_for(first_read_taken.wait(), timeout=10)
    await store.join(group.pk, 20_001, "late-socket")
    late = asyncio.ensure_future(hub.online(group.pk, after=hub.ticket()))
    release.set()
    assert 20_001 not in await early
    assert 20_001 in await late
    assert reads == 2
    await store.leave(group.pk, 20_001, "late-socket")


async def test_a_shared_read_that_has_just_ended_is_read_again_not_awaited_forever():
    loop = asyncio.get_running_loop()
    calls = 0

    def read(_group_id: int) -> asyncio.Future[int]:
        nonlocal calls
        calls += 1
        ended = loop.create_future()
        ended.set_result(calls)  # ended, its done callbacks not yet run
        return ended

    tickets = itertools.count()
    reads = SharedReads(read, tickets)
    assert await reads.get(7, after=next(tickets)) == 1
    # In the same turn of the loop: the first read is over but not yet recorded as such.
    assert await reads.get(7, after=next(tickets)) == 2


async def test_sockets_connecting_together_share_a_read_of_the_latest_seq(
    facilitator, group, thread, monkeypatch
):
    hub = hub_for(get_channel_layer())
    reads = []
    read = events.latest_seq

    def counted(group_id: int) -> int:
        reads.append(group_id)
        return read(group_id)

    monkeypatch.setattr(events, "latest_seq", counted)
    assert (
        await asyncio.gather(*(hub.seq_now(group.pk, after=hub.ticket()) for _ in range(20)))
        == [2] * 20
    )
    assert reads == [group.pk]
    await sync_to_async(services.message_send)(
        actor=facilitator, thread=thread, body="nowe", client_id="t"
    )
    # Unlike a heartbeat's, a connecting socket's seq is never the memory of an earlier read.
    assert await hub.seq_now(group.pk, after=hub.ticket()) == 3
    assert reads == [group.pk, group.pk]


async def test_messages_sent_at_once_from_many_sockets_arrive_in_order_everywhere(
    connect, member, facilitator, observer, group, thread
):
    senders = [(await connect(user, group))[1] for user in (member, facilitator)]
    _, reader = await connect(observer, group)
    for n in range(6):  # no waiting for acknowledgements between sends
        for k, socket in enumerate(senders):
            await socket.send(
                {
                    "type": "message.send",
                    "thread": thread.pk,
                    "body": f"{k}/{n}",
                    "client_id": f"{k}-{n}",
                }
            )
    for socket in (*senders, reader):
        seqs = [(await socket.receive("message.new"))["seq"] for _ in range(12)]
        assert seqs == list(range(seqs[0], seqs[0] + 12))
        await socket.close()
