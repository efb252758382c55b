"""What the library keeps about a person, registered with gwd.personal_data from
ResourcesConfig.ready(). Files are listed with their download links (the group's
access rules apply), not copied into the export."""

from django.urls import reverse

from gwd.mail import absolute_url
from gwd.personal_data import register, when
from resources import services
from resources.models import Document, DocumentVersion, Folder, FolderFollow, UploadSession


def _versions(user) -> list[dict]:
    return [
        {
            "group": v.document.group.display_name,
            "document": v.document.title,
            "version": v.number,
            "file_name": v.original_name,
            "size": v.size,
            "type": v.content_type,
            "sha256": v.sha256,
            "change_note": v.change_note,
            "uploaded": when(v.created_at),
            "download": absolute_url(
                reverse(
                    "resources:version-download",
                    kwargs={
                        "slug": v.document.group.slug,
                        "document_id": v.document_id,
                        "version_id": v.pk,
                    },
                )
            ),
        }
        for v in DocumentVersion.objects.filter(uploaded_by=user)
        .select_related("document__group")
        .order_by("created_at", "pk")
    ]


def _upload_sessions_erase(user) -> None:
    # Deleting the rows alone would leave their staged bytes in storage.
    for session in UploadSession.objects.filter(created_by=user):
        services.upload_session_discard(session=session)


def register_sections() -> None:
    register(
        "folders_created",
        covers=["resources.Folder.created_by"],
        export=lambda user: [
            {"group": f.group.display_name, "folder": f.name, "created": when(f.created_at)}
            for f in Folder.objects.filter(created_by=user).select_related("group").order_by("pk")
        ],
    )
    register(
        "documents",
        covers=["resources.Document.created_by"],
        export=lambda user: [
            {
                "group": d.group.display_name,
                "title": d.title,
                "description": d.description,
                "created": when(d.created_at),
                "in_trash": d.deleted_at is not None,
                "link": absolute_url(d.get_absolute_url()),
            }
            for d in Document.objects.filter(created_by=user)
            .select_related("group")
            .order_by("created_at", "pk")
        ],
    )
    register(
        "documents_trashed",
        covers=["resources.Document.deleted_by"],
        export=lambda user: [
            {"group": d.group.display_name, "title": d.title, "trashed": when(d.deleted_at)}
            for d in Document.objects.filter(deleted_by=user)
            .select_related("group")
            .order_by("deleted_at")
        ],
    )
    register(
        "document_versions",
        covers=["resources.DocumentVersion.uploaded_by"],
        export=_versions,
    )
    register(
        "uploads_in_progress",
        covers=["resources.UploadSession.created_by"],
        export=lambda user: [
            {
                "group": s.group.display_name,
                "file_name": s.name,
                "size": s.size,
                "received": s.received,
                "started": when(s.created_at),
            }
            for s in UploadSession.objects.filter(created_by=user)
            .select_related("group")
            .order_by("pk")
        ],
        erase=_upload_sessions_erase,
    )

    register(
        "follows",
        covers=["resources.FolderFollow.user"],
        export=lambda user: [
            {"group": f.group.display_name, "folder": f.folder.name if f.folder else None}
            for f in FolderFollow.objects.filter(user=user)
            .select_related("group", "folder")
            .order_by("pk")
        ],
    )
