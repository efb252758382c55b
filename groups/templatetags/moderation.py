from django import template
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from groups.access import GroupAccess
from groups.models import Group, Message, Report

register = template.Library()


def _count(queryset, field: str):
    counted = (
        queryset.order_by().values("group").annotate(n=Count(field, distinct=True)).values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


@register.simple_tag
def moderation_pending(access: GroupAccess) -> int:
    """Reported messages and held messages waiting in the group's queue, in one query
    (moderators only: the count sits in the navigation of every group page)."""
    if access is None or not access.can_moderate:
        return 0
    reports = Report.objects.filter(group=OuterRef("pk"), status=Report.Status.OPEN)
    held = Message.objects.filter(group=OuterRef("pk"), held_at__isnull=False)
    row = (
        Group.objects.filter(pk=access.group.pk)
        .annotate(open_reports=_count(reports, "message"), held_messages=_count(held, "pk"))
        .values_list("open_reports", "held_messages")
        .first()
    )
    return sum(row) if row else 0
