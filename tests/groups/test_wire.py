"""The hub's short road: a group's frame framed once and written to each socket's wire
(the "gwd.wire" extension gwd.server puts in a websocket's scope)."""

import asyncio
import json

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator

from groups import services
from gwd.asgi import application
from gwd.server import Wire
from tests.groups.test_consumer import session_cookie

pytestmark = pytest.mark.django_db(transaction=True)


class FakeWire:
    """Stands for a daphne socket's transport: records what reaches it."""

    prepared = 0

    def __init__(self):
        self.texts: list[str] = []
        self.open = True

    @classmethod
    def prepare(cls, text: str) -> str:
        cls.prepared += 1
        return text

    def send(self, prepared: str) -> bool:
        if not self.open:
            return False
        self.texts.append(prepared)
        return True

    def frames(self, kind: str) -> list[dict]:
        return [f for f in map(json.loads, self.texts) if f["type"] == kind]


def with_wire(wire):
    async def app(scope, receive, send):
        scope = {**scope, "extensions": {"gwd.wire": {"wire": wire}}}
        return await application(scope, receive, send)

    return app


async def received(communicator, kind, timeout=5.0):
    while True:
        frame = await communicator.receive_json_from(timeout=timeout)
        if frame["type"] == kind:
            return frame


async def open_socket(user, group, wire=None):
    cookie = await sync_to_async(session_cookie)(user)
    communicator = WebsocketCommunicator(
        with_wire(wire) if wire else application,
        f"/ws/groups/{group.slug}/",
        headers=[
            (b"origin", b"http://testserver"),
            (b"host", b"testserver"),
            (b"cookie", f"sessionid={cookie}".encode()),
        ],
    )
    connected, _ = await communicator.connect(timeout=3)
    assert connected
    # The heartbeat ends the connect: until then frames wait in the consumer and take
    # its road, after it they take the wire.
    await received(communicator, "heartbeat")
    return communicator


async def wait_for(condition, timeout=10.0):
    """Until condition() holds, for a generous while (a loaded machine is slow)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "condition not reached"
        await asyncio.sleep(0.02)


async def test_a_group_frame_is_framed_once_for_every_wire(facilitator, member, group):
    first, second = FakeWire(), FakeWire()
    sockets = [
        await open_socket(facilitator, group, first),
        await open_socket(member, group, second),
    ]
    try:
        FakeWire.prepared = 0
        thread, _ = await sync_to_async(services.thread_create)(
            actor=facilitator,
            group=group,
            title="Umowa ESCO",
            body="Wzór w bibliotece.",
            client_id="w1",
        )
        await wait_for(lambda: first.frames("thread.updated") and second.frames("thread.updated"))
        assert first.frames("thread.updated")[0]["thread"]["id"] == thread.pk
        # Every frame of the hub (the thread, its first message, presence) reached both
        # wires as the same bytes, prepared once each.
        assert first.texts == second.texts
        assert FakeWire.prepared == len(first.texts)
    finally:
        for socket in sockets:
            await socket.disconnect()


async def test_a_socket_without_a_wire_still_gets_the_frame(facilitator, member, group):
    wire = FakeWire()
    with_one = await open_socket(facilitator, group, wire)
    plain = await open_socket(member, group)
    try:
        await sync_to_async(services.thread_create)(
            actor=facilitator,
            group=group,
            title="Podatek od nieruchomości",
            body="Procedura",
            client_id="w2",
        )
        frame = await received(plain, "thread.updated")
        await wait_for(lambda: wire.frames("thread.updated"))
        assert wire.frames("thread.updated")[0]["seq"] == frame["seq"]
    finally:
        await with_one.disconnect()
        await plain.disconnect()


async def test_a_closed_wire_falls_back_to_the_consumer(facilitator, group):
    """A wire that refuses (its socket is no longer open) writes nothing; the consumer's
    own road then has the frame, and daphne drops it for a closed socket as before."""
    wire = FakeWire()
    socket = await open_socket(facilitator, group, wire)
    try:
        wire.open = False
        await sync_to_async(services.thread_create)(
            actor=facilitator, group=group, title="Sprawozdanie", body="Do piątku", client_id="w3"
        )
        frame = await received(socket, "thread.updated")
        assert frame["thread"]["title"] == "Sprawozdanie"
        assert wire.frames("thread.updated") == []
    finally:
        await socket.disconnect()


def test_the_wire_frames_text_as_an_unmasked_text_message():
    prepared = Wire.prepare("zażółć")
    payload = "zażółć".encode()
    assert prepared.payloadHybi == bytes([0x81, len(payload)]) + payload
