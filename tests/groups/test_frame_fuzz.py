"""Odd frames get an `error` frame with a stable code: never a crash, never a 1011 close,
nothing written (docs/protocol.md, "Bad frames").

Each frame type of the protocol is sent with every field replaced by values drawn from
what attackers try: numbers past 64 bits, NUL bytes, lone surrogates, bidi controls,
deep nesting, wrong types. Hypothesis runs derandomised, so the suite sees the same
frames every time.
"""

import json

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.testing import WebsocketCommunicator
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from groups import services
from groups.models import Message, Report
from gwd.asgi import application
from tests.groups.test_consumer import (  # noqa: F401 — connect: the socket fixture
    Socket,
    connect,
    session_cookie,
)

pytestmark = pytest.mark.django_db(transaction=True)

# docs/protocol.md, client → server: every type with its fields.
FRAMES = {
    "message.send": ["thread", "body", "client_id"],
    "message.edit": ["id", "body"],
    "message.delete": ["id"],
    "reaction.toggle": ["message", "emoji"],
    "typing": ["thread"],
    "read": ["thread", "seq"],
    "resume": ["after"],
    "message.report": ["id", "reason", "text"],
    "message.hide": ["id", "reason"],
    "message.unhide": ["id"],
    "thread.lock": ["thread"],
    "thread.unlock": ["thread"],
    "thread.pin": ["thread"],
    "thread.unpin": ["thread"],
    "member.mute": ["user", "minutes", "reason"],
}

ODD_NUMBERS = st.one_of(
    st.sampled_from([0, -1, 2**31, 2**63 - 1, 2**63, 2**64, -(2**64), 10**25]),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
)
ODD_TEXTS = st.one_of(
    st.sampled_from(
        ["", " ", "\x00", "a\x00b", "\ud800", "x\udfff", "\u202egnp.exe", "👍", "0" * 70_000]
    ),
    st.text(max_size=30),
    st.text(max_size=10).map(lambda text: text + "\x00"),
)
ODD_VALUES = st.one_of(
    ODD_NUMBERS,
    ODD_TEXTS,
    st.none(),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    st.recursive(st.integers(), lambda inner: st.lists(inner, max_size=2), max_leaves=8),
)


def frames_strategy(valid: dict[str, object]):
    """Frames of every type, each a valid frame with some fields swapped for odd values
    (or left out), so that odd values get past the shape checks of the other fields
    into the services and the database."""

    def field_value(name: str):
        good = st.uuids().map(str) if name == "client_id" else st.just(valid[name])
        return st.one_of(good, ODD_VALUES, ODD_VALUES)

    def one(frame_type: str):
        return st.fixed_dictionaries(
            {"type": st.just(frame_type)},
            optional={name: field_value(name) for name in FRAMES[frame_type]},
        )

    return st.sampled_from(sorted(FRAMES)).flatmap(one)


async def exchange(socket, frames: list[dict]) -> None:
    """Send the frames, then a marker; everything up to the marker's answer must be
    frames of the protocol, and the socket must still be open."""
    for frame in frames:
        await socket.send_text(json.dumps(frame))
    await socket.send({"type": "fuzz.marker"})
    while True:
        output = await socket.communicator.receive_output(timeout=10)
        assert output["type"] == "websocket.send", output  # closed: a crash or a cut-off
        output["text"].encode("utf-8")  # what the transport does: a lone surrogate fails
        reply = json.loads(output["text"])
        assert "type" in reply
        if reply["type"] == "error" and reply.get("code") == "unknown_type":
            return


@pytest.fixture
def cast(facilitator, member, group, settings):
    settings.WEBSOCKET_FLOOD_FRAMES = 10_000
    settings.MESSAGE_RATE = "10000/second"
    thread, first = services.thread_create(
        actor=facilitator, group=group, title="Fuzz", body="Pierwsza", client_id="fz"
    )
    reply, _ = services.message_send(actor=member, thread=thread, body="Druga", client_id="f2")
    return {
        "thread": thread.pk,
        "id": reply.pk,
        "message": first.pk,
        "user": member.pk,
        "body": "Tekst wiadomości",
        "emoji": "👍",
        "seq": 1,
        "after": 0,
        "reason": "spam",
        "text": "Szczegóły",
        "minutes": 5,
    }


@hypothesis_settings(
    max_examples=40,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_no_frame_crashes_the_socket(facilitator, group, cast, data):
    frames = data.draw(st.lists(frames_strategy(cast), min_size=20, max_size=20))
    cookie = session_cookie(facilitator)

    async def run():
        # Its own socket in its own loop: the async `connect` fixture lives in another.
        communicator = WebsocketCommunicator(
            application,
            f"/ws/groups/{group.slug}/",
            headers=[
                (b"origin", b"http://testserver"),
                (b"host", b"testserver"),
                (b"cookie", f"sessionid={cookie}".encode()),
            ],
        )
        connected, _ = await communicator.connect(timeout=5)
        assert connected
        try:
            await exchange(Socket(communicator), frames)
        finally:
            await communicator.disconnect(timeout=5)

    async_to_sync(run)()


# --- The inputs that were seen to crash, each on its own ----------------------------------


@pytest.mark.parametrize(
    "frame",
    [
        {"type": "member.mute", "user": 2**64, "minutes": 5},
        {"type": "message.delete", "id": 10**25},
        {"type": "resume", "after": 2**64},
        {"type": "message.send", "thread": 1, "body": "\ud800", "client_id": "s1"},
        {"type": "message.send", "thread": 1, "body": "a\x00b", "client_id": "s2"},
        {"type": "message.send", "thread": 1, "body": "ok", "client_id": "c\x00"},
        {"type": "message.report", "id": 1, "reason": "other", "text": "x\x00"},
        {"type": "message.hide", "id": 1, "reason": "\x00"},
    ],
)
async def test_odd_values_are_refused_with_invalid(
    connect,  # noqa: F811
    facilitator,
    group,
    cast,
    frame,
):
    frame = {k: cast[k] if v == 1 else v for k, v in frame.items()}
    before = await sync_to_async(Message.objects.count)()
    _, socket = await connect(facilitator, group)
    await socket.send(frame)
    assert (await socket.receive("error"))["code"] == "invalid"
    assert await sync_to_async(Message.objects.count)() == before
    assert not await sync_to_async(Report.objects.exists)()
    await socket.close()


async def test_a_deeply_nested_frame_is_bad_json_and_the_socket_stays(
    connect,  # noqa: F811
    member,
    group,
):
    _, socket = await connect(member, group)
    await socket.send_text("[" * 30_000 + "]" * 30_000)
    assert (await socket.receive("error"))["code"] in ("bad_json", "frame_too_large")
    await socket.send_text('{"type": "message.send", "thread": [[[[[[1]]]]]]}')
    assert (await socket.receive("error"))["code"] == "invalid"
    await socket.send({"type": "fuzz.marker"})
    assert (await socket.receive("error"))["code"] == "unknown_type"
    await socket.close()
