"""What a notification says and the links that come with it, in the reader's language.

Read by the bell, the e-mail tasks, the digest and the personal-data export; nothing here
writes.
"""

import datetime as dt
import zoneinfo

from django.core import signing
from django.utils import formats, timezone, translation
from django.utils.html import format_html
from django.utils.translation import gettext as _

from groups.models import Group, Notification, Role, User

Kind = Notification.Kind
UNSUBSCRIBE_SALT = "gwd.notifications.unsubscribe"


def notification_text(notification: Notification, time_zone: str | None = None) -> str:
    """The sentence of a notification, in the active language (HTML-safe)."""
    p = notification.params
    zone = zoneinfo.ZoneInfo(time_zone) if time_zone else timezone.get_current_timezone()
    when = ""
    if p.get("starts_at") or p.get("closes_at"):
        moment = p.get("starts_at") or p["closes_at"]
        start = dt.datetime.fromisoformat(moment).astimezone(zone)
        when = formats.date_format(start, "j E Y, H:i")
    texts: dict[str, str] = {
        Kind.MENTION: _("{actor} mentioned you in “{thread}”"),
        Kind.REPLY: _("{actor} replied in “{thread}”"),
        Kind.MEETING_SCHEDULED: _("New meeting: “{title}”, {when}"),
        Kind.MEETING_CHANGED: _("The meeting “{title}” has changed: now {when}"),
        Kind.MEETING_CANCELLED: _("The meeting “{title}” on {when} is cancelled"),
        Kind.DOCUMENT_NEW: _("{actor} added “{title}” to the library"),
        Kind.DOCUMENT_VERSION: _("{actor} uploaded a new version of “{title}”"),
        Kind.REPORT_DECIDED: _("A facilitator has dealt with your report about a message"),
        Kind.POLL_NEW: _("{actor} started a poll: “{title}”"),
        Kind.POLL_CLOSING: _("The poll “{title}” closes on {when} and you have not voted"),
        Kind.POLL_OUTCOME: _("Decision taken in the poll “{title}”"),
        Kind.JOINED: _("You are now a member of “{group}”"),
        Kind.ROLE_CHANGED: _("Your role in “{group}” is now: {role}"),
        Kind.REMOVED: _("You have been removed from “{group}”"),
        Kind.ROUND_OPENED: _("{actor} opened the data round “{title}”"),
        Kind.ROUND_REMINDER: _(
            "Reminder: the data round “{title}” waits for the figures of {unit}"
        ),
        Kind.ROUND_SUBMITTED: _("{actor} submitted the figures of {unit} in “{title}”"),
        Kind.ROUND_RETURNED: _("{actor} sent back the figures of {unit} in “{title}”"),
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
        role = Role(role).label if role in Role.values else role
    return format_html(
        texts[notification.kind],
        # Empty once the account is deleted: the sentence still needs a subject.
        actor=p.get("actor") or _("Former member"),
        thread=p.get("thread", ""),
        title=p.get("title", ""),
        # The group's name in the reader's language, not the one it was stored in.
        group=notification.group.display_name if notification.group else p.get("group", ""),
        when=when,
        role=role,
        count=p.get("count", ""),
        unit=p.get("unit", ""),
    )


def unsubscribe_token(user: User, group: Group | None = None) -> str:
    """A signed token for one-click unsubscribe: from one group, or from all e-mail."""
    return signing.dumps({"u": user.pk, "g": group.pk if group else 0}, salt=UNSUBSCRIBE_SALT)


def with_language(user: User):
    return translation.override(user.language)


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
