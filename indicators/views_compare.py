"""Pages that compare: the ranking of an indicator in a year with its charts, a
municipality's profile, the charts themselves as SVG, and the comparison and the profile
as reports to download or to file in the library. Members and observers read them all;
filing a report needs `upload`, as any document does."""

import functools
import hashlib
import zlib
from collections.abc import Callable

from django.contrib import messages
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.http import content_disposition_header
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from groups.access import (
    AuthenticatedHttpRequest,
    Capability,
    GroupAccess,
    group_object_get,
    group_view,
)
from groups.models import TerritorialUnit
from gwd.errors import ServiceError
from gwd.http import parse_id, parse_int
from indicators import charts, comparisons, districts, reports
from indicators.models import Indicator
from indicators.numbers import format_number, reader_locale
from indicators.selectors import group_indicators

MAX_SERIES_UNITS = 8
SVG = "image/svg+xml"
CHART_SECONDS = 3600
PAGE_SECONDS = 600


def _indicator(access: GroupAccess, raw: str | None) -> Indicator:
    pk = parse_id(raw)
    if pk is None:
        raise Http404
    try:
        return group_indicators(access.group).only(*comparisons.LIST_FIELDS).get(pk=pk)
    except Indicator.DoesNotExist:
        raise Http404 from None


def _year(raw: str | None, years: list[int]) -> int | None:
    year = parse_int(raw, minimum=0, maximum=9999)
    if year in years:
        return year
    return years[0] if years else None


def _chosen_units(request, units: list[TerritorialUnit]) -> list[TerritorialUnit]:
    wanted = {parse_id(raw) for raw in request.GET.getlist("unit")}
    chosen = [unit for unit in units if unit.pk in wanted]
    return chosen[:MAX_SERIES_UNITS]


def _cached_parts(key: str, render: Callable[[], dict[str, str]]) -> dict[str, SafeString]:
    """The parts of a page that every reader sees alike, rendered by `render` on the
    first reading and then kept in the cache under `key`, compressed: a ranking of 300
    municipalities is 150 kB of HTML, some 15 kB compressed.

    The key names everything the parts show (the figures' marks, the indicators' and the
    member units' rows, the language), so a change is a new key and the old entry is
    left to expire. PAGE_SECONDS bounds how long a figure committed out of id order on
    PostgreSQL (a lower id after a higher one) can go unseen."""
    kept = cache.get(key)
    if kept is not None:
        return {name: mark_safe(zlib.decompress(data).decode()) for name, data in kept.items()}
    parts = render()
    packed = {name: zlib.compress(html.encode(), 1) for name, html in parts.items()}
    cache.set(key, packed, PAGE_SECONDS)
    return {name: mark_safe(html) for name, html in parts.items()}


def _page_key(page: str, access: GroupAccess, marks: comparisons.Marks, *material: object) -> str:
    group = access.group
    shown = (marks, group.slug, get_language(), material)
    digest = hashlib.blake2b(repr(shown).encode(), digest_size=20).hexdigest()
    return f"indicators:page:{page}:{group.pk}:{digest}"


@group_view(Capability.VIEW)
@require_GET
def comparison(request: AuthenticatedHttpRequest, access: GroupAccess) -> HttpResponse:
    """One indicator's ranking in a year, with its charts, the report and the chosen
    units year by year. The ranking is the same for every reader of a language and is
    served from the cache until a figure, a member unit or an indicator changes."""
    group = access.group
    indicator_rows = comparisons.indicator_rows(group)
    context: dict = {"access": access, "group": group, "indicators": indicator_rows}
    if not indicator_rows:
        return render(request, "indicators/comparison.html", context)
    raw = request.GET.get("indicator")
    row: tuple | None
    if raw is None:
        row = indicator_rows[0]
    else:
        row = next((row for row in indicator_rows if str(row[0]) == raw), None)
    if row is None:
        raise Http404
    # The whole row of the one shown: its definition is on the page.
    indicator = Indicator.objects.get(pk=row[0])
    years = comparisons.years_with_values(group, indicator)
    year = _year(request.GET.get("year"), years)
    unit_rows = comparisons.unit_rows(group)
    wanted = {parse_id(raw) for raw in request.GET.getlist("unit")}
    chosen_ids = [r[0] for r in unit_rows if r[0] in wanted][:MAX_SERIES_UNITS]
    query = f"indicator={indicator.pk}&year={year}"
    fields = [getattr(indicator, f.attname) for f in Indicator._meta.concrete_fields]
    marks = comparisons.figures_marks(group)
    key = _page_key("comparison", access, marks, indicator_rows, unit_rows, fields, year)
    units: list[TerritorialUnit] = []
    parts_context = {"group": group, "indicator": indicator, "years": years, "year": year}

    def render_parts() -> dict[str, str]:
        units[:] = comparisons.units_of(unit_rows)
        fragment = parts_context | {"indicators": comparisons.indicators_of(indicator_rows)}
        ranked = ""
        if year is not None:
            result = comparisons.comparison_get(
                group=group, indicator=indicator, year=year, units=units
            )
            fragment |= {"comparison": result, "query": query}
            ranked = "yes" if result.sections else ""
        return {
            "rankings": render_to_string("indicators/_comparison_rankings.html", fragment),
            "series": render_to_string(
                "indicators/_comparison_series.html", fragment | {"units": units, "chosen": []}
            ),
            "ranked": ranked,
        }

    parts = _cached_parts(key, render_parts)
    context |= {
        "indicator": indicator,
        "years": years,
        "year": year,
        "rankings": parts["rankings"],
        "ranked": bool(parts["ranked"]),
        "series": parts["series"],
        "query": query,
    }
    if chosen_ids and year is not None:
        # The units a reader chose are that reader's: computed for each.
        units = units or comparisons.units_of(unit_rows)
        chosen = [unit for unit in units if unit.pk in chosen_ids]
        series = comparisons.series_get(
            group=group, indicator=indicator, units=chosen, years=sorted(years)
        )
        context["series"] = render_to_string(
            "indicators/_comparison_series.html",
            parts_context
            | {
                "units": units,
                "chosen": chosen,
                "series": [(unit, series[unit]) for unit in chosen],
                "series_years": sorted(years),
                "series_query": "&".join(f"unit={unit.pk}" for unit in chosen),
            },
        )
    return render(request, "indicators/comparison.html", context)


def _indicator_or_first(access: GroupAccess, raw: str | None) -> Indicator | None:
    """The indicator the query names, the group's first by default (None when it has
    none); one that is not the group's is a 404."""
    if raw is None:
        return group_indicators(access.group).only(*comparisons.LIST_FIELDS).first()
    return _indicator(access, raw)


def _comparison_for(access: GroupAccess, request) -> comparisons.Comparison | None:
    """The comparison the query names, the group's first indicator and its latest year
    by default; None when there are no verified figures to compare. An indicator that is
    not the group's is a 404."""
    indicator = _indicator_or_first(access, request.GET.get("indicator"))
    if indicator is None:
        return None
    units = comparisons.group_units(access.group)
    return _comparison_of(access, indicator, request.GET.get("year"), units)


def _comparison_of(
    access: GroupAccess,
    indicator: Indicator,
    raw_year: str | None,
    units: list[TerritorialUnit],
) -> comparisons.Comparison | None:
    years = comparisons.years_with_values(access.group, indicator)
    year = _year(raw_year, years)
    if year is None:
        return None
    result = comparisons.comparison_get(
        group=access.group, indicator=indicator, year=year, units=units
    )
    return result if result.sections else None


def _no_figures_svg() -> str:
    text = _("No verified figures yet.")
    return charts.bar_chart(title=text, description=text, labels=[], values=[])


def _chart_key(access: GroupAccess, shown: object) -> str:
    """The cache key of a chart of the group showing `shown` (what the query picked,
    with the indicator's and the units' rows as read) to this reader.

    A new value takes a new id and every change of one (its number or its status)
    writes a ValueChange, so the newest id of each says whether any figure changed, as
    for the profile's distributions; the rows in `shown` carry names and membership,
    and the language the labels and the number format."""
    group = access.group
    material = repr((comparisons.figures_marks(group), get_language(), shown))
    return f"indicators:chart:{group.pk}:{hashlib.sha256(material.encode()).hexdigest()}"


def _rows(indicator: Indicator | None, units: list[TerritorialUnit]) -> tuple:
    """What of the indicator and the units a chart draws, for its cache key."""
    fields = None if indicator is None else [getattr(indicator, f) for f in comparisons.LIST_FIELDS]
    return fields, [(unit.pk, unit.name, unit.country) for unit in units]


@group_view(Capability.VIEW)
@require_GET
def chart(request: AuthenticatedHttpRequest, access: GroupAccess) -> HttpResponse:
    """One chart as an SVG document, for the <img> of the comparison page: `kind` is
    bar (one ranking), box (its spread) or line (chosen units year by year); `section`
    picks the ranking when money is ranked per country.

    Matplotlib takes 70–100 ms a chart, so a drawn chart is kept in the cache until a
    figure of the group changes or what it shows does (see _chart_key)."""
    kind = request.GET.get("kind", "bar")
    units = comparisons.group_units(access.group)
    draw: Callable[[], str]
    if kind == "line":
        indicator = _indicator(access, request.GET.get("indicator"))
        chosen = _chosen_units(request, units)
        shown: tuple = (kind, _rows(indicator, chosen))
        draw = functools.partial(_line_svg, access, indicator, chosen)
    elif kind in ("bar", "box"):
        first = _indicator_or_first(access, request.GET.get("indicator"))
        raw_year = request.GET.get("year")
        section = parse_int(request.GET.get("section", "0"), minimum=0, maximum=9999)
        if section is None:
            raise Http404
        # The year drawn, not the one asked: any other asks for the latest, and would
        # otherwise be drawn again and kept under a key of its own.
        years = comparisons.years_with_values(access.group, first) if first else []
        year = _year(raw_year, years)
        shown = (kind, year, section, _rows(first, units))
        draw = functools.partial(
            _ranking_svg, access, kind, first, None if year is None else str(year), section, units
        )
    else:
        raise Http404
    key = _chart_key(access, shown)
    svg = cache.get(key)
    if svg is None:
        svg = draw().encode()
        cache.set(key, svg, CHART_SECONDS)
    response = HttpResponse(svg, content_type=SVG)
    response["Cache-Control"] = "private, max-age=300"
    return response


def _line_svg(access: GroupAccess, indicator: Indicator, units: list[TerritorialUnit]) -> str:
    years = sorted(comparisons.years_with_values(access.group, indicator))
    series = comparisons.series_get(
        group=access.group, indicator=indicator, units=units, years=years
    )
    description = "; ".join(
        f"{unit.name}: "
        + ", ".join(f"{year} {format_number(v)}" for year, v in sorted(points.items()))
        for unit, points in series.items()
    )
    return charts.line_chart(
        title=_("%(indicator)s year by year") % {"indicator": indicator.display_name},
        description=description or _("No figures yet."),
        series={unit.name: points for unit, points in series.items()},
        axis_label=indicator.get_measure_display(),
        locale=reader_locale(),
    )


def _ranking_svg(
    access: GroupAccess,
    kind: str,
    indicator: Indicator | None,
    raw_year: str | None,
    section: int,
    units: list[TerritorialUnit],
) -> str:
    """A ranking's bars or box; a section the comparison does not have is a 404."""
    result = None if indicator is None else _comparison_of(access, indicator, raw_year, units)
    if result is None:
        return _no_figures_svg()
    if section >= len(result.sections):
        raise Http404
    draw = reports.box_svg if kind == "box" else reports.bar_svg
    return draw(result, section)


def _is_member(unit: TerritorialUnit) -> bool:
    """Whether the unit _profile_unit found is a member of the group now (its mark)."""
    return bool(getattr(unit, "current_member", False))


def _profile_unit(access: GroupAccess, unit_id: int) -> TerritorialUnit:
    # Marked for the profile's links to its districts' pages, in the same query.
    units = districts.with_district_marks(TerritorialUnit.objects.all(), access.group)
    return group_object_get(access, units, unit_id, group_field="group_memberships__group")


@group_view(Capability.VIEW)
def profile(request: AuthenticatedHttpRequest, access: GroupAccess, unit_id: int) -> HttpResponse:
    """A municipality against the group on every indicator in a year; the same for every
    reader of a language, so served from the cache like the ranking."""
    group = access.group
    unit = _profile_unit(access, unit_id)
    years = comparisons.profile_years(group, unit)
    year = _year(request.GET.get("year"), years)
    context = {
        "access": access,
        "group": group,
        "unit": unit,
        "years": years,
        "year": year,
        # A unit that left is compared no more: its medians and ranks are the members'.
        "left": not _is_member(unit),
    }
    if year is not None and _is_member(unit):
        indicator_rows = comparisons.indicator_rows(group)
        unit_rows = comparisons.unit_rows(group)
        shown = (unit.pk, unit.name, unit.country)
        marks = comparisons.figures_marks(group)
        key = _page_key("profile", access, marks, indicator_rows, unit_rows, shown, year)

        def render_parts() -> dict[str, str]:
            result = comparisons.profile_get(
                group=group,
                unit=unit,
                year=year,
                indicators=comparisons.indicators_of(indicator_rows),
                marks=marks,
                members=comparisons.members_of(unit_rows),
            )
            fragment = {"group": group, "unit": unit, "year": year, "profile": result}
            return {
                "body": render_to_string("indicators/_profile_body.html", fragment),
                "ranked": "yes" if result.rows else "",
            }

        parts = _cached_parts(key, render_parts)
        context |= {"body": parts["body"], "ranked": bool(parts["ranked"])}
    return render(request, "indicators/profile.html", context)


@group_view(Capability.VIEW)
@require_GET
def report(request: AuthenticatedHttpRequest, access: GroupAccess) -> HttpResponse:
    """The comparison as a PDF or XLSX download (`format`)."""
    file_format = request.GET.get("format", "pdf")
    if file_format not in reports.CONTENT_TYPES:
        raise Http404
    result = _comparison_for(access, request)
    if result is None:
        messages.error(request, _("There are no verified figures to report yet."))
        return redirect("indicators:comparison", slug=access.group.slug)
    content, name = reports.comparison_file(result, access.group, file_format)
    response = HttpResponse(content, content_type=reports.CONTENT_TYPES[file_format])
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name)
    return response


@group_view(Capability.UPLOAD)
@require_POST
def report_save(request: AuthenticatedHttpRequest, access: GroupAccess) -> HttpResponse:
    """File the comparison's PDF report in the group's library."""
    result = _comparison_for(access, request)
    file_format = request.POST.get("format", "pdf")
    if result is None or file_format not in reports.CONTENT_TYPES:
        messages.error(request, _("There is no report to save."))
        return redirect("indicators:comparison", slug=access.group.slug)
    try:
        document = reports.report_save(
            actor=access.user, group=access.group, comparison=result, file_format=file_format
        )
    except ServiceError as error:
        messages.error(request, error.message)
        return redirect("indicators:comparison", slug=access.group.slug)
    messages.success(
        request,
        _("The report is in the library. Paste its address into a message to discuss it."),
    )
    return redirect("resources:document-detail", slug=access.group.slug, document_id=document.pk)


def _profile_for(
    access: GroupAccess, unit: TerritorialUnit, raw_year: str | None
) -> comparisons.Profile | None:
    """The unit's profile in the year the query names, its latest year with verified
    figures by default; None when it has no verified figures in that year. A year that
    is not a number is a 404."""
    years = comparisons.profile_years(access.group, unit)
    if raw_year is None:
        year = years[0] if years else None
    else:
        year = parse_int(raw_year, minimum=0, maximum=9999)
        if year is None:
            raise Http404
    if year not in years or not _is_member(unit):
        return None
    indicators = comparisons.indicator_list(access.group)
    result = comparisons.profile_get(
        group=access.group, unit=unit, year=year, indicators=indicators
    )
    return result if result.rows else None


@group_view(Capability.VIEW)
def profile_report(
    request: AuthenticatedHttpRequest, access: GroupAccess, unit_id: int
) -> HttpResponse:
    """The municipality's profile as a PDF or XLSX download (`format`)."""
    unit = _profile_unit(access, unit_id)
    file_format = request.GET.get("format", "pdf")
    if file_format not in reports.CONTENT_TYPES:
        raise Http404
    result = _profile_for(access, unit, request.GET.get("year"))
    if result is None:
        messages.error(request, _("There are no verified figures to report yet."))
        return redirect("indicators:profile", slug=access.group.slug, unit_id=unit.pk)
    content, name = reports.profile_file(result, access.group, file_format)
    response = HttpResponse(content, content_type=reports.CONTENT_TYPES[file_format])
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name)
    return response


@group_view(Capability.UPLOAD)
@require_POST
def profile_report_save(
    request: AuthenticatedHttpRequest, access: GroupAccess, unit_id: int
) -> HttpResponse:
    """File the municipality's profile report in the group's library."""
    unit = _profile_unit(access, unit_id)
    file_format = request.POST.get("format", "pdf")
    back = redirect("indicators:profile", slug=access.group.slug, unit_id=unit.pk)
    result = _profile_for(access, unit, request.GET.get("year"))
    if result is None or file_format not in reports.CONTENT_TYPES:
        messages.error(request, _("There is no report to save."))
        return back
    try:
        document = reports.profile_report_save(
            actor=access.user, group=access.group, profile=result, file_format=file_format
        )
    except ServiceError as error:
        messages.error(request, error.message)
        return back
    messages.success(
        request,
        _("The report is in the library. Paste its address into a message to discuss it."),
    )
    return redirect("resources:document-detail", slug=access.group.slug, document_id=document.pk)
