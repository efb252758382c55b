"""Which district pages a municipality's profile links: the comparison of its districts
once they have verified figures, and their form for those who enter the city's figures."""

from django import template

from groups.access import GroupAccess
from groups.models import TerritorialUnit
from indicators.districts import with_district_marks
from indicators.selectors import may_report

register = template.Library()


@register.simple_tag
def district_links(access: GroupAccess, unit: TerritorialUnit) -> dict[str, bool]:
    """{"compare": …, "enter": …} for `unit`'s profile. The profile's view reads the unit
    marked by with_district_marks, so this costs no query; any other unit costs one."""
    if not hasattr(unit, "district_figures"):
        unit = with_district_marks(TerritorialUnit.objects.filter(pk=unit.pk), access.group).get()
    marked = vars(unit)
    enter = marked["has_districts"] and marked["current_member"] and may_report(access, unit)
    return {"compare": marked["district_figures"], "enter": enter}
