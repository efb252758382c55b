"""Real daphne processes (and, for fault tests, their own redis-server and a cuttable
TCP path to PostgreSQL) on spare ports, for the scale-out and fault tests."""

import asyncio
import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
import websockets

ROOT = Path(__file__).resolve().parents[2]

SETUP = """
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from groups import services
from groups.models import Group, Membership, User
import json

group = Group.objects.create(slug="ppp", name_pl="PPP", kind="ppp")
people = {}
for key, role in [("gdansk", "facilitator"), ("plock", "member"), ("sopot", "member"),
                  ("krakow", "member"), ("plonsk", "member"), ("kobylnica", "member")]:
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

POST = """
from groups import services
from groups.models import Thread, User
thread = Thread.objects.get(pk={thread})
for n in range({count}):
    services.message_send(actor=User.objects.get(email="gdansk@gwd.test"), thread=thread,
                          body=f"{prefix} {{n}}", client_id=f"{prefix}-{{n}}")
"""


def require_service(variable: str, scheme: str = "") -> str:
    """The URL of a service these tests need (REDIS_URL, DATABASE_URL), or a skip that
    says how to run them. CI sets GWD_REQUIRE_SERVICES=1, which turns the skip into a
    failure, so the run against PostgreSQL and Redis can never quietly leave them out."""
    value = os.environ.get(variable, "")
    if value and (not scheme or value.startswith(scheme)):
        return value
    if os.environ.get("GWD_REQUIRE_SERVICES"):
        pytest.fail(
            f"GWD_REQUIRE_SERVICES is set but {variable} is not a usable {scheme or 'service'} URL"
        )
    pytest.skip(
        f"needs a real {scheme or variable.split('_')[0].lower()} server: set {variable} "
        "(make test on the embedded defaults has none; CI's second run sets it)"
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_open(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def wait_for_port(port: int, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if port_open(port):
            return
        time.sleep(0.1)
    raise TimeoutError(f"nothing listens on {port}")


class RedisServer:
    """A redis-server of the test's own, which it may stop and start again."""

    def __init__(self, work: Path):
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server is needed for the fault tests")
        self.binary, self.work, self.port = binary, work, free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.work),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port)

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None


class TcpCut:
    """A TCP forwarder to PostgreSQL that the test can cut, as if the network failed."""

    def __init__(self, target_host: str, target_port: int):
        self.target = (target_host, target_port)
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.port = self.listener.getsockname()[1]
        self.open: list[socket.socket] = []
        self.running = True
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while self.running:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if not self.running:
                client.close()
                return
            upstream = socket.create_connection(self.target)
            self.open += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                with contextlib.suppress(OSError):
                    s.close()

    def cut(self) -> None:
        self.running = False
        self.listener.close()
        for s in self.open:
            try:
                s.shutdown(socket.SHUT_RDWR)
                s.close()
            except OSError:
                pass


class Cluster:
    """N daphne processes sharing one database and one Redis."""

    def __init__(
        self, work: Path, *, redis_url: str, database_url: str | None = None, processes: int = 2
    ):
        self.work = work
        self.env = {
            "PATH": os.environ["PATH"],
            "HOME": str(work),
            "SECRET_KEY": "cluster-test-" + "k" * 50,
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "0",
            "DATABASE_URL": database_url or f"sqlite:///{work / 'gwd.sqlite3'}",
            "REDIS_URL": redis_url,
            # Prefixes of their own, so other tests sharing a Redis never see these frames.
            "CHANNEL_PREFIX": f"gwd-cluster-{uuid.uuid4().hex[:8]}",
            "CACHE_PREFIX": f"gwd-cluster-{uuid.uuid4().hex[:8]}",
            "GWD_VAR_DIR": str(work),
            "MESSAGE_RATE": "1000/second",
            "HEARTBEAT_SECONDS": "2",
        }
        self.ports = [free_port() for _ in range(processes)]
        self.processes: list[subprocess.Popen | None] = [None] * processes
        self.data: dict = {}

    def manage(self, *args: str, env: dict | None = None) -> str:
        result = subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), *args],
            env=env or self.env,
            cwd=ROOT,
            check=True,
            timeout=180,
            capture_output=True,
            text=True,
        )
        return result.stdout

    def prepare(self, *, setup_env: dict | None = None) -> None:
        self.manage("migrate", "-v0", env=setup_env)
        output = self.manage("shell", "-c", SETUP, env=setup_env)
        self.data = json.loads(output.strip().splitlines()[-1])

    def start(self, index: int) -> None:
        self.processes[index] = subprocess.Popen(
            [
                *(sys.executable, "-m", "gwd.server"),  # how GWD runs daphne
                "-b",
                "127.0.0.1",
                "-p",
                str(self.ports[index]),
                "gwd.asgi:application",
            ],
            env=self.env,
            cwd=ROOT,
            stdout=(log := self.work / f"daphne-{index}.log").open("a"),
            stderr=subprocess.STDOUT,
        )
        # A generous bound for a busy machine; a server that died says why at once.
        deadline = time.monotonic() + 180
        while not port_open(self.ports[index]):
            assert self.processes[index].poll() is None, log.read_text()
            if time.monotonic() > deadline:
                raise TimeoutError(f"the server did not listen on {self.ports[index]}")
            time.sleep(0.1)

    def start_all(self) -> None:
        for index in range(len(self.ports)):
            self.start(index)

    def kill(self, index: int) -> None:
        process = self.processes[index]
        if process is not None:
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=10)
            self.processes[index] = None

    def alive(self, index: int) -> bool:
        process = self.processes[index]
        return process is not None and process.poll() is None

    def stop_all(self) -> None:
        for index, process in enumerate(self.processes):
            if process is not None:
                process.terminate()
                process.wait(timeout=10)
                self.processes[index] = None

    def post(self, prefix: str, count: int) -> None:
        """Messages written by another process straight through the service."""
        self.manage(
            "shell", "-c", POST.format(thread=self.data["thread"], count=count, prefix=prefix)
        )


class Client:
    """A member's socket on one daphne, remembering the last event number it applied."""

    def __init__(self, cluster: Cluster, who: str):
        self.cluster, self.who = cluster, who
        self.ws = None
        self.last_seq = 0
        self.gap = False
        self.seen: list[tuple[int, str]] = []

    async def connect(self, index: int) -> None:
        port = self.cluster.ports[index]
        self.ws = await websockets.connect(
            f"ws://127.0.0.1:{port}/ws/groups/ppp/",
            additional_headers={"Cookie": f"sessionid={self.cluster.data['sessions'][self.who]}"},
            origin=f"http://127.0.0.1:{port}",
            open_timeout=10,
        )

    async def resume(self) -> None:
        await self.ws.send(json.dumps({"type": "resume", "after": self.last_seq}))

    async def send(self, body: str, client_id: str) -> dict:
        await self.ws.send(
            json.dumps(
                {
                    "type": "message.send",
                    "thread": self.cluster.data["thread"],
                    "body": body,
                    "client_id": client_id,
                }
            )
        )
        return await self.next("message.ack")

    async def next(self, kind: str, timeout: float = 10) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            frame = json.loads(await asyncio.wait_for(self.ws.recv(), deadline - time.monotonic()))
            self.apply(frame)
            if frame["type"] == kind:
                return frame

    def apply(self, frame: dict) -> None:
        """The protocol's client rules: apply only the next number; a duplicate is
        ignored; a gap (two processes may deliver out of order) asks for a replay."""
        seq = frame.get("seq")
        if frame["type"] == "heartbeat":
            if self.last_seq == 0:
                self.last_seq = seq
            elif seq > self.last_seq:
                self.gap = True
        elif seq is not None and frame["type"] in ("message.new", "message.updated"):
            if seq == self.last_seq + 1:
                self.last_seq = seq
                if frame["type"] == "message.new":
                    self.seen.append((seq, frame["message"]["body"]))
            elif seq > self.last_seq + 1:
                self.gap = True

    async def collect(self, count: int, timeout: float = 15) -> list[str]:
        """Bodies of the next `count` new messages, in order, ignoring duplicates."""
        start = len(self.seen)
        await self.until(start + count, timeout)
        return [body for _seq, body in self.seen[start:]]

    async def until(self, total: int, timeout: float = 15) -> None:
        """Read until `total` new messages have been applied since connecting."""
        deadline = time.monotonic() + timeout
        while len(self.seen) < total:
            if self.gap:
                self.gap = False
                await self.resume()
            frame = json.loads(await asyncio.wait_for(self.ws.recv(), deadline - time.monotonic()))
            self.apply(frame)

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
