"""Three real daphne processes sharing the machine's Redis: every message reaches every
member whichever process they are connected to, and a member who moves to another
process resumes without loss or duplicates.

Needs REDIS_URL (the run against PostgreSQL and Redis sets it). Without it the tests are
skipped with that reason — and CI, which sets GWD_REQUIRE_SERVICES=1, fails instead.
"""

import asyncio
import json

import pytest
import websockets

from tests.groups.cluster import Client, Cluster, require_service

pytestmark = pytest.mark.needs_redis


@pytest.fixture
def cluster(tmp_path):
    cluster = Cluster(tmp_path, redis_url=require_service("REDIS_URL"), processes=3)
    cluster.prepare()
    cluster.start_all()
    yield cluster
    cluster.stop_all()


MEMBERS = ["gdansk", "plock", "sopot", "krakow", "plonsk", "kobylnica"]


async def test_every_message_reaches_every_member_across_three_processes(cluster):
    clients = [Client(cluster, who) for who in MEMBERS]
    for n, client in enumerate(clients):
        await client.connect(n % 3)  # two members on each process
        await client.next("heartbeat")
    try:
        for n in range(5):
            await clients[0].send(f"z Gdańska {n}", f"g{n}")
            await clients[3].send(f"z Krakowa {n}", f"k{n}")
        expected = sorted(
            [f"z Gdańska {n}" for n in range(5)] + [f"z Krakowa {n}" for n in range(5)]
        )
        for client in clients:
            try:
                await client.until(10)
            except TimeoutError:
                raise AssertionError(
                    f"{client.who}: {client.seen} last={client.last_seq}"
                ) from None
            bodies = [body for _seq, body in client.seen]
            assert sorted(bodies) == expected, client.who
            assert [seq for seq, _ in client.seen] == sorted(seq for seq, _ in client.seen)
    finally:
        for client in clients:
            await client.close()


async def test_a_member_who_moves_to_another_process_resumes_without_loss(cluster):
    mover, writer = Client(cluster, "plock"), Client(cluster, "gdansk")
    await mover.connect(0)
    await mover.next("heartbeat")
    await writer.connect(1)
    await writer.next("heartbeat")
    await mover.close()  # the laptop sleeps; the proxy will send it elsewhere
    for n in range(7):
        await writer.send(f"w przerwie {n}", f"p{n}")
    await mover.connect(2)
    await mover.resume()
    assert await mover.collect(7) == [f"w przerwie {n}" for n in range(7)]
    # Live frames that the replay already brought may still come: they change nothing.
    with pytest.raises(asyncio.TimeoutError):
        await mover.collect(1, timeout=1.5)
    assert [body for _, body in mover.seen] == [f"w przerwie {n}" for n in range(7)]
    await mover.close()
    await writer.close()


async def test_a_huge_frame_is_cut_off_by_daphne_and_a_large_one_refused_by_gwd(cluster):
    client = Client(cluster, "plock")
    await client.connect(0)
    try:
        await client.ws.send("x" * (200 * 1024))  # over GWD's 64 KiB, under daphne's 1 MiB
        assert (await client.next("error"))["code"] == "frame_too_large"
        await client.ws.send("x" * (2 * 1024 * 1024))
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await client.next("error")
        # The server drops the connection (1009 "message too big" when it says why).
        received = closed.value.rcvd
        assert received is None or received.code == 1009
    finally:
        await client.close()


__all__ = ["json"]
