"""What groups keeps about a person: its sections of the personal-data export (GDPR
articles 15 and 20) and of account deletion.

The sections of the export (and of account deletion) for what groups keeps about a
person, registered with gwd.personal_data from GroupsConfig.ready() — like meetings'
and the library's. A relation to the user that no section exports is listed with
`omit()` and the reason.
"""

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.admin.models import LogEntry
from django.db.models import Q
from django.utils.html import strip_tags

from groups.models import (
    DigestRun,
    Group,
    Invitation,
    JoinRequest,
    Membership,
    Mention,
    Message,
    ModerationAction,
    Notification,
    Reaction,
    ReadPosition,
    Report,
    Thread,
)
from groups.notices import notification_text, with_language
from gwd.mail import absolute_url
from gwd.personal_data import omit, register, when


def _profile(user) -> dict:
    institution = user.institution
    profile = {
        "email": user.email,
        "full_name": user.full_name,
        "position": user.position,
        "institution": {
            "name": institution.name,
            "kind": institution.kind,
            "code": institution.code,
        }
        if institution
        else None,
        "language": user.language,
        "time_zone": user.time_zone,
        "email_notifications": user.email_notifications,
        "digest": user.digest,
        "joined": when(user.date_joined),
        "last_login": when(user.last_login),
        "active": user.is_active,
        "site_staff": user.is_staff,
        "superuser": user.is_superuser,
    }
    if user.is_staff or user.is_superuser:
        profile["admin_groups"] = sorted(user.groups.values_list("name", flat=True))
        profile["admin_permissions"] = sorted(
            f"{app}.{codename}"
            for app, codename in user.user_permissions.values_list(
                "content_type__app_label", "codename"
            )
        )
    return profile


def _invitations_to(user):
    return Invitation.objects.filter(Q(email__iexact=user.email) | Q(accepted_by=user))


def _message_state(message: Message) -> str:
    if message.deleted_at:
        return "deleted"
    if message.held_at:
        return "held for review"
    if message.hidden_at:
        return "hidden"
    return "published"


def _moderation(user) -> dict:
    def entry(a: ModerationAction) -> dict:
        return {
            "group": a.group.display_name,
            "when": when(a.created_at),
            "by": a.actor_name,
            "action": a.kind,
            "target": a.target_label,
            "reason": a.reason,
        }

    own_messages = Message.objects.filter(author=user).values("pk")
    about = ModerationAction.objects.filter(
        Q(target_type="user", target_id=user.pk)
        | Q(target_type="message", target_id__in=own_messages)
    )
    return {
        "taken": [
            entry(a)
            for a in ModerationAction.objects.filter(actor=user)
            .select_related("group")
            .order_by("created_at", "pk")
        ],
        "about_you": [entry(a) for a in about.select_related("group").order_by("created_at", "pk")],
    }


def _notifications(user) -> list[dict]:
    with with_language(user):
        return [
            {
                "group": n.group.display_name if n.group else None,
                "kind": n.kind,
                "text": strip_tags(notification_text(n, user.time_zone)),
                "link": absolute_url(n.url) if n.url else "",
                "created": when(n.created_at),
                "read": when(n.read_at),
                "emailed": when(n.emailed_at),
            }
            for n in Notification.objects.filter(user=user)
            .select_related("group")
            .order_by("created_at", "pk")
        ]


def _notifications_erase(user) -> None:
    """Other people's notifications carry the person's name as text ("Anna mentioned
    you"); in the groups the person belonged to, that name is taken out. Notifications
    store no id of who caused them, so the name is what is matched."""
    if not user.full_name:
        return
    groups = Membership.objects.filter(user=user).values("group_id")
    notifications = Notification.objects.filter(
        group_id__in=groups, params__actor=user.full_name
    ).exclude(user=user)
    for notification in notifications:
        notification.params = {**notification.params, "actor": ""}
        notification.save(update_fields=["params"])


def register_sections() -> None:
    register(
        "profile",
        covers=[
            f"groups.User.{name}"
            for name in (
                "email",
                "full_name",
                "position",
                "institution",
                "language",
                "time_zone",
                "email_notifications",
                "digest",
                "date_joined",
                "last_login",
                "is_active",
                "is_staff",
                "is_superuser",
                "groups",
                "user_permissions",
            )
        ],
        export=_profile,
    )

    omit(
        "groups.User.password",
        "a one-way hash: of no use to the person, and a risk in a downloaded file",
    )

    omit(
        "groups.User.unread_notifications",
        "a count of the unread notifications, which are exported under notifications",
    )

    register(
        "email_addresses",
        covers=["account.EmailAddress.user"],
        export=lambda user: [
            {"email": a.email, "verified": a.verified, "primary": a.primary}
            for a in EmailAddress.objects.filter(user=user).order_by("pk")
        ],
    )

    register(
        "two_factor",
        covers=["mfa.Authenticator.user"],
        # What is set up and when; never the secrets or recovery codes themselves.
        export=lambda user: [
            {"type": a.type, "created": when(a.created_at), "last_used": when(a.last_used_at)}
            for a in Authenticator.objects.filter(user=user).order_by("pk")
        ],
    )

    register(
        "admin_log",
        covers=["admin.LogEntry.user"],
        export=lambda user: [
            {
                "when": when(e.action_time),
                "action": {1: "added", 2: "changed", 3: "deleted"}.get(e.action_flag, ""),
                "what": e.content_type.model if e.content_type else "",
                "object": e.object_repr,
                "change": e.get_change_message(),
            }
            for e in LogEntry.objects.filter(user=user)
            .select_related("content_type")
            .order_by("action_time")
        ],
    )

    register(
        "groups_created",
        covers=["groups.Group.created_by"],
        export=lambda user: [
            {"group": g.display_name, "created": when(g.created_at)}
            for g in Group.objects.filter(created_by=user).order_by("created_at")
        ],
    )

    register(
        "memberships",
        covers=["groups.Membership.user"],
        export=lambda user: [
            {
                "group": m.group.display_name,
                "role": m.role,
                "status": m.status,
                "institution": m.institution.name if m.institution else None,
                "joined": when(m.joined_at),
                "removed": when(m.removed_at),
                "muted_until": when(m.muted_until),
                "notifications": m.notify,
                "meeting_reminders": m.meeting_reminders,
            }
            for m in user.memberships.select_related("group", "institution").order_by("joined_at")
        ],
    )

    omit(
        "groups.Membership.removed_by",
        "a facilitator's removal of someone else; the same act is in the moderation log, "
        "exported under moderation_actions (leaving oneself shows in one's own memberships)",
    )

    register(
        "invitations_received",
        covers=["groups.Invitation.accepted_by"],
        export=lambda user: [
            {
                "group": i.group.display_name,
                "email": i.email,
                "role": i.role,
                "sent": when(i.created_at),
                "accepted": when(i.accepted_at),
                "revoked": when(i.revoked_at),
                "expires": when(i.expires_at),
            }
            for i in _invitations_to(user).select_related("group").order_by("created_at")
        ],
        # The address an invitation went to is the person's, accepted or not.
        erase=lambda user: _invitations_to(user).delete(),
    )

    register(
        "invitations_sent",
        covers=["groups.Invitation.inviter"],
        export=lambda user: [
            {
                "group": i.group.display_name,
                "email": i.email,
                "role": i.role,
                "sent": when(i.created_at),
                "accepted": i.accepted_at is not None,
            }
            for i in Invitation.objects.filter(inviter=user).select_related("group").order_by("pk")
        ],
    )

    register(
        "join_requests",
        covers=["groups.JoinRequest.user"],
        export=lambda user: [
            {
                "group": r.group.display_name,
                "message": r.message,
                "status": r.status,
                "sent": when(r.created_at),
                "decided": when(r.decided_at),
            }
            for r in JoinRequest.objects.filter(user=user).select_related("group").order_by("pk")
        ],
    )

    register(
        "join_requests_decided",
        covers=["groups.JoinRequest.decided_by"],
        export=lambda user: [
            {"group": r.group.display_name, "decision": r.status, "decided": when(r.decided_at)}
            for r in JoinRequest.objects.filter(decided_by=user)
            .select_related("group")
            .order_by("decided_at")
        ],
    )

    register(
        "threads_started",
        covers=["groups.Thread.author"],
        export=lambda user: [
            {"group": t.group.display_name, "title": t.title, "started": when(t.created_at)}
            for t in Thread.objects.filter(author=user).select_related("group").order_by("pk")
        ],
    )

    register(
        "messages",
        covers=["groups.Message.author"],
        # Every message the person wrote, whatever others may see of it now, with the
        # earlier texts of edited ones (MessageRevision). A deleted message keeps no text.
        export=lambda user: [
            {
                "group": m.group.display_name,
                "thread": m.thread.title,
                "created": when(m.created_at),
                "edited": when(m.edited_at),
                "state": _message_state(m),
                "text": m.body,
                "earlier_texts": [
                    {"text": r.body, "written": when(r.created_at), "replaced": when(r.replaced_at)}
                    for r in m.revisions.all()
                ],
            }
            for m in Message.objects.filter(author=user)
            .select_related("group", "thread")
            .prefetch_related("revisions")
            .order_by("created_at", "pk")
        ],
    )

    omit(
        "groups.Message.hidden_by",
        "a facilitator hiding someone else's message; the same act is in the moderation log, "
        "exported under moderation_actions",
    )

    register(
        "reactions",
        covers=["groups.Reaction.user"],
        export=lambda user: [
            {
                "group": r.message.group.display_name,
                "thread": r.message.thread.title,
                "message": r.message_id,
                "emoji": r.emoji,
                "when": when(r.created_at),
            }
            for r in Reaction.objects.filter(user=user)
            .select_related("message__group", "message__thread")
            .order_by("pk")
        ],
    )

    register(
        "mentions",
        covers=["groups.Mention.user"],
        export=lambda user: [
            {
                "group": m.message.group.display_name,
                "thread": m.message.thread.title,
                "message": m.message_id,
                "when": when(m.created_at),
            }
            for m in Mention.objects.filter(user=user)
            .select_related("message__group", "message__thread")
            .order_by("pk")
        ],
    )

    register(
        "read_positions",
        covers=["groups.ReadPosition.user"],
        export=lambda user: [
            {
                "group": p.thread.group.display_name,
                "thread": p.thread.title,
                "read_up_to": p.last_read_seq,
                "when": when(p.updated_at),
            }
            for p in ReadPosition.objects.filter(user=user)
            .select_related("thread__group")
            .order_by("pk")
        ],
    )

    register(
        "reports_filed",
        covers=["groups.Report.reporter"],
        export=lambda user: [
            {
                "group": r.group.display_name,
                "message": r.message_id,
                "reason": r.reason,
                "details": r.text,
                "status": r.status,
                "reported": when(r.created_at),
                "decided": when(r.decided_at),
            }
            for r in Report.objects.filter(reporter=user).select_related("group").order_by("pk")
        ],
    )

    omit(
        "groups.Report.decided_by",
        "a facilitator's decision on someone else's report; the same act is in the "
        "moderation log, exported under moderation_actions",
    )

    omit(
        "groups.BlockedPhrase.created_by",
        "adding a blocked phrase is in the moderation log, exported under moderation_actions",
    )

    register(
        "moderation_actions",
        covers=["groups.ModerationAction.actor"],
        export=_moderation,
        kept=(
            "the moderation log is append-only (the database refuses changes): it is the "
            "group's account of what its facilitators did and why, kept for the defence of "
            "their decisions (GDPR art. 17(3)(e)); entries keep the names as text"
        ),
    )

    register(
        "notifications",
        covers=["groups.Notification.user"],
        export=_notifications,
        erase=_notifications_erase,
    )

    register(
        "digests_sent",
        covers=["groups.DigestRun.user"],
        export=lambda user: [
            {"period": d.period, "sent": when(d.sent_at)}
            for d in DigestRun.objects.filter(user=user).order_by("sent_at")
        ],
    )
