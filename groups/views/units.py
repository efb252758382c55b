"""The group's member municipalities as its facilitators manage them: who is a member now
and who left, the register searched for a unit to add, leaving and re-admitting."""

from dataclasses import dataclass, field

from django.contrib import messages
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from groups import services
from groups.access import (
    AuthenticatedHttpRequest,
    Capability,
    GroupAccess,
    group_object_get,
    group_view,
)
from groups.models import GroupUnit, Membership, TerritorialUnit, UnitLevel
from gwd.errors import ServiceError
from gwd.http import parse_id
from gwd.text import clean_text

MAX_FOUND = 20


@dataclass
class UnitRow:
    membership: GroupUnit
    officials: list[str] = field(default_factory=list)

    @property
    def unit(self) -> TerritorialUnit:
        return self.membership.unit


def _unit_rows(access: GroupAccess) -> list[UnitRow]:
    """Every unit that is or was a member, by name, with its officials among the group's
    members: two queries."""
    rows = {
        gu.unit_id: UnitRow(gu)
        for gu in GroupUnit.objects.filter(group=access.group)
        .select_related("unit")
        .order_by("unit__name", "pk")
    }
    officials = (
        Membership.objects.active()
        .filter(group=access.group, institution__unit__in=list(rows))
        .order_by("user__full_name")
        .values_list("institution__unit_id", "user__full_name")
    )
    for unit_id, name in officials:
        rows[unit_id].officials.append(name)
    return list(rows.values())


def _register_search(access: GroupAccess, query: str) -> list[TerritorialUnit]:
    """Units of the register named or coded like `query` that could join: not a district
    and not in the group (now or before: a former member is re-admitted instead)."""
    if not query:
        return []
    in_group = GroupUnit.objects.filter(group=access.group).values("unit_id")
    return list(
        TerritorialUnit.objects.filter(Q(name__icontains=query) | Q(code__iexact=query))
        .exclude(level=UnitLevel.DISTRICT)
        .exclude(pk__in=in_group)
        .order_by("name", "pk")[:MAX_FOUND]
    )


@group_view(Capability.MANAGE)
def unit_list(request: AuthenticatedHttpRequest, access: GroupAccess) -> HttpResponse:
    rows = _unit_rows(access)
    query = clean_text(request.GET.get("q", "")).strip()[:100]
    return render(
        request,
        "groups/unit_list.html",
        {
            "access": access,
            "group": access.group,
            "current": [row for row in rows if row.membership.left_at is None],
            "former": [row for row in rows if row.membership.left_at is not None],
            "query": query,
            "found": _register_search(access, query),
        },
    )


def _back(access: GroupAccess) -> HttpResponse:
    return redirect("groups:unit-list", slug=access.group.slug)


@group_view(Capability.MANAGE)
@require_POST
def unit_add(request: AuthenticatedHttpRequest, access: GroupAccess) -> HttpResponse:
    pk = parse_id(request.POST.get("unit"))
    unit = TerritorialUnit.objects.filter(pk=pk).first() if pk is not None else None
    if unit is None:
        messages.error(request, _("Choose a municipality of the register."))
        return _back(access)
    try:
        services.group_unit_add(actor=access.user, group=access.group, unit=unit)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(name)s is now a member municipality.") % {"name": unit.name})
    return _back(access)


def _group_unit(access: GroupAccess, unit_id: int) -> GroupUnit:
    return group_object_get(
        access, GroupUnit.objects.select_related("unit"), unit_id, pk_field="unit_id"
    )


@group_view(Capability.MANAGE)
@require_POST
def unit_leave(
    request: AuthenticatedHttpRequest, access: GroupAccess, unit_id: int
) -> HttpResponse:
    unit = _group_unit(access, unit_id).unit
    try:
        services.group_unit_leave(actor=access.user, group=access.group, unit=unit)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("%(name)s has left the group. Its figures stay, and are no longer compared.")
            % {"name": unit.name},
        )
    return _back(access)


@group_view(Capability.MANAGE)
@require_POST
def unit_readmit(
    request: AuthenticatedHttpRequest, access: GroupAccess, unit_id: int
) -> HttpResponse:
    unit = _group_unit(access, unit_id).unit
    try:
        services.group_unit_readmit(actor=access.user, group=access.group, unit=unit)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("%(name)s is a member municipality again.") % {"name": unit.name}
        )
    return _back(access)
