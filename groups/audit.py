"""The moderation log: one entry per facilitator action (and per message held for
review), written in the transaction of the change it records. Services of discussions,
moderation and membership append to it; the log page and the CSV export read it."""

from groups.models import Group, ModerationAction, User


def moderation_log(
    *, actor: User, group: Group, kind: str, target: object, label: str, reason: str = ""
) -> ModerationAction:
    """Append one entry to the group's moderation log."""
    return ModerationAction.objects.create(
        group=group,
        actor=actor,
        actor_name=actor.full_name or actor.email,
        kind=kind,
        target_type=type(target).__name__.lower(),
        target_id=getattr(target, "pk", None),
        target_label=label[:300],
        reason=reason[:1000],
    )
