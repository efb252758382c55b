"""File sizes as people read them, in the language of the page: "1,4 kB", "50 MB" in
Polish, "1,4 кБ", "50 МБ" in Ukrainian. Units come from CLDR through Babel, so every size
on every page (and in the page's script, through Intl.NumberFormat, which reads the same
data) has one form; a kilobyte is 1024 bytes, as file managers count."""

from babel.units import format_unit
from django.utils import translation

UNITS = [
    ("byte", 1),
    ("digital-kilobyte", 1024),
    ("digital-megabyte", 1024**2),
    ("digital-gigabyte", 1024**3),
]


def _locale() -> str:
    """Babel's name for the page's language: "pl", "uk", "en" (Django's "en-us" too)."""
    return (translation.get_language() or "en").split("-")[0]


def file_size(size: int | None) -> str:
    """`size` bytes in the largest unit that keeps the number at one or more, with one
    decimal place at most."""
    size = max(int(size or 0), 0)
    unit, factor = next(((u, f) for u, f in reversed(UNITS) if size >= f), UNITS[0])
    return format_unit(
        round(size / factor, 1), unit, length="short", format="#,##0.#", locale=_locale()
    )
