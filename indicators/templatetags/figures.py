"""Figures in the reader's number format, for the indicator pages."""

from decimal import Decimal

from django import template
from django.utils.translation import get_language, to_locale
from django.utils.translation import gettext as _

from groups.models import Country
from indicators.entry import format_entry
from indicators.models import Measure

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


@register.simple_tag
def measure_of(indicator, unit) -> str:
    """The unit of measure of `indicator` for `unit`: money in the unit's own currency."""
    if indicator.measure == Measure.MONEY:
        return str(_("PLN") if unit.country == Country.POLAND else _("UAH"))
    return indicator.get_measure_display()
