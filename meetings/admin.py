from django.contrib import admin

from meetings.models import ActionItem, AgendaItem, Meeting, Minutes, Registration


class AgendaInline(admin.TabularInline):
    model = AgendaItem
    extra = 0


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["title", "group", "starts_at", "status"]
    list_filter = ["status", "group"]
    search_fields = ["title"]
    inlines = [AgendaInline]
    readonly_fields = ["uid", "sequence"]


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ["meeting", "user", "status"]
    list_filter = ["status"]


admin.site.register(Minutes)
admin.site.register(ActionItem)
