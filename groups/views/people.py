"""Pages of people and groups: the directory, the profile, creating and running a group,
its members."""

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from groups import services
from groups.access import (
    AuthenticatedHttpRequest,
    Capability,
    GroupAccess,
    group_object_get,
    group_view,
)
from groups.forms import (
    FacilitatorAppointForm,
    GroupCreateForm,
    GroupSettingsForm,
    GroupStaffSettingsForm,
    MuteForm,
    ProfileForm,
    RoleForm,
)
from groups.models import Group, GroupKind, Invitation, JoinRequest, Membership, Role
from groups.selectors import group_sort_key, member_units
from gwd.errors import ServiceError
from gwd.text import clean_text

MEMBERS_PER_PAGE = 50


def _active_member_count():
    return Count("memberships", filter=Q(memberships__status=Membership.Status.ACTIVE))


@login_required
def group_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The directory: the person's groups and those that accept requests to join."""
    user = request.user
    groups = Group.objects.for_user(user).annotate(
        member_count=_active_member_count(),
        is_member=Exists(Membership.objects.active().filter(group=OuterRef("pk"), user=user)),
        has_pending_request=Exists(
            JoinRequest.objects.filter(
                group=OuterRef("pk"), user=user, status=JoinRequest.Status.PENDING
            )
        ),
    )
    kind = request.GET.get("kind", "")
    if kind in GroupKind.values:
        groups = groups.filter(kind=kind)
    else:
        kind = ""
    return render(
        request,
        "groups/group_list.html",
        {"groups": sorted(groups, key=group_sort_key), "kind": kind},
    )


@login_required
@reauthentication_required
def account_delete(request: AuthenticatedHttpRequest) -> HttpResponse:
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
def profile(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            try:
                services.profile_update(actor=user, **form.cleaned_data)
            except ServiceError as error:
                form.add_error("institution_name", error.message)
            else:
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


@login_required
def group_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not request.user.is_staff:
        raise PermissionDenied
    form = GroupCreateForm(
        request.POST or None, initial={"first_language": "pl", "working_languages": ["pl"]}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            group = services.group_create(
                actor=request.user,
                names=data["names"],
                slug=data["slug"],
                kind=data["kind"],
                descriptions=data["descriptions"],
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


@group_view(Capability.MANAGE)
def group_settings(request: AuthenticatedHttpRequest, access: GroupAccess) -> HttpResponse:
    group = access.group
    form_class = GroupStaffSettingsForm if request.user.is_staff else GroupSettingsForm
    form = form_class(request.POST or None, initial=form_class.initial_for(group))
    appoint_form = FacilitatorAppointForm()
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.group_update(
            actor=request.user,
            group=group,
            names=data["names"],
            descriptions=data["descriptions"],
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
def facilitator_appoint(request: AuthenticatedHttpRequest, access: GroupAccess) -> HttpResponse:
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


@group_view(Capability.VIEW)
def member_list(request: AuthenticatedHttpRequest, access: GroupAccess) -> HttpResponse:
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
            # Who is muted is for those who moderate, not every member.
            "can_moderate": access.can(Capability.MODERATE),
            "mute_choices": MuteForm.DURATIONS,
            # The municipalities are members too: on the first page, above the people.
            "units": member_units(access.group) if page.number == 1 and not query else [],
        },
    )


@group_view(Capability.MANAGE)
@require_POST
def member_role(
    request: AuthenticatedHttpRequest, access: GroupAccess, membership_id: int
) -> HttpResponse:
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
def member_remove(
    request: AuthenticatedHttpRequest, access: GroupAccess, membership_id: int
) -> HttpResponse:
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
def group_leave(request: AuthenticatedHttpRequest, access: GroupAccess) -> HttpResponse:
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
            request, _("You have left the group %(group)s.") % {"group": access.group.display_name}
        )
        return redirect("home")
    return render(request, "groups/group_leave.html", {"access": access, "group": access.group})
