"""Writes to territorial units and to the units that are members of a group."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from groups.audit import moderation_log
from groups.models import Group, GroupUnit, ModerationAction, TerritorialUnit, UnitLevel, User
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
    """Make `unit` a member of `group` when one of its officials becomes a member; it
    stays when they leave. A unit a facilitator marked as having left stays so until a
    facilitator re-admits it (group_unit_readmit, in the moderation log): an official's
    joining does not undo a facilitator's decision unseen."""
    membership, _created = GroupUnit.objects.select_for_update().get_or_create(
        group=group, unit=unit
    )
    return membership


# --- Facilitators' changes (each in the moderation log, as a removed member is) -----


def _units_writable(group: Group) -> None:
    if group.archived:
        raise ServiceError(
            _("This group is archived: its member municipalities stay as they are."),
            code="archived",
        )


def _membership_lock(group: Group, unit: TerritorialUnit) -> GroupUnit:
    membership = GroupUnit.objects.select_for_update().filter(group=group, unit=unit).first()
    if membership is None:
        raise ServiceError(
            _("%(name)s is not a member municipality of this group.") % {"name": unit.name},
            code="not_member",
        )
    return membership


@transaction.atomic
def group_unit_add(*, actor: User, group: Group, unit: TerritorialUnit) -> GroupUnit:
    """A facilitator makes `unit` a member of `group` before any of its officials is.

    Raises ServiceError, writing nothing, in an archived group, for a district (a part of
    a city reports with its city) and for a unit that is a member already or has left
    (it is re-admitted instead, so its history reads right)."""
    _units_writable(group)
    if unit.level == UnitLevel.DISTRICT:
        raise ServiceError(
            _("A district is part of its city: add the city instead."), code="district"
        )
    membership = GroupUnit.objects.select_for_update().filter(group=group, unit=unit).first()
    if membership is not None and membership.left_at is None:
        raise ServiceError(
            _("%(name)s is already a member municipality.") % {"name": unit.name},
            code="already_member",
        )
    if membership is not None:
        raise ServiceError(
            _("%(name)s has left the group: re-admit it from the list of former members.")
            % {"name": unit.name},
            code="left",
        )
    membership = GroupUnit.objects.create(group=group, unit=unit)
    moderation_log(
        actor=actor, group=group, kind=ModerationAction.Kind.UNIT_ADD, target=unit, label=unit.name
    )
    return membership


@transaction.atomic
def group_unit_leave(*, actor: User, group: Group, unit: TerritorialUnit) -> GroupUnit:
    """A facilitator records that `unit` has left `group`. Its figures stay with the
    group but are no longer compared, and no new round asks it for any. Raises
    ServiceError, writing nothing, in an archived group or when it is not a member now."""
    _units_writable(group)
    membership = _membership_lock(group, unit)
    if membership.left_at is not None:
        raise ServiceError(
            _("%(name)s has already left the group.") % {"name": unit.name}, code="left"
        )
    membership.left_at = timezone.now()
    membership.save(update_fields=["left_at"])
    moderation_log(
        actor=actor,
        group=group,
        kind=ModerationAction.Kind.UNIT_LEAVE,
        target=unit,
        label=unit.name,
    )
    return membership


@transaction.atomic
def group_unit_readmit(*, actor: User, group: Group, unit: TerritorialUnit) -> GroupUnit:
    """A facilitator takes back a unit that had left; it is compared again from now.
    Raises ServiceError, writing nothing, in an archived group or when it has not left."""
    _units_writable(group)
    membership = _membership_lock(group, unit)
    if membership.left_at is None:
        raise ServiceError(
            _("%(name)s is a member municipality already.") % {"name": unit.name},
            code="already_member",
        )
    membership.left_at = None
    membership.joined_at = timezone.now()
    membership.save(update_fields=["left_at", "joined_at"])
    moderation_log(
        actor=actor,
        group=group,
        kind=ModerationAction.Kind.UNIT_READMIT,
        target=unit,
        label=unit.name,
    )
    return membership
