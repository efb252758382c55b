"""Import benchmark: one 10,000-row XLSX file of a data round, read and checked row by
row and written as drafts with their history, as a facilitator's upload is.

Creates a temporary SQLite database (BENCH_DATABASE_URL for another), migrates it, makes
a group with --units municipalities and --indicators indicators and opens a round for
them, writes the round's template with every value filled in (units × indicators rows),
then imports it in this process and prints the time it took, the RSS before and after
and the high-water mark's growth, and how many rows were accepted.

    .venv/bin/python bench/indicators_import.py                 # 100 × 100 = 10,000 rows
    .venv/bin/python bench/indicators_import.py --units 50 --indicators 20
"""

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from common import ROOT

SCRIPT = """
import datetime as dt, json, random, resource, time
from decimal import Decimal
from django.utils import timezone
from groups.models import (
    Country, Group, GroupUnit, Membership, Role, TerritorialUnit, UnitLevel, User,
)
from indicators import imports, sheets
from indicators.models import Domain, GroupIndicator, Indicator, Measure
from indicators.services import round_open

def rss_mb():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024

group = Group.objects.create(
    slug="bench-import", name_pl="Import", kind="urban", working_languages=["pl"]
)
user = User.objects.create_user(email="f@bench.gwd.test", password="x", full_name="Facilitator")
Membership.objects.create(user=user, group=group, role=Role.FACILITATOR)
units = TerritorialUnit.objects.bulk_create(
    TerritorialUnit(country=Country.POLAND, level=UnitLevel.GMINA_URBAN, name=f"Gmina {{i}}",
                    code=f"{{10 + i // 10000:02d}}{{i % 10000:04d}}1")
    for i in range({units})
)
units = list(TerritorialUnit.objects.filter(name__startswith="Gmina "))
GroupUnit.objects.bulk_create(GroupUnit(group=group, unit=u) for u in units)
indicators = Indicator.objects.bulk_create(
    Indicator(group=group, code=f"i-{{i:03d}}", name_pl=f"W {{i}}", name_uk=f"П {{i}}",
              name_en=f"I {{i}}", domain=Domain.ROADS, measure=Measure.COUNT)
    for i in range({indicators})
)
indicators = list(Indicator.objects.filter(group=group))
GroupIndicator.objects.bulk_create(GroupIndicator(group=group, indicator=i) for i in indicators)
deadline = timezone.localdate() + dt.timedelta(days=30)
data_round = round_open(actor=user, group=group, title="Bench", year=2025,
                        deadline=deadline, indicators=indicators)
rng = random.Random(1)
rows = imports.template_rows(data_round, units, "pl")
for row in rows:
    row[6] = Decimal(rng.randint(1, 10**6)) / 100
content = sheets.write(rows, "xlsx")
before = rss_mb()
peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
started = time.perf_counter()
cpu = time.process_time()
result = imports.round_import(actor=user, data_round=data_round, units=units,
                              content=content, name="bench.xlsx", locale="pl")
elapsed = time.perf_counter() - started
print(json.dumps({{
    "rows": len(rows), "file_kb": len(content) // 1024, "accepted": result.accepted,
    "refused": len(result.refused), "seconds": round(elapsed, 2),
    "cpu_seconds": round(time.process_time() - cpu, 2),
    "rss_before_mb": round(before, 1), "rss_after_mb": round(rss_mb(), 1),
    "peak_growth_mb": round(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 - peak_before, 1
    ),
}}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=100)
    parser.add_argument("--indicators", type=int, default=100)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="gwd-bench-import-") as work:
        env = {
            **os.environ,
            "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only-secret-key-" + "x" * 40),
            "GWD_VAR_DIR": work,
            "DATABASE_URL": os.environ.get(
                "BENCH_DATABASE_URL", f"sqlite:///{Path(work) / 'bench.sqlite3'}"
            ),
            "TASKS_BACKEND": "immediate",
        }
        manage = [sys.executable, str(ROOT / "manage.py")]
        subprocess.run([*manage, "migrate", "-v0"], env=env, cwd=ROOT, check=True)
        script = SCRIPT.format(units=args.units, indicators=args.indicators)
        output = subprocess.run(
            [*manage, "shell", "-c", script],
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        result = json.loads(output.strip().splitlines()[-1])
        print(
            f"{dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}; SQLite unless BENCH_DATABASE_URL"
        )
        for key, value in result.items():
            print(f"{key:>16}: {value}")


if __name__ == "__main__":
    main()
