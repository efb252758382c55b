"""Pages of a city's districts (indicators.districts): their figures, typed by the city's
officials and verified by a facilitator, and their ranking inside the city."""

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from groups.access import (
    AuthenticatedHttpRequest,
    Capability,
    GroupAccess,
    group_object_get,
    group_view,
)
from groups.models import GroupUnit, UnitLevel
from gwd.errors import ServiceError
from gwd.http import parse_id, parse_int
from indicators import comparisons, districts, selectors
from indicators.entry import NumberError, parse_number
from indicators.models import Indicator, Value, ValueStatus
from indicators.numbers import reader_locale
from indicators.services import value_check

# What a cell of the form may hold: a number with its separators, nothing like a page.
MAX_CELL = 40


def _city(access: GroupAccess, unit_id: int, *, current: bool = False) -> GroupUnit:
    """The membership of a unit that is (or, unless `current`, was) a member of the
    group, or 404."""
    memberships = GroupUnit.objects.filter(group=access.group).exclude(
        unit__level=UnitLevel.DISTRICT
    )
    if current:
        memberships = memberships.filter(left_at__isnull=True)
    return group_object_get(access, memberships.select_related("unit"), unit_id, pk_field="unit_id")


def _chosen(
    indicators: list[Indicator], raw: str | None, preferred: set[int] | None = None
) -> Indicator | None:
    """The indicator the query names (404 for one that is not offered); by default the
    first whose figures (for a derived one, both its parts') are among `preferred`,
    else the first."""
    if raw is None:
        if preferred:
            for indicator in indicators:
                parts = (
                    {indicator.numerator_id, indicator.denominator_id}
                    if indicator.is_derived
                    else {indicator.pk}
                )
                if parts <= preferred:
                    return indicator
        return indicators[0] if indicators else None
    pk = parse_id(raw)
    found = next((i for i in indicators if i.pk == pk), None)
    if found is None:
        raise Http404
    return found


@group_view(Capability.VIEW)
def district_comparison(
    request: AuthenticatedHttpRequest, access: GroupAccess, unit_id: int
) -> HttpResponse:
    """The city's districts ranked on one indicator in one year, from verified figures."""
    membership = _city(access, unit_id)
    city = membership.unit
    indicators = comparisons.indicator_list(access.group)
    raw = request.GET.get("indicator")
    # Opened from the profile's link, the page shows an indicator with district figures.
    with_figures = (
        set(
            Value.objects.filter(
                group=access.group,
                unit=city,
                district__isnull=False,
                status=ValueStatus.VERIFIED,
            )
            .values_list("indicator_id", flat=True)
            .distinct()
        )
        if raw is None
        else None
    )
    indicator = _chosen(indicators, raw, with_figures)
    context = {
        "access": access,
        "group": access.group,
        "city": city,
        "indicators": indicators,
        "indicator": indicator,
        "has_districts": bool(districts.districts_of(city)),
        "can_enter": membership.left_at is None and selectors.may_report(access, city),
    }
    if indicator is not None:
        years = districts.district_years(access.group, city, indicator)
        year = parse_int(request.GET.get("year"), minimum=0, maximum=9999)
        year = year if year in years else (years[0] if years else None)
        context |= {"years": years, "year": year}
        if year is not None:
            context["comparison"] = districts.district_comparison_get(
                group=access.group, city=city, indicator=indicator, year=year
            )
    return render(request, "indicators/district_comparison.html", context)


def _year(raw: str | None) -> int:
    this_year = timezone.localdate().year
    year = parse_int(raw, minimum=districts.FIRST_YEAR, maximum=this_year + 1)
    return year if year is not None else this_year - 1


@group_view(Capability.REPORT, row="figures")
def district_figures(
    request: AuthenticatedHttpRequest, access: GroupAccess, unit_id: int
) -> HttpResponse:
    """The figures of a city's districts for one indicator and year: typed by the
    city's officials as drafts, verified by a facilitator as the page showed them."""
    city = _city(access, unit_id, current=True).unit
    selectors.require_report(access, city)
    indicators = [i for i in comparisons.indicator_list(access.group) if not i.is_derived]
    indicator = _chosen(indicators, request.GET.get("indicator"))
    year = _year(request.GET.get("year"))
    context = {
        "access": access,
        "group": access.group,
        "city": city,
        "indicators": indicators,
        "indicator": indicator,
        "year": year,
        "years": list(range(timezone.localdate().year + 1, districts.FIRST_YEAR - 1, -1)),
    }
    if indicator is None:
        return render(request, "indicators/district_figures.html", context)
    rows = districts.district_rows(group=access.group, city=city, indicator=indicator, year=year)
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "verify":
                access.require(Capability.MANAGE)
                count = districts.district_values_verify(
                    actor=access.user,
                    group=access.group,
                    city=city,
                    indicator=indicator,
                    year=year,
                    seen=_seen(request, rows),
                )
                messages.success(
                    request, _("District figures verified: %(count)d.") % {"count": count}
                )
                return redirect(request.get_full_path())
            values = _typed(request, rows, indicator)
            if any(row.error for row in rows):
                messages.error(request, _("Some figures are not right; nothing was saved."))
                status = 400
            else:
                count = districts.district_values_save(
                    actor=access.user,
                    group=access.group,
                    city=city,
                    indicator=indicator,
                    year=year,
                    values=values,
                )
                messages.success(
                    request,
                    _("District figures saved: %(count)d. A facilitator verifies them.")
                    % {"count": count},
                )
                return redirect(request.get_full_path())
        except ServiceError as error:
            messages.error(request, error.message)
            status = 400
    context |= {
        "rows": rows,
        "waiting": [row for row in rows if row.value and row.value.status != "verified"],
        "can_verify": access.can(Capability.MANAGE),
    }
    return render(request, "indicators/district_figures.html", context, status=status)


def _typed(request, rows: list[districts.DistrictRow], indicator: Indicator) -> dict[int, Decimal]:
    """The numbers typed for each district; a cell left empty changes nothing."""
    values = {}
    locale = reader_locale()
    for row in rows:
        text = request.POST.get(f"d-{row.district.pk}", "")[:MAX_CELL]
        row.typed = text
        if not text.strip():
            continue
        try:
            values[row.district.pk] = number = parse_number(text, locale)
            value_check(indicator, number)
        except NumberError as error:
            row.error = error.message
        except ServiceError as error:
            row.error = error.message
    return values


def _seen(request, rows: list[districts.DistrictRow]) -> dict[int, Decimal]:
    """The figures the page showed the facilitator (as they are stored), by district."""
    seen = {}
    for row in rows:
        raw = request.POST.get(f"seen-{row.district.pk}", "")[:MAX_CELL]
        try:
            number = Decimal(raw)
        except (InvalidOperation, ValueError):
            continue
        # "sNaN" parses and then refuses every comparison: no figure was shown as that.
        if number.is_finite():
            seen[row.district.pk] = number
    return seen
