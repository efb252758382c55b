"""Reading meetings as a person of the group may see them."""

from django.db.models import QuerySet

from groups.access import GroupAccess
from meetings.models import Meeting


def visible_meetings(access: GroupAccess) -> QuerySet[Meeting]:
    """Meetings of the group that this person may see: drafts only for managers."""
    meetings = Meeting.objects.filter(group=access.group).select_related("group")
    if not access.can_manage:
        meetings = meetings.exclude(status=Meeting.Status.DRAFT)
    return meetings


def meeting_shown(access: GroupAccess, meeting: Meeting | None) -> Meeting | None:
    """`meeting` if this person may see it (a draft only for managers), else None: for
    pages of other kinds that name a meeting, as a poll on its agenda does."""
    if meeting is None or (meeting.status == Meeting.Status.DRAFT and not access.can_manage):
        return None
    return meeting
