"""How a meeting's time reads: in the viewer's zone, with the meeting's own zone beside
it when the two differ (Warsaw and Kyiv are an hour apart)."""

from django import template
from django.utils import formats, timezone
from django.utils.html import format_html

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
    here = _span(start, end)
    own = meeting.zone
    offset_here = start.utcoffset()
    offset_there = meeting.starts_at.astimezone(own).utcoffset()
    if str(viewer) == meeting.time_zone or offset_here == offset_there:
        return format_html('<time datetime="{}">{}</time>', start.isoformat(), here)
    there_start, there_end = meeting.starts_at.astimezone(own), meeting.ends_at.astimezone(own)
    return format_html(
        '<time datetime="{}">{}</time> <span class="other-zone">({} {}–{})</span>',
        start.isoformat(),
        here,
        meeting.time_zone.split("/")[-1].replace("_", " "),
        f"{there_start:%H:%M}",
        f"{there_end:%H:%M}",
    )
