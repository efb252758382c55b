"""A poll as a card: its vote form and results, on the poll page and in its thread
(through groups.sections, registered in DecisionsConfig.ready)."""

from typing import Any

from django.db.models import Exists, OuterRef, Subquery
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from decisions import access as rules
from decisions import selectors
from decisions.models import Availability, DecisionSettings, Poll, PollStarters, Stance
from groups.access import Capability, GroupAccess
from groups.models import Thread

THREAD_POLLS = 20  # the newest polls a thread page shows; the register has them all


def poll_context(
    access: GroupAccess, poll: Poll, *, full: bool = False, settings: DecisionSettings | None = None
) -> dict:
    """What the poll page (`full`) and the thread's card show this person."""
    options = list(poll.options.all())
    zone = access.user.time_zone
    if settings is None:
        settings = rules.decision_settings(access.group)
    visible = selectors.results_visible(poll)
    results = selectors.poll_results(poll, options) if visible else None
    voted, ballot = selectors.own_ballot(poll, access)
    marks = {int(k): v for k, v in ballot.marks.items()} if ballot else {}
    texts = {o.pk: selectors.option_text(o, poll, zone) for o in options}
    return {
        "access": access,
        "group": access.group,
        "poll": poll,
        "options": [
            {
                "id": o.pk,
                "text": texts[o.pk],
                "mark": marks.get(o.pk),
            }
            for o in options
        ],
        "results": results,
        "rows": selectors.result_rows(poll, results, options, zone) if results else [],
        "rounds": selectors.ranked_rounds(results, options, poll, zone)
        if full and results and poll.kind == Poll.Kind.RANKED
        else [],
        "full": full,
        "named": _named_rows(poll, texts) if visible and full else [],
        "reasons": [
            (Stance(stance).label, reason) for stance, reason in selectors.proposal_reasons(poll)
        ]
        if visible and full and poll.kind == Poll.Kind.PROPOSAL
        else [],
        "ranked_winner": texts.get(results["winner"], "")
        if results and poll.kind == Poll.Kind.RANKED
        else "",
        "ranked_tied": [texts[oid] for oid in results.get("tied", [])] if results else [],
        "voted": voted,
        "ballot": ballot,
        "may_vote": rules.may_vote(access, settings)
        and poll.is_open
        and (not voted or poll.allow_change),
        "may_close": poll.is_open and rules.may_close(access, poll),
        "may_publish": not poll.is_open and rules.may_publish_outcome(access),
        "stances": Stance.choices,
        "availability": [
            (Availability.YES, _("Yes")),
            (Availability.IF_NEED_BE, _("If need be")),
            (Availability.NO, _("No")),
        ],
        "score_range": range(0, (poll.score_max or 0) + 1),
        "rank_range": range(1, len(options) + 1),
    }


def _named_rows(poll: Poll, texts: dict[int, str]) -> list[dict[str, str]]:
    """Each named voter and their vote in words (a poll by name only)."""
    availability = dict(Availability.choices)
    rows = []
    for ballot in selectors.named_ballots(poll):
        marks = sorted(((int(k), v) for k, v in ballot.marks.items()), key=lambda m: m[1])
        if poll.kind == Poll.Kind.PROPOSAL:
            vote = ballot.get_stance_display()
            if ballot.reason:
                vote = f"{vote}: {ballot.reason}"
        elif poll.kind == Poll.Kind.RANKED:
            vote = "; ".join(f"{rank}. {texts.get(oid, '')}" for oid, rank in marks)
        elif poll.kind == Poll.Kind.SCORE:
            vote = "; ".join(f"{texts.get(oid, '')}: {score}" for oid, score in sorted(marks))
        elif poll.kind == Poll.Kind.DATE:
            vote = "; ".join(
                f"{texts.get(oid, '')}: {availability.get(mark, '')}" for oid, mark in sorted(marks)
            )
        else:
            vote = "; ".join(texts.get(oid, "") for oid, _mark in sorted(marks))
        rows.append({"name": ballot.user.full_name if ballot.user else "", "vote": vote})
    return rows


def thread_annotations() -> dict[str, Any]:
    """What the thread page's query learns of its thread for thread_polls: whether any
    poll was started in it, and who may start one in its group."""
    return {
        "decisions_has_polls": Exists(Poll.objects.filter(thread=OuterRef("pk"))),
        "decisions_poll_starters": Subquery(
            DecisionSettings.objects.filter(group=OuterRef("group")).values("poll_starters")[:1]
        ),
    }


def thread_polls(request: HttpRequest, access: GroupAccess, thread: Thread) -> SafeString | str:
    """The polls started in this thread, newest first, each as a card, and for one who
    may the link to start another here. A thread without polls costs no query when its
    page loaded it with thread_annotations()."""
    if hasattr(thread, "decisions_has_polls"):
        has_polls = getattr(thread, "decisions_has_polls")  # noqa: B009 — an annotation
        starters = getattr(thread, "decisions_poll_starters") or PollStarters.FACILITATORS  # noqa: B009
    else:
        has_polls = Poll.objects.filter(thread=thread).exists()
        starters = rules.decision_settings(access.group).poll_starters
    may_start = access.can(Capability.POST) and (
        starters == PollStarters.MEMBERS or access.can(Capability.MODERATE)
    )
    if not has_polls and not may_start:
        return ""
    polls: list[Poll] = []
    cards = []
    if has_polls:
        settings = rules.decision_settings(access.group)
        polls = list(
            Poll.objects.filter(group=access.group, thread=thread)
            .select_related("group")
            .order_by("-created_at", "-pk")[:THREAD_POLLS]
        )
        cards = [poll_context(access, poll, settings=settings) for poll in polls]
    return render_to_string(
        "decisions/_thread_polls.html",
        {"cards": cards, "thread": thread, "group": access.group, "may_start": may_start},
        request=request,
    )
