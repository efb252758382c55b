"""Whether a municipality's profile links the comparison of its districts."""

from django import template

from groups.models import Group, TerritorialUnit
from indicators.districts import has_district_figures

register = template.Library()


@register.simple_tag
def district_figures_exist(group: Group, unit: TerritorialUnit) -> bool:
    """True when the unit's districts have verified figures in the group (one query)."""
    return has_district_figures(group, unit)
