"""Writes to territorial units and to the units that are members of a group."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from groups.models import Group, GroupUnit, TerritorialUnit
from gwd.errors import ServiceError


def unit_get_or_create(
    *,
    country: str,
    level: str,
    name: str,
    code: str,
    bdl_id: str = "",
    parent: TerritorialUnit | None = None,
) -> TerritorialUnit:
    """The unit with this TERYT or KATOTTH code, created or brought up to date.

    Raises ServiceError when the code does not fit the country and level.
    """
    unit = TerritorialUnit.objects.filter(code=code.strip().upper()).first()
    unit = unit or TerritorialUnit(code=code)
    unit.country, unit.level, unit.name, unit.parent = country, level, name.strip(), parent
    unit.bdl_id = bdl_id or unit.bdl_id
    try:
        unit.full_clean(validate_unique=False)
    except ValidationError as error:
        raise ServiceError(" ".join(error.messages)) from None
    unit.save()
    return unit


@transaction.atomic
def group_unit_join(*, group: Group, unit: TerritorialUnit) -> GroupUnit:
    """Make `unit` a member of `group` (again, if it had left). Called when one of its
    officials becomes a member; it stays when they leave."""
    membership, created = GroupUnit.objects.select_for_update().get_or_create(
        group=group, unit=unit
    )
    if not created and membership.left_at is not None:
        membership.left_at = None
        membership.joined_at = timezone.now()
        membership.save(update_fields=["left_at", "joined_at"])
    return membership


def group_unit_leave(*, group: Group, unit: TerritorialUnit) -> None:
    """The unit stops being a member; its figures stay with the group."""
    GroupUnit.objects.filter(group=group, unit=unit, left_at__isnull=True).update(
        left_at=timezone.now()
    )
