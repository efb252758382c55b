"""The time zones a person or a meeting may have: those of GWD's members first."""

import zoneinfo

COMMON_TIME_ZONES = ["Europe/Warsaw", "Europe/Kyiv", "Europe/Berlin", "Europe/London", "UTC"]


def time_zone_choices() -> list[tuple[str, str]]:
    others = sorted(zoneinfo.available_timezones() - set(COMMON_TIME_ZONES))
    return [(zone, zone) for zone in COMMON_TIME_ZONES + others]
