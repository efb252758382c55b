"""Numbers in the reader's format for the indicator pages (indicators.numbers)."""

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django import template
from django.utils.html import conditional_escape, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from indicators.models import Measure
from indicators.numbers import format_number, format_percent_change

register = template.Library()


@register.filter
def number(value: Decimal | None, places: int | None = None) -> str:
    """`1 234,5`; with `places`, rounded half up to that many decimals first."""
    if value is None or value == "":
        return "–"
    if places is not None:
        value = Decimal(value).quantize(Decimal(1).scaleb(-int(places)), rounding=ROUND_HALF_UP)
    return format_number(value)


@register.filter
def change(value: Decimal | None) -> str:
    if value is None:
        return "–"
    return format_percent_change(Decimal(value).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


@register.filter
def lookup(mapping: dict, key: Any) -> Any:
    return mapping.get(key) if mapping else None


@register.filter
def country_name(code: str) -> str:
    return {"PL": _("Poland"), "UA": _("Ukraine")}.get(code, code)


def _escaped(*texts: str) -> list[str]:
    """Labels repeated on every row, escaped once."""
    return [conditional_escape(text) for text in texts]


def _safe(text: str) -> str:
    # Formatted numbers hold digits, separators, signs and "%" only: nothing to escape.
    return mark_safe(text)


# The long tables are rendered here rather than row by row in the template: a ranking of
# 300 municipalities or a profile of 200 indicators would otherwise spend most of the
# page's time in the template engine's per-cell lookups and per-row translations.


@register.simple_tag
def ranking_rows(section, profile_url: str, year: int) -> str:
    """The rows of one ranking (comparisons.Section): rank, municipality linked to its
    profile, value, index and change, each cell labelled for the phone layout."""
    labels = _escaped(_("Rank"), _("Municipality"), _("Value"), _("Index (median = 100)"))
    (change_label,) = _escaped(_("Change on the previous year"))
    prefix, _placeholder, suffix = profile_url.partition("0/profile/")
    return format_html_join(
        "\n",
        '<tr><td data-label="{}">{}</td><th scope="row" data-label="{}"><a href="{}">{}</a></th>'
        '<td data-label="{}">{}</td><td data-label="{}">{}</td><td data-label="{}">{}</td></tr>',
        (
            (
                labels[0],
                row.rank,
                labels[1],
                f"{prefix}{row.key}/profile/{suffix}?year={year}",
                section.units[row.key].name,
                labels[2],
                _safe(number(row.value)),
                labels[3],
                _safe(number(row.index, 0)),
                change_label,
                _safe(change(row.change)),
            )
            for row in section.ranking.rows
        ),
    )


@register.simple_tag
def profile_rows(profile, comparison_url: str, year: int) -> str:
    """The rows of a profile: indicator linked to its comparison, value with its unit,
    the group's median, index and rank."""
    labels = _escaped(_("Indicator"), _("Value"), _("Median"), _("Index (median = 100)"), _("Rank"))
    of = _("%(rank)s of %(total)s")
    measures: dict[str, str] = {}

    currency = {"PL": _("PLN"), "UA": _("UAH")}.get(profile.unit.country)

    def measure(indicator) -> str:
        if indicator.measure not in measures:
            measures[indicator.measure] = (
                currency
                if indicator.measure == Measure.MONEY and currency
                else str(indicator.get_measure_display())
            )
        return measures[indicator.measure]

    return format_html_join(
        "\n",
        '<tr><th scope="row" data-label="{}"><a href="{}">{}</a></th>'
        '<td data-label="{}">{} <span class="meta">{}</span></td><td data-label="{}">{}</td>'
        '<td data-label="{}">{}</td><td data-label="{}">{}</td></tr>',
        (
            (
                labels[0],
                f"{comparison_url}?indicator={row.indicator.pk}&year={year}",
                row.indicator.display_name,
                labels[1],
                _safe(number(row.value)),
                measure(row.indicator),
                labels[2],
                _safe(number(row.summary.median)),
                labels[3],
                _safe(number(row.index, 0)),
                labels[4],
                of % {"rank": row.rank, "total": row.summary.count},
            )
            for row in profile.rows
        ),
    )


@register.simple_tag
def unit_checkboxes(units, chosen) -> str:
    """One checkbox per municipality of the group for the year-by-year chart."""
    picked = {unit.pk for unit in chosen}
    return format_html_join(
        " ",
        '<span class="field--checkbox"><input type="checkbox" name="unit" value="{}" '
        'id="unit-{}"{}> <label for="unit-{}">{}</label></span>',
        (
            (
                unit.pk,
                unit.pk,
                mark_safe(" checked") if unit.pk in picked else "",
                unit.pk,
                unit.name,
            )
            for unit in units
        ),
    )


@register.simple_tag
def indicator_options(indicators, selected) -> str:
    """The <option>s of the indicator chooser (a group may have hundreds)."""
    chosen = selected.pk if selected else None
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (i.pk, mark_safe(" selected") if i.pk == chosen else "", i.display_name)
            for i in indicators
        ),
    )
