"""A date poll becomes a meeting: the facilitator's one step (decisions.scheduling)."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from decisions.models import Poll
from decisions.scheduling import poll_meeting_create
from groups.access import (
    AuthenticatedHttpRequest,
    Capability,
    GroupAccess,
    group_object_get,
    group_view,
)
from gwd.errors import ServiceError
from gwd.http import parse_id


@group_view(Capability.MANAGE)
@require_POST
def poll_meeting(
    request: AuthenticatedHttpRequest, access: GroupAccess, poll_id: int
) -> HttpResponse:
    poll = group_object_get(access, Poll.objects.select_related("group"), poll_id)
    option_id = parse_id(request.POST.get("option"))
    try:
        if option_id is None:
            raise ServiceError(_("Choose one of the poll's time slots."), code="invalid")
        meeting = poll_meeting_create(
            actor=request.user, access=access, poll=poll, option_id=option_id
        )
    except ServiceError as error:
        messages.error(request, error.message)
        return redirect(poll)
    messages.success(request, _("The meeting is scheduled; the members are told."))
    return redirect(meeting)
