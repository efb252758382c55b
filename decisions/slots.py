"""The time slots of a date poll: typed as wall-clock times in the organiser's zone,
stored in UTC, and read by each voter in their own zone with the organiser's beside it
("11:00 Kyiv (10:00 Warsaw)").

Nothing here writes or queries. Warsaw and Kyiv change their clocks at the same instant
(01:00 UTC on the last Sunday of March and of October), so they are an hour apart on
either side of a change; zones that change on other dates (New York, a week later in
autumn) are apart by another amount between the two changes, and the label follows the
instant, never a fixed difference.
"""

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from django.utils import formats
from django.utils.translation import gettext as _

from gwd.errors import ServiceError
from gwd.zones import zone_city
from meetings.services import local_to_utc

DAY_FORMAT = "l, j E Y"
SHORT_DAY_FORMAT = "j E"


def zone_get(zone_name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(zone_name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ServiceError(_("Unknown time zone."), code="invalid") from None


def slot_instant(day: dt.date, time: dt.time, zone_name: str) -> dt.datetime:
    """The UTC instant of `time` on `day` in the organiser's zone, as a meeting's start is
    taken: a time the clocks skip (02:30 on the last Sunday of March in Warsaw) is
    refused, one that happens twice (02:30 on the last Sunday of October) is taken the
    first time. A slot becomes a meeting at exactly this instant."""
    return local_to_utc(day, time, zone_name)


@dataclass(frozen=True)
class SlotTime:
    """One slot as a viewer reads it: its start (and end) in the viewer's zone and in the
    organiser's."""

    starts_at: dt.datetime
    ends_at: dt.datetime | None
    organiser_starts_at: dt.datetime
    organiser_ends_at: dt.datetime | None
    viewer_zone: str
    organiser_zone: str

    @property
    def same_clock(self) -> bool:
        """The two zones show the same wall-clock time at this instant."""
        return self.starts_at.utcoffset() == self.organiser_starts_at.utcoffset()


def slot_time(
    starts_at: dt.datetime,
    ends_at: dt.datetime | None,
    *,
    viewer_zone: str,
    organiser_zone: str,
) -> SlotTime:
    viewer, organiser = zone_get(viewer_zone), zone_get(organiser_zone)
    return SlotTime(
        starts_at=starts_at.astimezone(viewer),
        ends_at=ends_at.astimezone(viewer) if ends_at else None,
        organiser_starts_at=starts_at.astimezone(organiser),
        organiser_ends_at=ends_at.astimezone(organiser) if ends_at else None,
        viewer_zone=viewer_zone,
        organiser_zone=organiser_zone,
    )


def _clock(start: dt.datetime, end: dt.datetime | None) -> str:
    if end is None:
        return f"{start:%H:%M}"
    if end.date() == start.date():
        return f"{start:%H:%M}–{end:%H:%M}"
    return f"{start:%H:%M} – {formats.date_format(end, SHORT_DAY_FORMAT)} {end:%H:%M}"


@dataclass(frozen=True)
class SlotLabel:
    """What a slot's label is made of, in the active language: the day and hours in the
    viewer's zone, that zone's city, and — when the organiser's clock shows another time —
    the organiser's hours (with their day when it is another) and city."""

    day: str
    clock: str
    city: str
    organiser_clock: str
    organiser_city: str

    def __str__(self) -> str:
        own = f"{self.day}, {self.clock} {self.city}"
        if not self.organiser_clock:
            return own
        return f"{own} ({self.organiser_clock} {self.organiser_city})"


def slot_label(slot: SlotTime) -> SlotLabel:
    """ "wtorek, 2 listopada 2027, 11:00–12:00 Kijów (10:00–11:00 Warszawa)"."""
    organiser_clock = ""
    if not slot.same_clock:
        organiser_clock = _clock(slot.organiser_starts_at, slot.organiser_ends_at)
        if slot.organiser_starts_at.date() != slot.starts_at.date():
            day = formats.date_format(slot.organiser_starts_at, SHORT_DAY_FORMAT)
            organiser_clock = f"{day} {organiser_clock}"
    return SlotLabel(
        day=formats.date_format(slot.starts_at, DAY_FORMAT),
        clock=_clock(slot.starts_at, slot.ends_at),
        city=zone_city(slot.viewer_zone),
        organiser_clock=organiser_clock,
        organiser_city=zone_city(slot.organiser_zone),
    )
