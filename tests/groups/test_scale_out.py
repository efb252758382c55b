"""Two real daphne processes sharing Redis: a message sent to one reaches a member
connected to the other, and a member who was away resumes from either.

Needs REDIS_URL (the run against PostgreSQL and Redis sets it). Without it the test is
skipped with that reason — and CI, which sets GWD_REQUIRE_SERVICES=1, fails instead.
"""

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import websockets

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("REDIS_URL", "")

pytestmark = pytest.mark.needs_redis

SETUP = """
from allauth.account.models import EmailAddress
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from groups import services
from groups.models import Group, Membership, User
import json

group = Group.objects.create(slug="ppp", name="PPP", kind="ppp")
people = {}
for key, role in [("gdansk", "facilitator"), ("plock", "member")]:
    user = User.objects.create_user(email=f"{key}@gwd.test", password=None, full_name=key)
    Membership.objects.create(user=user, group=group, role=role)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    people[key] = session.session_key
thread, _ = services.thread_create(
    actor=User.objects.get(email="gdansk@gwd.test"), group=group, title="ESCO", body="Start",
    client_id="start",
)
print(json.dumps({"sessions": people, "thread": thread.pk}))
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise TimeoutError(f"daphne did not listen on {port}")


@pytest.fixture
def two_daphnes(tmp_path):
    if not REDIS_URL:
        if os.environ.get("GWD_REQUIRE_SERVICES"):
            pytest.fail("GWD_REQUIRE_SERVICES is set but REDIS_URL is not")
        pytest.skip("needs REDIS_URL: run with the Redis channel layer")
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "SECRET_KEY": "scale-out-test-" + "k" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'gwd.sqlite3'}",
        "REDIS_URL": REDIS_URL,
        # A prefix of its own, so other tests sharing this Redis never see these frames.
        "CHANNEL_PREFIX": f"gwd-scale-{uuid.uuid4().hex[:8]}",
        "CACHE_PREFIX": f"gwd-scale-{uuid.uuid4().hex[:8]}",
        "GWD_VAR_DIR": str(tmp_path),
        "MESSAGE_RATE": "1000/second",
    }
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, cwd=ROOT, check=True, timeout=120)
    made = subprocess.run(
        [*manage, "shell", "-c", SETUP],
        env=env,
        cwd=ROOT,
        check=True,
        timeout=60,
        capture_output=True,
        text=True,
    )
    data = json.loads(made.stdout.strip().splitlines()[-1])
    ports = [free_port(), free_port()]
    processes = [
        subprocess.Popen(
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
            stderr=subprocess.PIPE,
        )
        for port in ports
    ]
    try:
        for port in ports:
            wait_for_port(port)
        yield ports, data
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=10)


async def open_socket(port: int, session: str):
    return await websockets.connect(
        f"ws://127.0.0.1:{port}/ws/groups/ppp/",
        additional_headers={"Cookie": f"sessionid={session}"},
        origin=f"http://127.0.0.1:{port}",
        open_timeout=10,
    )


async def next_of(ws, kind: str, timeout: float = 5) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        frame = json.loads(await asyncio.wait_for(ws.recv(), deadline - time.monotonic()))
        if frame["type"] == kind:
            return frame


async def test_a_message_crosses_from_one_daphne_to_the_other(two_daphnes):
    (port_a, port_b), data = two_daphnes
    sessions, thread = data["sessions"], data["thread"]
    gdansk = await open_socket(port_a, sessions["gdansk"])
    plock = await open_socket(port_b, sessions["plock"])
    try:
        start = (await next_of(plock, "heartbeat"))["seq"]
        await gdansk.send(
            json.dumps(
                {"type": "message.send", "thread": thread, "body": "Przez Redis", "client_id": "x"}
            )
        )
        ack = await next_of(gdansk, "message.ack")
        arrived = await next_of(plock, "message.new")
        assert arrived["seq"] == ack["seq"] == start + 1
        assert arrived["message"]["body"] == "Przez Redis"

        # Typing and presence cross too.
        await gdansk.send(json.dumps({"type": "typing", "thread": thread}))
        assert (await next_of(plock, "typing"))["user"]["name"] == "gdansk"
    finally:
        await gdansk.close()
        await plock.close()


async def test_a_member_who_was_away_resumes_on_the_other_daphne(two_daphnes):
    (port_a, port_b), data = two_daphnes
    sessions, thread = data["sessions"], data["thread"]
    plock = await open_socket(port_b, sessions["plock"])
    seen = (await next_of(plock, "heartbeat"))["seq"]
    await plock.close()  # goes offline

    gdansk = await open_socket(port_a, sessions["gdansk"])
    for i in range(20):
        await gdansk.send(
            json.dumps(
                {"type": "message.send", "thread": thread, "body": f"nr {i}", "client_id": f"c{i}"}
            )
        )
        await next_of(gdansk, "message.ack")
    await gdansk.close()

    plock = await open_socket(port_a, sessions["plock"])
    try:
        await plock.send(json.dumps({"type": "resume", "after": seen}))
        replayed = [await next_of(plock, "message.new") for _ in range(20)]
        assert [f["message"]["body"] for f in replayed] == [f"nr {i}" for i in range(20)]
        assert [f["seq"] for f in replayed] == list(range(seen + 1, seen + 21))
    finally:
        await plock.close()


async def test_a_huge_frame_is_cut_off_by_daphne_and_a_large_one_refused_by_gwd(two_daphnes):
    (port_a, _port_b), data = two_daphnes
    socket_ = await open_socket(port_a, data["sessions"]["plock"])
    try:
        await socket_.send("x" * (200 * 1024))  # over GWD's 64 KiB, under daphne's 1 MiB
        assert (await next_of(socket_, "error"))["code"] == "frame_too_large"
        await socket_.send("x" * (2 * 1024 * 1024))
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await next_of(socket_, "error")
        # The server drops the connection (1009 "message too big" when it says why).
        received = closed.value.rcvd
        assert received is None or received.code == 1009
    finally:
        await socket_.close()
