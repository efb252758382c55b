"""Reads of groups that depend on who reads them."""

from dataclasses import dataclass, field

from django.utils.translation import get_language

from groups.models import Group, GroupUnit, Membership, TerritorialUnit


def group_sort_key(group: Group) -> tuple[bool, str]:
    """Where a group comes in a list for a reader of the active language: open groups
    before archived ones, then by the name that reader sees. Lists sort in Python with
    it, not in SQL: which column holds that name differs from group to group."""
    return (group.archived, group.name_in(get_language()).casefold())


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
