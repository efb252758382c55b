from django import template

from groups.access import GroupAccess
from groups.models import Group
from groups.selectors import with_pending_moderation

register = template.Library()


@register.simple_tag
def moderation_pending(access: GroupAccess) -> int:
    """Reported messages and held messages waiting in the group's queue, in one query
    (moderators only: the count sits in the navigation of every group page)."""
    if access is None or not access.can_moderate:
        return 0
    row = (
        with_pending_moderation(Group.objects.filter(pk=access.group.pk))
        .values_list("open_reports", "held_messages")
        .first()
    )
    return sum(row) if row else 0
