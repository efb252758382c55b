"""Concurrency benchmark: M members connected across G groups, each posting about once a
minute (at a random moment of each minute) for D minutes: connection errors, delivered /
expected, send-to-receipt p99, and the server's peak RSS and CPU.

    REDIS_URL=redis://127.0.0.1:6379/2 .venv/bin/python bench/concurrency.py

Defaults: 2,000 members in 50 groups for 2 minutes on one daphne with the Redis layer
(the in-memory layer without REDIS_URL); --daphnes 2 spreads them over two processes.
"""

import argparse
import asyncio
import contextlib
import json
import os
import random
import time

import common
from common import Tally


def members_worker(assignment: dict, barrier, results, conf: dict) -> None:
    asyncio.run(members_client(assignment, barrier, results, conf))


async def members_client(assignment: dict, barrier, results, conf: dict) -> None:
    import websockets

    tally = Tally()
    limit = asyncio.Semaphore(100)
    rng = random.Random(assignment["seed"])

    async def connect(url, cookie):
        async with limit:
            return await common.open_socket(websockets, url, cookie, tally)

    members = assignment["members"]
    opened = await asyncio.gather(*(connect(m["url"], m["cookie"]) for m in members))
    # Everything this process should see: an ack for each of its posts, and each post in
    # a group (its own included) once for each of its members there. The drain ends when
    # it has all come, or at --drain seconds: a bound, not a pause.
    connected = [m for ws, m in zip(opened, members, strict=True) if ws is not None]
    expected_acks = len(connected) * conf["rounds"]
    expected_frames = sum(m["group_size"] for m in connected) * conf["rounds"]
    complete = asyncio.Event()

    def check_complete() -> None:
        if tally.acked >= expected_acks and tally.received >= expected_frames:
            complete.set()

    async def listen(ws):
        try:
            async for raw in ws:
                stamp = common.stamp_of(raw)
                if stamp is not None:
                    tally.latencies.append(time.perf_counter() - stamp)
                    tally.received += 1
                    check_complete()
                elif raw.startswith('{"type":"message.ack"'):
                    tally.acked += 1
                    check_complete()
                elif raw.startswith('{"type":"error"'):
                    tally.errors += 1
        except websockets.ConnectionClosed:
            tally.closed += 1

    async def post(ws, member, n):
        for round_ in range(conf["rounds"]):
            period = conf["period"]
            moment = start + round_ * period + rng.uniform(0, period)
            await asyncio.sleep(max(0, moment - time.time()))
            frame = json.dumps(
                {
                    "type": "message.send",
                    "thread": member["thread"],
                    "body": f"t {time.perf_counter():.6f} {n}",
                    "client_id": f"c{n}-{round_}",
                }
            )
            try:
                await ws.send(frame)
                tally.sent += 1
            except websockets.ConnectionClosed:
                return

    listeners = [asyncio.create_task(listen(ws)) for ws in opened if ws is not None]
    await common.wait_at(barrier)
    start = time.time() + conf["settle"]
    posters = [
        asyncio.create_task(post(ws, member, n))
        for n, (ws, member) in enumerate(zip(opened, members, strict=True))
        if ws is not None
    ]
    await asyncio.gather(*posters)
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(complete.wait(), timeout=conf["drain"])
    for task in listeners:
        task.cancel()
    await asyncio.gather(*(ws.close() for ws in opened if ws), return_exceptions=True)
    results.put(tally)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=2000)
    parser.add_argument("--groups", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=2, help="posts per member, one per period")
    parser.add_argument("--daphnes", type=int, default=1)
    parser.add_argument("--settle", type=float, default=3)
    parser.add_argument(
        "--drain", type=float, default=10, help="at most this long for the last frames"
    )
    parser.add_argument("--clients", type=int, default=2, help="client processes")
    parser.add_argument(
        "--period", type=float, default=60, help="seconds between a member's posts (quick runs)"
    )
    parser.add_argument("--json", action="store_true", help="the result as one JSON object")
    args = parser.parse_args()
    redis_url = os.environ.get("REDIS_URL", "")
    per_group = args.members // args.groups
    with common.gwd_servers(
        daphnes=args.daphnes, redis_url=redis_url, groups=args.groups, members=per_group
    ) as (servers, data):
        rss_idle = servers.rss()
        members = []
        for group in data["groups"]:
            for cookie in group["sessions"]:
                port = servers.ports[len(members) % args.daphnes]
                url = f"ws://127.0.0.1:{port}/ws/groups/{group['slug']}/"
                members.append(
                    {
                        "url": url,
                        "cookie": cookie,
                        "thread": group["thread"],
                        "group_size": len(group["sessions"]),
                    }
                )
        random.Random(1).shuffle(members)  # groups mixed over the client processes
        assignments = [
            {"members": members[n :: args.clients], "seed": n} for n in range(args.clients)
        ]
        conf = {
            "rounds": args.rounds,
            "period": args.period,
            "settle": args.settle,
            "drain": args.drain,
        }
        connect_started = time.perf_counter()
        tally = common.run_client_processes(
            members_worker, assignments, conf, on_ready=servers.start_sampling
        )
        cpu = servers.stop_sampling()
        wall = time.perf_counter() - connect_started
    expected = tally.sent * per_group
    layer = "Redis" if redis_url else "in-memory"
    if args.json:
        row = {k: v for k, v in vars(tally).items() if k != "latencies"}
        row |= {"expected": expected, "p99": tally.percentile(0.99), "cpu": cpu}
        print(json.dumps(row | {"rss_idle": rss_idle, "rss_peak": servers.peak_rss}))
        return
    print(
        f"concurrency: {len(members)} members in {args.groups} groups of {per_group}, "
        f"{args.rounds} × {args.period:g} s, {args.daphnes} daphne(s), {layer} layer, "
        f"{os.cpu_count()} cores"
    )
    print(
        "| connected | refused | closed | error frames | sent | acked | delivered / expected "
        "| p50 ms | p99 ms | server RSS idle → peak MB | server CPU s (of wall s) |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    print(
        f"| {tally.connected} | {tally.refused} | {tally.closed} | {tally.errors} "
        f"| {tally.sent} | {tally.acked} | {tally.received} / {expected} "
        f"| {tally.percentile(0.50):.1f} | {tally.percentile(0.99):.1f} "
        f"| {rss_idle:.0f} → {servers.peak_rss:.0f} | {cpu:.1f} ({wall:.0f}) |"
    )


if __name__ == "__main__":
    main()
