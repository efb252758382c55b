"""The admin of people and groups, and the rule every GWD admin screen follows.

A row whose writes have rules — the last facilitator stays, a removal is logged and
closes the person's sockets, a meeting's calendar sequence goes up, the waiting list
moves, people are told — is shown in the admin but never edited there: its screen is
a GuardedAdmin, and its admin actions call the same services as the pages.
"""

from collections.abc import Callable
from typing import Any

from django.contrib import admin, messages
from django.contrib.auth import get_permission_codename
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models.options import Options
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from groups import services
from groups.models import (
    Group,
    GroupUnit,
    Institution,
    Invitation,
    JoinRequest,
    Membership,
    Role,
    TerritorialUnit,
    User,
)
from gwd.errors import ServiceError


class ServiceActionsMixin:
    """Actions made by service_action() need the model's change permission."""

    opts: Options[Any]  # given by the ModelAdmin it is mixed into

    def has_service_permission(self, request) -> bool:
        opts = self.opts
        return request.user.has_perm(f"{opts.app_label}.{get_permission_codename('change', opts)}")


class GuardedAdmin(ServiceActionsMixin, admin.ModelAdmin):
    """Look, don't touch: no adding, changing or deleting rows here; actions call services."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class GuardedInline(admin.TabularInline):
    """The rows of a GuardedAdmin's model shown on another screen, read-only too."""

    extra = 0

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


def service_action(name: str, description, call: Callable) -> Callable:
    """An admin action that calls `call(actor, row)` — one service call — for each row
    selected. Each call is its own transaction; a row the service refuses is reported
    with the service's reason, and the other rows go on."""

    def action(modeladmin, request, queryset):
        done = 0
        for row in queryset:
            try:
                call(request.user, row)
            except ServiceError as error:
                modeladmin.message_user(request, f"{row}: {error.message}", messages.ERROR)
            else:
                done += 1
        if done:
            modeladmin.message_user(
                request, gettext("Done: %(count)d.") % {"count": done}, messages.SUCCESS
            )

    action.__name__ = name
    return admin.action(action, description=description, permissions=["service"])


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin):
    """Giving an institution its unit makes the people who work for it that unit's
    officials in their groups: the form lists them, to check before saving."""

    list_display = ["name", "kind", "code", "unit"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["unit"]
    readonly_fields = ["people_list"]

    @admin.display(description=_("People who name it in their profile"))
    def people_list(self, institution: Institution) -> str:
        people = institution.people.order_by("email").values_list("email", flat=True)[:200]
        return ", ".join(people) or "—"


@admin.register(TerritorialUnit)
class TerritorialUnitAdmin(admin.ModelAdmin):
    """Units are checked by their model's clean(): a code that does not fit its country
    and level is refused with the reason."""

    list_display = ["name", "country", "level", "code", "bdl_id"]
    list_filter = ["country", "level"]
    search_fields = ["name", "code", "bdl_id"]
    autocomplete_fields = ["parent"]


@admin.register(GroupUnit)
class GroupUnitAdmin(admin.ModelAdmin):
    list_display = ["unit", "group", "joined_at", "left_at"]
    list_filter = ["group"]
    search_fields = ["unit__name", "unit__code"]
    autocomplete_fields = ["unit"]


@admin.register(User)
class UserAdmin(ServiceActionsMixin, DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "institution", "language", "is_staff", "is_active"]
    list_filter = ["is_staff", "is_active", "language"]
    search_fields = ["email", "full_name", "institution__name"]
    autocomplete_fields = ["institution"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (
            _("Profile"),
            {"fields": ["full_name", "institution", "position", "language", "time_zone"]},
        ),
        (
            _("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "full_name", "password1", "password2"]}),
    ]
    # Deleting a row here would skip the last-facilitator rule and the personal-data
    # erasure that account_delete does; the action below goes through it.
    actions = [
        service_action(
            "delete_account",
            _("Delete the account and its personal data"),
            lambda actor, user: services.account_delete(actor=actor, user=user),
        ),
    ]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class MembershipInline(GuardedInline):
    model = Membership
    fk_name = "group"
    fields = ["user", "role", "institution", "status", "joined_at"]


@admin.register(Group)
class GroupAdmin(admin.ModelAdmin):
    list_display = ["group_name", "kind", "accepts_join_requests", "archived", "created_at"]
    list_filter = ["kind", "archived", "accepts_join_requests"]
    search_fields = ["name_pl", "name_uk", "name_en", "slug"]
    prepopulated_fields = {"slug": ["name_pl"]}
    inlines = [MembershipInline]

    @admin.display(description=_("name"))
    def group_name(self, group: Group) -> str:
        return group.display_name

    def has_delete_permission(self, request, obj=None) -> bool:
        # A group is archived, not deleted: deleting the row would take its discussions
        # and library with it and leave the stored files behind.
        return False


def _role(role: str) -> Callable:
    return lambda actor, membership: services.membership_role_change(
        actor=actor, membership=membership, role=role
    )


@admin.register(Membership)
class MembershipAdmin(GuardedAdmin):
    list_display = ["user", "group", "role", "status", "joined_at"]
    list_filter = ["role", "status", "group"]
    search_fields = [
        "user__email",
        "user__full_name",
        "group__name_pl",
        "group__name_uk",
        "group__name_en",
    ]
    list_select_related = ["user", "group"]
    actions = [
        service_action("make_facilitator", _("Make facilitator"), _role(Role.FACILITATOR)),
        service_action("make_member", _("Make member"), _role(Role.MEMBER)),
        service_action("make_observer", _("Make observer"), _role(Role.OBSERVER)),
        service_action(
            "remove",
            _("Remove from the group"),
            lambda actor, membership: services.membership_remove(
                actor=actor, membership=membership
            ),
        ),
    ]


@admin.register(Invitation)
class InvitationAdmin(GuardedAdmin):
    list_display = ["email", "group", "role", "created_at", "expires_at", "accepted_at"]
    list_filter = ["role", "group"]
    search_fields = ["email"]
    actions = [
        service_action(
            "revoke",
            _("Withdraw the invitation"),
            lambda actor, invitation: services.invitation_revoke(
                actor=actor, invitation=invitation
            ),
        ),
    ]


@admin.register(JoinRequest)
class JoinRequestAdmin(GuardedAdmin):
    list_display = ["user", "group", "status", "created_at", "decided_by"]
    list_filter = ["status", "group"]
    actions = [
        service_action(
            "approve",
            _("Approve"),
            lambda actor, request: services.join_request_decide(
                actor=actor, join_request=request, approve=True
            ),
        ),
        service_action(
            "decline",
            _("Decline"),
            lambda actor, request: services.join_request_decide(
                actor=actor, join_request=request, approve=False
            ),
        ),
    ]
