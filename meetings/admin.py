"""Meetings in the admin: shown, not edited (see groups.admin); actions call the services,
so the calendar sequence goes up, reminders are planned or dropped and people are told."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from groups.admin import GuardedAdmin, GuardedInline, service_action
from meetings import services
from meetings.models import ActionItem, AgendaItem, Meeting, Minutes, Registration


class AgendaInline(GuardedInline):
    model = AgendaItem


@admin.register(Meeting)
class MeetingAdmin(GuardedAdmin):
    list_display = ["title", "group", "starts_at", "status"]
    list_filter = ["status", "group"]
    search_fields = ["title"]
    inlines = [AgendaInline]
    actions = [
        service_action(
            "cancel",
            _("Cancel the meeting"),
            lambda actor, meeting: services.meeting_cancel(actor=actor, meeting=meeting),
        ),
        service_action(
            "publish",
            _("Publish the draft"),
            lambda actor, meeting: services.meeting_publish(actor=actor, meeting=meeting),
        ),
    ]


@admin.register(Registration)
class RegistrationAdmin(GuardedAdmin):
    """No actions: a registration is the person's own answer (registration_set acts for
    the actor), and the waiting list moves only through it."""

    list_display = ["meeting", "user", "status"]
    list_filter = ["status"]
    list_select_related = ["meeting", "user"]


@admin.register(Minutes)
class MinutesAdmin(GuardedAdmin):
    """Read-only: minutes_save renders the Markdown; text edited here would not match
    the HTML the pages show."""

    list_display = ["meeting", "status", "published_at"]
    exclude = ["text_html", "decisions_html"]


@admin.register(ActionItem)
class ActionItemAdmin(GuardedAdmin):
    list_display = ["description", "group", "owner", "due_date", "status"]
    list_filter = ["status", "group"]
    actions = [
        service_action(
            "toggle",
            _("Mark done, or open again"),
            lambda actor, item: services.action_item_toggle(actor=actor, item=item),
        ),
    ]
