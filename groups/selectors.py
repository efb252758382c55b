"""Reads of groups that depend on who reads them."""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import get_language

from groups.models import Group, GroupUnit, Membership, Message, Report, TerritorialUnit


def group_sort_key(group: Group) -> tuple[bool, str]:
    """Where a group comes in a list for a reader of the active language: open groups
    before archived ones, then by the name that reader sees. Lists sort in Python with
    it, not in SQL: which column holds that name differs from group to group."""
    return (group.archived, group.name_in(get_language()).casefold())


def _count(queryset: QuerySet, field: str) -> Coalesce:
    counted = (
        queryset.order_by().values("group").annotate(n=Count(field, distinct=True)).values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def with_pending_moderation(groups: QuerySet[Group]) -> QuerySet[Any]:
    """`groups` with `open_reports` (messages reported and not yet decided) and
    `held_messages` (held for a blocked phrase), each counted by a subquery per group
    through an index: a join with every message counted a whole group's 100,000. (Typed
    as rows of Any: the type checker does not see annotations through a function.)"""
    reports = Report.objects.filter(group=OuterRef("pk"), status=Report.Status.OPEN)
    held = Message.objects.filter(group=OuterRef("pk"), held_at__isnull=False)
    return groups.annotate(
        open_reports=_count(reports, "message"), held_messages=_count(held, "pk")
    )


@dataclass
class MemberUnit:
    """A municipality that is a member of a group, with the officials who represent it
    there now (none while it waits for a new one)."""

    unit: TerritorialUnit
    officials: list[str] = field(default_factory=list)


def member_units(group: Group) -> list[MemberUnit]:
    """The group's member municipalities by name, each with its officials: two queries."""
    units = {
        gu.unit_id: MemberUnit(unit=gu.unit)
        for gu in GroupUnit.objects.filter(group=group, left_at__isnull=True)
        .select_related("unit")
        .order_by("unit__name")
    }
    officials = (
        Membership.objects.active()
        .filter(group=group, institution__unit__in=list(units))
        .order_by("user__full_name")
        .values_list("institution__unit_id", "user__full_name")
    )
    for unit_id, name in officials:
        units[unit_id].officials.append(name)
    return list(units.values())
