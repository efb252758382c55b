"""Websocket frames over daphne's limit, on a real server started the way GWD starts it:
the client is told why with close code 1009 (message too big), as docs/protocol.md says.
Plain daphne failed such a connection by dropping TCP, so the client saw no code."""

import json

import pytest
import websockets

from tests.groups.cluster import Client
from tests.gwd.test_request_bodies import gwd_server  # noqa: F401

MB = 1024 * 1024


async def closed_with(client: Client) -> websockets.ConnectionClosed:
    """Read until the server closes the socket; the closing exception."""
    with pytest.raises(websockets.ConnectionClosed) as closed:
        while True:
            await client.ws.recv()
    return closed.value


async def test_a_frame_over_the_limit_closes_the_socket_with_1009(gwd_server):  # noqa: F811
    client = Client(gwd_server, "plock")
    await client.connect(0)
    try:
        await client.next("heartbeat")
        # Under daphne's 1 MiB but over GWD's own limit: an error frame, the socket lives.
        await client.ws.send("x" * (200 * 1024))
        assert (await client.next("error"))["code"] == "frame_too_large"
        await client.ws.send("x" * (2 * MB))
        closed = await closed_with(client)
        assert closed.rcvd is not None, "the server dropped the connection without a close"
        assert closed.rcvd.code == 1009
    finally:
        await client.close()


async def test_a_message_over_the_limit_in_small_frames_closes_with_1009(gwd_server):  # noqa: F811
    client = Client(gwd_server, "sopot")
    await client.connect(0)
    try:
        await client.next("heartbeat")
        # One message in four fragments of 512 KiB: each frame is allowed, the message not.
        await client.ws.send(["x" * (512 * 1024)] * 4)
        closed = await closed_with(client)
        assert closed.rcvd is not None, "the server dropped the connection without a close"
        assert closed.rcvd.code == 1009
    finally:
        await client.close()


async def test_a_frame_within_the_limits_is_answered(gwd_server):  # noqa: F811
    client = Client(gwd_server, "krakow")
    await client.connect(0)
    try:
        await client.next("heartbeat")
        await client.ws.send(json.dumps({"type": "no.such.frame"}))
        assert (await client.next("error"))["code"] == "unknown_type"
    finally:
        await client.close()
