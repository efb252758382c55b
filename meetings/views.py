"""Pages of meetings: access → form → service → redirect or render."""

import calendar as month_calendar
import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from groups import exports as group_exports
from groups.access import (
    AuthenticatedHttpRequest,
    Capability,
    GroupAccess,
    group_access,
    group_object_get,
    group_view,
)
from groups.models import Membership
from gwd.errors import ServiceError
from gwd.http import parse_id, parse_ids, safe_next
from meetings import calendar, exports, services
from meetings.forms import (
    EARLIEST_DATE,
    LATEST_DATE,
    ActionItemForm,
    MeetingCreateForm,
    MeetingEditForm,
    MinutesForm,
    RegistrationForm,
    agenda_formset,
)
from meetings.models import (
    ActionItem,
    AgendaItem,
    Attendance,
    CalendarFeed,
    Meeting,
    Minutes,
    Registration,
)
from meetings.sections import minutes_sections
from meetings.selectors import visible_meetings
from resources.models import Document

PAST_PER_PAGE = 20


def _meetings(access: GroupAccess):
    """Meetings of the group that this person may see: drafts only for managers."""
    return visible_meetings(access)


def _get_meeting(access: GroupAccess, meeting_id: int) -> Meeting:
    return group_object_get(access, _meetings(access), meeting_id)


@group_view(Capability.VIEW)
def meeting_list(request: AuthenticatedHttpRequest, access: GroupAccess) -> HttpResponse:
    now = timezone.now()
    meetings = _meetings(access).annotate(
        going=Count("registrations", filter=Q(registrations__status=Registration.Status.GOING))
    )
    upcoming = list(meetings.filter(ends_at__gte=now).order_by("starts_at")[:50])
    past = Paginator(meetings.filter(ends_at__lt=now).order_by("-starts_at"), PAST_PER_PAGE)
    return render(
        request,
        "meetings/meeting_list.html",
        {
            "access": access,
            "group": access.group,
            "upcoming": upcoming,
            "past": past.get_page(request.GET.get("page")),
        },
    )


@group_view(Capability.VIEW)
def meeting_calendar(request: AuthenticatedHttpRequest, access: GroupAccess) -> HttpResponse:
    """A month of the group's meetings, in the viewer's time zone (?month=YYYY-MM)."""
    today = timezone.localdate()
    first = _month(request.GET.get("month", "")) or today.replace(day=1)
    zone = timezone.get_current_timezone()
    start = dt.datetime.combine(first, dt.time(), tzinfo=zone)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    end = dt.datetime.combine(following, dt.time(), tzinfo=zone)
    by_day: dict[dt.date, list[Meeting]] = {}
    for meeting in _meetings(access).filter(starts_at__gte=start, starts_at__lt=end):
        by_day.setdefault(timezone.localtime(meeting.starts_at).date(), []).append(meeting)
    weeks = [
        [(day, by_day.get(day, []), day.month == first.month) for day in week]
        for week in month_calendar.Calendar(firstweekday=0).monthdatescalendar(
            first.year, first.month
        )
    ]
    previous = (first - dt.timedelta(days=1)).replace(day=1)
    return render(
        request,
        "meetings/meeting_calendar.html",
        {
            "access": access,
            "group": access.group,
            "month": first,
            "weeks": weeks,
            "today": today,
            "previous": previous.strftime("%Y-%m") if previous >= EARLIEST_DATE else "",
            "next": following.strftime("%Y-%m") if following <= LATEST_DATE else "",
        },
    )


def _month(value: str) -> dt.date | None:
    """The first day of the month in ?month=YYYY-MM, None when there is none. A month
    outside the years meetings can be planned in is a 400: 9999-12 has no next month."""
    if not value:
        return None
    year, dash, month = value.partition("-")
    try:
        if not (dash and value.isascii() and year.isdigit() and month.isdigit()):
            raise ValueError
        first = dt.date(int(year), int(month), 1)
    except ValueError:
        raise BadRequest("not a month") from None
    if not EARLIEST_DATE <= first <= LATEST_DATE:
        raise BadRequest("month out of range")
    return first


@group_view(Capability.MANAGE)
def meeting_create(request: AuthenticatedHttpRequest, access: GroupAccess) -> HttpResponse:
    form = MeetingCreateForm(
        request.POST or None,
        initial={
            "time_zone": request.user.time_zone,
            "reminders": services.default_reminders(access.group),
        },
    )
    agenda = agenda_formset(request.POST or None)
    if request.method == "POST" and form.is_valid() and agenda.is_valid():
        data = form.cleaned_data
        try:
            meeting = services.meeting_schedule(
                actor=request.user,
                group=access.group,
                title=data["title"],
                description=data["description"],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                time_zone=data["time_zone"],
                place=data["place"],
                online_url=data["online_url"],
                capacity=data["capacity"],
                registration_deadline=data["registration_deadline"],
                draft=data["draft"],
                repeat=data["repeat"],
                repeat_count=data["repeat_count"] or 1,
                agenda=agenda.items(),
                reminders=data["reminders"],
            )
        except ServiceError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The meeting has been saved."))
            return redirect(meeting)
    return render(
        request,
        "meetings/meeting_form.html",
        {
            "access": access,
            "group": access.group,
            "form": form,
            "agenda": agenda,
            "creating": True,
        },
        status=400 if request.method == "POST" else 200,
    )


@group_view(Capability.MANAGE)
def meeting_edit(
    request: AuthenticatedHttpRequest, access: GroupAccess, meeting_id: int
) -> HttpResponse:
    meeting = _get_meeting(access, meeting_id)
    zone = meeting.zone
    start, end = meeting.starts_at.astimezone(zone), meeting.ends_at.astimezone(zone)
    deadline = (
        meeting.registration_deadline.astimezone(zone) if meeting.registration_deadline else None
    )
    initial = {
        "title": meeting.title,
        "description": meeting.description,
        "time_zone": meeting.time_zone,
        "start_date": start.date(),
        "start_time": start.time().replace(second=0),
        "end_date": end.date() if end.date() != start.date() else None,
        "end_time": end.time().replace(second=0),
        "place": meeting.place,
        "online_url": meeting.online_url,
        "capacity": meeting.capacity,
        "deadline_date": deadline.date() if deadline else None,
        "deadline_time": deadline.time().replace(second=0) if deadline else None,
        "reminders": meeting.reminders,
    }
    form = MeetingEditForm(request.POST or None, initial=initial)
    agenda = agenda_formset(request.POST or None, items=meeting.agenda.all())
    if request.method == "POST" and form.is_valid() and agenda.is_valid():
        data = form.cleaned_data
        try:
            services.meeting_update(
                actor=request.user,
                meeting=meeting,
                apply_to_series=data.get("apply_to") == "future",
                title=data["title"],
                description=data["description"],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                time_zone=data["time_zone"],
                place=data["place"],
                online_url=data["online_url"],
                capacity=data["capacity"],
                registration_deadline=data["registration_deadline"],
                reminders=data["reminders"],
            )
            services.agenda_replace(actor=request.user, meeting=meeting, items=agenda.items())
        except ServiceError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The meeting has been updated."))
            return redirect(meeting)
    return render(
        request,
        "meetings/meeting_form.html",
        {
            "access": access,
            "group": access.group,
            "form": form,
            "agenda": agenda,
            "meeting": meeting,
        },
        status=400 if request.method == "POST" else 200,
    )


@group_view(Capability.VIEW)
def meeting_detail(
    request: AuthenticatedHttpRequest, access: GroupAccess, meeting_id: int
) -> HttpResponse:
    meeting = _get_meeting(access, meeting_id)
    registrations = list(
        Registration.objects.filter(meeting=meeting)
        .exclude(status=Registration.Status.NOT_GOING)
        .select_related("user", "institution")
        .order_by("status", "waitlisted_at", "created_at")
    )
    mine = next((r for r in registrations if r.user_id == request.user.pk), None)
    if mine is None:
        mine = Registration.objects.filter(meeting=meeting, user=request.user).first()
    own_membership = (
        Membership.objects.active().filter(group=access.group, user=request.user).first()
    )
    minutes = Minutes.objects.filter(meeting=meeting).first()
    if minutes and minutes.status != Minutes.Status.PUBLISHED and not access.can_manage:
        minutes = None
    action_items = list(
        ActionItem.objects.filter(meeting=meeting).select_related("owner", "owner_institution")
    )
    earlier_open = list(
        ActionItem.objects.filter(
            group=access.group,
            status=ActionItem.Status.OPEN,
            meeting__starts_at__lt=meeting.starts_at,
        )
        .select_related("owner", "owner_institution", "meeting")
        .order_by("due_date", "pk")[:50]
    )
    members = (
        list(
            Membership.objects.active()
            .filter(group=access.group)
            .select_related("user")
            .order_by("user__full_name")
        )
        if access.can_manage
        else []
    )
    return render(
        request,
        "meetings/meeting_detail.html",
        {
            "access": access,
            "group": access.group,
            "meeting": meeting,
            "agenda": list(meeting.agenda.select_related("document", "document__current_version")),
            "documents": list(
                Document.objects.readable()
                .filter(group=access.group)
                .order_by("title")
                .only("pk", "title")[:200]
            )
            if access.can_manage
            else [],
            "registrations": registrations,
            "going": [r for r in registrations if r.status == Registration.Status.GOING],
            "maybe": [r for r in registrations if r.status == Registration.Status.MAYBE],
            "waiting": [r for r in registrations if r.status == Registration.Status.WAITLISTED],
            "mine": mine,
            "group_reminders": own_membership is None or own_membership.meeting_reminders,
            "minutes": minutes,
            "action_items": action_items,
            "earlier_open": earlier_open,
            "action_form": ActionItemForm(members=members) if access.can_manage else None,
            "attended": set(
                Attendance.objects.filter(meeting=meeting).values_list("user_id", flat=True)
            )
            if access.can_manage
            else set(),
            "members": members,
            "minutes_sections": minutes_sections(request, access, meeting),
        },
    )


@group_view(Capability.POST)
@require_POST
def meeting_register(
    request: AuthenticatedHttpRequest, access: GroupAccess, meeting_id: int
) -> HttpResponse:
    meeting = _get_meeting(access, meeting_id)
    form = RegistrationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose going, maybe or not going."))
        return redirect(meeting)
    try:
        registration = services.registration_set(
            actor=request.user, meeting=meeting, status=form.cleaned_data["status"]
        )
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        if registration.status == Registration.Status.WAITLISTED:
            messages.info(
                request,
                _("The meeting is full: you are on the waiting list for a place."),
            )
        else:
            messages.success(request, _("Your answer has been saved."))
    return redirect(meeting)


@group_view(Capability.POST)
@require_POST
def meeting_reminders(
    request: AuthenticatedHttpRequest, access: GroupAccess, meeting_id: int
) -> HttpResponse:
    """Turn one's reminders of this meeting (scope=meeting) or of all the group's
    meetings (scope=group) on (on=1) or off (on=0)."""
    meeting = _get_meeting(access, meeting_id)
    scope, on = request.POST.get("scope", ""), request.POST.get("on", "")
    if scope not in ("meeting", "group") or on not in ("0", "1"):
        messages.error(request, _("Choose whether to be reminded."))
        return redirect(f"{meeting.get_absolute_url()}#rsvp-heading")
    try:
        if scope == "meeting":
            services.registration_reminders_set(actor=request.user, meeting=meeting, on=on == "1")
        else:
            services.membership_reminders_set(actor=request.user, group=access.group, on=on == "1")
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your reminder settings have been saved."))
    return redirect(f"{meeting.get_absolute_url()}#rsvp-heading")


@group_view(Capability.MANAGE)
def meeting_cancel(
    request: AuthenticatedHttpRequest, access: GroupAccess, meeting_id: int
) -> HttpResponse:
    meeting = _get_meeting(access, meeting_id)
    if request.method == "POST":
        try:
            services.meeting_cancel(
                actor=request.user,
                meeting=meeting,
                apply_to_series=request.POST.get("apply_to") == "future",
            )
        except ServiceError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The meeting has been cancelled and members told."))
        return redirect(meeting)
    return render(
        request,
        "meetings/meeting_cancel.html",
        {"access": access, "group": access.group, "meeting": meeting},
    )


@group_view(Capability.MANAGE)
@require_POST
def meeting_publish(
    request: AuthenticatedHttpRequest, access: GroupAccess, meeting_id: int
) -> HttpResponse:
    meeting = _get_meeting(access, meeting_id)
    try:
        services.meeting_publish(actor=request.user, meeting=meeting)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The meeting has been published and members told."))
    return redirect(meeting)


@group_view(Capability.MANAGE)
@require_POST
def meeting_attendance(
    request: AuthenticatedHttpRequest, access: GroupAccess, meeting_id: int
) -> HttpResponse:
    meeting = _get_meeting(access, meeting_id)
    present = set(parse_ids(request.POST.getlist("present")))
    count = services.attendance_mark(actor=request.user, meeting=meeting, present_user_ids=present)
    messages.success(request, _("Attendance saved: %(count)d present.") % {"count": count})
    return redirect(f"{meeting.get_absolute_url()}#attendance")


@group_view(Capability.MANAGE)
def minutes_edit(
    request: AuthenticatedHttpRequest, access: GroupAccess, meeting_id: int
) -> HttpResponse:
    meeting = _get_meeting(access, meeting_id)
    minutes = Minutes.objects.filter(meeting=meeting).first()
    form = MinutesForm(
        request.POST or None,
        initial={"text": minutes.text, "decisions": minutes.decisions} if minutes else None,
    )
    if request.method == "POST" and form.is_valid():
        services.minutes_save(
            actor=request.user,
            meeting=meeting,
            text=form.cleaned_data["text"],
            decisions=form.cleaned_data["decisions"],
            publish=request.POST.get("publish") == "1",
        )
        messages.success(request, _("The minutes have been saved."))
        return redirect(f"{meeting.get_absolute_url()}#minutes")
    return render(
        request,
        "meetings/minutes_form.html",
        {
            "access": access,
            "group": access.group,
            "meeting": meeting,
            "form": form,
            "minutes": minutes,
        },
    )


@group_view(Capability.MANAGE)
@require_POST
def action_item_add(
    request: AuthenticatedHttpRequest, access: GroupAccess, meeting_id: int
) -> HttpResponse:
    meeting = _get_meeting(access, meeting_id)
    members = Membership.objects.active().filter(group=access.group).select_related("user")
    form = ActionItemForm(request.POST, members=members)
    if not form.is_valid():
        messages.error(request, _("Say what is to be done; check the date."))
        return redirect(f"{meeting.get_absolute_url()}#actions")
    owner = next((m.user for m in members if m.user_id == form.cleaned_data["owner"]), None)
    try:
        services.action_item_add(
            actor=request.user,
            meeting=meeting,
            description=form.cleaned_data["description"],
            owner=owner,
            owner_institution=owner.institution if owner else None,
            due_date=form.cleaned_data["due_date"],
        )
    except ServiceError as error:
        messages.error(request, error.message)
    return redirect(f"{meeting.get_absolute_url()}#actions")


@group_view(Capability.MANAGE)
@require_POST
def action_item_toggle(
    request: AuthenticatedHttpRequest, access: GroupAccess, item_id: int
) -> HttpResponse:
    item = group_object_get(access, ActionItem.objects.select_related("meeting"), item_id)
    services.action_item_toggle(actor=request.user, item=item)
    return redirect(safe_next(request, f"{item.meeting.get_absolute_url()}#actions"))


@group_view(Capability.VIEW)
def meeting_ics(
    request: AuthenticatedHttpRequest, access: GroupAccess, meeting_id: int
) -> HttpResponse:
    """The meeting, or the whole series it belongs to (as one event with its rule):
    what this person may see of it, the rest excluded."""
    meeting = _get_meeting(access, meeting_id)
    shown: list[Meeting] = [meeting]
    occurrences: list[Meeting] = []
    if meeting.series_id:
        occurrences = list(
            Meeting.objects.filter(series_id=meeting.series_id).select_related("group", "series")
        )
        shown = list(_meetings(access).filter(series_id=meeting.series_id))
    body = calendar.calendar_bytes(shown, name=meeting.title, series=occurrences)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="gwd-meeting-{meeting.pk}.ics"'
    return response


@group_view(Capability.VIEW)
def meeting_export(
    request: AuthenticatedHttpRequest, access: GroupAccess, meeting_id: int, file_format: str
) -> HttpResponse:
    """The meeting as PDF or DOCX: what its page shows this person."""
    group_exports.content_type_of(file_format)  # an unknown format is a 404 before any work
    meeting = _get_meeting(access, meeting_id)
    write = exports.meeting_pdf if file_format == "pdf" else exports.meeting_docx
    return group_exports.export_response(
        write(meeting=meeting, access=access),
        file_format=file_format,
        name=group_exports.file_name(meeting.title, meeting.pk, "meeting"),
    )


# --- Calendar subscriptions ---------------------------------------------------------


@login_required
def calendar_feeds(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The person's secret calendar addresses: all groups, and one per group."""
    memberships = list(
        Membership.objects.active().filter(user=request.user).select_related("group")
    )
    feeds = {feed.group_id: feed for feed in CalendarFeed.objects.filter(user=request.user)}
    personal = feeds.get(None) or services.calendar_feed_get(actor=request.user)
    rows = []
    for membership in memberships:
        feed = feeds.get(membership.group_id) or services.calendar_feed_get(
            actor=request.user, group=membership.group
        )
        rows.append((membership.group, feed))
    return render(request, "meetings/calendar_feeds.html", {"personal": personal, "rows": rows})


@login_required
@require_POST
def calendar_feed_rotate(request: AuthenticatedHttpRequest) -> HttpResponse:
    slug = request.POST.get("group", "")
    group = None
    if slug:
        if not slug.isprintable():  # a NUL cannot even be looked up in PostgreSQL
            raise Http404
        group = group_access(user=request.user, slug=slug, capability=Capability.VIEW).group
    services.calendar_feed_rotate(actor=request.user, group=group)
    messages.success(
        request,
        _("A new address has been made. The old one no longer works: update your calendar app."),
    )
    return redirect("meetings:calendar-feeds")


def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """A calendar app's view of the person's meetings; the token is the credential.

    Only groups the person is still an active member of; drafts never; cancelled
    meetings stay (as cancelled) so calendar apps remove them.
    """
    feed = (
        CalendarFeed.objects.select_related("user", "group").filter(token=token).first()
        if token.isprintable()  # a NUL cannot even be looked up in PostgreSQL
        else None
    )
    if feed is None or not feed.user.is_active:
        raise Http404
    groups = Membership.objects.active().filter(user=feed.user).values("group_id")
    meetings = (
        Meeting.objects.filter(group_id__in=groups)
        .exclude(status=Meeting.Status.DRAFT)
        .filter(ends_at__gte=timezone.now() - dt.timedelta(days=90))
        .select_related("group")
        .prefetch_related(Prefetch("agenda"))
        .order_by("starts_at")
    )
    name = "GWD"
    if feed.group is not None:
        meetings = meetings.filter(group=feed.group)
        if not Membership.objects.active().filter(user=feed.user, group=feed.group).exists():
            raise Http404
        name = f"GWD · {feed.group.name_in(feed.user.language)}"
    # A calendar app sends no cookie: group names come in the feed owner's language.
    shown = list(meetings[:1000])
    series = list(
        Meeting.objects.filter(
            series_id__in={meeting.series_id for meeting in shown if meeting.series_id}
        ).select_related("group", "series")
    )
    # A series is one event: its older meetings stay in it, drafts never.
    listed = {meeting.pk for meeting in shown}
    shown += [m for m in series if m.pk not in listed and m.status != Meeting.Status.DRAFT]
    with translation.override(feed.user.language):
        body = calendar.calendar_bytes(shown, name=name, series=series)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response


@group_view(Capability.MANAGE)
@require_POST
def agenda_item_attach(
    request: AuthenticatedHttpRequest, access: GroupAccess, item_id: int
) -> HttpResponse:
    item = group_object_get(
        access,
        AgendaItem.objects.select_related("meeting", "meeting__group"),
        item_id,
        group_field="meeting__group",
    )
    # No document unlinks; one that is not a document of the group is a 404.
    document_id = request.POST.get("document", "")
    document = (
        group_object_get(access, Document.objects.readable(), parse_id(document_id))
        if document_id
        else None
    )
    try:
        services.agenda_item_attach(actor=request.user, item=item, document=document)
    except ServiceError as error:
        messages.error(request, error.message)
    return redirect(f"{item.meeting.get_absolute_url()}#agenda-heading")
