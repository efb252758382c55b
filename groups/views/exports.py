"""Downloads of a thread as PDF or DOCX: whoever may read the thread may take it away."""

from django.http import HttpResponse

from groups import exports
from groups.access import (
    AuthenticatedHttpRequest,
    Capability,
    GroupAccess,
    group_object_get,
    group_view,
)
from groups.models import Thread


@group_view(Capability.VIEW)
def thread_export(
    request: AuthenticatedHttpRequest, access: GroupAccess, thread_id: int, file_format: str
) -> HttpResponse:
    exports.content_type_of(file_format)  # an unknown format is a 404 before any work
    thread = group_object_get(access, Thread.objects.all(), thread_id)
    write = exports.thread_pdf if file_format == "pdf" else exports.thread_docx
    content = write(thread=thread, group=access.group, reader=request.user)
    return exports.export_response(
        content, file_format=file_format, name=exports.file_name(thread.title, thread.pk, "thread")
    )
