"""E-mail about groups, sent as background tasks after the writing transaction commits."""

import datetime as dt
import html

from django.db import IntegrityError, transaction
from django.tasks import task
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from groups.models import DigestRun, Invitation, JoinRequest, Membership, Notification, User
from groups.notices import digest_period, notification_text, unsubscribe_token, with_language
from gwd.mail import absolute_url, send_templated_email


@task
def invitation_email(*, invitation_id: int) -> None:
    invitation = (
        Invitation.objects.select_related("group", "inviter").filter(pk=invitation_id).first()
    )
    if invitation is None or not invitation.is_pending:
        return
    send_templated_email(
        to=invitation.email,
        template="groups/email/invitation",
        language=invitation.language,
        context={
            "invitation": invitation,
            "group": invitation.group,
            "inviter": invitation.inviter,
            "accept_url": absolute_url(
                reverse("groups:invitation-accept", kwargs={"token": invitation.token})
            ),
        },
    )


@task
def join_request_decided_email(*, join_request_id: int) -> None:
    join_request = (
        JoinRequest.objects.select_related("user", "group").filter(pk=join_request_id).first()
    )
    if join_request is None:
        return
    user = join_request.user
    send_templated_email(
        to=user.email,
        template="groups/email/join_request_decided",
        language=user.language,
        time_zone=user.time_zone,
        context={
            "join_request": join_request,
            "group": join_request.group,
            "user": user,
            "approved": join_request.status == JoinRequest.Status.APPROVED,
            "group_url": absolute_url(join_request.group.get_absolute_url()),
        },
    )


@task
def facilitator_appointed_email(*, membership_id: int) -> None:
    membership = Membership.objects.select_related("user", "group").filter(pk=membership_id).first()
    if membership is None or not membership.is_active:
        return
    user = membership.user
    send_templated_email(
        to=user.email,
        template="groups/email/facilitator_appointed",
        language=user.language,
        time_zone=user.time_zone,
        context={
            "group": membership.group,
            "user": user,
            "group_url": absolute_url(membership.group.get_absolute_url()),
        },
    )


def _unsubscribe_headers(user, group) -> tuple[str, dict]:
    link = absolute_url(
        reverse("groups:unsubscribe", kwargs={"token": unsubscribe_token(user, group)})
    )
    # RFC 8058: one click in the mail program unsubscribes with a POST, no page needed.
    return link, {
        "List-Unsubscribe": f"<{link}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


@task
def notifications_email(*, notification_ids: list[int]) -> int:
    """E-mail notifications that cannot wait, each in its reader's language and zone."""
    sent = 0
    notifications = Notification.objects.filter(
        pk__in=notification_ids, emailed_at=None
    ).select_related("user", "group")
    for notification in notifications:
        user = notification.user
        if not user.email_notifications or not user.is_active:
            continue
        with with_language(user):
            text = notification_text(notification, user.time_zone)
        link, headers = _unsubscribe_headers(user, notification.group)
        send_templated_email(
            to=user.email,
            template="groups/email/notification",
            language=user.language,
            time_zone=user.time_zone,
            context={
                "user": user,
                "text": text,
                "plain": html.unescape(strip_tags(text)),
                "group": notification.group,
                "url": absolute_url(notification.url) if notification.url else "",
                "unsubscribe_url": link,
            },
            headers=headers,
        )
        Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
        sent += 1
    return sent


@task(backend="reminders")
def digests_send(*, reschedule: bool = True) -> int:
    """Send every digest that is due; run each hour. A DigestRun row per person and
    period, written before the e-mail, makes each period go out exactly once even if
    the worker stops half-way and the task runs again."""
    now = timezone.now()
    sent = 0
    users = User.objects.filter(is_active=True, email_notifications=True).exclude(
        digest=User.Digest.NEVER
    )
    for user in users.iterator():
        period = digest_period(user, now)
        if period is None:
            continue
        groups = set(
            Membership.objects.active().filter(user=user).values_list("group_id", flat=True)
        )
        pending = list(
            Notification.objects.filter(user=user, emailed_at=None, digested_at=None)
            .filter(group_id__in=groups)
            .select_related("group")
            .order_by("group__slug", "created_at")
        )
        if not pending or not _digest_claim(user, period):
            continue
        with with_language(user):
            sections: dict = {}
            for notification in pending:
                text = notification_text(notification, user.time_zone)
                sections.setdefault(notification.group, []).append(
                    (
                        text,
                        html.unescape(strip_tags(text)),
                        absolute_url(notification.url) if notification.url else "",
                    )
                )
        link, headers = _unsubscribe_headers(user, None)
        send_templated_email(
            to=user.email,
            template="groups/email/digest",
            language=user.language,
            time_zone=user.time_zone,
            context={
                "user": user,
                "sections": sections,
                "unsubscribe_url": link,
                "count": len(pending),
            },
            headers=headers,
        )
        Notification.objects.filter(pk__in=[n.pk for n in pending]).update(digested_at=now)
        sent += 1
    if reschedule:
        digests_send.using(run_after=now + dt.timedelta(hours=1)).enqueue(reschedule=True)
    return sent


def _digest_claim(user: User, period: str) -> bool:
    """Claim the digest of `period` for `user`; False if it was already sent."""
    try:
        with transaction.atomic():
            DigestRun.objects.create(user=user, period=period)
    except IntegrityError:  # the unique row exists: this period is done
        return False
    return True
