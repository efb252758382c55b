"""Pages of the library: access → form → service → redirect or render.

Downloads check access first, then redirect to a presigned S3 address that expires
within minutes, or let nginx send the file (X-Accel-Redirect), or stream it.
"""

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterator
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.core.handlers.asgi import ASGIRequest
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
)
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST

from groups.access import (
    ROW_RULES,
    AuthenticatedHttpRequest,
    Capability,
    GroupAccess,
    group_access,
    group_object_get,
    group_view,
)
from groups.models import Membership
from gwd.errors import ServiceError
from gwd.http import MAX_ID, parse_id, parse_int
from resources import files, services
from resources.forms import (
    EditForm,
    FilterForm,
    FolderEditForm,
    FolderForm,
    ShareForm,
    UploadForm,
    UploadSessionForm,
    VersionForm,
)
from resources.models import Document, DocumentVersion, Folder, FolderFollow, UploadSession
from resources.search import document_search
from resources.sizes import file_size
from resources.uploads import SizeLimitHandler, s3_storage, upload_too_large

DOCUMENTS_PER_PAGE = 30


def _documents(access: GroupAccess):
    return (
        Document.objects.readable()
        .filter(group=access.group)
        .select_related("current_version", "group", "folder")
    )


def _searched(documents, query: str):
    """`documents` with the words of `query`, best first. Matches are ranked and sorted
    before a page is cut, so each page's current versions come in a query of their own:
    joined to every match first, they cost a hash of all versions (about 10 of a search's
    22 ms at 11,000 documents)."""
    return document_search(documents, query).prefetch_related("current_version")


def _too_large(request: HttpRequest) -> bool:
    length = int(request.META.get("CONTENT_LENGTH") or 0)
    return length > settings.UPLOAD_MAX_BYTES + 1024 * 1024


def _too_large_message() -> str:
    return services.too_large_message()


def _from_script(request: HttpRequest) -> bool:
    """The page's script (static/js/upload.js) sent this request and reads the answer
    itself: it is told where to go rather than redirected, so the confirmation waits
    for the page it opens instead of being spent on the redirect it followed."""
    return request.headers.get("X-Requested-With") == "XMLHttpRequest"


def _go(request: HttpRequest, url: str) -> HttpResponse:
    if _from_script(request):
        return JsonResponse({"location": url})
    return redirect(url)


@group_view(Capability.VIEW)
def library(request: AuthenticatedHttpRequest, access: GroupAccess) -> HttpResponse:
    folder_id = request.GET.get("folder", "")
    folder = (
        group_object_get(access, Folder.objects.all(), folder_id) if folder_id.isdigit() else None
    )
    filters = FilterForm(request.GET or None)
    query = request.GET.get("q", "").strip()
    # A search looks through every folder; browsing shows one folder.
    documents = (
        _searched(
            Document.objects.readable()
            .filter(group=access.group)
            .select_related("group", "folder"),
            query,
        )
        if query
        else _documents(access).filter(folder=folder)
    )
    documents = filters.apply(documents) if filters.is_bound else documents
    page = Paginator(documents, DOCUMENTS_PER_PAGE).get_page(request.GET.get("page"))
    folders = list(Folder.objects.filter(group=access.group).order_by("name"))
    folder_edit_form = (
        _folder_edit_form(folder, folders)
        if folder is not None
        and access.can_upload
        and access.may_change("folder", author_id=folder.created_by_id)
        else None
    )
    return render(
        request,
        "resources/library.html",
        {
            "access": access,
            "group": access.group,
            "folder": folder,
            "folder_edit_form": folder_edit_form,
            "subfolders": [f for f in folders if f.parent_id == (folder.pk if folder else None)],
            "breadcrumbs": _breadcrumbs(folder, folders),
            "page": page,
            "filters": filters if filters.is_bound else FilterForm(),
            "query": query,
            "upload_form": UploadForm(
                folders=folders,
                initial={
                    "folder": folder.pk if folder else None,
                    "language": request.LANGUAGE_CODE,
                },
            ),
            "folder_form": FolderForm(),
            "upload_max": file_size(settings.UPLOAD_MAX_BYTES),
            "following": FolderFollow.objects.filter(
                user=request.user, group=access.group, folder=folder
            ).exists(),
        },
    )


def _folder_edit_form(folder: Folder, folders: list[Folder], data=None) -> FolderEditForm:
    """The form that renames and moves `folder`, offering the folders it may go into."""
    inside = services.folder_descendant_ids(folder) | {folder.pk}
    return FolderEditForm(
        data,
        folders=[f for f in folders if f.pk not in inside],
        initial={"name": folder.name, "parent": folder.parent_id},
        prefix="folder",
    )


def _breadcrumbs(folder: Folder | None, folders: list[Folder]) -> list[Folder]:
    by_id: dict[int | None, Folder] = {f.pk: f for f in folders}
    trail = []
    while folder is not None:
        trail.append(folder)
        folder = by_id.get(folder.parent_id)
    return list(reversed(trail))


@csrf_exempt
@group_view(Capability.UPLOAD)
def document_upload(request: AuthenticatedHttpRequest, access: GroupAccess) -> HttpResponse:
    # The size limit must be in place before anything reads the body, so CSRF is
    # checked after the handler is added.
    if request.method == "POST":
        if _too_large(request):
            return _upload_refused(request, access, _too_large_message(), status=413)
        request.upload_handlers.insert(0, SizeLimitHandler(request, settings.UPLOAD_MAX_BYTES))
    return _document_upload(request, access)


@csrf_protect
def _document_upload(request: AuthenticatedHttpRequest, access: GroupAccess) -> HttpResponse:
    if request.method != "POST":
        return redirect("resources:library", slug=access.group.slug)
    folders = list(Folder.objects.filter(group=access.group))
    form = UploadForm(request.POST, request.FILES, folders=folders)
    if upload_too_large(request):
        return _upload_refused(request, access, _too_large_message(), status=413)
    if not form.is_valid():
        return _upload_refused(request, access, form=form)
    data = form.cleaned_data
    folder = next((f for f in folders if f.pk == data["folder"]), None)
    try:
        with _the_file(request, access, data) as upload:
            duplicates = [] if data["duplicate_ok"] else _duplicates(access, upload)
            if duplicates:
                return _duplicate_warning(request, access, form, duplicates)
            document = services.document_upload(
                actor=request.user,
                group=access.group,
                upload=upload,
                title=data["title"],
                description=data["description"],
                folder=folder,
                domain=data["domain"],
                tags=data["tags"],
                language=data["language"],
            )
    except ServiceError as error:
        return _upload_refused(request, access, error.message, form=form)
    messages.success(
        request,
        format_html(
            '{} <a href="{}">{}</a>',
            _("“%(title)s” has been uploaded.") % {"title": document.title},
            document.get_absolute_url(),
            _("Open the document"),
        ),
    )
    return _go(request, document.get_absolute_url())


def _duplicates(access: GroupAccess, upload: UploadedFile) -> list[Document]:
    return list(services.duplicate_list(group=access.group, sha256=files.sha256(upload))[:5])


def _duplicate_warning(request, access, form, duplicates) -> HttpResponse:
    """The same file is already in the library: nothing was stored. The page offers the
    document(s) to open, a new version of one of them, or the upload form again, filled
    in, to upload the file anyway."""
    data = form.cleaned_data
    again = UploadForm(
        folders=Folder.objects.filter(group=access.group),
        initial={**data, "tags": ", ".join(data["tags"]), "duplicate_ok": True},
    )
    return render(
        request,
        "resources/upload_refused.html",
        {
            "access": access,
            "group": access.group,
            "upload_form": again,
            "duplicates": [(d, _may_change(access, d)) for d in duplicates],
        },
        status=409,
    )


@group_view(Capability.UPLOAD)
def duplicate_check(request: AuthenticatedHttpRequest, access: GroupAccess) -> HttpResponse:
    """Documents of the group holding a file with this SHA-256 (?sha256=, as the page's
    script computes it before sending the file), each with its address and, when the
    person may add a version to it, the address for that."""
    digest = request.GET.get("sha256", "").strip().lower()
    if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
        return JsonResponse({"documents": []})
    found = services.duplicate_list(group=access.group, sha256=digest)[:5]
    return JsonResponse(
        {
            "documents": [
                {
                    "title": d.title,
                    "url": d.get_absolute_url(),
                    "version_url": reverse(
                        "resources:version-upload",
                        kwargs={"slug": access.group.slug, "document_id": d.pk},
                    )
                    if _may_change(access, d)
                    else None,
                }
                for d in found
            ]
        }
    )


@contextlib.contextmanager
def _the_file(
    request: AuthenticatedHttpRequest, access: GroupAccess, data: dict
) -> Iterator[UploadedFile]:
    """The file of an upload form: sent with it, or before it in chunks (the form then
    names the person's upload session in this group; anyone else's is not found)."""
    if not data["upload"]:
        yield data["file"]
        return
    session = group_object_get(
        access, UploadSession.objects.filter(created_by=request.user), data["upload"]
    )
    with services.upload_session_file(actor=request.user, session=session) as upload:
        yield upload


def _upload_refused(request, access, message=None, *, form=None, status=400) -> HttpResponse:
    """The upload form again, with what was wrong; nothing was stored."""
    return render(
        request,
        "resources/upload_refused.html",
        {
            "access": access,
            "group": access.group,
            "upload_form": form or UploadForm(folders=Folder.objects.filter(group=access.group)),
            "error_message": message,
        },
        status=status,
    )


# --- Files sent in chunks ----------------------------------------------------------------
#
# The library's upload page sends a file in chunks (static/js/upload.js): it starts an
# upload session, sends each chunk as the raw body of a request at its offset, and, once
# every byte has arrived, posts the upload form naming the session instead of carrying
# the file. daphne holds a request's whole body in memory (and Twisted parses a whole
# multipart body in memory before that), so only small bodies keep the server's memory
# flat. Answers are JSON; an error carries a translated `error`, a stable `code` and,
# for a session, where it stands (`received`), from which the client resumes.


def _session_state(access: GroupAccess, session: UploadSession, status: int = 200):
    return JsonResponse(
        {
            "id": session.pk,
            "url": reverse(
                "resources:upload-session",
                kwargs={"slug": access.group.slug, "upload_id": session.pk},
            ),
            "name": session.name,
            "size": session.size,
            "received": session.received,
            "chunk_size": session.chunk_size,
        },
        status=status,
    )


SESSION_ERROR_STATUS = {"offset": 409, "too_large": 413, "storage": 503}


def _session_refused(error: ServiceError, session: UploadSession | None = None):
    body: dict[str, str | int] = {"error": error.message, "code": error.code}
    if session is not None and error.code != "rejected":
        body["received"] = session.received
    return JsonResponse(body, status=SESSION_ERROR_STATUS.get(error.code, 400))


@group_view(Capability.UPLOAD)
@require_POST
def upload_session_start(request: AuthenticatedHttpRequest, access: GroupAccess) -> HttpResponse:
    """Start sending a file in chunks: form fields `name` and `size` (bytes)."""
    form = UploadSessionForm(request.POST)
    if not form.is_valid():
        return _session_refused(ServiceError(_("Give the file's name and size.")))
    try:
        session = services.upload_session_start(
            actor=request.user,
            group=access.group,
            name=form.cleaned_data["name"],
            size=form.cleaned_data["size"],
        )
    except ServiceError as error:
        return _session_refused(error)
    return _session_state(access, session, status=201)


@group_view(Capability.UPLOAD)
@require_http_methods(["GET", "POST", "DELETE"])
def upload_session(
    request: AuthenticatedHttpRequest, access: GroupAccess, upload_id: int
) -> HttpResponse:
    """GET: where the session stands. POST ?offset=N: the next chunk, as the raw body.
    DELETE: give up, removing what was sent."""
    session = group_object_get(
        access, UploadSession.objects.filter(created_by=request.user), upload_id
    )
    if request.method == "GET":
        return _session_state(access, session)
    if request.method == "DELETE":
        services.upload_session_discard(session=session)
        return HttpResponse(status=204)
    offset = parse_int(request.GET.get("offset"), minimum=0, maximum=MAX_ID)
    length = parse_int(request.META.get("CONTENT_LENGTH"), minimum=0, maximum=MAX_ID)
    if offset is None or length is None:
        return _session_refused(
            ServiceError(_("Send the chunk with its offset and length."), code="chunk"), session
        )
    try:
        session = services.upload_session_append(
            actor=request.user,
            session=session,
            offset=offset,
            length=length,
            body=request,
        )
    except ServiceError as error:
        return _session_refused(error, session)
    return _session_state(access, session)


@group_view(Capability.UPLOAD)
@require_POST
def folder_create(request: AuthenticatedHttpRequest, access: GroupAccess) -> HttpResponse:
    form = FolderForm(request.POST)
    parent_id = request.POST.get("parent", "")
    parent = (
        group_object_get(access, Folder.objects.all(), parent_id) if parent_id.isdigit() else None
    )
    if form.is_valid():
        try:
            folder = services.folder_create(
                actor=request.user,
                group=access.group,
                name=form.cleaned_data["name"],
                parent=parent,
            )
        except ServiceError as error:
            messages.error(request, error.message)
        else:
            return redirect(f"{_library_url(access)}?folder={folder.pk}")
    else:
        messages.error(request, _("Give the folder a name."))
    return redirect(_library_url(access) + (f"?folder={parent.pk}" if parent else ""))


@group_view(Capability.UPLOAD, row="folder")
@require_POST
def folder_update(
    request: AuthenticatedHttpRequest, access: GroupAccess, folder_id: int
) -> HttpResponse:
    """Rename a folder and/or move it into another folder of the group."""
    folder = group_object_get(access, Folder.objects.all(), folder_id)
    access.require_change("folder", author_id=folder.created_by_id)
    folders = list(Folder.objects.filter(group=access.group))
    form = _folder_edit_form(folder, folders, request.POST)
    if not form.is_valid():
        problems = [str(e) for errors in form.errors.values() for e in errors]
        messages.error(request, " ".join(problems) or _("Give the folder a name."))
    else:
        parent_id = form.cleaned_data["parent"]
        try:
            services.folder_update(
                actor=request.user,
                folder=folder,
                name=form.cleaned_data["name"],
                parent=next((f for f in folders if f.pk == parent_id), None),
            )
        except ServiceError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The folder has been saved."))
    return redirect(f"{_library_url(access)}?folder={folder.pk}")


@group_view(Capability.UPLOAD, row="folder")
@require_POST
def folder_delete(
    request: AuthenticatedHttpRequest, access: GroupAccess, folder_id: int
) -> HttpResponse:
    """Delete an empty folder; the library then shows the folder it was in."""
    folder = group_object_get(access, Folder.objects.all(), folder_id)
    access.require_change("folder", author_id=folder.created_by_id)
    parent_id = folder.parent_id
    try:
        services.folder_delete(actor=request.user, folder=folder)
    except ServiceError as error:
        messages.error(request, error.message)
        return redirect(f"{_library_url(access)}?folder={folder.pk}")
    messages.success(request, _("The folder has been deleted."))
    return redirect(_library_url(access) + (f"?folder={parent_id}" if parent_id else ""))


def _library_url(access: GroupAccess) -> str:
    return reverse("resources:library", kwargs={"slug": access.group.slug})


@group_view(Capability.VIEW)
def document_detail(
    request: AuthenticatedHttpRequest, access: GroupAccess, document_id: int
) -> HttpResponse:
    document = group_object_get(access, _documents(access), document_id)
    return _document_page(request, access, document)


def _require_change(access: GroupAccess, document: Document) -> None:
    """Only its author or a facilitator changes a document; a model template, which
    other groups download, only its own group's facilitators (groups.access.ROW_RULES)."""
    access.require_change("document", author_id=document.created_by_id, shared=document.is_template)


def _may_change(access: GroupAccess | None, document: Document) -> bool:
    """Whether the document's page offers to change it (the pages need UPLOAD too)."""
    return (
        access is not None
        and access.can_upload
        and access.may_change(
            "document", author_id=document.created_by_id, shared=document.is_template
        )
    )


def _document_page(request, access, document, *, as_template=False) -> HttpResponse:
    versions = list(document.versions.select_related("uploaded_by"))
    adaptations = (
        list(
            Document.objects.alive()
            .filter(source_document=document)
            .select_related("group", "source_version")
        )
        if document.is_template
        else []
    )
    adapt_targets = (
        list(
            Membership.objects.active()
            .filter(user=request.user, role__in=["facilitator", "member"], group__archived=False)
            .select_related("group")
        )
        if document.is_template
        else []
    )
    return render(
        request,
        "resources/document_detail.html",
        {
            "access": access,
            "group": access.group if access else None,
            "document": document,
            "versions": versions,
            "tags": list(document.tags.all()),
            "adaptations": adaptations,
            "adapt_targets": adapt_targets,
            "as_template": as_template,
            "version_form": VersionForm(),
            "can_change": _may_change(access, document),
        },
    )


@csrf_exempt
@group_view(Capability.UPLOAD, row="document")
def version_upload(
    request: AuthenticatedHttpRequest, access: GroupAccess, document_id: int
) -> HttpResponse:
    # Who may is known from the URL: decided before a byte of the body is read.
    document = group_object_get(access, _documents(access), document_id)
    _require_change(access, document)
    if request.method == "POST":
        if _too_large(request):
            messages.error(request, _too_large_message())
            return redirect(
                "resources:document-detail", slug=access.group.slug, document_id=document_id
            )
        request.upload_handlers.insert(0, SizeLimitHandler(request, settings.UPLOAD_MAX_BYTES))
    return _version_upload(request, access, document)


@csrf_protect
def _version_upload(
    request: AuthenticatedHttpRequest, access: GroupAccess, document: Document
) -> HttpResponse:
    if request.method != "POST":
        return redirect(document)
    form = VersionForm(request.POST, request.FILES)
    problem = None
    if upload_too_large(request):
        problem = _too_large_message()
    elif not form.is_valid():
        problem = _("Choose a file.")
    else:
        try:
            with _the_file(request, access, form.cleaned_data) as upload:
                services.version_upload(
                    actor=request.user,
                    document=document,
                    upload=upload,
                    change_note=form.cleaned_data["change_note"],
                )
        except ServiceError as error:
            problem = error.message
    if problem and _from_script(request):
        return JsonResponse({"error": problem}, status=400)
    if problem:
        messages.error(request, problem)
    else:
        messages.success(request, _("The new version has been uploaded."))
    return _go(request, document.get_absolute_url())


DOWNLOAD_BLOCK = 64 * 1024


async def _blocks(handle) -> AsyncIterator[bytes]:
    """A file's bytes block by block, each read in a worker thread.

    Under ASGI, Django reads a FileResponse over a plain file whole into a list before
    sending a byte (it consumes synchronous iterators so), and daphne takes whatever it
    is given into its send buffer at once: a 200 MB file cost 400 MB. One block at a
    time, with the event loop free in between, lets the socket drain as it fills."""
    while block := await asyncio.to_thread(handle.read, DOWNLOAD_BLOCK):
        yield block


def _download(request: HttpRequest, version: DocumentVersion) -> HttpResponseBase:
    """Send the browser to a short-lived S3 link, or have nginx send the file
    (FILES_ACCEL_REDIRECT), or stream it. PDFs may open in the browser (?inline=1);
    everything else is an attachment."""
    inline = request.GET.get("inline") == "1" and version.content_type == files.PDF
    return send_stored(
        request,
        key=version.storage_key,
        name=version.original_name,
        content_type=version.content_type,
        inline=inline,
    )


def send_stored(
    request: HttpRequest, *, key: str, name: str, content_type: str, inline: bool
) -> HttpResponseBase:
    """The stored file under `key`, as _download sends it, under `name`."""
    disposition = "inline" if inline else "attachment"
    if settings.S3_BUCKET:
        header = f"{disposition}; filename*=UTF-8''{quote(name)}"
        url = s3_storage().url(
            key,
            parameters={
                "ResponseContentDisposition": header,
                "ResponseContentType": content_type,
            },
            expire=settings.S3_PRESIGNED_URL_SECONDS,
        )
        return HttpResponseRedirect(url)
    if settings.FILES_ACCEL_REDIRECT:
        # nginx sends the file from its internal location; it passes these headers on.
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = settings.FILES_ACCEL_REDIRECT + quote(key)
        disposition_header = content_disposition_header(not inline, name)
        assert disposition_header is not None  # None only without a name; clean_name gives one
        response["Content-Disposition"] = disposition_header
        response["Cache-Control"] = "private, no-store"
        return response
    try:
        handle = default_storage.open(key, "rb")
    except FileNotFoundError:
        raise Http404 from None
    streamed = FileResponse(
        handle,
        as_attachment=not inline,
        filename=name,
        content_type=content_type,
    )
    if isinstance(request, ASGIRequest):
        streamed.streaming_content = _blocks(handle)
    streamed["X-Content-Type-Options"] = "nosniff"
    streamed["Cache-Control"] = "private, no-store"
    return streamed


@group_view(Capability.VIEW)
def version_download(
    request: AuthenticatedHttpRequest, access: GroupAccess, document_id: int, version_id: int
) -> HttpResponseBase:
    document = group_object_get(access, _documents(access), document_id)
    version = group_object_get(
        access,
        DocumentVersion.objects.filter(document=document),
        version_id,
        group_field="document__group",
    )
    return _download(request, version)


@group_view(Capability.UPLOAD, row="document")
def document_edit(
    request: AuthenticatedHttpRequest, access: GroupAccess, document_id: int
) -> HttpResponse:
    document = group_object_get(access, _documents(access), document_id)
    _require_change(access, document)
    folders = list(Folder.objects.filter(group=access.group))
    initial = {
        "title": document.title,
        "description": document.description,
        "domain": document.domain,
        "tags": ", ".join(str(tag) for tag in document.tags.all()),
        "language": document.language,
        "folder": document.folder_id,
    }
    form = EditForm(request.POST or None, initial=initial, folders=folders)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.document_update(
            actor=request.user,
            document=document,
            title=data["title"],
            description=data["description"],
            domain=data["domain"],
            tags=data["tags"],
            language=data["language"],
            folder=next((f for f in folders if f.pk == data["folder"]), None),
        )
        messages.success(request, _("The document has been saved."))
        return redirect(document)
    return render(
        request,
        "resources/document_form.html",
        {"access": access, "group": access.group, "document": document, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@group_view(Capability.MANAGE)
def document_share(
    request: AuthenticatedHttpRequest, access: GroupAccess, document_id: int
) -> HttpResponse:
    document = group_object_get(access, _documents(access), document_id)
    targets = services.share_targets(actor=request.user, document=document)
    form = ShareForm(
        request.POST or None,
        targets=targets,
        initial={
            "is_template": document.is_template,
            "share_with_all": document.shared_with_all,
            "groups": list(document.shared_with.filter(pk__in=targets.values("pk"))),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.document_share(
                actor=request.user,
                document=document,
                is_template=form.cleaned_data["is_template"],
                share_with_all=form.cleaned_data["share_with_all"],
                groups=list(form.cleaned_data["groups"]),
            )
        except ServiceError as error:
            form.add_error("groups", error.message)
        else:
            messages.success(request, _("Sharing has been saved."))
            return redirect(document)
    return render(
        request,
        "resources/document_share.html",
        {"access": access, "group": access.group, "document": document, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@group_view(Capability.UPLOAD, row="document")
@require_POST
def document_trash(
    request: AuthenticatedHttpRequest, access: GroupAccess, document_id: int
) -> HttpResponse:
    document = group_object_get(access, _documents(access), document_id)
    _require_change(access, document)
    services.document_trash(actor=request.user, document=document)
    messages.success(
        request,
        format_html(
            '{} <a href="{}">{}</a>',
            _("The document is in the trash; you can restore it for %(days)d days.")
            % {"days": services.TRASH_DAYS},
            reverse("resources:trash", kwargs={"slug": access.group.slug}),
            _("Open the trash"),
        ),
    )
    return redirect("resources:library", slug=access.group.slug)


@group_view(Capability.UPLOAD)
def trash(request: AuthenticatedHttpRequest, access: GroupAccess) -> HttpResponse:
    """What is in the trash: everything for those who manage the group, what they moved
    there themselves for anyone else (groups.access.ROW_RULES["trash"])."""
    documents = (
        Document.objects.filter(group=access.group, deleted_at__isnull=False)
        .select_related("deleted_by", "current_version")
        .order_by("-deleted_at", "-pk")
    )
    if not access.can(ROW_RULES["trash"].others):
        documents = documents.filter(deleted_by=request.user)
    return render(
        request,
        "resources/trash.html",
        {
            "access": access,
            "group": access.group,
            "documents": documents,
            "days": services.TRASH_DAYS,
        },
    )


def _trashed(access: GroupAccess, document_id: int) -> Document:
    """A document of the group the person may restore: one they moved to the trash, or
    any for those who manage. One that is not in the trash is refused by the service."""
    document = group_object_get(access, Document.objects.all(), document_id)
    access.require_change("trash", author_id=document.deleted_by_id, shared=document.is_template)
    return document


@group_view(Capability.UPLOAD, row="trash")
@require_POST
def document_restore(
    request: AuthenticatedHttpRequest, access: GroupAccess, document_id: int
) -> HttpResponse:
    document = _trashed(access, document_id)
    try:
        services.document_restore(actor=request.user, document=document)
    except ServiceError as error:
        messages.error(request, error.message)
        return redirect("resources:trash", slug=access.group.slug)
    messages.success(request, _("The document has been restored."))
    return redirect(document)


@group_view(Capability.UPLOAD, row="purge")
def document_delete(
    request: AuthenticatedHttpRequest, access: GroupAccess, document_id: int
) -> HttpResponse:
    """Delete a document in the trash for good: GET asks to confirm, POST deletes."""
    document = group_object_get(
        access, Document.objects.select_related("deleted_by", "current_version"), document_id
    )
    access.require_change("purge", author_id=document.deleted_by_id, shared=document.is_template)
    trash_url = reverse("resources:trash", kwargs={"slug": access.group.slug})
    if document.deleted_at is None:
        messages.error(request, _("Only a document in the trash can be deleted for good."))
        return redirect(trash_url)
    if request.method == "POST":
        title = document.title
        services.document_delete(actor=request.user, document=document)
        messages.success(request, _("“%(title)s” has been deleted for good.") % {"title": title})
        return redirect(trash_url)
    return render(
        request,
        "resources/document_delete.html",
        {
            "access": access,
            "group": access.group,
            "document": document,
        },
    )


# --- Model templates shared across groups -----------------------------------------


def _template_for(user, document_id: int) -> Document:
    document = (
        Document.objects.for_user(user)
        .filter(is_template=True, pk=document_id)
        .select_related("group", "current_version")
        .first()
    )
    if document is None:
        raise Http404
    return document


@login_required
def template_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Model templates the person may use: shared with their groups or with all."""
    templates = (
        Document.objects.for_user(request.user)
        .filter(is_template=True)
        .select_related("group", "current_version")
        .annotate(adaptation_count=Count("adaptations", distinct=True))
        .order_by("title")
    )
    return render(request, "resources/template_list.html", {"templates": templates})


@login_required
def template_detail(request: AuthenticatedHttpRequest, document_id: int) -> HttpResponse:
    document = _template_for(request.user, document_id)
    return _document_page(request, None, document, as_template=True)


@login_required
def template_download(
    request: AuthenticatedHttpRequest, document_id: int, version_id: int
) -> HttpResponseBase:
    document = _template_for(request.user, document_id)
    version = document.versions.filter(pk=version_id).first()
    if version is None:
        raise Http404
    return _download(request, version)


@login_required
@require_POST
def template_adapt(request: AuthenticatedHttpRequest, document_id: int) -> HttpResponse:
    """Make an adapted copy of a template in one of the person's groups."""
    template = _template_for(request.user, document_id)
    target = group_access(
        user=request.user, slug=request.POST.get("group", ""), capability=Capability.UPLOAD
    )
    try:
        copy = services.document_adapt(actor=request.user, template=template, group=target.group)
    except ServiceError as error:
        messages.error(request, error.message)
        return redirect("resources:template-detail", document_id=template.pk)
    messages.success(request, _("Your adapted copy is ready: change it as you need."))
    return redirect(copy)


@login_required
def library_search(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Search across all the person's groups and the templates shared with them."""
    query = request.GET.get("q", "").strip()[:200]
    results = (
        _searched(Document.objects.for_user(request.user).select_related("group"), query)[:50]
        if query
        else []
    )
    return render(
        request,
        "resources/search.html",
        {"query": query, "results": results, "now": timezone.now()},
    )


@group_view(Capability.VIEW)
@require_POST
def library_follow(request: AuthenticatedHttpRequest, access: GroupAccess) -> HttpResponse:
    """Follow (or stop following) a folder of the library, or the whole library."""
    # No folder is the whole library; a folder that is not one is a 404, not the library.
    folder_id = request.POST.get("folder", "")
    folder = (
        group_object_get(access, Folder.objects.all(), parse_id(folder_id)) if folder_id else None
    )
    following = services.folder_follow_toggle(actor=request.user, group=access.group, folder=folder)
    messages.success(
        request,
        _("You will hear about new documents here.")
        if following
        else _("You will no longer hear about new documents here."),
    )
    url = reverse("resources:library", kwargs={"slug": access.group.slug})
    return redirect(f"{url}?folder={folder.pk}" if folder else url)
