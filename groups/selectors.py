"""Reads of groups that depend on who reads them."""

from django.utils.translation import get_language

from groups.models import Group


def group_sort_key(group: Group) -> tuple[bool, str]:
    """Where a group comes in a list for a reader of the active language: open groups
    before archived ones, then by the name that reader sees. Lists sort in Python with
    it, not in SQL: which column holds that name differs from group to group."""
    return (group.archived, group.name_in(get_language()).casefold())
