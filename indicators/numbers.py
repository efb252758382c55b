"""Numbers as the reader writes them: ``1 234,5`` in Polish and Ukrainian, ``1,234.5`` in
English, so that tables, charts and reports agree.

The separators come from CLDR through Babel (``get_group_symbol`` and friends), read once
per locale; the formatting itself is Python's, because a ranking of 300 municipalities
prints a thousand numbers and Babel's pattern engine costs some 50 µs a number. The result
is what ``format_decimal(value, "#,##0.##")`` gives: groups of three, up to two decimals,
trailing zeros dropped, rounded half up.
"""

import functools
from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import get_decimal_symbol, get_group_symbol, get_minus_sign_symbol
from django.utils.translation import get_language, to_locale

TWO_PLACES = Decimal("0.01")


def reader_locale() -> str:
    return to_locale(get_language() or "pl")


@functools.cache
def _symbols(locale: str) -> tuple[str, str, str]:
    return get_group_symbol(locale), get_decimal_symbol(locale), get_minus_sign_symbol(locale)


def format_number(value: Decimal | int | float | None, *, locale: str | None = None) -> str:
    """`value` in the reader's (or `locale`'s) number format; a dash for none."""
    if value is None:
        return "–"
    group, decimal, minus = _symbols(locale or reader_locale())
    number = Decimal(value) if not isinstance(value, Decimal) else value
    if not number.is_finite():
        return "–"
    rounded = number.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)
    text = f"{abs(rounded):,.2f}".rstrip("0").rstrip(".")
    whole, _dot, fraction = text.partition(".")
    text = whole.replace(",", group) + (decimal + fraction if fraction else "")
    return (minus + text) if rounded < 0 else text


def format_percent_change(value: Decimal | None, *, locale: str | None = None) -> str:
    """A change in per cent with its sign: +12,5 %, −3 %."""
    if value is None:
        return "–"
    sign = "+" if value > 0 else ("−" if value < 0 else "")
    return f"{sign}{format_number(abs(value), locale=locale)}\u00a0%"
