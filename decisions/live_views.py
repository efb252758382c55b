"""The pages the live poll card asks for: its own card afresh, in the reader's language
and time zone, after a close, an outcome, one's own vote or a poll new to the thread."""

from django.http import HttpResponse
from django.shortcuts import render

from decisions import cards
from decisions.models import Poll
from groups.access import (
    AuthenticatedHttpRequest,
    Capability,
    GroupAccess,
    group_object_get,
    group_view,
)


@group_view(Capability.VIEW)
def poll_card(request: AuthenticatedHttpRequest, access: GroupAccess, poll_id: int) -> HttpResponse:
    """The poll's card as its thread shows it to this person, and nothing else."""
    poll = group_object_get(access, Poll.objects.select_related("group"), poll_id)
    return render(request, "decisions/_poll_card.html", cards.poll_context(access, poll))
