"""The one service every app calls to tell people what happened.

`notify()` decides who hears (active members only for group activity, each person's
level for the group), stores the notifications, raises the bell counter, pushes a live
frame after commit, and sends e-mail at once for what cannot wait (mentions, meeting
changes); the rest waits for the person's daily or weekly digest.
"""

import datetime as dt
import zoneinfo

from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import formats, timezone, translation
from django.utils.html import format_html
from django.utils.translation import gettext as _

from groups import events
from groups.models import DigestRun, Group, Membership, Notification, User
from gwd.commit import after_commit

__all__ = [
    "folder_follow_toggle",
    "notification_settings_save",
    "notification_text",
    "notifications_read",
    "notify",
    "unsubscribe_apply",
    "unsubscribe_token",
]

Kind = Notification.Kind
IMMEDIATE = {Kind.MENTION, Kind.MEETING_SCHEDULED, Kind.MEETING_CHANGED, Kind.MEETING_CANCELLED}
# About the membership itself: sent whatever the person's level, even after removal.
MEMBERSHIP = {Kind.JOINED, Kind.ROLE_CHANGED, Kind.REMOVED}
UNSUBSCRIBE_SALT = "gwd.notifications.unsubscribe"


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
        from groups import tasks

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


def notification_text(notification: Notification, time_zone: str | None = None) -> str:
    """The sentence of a notification, in the active language (HTML-safe)."""
    p = notification.params
    zone = zoneinfo.ZoneInfo(time_zone) if time_zone else timezone.get_current_timezone()
    when = ""
    if p.get("starts_at"):
        start = dt.datetime.fromisoformat(p["starts_at"]).astimezone(zone)
        when = formats.date_format(start, "j E Y, H:i")
    texts = {
        Kind.MENTION: _("{actor} mentioned you in “{thread}”"),
        Kind.REPLY: _("{actor} replied in “{thread}”"),
        Kind.MEETING_SCHEDULED: _("New meeting: “{title}”, {when}"),
        Kind.MEETING_CHANGED: _("The meeting “{title}” has changed: now {when}"),
        Kind.MEETING_CANCELLED: _("The meeting “{title}” on {when} is cancelled"),
        Kind.DOCUMENT_NEW: _("{actor} added “{title}” to the library"),
        Kind.DOCUMENT_VERSION: _("{actor} uploaded a new version of “{title}”"),
        Kind.REPORT_DECIDED: _("A facilitator has dealt with your report about a message"),
        Kind.JOINED: _("You are now a member of “{group}”"),
        Kind.ROLE_CHANGED: _("Your role in “{group}” is now: {role}"),
        Kind.REMOVED: _("You have been removed from “{group}”"),
    }
    if p.get("count"):  # one notice for several meetings of a series
        texts |= {
            Kind.MEETING_SCHEDULED: _(
                "New meeting series “{title}” from {when} (meetings: {count})"
            ),
            Kind.MEETING_CHANGED: _(
                "The meeting series “{title}” has changed: now from {when} (meetings: {count})"
            ),
            Kind.MEETING_CANCELLED: _(
                "The meeting series “{title}” from {when} is cancelled (meetings: {count})"
            ),
        }
    role = p.get("role", "")
    if role:
        from groups.models import Role

        role = Role(role).label if role in Role.values else role
    return format_html(
        texts[notification.kind],
        # Empty once the account is deleted: the sentence still needs a subject.
        actor=p.get("actor") or _("Former member"),
        thread=p.get("thread", ""),
        title=p.get("title", ""),
        group=p.get("group", ""),
        when=when,
        role=role,
        count=p.get("count", ""),
    )


def unsubscribe_token(user: User, group: Group | None = None) -> str:
    """A signed token for one-click unsubscribe: from one group, or from all e-mail."""
    return signing.dumps({"u": user.pk, "g": group.pk if group else 0}, salt=UNSUBSCRIBE_SALT)


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


def digest_period(user: User, now: dt.datetime) -> str | None:
    """The period whose digest is due for `user` now (from 07:00 their time), or None."""
    local = now.astimezone(zoneinfo.ZoneInfo(user.time_zone))
    if user.digest == User.Digest.NEVER or local.hour < 7:
        return None
    if user.digest == User.Digest.DAILY:
        return f"daily:{local.date().isoformat()}"
    if local.weekday() != 0:
        return None
    year, week, _day = local.isocalendar()
    return f"weekly:{year}-W{week:02d}"


def digest_claim(user: User, period: str) -> bool:
    """Claim the digest of `period` for `user`; False if it was already sent."""
    try:
        with transaction.atomic():
            DigestRun.objects.create(user=user, period=period)
    except IntegrityError:  # the unique row exists: this period is done
        return False
    return True


def with_language(user: User):
    return translation.override(user.language)


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


@transaction.atomic
def folder_follow_toggle(*, actor: User, group: Group, folder=None) -> bool:
    """Follow a folder (or the whole library); a second call stops. True if following."""
    from groups.models import FolderFollow

    follows = FolderFollow.objects.filter(user=actor, group=group, folder=folder)
    deleted, _per_model = follows.delete()
    if deleted:
        return False
    FolderFollow.objects.create(user=actor, group=group, folder=folder)
    return True
