"""Closing a poll, the one step both a person (services.poll_close) and the poll's
closing time (tasks.poll_close_due) take."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from decisions.live import POLL_CLOSED, poll_event
from decisions.models import Poll
from groups.models import User
from gwd.errors import ServiceError


@transaction.atomic
def poll_shut(*, poll: Poll, actor: User | None) -> Poll:
    """Close the poll under its row lock, so no vote is written beside the close; a
    poll closed already is refused. The caller has checked who may."""
    poll = Poll.objects.select_for_update().get(pk=poll.pk)
    if poll.state == Poll.State.CLOSED:
        raise ServiceError(_("This poll is closed already."), code="closed")
    poll.state = Poll.State.CLOSED
    poll.closed_at = timezone.now()
    poll.closed_by = actor
    poll.save(update_fields=["state", "closed_at", "closed_by"])
    poll_event(poll=poll, type=POLL_CLOSED)
    return poll
