"""The library in the admin: shown, not edited (see groups.admin). A version is a stored
file with its checksum; a document's title and text feed the search index. Actions
call the library's services."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from groups.admin import GuardedAdmin, GuardedInline, service_action
from resources import services
from resources.models import Document, DocumentVersion, Folder


class VersionInline(GuardedInline):
    model = DocumentVersion
    fk_name = "document"
    fields = ["number", "original_name", "size", "content_type", "uploaded_by", "created_at"]


@admin.register(Document)
class DocumentAdmin(GuardedAdmin):
    list_display = ["title", "group", "domain", "is_template", "updated_at", "deleted_at"]
    list_filter = ["is_template", "domain", "group"]
    search_fields = ["title"]
    inlines = [VersionInline]
    exclude = ["search_text", "content_text"]
    actions = [
        service_action(
            "trash",
            _("Move to the trash"),
            lambda actor, document: services.document_trash(actor=actor, document=document),
        ),
        service_action(
            "restore",
            _("Restore from the trash"),
            lambda actor, document: services.document_restore(actor=actor, document=document),
        ),
    ]


@admin.register(Folder)
class FolderAdmin(GuardedAdmin):
    list_display = ["name", "group", "parent"]
    list_filter = ["group"]
