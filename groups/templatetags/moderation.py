from django import template

from groups.access import GroupAccess
from groups.models import Message, Report

register = template.Library()


@register.simple_tag
def moderation_pending(access: GroupAccess) -> int:
    """Open reports and held messages waiting in the group's queue (moderators only)."""
    if access is None or not access.can_moderate:
        return 0
    return (
        Report.objects.filter(group=access.group, status=Report.Status.OPEN)
        .values("message")
        .distinct()
        .count()
        + Message.objects.filter(group=access.group, held_at__isnull=False).count()
    )
