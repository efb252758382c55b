"""Pages of moderation: reports, the queue, hiding and removing, locks and mutes, blocked
phrases, the log and the staff overview."""

from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from groups import services
from groups.access import (
    AuthenticatedHttpRequest,
    Capability,
    GroupAccess,
    group_object_get,
    group_view,
    message_get,
)
from groups.forms import BlockedPhraseForm, MuteForm, ReasonForm, ReportForm
from groups.models import (
    BlockedPhrase,
    Group,
    Membership,
    Message,
    ModerationAction,
    Report,
    Thread,
)
from groups.selectors import group_sort_key, with_pending_moderation
from gwd.errors import ServiceError
from gwd.http import parse_ids, parse_int
from gwd.text import clean_text, csv_lines

LOG_PER_PAGE = 50


def _back_to_message(message: Message) -> HttpResponse:
    return redirect(f"{message.thread.get_absolute_url()}#m{message.pk}")


@group_view(Capability.VIEW)
def message_report(
    request: AuthenticatedHttpRequest, access: GroupAccess, message_id: int
) -> HttpResponse:
    """A member reports a message to the group's facilitators."""
    message = message_get(
        access,
        Message.objects.select_related("author", "thread", "thread__group", "group"),
        message_id,
    )
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.report_create(
                actor=request.user,
                message=message,
                reason=form.cleaned_data["reason"],
                text=form.cleaned_data["text"],
            )
        except ServiceError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Thank you. The facilitators will look at it."))
        return _back_to_message(message)
    return render(
        request,
        "groups/report_form.html",
        {"access": access, "group": access.group, "message": message, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@group_view(Capability.MODERATE)
def moderation_queue(request: AuthenticatedHttpRequest, access: GroupAccess) -> HttpResponse:
    """Reported messages (with their reports) and held messages, oldest first."""
    reports = list(
        Report.objects.filter(group=access.group, status=Report.Status.OPEN)
        # A thread's URL names its group: the group comes along, or each row asks for it.
        .select_related("reporter", "message__author", "message__thread__group")
        .order_by("message_id", "created_at")
    )
    by_message: dict[int, dict] = {}
    for report in reports:
        entry = by_message.setdefault(report.message_id, {"message": report.message, "reports": []})
        entry["reports"].append(report)
    held = list(
        Message.objects.filter(group=access.group, held_at__isnull=False)
        .select_related("author", "thread__group")
        .order_by("held_at")
    )
    return render(
        request,
        "groups/moderation_queue.html",
        {
            "access": access,
            "group": access.group,
            "reported": list(by_message.values()),
            "held": held,
        },
    )


@group_view(Capability.MODERATE)
@require_POST
def reports_decide(request: AuthenticatedHttpRequest, access: GroupAccess) -> HttpResponse:
    ids = parse_ids(request.POST.getlist("report"))
    decision = request.POST.get("decision")
    if not ids or decision not in ("resolve", "dismiss"):
        messages.error(request, _("Choose reports and what to do with them."))
        return redirect("groups:moderation-queue", slug=access.group.slug)
    try:
        changed = services.reports_decide(
            actor=request.user,
            group=access.group,
            report_ids=ids,
            resolve=decision == "resolve",
            note=clean_text(request.POST.get("note", ""), multiline=True),
        )
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            ngettext("%(count)d report decided.", "%(count)d reports decided.", changed)
            % {"count": changed},
        )
    return redirect("groups:moderation-queue", slug=access.group.slug)


@group_view(Capability.MODERATE)
@require_POST
def message_moderate(
    request: AuthenticatedHttpRequest, access: GroupAccess, message_id: int
) -> HttpResponse:
    """Hide, show again, publish or reject a message (the socket's actions, without JS)."""
    message = group_object_get(
        access, Message.objects.select_related("thread", "thread__group"), message_id
    )
    action = request.POST.get("action")
    reason = clean_text(request.POST.get("reason", ""))
    actions = {
        "hide": lambda: services.message_hide(actor=request.user, message=message, reason=reason),
        "unhide": lambda: services.message_unhide(actor=request.user, message=message),
        "release": lambda: services.message_release(actor=request.user, message=message),
        "reject": lambda: services.message_reject(
            actor=request.user, message=message, reason=reason
        ),
    }
    if action not in actions:
        messages.error(request, _("Unknown action."))
    else:
        try:
            actions[action]()
        except ServiceError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Done."))
    if request.POST.get("next") == "queue" or action in ("release", "reject"):
        return redirect("groups:moderation-queue", slug=access.group.slug)
    return _back_to_message(message)


@group_view(Capability.MODERATE)
def message_remove(
    request: AuthenticatedHttpRequest, access: GroupAccess, message_id: int
) -> HttpResponse:
    """Delete a message permanently, after confirmation."""
    message = group_object_get(
        access, Message.objects.select_related("author", "thread", "thread__group"), message_id
    )
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        thread = message.thread
        try:
            services.message_remove(
                actor=request.user, message=message, reason=form.cleaned_data["reason"]
            )
        except ServiceError as error:
            messages.error(request, error.message)
            return _back_to_message(message)
        messages.success(request, _("The message has been deleted permanently."))
        return redirect(thread)
    return render(
        request,
        "groups/message_remove.html",
        {"access": access, "group": access.group, "message": message, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@group_view(Capability.MODERATE)
@require_POST
def thread_moderate(
    request: AuthenticatedHttpRequest, access: GroupAccess, thread_id: int
) -> HttpResponse:
    thread = group_object_get(access, Thread.objects.select_related("group"), thread_id)
    action = request.POST.get("action", "")
    try:
        services.thread_moderate(
            actor=request.user,
            thread=thread,
            action=action,
            slow_mode=parse_int(request.POST.get("slow_mode"), minimum=0, maximum=24 * 3600),
            reason=clean_text(request.POST.get("reason", "")),
        )
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The thread has been updated."))
    return redirect(thread)


@group_view(Capability.MODERATE)
@require_POST
def member_mute(
    request: AuthenticatedHttpRequest, access: GroupAccess, membership_id: int
) -> HttpResponse:
    membership = group_object_get(
        access, Membership.objects.active().select_related("user"), membership_id
    )
    name = membership.user.full_name
    try:
        if request.POST.get("action") == "unmute":
            services.member_unmute(actor=request.user, membership=membership)
            messages.success(request, _("%(name)s can post again.") % {"name": name})
        else:
            form = MuteForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("Choose how long to mute for."))
                return redirect("groups:member-list", slug=access.group.slug)
            membership = services.member_mute(
                actor=request.user,
                membership=membership,
                minutes=form.cleaned_data["minutes"],
                reason=form.cleaned_data["reason"],
            )
            assert membership.muted_until is not None  # member_mute has just set it
            messages.success(
                request,
                _("%(name)s is muted until %(until)s.")
                % {"name": name, "until": _local_time(membership.muted_until)},
            )
    except ServiceError as error:
        messages.error(request, error.message)
    return redirect("groups:member-list", slug=access.group.slug)


def _local_time(moment: datetime) -> str:
    """A time in the reader's zone: the hour alone today, with the day after today."""
    local = timezone.localtime(moment)
    if local.date() == timezone.localdate():
        return date_format(local, "H:i")
    return date_format(local, "j E H:i")


@group_view(Capability.MODERATE)
def blocked_phrases(request: AuthenticatedHttpRequest, access: GroupAccess) -> HttpResponse:
    form = BlockedPhraseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.blocked_phrase_add(
                actor=request.user, group=access.group, phrase=form.cleaned_data["phrase"]
            )
        except ServiceError as error:
            form.add_error("phrase", error.message)
        else:
            messages.success(request, _("The phrase has been added."))
            return redirect("groups:blocked-phrases", slug=access.group.slug)
    return render(
        request,
        "groups/blocked_phrases.html",
        {
            "access": access,
            "group": access.group,
            "form": form,
            "phrases": BlockedPhrase.objects.filter(group=access.group),
        },
        status=400 if request.method == "POST" else 200,
    )


@group_view(Capability.MODERATE)
@require_POST
def blocked_phrase_remove(
    request: AuthenticatedHttpRequest, access: GroupAccess, phrase_id: int
) -> HttpResponse:
    blocked = group_object_get(access, BlockedPhrase.objects.select_related("group"), phrase_id)
    services.blocked_phrase_remove(actor=request.user, blocked=blocked)
    messages.success(request, _("The phrase has been removed."))
    return redirect("groups:blocked-phrases", slug=access.group.slug)


@group_view(Capability.MODERATE)
def moderation_log(request: AuthenticatedHttpRequest, access: GroupAccess) -> HttpResponse:
    entries = ModerationAction.objects.filter(group=access.group).order_by("-created_at", "-pk")
    page = Paginator(entries, LOG_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "groups/moderation_log.html",
        {"access": access, "group": access.group, "page": page},
    )


@group_view(Capability.MODERATE)
def moderation_log_csv(
    request: AuthenticatedHttpRequest, access: GroupAccess
) -> StreamingHttpResponse:
    """The whole log as CSV, streamed (a long-running group's log can be large). Names
    and reasons are people's text: csv_lines keeps a spreadsheet from running them."""
    kinds = dict(ModerationAction.Kind.choices)

    def rows():
        yield [_("time (UTC)"), _("who"), _("action"), _("target"), _("reason")]
        for entry in (
            ModerationAction.objects.filter(group=access.group)
            .order_by("created_at", "pk")
            .iterator()
        ):
            yield [
                entry.created_at.strftime("%Y-%m-%d %H:%M:%S"),
                entry.actor_name,
                kinds.get(entry.kind, entry.kind),
                entry.target_label,
                entry.reason,
            ]

    response = StreamingHttpResponse(csv_lines(rows()), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="moderation-{access.group.slug}.csv"'
    return response


@login_required
def staff_moderation(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every group's moderation queue at a glance, for the Association's staff."""
    if not request.user.is_staff:
        raise PermissionDenied
    groups = with_pending_moderation(Group.objects.all())
    groups_in_order = sorted(groups, key=lambda g: (-g.open_reports, *group_sort_key(g)))
    return render(request, "groups/staff_moderation.html", {"groups": groups_in_order})
