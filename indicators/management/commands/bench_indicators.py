"""Indicator data for the benchmarks: a group's municipalities, its indicators and their
verified values for a run of years, in bulk inserts.

    manage.py bench_indicators --group bench --units 300 --indicators 200 --years 10

gives 600,000 values. One in ten indicators is money (so the Ukrainian tenth of the units
is ranked apart); one more for every twenty is derived per 1,000 inhabitants from two
stored ones (computed, so it holds no values). The
values are made up (marked as demonstration data) and written without their history,
which only people's changes need.
"""

import random
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from groups.models import Country, Group, GroupUnit, TerritorialUnit, UnitLevel
from indicators.models import (
    Direction,
    Domain,
    GroupIndicator,
    Indicator,
    Measure,
    Value,
    ValueSource,
    ValueStatus,
)

BATCH = 5000
DIRECTIONS = [Direction.HIGHER, Direction.LOWER, Direction.NEUTRAL]


class Command(BaseCommand):
    help = "Load municipalities, indicators and values into a group for the benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--group", default="bench", help="slug of an existing group")
        parser.add_argument("--units", type=int, default=300)
        parser.add_argument("--indicators", type=int, default=200)
        parser.add_argument("--years", type=int, default=10)
        parser.add_argument("--last-year", type=int, default=2025)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, **options):
        group = Group.objects.filter(slug=options["group"]).first()
        if group is None:
            raise CommandError(f"No group {options['group']!r}: run bench_data first.")
        if not 1 <= options["units"] <= 9999:
            raise CommandError("--units must be from 1 to 9999.")
        if options["indicators"] < 3 or options["years"] < 1:
            raise CommandError("Ask for at least one unit, three indicators and one year.")
        started = time.monotonic()
        rng = random.Random(options["seed"])  # noqa: S311 — made-up data, not secrets
        with transaction.atomic():
            units = self._units(group, options["units"])
            indicators = self._indicators(group, options["indicators"])
            years = range(options["last_year"] - options["years"] + 1, options["last_year"] + 1)
            count = self._values(group, units, indicators, years, rng)
        self.stdout.write(
            f"{len(units)} units, {len(indicators)} indicators, {count} values "
            f"in {time.monotonic() - started:.1f} s"
        )

    def _units(self, group: Group, count: int) -> list[TerritorialUnit]:
        ukrainian = count // 10
        units = [
            TerritorialUnit(
                country=Country.UKRAINE,
                level=UnitLevel.HROMADA,
                name=f"Громада {i + 1}",
                code=f"UA{group.pk:05d}{i:012d}",
            )
            if i < ukrainian
            else TerritorialUnit(
                country=Country.POLAND,
                level=UnitLevel.GMINA_URBAN,
                name=f"Gmina {i + 1}",
                # TERC's shape (seven digits, the last the kind), unique per group.
                code=f"{group.pk % 90 + 10:02d}{i:04d}1",
            )
            for i in range(count)
        ]
        TerritorialUnit.objects.bulk_create(units, batch_size=BATCH)
        units = list(TerritorialUnit.objects.filter(code__in=[u.code for u in units]))
        GroupUnit.objects.bulk_create([GroupUnit(group=group, unit=u) for u in units])
        return units

    def _indicators(self, group: Group, count: int) -> list[Indicator]:
        domains = list(Domain.values)
        made = []
        for i in range(count):
            measure = Measure.MONEY if i % 10 == 1 else Measure.COUNT
            made.append(
                Indicator(
                    group=group,
                    code=f"bench-{i:03d}",
                    name_pl=f"Wskaźnik {i}",
                    name_uk=f"Показник {i}",
                    name_en=f"Indicator {i}",
                    domain=domains[i % len(domains)],
                    measure=measure,
                    direction=DIRECTIONS[i % 3],
                    source="bench",
                )
            )
        # And one in twenty more, per 1,000 inhabitants of indicator 0, the population,
        # computed from a stored one: they add pages' work, not values.
        for i in range(20, count, 20):
            made.append(
                Indicator(
                    group=group,
                    code=f"bench-d{i:03d}",
                    name_pl=f"Wskaźnik {i} na 1000 mieszkańców",
                    name_uk=f"Показник {i} на 1000 мешканців",
                    name_en=f"Indicator {i} per 1,000 inhabitants",
                    domain=domains[i % len(domains)],
                    measure=Measure.PER_1000,
                    direction=DIRECTIONS[i % 3],
                    source="bench",
                )
            )
        Indicator.objects.bulk_create(made, batch_size=BATCH)
        indicators = list(Indicator.objects.filter(group=group, code__startswith="bench-"))
        by_code = {i.code: i for i in indicators}
        for i in range(20, count, 20):
            derived = by_code[f"bench-d{i:03d}"]
            derived.numerator = by_code[f"bench-{i:03d}"]
            derived.denominator = by_code["bench-000"]
            derived.scale = 1000
            derived.save(update_fields=["numerator", "denominator", "scale"])
        GroupIndicator.objects.bulk_create(
            [GroupIndicator(group=group, indicator=i) for i in indicators]
        )
        return indicators

    def _values(self, group, units, indicators, years, rng) -> int:
        batch: list[Value] = []
        count = 0
        for indicator in indicators:
            if indicator.numerator_id is not None:
                continue  # computed from its numerator and denominator
            base = 20_000 if indicator.code == "bench-000" else 100
            for unit in units:
                level = rng.uniform(0.5, 2.0) * base
                for year in years:
                    level *= rng.uniform(0.95, 1.06)
                    batch.append(
                        Value(
                            group=group,
                            unit=unit,
                            indicator=indicator,
                            year=year,
                            value=round(level, 2),
                            status=ValueStatus.VERIFIED,
                            source=ValueSource.DEMO,
                        )
                    )
                    if len(batch) >= BATCH:
                        Value.objects.bulk_create(batch)
                        count += len(batch)
                        batch = []
        Value.objects.bulk_create(batch)
        return count + len(batch)
