"""The catalogue in the admin, for site staff; values and their history to read."""

from django.contrib import admin

from indicators.models import DataRound, GroupIndicator, Indicator, Submission, Value, ValueChange


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["code", "name_pl", "domain", "measure", "direction", "group"]
    list_filter = ["domain", "measure", "direction", ("group", admin.EmptyFieldListFilter)]
    search_fields = ["code", "name_pl", "name_uk", "name_en"]
    raw_id_fields = ["numerator", "denominator", "group"]


@admin.register(GroupIndicator)
class GroupIndicatorAdmin(admin.ModelAdmin):
    list_display = ["indicator", "group", "adopted_at"]
    list_filter = ["group"]
    raw_id_fields = ["indicator", "adopted_by"]


@admin.register(DataRound)
class DataRoundAdmin(admin.ModelAdmin):
    list_display = ["title", "group", "year", "deadline", "status"]
    list_filter = ["status", "group"]
    filter_horizontal = ["indicators"]


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ["unit", "round", "status", "submitted_at", "verified_at"]
    list_filter = ["status"]
    readonly_fields = [f.name for f in Submission._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    """Figures change only through the services, which keep their history."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Value)
class ValueAdmin(ReadOnlyAdmin):
    list_display = ["indicator", "unit", "year", "value", "status", "source", "group"]
    list_filter = ["status", "source", "year"]
    search_fields = ["unit__name", "indicator__code"]


@admin.register(ValueChange)
class ValueChangeAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "actor_name", "value", "old_value", "new_value", "new_status"]
    list_filter = ["new_status", "source"]
