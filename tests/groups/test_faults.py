"""Faults, each against processes of the test's own on spare ports: a Redis restart, a
daphne killed, PostgreSQL cut off. Nothing may be lost and nothing half-written.

Needs REDIS_URL (and DATABASE_URL on PostgreSQL for the database cut); without them the
tests are skipped with the reason — CI, which sets GWD_REQUIRE_SERVICES=1, fails instead.
"""

import asyncio
import json
import urllib.error
import urllib.request
import uuid
from urllib.parse import urlsplit

import psycopg
import pytest

from tests.groups.cluster import Client, Cluster, RedisServer, TcpCut, require_service

pytestmark = pytest.mark.needs_redis


@pytest.fixture
def own_redis(tmp_path):
    require_service("REDIS_URL")
    redis = RedisServer(tmp_path)
    redis.start()
    yield redis
    redis.stop()


@pytest.fixture
def cluster(tmp_path, own_redis):
    cluster = Cluster(tmp_path, redis_url=own_redis.url, processes=2)
    cluster.prepare()
    cluster.start_all()
    yield cluster
    cluster.stop_all()


async def test_a_redis_restart_crashes_nothing_and_loses_nothing(cluster, own_redis):
    reader, writer = Client(cluster, "plock"), Client(cluster, "gdansk")
    await reader.connect(0)
    await reader.next("heartbeat")
    await writer.connect(1)
    await writer.next("heartbeat")
    await writer.send("przed awarią", "before")
    assert await reader.collect(1) == ["przed awarią"]

    own_redis.stop()
    cluster.post("w czasie awarii", 3)  # saved; the doorbell cannot ring
    own_redis.start()
    await asyncio.sleep(1)
    assert cluster.alive(0) and cluster.alive(1)

    for client in (reader, writer):
        await client.close()
    await reader.connect(1)  # clients reconnect (here: to the other process)
    await reader.resume()
    got = await reader.collect(3)
    assert got == [f"w czasie awarii {n}" for n in range(3)]
    await writer.connect(0)
    await writer.next("heartbeat")
    await writer.send("po awarii", "after")
    assert await reader.collect(1) == ["po awarii"]
    await reader.close()
    await writer.close()


async def test_a_killed_daphne_sends_its_clients_elsewhere_without_loss(cluster):
    reader, writer = Client(cluster, "plock"), Client(cluster, "gdansk")
    await reader.connect(0)
    await reader.next("heartbeat")
    await writer.connect(1)
    await writer.next("heartbeat")
    cluster.kill(0)
    for n in range(5):
        await writer.send(f"po awarii procesu {n}", f"k{n}")
    await reader.connect(1)
    await reader.resume()
    assert await reader.collect(5) == [f"po awarii procesu {n}" for n in range(5)]
    assert cluster.alive(1)
    await reader.close()
    await writer.close()


@pytest.fixture
def postgres_behind_a_cut(tmp_path, own_redis):
    """A database of its own on the machine's PostgreSQL, reached through a TCP path the
    test can cut."""
    url = urlsplit(require_service("DATABASE_URL", "postgres"))
    name = f"gwd_fault_{uuid.uuid4().hex[:8]}"
    admin = f"postgresql://{url.username or 'postgres'}@{url.hostname}:{url.port or 5432}/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    cut = TcpCut(url.hostname, url.port or 5432)
    direct = f"postgres://{url.username or 'postgres'}@{url.hostname}:{url.port or 5432}/{name}"
    through_cut = f"postgres://{url.username or 'postgres'}@127.0.0.1:{cut.port}/{name}"
    cluster = Cluster(tmp_path, redis_url=own_redis.url, database_url=through_cut, processes=1)
    cluster.env["DATABASE_POOL"] = "0"
    cluster.env["DATABASE_CONN_MAX_AGE"] = "0"
    cluster.prepare(setup_env={**cluster.env, "DATABASE_URL": direct})
    cluster.start_all()
    yield cluster, cut
    cluster.stop_all()
    cut.cut()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def test_postgres_unreachable_gives_503_and_an_error_frame_and_writes_nothing(
    postgres_behind_a_cut,
):
    cluster, cut = postgres_behind_a_cut
    client = Client(cluster, "plock")
    await client.connect(0)
    await client.next("heartbeat")
    cut.cut()

    request = urllib.request.Request(
        f"http://127.0.0.1:{cluster.ports[0]}/",
        headers={"Cookie": f"sessionid={cluster.data['sessions']['plock']}"},
    )
    with pytest.raises(urllib.error.HTTPError) as failed:
        urllib.request.urlopen(request, timeout=20)
    assert failed.value.code == 503
    body = failed.value.read().decode()
    assert "Traceback" not in body

    frame = {
        "type": "message.send",
        "thread": cluster.data["thread"],
        "body": "x",
        "client_id": "cut",
    }
    await client.ws.send(json.dumps(frame))
    error = await client.next("error", timeout=30)
    assert error["code"] in ("unavailable", "not_found")
    await client.close()
