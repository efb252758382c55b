"""What the socket benchmarks share: servers started on spare ports, a database of groups
and members with signed-in sessions, process readings, and clients spread over several
processes so that the client side is not what is measured.
"""

import asyncio
import contextlib
import json
import multiprocessing
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = Path(__file__).resolve().parent
DAPHNE = str(Path(sys.executable).parent / "daphne")
# GWD runs daphne through gwd/server.py (bounded request bodies, close 1009 on a frame
# that is too large); the Makefile and deploy/systemd do the same.
GWD_SERVER = [sys.executable, "-m", "gwd.server"]

SETUP = """
import json
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone
from groups import services
from groups.models import Group, Membership, User

out = {{"groups": []}}
expiry = timezone.now() + timezone.timedelta(days=1)
for g in range({groups}):
    group = Group.objects.create(slug=f"bench-{{g}}", name_pl=f"Bench {{g}}", kind="ppp")
    users = User.objects.bulk_create(
        [User(email=f"m{{n}}@g{{g}}.bench.test", full_name=f"Member {{g}}-{{n}}")
         for n in range({members})]
    )
    Membership.objects.bulk_create(
        [Membership(user=u, group=group, role="member") for u in users]
    )
    sessions = []
    for user in users:
        store = SessionStore()
        key = store._get_new_session_key()
        data = store.encode({{
            SESSION_KEY: str(user.pk),
            BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
            HASH_SESSION_KEY: user.get_session_auth_hash(),
        }})
        sessions.append(Session(session_key=key, session_data=data, expire_date=expiry))
    Session.objects.bulk_create(sessions)
    thread, _ = services.thread_create(
        actor=users[0], group=group, title="Bench", body="start", client_id="bench"
    )
    out["groups"].append({{
        "slug": group.slug, "thread": thread.pk, "sessions": [s.session_key for s in sessions]
    }})
print(json.dumps(out))
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(port: int, process: subprocess.Popen | None = None) -> None:
    for _ in range(600):
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the server on port {port} exited with {process.returncode}")
        time.sleep(0.1)
    raise TimeoutError(port)


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def cpu_seconds(pid: int) -> float:
    """User + system CPU time the process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Servers:
    """Server processes with their pids, read while the load runs: peak RSS and CPU."""

    def __init__(self, processes: list[subprocess.Popen], ports: list[int]):
        self.processes = processes
        self.ports = ports
        self.peak_rss = 0.0
        self._cpu_start = 0.0
        self._stop = threading.Event()
        self._sampler: threading.Thread | None = None

    def rss(self) -> float:
        return sum(rss_mb(p.pid) for p in self.processes)

    def cpu(self) -> float:
        return sum(cpu_seconds(p.pid) for p in self.processes)

    def start_sampling(self) -> None:
        self._cpu_start = self.cpu()

        def sample():
            while not self._stop.wait(0.2):
                with contextlib.suppress(OSError):
                    self.peak_rss = max(self.peak_rss, self.rss())

        self._sampler = threading.Thread(target=sample, daemon=True)
        self._sampler.start()

    def stop_sampling(self) -> float:
        """CPU seconds used since start_sampling."""
        self._stop.set()
        if self._sampler:
            self._sampler.join()
        self.peak_rss = max(self.peak_rss, self.rss())
        return self.cpu() - self._cpu_start

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def gwd_env(work: Path, redis_url: str, prefix: str, **extra: str) -> dict[str, str]:
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(work),
        "SECRET_KEY": "bench-" + "k" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "GWD_VAR_DIR": str(work),
        "DATABASE_URL": os.environ.get("BENCH_DATABASE_URL")
        or f"sqlite:///{work / 'bench.sqlite3'}",
        "LOG_LEVEL": "WARNING",
        **extra,
    }
    if redis_url:
        env.update(REDIS_URL=redis_url, CHANNEL_PREFIX=prefix, CACHE_PREFIX=prefix)
    return env


def prepare_gwd(env: dict[str, str], groups: int, members: int) -> dict:
    """Migrate a fresh database and make `groups` groups of `members` signed-in members."""
    manage = [sys.executable, str(ROOT / "manage.py")]
    database = env["DATABASE_URL"]
    if database.startswith("postgres"):
        base, name = database.rsplit("/", 1)
        for sql in (f'DROP DATABASE IF EXISTS "{name}"', f'CREATE DATABASE "{name}"'):
            subprocess.run(["psql", f"{base}/postgres", "-qc", sql], check=True)
    subprocess.run([*manage, "migrate", "-v0"], env=env, cwd=ROOT, check=True)
    made = subprocess.run(
        [*manage, "shell", "-c", SETUP.format(groups=groups, members=members)],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(made.stdout.strip().splitlines()[-1])


def server_command(application: str) -> list[str]:
    """GWD's application runs the way GWD runs it; any other (the bare relay) on daphne."""
    return GWD_SERVER if application.startswith("gwd.") else [DAPHNE]


def start_daphnes(
    env: dict[str, str],
    count: int,
    application: str,
    cwd: Path,
    command: list[str] | None = None,
) -> Servers:
    """`count` servers for `application`, by default started as server_command() says."""
    command = command or server_command(application)
    processes, ports = [], []
    for _ in range(count):
        port = free_port()
        processes.append(
            subprocess.Popen(
                [*command, "-b", "127.0.0.1", "-p", str(port), application],
                env=env,
                cwd=cwd,
                stdout=subprocess.DEVNULL,
                stderr=None if os.environ.get("BENCH_SERVER_LOG") else subprocess.DEVNULL,
            )
        )
        ports.append(port)
    servers = Servers(processes, ports)
    try:
        for port, process in zip(ports, processes, strict=True):
            wait_for(port, process)
    except Exception:
        servers.stop()
        raise
    return servers


@contextlib.contextmanager
def gwd_servers(*, daphnes: int, redis_url: str, groups: int, members: int, **extra: str):
    """(Servers, data) for GWD on `daphnes` processes sharing one database and layer."""
    work = Path(tempfile.mkdtemp(prefix="gwd-bench-"))
    env = gwd_env(work, redis_url, f"bench{os.getpid()}x{free_port()}", **extra)
    data = prepare_gwd(env, groups, members)
    servers = start_daphnes(env, daphnes, "gwd.asgi:application", ROOT)
    try:
        yield servers, data
    finally:
        servers.stop()


# --- Clients -----------------------------------------------------------------------------

STAMP = re.compile(r'"body":"t (\d+\.\d+) ')


def stamp_of(raw: str) -> float | None:
    """The send time carried in a `message.new` frame's body ("t <perf_counter> …")."""
    if not raw.startswith('{"type":"message.new"'):
        return None
    found = STAMP.search(raw)
    return float(found.group(1)) if found else None


@dataclass
class Tally:
    """What one client process saw."""

    connected: int = 0
    refused: int = 0
    closed: int = 0
    errors: int = 0
    sent: int = 0
    acked: int = 0
    received: int = 0
    latencies: list[float] = field(default_factory=list)

    def add(self, other: "Tally") -> None:
        for name in ("connected", "refused", "closed", "errors", "sent", "acked", "received"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.latencies.extend(other.latencies)

    def percentile(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def run_client_processes(target, assignments: list, *args, on_ready=None) -> Tally:
    """Run target(assignment, barrier, results, *args) in one process per assignment; the
    processes meet at the barrier once every socket is open (the parent joins it too and
    then calls on_ready)."""
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(len(assignments) + 1)
    results = context.Queue()
    processes = [
        context.Process(target=target, args=(assignment, barrier, results, *args))
        for assignment in assignments
    ]
    for process in processes:
        process.start()
    barrier.wait(timeout=600)
    if on_ready is not None:
        on_ready()
    total = Tally()
    for _ in processes:
        total.add(results.get(timeout=900))
    for process in processes:
        process.join()
    return total


async def open_socket(websockets, url: str, cookie: str | None, tally: Tally):
    origin = url.replace("ws://", "http://").split("/", 3)
    try:
        ws = await websockets.connect(
            url,
            additional_headers={"Cookie": f"sessionid={cookie}"} if cookie else {},
            origin="/".join(origin[:3]),
            open_timeout=60,
            max_size=2**22,
            ping_interval=None,  # the benchmark's own load must not close sockets
        )
    except Exception as error:
        tally.refused += 1
        if tally.refused == 1:
            print(f"refused: {error!r}", file=sys.stderr)
        return None
    tally.connected += 1
    return ws


async def wait_at(barrier) -> None:
    await asyncio.to_thread(barrier.wait, 600)


def wait_until_calm(load: float, bound: float = 300) -> None:
    """Until the machine's 1-minute load average is at most `load` (the previous row's
    clients and servers weigh on it for a minute or two), for at most `bound` seconds."""
    deadline = time.monotonic() + bound
    while os.getloadavg()[0] > load and time.monotonic() < deadline:
        time.sleep(2)
