"""Files sent with messages and library documents linked to them.

A file sent with a message is a document of the group's library, uploaded through the
library's own service (type by content, size, version, text extraction) into the
group's attachments folder, made when first needed and named in the group's language.
It is sent first, over HTTP, and waits for its message, seen by nobody but its sender;
`message.send` (or the form) then names it. The library shows it only while its message
is shown to every member (models.DocumentQuerySet.readable), and its file goes only to
those who may see the message (attachment_get).

Plugged into groups' hook (groups/attachments.py) from ResourcesConfig.ready().
"""

import datetime as dt
from collections.abc import Sequence

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from groups.access import GroupAccess, group_object_get
from groups.models import Group, Message, User
from gwd.errors import ServiceError
from gwd.text import clean_text
from resources import files, services
from resources.models import Document, DocumentVersion, Folder, MessageAttachment
from resources.search import WORD, document_search

# How many documents of the library the reply form offers without its script: the
# latest, or those its search finds.
COMPOSER_DOCUMENTS = 30
COMPOSER_QUERY_MAX = 200
PICK_RESULTS = 10
# Short names of the types, the same in every language.
TYPE_LABELS = {
    files.PDF: "PDF", files.DOCX: "DOCX", files.XLSX: "XLSX", files.PPTX: "PPTX",
    files.ODT: "ODT", files.ODS: "ODS", files.ZIP: "ZIP", files.PNG: "PNG", files.JPEG: "JPEG",
    files.TXT: "TXT", files.CSV: "CSV",
}  # fmt: skip


def attachments_folder(group: Group) -> Folder:
    """The group's folder of discussion attachments, made the first time it is needed,
    named in the group's first language. A folder a member already gave that name is
    left alone: this one takes the name with a number."""
    folder = Folder.objects.filter(group=group, purpose=Folder.Purpose.ATTACHMENTS).first()
    if folder is not None:
        return folder
    with translation.override(group.first_language):
        name = _("Discussion attachments")
    for candidate in [name, *(f"{name} ({n})" for n in range(2, 6))]:
        # Names are unique among a folder's children, and the database cannot tell for
        # the main folder's (a NULL parent): asked first.
        if Folder.objects.filter(group=group, parent=None, name=candidate).exists():
            continue
        try:
            with transaction.atomic():
                return Folder.objects.create(
                    group=group, name=candidate, purpose=Folder.Purpose.ATTACHMENTS
                )
        except IntegrityError:
            folder = Folder.objects.filter(group=group, purpose=Folder.Purpose.ATTACHMENTS).first()
            if folder is not None:  # another upload made it meanwhile
                return folder
    raise ServiceError(_("The attachments folder cannot be made."), code="invalid")


def attachment_upload(*, actor: User, group: Group, upload: UploadedFile) -> Document:
    """Store a file to go with a message the actor is writing: a document of the
    attachments folder, checked, versioned and indexed as every upload of the library.
    An image is stored without its metadata, with a thumbnail made on the server
    (services._add_version)."""
    name = files.clean_name(upload.name, services.check_upload(upload))
    with transaction.atomic():
        return services.document_upload(
            actor=actor,
            group=group,
            upload=upload,
            title=name,
            folder=attachments_folder(group),
            language=actor.language if actor.language in ("pl", "uk", "en") else "pl",
            attachment=True,
        )


def uploads_discard(*, actor: User, uploads: list[int]) -> None:
    """Delete the actor's uploads that went under no message, files and all."""
    _delete_waiting(Document.objects.filter(pk__in=uploads, created_by=actor))


def uploads_purge() -> int:
    """Delete files sent for a message that was never sent, a day after they came."""
    cutoff = timezone.now() - dt.timedelta(hours=services.UPLOAD_SESSION_HOURS)
    return _delete_waiting(Document.objects.filter(created_at__lt=cutoff))


def _delete_waiting(documents) -> int:
    """Delete those of `documents` that are files under no message; how many."""
    waiting = list(
        documents.filter(is_attachment=True)
        .exclude(Exists(MessageAttachment.objects.filter(document=OuterRef("pk"))))
        .values_list("pk", flat=True)
    )
    keys = list(
        DocumentVersion.objects.filter(document__in=waiting).values_list(
            "storage_key", "thumbnail_key"
        )
    )
    Document.objects.filter(pk__in=waiting).delete()
    for key, thumbnail in keys:
        default_storage.delete(key)
        if thumbnail:
            default_storage.delete(thumbnail)
    return len(waiting)


def _refused() -> ServiceError:
    return ServiceError(
        _("A file or document to attach is not in this group's library, or no longer there."),
        code="not_found",
    )


def attachments_link(
    *, actor: User, message: Message, uploads: list[int], documents: list[int]
) -> list[dict]:
    """Put the actor's `uploads` (sent first, under no message yet) and `documents` of
    the message's group (not files of other messages) under `message`, in that order.
    Any wrong id refuses all of them (ServiceError "not_found"). Two statements: the
    documents, the links."""
    found = {
        d.pk: d
        for d in Document.objects.filter(
            group_id=message.group_id, pk__in=[*uploads, *documents], deleted_at=None
        )
        .select_related("current_version", "group")
        .annotate(taken=Exists(MessageAttachment.objects.filter(document=OuterRef("pk"))))
    }
    for pk in uploads:
        document = found.get(pk)
        if (
            document is None
            or not document.is_attachment
            or document.created_by_id != actor.pk
            or document.taken
        ):
            raise _refused()
    for pk in documents:
        document = found.get(pk)
        if document is None or document.is_attachment:
            raise _refused()
    kinds = [(pk, MessageAttachment.Kind.UPLOAD) for pk in uploads] + [
        (pk, MessageAttachment.Kind.LINK) for pk in documents if pk not in uploads
    ]
    links = MessageAttachment.objects.bulk_create(
        [
            MessageAttachment(message=message, document=found[pk], kind=kind, position=n)
            for n, (pk, kind) in enumerate(kinds)
        ]
    )
    return [attachment_payload(link) for link in links]


def attachment_payload(attachment: MessageAttachment) -> dict:
    """What a message shows of one attachment: a card with name, size and type, or an
    image's thumbnail. Its addresses check who asks (attachment_get, the library's)."""
    document = attachment.document
    version = document.current_version
    slug = document.group.slug
    available = document.deleted_at is None and version is not None
    payload: dict = {
        "id": attachment.pk,
        "kind": attachment.kind,
        "document": document.pk,
        "title": document.title,
        "available": available,
    }
    if not available or version is None:
        return payload
    own_file = attachment.kind == MessageAttachment.Kind.UPLOAD
    kwargs = {"slug": slug, "attachment_id": attachment.pk}
    payload.update(
        {
            "name": version.original_name,
            "size": version.size,
            "type": TYPE_LABELS.get(version.content_type, ""),
            "url": reverse("resources:attachment-file", kwargs=kwargs)
            if own_file
            else document.get_absolute_url(),
            "image": None,
        }
    )
    if own_file and version.thumbnail_key:
        payload["image"] = {
            "thumbnail": reverse("resources:attachment-thumbnail", kwargs=kwargs),
            "full": reverse("resources:attachment-file", kwargs=kwargs) + "?inline=1",
            "width": version.width,
            "height": version.height,
        }
    return payload


def attachments_by_message(messages: Sequence[Message]) -> dict[int, list[dict]]:
    grouped: dict[int, list[dict]] = {}
    links = (
        MessageAttachment.objects.filter(message__in=[m.pk for m in messages])
        .select_related("document__current_version", "document__group")
        .order_by("message_id", "position")
    )
    for link in links:
        grouped.setdefault(link.message_id, []).append(attachment_payload(link))
    return grouped


def attachment_get(access: GroupAccess, attachment_id: int) -> MessageAttachment:
    """An attachment of the accessed group whose message this person may see, or
    Http404: not under a deleted message, under a hidden one only for moderators, under
    a held one only for its author and moderators; its document not in the trash."""
    attachments = MessageAttachment.objects.select_related(
        "message", "document__current_version"
    ).filter(message__deleted_at=None, document__deleted_at=None)
    if not access.can_moderate:
        attachments = attachments.filter(message__hidden_at=None).filter(
            message__in=Message.objects.visible_to(access.user, moderator=False)
        )
    return group_object_get(access, attachments, attachment_id, group_field="message__group")


def document_pick_list(access: GroupAccess, query: str):
    """Documents of the group's library a message may link: found by `query` with the
    library's search, or the latest; never files sent with messages."""
    documents = (
        Document.objects.readable()
        .filter(group=access.group, is_attachment=False)
        .select_related("current_version", "group")
    )
    if query:
        return document_search(documents, query)[:PICK_RESULTS]
    return documents.order_by("-updated_at", "-pk")[:PICK_RESULTS]


def composer_documents(access: GroupAccess, query: str | None) -> dict:
    """What the reply form offers to link without its script: the latest documents of
    the library, or, with `query` (the thread page's ?library=), those the library's
    search finds in the whole of it — never files sent with messages, at most
    COMPOSER_DOCUMENTS either way. A query with no word to search, or too long, gets a
    message and the latest documents."""
    documents = (
        Document.objects.readable()
        .filter(group=access.group, is_attachment=False)
        .select_related("current_version")
    )
    latest = documents.order_by("-updated_at", "-pk")
    if query is None:
        return {"library_documents": list(latest[:COMPOSER_DOCUMENTS])}
    # Control characters go: PostgreSQL refuses a NUL in a query's text outright.
    query = clean_text(query)
    error = ""
    if len(query) > COMPOSER_QUERY_MAX:
        error = _("Search the library for at most %(limit)d characters.") % {
            "limit": COMPOSER_QUERY_MAX
        }
    elif not WORD.search(query):
        error = _("Type a word of the document's title or text to search the library.")
    if error:
        return {
            "library_documents": list(latest[:COMPOSER_DOCUMENTS]),
            "library_query": query[:COMPOSER_QUERY_MAX],
            "library_error": error,
        }
    return {
        "library_documents": list(document_search(documents, query)[:COMPOSER_DOCUMENTS]),
        "library_query": query,
        "library_searched": True,
    }


class Provider:
    """What groups/attachments.py asks of the library."""

    def payloads(self, messages: Sequence[Message]) -> dict[int, list[dict]]:
        return attachments_by_message(messages)

    def link(
        self, *, actor: User, message: Message, uploads: list[int], documents: list[int]
    ) -> list[dict]:
        return attachments_link(actor=actor, message=message, uploads=uploads, documents=documents)

    def store_files(self, *, actor: User, group: Group, files: list[UploadedFile]) -> list[int]:
        return [attachment_upload(actor=actor, group=group, upload=f).pk for f in files]

    def discard(self, *, actor: User, uploads: list[int]) -> None:
        uploads_discard(actor=actor, uploads=uploads)

    def composer(self, access: GroupAccess, *, query: str | None = None) -> dict:
        slug = access.group.slug
        return {
            **composer_documents(access, query),
            "attachment_upload_url": reverse("resources:attachment-upload", kwargs={"slug": slug}),
            "document_pick_url": reverse("resources:document-pick", kwargs={"slug": slug}),
        }
