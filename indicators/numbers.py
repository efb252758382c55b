"""Numbers as the reader writes them: ``1 234,5`` in Polish and Ukrainian, ``1,234.5`` in
English (CLDR through Babel), so that tables, charts and reports agree."""

from decimal import Decimal

from babel.numbers import format_decimal
from django.utils.translation import get_language, to_locale

# Up to two decimals, trailing zeros dropped: 1 234,5 rather than 1 234,50.
PATTERN = "#,##0.##"


def reader_locale() -> str:
    return to_locale(get_language() or "pl")


def format_number(value: Decimal | int | float | None, *, locale: str | None = None) -> str:
    """``value`` in the reader's (or ``locale``'s) number format; a dash for none."""
    if value is None:
        return "–"
    return format_decimal(value, format=PATTERN, locale=locale or reader_locale())


def format_percent_change(value: Decimal | None, *, locale: str | None = None) -> str:
    """A change in per cent with its sign: +12,5 %, −3 %."""
    if value is None:
        return "–"
    sign = "+" if value > 0 else ("−" if value < 0 else "")
    return f"{sign}{format_number(abs(value), locale=locale)}\u00a0%"
