"""Figures for the districts of a city, for monitoring inside it: a city's districts are
the register's units of level DISTRICT whose parent is the city; each of their figures is
a Value of the city with `district` set.

A city's officials type them, one indicator and year at a time, as drafts; a facilitator
verifies what the page showed them, and only verified figures are ranked, with the
median and quartiles of ``indicators.stats``, against the city's other districts (never
against other cities: a district is not a member of the group). Derived indicators are
computed per district from its numerator and denominator, as for cities.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from groups.models import Group, GroupUnit, TerritorialUnit, UnitLevel, User
from gwd.errors import ServiceError
from indicators import stats
from indicators.comparisons import COMPARED
from indicators.models import Indicator, Value, ValueChange, ValueSource, ValueStatus
from indicators.services import group_writable, value_set

FIRST_YEAR = 1990


def districts_of(city: TerritorialUnit) -> list[TerritorialUnit]:
    """The city's districts in the register, by name."""
    return list(
        TerritorialUnit.objects.filter(parent=city, level=UnitLevel.DISTRICT).order_by("name", "pk")
    )


def _sources(indicator: Indicator) -> list[int]:
    if indicator.numerator_id is not None and indicator.denominator_id is not None:
        return [indicator.numerator_id, indicator.denominator_id]
    return [indicator.pk]


def _district_values(
    *, group: Group, city: TerritorialUnit, indicator: Indicator, years: list[int]
) -> dict[tuple[int, int], Decimal]:
    """(district id, year) → the indicator's verified value, derived ones computed."""
    found = {
        (i, d, y): v
        for i, d, y, v in Value.objects.filter(
            group=group,
            unit=city,
            district__parent=city,
            indicator__in=_sources(indicator),
            year__in=years,
            status__in=COMPARED,
        ).values_list("indicator_id", "district_id", "year", "value")
    }
    if not indicator.is_derived:
        return {(d, y): v for (_i, d, y), v in found.items()}
    result = {}
    for (i, d, y), numerator in found.items():
        if i != indicator.numerator_id:
            continue
        denominator = found.get((indicator.denominator_id or 0, d, y))
        value = stats.per_capita(numerator, denominator, per=int(indicator.scale))
        if value is not None:
            result[(d, y)] = value
    return result


def district_years(group: Group, city: TerritorialUnit, indicator: Indicator) -> list[int]:
    """The years with verified district figures of the indicator (its numerator's, for a
    derived one), newest first."""
    return list(
        Value.objects.filter(
            group=group,
            unit=city,
            district__parent=city,
            indicator_id=_sources(indicator)[0],
            status__in=COMPARED,
        )
        .values_list("year", flat=True)
        .distinct()
        .order_by("-year")
    )


def has_district_figures(group: Group, city: TerritorialUnit) -> bool:
    return Value.objects.filter(
        group=group, unit=city, district__parent=city, status__in=COMPARED
    ).exists()


def with_district_marks(
    units: QuerySet[TerritorialUnit], group: Group
) -> QuerySet[TerritorialUnit]:
    """`units`, each marked in the same query for the links of its profile:
    `district_figures` (its districts have verified figures in `group`), `has_districts`
    and `current_member` (of `group`, so its district figures may be entered)."""
    return units.annotate(
        district_figures=Exists(
            Value.objects.filter(
                group=group,
                unit=OuterRef("pk"),
                district__parent=OuterRef("pk"),
                status__in=COMPARED,
            )
        ),
        has_districts=Exists(
            TerritorialUnit.objects.filter(parent=OuterRef("pk"), level=UnitLevel.DISTRICT)
        ),
        current_member=Exists(
            GroupUnit.objects.filter(group=group, unit=OuterRef("pk"), left_at__isnull=True)
        ),
    )


@dataclass
class DistrictComparison:
    city: TerritorialUnit
    indicator: Indicator
    year: int
    ranking: stats.Ranking[int] | None
    districts: dict[int, TerritorialUnit]
    missing: list[TerritorialUnit] = field(default_factory=list)


def district_comparison_get(
    *, group: Group, city: TerritorialUnit, indicator: Indicator, year: int
) -> DistrictComparison:
    """The city's districts ranked on `indicator` in `year`, with the change on the
    year before, from verified figures only."""
    districts = districts_of(city)
    values = _district_values(group=group, city=city, indicator=indicator, years=[year, year - 1])
    current = {d.pk: values[(d.pk, year)] for d in districts if (d.pk, year) in values}
    previous = {d.pk: values[(d.pk, year - 1)] for d in districts if (d.pk, year - 1) in values}
    return DistrictComparison(
        city=city,
        indicator=indicator,
        year=year,
        ranking=stats.ranking(current, indicator.direction, previous),  # type: ignore[arg-type]
        districts={d.pk: d for d in districts},
        missing=[d for d in districts if d.pk not in current],
    )


@dataclass
class DistrictRow:
    """One line of the district form: the district, its saved figure (if any) and what
    the person typed when the form came back with errors."""

    district: TerritorialUnit
    value: Value | None
    typed: str = ""
    error: str = ""


def district_rows(
    *, group: Group, city: TerritorialUnit, indicator: Indicator, year: int
) -> list[DistrictRow]:
    districts = districts_of(city)
    saved = {
        v.district_id: v
        for v in Value.objects.filter(
            group=group, unit=city, indicator=indicator, year=year, district__in=districts
        )
    }
    return [DistrictRow(district=d, value=saved.get(d.pk)) for d in districts]


def _entry_check(*, group: Group, city: TerritorialUnit, indicator: Indicator, year: int) -> None:
    group_writable(group)
    if indicator.is_derived:
        raise ServiceError(
            _("A derived indicator is computed from its parts: enter those instead."),
            code="derived",
        )
    if not Indicator.objects.of_group(group).filter(pk=indicator.pk).exists():
        raise ServiceError(_("This indicator is not the group's."), code="not_group")
    if not FIRST_YEAR <= year <= timezone.localdate().year + 1:
        raise ServiceError(_("Choose a year from 1990 to next year."), code="year")
    if city.level == UnitLevel.DISTRICT:
        raise ServiceError(_("A district has no districts."), code="district")


@transaction.atomic
def district_values_save(
    *,
    actor: User,
    group: Group,
    city: TerritorialUnit,
    indicator: Indicator,
    year: int,
    values: dict[int, Decimal],
) -> int:
    """Save the figures of the city's districts (district id → number) as drafts, each
    change in the history; a figure typed as it was saved keeps its status, a changed one
    waits to be verified again. Returns how many changed.

    The caller has applied the `figures` rule to the city. Raises ServiceError, writing
    nothing, in an archived group, for a derived indicator or one not the group's, a
    year out of range, a district that is not the city's or a number out of range."""
    _entry_check(group=group, city=city, indicator=indicator, year=year)
    districts = {d.pk: d for d in districts_of(city)}
    if set(values) - set(districts):
        raise ServiceError(
            _("This district is not part of %(city)s.") % {"city": city.name}, code="district"
        )
    saved = {
        v.district_id: v
        for v in Value.objects.select_for_update().filter(
            group=group, unit=city, indicator=indicator, year=year, district__in=list(districts)
        )
    }
    changed = 0
    for pk, number in values.items():
        row = saved.get(pk)
        if row is not None and row.value == number:
            continue
        value_set(
            actor=actor,
            group=group,
            unit=city,
            district=districts[pk],
            indicator=indicator,
            year=year,
            value=number,
            source=ValueSource.TYPED,
            status=ValueStatus.DRAFT,
        )
        changed += 1
    return changed


@transaction.atomic
def district_values_verify(
    *,
    actor: User,
    group: Group,
    city: TerritorialUnit,
    indicator: Indicator,
    year: int,
    seen: dict[int, Decimal],
) -> int:
    """A facilitator verifies the city's district figures that wait (district id → the
    number the page showed). Returns how many were verified.

    Raises ServiceError, writing nothing, in an archived group, when nothing waits, or
    when a waiting figure is not the one the page showed: what is verified is what the
    facilitator saw."""
    group_writable(group)
    waiting = list(
        Value.objects.select_for_update()
        .filter(group=group, unit=city, indicator=indicator, year=year, district__parent=city)
        .exclude(status=ValueStatus.VERIFIED)
    )
    if not waiting:
        raise ServiceError(_("No district figure waits to be verified."), code="nothing")
    if any(seen.get(row.district_id or 0) != row.value for row in waiting):
        raise ServiceError(
            _("A figure changed after the page was opened. Look at them again, then verify."),
            code="changed",
        )
    for row in waiting:
        old_status = row.status
        row.status, row.comment = ValueStatus.VERIFIED, ""
        row.save(update_fields=["status", "comment"])
        ValueChange.objects.create(
            value=row,
            group_id=group.pk,
            unit_id_at=row.unit_id,
            indicator_id_at=row.indicator_id,
            year=row.year,
            old_value=row.value,
            new_value=row.value,
            old_status=old_status,
            new_status=row.status,
            source=row.source,
            source_detail=row.source_detail,
            actor=actor,
            actor_name=actor.full_name,
        )
    return len(waiting)
