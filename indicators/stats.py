"""The arithmetic of comparisons, in one place and without the database.

Methods, stated once so that a reader can check any number by hand:

- Median and quartiles: Python's ``statistics.quantiles(values, n=4, method="inclusive")``,
  i.e. linear interpolation between order statistics with the smallest and largest values
  as the 0th and 100th percentiles (Excel's QUARTILE.INC, NumPy's default "linear").
  One value is its own median and quartiles.
- Ranks: standard competition ranking ("1224"): equal values share the best rank among
  them and the next rank skips as many places as were shared. Direction decides the order:
  higher is better ranks the largest first, lower is better the smallest first; a neutral
  indicator is listed largest first, and its rank is only a position, not praise.
- Index against the median: value / median × 100 (100 is the median; none when the median
  is zero).
- Year-on-year change: (value − last year's) / |last year's| × 100, in per cent (none
  without last year's value or when it is zero).
- Per capita: value / population × per (by default per 1,000 inhabitants).

Every number is a ``Decimal``; results are rounded only for display, never here.
"""

import statistics
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

Direction = Literal["higher", "lower", "neutral"]

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Summary:
    """The group's distribution of one indicator in one year."""

    count: int
    minimum: Decimal
    q1: Decimal
    median: Decimal
    q3: Decimal
    maximum: Decimal


def summarise(values: Iterable[Decimal]) -> Summary | None:
    """Median, quartiles and extremes of ``values`` (none for no values)."""
    data = sorted(values)
    if not data:
        return None
    if len(data) == 1:
        only = data[0]
        return Summary(1, only, only, only, only, only)
    q1, median, q3 = statistics.quantiles(data, n=4, method="inclusive")
    return Summary(len(data), data[0], Decimal(q1), Decimal(median), Decimal(q3), data[-1])


def ranks[K: Hashable](values: Mapping[K, Decimal], direction: Direction) -> dict[K, int]:
    """Competition ranks of ``values`` ("1224"), best first for the direction."""
    descending = direction != "lower"
    ordered = sorted(values.items(), key=lambda item: item[1], reverse=descending)
    result: dict[K, int] = {}
    previous: Decimal | None = None
    rank = 0
    for position, (key, value) in enumerate(ordered, start=1):
        if value != previous:
            rank = position
            previous = value
        result[key] = rank
    return result


def index_against(value: Decimal, median: Decimal) -> Decimal | None:
    """``value`` as a percentage of ``median`` (100 = the median)."""
    if median == 0:
        return None
    return value / median * HUNDRED


def change_percent(value: Decimal, previous: Decimal | None) -> Decimal | None:
    """Change from ``previous`` to ``value`` in per cent of ``previous``."""
    if previous is None or previous == 0:
        return None
    return (value - previous) / abs(previous) * HUNDRED


def per_capita(value: Decimal, population: Decimal | None, per: int = 1000) -> Decimal | None:
    """``value`` per ``per`` inhabitants (none without a population)."""
    if not population:
        return None
    return value / population * per


def standing(rank: int, count: int) -> Decimal:
    """Where a rank sits from 0 (best) to 1 (worst), so that ranks among groups of
    different sizes compare: one unit alone stands in the middle."""
    if count <= 1:
        return Decimal("0.5")
    return Decimal(rank - 1) / Decimal(count - 1)


@dataclass(frozen=True)
class Row[K: Hashable]:
    key: K
    value: Decimal
    rank: int
    index: Decimal | None
    change: Decimal | None


@dataclass(frozen=True)
class Ranking[K: Hashable]:
    summary: Summary
    rows: list[Row[K]]


def ranking[K: Hashable](
    values: Mapping[K, Decimal],
    direction: Direction,
    previous: Mapping[K, Decimal] | None = None,
) -> Ranking[K] | None:
    """Every unit ranked with its index against the median and its change since the
    previous year; rows in rank order (ties in the order of their keys' appearance)."""
    summary = summarise(values.values())
    if summary is None:
        return None
    previous = previous or {}
    unit_ranks = ranks(values, direction)
    rows = [
        Row(
            key=key,
            value=value,
            rank=unit_ranks[key],
            index=index_against(value, summary.median),
            change=change_percent(value, previous.get(key)),
        )
        for key, value in values.items()
    ]
    rows.sort(key=lambda row: row.rank)
    return Ranking(summary=summary, rows=rows)


def strongest_and_weakest[K: Hashable](
    standings: Sequence[tuple[K, Decimal]], count: int = 3
) -> tuple[list[K], list[K]]:
    """The ``count`` best and worst of (key, standing) pairs; neither list shares a key
    with the other, so with few indicators the weakest list is shorter."""
    ordered = sorted(standings, key=lambda item: item[1])
    best = [key for key, _ in ordered[:count]]
    rest = [item for item in ordered[count:]]
    worst = [key for key, _ in reversed(rest[-count:])] if rest else []
    return best, worst
