"""Quick runs of the socket benchmarks (bench/): nothing lost, nobody refused. Timings
are what the full runs in docs/performance.md are for; here only the counts are checked,
on real daphne processes, with Redis too when REDIS_URL is set."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_bench(script: str, *args: str) -> list[dict]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DEBUG")}
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / script), *args, "--json"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]


def test_fan_out_delivers_every_message_to_every_member():
    rows = run_bench(
        "fanout.py",
        *("--members", "40", "--rate", "5", "--seconds", "2"),
        *("--settle", "0.5", "--drain", "120", "--only", "GWD"),
    )
    expected_rows = 3 if os.environ.get("REDIS_URL") else 1
    assert len(rows) == expected_rows
    for row in rows:
        assert row["refused"] == row["closed"] == row["errors"] == 0, row
        assert row["acked"] == row["sent"] == 10, row
        assert row["received"] == row["expected"] == 400, row


def test_many_groups_at_once_lose_nothing():
    (row,) = run_bench(
        "concurrency.py",
        *("--members", "120", "--groups", "6", "--rounds", "2", "--period", "2"),
        # The drain ends as soon as everything has come; 120 s only bounds a lost frame.
        *("--settle", "0.5", "--drain", "120"),
    )
    assert row["connected"] == 120 and row["refused"] == row["closed"] == 0, row
    assert row["errors"] == 0 and row["acked"] == row["sent"] == 240, row
    assert row["received"] == row["expected"] == 240 * 20, row
