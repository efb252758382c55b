"""Numbers in the reader's format, as Babel's CLDR pattern #,##0.## writes them."""

import random
from decimal import Decimal as D

from babel.numbers import format_decimal

from indicators.numbers import format_number, format_percent_change


def test_polish_and_ukrainian_group_thousands_with_a_space_and_use_a_decimal_comma():
    assert format_number(D("1234.5"), locale="pl") == "1\u00a0234,5"
    assert format_number(D("1234.5"), locale="uk") == "1\u00a0234,5"
    assert format_number(D("1234.5"), locale="en") == "1,234.5"
    assert format_number(D("-1234567.125"), locale="pl") == "-1\u00a0234\u00a0567,13"
    assert format_number(D("12.00"), locale="pl") == "12"
    assert format_number(D("-0.001"), locale="pl") == "0"
    assert format_number(None) == "–"


def test_the_same_text_as_babel_for_numbers_that_need_no_tie_break():
    rng = random.Random(21)
    for _ in range(500):
        value = D(rng.randint(-(10**9), 10**9)) / D(10 ** rng.randint(0, 3))
        if value.as_tuple().exponent < -2 and str(value)[-1] == "5":
            continue  # half-way cases: Babel rounds half to even, GWD half up
        for locale in ("pl", "uk", "en"):
            assert format_number(value, locale=locale) == format_decimal(
                value, format="#,##0.##", locale=locale
            ), (value, locale)


def test_a_change_has_its_sign_and_per_cent():
    assert format_percent_change(D("12.5"), locale="pl") == "+12,5\u00a0%"
    assert format_percent_change(D(-3), locale="pl") == "−3\u00a0%"
    assert format_percent_change(D(0), locale="pl") == "0\u00a0%"
