"""The one service every app calls to tell people what happened.

`notify()` decides who hears (active members only for group activity, each person's
level for the group), stores the notifications, raises the bell counter, pushes a live
frame after commit, and sends e-mail at once for what cannot wait (mentions, meeting
changes); the rest waits for the person's daily or weekly digest.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.core import signing
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone, translation

from groups import events, tasks
from groups.models import Group, Membership, Notification, User
from groups.notices import UNSUBSCRIBE_SALT
from groups.payloads import notification_frame
from gwd.commit import after_commit

__all__ = [
    "Notice",
    "notification_settings_save",
    "notifications_read",
    "notify",
    "notify_many",
    "unsubscribe_apply",
]

Kind = Notification.Kind
# A poll closing within a day cannot wait for a weekly digest either.
IMMEDIATE = {
    Kind.MENTION,
    Kind.MEETING_SCHEDULED,
    Kind.MEETING_CHANGED,
    Kind.MEETING_CANCELLED,
    Kind.POLL_CLOSING,
}
# About the membership itself: sent whatever the person's level, even after removal.
MEMBERSHIP = {Kind.JOINED, Kind.ROLE_CHANGED, Kind.REMOVED}


@dataclass(frozen=True)
class Notice:
    """What to tell whom: `users` are ids or users, or (for the last notice given to
    notify_many) a query of user ids, asked inside its one query for who hears."""

    kind: str
    users: Iterable[int | User] | QuerySet
    params: dict
    url: str = ""


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
    return notify_many(group=group, actor=actor, notices=[Notice(kind, users, params, url)])


def notify_many(
    *, group: Group | None, actor: User | None, notices: list[Notice]
) -> list[Notification]:
    """Several notices about one event in one pass: one query for who hears, one insert,
    one counter update. A person named by several notices hears only the first that
    their level for the group lets through (a mention before a reply)."""
    named: list[set[int] | None] = []
    for position, notice in enumerate(notices):
        if isinstance(notice.users, QuerySet):
            if position != len(notices) - 1 or notice.kind in MEMBERSHIP or group is None:
                raise ValueError("only the last notice of group activity may be a query")
            named.append(None)
        else:
            named.append({u if isinstance(u, int) else u.pk for u in notice.users})
    everyone_named = set().union(*(ids for ids in named if ids is not None))
    query = notices[-1].users if notices and named[-1] is None else None
    if not everyone_named and query is None:
        return []
    levels: dict[int, str] = {}
    if group is not None and any(notice.kind not in MEMBERSHIP for notice in notices):
        wanted = Q(user_id__in=everyone_named)
        if query is not None:
            wanted |= Q(user_id__in=query)
        levels = dict(
            Membership.objects.active()
            .filter(group=group)
            .filter(wanted)
            .values_list("user_id", "notify")
        )
    chosen: dict[int, Notice] = {}
    for notice, names in zip(notices, named, strict=True):
        for user_id in sorted(names if names is not None else set(levels) - everyone_named):
            if user_id in chosen or (actor is not None and user_id == actor.pk):
                continue
            if group is not None and notice.kind not in MEMBERSHIP:
                level = levels.get(user_id)
                if not (
                    level == Membership.Notify.ALL
                    or (level == Membership.Notify.MENTIONS and notice.kind == Kind.MENTION)
                ):
                    continue
            chosen[user_id] = notice
    if not chosen:
        return []
    ids = sorted(chosen)
    created = Notification.objects.bulk_create(
        [
            Notification(
                user_id=uid,
                group=group,
                kind=chosen[uid].kind,
                params=chosen[uid].params,
                url=chosen[uid].url,
            )
            for uid in ids
        ]
    )
    User.objects.filter(pk__in=ids).update(unread_notifications=F("unread_notifications") + 1)
    after_commit(lambda: _push(ids))
    immediate = [n.pk for n in created if n.kind in IMMEDIATE]
    if immediate:
        after_commit(lambda: tasks.notifications_email.enqueue(notification_ids=immediate))
    return created


def _push(user_ids: list[int]) -> None:
    """The new bell count to every open socket of these people, worded in each one's
    language: one query however many they are."""
    rows = User.objects.filter(pk__in=user_ids).values_list(
        "pk", "unread_notifications", "language"
    )
    frames = {}
    for user_id, unread, language in rows:
        with translation.override(language):
            frames[user_id] = notification_frame(unread)
    events.send_to_users(frames)


@transaction.atomic
def notifications_read(*, actor: User, ids: list[int] | None = None) -> int:
    """Mark some (or all) of the actor's notifications read; returns how many. Every
    socket the actor has open hears the new count after commit."""
    unread = Notification.objects.filter(user=actor, read_at=None)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    changed = unread.update(read_at=timezone.now())
    remaining = Notification.objects.filter(user=actor, read_at=None).count()
    User.objects.filter(pk=actor.pk).update(unread_notifications=remaining)
    actor.unread_notifications = remaining
    # The bells of the person's other pages and tabs go quiet too.
    after_commit(lambda: _push([actor.pk]))
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
