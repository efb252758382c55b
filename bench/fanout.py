"""Fan-out benchmark: N members connected to one group, one sender posting R messages a
second for D seconds; delivered / expected and send-to-receipt latency (p50, p99).

Measures, in one run and with the same clients (each row with the machine's load average
just before it, the server CPU per delivered frame, and CPU and p99 as ratios to the
relay's row of the same size):
  - a bare relay written with the `websockets` library (the floor);
  - a minimal Channels consumer that group_sends every frame (what most projects write
    first), with the in-memory and with the Redis layer, default settings;
  - GWD on one daphne with the in-memory layer, and with Redis on one daphne and on two
    daphne processes sharing it (members alternate between the two).
Redis rows need REDIS_URL. Usage (from the project root, with the virtualenv):

    REDIS_URL=redis://127.0.0.1:6379/2 .venv/bin/python bench/fanout.py --members 100 500 1000

Servers start on spare ports with a temporary SQLite database (BENCH_DATABASE_URL for
another); clients run in --clients processes so that one Python process is not the limit.
"""

import argparse
import asyncio
import contextlib
import json
import os
import subprocess
import sys
import time

import common
from common import Tally

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
    async with websockets.serve(handler, "127.0.0.1", {port}, max_size=2**20,
                                ping_interval=None):
        await asyncio.Future()
asyncio.run(main())
"""


def fanout_worker(assignment: dict, barrier, results, conf: dict) -> None:
    asyncio.run(fanout_client(assignment, barrier, results, conf))


async def fanout_client(assignment: dict, barrier, results, conf: dict) -> None:
    import websockets

    tally = Tally()
    limit = asyncio.Semaphore(100)  # a storm of connects, 100 at a time per process

    async def connect(url, cookie):
        async with limit:
            return await common.open_socket(websockets, url, cookie, tally)

    opened = await asyncio.gather(*(connect(u, c) for u, c in assignment["members"]))
    sockets = [ws for ws in opened if ws is not None]
    expected = conf["rate"] * conf["seconds"] * len(sockets)
    done = asyncio.Event()
    if expected == 0:
        done.set()

    async def listen(ws):
        try:
            async for raw in ws:
                stamp = common.stamp_of(raw)
                if stamp is not None:
                    tally.latencies.append(time.perf_counter() - stamp)
                    tally.received += 1
                    if tally.received >= expected:
                        done.set()
                elif raw.startswith('{"type":"message.ack"'):
                    tally.acked += 1
                elif raw.startswith('{"type":"error"'):
                    tally.errors += 1
        except websockets.ConnectionClosed:
            tally.closed += 1

    listeners = [asyncio.create_task(listen(ws)) for ws in sockets]
    await common.wait_at(barrier)
    await asyncio.sleep(conf["settle"])
    if assignment["sender"] and opened[0] is not None:
        sender, interval = opened[0], 1 / conf["rate"]
        start = time.perf_counter()
        for n in range(conf["rate"] * conf["seconds"]):
            await sender.send(conf["frame"] % (time.perf_counter(), n, n))
            tally.sent += 1
            await asyncio.sleep(max(0, start + (n + 1) * interval - time.perf_counter()))
    else:
        await asyncio.sleep(conf["seconds"])
    with contextlib.suppress(TimeoutError):  # what has not arrived by then is lost
        await asyncio.wait_for(done.wait(), timeout=conf["drain"])
    for task in listeners:
        task.cancel()
    await asyncio.gather(*(ws.close() for ws in sockets), return_exceptions=True)
    results.put(tally)


def measure(servers: common.Servers, urls: list[tuple[str, str | None]], frame: str, args):
    clients = max(1, min(args.clients, len(urls)))
    assignments = [{"members": urls[n::clients], "sender": n == 0} for n in range(clients)]
    conf = {
        "rate": args.rate,
        "seconds": args.seconds,
        "settle": args.settle,
        "drain": args.drain,
        "frame": frame,
    }
    tally = common.run_client_processes(
        fanout_worker, assignments, conf, on_ready=servers.start_sampling
    )
    cpu = servers.stop_sampling()
    return tally, cpu, servers.peak_rss


# Every server echoes a frame whose body starts "t <send time> <n>" (common.stamp_of).
ECHO_FRAME = '{"type":"message.new","message":{"body":"t %.6f %d"},"n":%d}'


def bench_relay(members: int, args):
    port = common.free_port()
    process = subprocess.Popen([sys.executable, "-c", RELAY.format(port=port)])
    servers = common.Servers([process], [port])
    try:
        common.wait_for(port, process)
        urls = [(f"ws://127.0.0.1:{port}/", None)] * members
        return measure(servers, urls, ECHO_FRAME, args)
    finally:
        servers.stop()


def bench_minimal(members: int, args, layer: str):
    env = {**os.environ, "BENCH_LAYER": layer, "CHANNEL_PREFIX": f"minimal{os.getpid()}"}
    servers = common.start_daphnes(env, 1, "minimal_channels:application", common.BENCH)
    try:
        urls = [(f"ws://127.0.0.1:{servers.ports[0]}/", None)] * members
        return measure(servers, urls, ECHO_FRAME, args)
    finally:
        servers.stop()


def bench_gwd(members: int, args, redis_url: str, daphnes: int):
    extra = {
        "MESSAGE_RATE": "100000/second",
        # One sender posts far faster than a person: lift the per-socket flood limit.
        "WEBSOCKET_FLOOD_FRAMES": "100000",
    }
    with common.gwd_servers(
        daphnes=daphnes, redis_url=redis_url, groups=1, members=members, **extra
    ) as (servers, data):
        group = data["groups"][0]
        urls = [
            (
                f"ws://127.0.0.1:{servers.ports[n % daphnes]}/ws/groups/{group['slug']}/",
                cookie,
            )
            for n, cookie in enumerate(group["sessions"])
        ]
        thread = group["thread"]
        frame = f'{{"type":"message.send","thread":{thread},"body":"t %.6f %d","client_id":"c%d"}}'
        return measure(servers, urls, frame, args)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, nargs="+", default=[100, 500, 1000])
    parser.add_argument("--rate", type=int, default=10, help="messages a second")
    parser.add_argument("--seconds", type=int, default=30, help="how long the sender posts")
    parser.add_argument("--settle", type=float, default=3, help="wait after connecting")
    parser.add_argument("--drain", type=float, default=10, help="wait for late frames")
    parser.add_argument("--clients", type=int, default=2, help="client processes")
    parser.add_argument("--only", nargs="*", help="run only the rows whose name has these")
    parser.add_argument("--json", action="store_true", help="one JSON object per row")
    parser.add_argument(
        "--calm",
        type=float,
        default=None,
        help="before each row, wait (up to 5 min) until the 1-minute load average is this low",
    )
    args = parser.parse_args()
    redis_url = os.environ.get("REDIS_URL", "")
    targets = [
        ("bare websockets relay", bench_relay, ()),
        ("minimal Channels, in-memory", bench_minimal, ("memory",)),
        ("minimal Channels, Redis", bench_minimal, ("redis",)),
        ("GWD, in-memory, 1 daphne", bench_gwd, ("", 1)),
        ("GWD, Redis, 1 daphne", bench_gwd, (redis_url, 1)),
        ("GWD, Redis, 2 daphnes", bench_gwd, (redis_url, 2)),
    ]
    if not redis_url:
        print("REDIS_URL is not set: the Redis rows are left out.", file=sys.stderr)
        targets = [t for t in targets if "Redis" not in t[0]]
    if args.only:
        targets = [t for t in targets if any(word in t[0] for word in args.only)]
    if not args.json:
        print(
            f"fan-out: {args.rate} messages/s for {args.seconds} s, "
            f"{args.clients} client processes, {os.cpu_count()} cores"
        )
        print(
            "| members | server | load before | delivered / expected | p50 ms | p99 ms "
            "| p99 × relay | refused | closed | server CPU s | CPU µs / delivery "
            "| CPU × relay | peak RSS MB |"
        )
        print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for members in args.members:
        relay = None  # (CPU per delivery, p99) of the relay row of this size, if run
        for name, function, extra in targets:
            if args.calm is not None:
                common.wait_until_calm(args.calm)
            load = os.getloadavg()[0]
            tally, cpu, rss = function(members, args, *extra)
            expected = args.rate * args.seconds * members
            per_delivery = cpu / tally.received * 1e6 if tally.received else float("nan")
            p99 = tally.percentile(0.99)
            if function is bench_relay:
                relay = (per_delivery, p99)
            cpu_ratio = per_delivery / relay[0] if relay else float("nan")
            p99_ratio = p99 / relay[1] if relay else float("nan")
            if args.json:
                row = {"members": members, "server": name, "expected": expected, "cpu": cpu}
                row |= {k: v for k, v in vars(tally).items() if k != "latencies"}
                row |= {"p99": p99, "rss": rss, "load": load, "cpu_us": per_delivery}
                row |= {"cpu_ratio": cpu_ratio, "p99_ratio": p99_ratio}
                print(json.dumps(row), flush=True)
                continue
            print(
                f"| {members} | {name} | {load:.2f} | {tally.received} / {expected} "
                f"| {tally.percentile(0.50):.1f} | {p99:.1f} | {p99_ratio:.2f} "
                f"| {tally.refused} | {tally.closed} | {cpu:.1f} | {per_delivery:.1f} "
                f"| {cpu_ratio:.2f} | {rss:.0f} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
