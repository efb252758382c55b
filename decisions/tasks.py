"""Work a poll's closing time brings: the reminder a day before and the close itself.

Both run on the "reminders" backend (always the database and its worker) at their time.
Each carries the closing time it was planned for: a poll whose closing time has changed
since, or that was closed by hand, finds it so and does nothing.
"""

from django.db import transaction
from django.tasks import task
from django.utils import timezone

from decisions import access as rules
from decisions.closing import poll_shut
from decisions.models import Participation, Poll
from groups.models import Notification
from groups.services.notifications import notify
from gwd.errors import ServiceError


def _due(poll_id: int, closes_at: str) -> Poll | None:
    poll = Poll.objects.select_related("group").filter(pk=poll_id).first()
    if (
        poll is None
        or poll.state != Poll.State.OPEN
        or poll.closes_at is None
        or poll.closes_at.isoformat() != closes_at
    ):
        return None
    return poll


@task(backend="reminders")
def poll_closing_reminder(*, poll_id: int, closes_at: str) -> int:
    """Tell those who may vote and have not that the poll closes within a day, through
    notify() (so each person's level for the group counts). Once per poll: the
    conditional update is what stops a second run. Returns how many were told."""
    poll = _due(poll_id, closes_at)
    if poll is None or poll.closes_at is None:
        return 0
    with transaction.atomic():
        claimed = Poll.objects.filter(pk=poll.pk, reminder_sent_at=None).update(
            reminder_sent_at=timezone.now()
        )
        if not claimed:
            return 0
        voted = Participation.objects.filter(poll=poll).values_list("user_id", flat=True)
        waiting = list(rules.voter_ids(poll.group).exclude(user_id__in=voted))
        sent = notify(
            kind=Notification.Kind.POLL_CLOSING,
            group=poll.group,
            users=waiting,
            params={"title": poll.title, "closes_at": poll.closes_at.isoformat()},
            url=poll.get_absolute_url(),
        )
    return len(sent)


@task(backend="reminders")
def poll_close_due(*, poll_id: int, closes_at: str) -> bool:
    poll = _due(poll_id, closes_at)
    if poll is None:
        return False
    try:
        poll_shut(poll=poll, actor=None)
    except ServiceError:
        return False  # closed by hand meanwhile
    return True
