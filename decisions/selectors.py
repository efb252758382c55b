"""Reading polls: the register's list, one poll's results as a page shows them, a
person's own ballot. Nothing here writes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from decisions.counting import BallotMarks, tally
from decisions.models import Ballot, Participation, Poll, PollOption, Stance
from decisions.slots import slot_label, slot_time
from groups.access import GroupAccess

REGISTER_STATES = ("open", "closed", "decided")


def results_visible(poll: Poll) -> bool:
    """Results show during voting, or only once the poll is closed, as the poll says; an
    anonymous poll's only once it is closed, whatever it says (docs/architecture.md)."""
    if not poll.is_open:
        return True
    return poll.results == Poll.Results.LIVE and not poll.anonymous


def poll_results(poll: Poll, options: list[PollOption] | None = None) -> dict[str, Any]:
    """The poll's tally (see decisions.counting): one query for its ballots."""
    if options is None:
        options = list(poll.options.all())
    ballots = [
        BallotMarks(stance=stance, reason=reason, marks={int(k): int(v) for k, v in marks.items()})
        for stance, reason, marks in Ballot.objects.filter(poll=poll).values_list(
            "stance", "reason", "marks"
        )
    ]
    return tally(poll.kind, [o.pk for o in options], ballots)


def option_text(option: PollOption, poll: Poll, viewer_zone: str) -> str:
    """An option's label, or a slot as the viewer reads it with the organiser's time."""
    if option.starts_at is None:
        return option.label
    return str(
        slot_label(
            slot_time(
                option.starts_at,
                option.ends_at,
                viewer_zone=viewer_zone,
                organiser_zone=poll.time_zone,
            )
        )
    )


@dataclass(frozen=True)
class ResultRow:
    """One line of the results as the page, the card and the exports show it."""

    option_id: int | None
    label: str
    number: str  # what the line counts, as text: "3", "3.5", "2 · 1 · 0"
    share: int  # 0–100, the width of its bar
    leading: bool = False
    stance: str = ""  # a proposal's row: the stance it counts

    @property
    def key(self) -> str:
        """The row's name in live frames (decisions.live.result_numbers), by which the
        card's script finds it: the stance, or the option's id."""
        return self.stance or str(self.option_id)


def result_rows(
    poll: Poll, results: dict[str, Any], options: list[PollOption], viewer_zone: str
) -> list[ResultRow]:
    """The results as lines of text with a bar each, in the poll's order."""
    voters = results["voters"] or 1
    leaders = set(results.get("leaders", []))
    if poll.kind == Poll.Kind.PROPOSAL:
        return [
            ResultRow(None, str(stance.label), str(n), round(100 * n / voters), stance=stance.value)
            for stance in Stance
            for n in [results["stances"][stance.value]]
        ]
    rows = []
    for option in options:
        text = option_text(option, poll, viewer_zone)
        if poll.kind in (Poll.Kind.SINGLE, Poll.Kind.MULTIPLE):
            n = results["counts"][option.pk]
            rows.append(
                ResultRow(option.pk, text, str(n), round(100 * n / voters), option.pk in leaders)
            )
        elif poll.kind == Poll.Kind.SCORE:
            mean = results["means"][option.pk]
            top = poll.score_max or 1
            rows.append(
                ResultRow(
                    option.pk,
                    text,
                    _("%(total)d points, on average %(mean)s")
                    % {"total": results["totals"][option.pk], "mean": f"{mean:g}"},
                    round(100 * mean / top),
                    option.pk in leaders,
                )
            )
        elif poll.kind == Poll.Kind.DATE:
            a = results["answers"][option.pk]
            rows.append(
                ResultRow(
                    option.pk,
                    text,
                    _("yes %(yes)d · if need be %(maybe)d · no %(no)d")
                    % {"yes": a["yes"], "maybe": a["if_need_be"], "no": a["no"]},
                    round(100 * (a["yes"] + a["if_need_be"]) / voters),
                    option.pk in leaders,
                )
            )
        else:  # ranked: the first round's first preferences; the rounds are shown apart
            first = results["rounds"][0]["counts"] if results["rounds"] else {}
            n = first.get(option.pk, 0)
            rows.append(
                ResultRow(
                    option.pk,
                    text,
                    str(n),
                    round(100 * n / voters),
                    option.pk == results["winner"],
                )
            )
    return rows


def ranked_rounds(
    results: dict[str, Any], options: list[PollOption], poll: Poll, viewer_zone: str
) -> list[dict[str, Any]]:
    """Each round of an instant runoff as lines (label, votes) and who went out."""
    names = {o.pk: option_text(o, poll, viewer_zone) for o in options}
    return [
        {
            "number": number,
            "lines": [(names[oid], votes) for oid, votes in r["counts"].items()],
            "exhausted": r["exhausted"],
            "eliminated": names.get(r["eliminated"]) if r["eliminated"] else "",
        }
        for number, r in enumerate(results["rounds"], start=1)
    ]


def own_ballot(poll: Poll, access: GroupAccess) -> tuple[bool, Ballot | None]:
    """Whether this person voted, and their ballot where the poll is by name."""
    voted = Participation.objects.filter(poll=poll, user=access.user).exists()
    if not voted or poll.anonymous:
        return voted, None
    return True, Ballot.objects.filter(poll=poll, user=access.user).first()


def named_ballots(poll: Poll) -> list[Ballot]:
    """Who voted what, in a poll by name only: never for an anonymous poll."""
    if poll.anonymous:
        return []
    return list(
        Ballot.objects.filter(poll=poll, user__isnull=False)
        .select_related("user")
        .order_by("user__full_name", "user_id")
    )


def register_list(
    access: GroupAccess, *, query: str = "", kind: str = "", state: str = ""
) -> QuerySet[Poll]:
    """The group's decision register: its polls, newest first, found by words of their
    question, description or outcome, filtered by kind and state."""
    polls = Poll.objects.filter(group=access.group).select_related(
        "group", "thread__group", "meeting__group", "created_by", "outcome_by"
    )
    query = query.strip()
    if query:
        for word in query.split()[:10]:
            polls = polls.filter(
                Q(title__icontains=word)
                | Q(description__icontains=word)
                | Q(outcome__icontains=word)
            )
    if kind in Poll.Kind.values:
        polls = polls.filter(kind=kind)
    # Open means taking votes: a poll past its closing time is closed even before the
    # task that marks it so has run.
    taking = Q(state=Poll.State.OPEN) & (
        Q(closes_at__isnull=True) | Q(closes_at__gt=timezone.now())
    )
    if state == "open":
        polls = polls.filter(taking)
    elif state == "closed":
        polls = polls.exclude(taking)
    elif state == "decided":
        polls = polls.exclude(outcome="")
    return polls.order_by("-created_at", "-pk")


def proposal_reasons(poll: Poll) -> list[tuple[str, str]]:
    """The reasons a proposal's voters gave, with their stance and without their names,
    in a fixed order that says nothing of when each came."""
    return list(
        Ballot.objects.filter(poll=poll)
        .exclude(reason="")
        .order_by("stance", "reason")
        .values_list("stance", "reason")
    )
