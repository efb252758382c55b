"""The time zones a person or a meeting may have, named in the interface language.

Stored values are IANA ids. The picker offers Warsaw and Kyiv first, then the canonical
zones of Europe (as the tz database lists them in zone1970.tab: no aliases, no legacy
ids such as "W-SU") and a few others; names and offsets come from Babel's CLDR data.
A value stored before the list was curated stays valid and is still shown.
"""

import datetime as dt
import functools
import importlib.resources
import zoneinfo
from collections.abc import Iterable

from babel import Locale
from babel.core import UnknownLocaleError, get_global
from babel.dates import get_timezone_gmt, get_timezone_location
from django import forms
from django.utils import timezone, translation

FIRST_TIME_ZONES = ["Europe/Warsaw", "Europe/Kyiv"]
OTHER_TIME_ZONES = ["UTC", "America/New_York", "America/Toronto", "Asia/Tbilisi", "Asia/Tokyo"]
# Names in zoneinfo that are no place: never offered, never accepted.
NOT_ZONES = {"localtime", "Factory"}


@functools.cache
def curated_time_zones() -> tuple[str, ...]:
    table = importlib.resources.files("tzdata").joinpath("zoneinfo", "zone1970.tab")
    europe = {
        line.split("\t")[2]
        for line in table.read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#") and line.split("\t")[2].startswith("Europe/")
    }
    return tuple(FIRST_TIME_ZONES + sorted(europe - set(FIRST_TIME_ZONES)) + OTHER_TIME_ZONES)


def is_time_zone(value: str) -> bool:
    """An IANA id zoneinfo knows: the curated ones and any stored before them."""
    return value in curated_time_zones() or (
        value not in NOT_ZONES and value in zoneinfo.available_timezones()
    )


def _locale() -> Locale:
    try:
        return Locale.parse(translation.get_language() or "pl", sep="-")
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en")


@functools.cache
def _cldr_ids(zone: str) -> tuple[str, ...]:
    """The id and the older ids CLDR may still file a zone's names under (it keeps
    Europe/Kyiv's under Europe/Kiev, where Babel 2.18 does not look)."""
    aliases = get_global("zone_aliases")
    return (zone, *sorted(old for old, new in aliases.items() if new == zone))


def zone_city(zone: str, locale: Locale | None = None) -> str:
    """The zone's city in the language: "Warszawa", "Київ"."""
    locale = locale or _locale()
    for cldr_id in _cldr_ids(zone):
        city = locale.time_zones.get(cldr_id, {}).get("city")
        if city:
            return city
    return get_timezone_location(zoneinfo.ZoneInfo(zone), locale=locale, return_city=True)


def zone_label(
    zone: str,
    at: dt.datetime | None = None,
    locale: Locale | None = None,
    *,
    pattern: str = "{city} ({offset})",
) -> str:
    """The zone's city with its offset from UTC at the instant (now by default):
    "Warszawa (GMT+01:00)", or in another `pattern` ("{city}, {offset}")."""
    locale = locale or _locale()
    if zone == "UTC":
        return "UTC"
    moment = (at or timezone.now()).astimezone(zoneinfo.ZoneInfo(zone))
    return pattern.format(
        city=zone_city(zone, locale), offset=get_timezone_gmt(moment, locale=locale)
    )


def time_zone_choices(extra: Iterable[str] = ()) -> list[tuple[str, str]]:
    """Warsaw and Kyiv, then the rest by offset and name, in the interface language;
    `extra` adds zones stored earlier that the list no longer offers."""
    locale = _locale()
    now = timezone.now()
    first = [zone for zone in curated_time_zones() if zone in FIRST_TIME_ZONES]
    rest = [zone for zone in curated_time_zones() if zone not in FIRST_TIME_ZONES]
    rest += [zone for zone in extra if zone and zone not in rest and zone not in first]
    rest.sort(
        key=lambda zone: (
            now.astimezone(zoneinfo.ZoneInfo(zone)).utcoffset(),
            zone_city(zone, locale),
        )
    )
    return [(zone, zone_label(zone, now, locale)) for zone in first + rest]


class TimeZoneSelect(forms.Select):
    """The picker; a zone stored before the list was curated is offered too, selected."""

    def optgroups(self, name, value, attrs=None):
        self.choices = time_zone_choices(extra=[v for v in value if v and is_time_zone(v)])
        return super().optgroups(name, value, attrs)


class TimeZoneField(forms.ChoiceField):
    widget = TimeZoneSelect

    def __init__(self, **kwargs):
        super().__init__(choices=time_zone_choices, **kwargs)

    def valid_value(self, value) -> bool:
        return is_time_zone(str(value))
