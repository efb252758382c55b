"""A date poll becomes a meeting in one step: the facilitator picks a slot, and the
meeting is scheduled at exactly that instant, in the organiser's zone, in the poll's
group, with the poll's question as its title.

The step closes the poll if it is still open, records the slot and the meeting on the
poll, writes the outcome if none is written yet, and tells the members twice over in
their own language and zone: the new meeting (meetings' own notice, with its time) and
the decision taken (the poll's). The poll's card follows live.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from decisions import access as rules
from decisions import services
from decisions.closing import poll_shut
from decisions.live import POLL_UPDATED, poll_event
from decisions.models import Poll, PollOption
from decisions.slots import slot_label, slot_time
from groups.access import GroupAccess
from groups.models import User
from gwd.errors import ServiceError
from meetings.models import Meeting
from meetings.services import meeting_schedule

DEFAULT_LENGTH = dt.timedelta(hours=1)  # a slot typed without its end


@transaction.atomic
def poll_meeting_create(*, actor: User, access: GroupAccess, poll: Poll, option_id: int) -> Meeting:
    """Schedule the meeting `poll` settled on at the slot `option_id`; needs `manage` in
    the poll's group. Refused, with nothing written: another kind of poll, a slot not of
    this poll, a slot that has passed, a poll that has made its meeting already."""
    if poll.group_id != access.group.pk or not rules.may_publish_outcome(access):
        raise PermissionDenied
    poll = Poll.objects.select_for_update().select_related("group").get(pk=poll.pk)
    if poll.kind != Poll.Kind.DATE:
        raise ServiceError(_("Only a date poll can become a meeting."), code="invalid")
    if poll.created_meeting_id is not None:
        raise ServiceError(_("The meeting of this poll is scheduled already."), code="done")
    option = PollOption.objects.filter(poll=poll, pk=option_id, starts_at__isnull=False).first()
    if option is None or option.starts_at is None:
        raise ServiceError(_("Choose one of the poll's time slots."), code="invalid")
    if option.starts_at <= timezone.now():
        raise ServiceError(_("That time slot has passed."), code="invalid")
    if poll.state == Poll.State.OPEN:
        poll = poll_shut(poll=poll, actor=actor)
    meeting = meeting_schedule(
        actor=actor,
        group=poll.group,
        title=poll.title,
        description=poll.description,
        starts_at=option.starts_at,
        ends_at=option.ends_at or option.starts_at + DEFAULT_LENGTH,
        time_zone=poll.time_zone,
    )
    if not poll.outcome:
        # In the organiser's zone, as the slot was typed; each reader's page shows the
        # meeting in their own.
        when = slot_label(
            slot_time(
                option.starts_at,
                option.ends_at,
                viewer_zone=poll.time_zone,
                organiser_zone=poll.time_zone,
            )
        )
        poll = services.outcome_publish(
            actor=actor,
            access=access,
            poll=poll,
            outcome=_("The meeting is scheduled for %(when)s.") % {"when": when},
        )
    poll.chosen_option = option
    poll.created_meeting = meeting
    poll.save(update_fields=["chosen_option", "created_meeting"])
    poll_event(poll=poll, type=POLL_UPDATED)
    return meeting
