"""What polls keep about a person, registered with gwd.personal_data from
DecisionsConfig.ready().

A vote in a poll by name is the person's and is exported; on deletion it stays in the
count and names nobody (Ballot.user is SET_NULL). An anonymous vote was never linked to
anyone, so there is nothing of it to export: only that the person took part."""

from decisions.models import Ballot, Participation, Poll
from gwd.personal_data import omit, register, when


def _poll(poll: Poll) -> dict:
    return {"poll": poll.title, "group": poll.group.display_name, "kind": poll.kind}


def register_sections() -> None:
    register(
        "polls_started",
        covers=["decisions.Poll.created_by"],
        export=lambda user: [
            {**_poll(p), "started": when(p.created_at)}
            for p in Poll.objects.filter(created_by=user)
            .select_related("group")
            .order_by("created_at")
        ],
    )
    register(
        "poll_participations",
        covers=["decisions.Participation.user"],
        export=lambda user: [
            _poll(p.poll)
            for p in Participation.objects.filter(user=user)
            .select_related("poll__group")
            .order_by("poll__created_at")
        ],
    )
    register(
        "poll_votes",
        covers=["decisions.Ballot.user"],
        export=lambda user: [
            {
                **_poll(b.poll),
                "cast": when(b.cast_at),
                "stance": b.stance,
                "reason": b.reason,
                "choices": [
                    {"option": o.label or when(o.starts_at), "mark": b.marks[str(o.pk)]}
                    for o in b.poll.options.all()
                    if str(o.pk) in b.marks
                ],
            }
            for b in Ballot.objects.filter(user=user)
            .select_related("poll__group")
            .prefetch_related("poll__options")
            .order_by("poll__created_at")
        ],
    )
    register(
        "poll_outcomes",
        covers=["decisions.Poll.outcome_by"],
        export=lambda user: [
            {**_poll(p), "outcome": p.outcome, "written": when(p.outcome_at)}
            for p in Poll.objects.filter(outcome_by=user)
            .select_related("group")
            .order_by("outcome_at")
        ],
    )
    omit(
        "decisions.Poll.closed_by",
        "who pressed Close is part of the group's record, unlinked when the account goes",
    )
