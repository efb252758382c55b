"""Pages of the attachments of messages: sending a file before its message, opening an
attachment or its thumbnail, and finding a document of the library to link.

Answers to the discussion's script are JSON; an error carries a translated `error` and
a stable `code`.
"""

from django.conf import settings
from django.http import Http404, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from groups.access import AuthenticatedHttpRequest, Capability, GroupAccess, group_view
from gwd.errors import ServiceError
from resources import attachments, files, images, services
from resources.models import Document
from resources.uploads import SizeLimitHandler, upload_too_large
from resources.views import send_stored

UPLOAD_ERROR_STATUS = {"too_large": 413, "storage": 503}
# What an attachment may open as in the browser: images (drawn again without metadata
# when they were stored) and PDFs, as the library opens them.
INLINE_TYPES = frozenset({files.PDF, *images.FORMATS})


def _refused(error: ServiceError) -> JsonResponse:
    return JsonResponse(
        {"error": error.message, "code": error.code},
        status=UPLOAD_ERROR_STATUS.get(error.code, 400),
    )


@csrf_exempt
@group_view(Capability.UPLOAD)
@require_POST
def attachment_upload(request: AuthenticatedHttpRequest, access: GroupAccess) -> HttpResponse:
    """A file (`file`) to go with the message the person is writing; its id goes in the
    message's `attachments`. Until then only its sender knows of it."""
    # As the library's upload: the size limit before anything reads the body, CSRF after.
    if int(request.META.get("CONTENT_LENGTH") or 0) > settings.UPLOAD_MAX_BYTES + 1024 * 1024:
        return _refused(ServiceError(services.too_large_message(), code="too_large"))
    request.upload_handlers.insert(0, SizeLimitHandler(request, settings.UPLOAD_MAX_BYTES))
    return _attachment_upload(request, access)


@csrf_protect
def _attachment_upload(request: AuthenticatedHttpRequest, access: GroupAccess) -> HttpResponse:
    upload = request.FILES.get("file")
    if upload_too_large(request):
        return _refused(ServiceError(services.too_large_message(), code="too_large"))
    if upload is None:
        return _refused(ServiceError(_("Choose a file."), code="empty"))
    try:
        document = attachments.attachment_upload(
            actor=request.user, group=access.group, upload=upload
        )
    except ServiceError as error:
        return _refused(error)
    version = document.current_version
    assert version is not None  # stored with its first version
    return JsonResponse(
        {
            "id": document.pk,
            "name": version.original_name,
            "size": version.size,
            "type": attachments.TYPE_LABELS.get(version.content_type, ""),
            "image": bool(version.thumbnail_key),
        },
        status=201,
    )


@group_view(Capability.VIEW)
def attachment_file(
    request: AuthenticatedHttpRequest, access: GroupAccess, attachment_id: int
) -> HttpResponseBase:
    """The file of an attachment, for whoever may see its message; an image or a PDF
    opens in the browser with ?inline=1."""
    attachment = attachments.attachment_get(access, attachment_id)
    version = attachment.document.current_version
    if version is None:
        raise Http404
    inline = request.GET.get("inline") == "1" and version.content_type in INLINE_TYPES
    return send_stored(
        request,
        key=version.storage_key,
        name=version.original_name,
        content_type=version.content_type,
        inline=inline,
    )


@group_view(Capability.VIEW)
def attachment_thumbnail(
    request: AuthenticatedHttpRequest, access: GroupAccess, attachment_id: int
) -> HttpResponseBase:
    """The thumbnail of an image attachment, made on the server without metadata."""
    attachment = attachments.attachment_get(access, attachment_id)
    version = attachment.document.current_version
    if version is None or not version.thumbnail_key:
        raise Http404
    return send_stored(
        request,
        key=version.thumbnail_key,
        name=f"{version.original_name.rsplit('.', 1)[0]}-thumbnail.jpg",
        content_type=images.THUMBNAIL_TYPE,
        inline=True,
    )


@group_view(Capability.VIEW)
def document_pick(request: AuthenticatedHttpRequest, access: GroupAccess) -> HttpResponse:
    """Documents of the group's library to link to a message (?q= searches, as the
    library does; without it, the latest)."""
    query = request.GET.get("q", "").strip()[:200]
    found: list[Document] = list(attachments.document_pick_list(access, query))
    return JsonResponse(
        {
            "documents": [
                {
                    "id": d.pk,
                    "title": d.title,
                    "name": d.current_version.original_name if d.current_version else "",
                    "type": attachments.TYPE_LABELS.get(
                        d.current_version.content_type if d.current_version else "", ""
                    ),
                    "size": d.current_version.size if d.current_version else 0,
                }
                for d in found
            ]
        }
    )
