"""Counting the votes of a poll: pure functions of the options and ballots, no database.

Each kind has its tally; `tally()` picks it. A result is a plain dict (options by id, in
the poll's order) so the page, the exports and the live frames show the same numbers.

Ranked choice is counted by instant runoff. In each round every ballot counts for its
highest-ranked option still in the count; an option with more than half of the ballots
that still count wins. Otherwise the option with the fewest votes is eliminated and the
next round begins. A tie for fewest is broken deterministically: the option with fewer
votes in the round before (and so on back to the first round) goes; if they were level in
every round, the option listed later in the poll goes. When every option left has the
same number of votes in this and every earlier round, nothing separates them: the count
stops and reports a tie between them, for the facilitator to decide in the outcome.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from decisions.models import Availability, Poll, Stance


@dataclass(frozen=True)
class BallotMarks:
    """What counting needs of one ballot: never who cast it."""

    stance: str = ""
    reason: str = ""
    marks: dict[int, int] = field(default_factory=dict)


def tally(kind: str, option_ids: Sequence[int], ballots: Sequence[BallotMarks]) -> dict[str, Any]:
    """The result of a poll of `kind` with these options (in the poll's order)."""
    counters = {
        Poll.Kind.PROPOSAL: _proposal,
        Poll.Kind.SINGLE: _choices,
        Poll.Kind.MULTIPLE: _choices,
        Poll.Kind.SCORE: _scores,
        Poll.Kind.RANKED: _ranked,
        Poll.Kind.DATE: _dates,
    }
    result = counters[Poll.Kind(kind)](list(option_ids), ballots)
    result["voters"] = len(ballots)
    return result


def _proposal(option_ids: list[int], ballots: Sequence[BallotMarks]) -> dict[str, Any]:
    stances = {stance.value: 0 for stance in Stance}
    for ballot in ballots:
        if ballot.stance in stances:
            stances[ballot.stance] += 1
    return {"stances": stances}


def _choices(option_ids: list[int], ballots: Sequence[BallotMarks]) -> dict[str, Any]:
    counts = dict.fromkeys(option_ids, 0)
    for ballot in ballots:
        for option_id, mark in ballot.marks.items():
            if mark and option_id in counts:
                counts[option_id] += 1
    return {"counts": counts, "leaders": _leaders(counts)}


def _scores(option_ids: list[int], ballots: Sequence[BallotMarks]) -> dict[str, Any]:
    totals = dict.fromkeys(option_ids, 0)
    for ballot in ballots:
        for option_id, score in ballot.marks.items():
            if option_id in totals:
                totals[option_id] += score
    voters = len(ballots)
    means = {oid: round(total / voters, 2) if voters else 0.0 for oid, total in totals.items()}
    return {"totals": totals, "means": means, "leaders": _leaders(totals)}


def _dates(option_ids: list[int], ballots: Sequence[BallotMarks]) -> dict[str, Any]:
    """Per slot how many said yes, if need be and no. The best slots are those most
    people can come to (yes or if need be), then those with most yes."""
    answers = {oid: {"yes": 0, "if_need_be": 0, "no": 0} for oid in option_ids}
    names = {Availability.YES: "yes", Availability.IF_NEED_BE: "if_need_be", Availability.NO: "no"}
    for ballot in ballots:
        for option_id, mark in ballot.marks.items():
            if option_id in answers and mark in names:
                answers[option_id][names[Availability(mark)]] += 1
    ranking = {oid: (a["yes"] + a["if_need_be"], a["yes"]) for oid, a in answers.items()}
    best = max(ranking.values(), default=(0, 0))
    leaders = [oid for oid, key in ranking.items() if key == best and best[0] > 0]
    return {"answers": answers, "leaders": leaders}


def _leaders(numbers: dict[int, int]) -> list[int]:
    """The options with the highest number, several when tied, none before any vote."""
    top = max(numbers.values(), default=0)
    return [oid for oid, number in numbers.items() if number == top and top > 0]


def _ranked(option_ids: list[int], ballots: Sequence[BallotMarks]) -> dict[str, Any]:
    preferences = [
        [oid for oid, _rank in sorted(b.marks.items(), key=lambda item: item[1])] for b in ballots
    ]
    continuing = list(option_ids)
    rounds: list[dict[str, Any]] = []
    winner: int | None = None
    tied: list[int] = []
    while continuing and preferences:
        counts = dict.fromkeys(continuing, 0)
        exhausted = 0
        for ranking in preferences:
            top = next((oid for oid in ranking if oid in counts), None)
            if top is None:
                exhausted += 1
            else:
                counts[top] += 1
        active = len(preferences) - exhausted
        this_round: dict[str, Any] = {"counts": counts, "exhausted": exhausted, "eliminated": None}
        rounds.append(this_round)
        leader = max(continuing, key=lambda oid: counts[oid])
        if len(continuing) == 1 or counts[leader] * 2 > active:
            winner = leader
            break
        history = [r["counts"] for r in reversed(rounds)]
        # Fewest now, then fewest in each earlier round, then listed last.
        loser = min(
            continuing,
            key=lambda oid: ([h[oid] for h in history], -option_ids.index(oid)),
        )
        level = [
            oid for oid in continuing if [h[oid] for h in history] == [h[loser] for h in history]
        ]
        if len(level) == len(continuing):
            tied = list(continuing)
            break
        this_round["eliminated"] = loser
        continuing.remove(loser)
    return {"rounds": rounds, "winner": winner, "tied": tied}
