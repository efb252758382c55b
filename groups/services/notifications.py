"""The one service every app calls to tell people what happened.

`notify()` decides who hears (active members only for group activity, each person's
level for the group), stores the notifications, raises the bell counter, pushes a live
frame after commit, and sends e-mail at once for what cannot wait (mentions, meeting
changes); the rest waits for the person's daily or weekly digest.
"""

from django.core import signing
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from groups import events, tasks
from groups.models import Group, Membership, Notification, User
from groups.notices import UNSUBSCRIBE_SALT
from gwd.commit import after_commit

__all__ = [
    "notification_settings_save",
    "notifications_read",
    "notify",
    "unsubscribe_apply",
]

Kind = Notification.Kind
IMMEDIATE = {Kind.MENTION, Kind.MEETING_SCHEDULED, Kind.MEETING_CHANGED, Kind.MEETING_CANCELLED}
# About the membership itself: sent whatever the person's level, even after removal.
MEMBERSHIP = {Kind.JOINED, Kind.ROLE_CHANGED, Kind.REMOVED}


def notify(
    *,
    kind: str,
    group: Group | None,
    users,
    params: dict,
    url: str = "",
    actor: User | None = None,
) -> list[Notification]:
    """Tell `users` (ids or users) about `kind` in `group`. Call inside the writing
    transaction: nothing leaves GWD unless it commits."""
    ids = {u if isinstance(u, int) else u.pk for u in users}
    if actor is not None:
        ids.discard(actor.pk)
    if not ids:
        return []
    if group is not None and kind not in MEMBERSHIP:
        memberships = Membership.objects.active().filter(group=group, user_id__in=ids)
        ids = {
            user_id
            for user_id, level in memberships.values_list("user_id", "notify")
            if level == Membership.Notify.ALL
            or (level == Membership.Notify.MENTIONS and kind == Kind.MENTION)
        }
    if not ids:
        return []
    created = Notification.objects.bulk_create(
        [
            Notification(user_id=uid, group=group, kind=kind, params=params, url=url)
            for uid in sorted(ids)
        ]
    )
    User.objects.filter(pk__in=ids).update(unread_notifications=F("unread_notifications") + 1)
    after_commit(lambda: _push(sorted(ids)))
    if kind in IMMEDIATE:
        notification_ids = [n.pk for n in created]
        after_commit(lambda: tasks.notifications_email.enqueue(notification_ids=notification_ids))
    return created


def _push(user_ids: list[int]) -> None:
    """The new bell count to every open socket of these people."""
    counts = User.objects.filter(pk__in=user_ids).values_list("pk", "unread_notifications")
    events.send_to_users(
        {user_id: {"type": "notification", "unread": unread} for user_id, unread in counts}
    )


@transaction.atomic
def notifications_read(*, actor: User, ids: list[int] | None = None) -> int:
    """Mark some (or all) of the actor's notifications read; returns how many."""
    unread = Notification.objects.filter(user=actor, read_at=None)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    changed = unread.update(read_at=timezone.now())
    remaining = Notification.objects.filter(user=actor, read_at=None).count()
    User.objects.filter(pk=actor.pk).update(unread_notifications=remaining)
    actor.unread_notifications = remaining
    return changed


@transaction.atomic
def unsubscribe_apply(*, token: str) -> tuple[User, Group | None]:
    """Apply an unsubscribe token; raises signing.BadSignature for a forged one."""
    data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    user = User.objects.get(pk=data["u"])
    group = Group.objects.filter(pk=data["g"]).first() if data["g"] else None
    if group is None:
        user.email_notifications = False
        user.save(update_fields=["email_notifications"])
    else:
        Membership.objects.filter(user=user, group=group).update(notify=Membership.Notify.NOTHING)
    return user, group


@transaction.atomic
def notification_settings_save(
    *, actor: User, email_notifications: bool, digest: str, levels: dict[int, str]
) -> None:
    if digest not in User.Digest.values:
        raise ValueError(digest)
    actor.email_notifications = email_notifications
    actor.digest = digest
    actor.save(update_fields=["email_notifications", "digest"])
    for group_id, level in levels.items():
        if level in Membership.Notify.values:
            Membership.objects.filter(user=actor, group_id=group_id).update(notify=level)
