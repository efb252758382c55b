"""Numbers as officials type them: ``1 234,5`` in Polish and Ukrainian, ``1,234.5`` in
English, read with Babel in the reader's locale (CLDR's separators)."""

from decimal import Decimal, InvalidOperation

from babel.numbers import NumberFormatError, format_decimal, get_group_symbol, parse_decimal
from django.utils.translation import gettext as _

# What Value.value holds: 20 digits, 4 of them after the decimal point.
MAX_INTEGER_DIGITS = 16
MAX_DECIMALS = 4

# Spaces people type or paste from spreadsheets and word processors: each is read as the
# locale's group separator (a no-break space in Polish and Ukrainian, which CLDR writes
# and Babel expects).
SPACES = (" ", "\u00a0", "\u202f", "\u2009")


class NumberError(ValueError):
    """`message` says, in the reader's language, why the text is not a number."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def parse_number(text: str, locale: str) -> Decimal:
    """The number `text` means in `locale` ("pl", "uk", "en"), or NumberError.

    No exponents, no "NaN" or "Infinity", at most four decimal places and sixteen digits
    before the point: what a Value can hold, and nothing a person would not have meant.
    """
    cleaned = text.strip()
    group = get_group_symbol(locale)
    for space in SPACES:
        cleaned = cleaned.replace(space, group)
    cleaned = cleaned.replace("\u2212", "-")  # the minus sign, as Babel writes it
    if not cleaned:
        raise NumberError(_("Enter a number."))
    if any(c.isalpha() for c in cleaned):
        raise NumberError(_("“%(text)s” is not a number.") % {"text": text.strip()[:40]})
    try:
        number = parse_decimal(cleaned, locale=locale, strict=True)
    except (NumberFormatError, InvalidOperation, ValueError):
        raise NumberError(_("“%(text)s” is not a number.") % {"text": text.strip()[:40]}) from None
    if not number.is_finite():
        raise NumberError(_("“%(text)s” is not a number.") % {"text": text.strip()[:40]})
    return number_check(number)


def number_check(number: Decimal) -> Decimal:
    """`number` if a Value can hold it as it is, or NumberError: finite, at most four
    decimal places and sixteen digits before the point. Numbers that come as numbers (a
    spreadsheet's cell, BDL's JSON) go through it as typed text does, so none overflows
    the column or loses decimals unseen."""
    if not number.is_finite():
        raise NumberError(_("This is not a number."))
    _sign, digits, exponent = number.normalize().as_tuple()
    assert isinstance(exponent, int)  # finite, checked above
    if -exponent > MAX_DECIMALS:
        raise NumberError(_("Use at most four decimal places."))
    if len(digits) + exponent > MAX_INTEGER_DIGITS:
        raise NumberError(_("This number is too large."))
    return number


def format_entry(value: Decimal | None, locale: str) -> str:
    """`value` as the reader would type it (``1 234,5``), which parse_number reads back;
    empty for no value."""
    if value is None:
        return ""
    return format_decimal(value.normalize(), format="#,##0.####", locale=locale)
