"""Background work of the data rounds: reminding the units that have not submitted.

The reminder before a round's deadline goes through the "reminders" task backend (always
the database backend), enqueued when the round opens to run a few days before the end;
a facilitator's "remind now" sends the same notices at once.
"""

from django.db import transaction
from django.tasks import task
from django.utils import timezone

from groups.models import Notification, User
from groups.services import notify
from indicators import selectors
from indicators.models import DataRound, Submission


def waiting_remind(*, actor: User | None, data_round: DataRound) -> int:
    """Tell the officials of every unit that has not submitted; returns how many units."""
    with transaction.atomic():
        waiting = list(
            Submission.objects.select_for_update(of=("self",))
            .filter(
                round=data_round,
                status__in=[Submission.Status.IN_PROGRESS, Submission.Status.RETURNED],
                # A unit that left the group is asked for nothing more.
                unit__group_memberships__group=data_round.group,
                unit__group_memberships__left_at__isnull=True,
            )
            .select_related("unit")
        )
        if data_round.status != DataRound.Status.OPEN or not waiting:
            return 0
        group = data_round.group
        officials = selectors.officials(group, [s.unit for s in waiting])
        for submission in waiting:
            notify(
                kind=Notification.Kind.ROUND_REMINDER,
                group=group,
                users=sorted(officials.get(submission.unit_id, set())),
                params={"title": data_round.title, "unit": submission.unit.name},
                url=selectors.submission_url(submission),
                actor=actor,
            )
        Submission.objects.filter(pk__in=[s.pk for s in waiting]).update(reminded_at=timezone.now())
        return len(waiting)


@task(backend="reminders")
def round_reminder(*, round_id: int) -> int:
    """The reminder before the deadline; a round closed or deleted since, or of a group
    archived since, is left alone."""
    data_round = DataRound.objects.select_related("group").filter(pk=round_id).first()
    if data_round is None or data_round.status != DataRound.Status.OPEN:
        return 0
    if data_round.group.archived:
        return 0
    return waiting_remind(actor=None, data_round=data_round)
