"""Moderation: reports, facilitator actions, blocked phrases — each logged once.

Callers have checked the `moderate` capability (reporting needs only `view`). Every
action that changes something writes exactly one ModerationAction in the same
transaction; a refused action writes none. What connected clients must see is
announced after commit: public changes as numbered events, personal ones (why your
message was hidden, how long you are muted, that you were removed) to the person only.
"""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from groups import events
from groups.audit import moderation_log
from groups.models import (
    BlockedPhrase,
    Group,
    Membership,
    Message,
    ModerationAction,
    Report,
    Thread,
    User,
)
from groups.payloads import message_payload, thread_payload
from groups.services.discussions import publish_held
from groups.services.notifications import notify
from groups.services.reports import message_label, reports_resolve
from gwd import ratelimit
from gwd.commit import after_commit
from gwd.errors import ServiceError
from gwd.indexing import index_changed
from gwd.text import clean_text

__all__ = [
    "REPORT_RATE",
    "blocked_phrase_add",
    "blocked_phrase_remove",
    "member_mute",
    "member_unmute",
    "message_hide",
    "message_reject",
    "message_release",
    "message_remove",
    "message_unhide",
    "report_create",
    "reports_decide",
    "thread_moderate",
]

REPORT_RATE = "10/hour"
MUTE_MAX_MINUTES = 60 * 24 * 30
REASON_MAX = 500
Kind = ModerationAction.Kind


def _clean_reason(reason: object, *, required: bool = False) -> str:
    if reason is None:
        reason = ""
    if not isinstance(reason, str):
        raise ServiceError(_("The reason must be text."), code="invalid")
    reason = clean_text(reason, multiline=True)
    if required and not reason:
        raise ServiceError(_("Give a reason."), code="empty")
    if len(reason) > REASON_MAX:
        raise ServiceError(_("The reason is too long."), code="too_long")
    return reason


# --- Reports ----------------------------------------------------------------------


@transaction.atomic
def report_create(*, actor: User, message: Message, reason: str, text: str = "") -> Report:
    """A member reports a message to the group's facilitators; once per message."""
    if reason not in Report.Reason.values:
        raise ServiceError(_("Choose a reason."), code="invalid")
    text = _clean_reason(text, required=reason == Report.Reason.OTHER)
    if message.author_id == actor.pk:
        raise ServiceError(_("You cannot report your own message."), code="forbidden")
    if message.is_deleted:
        raise ServiceError(_("This message has been deleted."), code="deleted")
    if message.is_hidden:
        # Already out of sight, and a facilitator has seen it: nothing left to report.
        raise ServiceError(_("This message has been hidden by a facilitator."), code="hidden")
    if message.is_held:
        raise ServiceError(_("This message is waiting for a facilitator's review."), code="held")
    wait = ratelimit.hit(REPORT_RATE, "report", str(actor.pk))
    if wait is not None:
        raise ServiceError(
            _("You have sent many reports. Try again in %(minutes)d min.")
            % {"minutes": max(1, wait // 60)},
            code="rate_limited",
            retry_after=wait,
        )
    try:
        with transaction.atomic():
            report = Report.objects.create(
                group_id=message.group_id,
                message=message,
                reporter=actor,
                reason=reason,
                text=text,
            )
    except IntegrityError:
        raise ServiceError(
            _("You have already reported this message."), code="already_reported"
        ) from None
    moderation_log(
        actor=actor,
        group=message.group,
        kind=Kind.REPORT,
        target=message,
        label=message_label(message),
        reason=f"{Report.Reason(reason).label}{': ' + text if text else ''}",
    )
    return report


@transaction.atomic
def reports_decide(
    *, actor: User, group: Group, report_ids: list[int], resolve: bool, note: str = ""
) -> int:
    """Resolve (the report was right) or dismiss open reports of this group, in bulk.

    Ids of other groups or of decided reports are ignored. Returns how many changed.
    """
    note = _clean_reason(note)
    reports = list(
        Report.objects.select_for_update(of=("self",))
        .select_related("message", "message__author")
        .filter(group=group, pk__in=report_ids, status=Report.Status.OPEN)
    )
    now = timezone.now()
    status = Report.Status.RESOLVED if resolve else Report.Status.DISMISSED
    notify(
        kind="report_decided",
        group=group,
        users={report.reporter_id for report in reports},
        actor=actor,
        params={"resolved": resolve},
    )
    for report in reports:
        report.status, report.decided_by, report.decided_at = status, actor, now
        report.save(update_fields=["status", "decided_by", "decided_at"])
        moderation_log(
            actor=actor,
            group=group,
            kind=Kind.RESOLVE if resolve else Kind.DISMISS,
            target=report,
            label=message_label(report.message),
            reason=note,
        )
    return len(reports)


# --- Messages ---------------------------------------------------------------------


def _announce_message(message: Message, type_: str = "message.updated") -> None:
    seq = events.next_seq(message.group)
    payload = (
        {"id": message.pk, "thread": message.thread_id}
        if type_ == "message.hidden"
        else {"message": message_payload(message)}
    )
    events.event_record(group=message.group, seq=seq, type=type_, payload=payload, message=message)


def _tell(user_id: int | None, frame: dict) -> None:
    if user_id is not None:
        after_commit(lambda: events.send_to_user(user_id, frame))


@transaction.atomic
def message_hide(*, actor: User, message: Message, reason: object) -> Message:
    """Hide a message from everyone; its author is told why, its open reports resolved."""
    reason = _clean_reason(reason, required=True)
    message = (
        Message.objects.select_for_update(of=("self",))
        .select_related("group", "author")
        .get(pk=message.pk)
    )
    if message.is_hidden:
        raise ServiceError(_("This message is already hidden."), code="hidden")
    if message.is_deleted:
        raise ServiceError(_("This message has been deleted."), code="deleted")
    message.hidden_at, message.hidden_by, message.hidden_reason = timezone.now(), actor, reason
    message.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
    _announce_message(message, "message.hidden")
    index_changed("message", message.pk, now=True)
    moderation_log(
        actor=actor,
        group=message.group,
        kind=Kind.HIDE,
        target=message,
        label=message_label(message),
        reason=reason,
    )
    reports_resolve(actor=actor, message=message, reason=reason)
    _tell(
        message.author_id,
        {
            "type": "moderation",
            "action": "hidden",
            "message": message.pk,
            "thread": message.thread_id,
            "reason": reason,
        },
    )
    return message


@transaction.atomic
def message_unhide(*, actor: User, message: Message) -> Message:
    message = (
        Message.objects.select_for_update(of=("self",))
        .select_related("group", "author")
        .get(pk=message.pk)
    )
    if not message.is_hidden:
        raise ServiceError(_("This message is not hidden."), code="invalid")
    message.hidden_at, message.hidden_by, message.hidden_reason = None, None, ""
    message.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
    _announce_message(message)
    index_changed("message", message.pk)
    moderation_log(
        actor=actor,
        group=message.group,
        kind=Kind.UNHIDE,
        target=message,
        label=message_label(message),
    )
    return message


@transaction.atomic
def message_remove(*, actor: User, message: Message, reason: object) -> None:
    """Delete a message permanently: text, history, reactions and reports go; clients
    show a placeholder until they reload, and then nothing. The log keeps that its open
    reports were resolved."""
    reason = _clean_reason(reason, required=True)
    message = (
        Message.objects.select_for_update(of=("self",))
        .select_related("group", "author")
        .get(pk=message.pk)
    )
    label = message_label(message)
    reports_resolve(actor=actor, message=message, reason=reason)
    moderation_log(
        actor=actor,
        group=message.group,
        kind=Kind.DELETE,
        target=message,
        label=label,
        reason=reason,
    )
    _tell(
        message.author_id,
        {
            "type": "moderation",
            "action": "deleted",
            "message": message.pk,
            "thread": message.thread_id,
            "reason": reason,
        },
    )
    message.deleted_at = timezone.now()
    message.body = message.html = ""
    if message.seq:
        _announce_message(message)
    if message.seq:
        Thread.objects.filter(pk=message.thread_id, message_count__gt=0).update(
            message_count=F("message_count") - 1
        )
    message.delete()


@transaction.atomic
def message_release(*, actor: User, message: Message) -> Message:
    """Publish a message held for a blocked phrase."""
    message = (
        Message.objects.select_for_update(of=("self",))
        .select_related("group", "thread")
        .get(pk=message.pk)
    )
    if not message.is_held:
        raise ServiceError(_("This message is not waiting for review."), code="invalid")
    publish_held(message)
    moderation_log(
        actor=actor,
        group=message.group,
        kind=Kind.RELEASE,
        target=message,
        label=message_label(message),
    )
    return message


@transaction.atomic
def message_reject(*, actor: User, message: Message, reason: object = "") -> None:
    """Refuse a held message: it is deleted and its author told why."""
    reason = _clean_reason(reason)
    message = (
        Message.objects.select_for_update(of=("self",)).select_related("group").get(pk=message.pk)
    )
    if not message.is_held:
        raise ServiceError(_("This message is not waiting for review."), code="invalid")
    moderation_log(
        actor=actor,
        group=message.group,
        kind=Kind.REJECT,
        target=message,
        label=message_label(message),
        reason=reason,
    )
    _tell(
        message.author_id,
        {
            "type": "moderation",
            "action": "rejected",
            "message": message.pk,
            "thread": message.thread_id,
            "reason": reason,
        },
    )
    message.delete()


# --- Threads ----------------------------------------------------------------------

THREAD_ACTIONS = {
    "lock": ("locked", True, Kind.LOCK),
    "unlock": ("locked", False, Kind.UNLOCK),
    "pin": ("pinned", True, Kind.PIN),
    "unpin": ("pinned", False, Kind.UNPIN),
}
SLOW_MODE_CHOICES = [0, 10, 30, 60, 300, 900]


@transaction.atomic
def thread_moderate(
    *, actor: User, thread: Thread, action: str, slow_mode: int | None = None, reason: str = ""
) -> Thread:
    """Lock, unlock, pin or unpin a thread, or set its slow mode ("slow_mode")."""
    reason = _clean_reason(reason)
    thread = (
        Thread.objects.select_for_update(of=("self",)).select_related("group").get(pk=thread.pk)
    )
    if action == "slow_mode":
        if slow_mode not in SLOW_MODE_CHOICES:
            raise ServiceError(_("Choose a slow mode interval."), code="invalid")
        if thread.slow_mode_seconds == slow_mode:
            return thread
        thread.slow_mode_seconds = slow_mode
        thread.save(update_fields=["slow_mode_seconds"])
        kind = Kind.SLOW_MODE
        reason = reason or (_("%(seconds)d s") % {"seconds": slow_mode})
    elif action in THREAD_ACTIONS:
        field, value, kind = THREAD_ACTIONS[action]
        if getattr(thread, field) == value:
            raise ServiceError(_("Nothing to change."), code="invalid")
        setattr(thread, field, value)
        thread.save(update_fields=[field])
    else:
        raise ServiceError(_("Unknown action."), code="invalid")
    seq = events.next_seq(thread.group)
    events.event_record(
        group=thread.group,
        seq=seq,
        type="thread.updated",
        payload={"thread": thread_payload(thread)},
        thread=thread,
    )
    moderation_log(
        actor=actor,
        group=thread.group,
        kind=kind,
        target=thread,
        label=thread.title,
        reason=reason,
    )
    return thread


# --- Members ----------------------------------------------------------------------


@transaction.atomic
def member_mute(
    *, actor: User, membership: Membership, minutes: object, reason: object = ""
) -> Membership:
    """Stop a member posting and reacting for `minutes`; they see how long is left."""
    reason = _clean_reason(reason)
    if (
        isinstance(minutes, bool)
        or not isinstance(minutes, int)
        or not (1 <= minutes <= MUTE_MAX_MINUTES)
    ):
        raise ServiceError(_("Mute for 1 minute to 30 days."), code="invalid")
    membership = (
        Membership.objects.select_for_update(of=("self",))
        .select_related("group", "user")
        .get(pk=membership.pk)
    )
    if not membership.is_active:
        raise ServiceError(_("This person is no longer a member."), code="not_member")
    if membership.user_id == actor.pk:
        raise ServiceError(_("You cannot mute yourself."), code="forbidden")
    membership.muted_until = timezone.now() + timedelta(minutes=minutes)
    membership.save(update_fields=["muted_until"])
    moderation_log(
        actor=actor,
        group=membership.group,
        kind=Kind.MUTE,
        target=membership.user,
        label=membership.user.full_name,
        reason=f"{minutes} min" + (f" · {reason}" if reason else ""),
    )
    _tell(
        membership.user_id,
        {
            "type": "moderation",
            "action": "muted",
            "group": membership.group_id,
            "until": membership.muted_until.isoformat(),
            "reason": reason,
        },
    )
    return membership


@transaction.atomic
def member_unmute(*, actor: User, membership: Membership) -> Membership:
    membership = (
        Membership.objects.select_for_update(of=("self",))
        .select_related("group", "user")
        .get(pk=membership.pk)
    )
    if not membership.is_muted:
        raise ServiceError(_("This member is not muted."), code="invalid")
    membership.muted_until = None
    membership.save(update_fields=["muted_until"])
    moderation_log(
        actor=actor,
        group=membership.group,
        kind=Kind.UNMUTE,
        target=membership.user,
        label=membership.user.full_name,
    )
    _tell(
        membership.user_id,
        {"type": "moderation", "action": "unmuted", "group": membership.group_id},
    )
    return membership


# --- Blocked phrases --------------------------------------------------------------


@transaction.atomic
def blocked_phrase_add(*, actor: User, group: Group, phrase: str) -> BlockedPhrase:
    phrase = " ".join(phrase.split()).casefold()
    if not 2 <= len(phrase) <= 100:
        raise ServiceError(_("A phrase has 2 to 100 characters."), code="invalid")
    blocked, created = BlockedPhrase.objects.get_or_create(
        group=group, phrase=phrase, defaults={"created_by": actor}
    )
    if not created:
        raise ServiceError(_("This phrase is already on the list."), code="invalid")
    moderation_log(actor=actor, group=group, kind=Kind.BLOCK_PHRASE, target=blocked, label=phrase)
    return blocked


@transaction.atomic
def blocked_phrase_remove(*, actor: User, blocked: BlockedPhrase) -> None:
    moderation_log(
        actor=actor,
        group=blocked.group,
        kind=Kind.UNBLOCK_PHRASE,
        target=blocked,
        label=blocked.phrase,
    )
    blocked.delete()
