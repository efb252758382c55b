"""Pages of the ways in: invitations (one or many), joining an open group, join requests."""

from allauth.account.adapter import get_adapter
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from groups import services
from groups.access import (
    AuthenticatedHttpRequest,
    Capability,
    GroupAccess,
    group_for_joining,
    group_object_get,
    group_view,
)
from groups.adapter import INVITATION_SESSION_KEY
from groups.forms import BulkInvitationForm, DecisionForm, InvitationForm, JoinRequestForm
from groups.models import Invitation, JoinRequest, Membership, User
from groups.services import InvitationOutcome
from gwd.errors import ServiceError


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
def invitation_list(request: AuthenticatedHttpRequest, access: GroupAccess) -> HttpResponse:
    return _invitation_page(request, access)


@group_view(Capability.MANAGE)
@require_POST
def invitation_create(request: AuthenticatedHttpRequest, access: GroupAccess) -> HttpResponse:
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
def invitation_bulk(request: AuthenticatedHttpRequest, access: GroupAccess) -> HttpResponse:
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
    request: AuthenticatedHttpRequest, access: GroupAccess, invitation_id: int
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
            request, _("Welcome to the group %(group)s.") % {"group": membership.group.display_name}
        )
        return redirect(membership.group)
    return render(request, "groups/invitation_accept.html", {"invitation": invitation})


@login_required
def group_join(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
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
def join_request_list(request: AuthenticatedHttpRequest, access: GroupAccess) -> HttpResponse:
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
def join_request_decide(
    request: AuthenticatedHttpRequest, access: GroupAccess, request_id: int
) -> HttpResponse:
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
