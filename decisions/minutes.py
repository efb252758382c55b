"""The decisions taken at a meeting, on the meeting's page beside its minutes
(through meetings.sections, registered in DecisionsConfig.ready): the polls on its
agenda with their outcomes, and the date poll that chose its time."""

from django.db.models import Q
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from decisions import access as rules
from decisions.models import Poll
from groups.access import Capability, GroupAccess
from meetings.models import Meeting

MEETING_POLLS = 50


def meeting_decisions(request: HttpRequest, access: GroupAccess, meeting: Meeting) -> SafeString:
    """One query however many polls (and one more for a member who may start polls);
    nothing when the meeting has none and the reader may not start one on its agenda."""
    polls = list(
        Poll.objects.filter(group=access.group)
        .filter(Q(meeting=meeting) | Q(created_meeting=meeting))
        .order_by("created_at", "pk")[:MEETING_POLLS]
    )
    # A facilitator may always; a member as the group's settings say.
    may_start = access.can(Capability.MODERATE) or (
        access.can(Capability.POST)
        and rules.may_start_poll(access, rules.decision_settings(access.group))
    )
    if not polls and not may_start:
        return SafeString("")
    return render_to_string(
        "decisions/_meeting_decisions.html",
        {
            "group": access.group,
            "taken": [poll for poll in polls if poll.meeting_id == meeting.pk],
            "chosen_by": [poll for poll in polls if poll.created_meeting_id == meeting.pk],
            "meeting": meeting,
            "may_start": may_start and not access.group.archived,
        },
        request=request,
    )
