"""Figures as officials type them, read in their language's number format."""

from decimal import Decimal

import pytest
from django.utils import translation

from indicators.entry import NumberError, format_entry, parse_number

READ = [
    ("1 234,5", "pl", "1234.5"),
    ("1\u00a0234,5", "pl", "1234.5"),
    ("1\u202f234,5", "uk", "1234.5"),
    ("  12 345 678,25 ", "uk", "12345678.25"),
    ("-3,2", "pl", "-3.2"),
    ("\u22123,2", "pl", "-3.2"),
    ("0,0001", "pl", "0.0001"),
    ("1234,50000", "pl", "1234.5"),
    ("1,234.5", "en", "1234.5"),
    ("1 234.5", "en", "1234.5"),
]

REFUSED = [
    ("", "pl", "Enter a number"),
    ("abc", "pl", "is not a number"),
    ("1,2,3", "pl", "is not a number"),
    ("1e5", "pl", "is not a number"),
    ("NaN", "en", "is not a number"),
    ("Infinity", "en", "is not a number"),
    ("1,23456", "pl", "four decimal places"),
    ("12345678901234567", "pl", "too large"),
    ("1 2 3,4", "pl", "is not a number"),
]


@pytest.mark.parametrize("text, locale, number", READ)
def test_numbers_are_read_in_the_readers_format(text, locale, number):
    assert parse_number(text, locale) == Decimal(number)


@pytest.mark.parametrize("text, locale, why", REFUSED)
def test_what_is_not_a_number_is_refused_with_a_reason(text, locale, why):
    with translation.override("en"), pytest.raises(NumberError, match=why):
        parse_number(text, locale)


@pytest.mark.parametrize("locale", ["pl", "uk", "en"])
def test_what_a_cell_shows_reads_back_as_the_same_number(locale):
    for number in [Decimal("1234.5"), Decimal("0.0001"), Decimal("-987654.3210"), Decimal(12)]:
        assert parse_number(format_entry(number, locale), locale) == number
