"""A poll's numbered events on the group socket: `poll.updated` and `poll.closed`.

A poll's services call `poll_event` inside their transaction: it takes the group's next
event number, stores an event about the poll and, after commit, hands one frame to the
whole group (groups.events) — built once for everyone, so it carries no text in a
reader's language or zone, only numbers by key; the card on the page has the labels.

The frame never says who voted what, in any poll: an anonymous poll has nothing to say,
and a poll by name shows its voters on its page. Results are in the frame only while the
poll shows them (during voting, or once closed); otherwise only how many have voted.

A replay rebuilds each event's frame from the poll as it is now (`polls_replay`, filled
into groups.events' hook by DecisionsConfig.ready), like messages: numbers already
replaced by later votes are never sent again.
"""

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from decisions.counting import BallotMarks, tally
from decisions.models import Ballot, Poll, PollOption
from decisions.selectors import results_visible
from groups import events

POLL_UPDATED = "poll.updated"
POLL_CLOSED = "poll.closed"
POLL_GONE = "poll.gone"
EVENT_TYPES = (POLL_UPDATED, POLL_CLOSED)


def poll_tally(poll: Poll, option_ids: list[int], ballots: Iterable[BallotMarks]) -> dict:
    return tally(poll.kind, option_ids, list(ballots))


def ballot_marks(stance: str, marks: dict | None) -> BallotMarks:
    """What the count needs of a ballot (never its voter)."""
    return BallotMarks(
        stance=stance,
        marks={int(option_id): int(mark) for option_id, mark in (marks or {}).items()},
    )


def result_numbers(poll: Poll, result: dict) -> dict[str, int | float]:
    """The numbers a poll's card shows, by the key its rows carry (data-result):

    - proposal: each stance ("agree", "abstain", "disagree", "block");
    - single and multiple choice: the option's id;
    - score: the option's id (its total) and "<id>.mean";
    - ranked choice: the option's id, its first preferences (the card's bars; the
      rounds are on the poll's page);
    - date poll: "<id>.yes", "<id>.if_need_be" and "<id>.no".
    """
    numbers: dict[str, int | float] = {}
    if poll.kind == Poll.Kind.PROPOSAL:
        numbers.update(result["stances"])
    elif poll.kind in (Poll.Kind.SINGLE, Poll.Kind.MULTIPLE):
        numbers.update({str(oid): count for oid, count in result["counts"].items()})
    elif poll.kind == Poll.Kind.SCORE:
        for oid, total in result["totals"].items():
            numbers[str(oid)] = total
            numbers[f"{oid}.mean"] = result["means"][oid]
    elif poll.kind == Poll.Kind.RANKED:
        first = result["rounds"][0]["counts"] if result["rounds"] else {}
        numbers.update({str(oid): count for oid, count in first.items()})
    elif poll.kind == Poll.Kind.DATE:
        for oid, answers in result["answers"].items():
            for answer, count in answers.items():
                numbers[f"{oid}.{answer}"] = count
    return numbers


def leaders(poll: Poll, result: dict) -> list[int]:
    if poll.kind == Poll.Kind.RANKED:
        return [result["winner"]] if result["winner"] is not None else list(result["tied"])
    return list(result.get("leaders", []))


def poll_payload(poll: Poll, result: dict) -> dict[str, Any]:
    """The public form of a poll in frames: its state and, if shown, its numbers."""
    visible = results_visible(poll)
    return {
        "id": poll.pk,
        "thread": poll.thread_id,
        "meeting": poll.meeting_id,
        "kind": poll.kind,
        "state": poll.state,
        "anonymous": poll.anonymous,
        "voters": result["voters"],
        "results": result_numbers(poll, result) if visible else None,
        "leaders": leaders(poll, result) if visible else [],
        "outcome": poll.outcome,
        "chosen_option": poll.chosen_option_id,
        "meeting_created": poll.created_meeting_id,
    }


def _current(poll: Poll) -> dict:
    option_ids = list(poll.options.values_list("pk", flat=True))
    ballots = [ballot_marks(*row) for row in poll.ballots.values_list("stance", "marks")]
    return poll_tally(poll, option_ids, ballots)


def poll_event(*, poll: Poll, type: str) -> None:
    """Number and announce a change of `poll` to its group; call inside the writing
    transaction, after the write. Four statements: the group's next number, the
    poll's options and ballots for the count, the event row."""
    seq = events.next_seq(poll.group)
    events.event_record(
        group=poll.group,
        seq=seq,
        type=type,
        payload={"poll": poll_payload(poll, _current(poll))},
        object_id=poll.pk,
    )


def polls_replay(group_id: int, rows: list[tuple[int, str, int | None]]) -> dict[int, dict]:
    """The frames of these events (seq, type, poll id) from the polls as they are now:
    three queries however many events. A poll deleted since stands as `poll.gone`."""
    poll_ids = {poll_id for _seq, _type, poll_id in rows if poll_id is not None}
    polls = {p.pk: p for p in Poll.objects.filter(group_id=group_id, pk__in=poll_ids)}
    options: dict[int, list[int]] = defaultdict(list)
    for owner, option_id in PollOption.objects.filter(poll_id__in=polls).values_list(
        "poll_id", "pk"
    ):
        options[owner].append(option_id)
    ballots: dict[int, list[BallotMarks]] = defaultdict(list)
    for owner, stance, marks in Ballot.objects.filter(poll_id__in=polls).values_list(
        "poll_id", "stance", "marks"
    ):
        ballots[owner].append(ballot_marks(stance, marks))
    results: dict[int, dict] = {}
    frames: dict[int, dict] = {}
    for seq, kind, subject in rows:
        poll = polls.get(subject) if subject is not None else None
        if poll is None:
            frames[seq] = {"type": POLL_GONE, "poll": subject}
            continue
        if poll.pk not in results:
            results[poll.pk] = poll_tally(poll, options[poll.pk], ballots[poll.pk])
        frames[seq] = {"type": kind, "poll": poll_payload(poll, results[poll.pk])}
    return frames
