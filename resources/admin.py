from django.contrib import admin

from resources.models import Document, DocumentVersion, Folder


class VersionInline(admin.TabularInline):
    model = DocumentVersion
    fk_name = "document"
    extra = 0
    readonly_fields = ["number", "storage_key", "original_name", "size", "content_type", "sha256"]


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ["title", "group", "domain", "is_template", "updated_at", "deleted_at"]
    list_filter = ["is_template", "domain", "group"]
    search_fields = ["title"]
    inlines = [VersionInline]
    exclude = ["search_text", "content_text"]


admin.site.register(Folder)
