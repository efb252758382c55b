from django.urls import path

from resources import attachment_views, views

app_name = "resources"

urlpatterns = [
    path("library/templates/", views.template_list, name="template-list"),
    path("library/templates/<int:document_id>/", views.template_detail, name="template-detail"),
    path(
        "library/templates/<int:document_id>/versions/<int:version_id>/download/",
        views.template_download,
        name="template-download",
    ),
    path("library/templates/<int:document_id>/adapt/", views.template_adapt, name="template-adapt"),
    path("library/search/", views.library_search, name="search"),
    path("groups/<slug:slug>/library/", views.library, name="library"),
    path("groups/<slug:slug>/library/upload/", views.document_upload, name="document-upload"),
    path(
        "groups/<slug:slug>/library/uploads/",
        views.upload_session_start,
        name="upload-session-start",
    ),
    path(
        "groups/<slug:slug>/library/uploads/<int:upload_id>/",
        views.upload_session,
        name="upload-session",
    ),
    path(
        "groups/<slug:slug>/library/attachments/",
        attachment_views.attachment_upload,
        name="attachment-upload",
    ),
    path("groups/<slug:slug>/library/pick/", attachment_views.document_pick, name="document-pick"),
    path(
        "groups/<slug:slug>/attachments/<int:attachment_id>/",
        attachment_views.attachment_file,
        name="attachment-file",
    ),
    path(
        "groups/<slug:slug>/attachments/<int:attachment_id>/thumbnail/",
        attachment_views.attachment_thumbnail,
        name="attachment-thumbnail",
    ),
    path("groups/<slug:slug>/library/follow/", views.library_follow, name="library-follow"),
    path("groups/<slug:slug>/library/duplicates/", views.duplicate_check, name="duplicate-check"),
    path("groups/<slug:slug>/library/folders/new/", views.folder_create, name="folder-create"),
    path(
        "groups/<slug:slug>/library/folders/<int:folder_id>/edit/",
        views.folder_update,
        name="folder-update",
    ),
    path(
        "groups/<slug:slug>/library/folders/<int:folder_id>/delete/",
        views.folder_delete,
        name="folder-delete",
    ),
    path("groups/<slug:slug>/library/trash/", views.trash, name="trash"),
    path(
        "groups/<slug:slug>/library/trash/<int:document_id>/delete/",
        views.document_delete,
        name="document-delete",
    ),
    path(
        "groups/<slug:slug>/library/<int:document_id>/",
        views.document_detail,
        name="document-detail",
    ),
    path(
        "groups/<slug:slug>/library/<int:document_id>/edit/",
        views.document_edit,
        name="document-edit",
    ),
    path(
        "groups/<slug:slug>/library/<int:document_id>/share/",
        views.document_share,
        name="document-share",
    ),
    path(
        "groups/<slug:slug>/library/<int:document_id>/trash/",
        views.document_trash,
        name="document-trash",
    ),
    path(
        "groups/<slug:slug>/library/<int:document_id>/restore/",
        views.document_restore,
        name="document-restore",
    ),
    path(
        "groups/<slug:slug>/library/<int:document_id>/versions/new/",
        views.version_upload,
        name="version-upload",
    ),
    path(
        "groups/<slug:slug>/library/<int:document_id>/versions/<int:version_id>/download/",
        views.version_download,
        name="version-download",
    ),
]
