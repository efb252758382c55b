"""The decision pages: starting a poll, voting (a plain form, no script needed), the
results, closing with the outcome, the group's register and its exports, the settings."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from decisions import access as rules
from decisions import cards, selectors, services
from decisions.forms import DecisionSettingsForm, OutcomeForm, PollForm
from decisions.models import Poll
from groups.access import (
    AuthenticatedHttpRequest,
    Capability,
    GroupAccess,
    group_object_get,
    group_view,
)
from groups.exports import (
    export_response,
    exported_at,
    file_name,
    pdf_render,
    reader_context,
)
from groups.models import Thread
from gwd.errors import ServiceError
from gwd.text import clean_text, csv_lines
from meetings.selectors import meeting_shown, visible_meetings

REGISTER_PER_PAGE = 25
EXPORT_LIMIT = 2000
EXPORT_FORMATS = {"csv", "pdf"}


def _poll(access: GroupAccess, poll_id: int) -> Poll:
    return group_object_get(access, Poll.objects.select_related("group"), poll_id)


# --- Starting a poll ------------------------------------------------------------------


@group_view(Capability.POST)
def poll_create(request: AuthenticatedHttpRequest, access: GroupAccess) -> HttpResponse:
    if not rules.may_start_poll(access, rules.decision_settings(access.group)):
        raise PermissionDenied
    source = request.POST if request.method == "POST" else request.GET
    thread = meeting = None
    if source.get("thread"):
        thread = group_object_get(access, Thread.objects.all(), source["thread"])
    if source.get("meeting"):
        meeting = group_object_get(access, visible_meetings(access), source["meeting"])
    zone = request.user.time_zone
    form = PollForm(
        request.POST or None,
        time_zone=zone,
        initial={"kind": source.get("kind", Poll.Kind.PROPOSAL)},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            poll = services.poll_create(
                actor=request.user,
                access=access,
                kind=data["kind"],
                title=data["title"],
                description=data["description"],
                options=data["labels"],
                slots=data["slots"],
                thread=thread,
                meeting=meeting,
                closes_at=data["closes_at"],
                anonymous=data["anonymous"],
                results=data["results"],
                allow_change=data["allow_change"],
                max_choices=data["max_choices"],
                score_max=data["score_max"],
                time_zone=zone,
            )
        except ServiceError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The poll is open and the members have been told."))
            return redirect(poll)
    return render(
        request,
        "decisions/poll_form.html",
        {
            "access": access,
            "group": access.group,
            "form": form,
            "thread": thread,
            "meeting": meeting,
            "time_zone": zone,
        },
    )


# --- A poll ---------------------------------------------------------------------------


@group_view(Capability.VIEW)
def poll_detail(request: AuthenticatedHttpRequest, access: GroupAccess, poll_id: int):
    poll = _poll(access, poll_id)
    context = cards.poll_context(access, poll, full=True)
    context["poll_meeting"] = meeting_shown(access, poll.meeting)
    return render(request, "decisions/poll_detail.html", context)


def _marks(poll: Poll, data) -> dict[int, int]:
    """The marks a vote form sent, by option id; a blank rank is no rank."""
    ids = list(poll.options.values_list("pk", flat=True))
    try:
        if poll.kind in (Poll.Kind.SINGLE, Poll.Kind.MULTIPLE):
            return {int(value): 1 for value in data.getlist("option")}
        prefix = {"score": "score", "ranked": "rank", "date": "slot"}[poll.kind]
        marks = {}
        for oid in ids:
            value = data.get(f"{prefix}-{oid}", "").strip()
            if value:
                marks[oid] = int(value)
        return marks
    except (ValueError, KeyError):
        raise ServiceError(
            _("The vote could not be read: check the form."), code="invalid"
        ) from None


@group_view(Capability.VIEW)
@require_POST
def poll_vote(request: AuthenticatedHttpRequest, access: GroupAccess, poll_id: int):
    poll = _poll(access, poll_id)
    if not rules.may_vote(access, rules.decision_settings(access.group)):
        raise PermissionDenied
    # The poll card's script sends the form with fetch() and reads the answer.
    wants_json = "application/json" in request.headers.get("Accept", "")
    try:
        marks = {} if poll.kind == Poll.Kind.PROPOSAL else _marks(poll, request.POST)
        services.vote_cast(
            actor=request.user,
            access=access,
            poll=poll,
            stance=request.POST.get("stance", ""),
            reason=request.POST.get("reason", ""),
            marks=marks,
        )
    except ServiceError as error:
        if wants_json:
            return JsonResponse({"error": error.message, "code": error.code}, status=400)
        messages.error(request, error.message)
    else:
        if wants_json:
            return JsonResponse({"ok": True})
        messages.success(request, _("Your vote has been counted."))
    return redirect(poll)


@group_view(Capability.POST, row="poll")
@require_POST
def poll_close(request: AuthenticatedHttpRequest, access: GroupAccess, poll_id: int):
    poll = _poll(access, poll_id)
    if not rules.may_close(access, poll):
        raise PermissionDenied
    try:
        services.poll_close(actor=request.user, access=access, poll=poll)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The poll is closed."))
    return redirect(poll)


@group_view(Capability.MANAGE)
def poll_outcome(request: AuthenticatedHttpRequest, access: GroupAccess, poll_id: int):
    poll = _poll(access, poll_id)
    form = OutcomeForm(request.POST or None, initial={"outcome": poll.outcome})
    if request.method == "POST" and form.is_valid():
        try:
            services.outcome_publish(
                actor=request.user, access=access, poll=poll, outcome=form.cleaned_data["outcome"]
            )
        except ServiceError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The decision is in the register."))
            return redirect(poll)
    return render(
        request,
        "decisions/poll_outcome.html",
        {"access": access, "group": access.group, "poll": poll, "form": form},
    )


# --- The register ---------------------------------------------------------------------


def _register_filters(request: AuthenticatedHttpRequest) -> dict[str, str]:
    # Control characters go: PostgreSQL refuses a NUL in a query's text outright.
    return {
        "query": clean_text(request.GET.get("q", ""))[:200],
        "kind": clean_text(request.GET.get("kind", "")),
        "state": clean_text(request.GET.get("state", "")),
    }


@group_view(Capability.VIEW)
def register(request: AuthenticatedHttpRequest, access: GroupAccess) -> HttpResponse:
    filters = _register_filters(request)
    page = Paginator(selectors.register_list(access, **filters), REGISTER_PER_PAGE).get_page(
        request.GET.get("page")
    )
    query_prefix = urlencode(
        {k: v for k, v in filters.items() if v and k != "query"}
        | ({"q": filters["query"]} if filters["query"] else {})
    )
    return render(
        request,
        "decisions/register.html",
        {
            "access": access,
            "group": access.group,
            "page": page,
            "rows": [(poll, meeting_shown(access, poll.meeting)) for poll in page.object_list],
            "filters": filters,
            "query_prefix": f"{query_prefix}&" if query_prefix else "",
            "export_query": f"?{query_prefix}" if query_prefix else "",
            "kinds": Poll.Kind.choices,
            "may_start": rules.may_start_poll(access, rules.decision_settings(access.group)),
            "now": timezone.now(),
        },
    )


def _meeting_title(access: GroupAccess, poll: Poll) -> str:
    meeting = meeting_shown(access, poll.meeting)
    return meeting.title if meeting else ""


def _register_rows(access: GroupAccess, filters: dict[str, str]) -> list[dict]:
    polls = selectors.register_list(access, **filters)[:EXPORT_LIMIT]
    return [
        {
            "poll": poll,
            "state": _("open") if poll.is_open else _("closed"),
            "created": poll.created_at,
            "closed": poll.closed_at or (poll.closes_at if not poll.is_open else None),
            "where": poll.thread.title if poll.thread else _meeting_title(access, poll),
        }
        for poll in polls
    ]


@group_view(Capability.VIEW)
def register_export(
    request: AuthenticatedHttpRequest, access: GroupAccess, file_format: str
) -> HttpResponse:
    """The register as CSV or PDF, as the register page filters it, in the reader's
    language and zone."""
    if file_format not in EXPORT_FORMATS:
        raise Http404
    filters = _register_filters(request)
    name = file_name(_("decisions"), access.group.pk, "decisions")
    with reader_context(access.user):
        rows = _register_rows(access, filters)
        if file_format == "pdf":
            content = pdf_render(
                "decisions/export/register.html",
                {
                    "group_name": access.group.name_in(translation.get_language()),
                    "rows": rows,
                    "exported_at": exported_at(),
                    "language": translation.get_language(),
                },
            )
            return export_response(content, file_format="pdf", name=name)
        header = [
            _("Question"),
            _("Kind"),
            _("State"),
            _("Opened"),
            _("Closed"),
            _("Outcome"),
            _("Decided on"),
            _("Thread or meeting"),
            _("Link"),
        ]
        lines = list(
            csv_lines(
                [header]
                + [
                    [
                        row["poll"].title,
                        row["poll"].get_kind_display(),
                        row["state"],
                        _stamp(row["created"]),
                        _stamp(row["closed"]),
                        row["poll"].outcome,
                        _stamp(row["poll"].outcome_at, "%Y-%m-%d"),
                        row["where"],
                        request.build_absolute_uri(row["poll"].get_absolute_url()),
                    ]
                    for row in rows
                ]
            )
        )
    response = HttpResponse("".join(lines), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"{name}.csv"
    )
    return response


def _stamp(moment, pattern: str = "%Y-%m-%d %H:%M") -> str:
    """A time in the reader's zone (active in the export), or "" for none."""
    return timezone.localtime(moment).strftime(pattern) if moment else ""


# --- Settings -------------------------------------------------------------------------


@group_view(Capability.MANAGE)
def decision_settings(request: AuthenticatedHttpRequest, access: GroupAccess) -> HttpResponse:
    current = rules.decision_settings(access.group)
    form = DecisionSettingsForm(
        request.POST or None,
        initial={"poll_starters": current.poll_starters, "observers_vote": current.observers_vote},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.decision_settings_save(
                actor=request.user,
                access=access,
                poll_starters=form.cleaned_data["poll_starters"],
                observers_vote=form.cleaned_data["observers_vote"],
            )
        except ServiceError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The settings are saved."))
            return redirect("decisions:register", slug=access.group.slug)
    return render(
        request,
        "decisions/settings.html",
        {"access": access, "group": access.group, "form": form},
    )
