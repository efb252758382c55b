"""What the comparison, series and profile pages show, read in a fixed number of queries
and computed by ``indicators.stats``.

Only verified values are compared: a figure a facilitator has not checked is not set
against anyone else's. A derived indicator (per 1,000 inhabitants, say) is computed for
each unit from its numerator and denominator of the same year. An indicator whose values
are money (złoty in Poland, hryvnia in Ukraine) is ranked within each country separately.

The profile needs every indicator's distribution in a year; at 300 units × 200
indicators that is 60,000 values, so the distributions of a group's year are computed
once and kept in the cache under the newest ids of the group's values and of their
changes, which any write moves on.
"""

import bisect
import hashlib
import threading
import uuid
from collections import OrderedDict, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connection, models

from groups.models import Group, TerritorialUnit
from indicators import stats
from indicators.models import Indicator, Value, ValueChange, ValueStatus

COMPARED = (ValueStatus.VERIFIED,)
CACHE_SECONDS = 3600
# The distributions last read by this process, by their cache key, each with the token
# stored beside it in the shared cache: unpickling a year's 60,000 values cost a profile
# page more than its rows (14 ms), a token costs a few bytes. The kept copy is used only
# while the shared cache holds the same token, so clearing the cache clears them too.
KEPT_DISTRIBUTIONS = 8
_kept: OrderedDict[str, tuple[str, dict]] = OrderedDict()
_kept_lock = threading.Lock()


# What the pages need of an indicator; its definitions and bounds stay in the database.
LIST_FIELDS = (
    "pk", "group_id", "code", "name_pl", "name_uk", "name_en", "domain", "measure",
    "direction", "numerator_id", "denominator_id", "scale",
)  # fmt: skip


def _columns(model: type[models.Model], wanted: Iterable[str]) -> tuple[str, ...]:
    """The columns of `wanted` fields in the model's own order, as `from_db` takes them."""
    attnames = {model._meta.pk.attname if name == "pk" else name for name in wanted}
    return tuple(f.attname for f in model._meta.concrete_fields if f.attname in attnames)


INDICATOR_COLUMNS = _columns(Indicator, LIST_FIELDS)
UNIT_COLUMNS = _columns(TerritorialUnit, ("pk", "name", "country", "code"))


def indicator_rows(group: Group) -> list[tuple]:
    """The group's indicators in the catalogue's order as rows of INDICATOR_COLUMNS: what
    a page shows of them, cheap to read and to compare with what a cached page showed."""
    return list(
        Indicator.objects.of_group(group).order_by("domain", "code").values_list(*INDICATOR_COLUMNS)
    )


def indicators_of(rows: Iterable[tuple]) -> list[Indicator]:
    return [Indicator.from_db(DEFAULT_DB_ALIAS, INDICATOR_COLUMNS, row) for row in rows]


def indicator_list(group: Group) -> list[Indicator]:
    """The group's indicators in the catalogue's order, with the fields the pages use."""
    return indicators_of(indicator_rows(group))


def unit_rows(group: Group) -> list[tuple]:
    """The group's member units by name as rows of UNIT_COLUMNS."""
    return list(
        TerritorialUnit.objects.of_group(group).order_by("name", "pk").values_list(*UNIT_COLUMNS)
    )


def units_of(rows: Iterable[tuple]) -> list[TerritorialUnit]:
    return [TerritorialUnit.from_db(DEFAULT_DB_ALIAS, UNIT_COLUMNS, row) for row in rows]


def figures_marks(group: Group) -> "Marks":
    """The newest ids of the group's values and of their changes, in one statement.

    A new value takes a new id and every change of one (its number or its status)
    writes a ValueChange, so the two say whether any figure changed; each is one short
    index scan, where counting the values would read them all. Every cached page and
    chart of the indicators reads them first, so the statement is written out: the ORM
    took 2.7 ms to compile its two subqueries, the database 0.2 ms to answer them."""
    value, change = (connection.ops.quote_name(m._meta.db_table) for m in (Value, ValueChange))
    sql = (
        f"SELECT (SELECT id FROM {value} WHERE group_id = %s ORDER BY id DESC LIMIT 1),"  # noqa: S608
        f" (SELECT id FROM {change} WHERE group_id = %s ORDER BY id DESC LIMIT 1)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [group.pk, group.pk])
        value_id, change_id = cursor.fetchone()
    return value_id, change_id


def _values(
    *, group: Group, indicators: Iterable[int], years: Iterable[int]
) -> dict[tuple[int, int, int], Decimal]:
    """(indicator id, unit id, year) → value, for the indicator ids and years asked."""
    rows = Value.objects.filter(
        group=group,
        indicator__in=list(indicators),
        year__in=list(years),
        district__isnull=True,
        status__in=COMPARED,
    ).values_list("indicator_id", "unit_id", "year", "value")
    return {(i, u, y): v for i, u, y, v in rows}


def _sources(indicator: Indicator) -> list[int]:
    """The ids of the indicators whose values make this one's."""
    if indicator.numerator_id is not None and indicator.denominator_id is not None:
        return [indicator.numerator_id, indicator.denominator_id]
    return [indicator.pk]


type Found = dict[tuple[int, int, int], Decimal]
type ByIndicator = dict[int, dict[tuple[int, int], Decimal]]


def _by_indicator(found: Found) -> ByIndicator:
    """The values read, by indicator id: each indicator's are then found without going
    through every other's (a profile's 200 indicators went through all 60,000)."""
    result: ByIndicator = defaultdict(dict)
    for (i, u, y), value in found.items():
        result[i][(u, y)] = value
    return result


def _of_indicator(indicator: Indicator, found: ByIndicator) -> dict[tuple[int, int], Decimal]:
    """(unit id, year) → the indicator's value, derived ones computed."""
    if not indicator.is_derived:
        return found.get(indicator.pk, {})
    result = {}
    denominators = found.get(indicator.denominator_id or 0, {})
    per = int(indicator.scale)
    for key, numerator in found.get(indicator.numerator_id or 0, {}).items():
        value = stats.per_capita(numerator, denominators.get(key), per=per)
        if value is not None:
            result[key] = value
    return result


@dataclass
class Section:
    """One ranking: the whole group, or one country's units for money."""

    country: str
    ranking: stats.Ranking[int] | None
    units: dict[int, TerritorialUnit]


@dataclass
class Comparison:
    indicator: Indicator
    year: int
    sections: list[Section]
    missing: list[TerritorialUnit] = field(default_factory=list)

    @property
    def split_by_country(self) -> bool:
        return len(self.sections) > 1


def group_units(group: Group) -> list[TerritorialUnit]:
    return units_of(unit_rows(group))


def comparison_get(
    *, group: Group, indicator: Indicator, year: int, units: Sequence[TerritorialUnit]
) -> Comparison:
    """Every unit of the group ranked on `indicator` in `year` (one query)."""
    found = _values(group=group, indicators=_sources(indicator), years=[year, year - 1])
    values = _of_indicator(indicator, _by_indicator(found))
    by_country: dict[str, list[TerritorialUnit]] = defaultdict(list)
    for unit in units:
        key = "" if indicator.comparable_across_countries else unit.country
        by_country[key].append(unit)
    sections = []
    missing = []
    for country in sorted(by_country):
        members = by_country[country]
        current = {u.pk: values[(u.pk, year)] for u in members if (u.pk, year) in values}
        previous = {u.pk: values[(u.pk, year - 1)] for u in members if (u.pk, year - 1) in values}
        missing += [u for u in members if u.pk not in current]
        if current:
            sections.append(
                Section(
                    country=country,
                    ranking=stats.ranking(current, indicator.direction, previous),  # type: ignore[arg-type]
                    units={u.pk: u for u in members},
                )
            )
    return Comparison(indicator=indicator, year=year, sections=sections, missing=missing)


def series_get(
    *, group: Group, indicator: Indicator, units: Sequence[TerritorialUnit], years: Sequence[int]
) -> dict[TerritorialUnit, dict[int, Decimal]]:
    """Each chosen unit's values across `years` (one query)."""
    found = _values(group=group, indicators=_sources(indicator), years=years)
    values = _of_indicator(indicator, _by_indicator(found))
    return {
        unit: {year: values[(unit.pk, year)] for year in years if (unit.pk, year) in values}
        for unit in units
    }


def years_with_values(group: Group, indicator: Indicator) -> list[int]:
    source = _sources(indicator)[0]
    return list(
        Value.objects.filter(
            group=group, indicator_id=source, status__in=COMPARED, district__isnull=True
        )
        .values_list("year", flat=True)
        .distinct()
        .order_by("-year")
    )


def profile_years(group: Group, unit: TerritorialUnit) -> list[int]:
    return list(
        Value.objects.filter(group=group, unit=unit, status__in=COMPARED, district__isnull=True)
        .values_list("year", flat=True)
        .distinct()
        .order_by("-year")
    )


@dataclass(frozen=True)
class Distribution:
    """One indicator's verified values in a year, sorted, with their summary."""

    summary: stats.Summary
    sorted_values: list[float]


type Marks = tuple[int | None, int | None]
type Members = list[tuple[int, str]]


def members_of(unit_rows: Iterable[tuple]) -> Members:
    """(unit id, country) of the member units in unit_rows, by id, as _distributions
    reads them."""
    pk, country = UNIT_COLUMNS.index("id"), UNIT_COLUMNS.index("country")
    return sorted((row[pk], row[country]) for row in unit_rows)


def _distributions(
    *,
    group: Group,
    indicators: Sequence[Indicator],
    year: int,
    marks: Marks | None = None,
    members: Members | None = None,
) -> dict[tuple[int, str], Distribution]:
    """(indicator id, country or "" when the indicator compares across countries) →
    the distribution of its verified values in `year`, among the group's member units
    of now."""
    # The key names the newest figures (figures_marks), the member units (one that left
    # is not compared) and what the indicators are made of (a group's own derived
    # indicator can change its parts).
    newest_value_id, newest_change_id = marks or figures_marks(group)
    if members is None:
        members = list(
            TerritorialUnit.objects.of_group(group).values_list("pk", "country").order_by("pk")
        )
    made_of = [
        (i.pk, i.numerator_id, i.denominator_id, str(i.scale), i.measure) for i in indicators
    ]
    digest = hashlib.blake2b(repr((members, made_of)).encode(), digest_size=16).hexdigest()
    key = f"indicators:dist:{group.pk}:{year}:{newest_value_id}:{newest_change_id}:{digest}"
    token = cache.get(f"{key}:token")
    if token is not None:
        with _kept_lock:
            kept = _kept.get(key)
            if kept is not None and kept[0] == token:
                _kept.move_to_end(key)
                return kept[1]
        cached = cache.get(key)
        if cached is not None:
            _keep(key, token, cached)
            return cached
    sources = {pk for indicator in indicators for pk in _sources(indicator)}
    by_indicator = _by_indicator(_values(group=group, indicators=sources, years=[year]))
    country_of = dict(members)
    result = {}
    for indicator in indicators:
        split = not indicator.comparable_across_countries
        groups: dict[str, list[Decimal]] = defaultdict(list)
        for (unit_id, _year), value in _of_indicator(indicator, by_indicator).items():
            if unit_id in country_of:
                groups[country_of[unit_id] if split else ""].append(value)
        for country, values in groups.items():
            summary = stats.summarise(values)
            if summary is not None:
                result[(indicator.pk, country)] = Distribution(
                    summary, sorted(float(v) for v in values)
                )
    token = uuid.uuid4().hex
    cache.set_many({key: result, f"{key}:token": token}, CACHE_SECONDS)
    _keep(key, token, result)
    return result


def _keep(key: str, token: str, distributions: dict) -> None:
    with _kept_lock:
        _kept[key] = (token, distributions)
        while len(_kept) > KEPT_DISTRIBUTIONS:
            _kept.popitem(last=False)


def _rank_in(distribution: Distribution, value: Decimal, direction: str) -> int:
    """The competition rank `value` would have among the distribution's values."""
    number = float(value)
    if direction == "lower":
        return bisect.bisect_left(distribution.sorted_values, number) + 1
    return (
        len(distribution.sorted_values)
        - bisect.bisect_right(distribution.sorted_values, number)
        + 1
    )


@dataclass(frozen=True)
class ProfileRow:
    indicator: Indicator
    value: Decimal
    summary: stats.Summary
    rank: int
    index: Decimal | None
    standing: Decimal


@dataclass
class Profile:
    unit: TerritorialUnit
    year: int
    rows: list[ProfileRow]
    strongest: list[ProfileRow]
    weakest: list[ProfileRow]
    without_value: list[Indicator]


def profile_get(
    *,
    group: Group,
    unit: TerritorialUnit,
    year: int,
    indicators: Sequence[Indicator],
    marks: Marks | None = None,
    members: Members | None = None,
) -> Profile:
    """Every indicator of the group for one unit against the group's median, with where
    it stands best and worst (neutral indicators have no best or worst). `marks` and
    `members` are figures_marks and members_of as the caller read them, if it did."""
    distributions = _distributions(
        group=group, indicators=indicators, year=year, marks=marks, members=members
    )
    sources = {pk for indicator in indicators for pk in _sources(indicator)}
    mine = _by_indicator(
        {
            (i, unit.pk, y): v
            for i, y, v in Value.objects.filter(
                group=group,
                unit=unit,
                year=year,
                district__isnull=True,
                status__in=COMPARED,
                indicator__in=list(sources),
            ).values_list("indicator_id", "year", "value")
        }
    )
    rows = []
    without = []
    for indicator in indicators:
        value = _of_indicator(indicator, mine).get((unit.pk, year))
        country = "" if indicator.comparable_across_countries else unit.country
        distribution = distributions.get((indicator.pk, country))
        if value is None or distribution is None:
            without.append(indicator)
            continue
        rank = _rank_in(distribution, value, indicator.direction)
        rows.append(
            ProfileRow(
                indicator=indicator,
                value=value,
                summary=distribution.summary,
                rank=rank,
                index=stats.index_against(value, distribution.summary.median),
                standing=stats.standing(rank, distribution.summary.count),
            )
        )
    ranked = [(row, row.standing) for row in rows if row.indicator.direction != "neutral"]
    best, worst = stats.strongest_and_weakest(ranked)
    return Profile(
        unit=unit, year=year, rows=rows, strongest=best, weakest=worst, without_value=without
    )
