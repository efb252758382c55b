"""Pages of people and groups. Each view: access → form → service → redirect or render."""

import uuid

from allauth.account.adapter import get_adapter
from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from groups import events, services
from groups.access import (
    Capability,
    GroupAccess,
    group_for_joining,
    group_object_get,
    group_view,
    message_get,
)
from groups.adapter import INVITATION_SESSION_KEY
from groups.forms import (
    BlockedPhraseForm,
    BulkInvitationForm,
    DecisionForm,
    FacilitatorAppointForm,
    GroupCreateForm,
    GroupSettingsForm,
    GroupStaffSettingsForm,
    InvitationForm,
    JoinRequestForm,
    MessageForm,
    MuteForm,
    NotificationSettingsForm,
    ProfileForm,
    ReasonForm,
    ReportForm,
    RoleForm,
    ThreadForm,
)
from groups.models import (
    REACTIONS,
    BlockedPhrase,
    Group,
    GroupKind,
    Invitation,
    JoinRequest,
    Membership,
    Message,
    ModerationAction,
    Notification,
    Reaction,
    ReadPosition,
    Report,
    Role,
    Thread,
    User,
)
from groups.services import InvitationOutcome, ServiceError
from gwd.http import parse_id, parse_ids, parse_int, safe_next
from gwd.text import clean_text, csv_lines
from meetings.models import ActionItem, Meeting
from resources.models import Document

MEMBERS_PER_PAGE = 50


def _active_member_count():
    return Count("memberships", filter=Q(memberships__status=Membership.Status.ACTIVE))


# --- Home, directory, profile -----------------------------------------------------


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """ "My groups": the groups the person belongs to, with what waits for them there."""
    memberships = list(
        Membership.objects.active()
        .filter(user=request.user)
        .select_related("group")
        .annotate(
            member_count=Count(
                "group__memberships",
                filter=Q(group__memberships__status=Membership.Status.ACTIVE),
            ),
            pending_requests=Count(
                "group__join_requests",
                filter=Q(group__join_requests__status=JoinRequest.Status.PENDING),
                distinct=True,
            ),
        )
        .order_by("group__archived", "group__name")
    )
    pending = list(
        JoinRequest.objects.filter(user=request.user, status=JoinRequest.Status.PENDING)
        .select_related("group")
        .order_by("created_at")
    )
    upcoming = list(
        Meeting.objects.upcoming()
        .filter(group__in=[m.group_id for m in memberships])
        .select_related("group")[:10]
    )
    return render(
        request,
        "groups/home.html",
        {"memberships": memberships, "pending_requests": pending, "upcoming_meetings": upcoming},
    )


@login_required
def group_list(request: HttpRequest) -> HttpResponse:
    """The directory: the person's groups and those that accept requests to join."""
    user = request.user
    groups = (
        Group.objects.for_user(user)
        .annotate(
            member_count=_active_member_count(),
            is_member=Exists(Membership.objects.active().filter(group=OuterRef("pk"), user=user)),
            has_pending_request=Exists(
                JoinRequest.objects.filter(
                    group=OuterRef("pk"), user=user, status=JoinRequest.Status.PENDING
                )
            ),
        )
        .order_by("archived", "name")
    )
    kind = request.GET.get("kind", "")
    if kind in GroupKind.values:
        groups = groups.filter(kind=kind)
    else:
        kind = ""
    return render(request, "groups/group_list.html", {"groups": groups, "kind": kind})


@login_required
def personal_data(request: HttpRequest) -> HttpResponse:
    """Download everything GWD keeps about oneself, as JSON."""
    data = services.personal_data_export(actor=request.user)
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = 'attachment; filename="gwd-my-data.json"'
    return response


@login_required
@reauthentication_required
def account_delete(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        try:
            services.account_delete(actor=request.user)
        except ServiceError as error:
            messages.error(request, error.message)
            return redirect("groups:profile")
        logout(request)
        messages.success(request, _("Your account has been deleted."))
        return redirect("account_login")
    return render(request, "groups/account_delete.html")


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user = request.user
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            services.profile_update(actor=user, **form.cleaned_data)
            translation.activate(user.language)
            messages.success(request, _("Your profile has been saved."))
            return redirect("groups:profile")
    else:
        institution = user.institution
        form = ProfileForm(
            initial={
                "full_name": user.full_name,
                "position": user.position,
                "institution_name": institution.name if institution else "",
                "institution_kind": institution.kind if institution else "",
                "institution_code": institution.code if institution else "",
                "language": user.language,
                "time_zone": user.time_zone,
            }
        )
    return render(request, "groups/profile.html", {"form": form})


# --- Creating and running a group -------------------------------------------------


@login_required
def group_create(request: HttpRequest) -> HttpResponse:
    if not request.user.is_staff:
        raise PermissionDenied
    form = GroupCreateForm(request.POST or None, initial={"working_languages": ["pl"]})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            group = services.group_create(
                actor=request.user,
                name=data["name"],
                slug=data["slug"],
                kind=data["kind"],
                description=data["description"],
                working_languages=data["working_languages"],
                accepts_join_requests=data["accepts_join_requests"],
            )
        except ServiceError as error:
            form.add_error("slug", error.message)
        else:
            for email in services.parse_email_list(data["facilitators"]):
                try:
                    services.facilitator_appoint(actor=request.user, group=group, email=email)
                except ServiceError as error:
                    messages.warning(request, f"{email}: {error.message}")
            messages.success(request, _("The group has been created."))
            return redirect(group)
    return render(request, "groups/group_create.html", {"form": form})


@group_view(Capability.VIEW)
def group_detail(request: HttpRequest, access: GroupAccess) -> HttpResponse:
    """The group dashboard: meetings, documents and discussions (filled by their apps)."""
    group = access.group
    counts = (
        Membership.objects.active()
        .filter(group=group)
        .aggregate(
            members=Count("pk"),
            facilitators=Count("pk", filter=Q(role=Role.FACILITATOR)),
        )
    )
    pending_requests = (
        JoinRequest.objects.filter(group=group, status=JoinRequest.Status.PENDING).count()
        if access.can(Capability.MANAGE)
        else 0
    )
    facilitators = list(
        Membership.objects.active()
        .filter(group=group, role=Role.FACILITATOR)
        .select_related("user", "institution")
        .order_by("user__full_name")[:10]
    )
    return render(
        request,
        "groups/group_detail.html",
        {
            "access": access,
            "group": group,
            "counts": counts,
            "pending_requests": pending_requests,
            "facilitators": facilitators,
            "latest_documents": list(
                Document.objects.alive().filter(group=group).select_related("group")[:5]
            ),
            "upcoming_meetings": list(
                Meeting.objects.upcoming().filter(group=group).select_related("group")[:5]
            ),
            "open_actions": list(
                ActionItem.objects.filter(group=group, status=ActionItem.Status.OPEN)
                .select_related("owner", "owner_institution")
                .order_by("due_date", "pk")[:10]
            ),
            "threads": list(
                Thread.objects.filter(group=group)
                .select_related("group")
                .order_by("-last_activity_at", "-pk")[:5]
            ),
        },
    )


@group_view(Capability.MANAGE)
def group_settings(request: HttpRequest, access: GroupAccess) -> HttpResponse:
    group = access.group
    form_class = GroupStaffSettingsForm if request.user.is_staff else GroupSettingsForm
    initial = {
        "name": group.name,
        "description": group.description,
        "working_languages": group.working_languages,
        "accepts_join_requests": group.accepts_join_requests,
        "archived": group.archived,
    }
    form = form_class(request.POST or None, initial=initial)
    appoint_form = FacilitatorAppointForm()
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.group_update(
            actor=request.user,
            group=group,
            name=data["name"],
            description=data["description"],
            working_languages=data["working_languages"],
            accepts_join_requests=data["accepts_join_requests"],
            archived=data.get("archived"),
        )
        messages.success(request, _("The group settings have been saved."))
        return redirect("groups:group-settings", slug=group.slug)
    return render(
        request,
        "groups/group_settings.html",
        {"access": access, "group": group, "form": form, "appoint_form": appoint_form},
    )


@group_view(Capability.MANAGE)
@require_POST
def facilitator_appoint(request: HttpRequest, access: GroupAccess) -> HttpResponse:
    form = FacilitatorAppointForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter a valid e-mail address."))
        return redirect("groups:group-settings", slug=access.group.slug)
    result = services.facilitator_appoint(
        actor=request.user, group=access.group, email=form.cleaned_data["email"]
    )
    if isinstance(result, Invitation):
        # The same words whether or not the address has an account: nothing to learn here.
        messages.success(
            request,
            _("An invitation to be a facilitator has been sent to %(email)s.")
            % {"email": result.email},
        )
    else:
        messages.success(
            request, _("%(name)s is now a facilitator.") % {"name": result.user.full_name}
        )
    return redirect("groups:member-list", slug=access.group.slug)


# --- Members ----------------------------------------------------------------------


@group_view(Capability.VIEW)
def member_list(request: HttpRequest, access: GroupAccess) -> HttpResponse:
    """The member directory with institution and role; searchable, paginated."""
    members = (
        Membership.objects.active()
        .filter(group=access.group)
        .select_related("user", "institution")
        .order_by("user__full_name", "pk")
    )
    query = clean_text(request.GET.get("q", ""))[:100]
    if query:
        members = members.filter(
            Q(user__full_name__icontains=query)
            | Q(institution__name__icontains=query)
            | Q(user__position__icontains=query)
        )
    role = request.GET.get("role", "")
    if role in Role.values:
        members = members.filter(role=role)
    page = Paginator(members, MEMBERS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "groups/member_list.html",
        {
            "access": access,
            "group": access.group,
            "page": page,
            "query": query,
            "role": role,
            "roles": Role.choices,
            "can_manage": access.can(Capability.MANAGE),
            "mute_choices": MuteForm.DURATIONS,
        },
    )


@group_view(Capability.MANAGE)
@require_POST
def member_role(request: HttpRequest, access: GroupAccess, membership_id: int) -> HttpResponse:
    membership = group_object_get(
        access, Membership.objects.active().select_related("user"), membership_id
    )
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a role."))
    else:
        try:
            services.membership_role_change(
                actor=request.user, membership=membership, role=form.cleaned_data["role"]
            )
        except ServiceError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("%(name)s is now: %(role)s.")
                % {
                    "name": membership.user.full_name,
                    "role": Role(form.cleaned_data["role"]).label,
                },
            )
    return redirect("groups:member-list", slug=access.group.slug)


@group_view(Capability.MANAGE)
def member_remove(request: HttpRequest, access: GroupAccess, membership_id: int) -> HttpResponse:
    membership = group_object_get(
        access, Membership.objects.active().select_related("user", "institution"), membership_id
    )
    if request.method == "POST":
        try:
            services.membership_remove(actor=request.user, membership=membership)
        except ServiceError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("%(name)s has been removed from the group.")
                % {"name": membership.user.full_name},
            )
        return redirect("groups:member-list", slug=access.group.slug)
    return render(
        request,
        "groups/member_remove.html",
        {"access": access, "group": access.group, "membership": membership},
    )


@group_view(Capability.VIEW)
def group_leave(request: HttpRequest, access: GroupAccess) -> HttpResponse:
    if access.membership is None:  # site staff looking at a group they are not in
        messages.info(request, _("You are not a member of this group."))
        return redirect(access.group)
    if request.method == "POST":
        try:
            services.membership_leave(actor=request.user, group=access.group)
        except ServiceError as error:
            messages.error(request, error.message)
            return redirect(access.group)
        messages.success(
            request, _("You have left the group %(group)s.") % {"group": access.group.name}
        )
        return redirect("home")
    return render(request, "groups/group_leave.html", {"access": access, "group": access.group})


# --- Invitations ------------------------------------------------------------------


def _invitation_page(request, access, *, form=None, bulk_form=None, results=None, status=200):
    pending = (
        Invitation.objects.filter(
            group=access.group,
            accepted_at=None,
            revoked_at=None,
            expires_at__gt=timezone.now(),
        )
        .select_related("inviter")
        .order_by("-created_at")
    )
    return render(
        request,
        "groups/invitations.html",
        {
            "access": access,
            "group": access.group,
            "form": form or InvitationForm(),
            "bulk_form": bulk_form or BulkInvitationForm(),
            "pending": pending,
            "results": results,
            "outcome_labels": OUTCOME_LABELS,
        },
        status=status,
    )


OUTCOME_LABELS = {
    InvitationOutcome.INVITED: _("invited"),
    InvitationOutcome.REINVITED: _("already invited — invitation sent again"),
    InvitationOutcome.ALREADY_MEMBER: _("already a member"),
    InvitationOutcome.INVALID: _("not a valid e-mail address"),
}


@group_view(Capability.MANAGE)
def invitation_list(request: HttpRequest, access: GroupAccess) -> HttpResponse:
    return _invitation_page(request, access)


@group_view(Capability.MANAGE)
@require_POST
def invitation_create(request: HttpRequest, access: GroupAccess) -> HttpResponse:
    form = InvitationForm(request.POST)
    if not form.is_valid():
        return _invitation_page(request, access, form=form, status=400)
    outcome, _invitation = services.invitation_create(
        actor=request.user,
        group=access.group,
        email=form.cleaned_data["email"],
        role=form.cleaned_data["role"],
    )
    message = OUTCOME_LABELS[outcome]
    level = messages.SUCCESS if outcome != InvitationOutcome.ALREADY_MEMBER else messages.INFO
    messages.add_message(request, level, f"{form.cleaned_data['email']}: {message}")
    return redirect("groups:invitation-list", slug=access.group.slug)


@group_view(Capability.MANAGE)
@require_POST
def invitation_bulk(request: HttpRequest, access: GroupAccess) -> HttpResponse:
    form = BulkInvitationForm(request.POST, request.FILES)
    if not form.is_valid():
        return _invitation_page(request, access, bulk_form=form, status=400)
    emails = services.parse_email_list(form.cleaned_data["emails"])
    emails += services.parse_email_list(form.cleaned_data["csv_file"])
    try:
        results = services.invitations_bulk_create(
            actor=request.user, group=access.group, emails=emails, role=form.cleaned_data["role"]
        )
    except ServiceError as error:
        form.add_error(None, error.message)
        return _invitation_page(request, access, bulk_form=form, status=400)
    return _invitation_page(request, access, results=results)


@group_view(Capability.MANAGE)
@require_POST
def invitation_revoke(
    request: HttpRequest, access: GroupAccess, invitation_id: int
) -> HttpResponse:
    invitation = group_object_get(access, Invitation.objects.all(), invitation_id)
    try:
        services.invitation_revoke(actor=request.user, invitation=invitation)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("The invitation for %(email)s was withdrawn.") % {"email": invitation.email}
        )
    return redirect("groups:invitation-list", slug=access.group.slug)


def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """Where the link in an invitation e-mail leads.

    A signed-in person with the invited address accepts here. A visitor with an account
    signs in first; a new person signs up — with the address already verified, since the
    link proves they read mail sent to it — and joins on the way.
    """
    invitation = (
        Invitation.objects.select_related("group", "inviter").filter(token=token).first()
        if token.isprintable()  # a NUL cannot even be looked up in PostgreSQL
        else None
    )
    user = request.user if request.user.is_authenticated else None
    try:
        services.invitation_check(invitation=invitation, user=user)
    except ServiceError as error:
        return render(
            request,
            "groups/invitation_accept.html",
            {"error": error.message, "invitation": invitation if user else None},
            status=410
            if error.code in ("used", "expired", "revoked")
            else 404
            if error.code == "unknown"
            else 403,
        )
    assert invitation is not None
    if user is None:
        request.session[INVITATION_SESSION_KEY] = invitation.token
        if User.objects.filter(email__iexact=invitation.email).exists():
            return render(
                request,
                "groups/invitation_accept.html",
                {"invitation": invitation, "needs_login": True},
            )
        get_adapter(request).stash_verified_email(request, invitation.email)
        return redirect("account_signup")
    if request.method == "POST":
        membership = services.invitation_accept(actor=user, token=token)
        request.session.pop(INVITATION_SESSION_KEY, None)
        messages.success(
            request, _("Welcome to the group %(group)s.") % {"group": membership.group.name}
        )
        return redirect(membership.group)
    return render(request, "groups/invitation_accept.html", {"invitation": invitation})


# --- Join requests ----------------------------------------------------------------


@login_required
def group_join(request: HttpRequest, slug: str) -> HttpResponse:
    """Ask to join a group that accepts requests. Members are sent to the group itself."""
    group = group_for_joining(user=request.user, slug=slug)
    if Membership.objects.active().filter(group=group, user=request.user).exists():
        return redirect(group)
    form = JoinRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.join_request_create(
                actor=request.user, group=group, message=form.cleaned_data["message"]
            )
        except ServiceError as error:
            messages.info(request, error.message)
        else:
            messages.success(
                request,
                _("Your request has been sent. The facilitators will decide and e-mail you."),
            )
        return redirect("groups:group-list")
    pending = JoinRequest.objects.filter(
        group=group, user=request.user, status=JoinRequest.Status.PENDING
    ).exists()
    return render(
        request, "groups/group_join.html", {"group": group, "form": form, "pending": pending}
    )


group_join.group_capability = "join"  # type: ignore[attr-defined]


@group_view(Capability.MANAGE)
def join_request_list(request: HttpRequest, access: GroupAccess) -> HttpResponse:
    pending = (
        JoinRequest.objects.filter(group=access.group, status=JoinRequest.Status.PENDING)
        .select_related("user", "user__institution")
        .order_by("created_at")
    )
    recent = (
        JoinRequest.objects.filter(group=access.group)
        .exclude(status=JoinRequest.Status.PENDING)
        .select_related("user", "decided_by")
        .order_by("-decided_at")[:20]
    )
    return render(
        request,
        "groups/join_requests.html",
        {"access": access, "group": access.group, "pending": pending, "recent": recent},
    )


@group_view(Capability.MANAGE)
@require_POST
def join_request_decide(request: HttpRequest, access: GroupAccess, request_id: int) -> HttpResponse:
    join_request = group_object_get(access, JoinRequest.objects.select_related("user"), request_id)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose whether to approve or decline the request."))
        return redirect("groups:join-request-list", slug=access.group.slug)
    approve = form.cleaned_data["decision"] == "approve"
    try:
        services.join_request_decide(actor=request.user, join_request=join_request, approve=approve)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        text = (
            _("%(name)s is now a member.")
            if approve
            else _("The request of %(name)s was declined.")
        )
        messages.success(request, text % {"name": join_request.user.full_name})
    return redirect("groups:join-request-list", slug=access.group.slug)


# --- Discussions ------------------------------------------------------------------

THREADS_PER_PAGE = 30
SLOW_MODE_LABELS = [
    (0, _lazy("off")),
    (10, _lazy("10 seconds")),
    (30, _lazy("30 seconds")),
    (60, _lazy("1 minute")),
    (300, _lazy("5 minutes")),
    (900, _lazy("15 minutes")),
]
MESSAGES_PER_PAGE = 50


@group_view(Capability.VIEW)
def thread_list(request: HttpRequest, access: GroupAccess) -> HttpResponse:
    """Threads of the group, pinned first, with how many messages each has unread."""
    user = request.user
    group_seq = events.latest_seq(access.group.pk)
    read_seq = ReadPosition.objects.filter(thread=OuterRef("pk"), user=user).values(
        "last_read_seq"
    )[:1]
    threads = (
        Thread.objects.filter(group=access.group)
        .select_related("author", "group")
        .annotate(read_seq=Coalesce(Subquery(read_seq), Value(0)))
        .annotate(
            unread=Count(
                "messages",
                filter=Q(messages__seq__gt=F("read_seq"), messages__deleted_at=None)
                & ~Q(messages__author=user),
            )
        )
        .order_by("-pinned", "-last_activity_at", "-pk")
    )
    page = Paginator(threads, THREADS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "groups/thread_list.html",
        {
            "access": access,
            "group": access.group,
            "page": page,
            "form": ThreadForm(),
            "socket": _socket_config(request, access, seq=group_seq),
        },
    )


@group_view(Capability.POST)
@require_POST
def thread_create(request: HttpRequest, access: GroupAccess) -> HttpResponse:
    form = ThreadForm(request.POST)
    if form.is_valid():
        try:
            thread, _message = services.thread_create(
                actor=request.user,
                group=access.group,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                client_id=form.cleaned_data["client_id"] or uuid.uuid4().hex,
            )
        except ServiceError as error:
            form.add_error(None, error.message)
        else:
            return redirect(thread)
    return render(
        request,
        "groups/thread_list.html",
        {
            "access": access,
            "group": access.group,
            "page": None,
            "form": form,
            "socket": _socket_config(request, access),
        },
        status=400,
    )


def _socket_config(request: HttpRequest, access: GroupAccess, **extra) -> dict:
    return {
        "url": f"/ws/groups/{access.group.slug}/",
        "group": access.group.slug,
        "groupId": access.group.pk,
        "user": {"id": request.user.pk, "name": request.user.full_name},
        "timeZone": request.user.time_zone,
        "canPost": access.can_post,
        "canModerate": access.can_moderate,
        "reactions": REACTIONS,
        "membersUrl": reverse("groups:member-search", kwargs={"slug": access.group.slug}),
        **extra,
    }


@group_view(Capability.VIEW)
def thread_detail(request: HttpRequest, access: GroupAccess, thread_id: int) -> HttpResponse:
    """A thread: its latest messages (or those before ?before=seq) and the reply form.

    The page records the group's event number before it reads the messages, so the
    socket's resume from that number cannot miss anything written in between.
    """
    thread = group_object_get(access, Thread.objects.select_related("author"), thread_id)
    group_seq = events.latest_seq(access.group.pk)
    messages_qs = Message.objects.filter(thread=thread, held_at=None).select_related("author")
    before = parse_id(request.GET.get("before"))
    if before is not None:
        messages_qs = messages_qs.filter(seq__lt=before)
    batch = list(messages_qs.order_by("-seq")[: MESSAGES_PER_PAGE + 1])
    has_earlier = len(batch) > MESSAGES_PER_PAGE
    messages_page = list(reversed(batch[:MESSAGES_PER_PAGE]))
    if before is None:
        # The reader's own messages held for review show at the end, marked as waiting.
        messages_page += list(
            Message.objects.filter(thread=thread, author=request.user, held_at__isnull=False)
            .select_related("author")
            .order_by("held_at")
        )
    reactions: dict[int, dict[str, list[int]]] = {}
    for message_id, emoji, user_id in (
        Reaction.objects.filter(message__in=messages_page)
        .order_by("created_at")
        .values_list("message_id", "emoji", "user_id")
    ):
        reactions.setdefault(message_id, {}).setdefault(emoji, []).append(user_id)
    payloads = [
        services.message_payload(m, reactions=_ordered(reactions.get(m.pk, {})))
        for m in messages_page
    ]
    if before is None:
        services.thread_read(actor=request.user, thread=thread)
    return render(
        request,
        "groups/thread_detail.html",
        {
            "access": access,
            "group": access.group,
            "thread": thread,
            "message_rows": list(zip(messages_page, payloads, strict=True)),
            "has_earlier": has_earlier,
            "earliest_seq": messages_page[0].seq if messages_page else 0,
            "form": MessageForm(),
            "slow_mode_choices": SLOW_MODE_LABELS,
            "socket": _socket_config(
                request,
                access,
                thread=thread.pk,
                seq=group_seq,
                locked=thread.locked,
                slowMode=thread.slow_mode_seconds,
                mutedUntil=access.membership.muted_until.isoformat()
                if access.membership and access.membership.is_muted
                else None,
            ),
        },
    )


def _ordered(reactions: dict[str, list[int]]) -> dict[str, list[int]]:
    return {emoji: reactions[emoji] for emoji in REACTIONS if emoji in reactions}


@group_view(Capability.POST)
@require_POST
def message_post(request: HttpRequest, access: GroupAccess, thread_id: int) -> HttpResponse:
    """The reply form without JavaScript: same service as the socket, then back to the
    thread at the new message."""
    thread = group_object_get(access, Thread.objects.all(), thread_id)
    form = MessageForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write a message first."))
        return redirect(thread)
    try:
        message, _created = services.message_send(
            actor=request.user,
            thread=thread,
            body=form.cleaned_data["body"],
            client_id=form.cleaned_data["client_id"] or uuid.uuid4().hex,
        )
    except ServiceError as error:
        messages.error(request, error.message)
        return redirect(thread)
    return redirect(f"{thread.get_absolute_url()}#m{message.pk}")


@group_view(Capability.VIEW)
def member_search(request: HttpRequest, access: GroupAccess) -> HttpResponse:
    """Members for @mention autocomplete (?q=) or to name people online (?ids=1,2)."""
    members = Membership.objects.active().filter(group=access.group).select_related("user")
    ids = parse_ids(request.GET.get("ids", "").split(","))[:200]
    query = clean_text(request.GET.get("q", ""))[:50]
    if ids:
        members = members.filter(user_id__in=ids)
    elif query:
        members = members.filter(user__full_name__icontains=query)
    results = [
        {"id": m.user_id, "name": m.user.full_name}
        for m in members.order_by("user__full_name")[: 20 if not ids else 200]
    ]
    return JsonResponse({"members": results})


@group_view(Capability.MODERATE)
def message_history(request: HttpRequest, access: GroupAccess, message_id: int) -> HttpResponse:
    """Earlier texts of an edited message, for facilitators."""
    message = group_object_get(
        access, Message.objects.select_related("author", "thread"), message_id
    )
    return render(
        request,
        "groups/message_history.html",
        {
            "access": access,
            "group": access.group,
            "message": message,
            "revisions": list(message.revisions.order_by("-replaced_at")),
        },
    )


# --- Moderation -------------------------------------------------------------------

LOG_PER_PAGE = 50


def _back_to_message(message: Message) -> HttpResponse:
    return redirect(f"{message.thread.get_absolute_url()}#m{message.pk}")


@group_view(Capability.VIEW)
def message_report(request: HttpRequest, access: GroupAccess, message_id: int) -> HttpResponse:
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
def moderation_queue(request: HttpRequest, access: GroupAccess) -> HttpResponse:
    """Reported messages (with their reports) and held messages, oldest first."""
    reports = list(
        Report.objects.filter(group=access.group, status=Report.Status.OPEN)
        .select_related("reporter", "message", "message__author", "message__thread")
        .order_by("message_id", "created_at")
    )
    by_message: dict[int, dict] = {}
    for report in reports:
        entry = by_message.setdefault(report.message_id, {"message": report.message, "reports": []})
        entry["reports"].append(report)
    held = list(
        Message.objects.filter(group=access.group, held_at__isnull=False)
        .select_related("author", "thread")
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
def reports_decide(request: HttpRequest, access: GroupAccess) -> HttpResponse:
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
def message_moderate(request: HttpRequest, access: GroupAccess, message_id: int) -> HttpResponse:
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
def message_remove(request: HttpRequest, access: GroupAccess, message_id: int) -> HttpResponse:
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
def thread_moderate(request: HttpRequest, access: GroupAccess, thread_id: int) -> HttpResponse:
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
def member_mute(request: HttpRequest, access: GroupAccess, membership_id: int) -> HttpResponse:
    membership = group_object_get(
        access, Membership.objects.active().select_related("user"), membership_id
    )
    if request.POST.get("action") == "unmute":
        call = lambda: services.member_unmute(actor=request.user, membership=membership)  # noqa: E731
    else:
        form = MuteForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose how long to mute for."))
            return redirect("groups:member-list", slug=access.group.slug)
        call = lambda: services.member_mute(  # noqa: E731
            actor=request.user,
            membership=membership,
            minutes=form.cleaned_data["minutes"],
            reason=form.cleaned_data["reason"],
        )
    try:
        call()
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Done."))
    return redirect("groups:member-list", slug=access.group.slug)


@group_view(Capability.MODERATE)
def blocked_phrases(request: HttpRequest, access: GroupAccess) -> HttpResponse:
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
    request: HttpRequest, access: GroupAccess, phrase_id: int
) -> HttpResponse:
    blocked = group_object_get(access, BlockedPhrase.objects.select_related("group"), phrase_id)
    services.blocked_phrase_remove(actor=request.user, blocked=blocked)
    messages.success(request, _("The phrase has been removed."))
    return redirect("groups:blocked-phrases", slug=access.group.slug)


@group_view(Capability.MODERATE)
def moderation_log(request: HttpRequest, access: GroupAccess) -> HttpResponse:
    entries = ModerationAction.objects.filter(group=access.group).order_by("-created_at", "-pk")
    page = Paginator(entries, LOG_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "groups/moderation_log.html",
        {"access": access, "group": access.group, "page": page},
    )


@group_view(Capability.MODERATE)
def moderation_log_csv(request: HttpRequest, access: GroupAccess) -> HttpResponse:
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
def staff_moderation(request: HttpRequest) -> HttpResponse:
    """Every group's moderation queue at a glance, for the Association's staff."""
    if not request.user.is_staff:
        raise PermissionDenied
    groups = Group.objects.annotate(
        open_reports=Count("reports", filter=Q(reports__status=Report.Status.OPEN), distinct=True),
        held=Count("messages", filter=Q(messages__held_at__isnull=False), distinct=True),
    ).order_by("-open_reports", "name")
    return render(request, "groups/staff_moderation.html", {"groups": groups})


# --- Notifications ----------------------------------------------------------------

NOTIFICATIONS_PER_PAGE = 30


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    notifications = Notification.objects.filter(user=request.user).select_related("group")
    page = Paginator(notifications, NOTIFICATIONS_PER_PAGE).get_page(request.GET.get("page"))
    rows = [(n, services.notification_text(n)) for n in page]
    return render(request, "groups/notifications.html", {"page": page, "rows": rows})


@login_required
@require_POST
def notifications_mark_read(request: HttpRequest) -> HttpResponse:
    ids = parse_ids(request.POST.getlist("notification"))
    services.notifications_read(actor=request.user, ids=ids or None)
    return redirect("groups:notifications")


@login_required
def notification_open(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Mark a notification read and go where it points."""
    notification = Notification.objects.filter(user=request.user, pk=notification_id).first()
    if notification is None:
        raise Http404
    services.notifications_read(actor=request.user, ids=[notification.pk])
    return redirect(safe_next(request, reverse("groups:notifications"), value=notification.url))


@login_required
def notification_settings(request: HttpRequest) -> HttpResponse:
    """E-mail on or off, the digest's rhythm, and per group: everything, mentions, nothing."""
    memberships = list(
        Membership.objects.active().filter(user=request.user).select_related("group")
    )
    form = NotificationSettingsForm(
        request.POST or None,
        memberships=memberships,
        initial={
            "email_notifications": request.user.email_notifications,
            "digest": request.user.digest,
        },
    )
    if request.method == "POST" and form.is_valid():
        services.notification_settings_save(
            actor=request.user,
            email_notifications=form.cleaned_data["email_notifications"],
            digest=form.cleaned_data["digest"],
            levels=form.levels(),
        )
        messages.success(request, _("Your notification settings have been saved."))
        return redirect("groups:notification-settings")
    return render(request, "groups/notification_settings.html", {"form": form})


@csrf_exempt
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """The link in every notification e-mail. GET asks; POST (the page's button, or a
    mail program's one-click request under RFC 8058) unsubscribes. The signed token is
    the credential, so no sign-in is needed."""
    from django.core import signing

    try:
        signing.loads(token, salt=services.notifications.UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return render(request, "groups/unsubscribe.html", {"invalid": True}, status=400)
    if request.method == "POST":
        _user, group = services.unsubscribe_apply(token=token)
        return render(request, "groups/unsubscribe.html", {"done": True, "group": group})
    return render(request, "groups/unsubscribe.html", {"token": token})


@group_view(Capability.VIEW)
@require_POST
def library_follow(request: HttpRequest, access: GroupAccess) -> HttpResponse:
    """Follow (or stop following) a folder of the library, or the whole library."""
    from resources.models import Folder

    # No folder is the whole library; a folder that is not one is a 404, not the library.
    folder_id = request.POST.get("folder", "")
    folder = (
        group_object_get(access, Folder.objects.all(), parse_id(folder_id)) if folder_id else None
    )
    following = services.folder_follow_toggle(actor=request.user, group=access.group, folder=folder)
    messages.success(
        request,
        _("You will hear about new documents here.")
        if following
        else _("You will no longer hear about new documents here."),
    )
    url = reverse("resources:library", kwargs={"slug": access.group.slug})
    return redirect(f"{url}?folder={folder.pk}" if folder else url)
