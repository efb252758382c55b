"""Who may start, vote in and settle a poll: the group's capabilities (groups.access)
narrowed or widened by the group's decision settings.

- Starting a poll needs `post`; when the group keeps polls to facilitators (the
  default), `moderate` too.
- Voting needs `post`; an observer votes too when the group allows it (not in an
  archived group, which allows no writing).
- Closing a poll early follows the "poll" row rule: its author, or `manage`.
- Writing the outcome needs `manage`, in a group that is not archived.
"""

from decisions.models import DecisionSettings, Poll, PollStarters
from groups.access import Capability, GroupAccess
from groups.models import Group, Membership, Role


def decision_settings(group: Group) -> DecisionSettings:
    """The group's settings, unsaved defaults when it has none."""
    found = DecisionSettings.objects.filter(group=group).first()
    return found if found is not None else DecisionSettings(group=group)


def may_start_poll(access: GroupAccess, settings: DecisionSettings) -> bool:
    if not access.can(Capability.POST):
        return False
    return settings.poll_starters == PollStarters.MEMBERS or access.can(Capability.MODERATE)


def may_vote(access: GroupAccess, settings: DecisionSettings) -> bool:
    if access.can(Capability.POST):
        return True
    return access.role == Role.OBSERVER and settings.observers_vote and not access.group.archived


def may_close(access: GroupAccess, poll: Poll) -> bool:
    return access.may_change("poll", author_id=poll.created_by_id)


def may_publish_outcome(access: GroupAccess) -> bool:
    # An archived group keeps `manage` only to be unarchived: its record stays as it was.
    return access.can(Capability.MANAGE) and not access.group.archived


def voter_ids(group: Group):
    """Ids of the people who may vote in the group's polls now (a query, not a list)."""
    roles = [Role.FACILITATOR, Role.MEMBER]
    if decision_settings(group).observers_vote and not group.archived:
        roles.append(Role.OBSERVER)
    return (
        Membership.objects.active()
        .filter(group=group, role__in=roles)
        .values_list("user_id", flat=True)
    )
