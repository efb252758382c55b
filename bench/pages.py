"""HTTP benchmark: the pages people open most, on a large data set.

Creates a fresh database (PostgreSQL by default, dropped and created again; --sqlite for
a file in a temporary directory), migrates it, loads `manage.py bench_data` and vacuums
it as autovacuum would, starts one daphne process with production settings (DEBUG off,
collected static files), signs in members with session cookies and then, page by page,
keeps --clients clients requesting the page for --seconds. It prints, per page:
requests, errors (anything but 200), requests a second, p50 and p99 latency, the SQL
queries one request makes and their time (measured apart, with Django's test client
against the same database), the CPU time used meanwhile by daphne, by PostgreSQL, by
the clients and by anything else on the machine, and daphne's memory.

Two floors, measured in the same run, make the figures hold from machine to machine:
a bare ASGI application on daphne answering "ok" (bench/bare_asgi.py: the server's own
cost) and GWD's 404 page (its middleware and base template). Each page's daphne CPU per
request is printed as a ratio to both.

With --open-loop each page is also requested at a fixed arrival rate, a third of the
rate its closed-loop run reached, as people arrive (not as clients that never pause):
its p50 and p99 then say what a visitor waits when the server is not saturated, and
daphne's and PostgreSQL's CPU per request what a page costs when requests do not
contend for the two cores.
--rate N sets that arrival rate instead (the search target is 20 requests a second),
--only WORD… measures only the pages whose names hold one of the words, and
--daphnes N runs N daphne processes with the clients spread over them, as nginx spreads
requests over deploy/'s daphnes: one Python process runs one request at a time, and on
two cores a second one is what the deployment would have. --threads N sets each daphne's
HTTP_THREADS, the requests it runs at once.

    .venv/bin/python bench/pages.py --members 2000 --messages 100000 --documents 10000

With --explain it also prints the plan of each page's slowest query.
"""

import argparse
import asyncio
import datetime as dt
import json
import os
import platform
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote, urlsplit

from common import ROOT, cpu_seconds, free_port, rss_mb, wait_for

DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/gwd_bench_http"
TICKS = os.sysconf("SC_CLK_TCK")

# Runs in `manage.py shell`: sessions for members of the main group, and the pages.
SETUP = """
import json
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from groups.models import Group, Membership, Thread

group = Group.objects.get(slug={prefix!r})
members = (
    Membership.objects.active().filter(group=group, role="member")
    .select_related("user").order_by("pk")[:{clients}]
)
sessions = []
for membership in members:
    session = SessionStore()
    session[SESSION_KEY] = str(membership.user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = membership.user.get_session_auth_hash()
    session.create()
    sessions.append(session.session_key)
thread = Thread.objects.filter(group=group).order_by("-message_count").first()
from groups.models import TerritorialUnit
from indicators.models import Indicator
indicator = Indicator.objects.get(group=group, code="bench-004")
unit = TerritorialUnit.objects.of_group(group).order_by("pk").last()
print(json.dumps({{
    "sessions": sessions, "thread": thread.pk, "messages": thread.message_count,
    "indicator": indicator.pk, "unit": unit.pk,
}}))
"""

# Runs in `manage.py shell`: the queries of one request to each page, after two warm-ups.
QUERIES = """
import json, time
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.contrib.sessions.models import Session
from groups.models import User
from resources.models import Document
from resources.search import document_search

timings = []

def timed(execute, sql, params, many, context):
    started = time.perf_counter()
    try:
        return execute(sql, params, many, context)
    finally:
        timings.append(time.perf_counter() - started)

pages = {pages!r}
client = Client(HTTP_HOST="127.0.0.1")
client.cookies["sessionid"] = {session!r}
result = {{}}
for name, path in pages.items():
    status = 404 if name.startswith("floor: 404") else 200
    for _ in range(2):
        assert client.get(path).status_code == status, path
    timings.clear()
    with CaptureQueriesContext(connection) as queries, connection.execute_wrapper(timed):
        assert client.get(path).status_code == status, path
    slowest = max(range(len(timings)), key=timings.__getitem__) if timings else None
    row = {{"queries": len(queries), "sql_ms": sum(timings) * 1000}}
    if {explain!r} and slowest is not None and connection.vendor == "postgresql":
        sql = queries.captured_queries[slowest]["sql"]
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            row["plan"] = "\\n".join(line for (line,) in cursor.fetchall())
        row["slowest_sql"] = sql
        row["slowest_ms"] = timings[slowest] * 1000
    result[name] = row
user = User.objects.get(pk=Session.objects.get(pk={session!r}).get_decoded()["_auth_user_id"])
matches = document_search(Document.objects.for_user(user), {query!r}).count()
print(json.dumps({{"pages": result, "search_matches": matches}}))
"""


def postgres_cpu_seconds() -> float | None:
    """CPU time of every local PostgreSQL process (None when there is none to read)."""
    total, found = 0.0, False
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:  # the process ended meanwhile
            continue
        if "(postgres)" in text:
            found = True
            fields = text.rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / TICKS
    return total if found else None


def machine_cpu_seconds() -> float:
    """CPU time the whole machine has been busy (all processes), from /proc/stat."""
    user, nice, system, _idle, _iowait, irq, softirq, steal = (
        int(n) for n in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]
    )
    return (user + nice + system + irq + softirq + steal) / TICKS


def client_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


# --- A small HTTP/1.1 client: keep-alive connections, GET only ------------------------


async def get(reader, writer, request: bytes) -> int:
    """Send one request on an open connection and read the whole response; its status."""
    writer.write(request)
    await writer.drain()
    status_line = await reader.readline()
    if not status_line:
        raise ConnectionError("the server closed the connection")
    status = int(status_line.split()[1])
    length, chunked, close = 0, False, False
    while (line := await reader.readline()) not in (b"\r\n", b""):
        name, _, value = line.decode("latin-1").partition(":")
        name, value = name.strip().lower(), value.strip().lower()
        if name == "content-length":
            length = int(value)
        elif name == "transfer-encoding":
            chunked = "chunked" in value
        elif name == "connection":
            close = value == "close"
    if chunked:
        while size := int((await reader.readline()).split(b";")[0], 16):
            await reader.readexactly(size + 2)
        await reader.readline()  # the empty line after the last chunk
    else:
        await reader.readexactly(length)
    if close:
        raise ConnectionResetError("the server asked to close the connection")
    return status


async def run_clients(
    ports: list[int], path: str, cookies: list[str], seconds: float, *, status: int = 200
) -> dict:
    """len(cookies) clients, each on its own connection (to the servers' ports in turn),
    requesting `path` one after another for `seconds`; every latency and status is
    kept."""
    latencies: list[float] = []
    errors = 0
    end = time.perf_counter() + seconds
    expected_status = status

    async def client(number: int, cookie: str) -> None:
        nonlocal errors
        port = ports[number % len(ports)]
        request = (
            f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nCookie: sessionid={cookie}\r\n"
            "Accept: text/html\r\nConnection: keep-alive\r\n\r\n"
        ).encode()
        reader = writer = None
        while time.perf_counter() < end:
            if writer is None:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
            started = time.perf_counter()
            try:
                status = await asyncio.wait_for(get(reader, writer, request), timeout=60)
            except (OSError, EOFError, TimeoutError, asyncio.IncompleteReadError):
                errors += 1
                writer.close()
                reader = writer = None
                continue
            latencies.append(time.perf_counter() - started)
            if status != expected_status:
                errors += 1
        if writer is not None:
            writer.close()

    await asyncio.gather(*(client(number, cookie) for number, cookie in enumerate(cookies)))
    return summary(latencies, errors, seconds)


async def run_open_loop(
    ports: list[int], path: str, cookies: list[str], seconds: float, rate: float, status: int = 200
) -> dict:
    """Requests of `path` arriving at `rate` a second, evenly spaced, whatever the
    answers: each on a connection of a pool (one per cookie), a new one if all are busy.
    Latency counts from the moment the request was due, so waiting is not hidden."""
    latencies: list[float] = []
    errors = 0
    idle: dict[int, list[tuple]] = {port: [] for port in ports}
    start = time.perf_counter()
    total = int(seconds * rate)

    async def one(n: int) -> None:
        nonlocal errors
        due = start + n / rate
        cookie = cookies[n % len(cookies)]
        port = ports[n % len(ports)]
        request = (
            f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nCookie: sessionid={cookie}\r\n"
            "Accept: text/html\r\nConnection: keep-alive\r\n\r\n"
        ).encode()
        try:
            reader, writer = (
                idle[port].pop() if idle[port] else await asyncio.open_connection("127.0.0.1", port)
            )
            got = await asyncio.wait_for(get(reader, writer, request), timeout=60)
        except (OSError, EOFError, TimeoutError, asyncio.IncompleteReadError):
            errors += 1
            return
        latencies.append(time.perf_counter() - due)
        idle[port].append((reader, writer))
        if got != status:
            errors += 1

    tasks = []
    for n in range(total):
        await asyncio.sleep(max(0.0, start + n / rate - time.perf_counter()))
        tasks.append(asyncio.create_task(one(n)))
    await asyncio.gather(*tasks)
    for _reader, writer in (pair for pairs in idle.values() for pair in pairs):
        writer.close()
    return summary(latencies, errors, seconds)


def summary(latencies: list[float], errors: int, seconds: float) -> dict:
    latencies.sort()

    def percentile(q: float) -> float:
        if not latencies:
            return float("nan")
        return latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000

    return {
        "requests": len(latencies),
        "errors": errors,
        "rate": len(latencies) / seconds,
        "p50": percentile(0.50),
        "p99": percentile(0.99),
    }


# --- Set-up -----------------------------------------------------------------------


def recreate_postgres_database(url: str) -> str:
    """Drop and create the database of `url`; PostgreSQL's version."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
        return connection.execute("SHOW server_version").fetchone()[0]


def holds_bench_data(url: str) -> str | None:
    """PostgreSQL's version when the database of `url` already holds an earlier run's
    data (group "bench" with its figures), else None."""
    import psycopg

    try:
        with psycopg.connect(url, autocommit=True) as connection:
            found = connection.execute(
                "SELECT 1 FROM groups_group g JOIN indicators_value v ON v.group_id = g.id"
                " WHERE g.slug = 'bench' LIMIT 1"
            ).fetchone()
            version = connection.execute("SHOW server_version").fetchone()[0]
    except psycopg.Error:
        return None
    return version if found else None


def vacuum(url: str) -> None:
    """What autovacuum does after a large load: without it, it would run during the
    measurement, and the planner would meanwhile work from empty statistics."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("VACUUM (ANALYZE)")


def environment(work: Path, database_url: str) -> dict[str, str]:
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(work),
        "SECRET_KEY": "bench-" + "k" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "GWD_VAR_DIR": str(work),
        "STATIC_ROOT": str(work / "static"),
        "DATABASE_URL": database_url,
        "LOG_LEVEL": "WARNING",
    }
    if os.environ.get("REDIS_URL"):
        prefix = f"benchhttp{os.getpid()}"
        env.update(REDIS_URL=os.environ["REDIS_URL"], CHANNEL_PREFIX=prefix, CACHE_PREFIX=prefix)
    return env


def manage(env: dict[str, str], *args: str, capture: bool = False) -> str:
    done = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=capture,
        text=True,
    )
    return done.stdout if capture else ""


def last_json(output: str) -> dict:
    return json.loads(output.strip().splitlines()[-1])


def measure_bare(env: dict[str, str], cookies: list[str], args) -> dict:
    """The server's floor: daphne with bench/bare_asgi.py, the same clients."""
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "daphne",
            "-b",
            "127.0.0.1",
            "-p",
            str(port),
            "bare_asgi:application",
        ],
        env=env,
        cwd=ROOT / "bench",
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(port)
        asyncio.run(run_clients([port], "/", cookies, args.warmup))
        before = cpu_seconds(process.pid)
        result = asyncio.run(run_clients([port], "/", cookies, args.seconds))
        result["cpu_ms"] = (cpu_seconds(process.pid) - before) / max(result["requests"], 1) * 1000
        return result
    finally:
        process.terminate()
        process.wait()


def load(env: dict[str, str], args) -> None:
    """The members, messages, documents and figures the pages read."""
    manage(
        env,
        "bench_data",
        f"--members={args.members}",
        f"--messages={args.messages}",
        f"--documents={args.documents}",
        f"--seed={args.seed}",
    )
    manage(
        env,
        "bench_indicators",
        "--group=bench",
        f"--units={args.units}",
        f"--indicators={args.indicators}",
        f"--years={args.years}",
        f"--seed={args.seed}",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=2000)
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--units", type=int, default=300, help="municipalities with figures")
    parser.add_argument("--indicators", type=int, default=200)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument(
        "--daphnes",
        type=int,
        default=1,
        help="GWD's daphne processes, the clients spread over them (as nginx does over"
        " deploy/'s four); the CPU columns add theirs up, RSS is the largest",
    )
    parser.add_argument(
        "--threads",
        type=int,
        help="HTTP_THREADS of each daphne process (the settings' default when not given)",
    )
    parser.add_argument("--seconds", type=float, default=20, help="per page")
    parser.add_argument("--warmup", type=float, default=2, help="seconds per page, not counted")
    parser.add_argument("--query", default="umowa termomodernizacja", help="the search")
    parser.add_argument("--database-url", default=DEFAULT_DATABASE)
    parser.add_argument("--sqlite", action="store_true", help="a SQLite file instead")
    parser.add_argument(
        "--keep-database",
        action="store_true",
        help="use the PostgreSQL database as an earlier run left it, if it did (its sizes,"
        " not those asked): loading 100,000 messages takes minutes",
    )
    parser.add_argument(
        "--explain", action="store_true", help="print the plan of each page's slowest query"
    )
    parser.add_argument(
        "--open-loop", action="store_true", help="also each page at a third of its req/s"
    )
    parser.add_argument(
        "--rate", type=float, help="the open loop at this many requests a second instead"
    )
    parser.add_argument(
        "--only", nargs="+", metavar="WORD", help="only the pages whose name holds a word"
    )
    args = parser.parse_args()
    if args.daphnes < 1:
        parser.error("--daphnes needs at least one daphne")
    args.open_loop = args.open_loop or args.rate is not None

    work = Path(tempfile.mkdtemp(prefix="gwd-bench-http-"))
    kept = None
    if args.sqlite:
        database_url = f"sqlite:///{work / 'bench.sqlite3'}"
        database = f"SQLite {sqlite3.sqlite_version}"
    else:
        database_url = args.database_url
        kept = holds_bench_data(database_url) if args.keep_database else None
        if kept:
            database = f"PostgreSQL {kept} with an earlier run's data"
        else:
            database = f"PostgreSQL {recreate_postgres_database(database_url)}"
    env = environment(work, database_url)
    if args.threads is not None:
        env["HTTP_THREADS"] = str(args.threads)
    print(
        f"{dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}; {os.cpu_count()} CPUs; "
        f"Python {platform.python_version()}; {database}; load average {os.getloadavg()[0]:.2f}; "
        f"work directory {work} (removed at the end)",
        flush=True,
    )
    manage(env, "migrate", "-v0")
    manage(env, "collectstatic", "--no-input", "-v0")
    if not kept:
        load(env, args)
    if not args.sqlite and not kept:
        vacuum(database_url)
    setup = SETUP.format(prefix="bench", clients=args.clients)
    data = last_json(manage(env, "shell", "-c", setup, capture=True))
    pages = {
        # GWD's floor: its middleware and the base template, no query of its own.
        "floor: 404 page": "/no-such-page/",
        "/healthz": "/healthz",
        "group dashboard": "/groups/bench/",
        f"big thread ({data['messages']} messages)": f"/groups/bench/threads/{data['thread']}/",
        "library": "/groups/bench/library/",
        "library search": f"/library/search/?q={quote(args.query)}",
        "search in the group's library": f"/groups/bench/library/?q={quote(args.query)}",
        # One indicator's ranking of every municipality, and one municipality against the
        # group on every indicator (--units × --indicators × --years figures).
        f"indicator comparison ({args.units} units)": (
            f"/groups/bench/indicators/compare/?indicator={data['indicator']}&year=2025"
        ),
        f"municipality profile ({args.indicators} indicators)": (
            f"/groups/bench/indicators/units/{data['unit']}/profile/?year=2025"
        ),
        # The group's search over everything: a rare pair of words, and a word that is in
        # a tenth of all messages (counted and ranked in full).
        "group search": f"/groups/bench/search/?q={quote(args.query)}",
        "group search, common word": "/groups/bench/search/?q=stawka",
    }
    if args.only:
        # The 404 page stays: the ratios are to it.
        pages = {
            name: path
            for name, path in pages.items()
            if name.startswith("floor") or any(word in name for word in args.only)
        }
    measured = last_json(
        manage(
            env,
            "shell",
            "-c",
            QUERIES.format(
                pages=pages, session=data["sessions"][0], query=args.query, explain=args.explain
            ),
            capture=True,
        )
    )
    print(f"Search {args.query!r} matches {measured['search_matches']} documents.")

    bare = measure_bare(env, data["sessions"], args)
    ports: list[int] = []
    while len(ports) < args.daphnes:  # a port freed by one probe can come back to the next
        port = free_port()
        if port not in ports:
            ports.append(port)
    daphnes = [
        subprocess.Popen(
            [
                *(sys.executable, "-m", "gwd.server"),  # how GWD runs daphne
                *("-b", "127.0.0.1", "-p", str(port)),
                "gwd.asgi:application",
            ],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for port in ports
    ]

    def daphne_cpu() -> float:
        return sum(cpu_seconds(daphne.pid) for daphne in daphnes)

    rows = []
    try:
        for port, daphne in zip(ports, daphnes, strict=True):
            wait_for(port, daphne)
        for name, path in pages.items():
            status = 404 if name == "floor: 404 page" else 200
            asyncio.run(run_clients(ports, path, data["sessions"], args.warmup, status=status))
            before = (
                daphne_cpu(),
                postgres_cpu_seconds(),
                client_cpu_seconds(),
                machine_cpu_seconds(),
            )
            result = asyncio.run(
                run_clients(ports, path, data["sessions"], args.seconds, status=status)
            )
            after = (
                daphne_cpu(),
                postgres_cpu_seconds(),
                client_cpu_seconds(),
                machine_cpu_seconds(),
            )
            result["daphne_cpu"] = after[0] - before[0]
            db_cpu = after[1] - before[1] if after[1] is not None else 0.0
            result["db_cpu"] = db_cpu if after[1] is not None else float("nan")
            result["client_cpu"] = after[2] - before[2]
            # Whatever else ran meanwhile: near 0 on a quiet machine.
            result["other_cpu"] = (
                after[3] - before[3] - result["daphne_cpu"] - db_cpu - result["client_cpu"]
            )
            result["rss"] = max(rss_mb(daphne.pid) for daphne in daphnes)
            result["cpu_ms"] = result["daphne_cpu"] / max(result["requests"], 1) * 1000
            if args.open_loop:
                rate = args.rate or result["rate"] / 3
                started = (daphne_cpu(), postgres_cpu_seconds())
                opened = asyncio.run(
                    run_open_loop(ports, path, data["sessions"], args.seconds, rate, status)
                )
                ended = (daphne_cpu(), postgres_cpu_seconds())
                served = max(opened["requests"], 1)
                result |= {"open_rate": rate, "open_p50": opened["p50"], "open_p99": opened["p99"]}
                # What a request costs when it does not wait on others: daphne's and
                # PostgreSQL's CPU per request at the open loop's rate.
                result["open_cpu_ms"] = (ended[0] - started[0]) / served * 1000
                result["open_db_cpu_ms"] = (
                    (ended[1] - started[1]) / served * 1000
                    if ended[1] is not None and started[1] is not None
                    else float("nan")
                )
                result["open_errors"] = opened["errors"]
            rows.append((name, result, measured["pages"][name]))
            print(f"  {name}: done", flush=True)
    finally:
        for daphne in daphnes:
            daphne.terminate()
        for daphne in daphnes:
            daphne.wait()
        shutil.rmtree(work, ignore_errors=True)

    print(
        f"\n{args.clients} clients, {args.seconds:g} s per page after {args.warmup:g} s warm-up; "
        f"{args.daphnes} daphne process{'es' if args.daphnes > 1 else ''}"
        f"{f' of {args.threads} threads' if args.threads is not None else ''}; "
        f"{args.members} members, {args.messages} messages, {args.documents} documents; "
        f"{database}, {os.cpu_count()} CPUs; queries and SQL ms: one request, measured apart\n"
    )
    header = (
        f"{'page':<34} | {'requests':>8} | {'errors':>6} | {'req/s':>6} | {'p50 ms':>7} | "
        f"{'p99 ms':>7} | {'queries':>7} | {'SQL ms':>6} | {'daphne CPU s':>12} | "
        f"{'db CPU s':>8} | {'client CPU s':>12} | {'other CPU s':>11} | {'RSS MB':>6}"
    )
    print(header)
    print("-" * len(header))
    for name, r, q in rows:
        print(
            f"{name:<34} | {r['requests']:>8} | {r['errors']:>6} | {r['rate']:>6.1f} | "
            f"{r['p50']:>7.1f} | {r['p99']:>7.1f} | {q['queries']:>7} | {q['sql_ms']:>6.1f} | "
            f"{r['daphne_cpu']:>12.1f} | {r['db_cpu']:>8.1f} | {r['client_cpu']:>12.1f} | "
            f"{r['other_cpu']:>11.1f} | {r['rss']:>6.0f}"
        )
    floor = next(r for name, r, _q in rows if name == "floor: 404 page")["cpu_ms"]
    print(
        f"\ndaphne CPU per request, as ratios to the two floors of this run: a bare ASGI app "
        f"on daphne {bare['cpu_ms']:.2f} ms ({bare['rate']:.0f} req/s), GWD's 404 page "
        f"{floor:.2f} ms ({floor / bare['cpu_ms']:.1f} × bare)\n"
    )
    header = f"{'page':<34} | {'CPU ms/req':>10} | {'× bare':>7} | {'× 404':>6}"
    if args.open_loop:
        header += (
            f" | {'open req/s':>10} | {'p50 ms':>7} | {'p99 ms':>7} | {'p99/p50':>7}"
            f" | {'CPU ms':>6} | {'db CPU ms':>9}"
        )
    print(header)
    print("-" * len(header))
    for name, r, _q in rows:
        line = (
            f"{name:<34} | {r['cpu_ms']:>10.2f} | {r['cpu_ms'] / bare['cpu_ms']:>7.1f} | "
            f"{r['cpu_ms'] / floor:>6.1f}"
        )
        if args.open_loop:
            line += (
                f" | {r['open_rate']:>10.1f} | {r['open_p50']:>7.1f} | {r['open_p99']:>7.1f} | "
                f"{r['open_p99'] / r['open_p50']:>7.1f} | {r['open_cpu_ms']:>6.2f} | "
                f"{r['open_db_cpu_ms']:>9.2f}"
            )
        print(line)
    if args.explain:
        for name, _r, q in rows:
            if "plan" in q:
                print(f"\n{name}: slowest query {q['slowest_ms']:.1f} ms\n{q['slowest_sql']}")
                print(q["plan"])


if __name__ == "__main__":
    main()
