"""Reads of indicators, values and rounds for pages and services; nothing here writes."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Q
from django.urls import reverse

from groups.access import GroupAccess
from groups.models import Group, GroupUnit, Membership, Role, TerritorialUnit
from indicators.models import DataRound, Indicator, Submission, Value, ValueStatus

OFFICIAL_ROLES = (Role.FACILITATOR, Role.MEMBER)


def officials(group: Group, units: Iterable[TerritorialUnit]) -> dict[int, set[int]]:
    """For each unit, the ids of the active members of `group` who represent it."""
    found: dict[int, set[int]] = defaultdict(set)
    rows = (
        Membership.objects.active()
        .filter(group=group, role__in=OFFICIAL_ROLES, institution__unit__in=list(units))
        .values_list("institution__unit_id", "user_id")
    )
    for unit_id, user_id in rows:
        found[unit_id].add(user_id)
    return found


def facilitator_ids(group: Group) -> set[int]:
    return set(
        Membership.objects.active()
        .filter(group=group, role=Role.FACILITATOR)
        .values_list("user_id", flat=True)
    )


def represented_unit_id(access: GroupAccess) -> int | None:
    """The unit the person represents in the group, through their membership's
    institution (the `figures` row rule's author)."""
    membership = access.membership
    if membership is None or membership.institution is None:
        return None
    return membership.institution.unit_id


def may_report(access: GroupAccess, unit: TerritorialUnit) -> bool:
    own = represented_unit_id(access) == unit.pk
    return access.may_change("figures", author_id=access.user.pk if own else None)


def require_report(access: GroupAccess, unit: TerritorialUnit) -> None:
    own = represented_unit_id(access) == unit.pk
    access.require_change("figures", author_id=access.user.pk if own else None)


def group_indicators(group: Group):
    """The group's indicators (adopted and own), in the catalogue's order."""
    return Indicator.objects.of_group(group).order_by("domain", "code")


def member_units(group: Group) -> list[GroupUnit]:
    return list(
        GroupUnit.objects.filter(group=group, left_at__isnull=True)
        .select_related("unit")
        .order_by("unit__name")
    )


def rounds_with_progress(group: Group):
    """The group's rounds, each with `done` (submitted or verified) and `total`."""
    return DataRound.objects.filter(group=group).annotate(
        total=Count("submissions", distinct=True),
        done=Count(
            "submissions",
            filter=Q(
                submissions__status__in=[Submission.Status.SUBMITTED, Submission.Status.VERIFIED]
            ),
            distinct=True,
        ),
    )


@dataclass
class GridRow:
    """One line of a unit's form: the indicator, its saved value (if any), and what
    the person typed when the form came back with errors."""

    indicator: Indicator
    value: Value | None
    typed: str = ""
    error: str = ""

    @property
    def missing(self) -> bool:
        return self.value is None

    @property
    def flagged(self) -> bool:
        return self.value is not None and self.value.status == ValueStatus.FLAGGED


def grid_rows(submission: Submission) -> list[GridRow]:
    data_round = submission.round
    indicators = list(data_round.indicators.order_by("domain", "code"))
    values = {
        v.indicator_id: v
        for v in Value.objects.filter(
            group_id=data_round.group_id,
            unit_id=submission.unit_id,
            year=data_round.year,
            district__isnull=True,
            indicator__in=indicators,
        )
    }
    return [GridRow(indicator=i, value=values.get(i.pk)) for i in indicators]


def round_url(data_round: DataRound) -> str:
    return reverse(
        "indicators:round-detail",
        kwargs={"slug": data_round.group.slug, "round_id": data_round.pk},
    )


def submission_url(submission: Submission) -> str:
    return reverse(
        "indicators:submission-edit",
        kwargs={
            "slug": submission.round.group.slug,
            "round_id": submission.round_id,
            "unit_id": submission.unit_id,
        },
    )
