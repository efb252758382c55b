"""Figures in the reader's number format, for the indicator pages."""

from decimal import Decimal

from django import template
from django.utils.translation import get_language, to_locale

from indicators.entry import format_entry

register = template.Library()


@register.filter
def figure(value: object) -> str:
    """``1 234,5`` in Polish and Ukrainian, ``1,234.5`` in English; a dash for none."""
    if not isinstance(value, Decimal):
        return "–"
    return format_entry(value, to_locale(get_language() or "pl"))


@register.filter
def figure_input(value: object) -> str:
    """The same, empty for none: the text a cell of the form starts with."""
    if not isinstance(value, Decimal):
        return ""
    return format_entry(value, to_locale(get_language() or "pl"))
