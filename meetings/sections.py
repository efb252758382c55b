"""Parts of a meeting's page that higher apps fill: the decisions taken at it come from
`decisions`, which meetings may not import. Each section is a function of the accessed
group, the meeting and the request that returns its HTML, rendered from a template
(render_to_string escapes what it shows and returns safe text), or "" to show nothing;
`decisions.apps` registers its own from AppConfig.ready().
"""

from collections.abc import Callable

from django.http import HttpRequest
from django.utils.safestring import SafeString

from groups.access import GroupAccess
from meetings.models import Meeting

MinutesSection = Callable[[HttpRequest, GroupAccess, Meeting], SafeString]
_minutes_sections: list[MinutesSection] = []


def minutes_section_register(section: MinutesSection) -> None:
    if section not in _minutes_sections:
        _minutes_sections.append(section)


def minutes_sections(
    request: HttpRequest, access: GroupAccess, meeting: Meeting
) -> list[SafeString]:
    """The HTML of every registered section for this meeting, in the order registered."""
    rendered = (section(request, access, meeting) for section in _minutes_sections)
    return [html for html in rendered if html]
