"""Reports of a message a facilitator took out of sight: resolved on every road that
does it (hiding from the queue or the thread, removing). A message its author deletes
keeps its reports open: the queue still shows who was reported, and a facilitator
decides."""

from django.utils import timezone
from django.utils.translation import gettext as _

from groups.audit import moderation_log
from groups.models import Message, ModerationAction, Report, User
from groups.services.notifications import notify


def message_label(message: Message) -> str:
    """How the moderation log names a message: its author and the start of its text."""
    author = message.author.full_name if message.author else _("Former member")
    return f"{author}: {message.body[:120]}" if message.body else author


def reports_resolve(*, actor: User, message: Message, reason: str) -> None:
    """Resolve the message's open reports, each logged, and tell their reporters."""
    reports = list(
        Report.objects.select_for_update(of=("self",)).filter(
            message=message, status=Report.Status.OPEN
        )
    )
    if not reports:
        return
    notify(
        kind="report_decided",
        group=message.group,
        users={report.reporter_id for report in reports},
        actor=actor,
        params={"resolved": True},
    )
    now = timezone.now()
    label = message_label(message)
    for report in reports:
        report.status, report.decided_by, report.decided_at = Report.Status.RESOLVED, actor, now
        report.save(update_fields=["status", "decided_by", "decided_at"])
        moderation_log(
            actor=actor,
            group=message.group,
            kind=ModerationAction.Kind.RESOLVE,
            target=report,
            label=label,
            reason=reason,
        )
