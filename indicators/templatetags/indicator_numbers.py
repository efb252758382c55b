"""Numbers in the reader's format for the indicator pages (indicators.numbers)."""

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from html import escape
from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from indicators.models import Measure
from indicators.numbers import format_number, format_percent_change, reader_locale

TENTH = Decimal("0.1")

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
    return format_percent_change(Decimal(value).quantize(TENTH, rounding=ROUND_HALF_UP))


def _whole(value: Decimal | None, locale: str) -> str:
    """An index as a whole number, rounded half up."""
    if value is None:
        return "–"
    return format_number(value.quantize(Decimal(1), rounding=ROUND_HALF_UP), locale=locale)


def _change(value: Decimal | None, locale: str) -> str:
    if value is None:
        return "–"
    return format_percent_change(value.quantize(TENTH, rounding=ROUND_HALF_UP), locale=locale)


@register.filter
def lookup(mapping: dict, key: Any) -> Any:
    return mapping.get(key) if mapping else None


@register.filter
def country_name(code: str) -> str:
    return {"PL": _("Poland"), "UA": _("Ukraine")}.get(code, code)


def _escaped(*texts: str) -> list[str]:
    """Labels repeated on every row, escaped once."""
    return [escape(str(text)) for text in texts]


# The long tables are rendered here rather than row by row in the template: a ranking of
# 300 municipalities or a profile of 200 indicators would otherwise spend most of the
# page's time in the template engine's per-cell lookups and per-row translations. The
# rows are plain f-strings: format_html's lazy-string checks on each of a row's eleven
# arguments cost more than the rest of the page (cProfile: half of the comparison's
# time). Every text from the database or a catalogue goes through `escape`; numbers are
# formatted by indicators.numbers and hold digits, separators, signs and "%" only.


def _rows(lines: Iterable[str]) -> SafeString:
    return mark_safe("\n".join(lines))


@register.simple_tag
def ranking_rows(section, profile_url: str, year: int) -> SafeString:
    """The rows of one ranking (comparisons.Section): rank, municipality linked to its
    profile, value, index and change, each cell labelled for the phone layout."""
    rank, name, value, index, change_label = _escaped(
        _("Rank"),
        _("Municipality"),
        _("Value"),
        _("Index (median = 100)"),
        _("Change on the previous year"),
    )
    prefix, _placeholder, suffix = profile_url.partition("0/profile/")
    link = f"{escape(prefix)}{{}}/profile/{escape(suffix)}?year={int(year)}"
    locale = reader_locale()
    units = section.units
    return _rows(
        f'<tr><td data-label="{rank}">{row.rank}</td>'
        f'<th scope="row" data-label="{name}"><a href="{link.format(int(row.key))}">'
        f"{escape(units[row.key].name)}</a></th>"
        f'<td data-label="{value}">{format_number(row.value, locale=locale)}</td>'
        f'<td data-label="{index}">{_whole(row.index, locale)}</td>'
        f'<td data-label="{change_label}">{_change(row.change, locale)}</td></tr>'
        for row in section.ranking.rows
    )


@register.simple_tag
def profile_rows(profile, comparison_url: str, year: int) -> SafeString:
    """The rows of a profile: indicator linked to its comparison, value with its unit,
    the group's median, index and rank."""
    name, value, median, index, rank = _escaped(
        _("Indicator"), _("Value"), _("Median"), _("Index (median = 100)"), _("Rank")
    )
    of = _("%(rank)s of %(total)s")
    measures: dict[str, str] = {}
    currency = {"PL": _("PLN"), "UA": _("UAH")}.get(profile.unit.country)
    locale = reader_locale()
    link = f"{escape(comparison_url)}?indicator={{}}&amp;year={int(year)}"

    def measure(indicator) -> str:
        if indicator.measure not in measures:
            measures[indicator.measure] = escape(
                currency
                if indicator.measure == Measure.MONEY and currency
                else str(indicator.get_measure_display())
            )
        return measures[indicator.measure]

    return _rows(
        f'<tr><th scope="row" data-label="{name}"><a href="{link.format(int(row.indicator.pk))}">'
        f"{escape(row.indicator.display_name)}</a></th>"
        f'<td data-label="{value}">{format_number(row.value, locale=locale)} '
        f'<span class="meta">{measure(row.indicator)}</span></td>'
        f'<td data-label="{median}">{format_number(row.summary.median, locale=locale)}</td>'
        f'<td data-label="{index}">{_whole(row.index, locale)}</td>'
        f'<td data-label="{rank}">'
        f"{escape(of % {'rank': row.rank, 'total': row.summary.count})}</td></tr>"
        for row in profile.rows
    )


@register.simple_tag
def unit_checkboxes(units, chosen) -> SafeString:
    """One checkbox per municipality of the group for the year-by-year chart."""
    picked = {unit.pk for unit in chosen}
    return mark_safe(
        " ".join(
            f'<span class="field--checkbox"><input type="checkbox" name="unit" '
            f'value="{int(unit.pk)}" id="unit-{int(unit.pk)}"'
            f"{' checked' if unit.pk in picked else ''}> "
            f'<label for="unit-{int(unit.pk)}">{escape(unit.name)}</label></span>'
            for unit in units
        )
    )


@register.simple_tag
def indicator_options(indicators, selected) -> SafeString:
    """The <option>s of the indicator chooser (a group may have hundreds)."""
    chosen = selected.pk if selected else None
    return mark_safe(
        "".join(
            f'<option value="{int(i.pk)}"{" selected" if i.pk == chosen else ""}>'
            f"{escape(i.display_name)}</option>"
            for i in indicators
        )
    )
