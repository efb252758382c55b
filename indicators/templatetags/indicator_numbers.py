"""Numbers in the reader's format for the indicator pages (indicators.numbers)."""

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django import template
from django.utils.translation import gettext as _

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
