"""Fan-out benchmark: N members connected to one group, one sender posting R messages a
second for D seconds; delivered / expected and send-to-receipt latency (p50, p99).

Measures, in one run: a bare relay written with the `websockets` library (the floor)
and GWD on one daphne process with the in-memory channel layer, and with Redis when
REDIS_URL is set. Usage (from the project root, with the virtualenv):

    .venv/bin/python bench/fanout.py --members 100 500 --rate 10 --seconds 10

It starts and stops its own servers on spare ports and uses a temporary database.
"""

import argparse
import asyncio
import contextlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import websockets

ROOT = Path(__file__).resolve().parents[1]

SETUP = """
import json
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from groups import services
from groups.models import Group, Membership, User

group = Group.objects.create(slug="bench", name="Bench", kind="ppp")
users = User.objects.bulk_create(
    [User(email=f"m{{n}}@bench.test", full_name=f"Member {{n}}") for n in range({members})]
)
Membership.objects.bulk_create([Membership(user=u, group=group, role="member") for u in users])
sessions = []
for user in users:
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    sessions.append(session.session_key)
thread, _ = services.thread_create(actor=users[0], group=group, title="t", body="b", client_id="b")
print(json.dumps({{"sessions": sessions, "thread": thread.pk}}))
"""

RELAY = """
import asyncio, websockets
clients = set()
async def handler(ws):
    clients.add(ws)
    try:
        async for message in ws:
            websockets.broadcast(clients, message)
    finally:
        clients.discard(ws)
async def main():
    async with websockets.serve(handler, "127.0.0.1", {port}, max_size=2**20):
        await asyncio.Future()
asyncio.run(main())
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(port: int) -> None:
    for _ in range(300):
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise TimeoutError(port)


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def run_clients(url_for, members, rate, seconds, make_frame, read_stamp, headers_for):
    """Connect `members` clients, send rate×seconds frames from the first, measure."""
    latencies: list[float] = []
    received = 0
    done = asyncio.Event()
    expected = rate * seconds * members

    async def listen(ws):
        nonlocal received
        try:
            async for raw in ws:
                stamp = read_stamp(raw)
                if stamp is not None:
                    latencies.append(time.perf_counter() - stamp)
                    received += 1
                    if received >= expected:
                        done.set()
        except websockets.ConnectionClosed:
            pass  # counted as not delivered

    sockets = []
    for n in range(members):
        sockets.append(
            await websockets.connect(
                url_for(n),
                additional_headers=headers_for(n),
                open_timeout=30,
                max_size=2**20,
                origin=url_for(n).replace("ws://", "http://").rsplit("/ws/", 1)[0]
                if "/ws/" in url_for(n)
                else None,
            )
        )
    listeners = [asyncio.create_task(listen(ws)) for ws in sockets]
    await asyncio.sleep(1)
    sender = sockets[0]
    interval = 1 / rate
    start = time.perf_counter()
    for n in range(rate * seconds):
        await sender.send(make_frame(n, time.perf_counter()))
        await asyncio.sleep(max(0, start + (n + 1) * interval - time.perf_counter()))
    with contextlib.suppress(TimeoutError):  # what has not arrived by then is lost
        await asyncio.wait_for(done.wait(), timeout=10)
    for task in listeners:
        task.cancel()
    for ws in sockets:
        await ws.close()
    latencies.sort()
    p = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000  # noqa: E731
    return {
        "delivered": received,
        "expected": expected,
        "p50": p(0.50) if latencies else float("nan"),
        "p99": p(0.99) if latencies else float("nan"),
    }


def bench_relay(members, rate, seconds):
    port = free_port()
    process = subprocess.Popen([sys.executable, "-c", RELAY.format(port=port)])
    try:
        wait_for(port)
        result = asyncio.run(
            run_clients(
                lambda n: f"ws://127.0.0.1:{port}/",
                members,
                rate,
                seconds,
                lambda n, t: json.dumps({"t": t, "n": n}),
                lambda raw: json.loads(raw).get("t"),
                lambda n: {},
            )
        )
        result["rss"] = rss_mb(process.pid)
        return result
    finally:
        process.terminate()
        process.wait()


def bench_gwd(members, rate, seconds, redis_url):
    work = Path(tempfile.mkdtemp(prefix="gwd-bench-"))
    port = free_port()
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(work),
        "SECRET_KEY": "bench-" + "k" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "GWD_VAR_DIR": str(work),
        "DATABASE_URL": f"sqlite:///{work / 'bench.sqlite3'}",
        "MESSAGE_RATE": "100000/second",
        # One sender posts far faster than a person: lift the per-socket flood limit.
        "WEBSOCKET_FLOOD_FRAMES": "100000",
        "LOG_LEVEL": "WARNING",
    }
    if redis_url:
        env.update(REDIS_URL=redis_url, CHANNEL_PREFIX=f"bench{port}", CACHE_PREFIX=f"bench{port}")
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, cwd=ROOT, check=True)
    made = subprocess.run(
        [*manage, "shell", "-c", SETUP.format(members=members)],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    data = json.loads(made.stdout.strip().splitlines()[-1])
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "daphne"),
            "-b",
            "127.0.0.1",
            "-p",
            str(port),
            "gwd.asgi:application",
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(port)

        def stamp(raw):
            frame = json.loads(raw)
            if frame.get("type") != "message.new":
                return None
            body = frame["message"]["body"]
            return float(body.split()[1]) if body.startswith("t ") else None

        result = asyncio.run(
            run_clients(
                lambda n: f"ws://127.0.0.1:{port}/ws/groups/bench/",
                members,
                rate,
                seconds,
                lambda n, t: json.dumps(
                    {
                        "type": "message.send",
                        "thread": data["thread"],
                        "body": f"t {t}",
                        "client_id": f"c{n}",
                    }
                ),
                stamp,
                lambda n: {"Cookie": f"sessionid={data['sessions'][n]}"},
            )
        )
        result["rss"] = rss_mb(process.pid)
        return result
    finally:
        process.terminate()
        process.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, nargs="+", default=[100, 500, 1000])
    parser.add_argument("--rate", type=int, default=10)
    parser.add_argument("--seconds", type=int, default=30)
    args = parser.parse_args()
    redis_url = os.environ.get("REDIS_URL", "")
    rows = []
    for members in args.members:
        targets = [
            ("bare websockets relay", bench_relay, ()),
            ("GWD, 1 daphne, in-memory layer", bench_gwd, ("",)),
        ]
        if redis_url:
            targets.append(("GWD, 1 daphne, Redis layer", bench_gwd, (redis_url,)))
        for name, function, extra in targets:
            result = function(members, args.rate, args.seconds, *extra)
            rows.append((members, name, result))
            print(
                f"{members:>5} | {name:<32} | {result['delivered']:>7}/{result['expected']:<7} "
                f"| p50 {result['p50']:8.1f} ms | p99 {result['p99']:8.1f} ms "
                f"| RSS {result['rss']:6.0f} MB",
                flush=True,
            )


if __name__ == "__main__":
    main()
