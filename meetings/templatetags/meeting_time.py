"""How a meeting's time reads: in the viewer's zone, named with its offset, and the
meeting's own zone beside it when the two differ (Warsaw and Kyiv are an hour apart)."""

from django import template
from django.utils import formats, timezone
from django.utils.html import format_html

from gwd.zones import zone_city, zone_label

register = template.Library()


def _span(start, end) -> str:
    day = formats.date_format(start, "l, j E Y")
    if start.date() == end.date():
        return f"{day}, {start:%H:%M}–{end:%H:%M}"
    return f"{day}, {start:%H:%M} – {formats.date_format(end, 'j E Y')}, {end:%H:%M}"


@register.simple_tag
def meeting_when(meeting) -> str:
    viewer = timezone.get_current_timezone()
    start, end = timezone.localtime(meeting.starts_at), timezone.localtime(meeting.ends_at)
    own = meeting.zone
    there_start, there_end = meeting.starts_at.astimezone(own), meeting.ends_at.astimezone(own)
    time = format_html(
        '<time datetime="{}">{}</time> <span class="zone-label">({})</span>',
        start.isoformat(),
        _span(start, end),
        zone_label(str(viewer), meeting.starts_at, pattern="{city}, {offset}"),
    )
    if str(viewer) == meeting.time_zone or start.utcoffset() == there_start.utcoffset():
        return time
    return format_html(
        '{} <span class="other-zone">({}: {}–{})</span>',
        time,
        zone_city(meeting.time_zone),
        f"{there_start:%H:%M}",
        f"{there_end:%H:%M}",
    )


@register.simple_tag
def viewer_zone(at=None) -> str:
    """The viewer's zone, named, with its offset at the instant (now by default)."""
    return zone_label(str(timezone.get_current_timezone()), at, pattern="{city}, {offset}")
